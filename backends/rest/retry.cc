// Retries and rate limiting; see retry.h.
//
// Thread-safety: the limiter's bucket and the sender's jitter generator each sit behind a
// mutex; sleeps happen outside them.
#include "backends/rest/retry.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace qgrad::backends::rest {

bool RealSleep(absl::Duration d, absl::Notification* stop) {
  if (stop == nullptr) {
    absl::SleepFor(d);
    return true;
  }
  return !stop->WaitForNotificationWithTimeout(d);
}

RateLimiter::RateLimiter(double rate, double burst, Timing timing)
    : rate_(rate), burst_(std::max(1.0, burst)), timing_(std::move(timing)), tokens_(burst_),
      last_(timing_.Now()) {}

bool RateLimiter::Acquire(absl::Notification* stop) {
  if (rate_ <= 0) return true;
  absl::Duration wait;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = timing_.Now();
    if (now > last_) {
      tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
      last_ = now;
    }
    // The token is reserved now (the bucket may go below zero), so that concurrent callers
    // queue up behind each other instead of all waking at the same instant.
    tokens_ -= 1;
    wait = tokens_ >= 0 ? absl::ZeroDuration() : absl::Seconds(-tokens_ / rate_);
  }
  return wait <= absl::ZeroDuration() || timing_.sleep(wait, stop);
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  int64_t seconds = 0;
  if (absl::SimpleAtoi(value, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  // IMF-fixdate (RFC 9110), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(),
                       &when, &error)) {
    return std::nullopt;
  }
  return std::max(absl::ZeroDuration(), when - now);
}

bool RetryableStatus(int status) { return status == 429 || (status >= 500 && status <= 599); }

RetryingSender::RetryingSender(std::shared_ptr<HttpClient> client, RetryPolicy policy,
                               std::shared_ptr<RateLimiter> limiter, Timing timing,
                               uint64_t jitter_seed)
    : client_(std::move(client)),
      policy_(policy),
      limiter_(std::move(limiter)),
      timing_(std::move(timing)),
      rng_(jitter_seed) {}

double RetryingSender::UnitRandom() {
  absl::MutexLock lock(&mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

absl::StatusOr<HttpResponse> RetryingSender::Send(HttpRequest request,
                                                  const SendOptions& options) {
  const absl::Time end = timing_.Now() + policy_.overall_deadline;
  const int attempts = std::max(1, policy_.max_attempts);
  auto cancelled = [&] {
    return absl::CancelledError(
        absl::StrCat(request.method, " ", UrlWithoutQuery(request.url), ": cancelled"));
  };
  for (int attempt = 1;; ++attempt) {
    // The first attempt goes out even when `stop` has fired (a cancel sent at shutdown),
    // unless the rate limiter has to make it wait.
    if (attempt > 1 && options.stop != nullptr && options.stop->HasBeenNotified()) {
      return cancelled();
    }
    if (limiter_ != nullptr && !limiter_->Acquire(options.stop)) return cancelled();
    HttpRequest sent = request;
    if (options.prepare) {
      if (absl::Status s = options.prepare(sent); !s.ok()) return s;
    }
    absl::StatusOr<HttpResponse> result = client_->Send(sent);
    bool retryable;
    absl::Duration delay = base::BackoffDelay(policy_.backoff, attempt, UnitRandom());
    if (result.ok()) {
      retryable = RetryableStatus(result->status);
      if (retryable) {
        if (std::optional<std::string> after = result->Header("Retry-After")) {
          if (std::optional<absl::Duration> d = ParseRetryAfter(*after, timing_.Now())) {
            delay = std::min(*d, policy_.max_retry_after);
          }
        }
      }
    } else {
      const absl::StatusCode code = result.status().code();
      retryable = code == absl::StatusCode::kUnavailable ||
                  code == absl::StatusCode::kDeadlineExceeded;
    }
    if (!retryable) return result;
    if (attempt >= attempts || timing_.Now() + delay > end) {
      if (result.ok()) return result;
      return absl::Status(result.status().code(),
                          absl::StrCat(result.status().message(), " (after ", attempt,
                                       attempt == 1 ? " attempt)" : " attempts)"));
    }
    if (!timing_.sleep(delay, options.stop)) return cancelled();
  }
}

}  // namespace qgrad::backends::rest
