// JobExecutor; see executor.h.
//
// Thread-safety: the executor holds no mutable state; a ProgressWriter belongs to one run
// (its callbacks run on the run's thread).
#include "server/executor.h"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "qgrad/v1/job.pb.h"
#include "runner/checkpoint.h"
#include "runner/runner.h"
#include "server/job_records.h"
#include "server/log.h"

namespace qgrad::server {
namespace {

using store::JobState;

constexpr char kDeadlineError[] = "deadline exceeded";

// Writes a run's progress: skips the events a previous attempt already stored, and pairs
// each resumable iteration's event with its checkpoint in one update.
class ProgressWriter {
 public:
  ProgressWriter(store::JobStore* store, EventHub* hub, const Clock* clock, std::string job_id,
                 int32_t stored_iterations, int32_t first_index, bool resumable)
      : store_(store), hub_(hub), clock_(clock), job_id_(std::move(job_id)),
        stored_(stored_iterations), next_index_(first_index), resumable_(resumable) {}

  void OnIteration(const v1::IterationEvent& event) {
    const int32_t index = next_index_++;
    if (index < stored_ || lost_) return;  // stored by an earlier attempt of this job
    if (resumable_) {
      pending_ = event;
      return;
    }
    store::JobUpdate update;
    update.events.push_back(IterationEventPayload(event));
    update.iterations_done = index + 1;
    Write(std::move(update));
  }

  void OnCheckpoint(const std::string& checkpoint) {
    if (lost_ || !pending_) return;
    store::JobUpdate update;
    update.events.push_back(IterationEventPayload(*pending_));
    update.iterations_done = next_index_;
    update.checkpoint = checkpoint;
    pending_.reset();
    Write(std::move(update));
  }

  // The job stopped being ours (cancelled, or the store failed): the run should stop.
  bool lost() const { return lost_; }

 private:
  void Write(store::JobUpdate update) {
    update.expected_states = {JobState::kRunning};
    update.event_time_micros = clock_->NowMicros();
    absl::StatusOr<store::JobRecord> written = store_->UpdateJob(job_id_, update);
    if (!written.ok()) {
      lost_ = true;
      if (written.status().code() != absl::StatusCode::kFailedPrecondition) {
        LogLine(LogLevel::kError, "store_write_failed")
            .Str("job_id", job_id_)
            .Str("error", written.status().ToString());
      }
      return;
    }
    stored_ = written->iterations_done;
    hub_->Notify(job_id_);
  }

  store::JobStore* store_;
  EventHub* hub_;
  const Clock* clock_;
  const std::string job_id_;
  int32_t stored_;
  int32_t next_index_;
  const bool resumable_;
  bool lost_ = false;
  std::optional<v1::IterationEvent> pending_;
};

// One terminal update (with its state event); false when the job was no longer RUNNING.
bool Finish(store::JobStore* store, EventHub* hub, const Clock* clock, const std::string& id,
            JobState state, const std::string& error, std::optional<std::string> result,
            std::set<JobState> expected = {JobState::kRunning}) {
  store::JobUpdate update;
  update.expected_states = std::move(expected);
  update.state = state;
  update.error = error;
  update.finish_time_micros = update.event_time_micros = clock->NowMicros();
  update.result = std::move(result);
  update.events.push_back(StateEventPayload(state, error));
  absl::StatusOr<store::JobRecord> written = store->UpdateJob(id, update);
  if (!written.ok()) {
    if (written.status().code() != absl::StatusCode::kFailedPrecondition) {
      LogLine(LogLevel::kError, "store_write_failed")
          .Str("job_id", id)
          .Str("error", written.status().ToString());
    }
    return false;
  }
  hub->Notify(id);
  return true;
}

// QUEUED → RUNNING; false when the job is no longer queued (cancelled or expired).
bool MarkRunning(store::JobStore* store, EventHub* hub, const Clock* clock,
                 const std::string& id) {
  store::JobUpdate update;
  update.expected_states = {JobState::kQueued};
  update.state = JobState::kRunning;
  update.start_time_micros = update.event_time_micros = clock->NowMicros();
  update.events.push_back(StateEventPayload(JobState::kRunning));
  if (!store->UpdateJob(id, update).ok()) return false;
  hub->Notify(id);
  return true;
}

}  // namespace

void JobExecutor::Run(const Task& task, RunControl& control) {
  const std::string& id = task.job_id;
  absl::StatusOr<store::JobRecord> record = store_->GetJob(id);
  if (!record.ok() || store::IsTerminal(record->state)) return;
  if (record->state == JobState::kQueued && !MarkRunning(store_, hub_, clock_, id)) return;
  const bool resuming = record->state == JobState::kRunning;
  LogLine(LogLevel::kInfo, resuming ? "job_resumed" : "job_started")
      .Str("job_id", id)
      .Str("tenant", task.tenant)
      .Int("iterations_done", record->iterations_done);

  v1::JobSpec spec;
  if (!spec.ParseFromString(record->spec)) {
    Finish(store_, hub_, clock_, id, JobState::kFailed, "stored spec is unreadable", {});
    return;
  }
  absl::StatusOr<runner::JobShape> shape = runner::ValidateJob(spec);
  std::string checkpoint;
  if (resuming && shape.ok() && shape->resumable) {
    absl::StatusOr<std::optional<std::string>> saved = store_->GetCheckpoint(id);
    if (saved.ok() && saved->has_value()) checkpoint = **saved;
  }
  const bool resumable = shape.ok() && shape->resumable;
  ProgressWriter progress(store_, hub_, clock_, id, record->iterations_done,
                          runner::CheckpointIterations(checkpoint), resumable);
  runner::RunOptions options;
  options.on_iteration = [&](const v1::IterationEvent& e) { progress.OnIteration(e); };
  if (resumable) {
    options.on_checkpoint = [&](const std::string& c) { progress.OnCheckpoint(c); };
  }
  options.resume_checkpoint = checkpoint;
  options.should_stop = [&] { return control.ShouldStop() || progress.lost(); };

  absl::StatusOr<v1::JobResult> result = runner::RunJob(spec, options);

  const StopCause cause = control.cause();
  if (progress.lost() || cause == StopCause::kCancelled) return;
  if (cause == StopCause::kShutdown && !result.ok()) {
    LogLine(LogLevel::kInfo, "job_suspended").Str("job_id", id).Str("tenant", task.tenant);
    return;
  }
  if (cause == StopCause::kDeadline && !result.ok()) {
    if (Finish(store_, hub_, clock_, id, JobState::kCancelled, kDeadlineError, {})) {
      LogLine(LogLevel::kInfo, "job_cancelled")
          .Str("job_id", id)
          .Str("tenant", task.tenant)
          .Str("reason", kDeadlineError);
    }
    return;
  }
  if (!result.ok()) {
    const std::string error = result.status().ToString();
    if (Finish(store_, hub_, clock_, id, JobState::kFailed, error, {})) {
      LogLine(LogLevel::kWarning, "job_failed")
          .Str("job_id", id)
          .Str("tenant", task.tenant)
          .Str("error", error);
    }
    return;
  }
  if (Finish(store_, hub_, clock_, id, JobState::kSucceeded, "", result->SerializeAsString())) {
    LogLine(LogLevel::kInfo, "job_succeeded")
        .Str("job_id", id)
        .Str("tenant", task.tenant)
        .Num("final_cost", result->final_cost())
        .Int("iterations", result->history_size());
  }
}

void JobExecutor::Expire(const Task& task) {
  if (Finish(store_, hub_, clock_, task.job_id, JobState::kCancelled, kDeadlineError, {},
             {JobState::kQueued, JobState::kRunning})) {
    LogLine(LogLevel::kInfo, "job_cancelled")
        .Str("job_id", task.job_id)
        .Str("tenant", task.tenant)
        .Str("reason", kDeadlineError);
  }
}

}  // namespace qgrad::server
