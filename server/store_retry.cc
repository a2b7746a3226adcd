// Store retries; see store_retry.h. Thread-compatible (one StoreRetrier per run).
#include "server/store_retry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/log.h"

namespace qgrad::server {

bool IsRetryableStoreError(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

absl::Status StoreRetrier::Call(const char* operation, const std::function<absl::Status()>& call,
                                const RetryWait& wait) {
  for (;;) {
    absl::Status status = call();
    if (!IsRetryableStoreError(status)) {
      NoteAnswer(operation, status);
      return status;
    }
    NoteFailure(operation, status);
    const double unit = absl::Uniform(jitter_, 0.0, 1.0);
    if (!wait(base::BackoffDelay(policy_.backoff, failures_, unit))) {
      return status;
    }
  }
}

void StoreRetrier::LogFailure(const char* operation, const absl::Status& status,
                              bool retrying) const {
  LogLine(LogLevel::kError, "store_write_failed")
      .Str("job_id", job_id_)
      .Str("operation", operation)
      .Str("code", absl::StatusCodeToString(status.code()))
      .Str("error", status.message())
      .Bool("retrying", retrying);
}

void StoreRetrier::NoteFailure(const char* operation, const absl::Status& status) {
  if (failures_++ > 0) return;
  ++streaks_;
  streak_start_micros_ = clock_->NowMicros();
  LogFailure(operation, status, /*retrying=*/true);
  hub_->Trouble(job_id_, absl::UnavailableError(absl::StrCat(
                             "job ", job_id_, ": ", status.message(),
                             "; the job is paused and continues when the store recovers")));
}

void StoreRetrier::NoteAnswer(const char* operation, const absl::Status& status) {
  if (failures_ > 0) {
    LogLine(LogLevel::kInfo, "store_write_recovered")
        .Str("job_id", job_id_)
        .Str("operation", operation)
        .Int("failed_attempts", failures_)
        .Num("seconds", double(clock_->NowMicros() - streak_start_micros_) * 1e-6);
    failures_ = 0;
  }
  if (!status.ok() && status.code() != absl::StatusCode::kFailedPrecondition) {
    LogFailure(operation, status, /*retrying=*/false);
  }
}

}  // namespace qgrad::server
