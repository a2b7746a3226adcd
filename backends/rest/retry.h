// Sending with retries, the same for every dialect: transport errors (UNAVAILABLE,
// DEADLINE_EXCEEDED), 5xx and 429 are retried with exponential backoff and jitter
// (base::BackoffDelay), a Retry-After header (seconds or an HTTP date) is honoured up to a
// cap, attempts are bounded in number and by an overall deadline, and every attempt first
// takes a token from the backend's rate limiter. Any other 4xx (and 401, which the
// dialect handles by renewing a token) is returned at once.
//
// Time is injectable (base::Clock plus a sleep function) so that tests measure waits
// without sleeping.
//
// Thread-safety: RateLimiter and RetryingSender are safe for concurrent use.
#ifndef QGRAD_BACKENDS_REST_RETRY_H_
#define QGRAD_BACKENDS_REST_RETRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "backends/rest/http.h"
#include "base/backoff.h"
#include "base/clock.h"

namespace qgrad::backends::rest {

struct RetryPolicy {
  int max_attempts = 6;  // including the first
  base::BackoffPolicy backoff{absl::Milliseconds(500), absl::Seconds(30), 2.0};
  absl::Duration max_retry_after = absl::Seconds(60);  // a longer Retry-After is capped
  absl::Duration overall_deadline = absl::Minutes(3);  // no retry would start past this
};

// Sleeps for the duration, or returns early (false) when `stop` is notified.
using SleepFn = std::function<bool(absl::Duration, absl::Notification* stop)>;
// The real sleep: waits on `stop` (when given) with a timeout.
bool RealSleep(absl::Duration d, absl::Notification* stop);

struct Timing {
  std::shared_ptr<const base::Clock> clock = std::make_shared<base::SystemClock>();
  SleepFn sleep = RealSleep;
  absl::Time Now() const { return absl::FromUnixMicros(clock->NowMicros()); }
};

// A token bucket: `rate` requests per second on average, bursts of up to `burst`.
// rate ≤ 0 disables it.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst, Timing timing);
  // Takes a token, sleeping until one is due. False when `stop` was notified first.
  bool Acquire(absl::Notification* stop = nullptr);

 private:
  const double rate_;
  const double burst_;
  const Timing timing_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

// The delay a Retry-After value asks for, relative to `now`; nullopt when malformed.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

// True for the statuses worth another attempt: 429 and 5xx.
bool RetryableStatus(int status);

struct SendOptions {
  // Called before every attempt (e.g. to sign the request with a fresh date).
  std::function<absl::Status(HttpRequest&)> prepare;
  // Notified to give up between attempts (CANCELLED). The first attempt is made even
  // when it has fired, unless the rate limiter would have to wait for it.
  absl::Notification* stop = nullptr;
};

class RetryingSender {
 public:
  RetryingSender(std::shared_ptr<HttpClient> client, RetryPolicy policy,
                 std::shared_ptr<RateLimiter> limiter, Timing timing, uint64_t jitter_seed);

  // The first non-retryable response, the last response once attempts or the deadline
  // run out (a 5xx or 429 then comes back as a response), or the last transport error
  // (its message says how many attempts were made). CANCELLED when `stop` fired.
  absl::StatusOr<HttpResponse> Send(HttpRequest request, const SendOptions& options = {});

  const Timing& timing() const { return timing_; }

 private:
  double UnitRandom();

  const std::shared_ptr<HttpClient> client_;
  const RetryPolicy policy_;
  const std::shared_ptr<RateLimiter> limiter_;
  const Timing timing_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_RETRY_H_
