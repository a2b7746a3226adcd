// Retries of one job's store calls through an outage of the store (a full disk, an I/O
// error, a lock held elsewhere): exponential backoff with jitter, ended at once by the
// run's stop flag. While a call is retried the job is paused where it is — an optimizer
// thread waits in its progress callback — so no checkpoint is ever skipped.
//
// Thread-safety: IsRetryableStoreError is pure; a StoreRetrier belongs to
// one run and is used on that run's thread only.
#ifndef QGRAD_SERVER_STORE_RETRY_H_
#define QGRAD_SERVER_STORE_RETRY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/backoff.h"
#include "base/clock.h"
#include "server/events.h"

namespace qgrad::server {

// The wait before retry number r (1, 2, ...) is base::BackoffDelay(backoff, r, u) for a
// uniform u in [0, 1): 100 ms · 2^(r − 1), at most 5 s, of which the upper half is random,
// so that jobs held up by the same outage do not all retry in the same instant.
struct StoreRetryPolicy {
  base::BackoffPolicy backoff{absl::Milliseconds(100), absl::Seconds(5), 2.0};
};

// UNAVAILABLE (disk full, I/O error, busy) and RESOURCE_EXHAUSTED (out of memory): the
// store may recover by itself. Everything else is an answer, not an outage.
bool IsRetryableStoreError(const absl::Status& status);

// Sleeps for the delay it is given; false: give up instead (the run is stopping).
using RetryWait = std::function<bool(absl::Duration)>;

class StoreRetrier {
 public:
  // `hub` and `clock` must outlive the retrier.
  StoreRetrier(EventHub* hub, const base::Clock* clock, const StoreRetryPolicy& policy,
               std::string job_id)
      : hub_(hub), clock_(clock), policy_(policy), job_id_(std::move(job_id)) {}

  // Calls `call` until it returns OK or an error that is not retryable (returned as it is),
  // or until `wait` gives up (the last error is returned). The first failure of a streak
  // logs `store_write_failed` and tells the job's watchers (EventHub::Trouble) that the job
  // is paused; the first answer after a streak logs `store_write_recovered`. An error that
  // is not retryable is logged (`store_write_failed`) unless it is FAILED_PRECONDITION: the
  // job is no longer in the state the call expected, which is no fault of the store.
  // `operation` names the call in the log.
  absl::Status Call(const char* operation, const std::function<absl::Status()>& call,
                    const RetryWait& wait);

  // Retry streaks begun so far, for tests.
  int streaks() const { return streaks_; }

 private:
  void LogFailure(const char* operation, const absl::Status& status, bool retrying) const;
  void NoteFailure(const char* operation, const absl::Status& status);
  void NoteAnswer(const char* operation, const absl::Status& status);

  EventHub* const hub_;
  const base::Clock* const clock_;
  const StoreRetryPolicy policy_;
  const std::string job_id_;
  int failures_ = 0;  // in the current streak
  int streaks_ = 0;
  int64_t streak_start_micros_ = 0;
  absl::BitGen jitter_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_STORE_RETRY_H_
