// Client::Watch — a resumable WatchJob stream — and WatchCanceller; see client.h.
//
// Resumption rests on the service's promise (service.proto) that a job's sequence
// numbers grow by exactly one with no gaps, across server restarts: reopening the stream
// with after_sequence = the last sequence delivered loses nothing, and skipping any
// event at or below it drops the overlap of a replay.
//
// Thread-safety: Watch may run concurrently with any other Client call; WatchCanceller is
// thread-safe.
#include <grpcpp/client_context.h>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/status_conversion.h"

namespace qgrad::client {
namespace {

// A broken transport or a server going down shows up as UNAVAILABLE; a stream the server
// side tore down without a status (a proxy, a killed process) can read as CANCELLED even
// though the client did not cancel.
bool IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsCancelled(status);
}

}  // namespace

void WatchCanceller::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool WatchCanceller::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool WatchCanceller::Attach(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  context_ = context;
  return true;
}

void WatchCanceller::Detach() {
  absl::MutexLock lock(&mu_);
  context_ = nullptr;
}

bool WatchCanceller::SleepFor(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&cancelled_), d);
  return cancelled_;
}

absl::Status Client::WatchOnce(const std::string& job_id, const EventCallback& on_event,
                               WatchCanceller* canceller, WatchSummary& summary,
                               StreamOutcome& outcome) {
  grpc::ClientContext context;
  PrepareContext(context, /*unary=*/false);
  if (canceller != nullptr && !canceller->Attach(&context)) {
    return absl::CancelledError("watch cancelled");
  }
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  request.set_after_sequence(summary.last_sequence);
  std::unique_ptr<grpc::ClientReader<v1::JobEvent>> reader = jobs_->WatchJob(&context, request);
  v1::JobEvent event;
  while (reader->Read(&event)) {
    if (event.sequence() <= summary.last_sequence) continue;  // overlap of a replay
    summary.last_sequence = event.sequence();
    outcome.delivered_any = true;
    if (event.has_state() && IsTerminal(event.state())) summary.final_state = event.state();
    if (!on_event(event)) {
      summary.stopped_by_callback = true;
      context.TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (canceller != nullptr) canceller->Detach();
  if (summary.stopped_by_callback) return absl::OkStatus();
  if (canceller != nullptr && canceller->cancelled()) {
    return absl::CancelledError("watch cancelled");
  }
  // The terminal event is the last one there is, whatever the transport did after it.
  if (IsTerminal(summary.final_state)) return absl::OkStatus();
  if (status.ok()) {
    outcome.clean_end = true;
    return absl::UnavailableError("the event stream ended before the job's terminal state");
  }
  return FromGrpcStatus(status);
}

absl::StatusOr<bool> Client::FinishedWithoutMoreEvents(const std::string& job_id,
                                                       WatchSummary& summary) {
  absl::StatusOr<v1::Job> job = GetJob(job_id);
  if (!job.ok()) return job.status();
  if (!IsTerminal(job->state()) || job->last_event_sequence() > summary.last_sequence) {
    return false;
  }
  summary.final_state = job->state();
  return true;
}

absl::StatusOr<WatchSummary> Client::Watch(const std::string& job_id, int64_t after_sequence,
                                           const EventCallback& on_event,
                                           const WatchOptions& options) {
  WatchSummary summary;
  summary.last_sequence = after_sequence;
  absl::BitGen jitter;
  int failures = 0;  // consecutive short-lived attempts that delivered nothing
  while (true) {
    StreamOutcome outcome;
    const absl::Time opened = absl::Now();
    absl::Status status = WatchOnce(job_id, on_event, options.canceller, summary, outcome);
    if (status.ok()) return summary;
    if (options.canceller != nullptr && options.canceller->cancelled()) return status;
    if (!IsRetryable(status)) return status;
    // A clean end with nothing new is also what a watch started after the job's last
    // event sees; only the job record can tell that apart from a dropped stream.
    if (outcome.clean_end && !outcome.delivered_any) {
      absl::StatusOr<bool> done = FinishedWithoutMoreEvents(job_id, summary);
      if (done.ok() && *done) return summary;
      if (!done.ok() && !IsRetryable(done.status())) return done.status();
    }
    const bool healthy =
        outcome.delivered_any || absl::Now() - opened >= options.healthy_stream_duration;
    failures = healthy ? 1 : failures + 1;
    if (failures > options.max_consecutive_failures) {
      return absl::Status(status.code(),
                          absl::StrCat("watch of ", job_id, " gave up after ", failures - 1,
                                       " reconnection attempts: ", status.message()));
    }
    const absl::Duration delay =
        base::BackoffDelay(options.backoff, failures, absl::Uniform(jitter, 0.0, 1.0));
    if (options.on_reconnect) options.on_reconnect(status, failures, delay);
    if (options.canceller != nullptr) {
      if (options.canceller->SleepFor(delay)) return absl::CancelledError("watch cancelled");
    } else {
      absl::SleepFor(delay);
    }
    ++summary.reconnects;
  }
}

}  // namespace qgrad::client
