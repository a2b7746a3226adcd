// JobExecutor; see executor.h.
//
// Thread-safety: the executor holds no mutable state (the metrics are thread-safe); a
// JobSession, a ProgressWriter and a RunUsage belong to one run (the writer's callbacks run
// on the run's thread).
#include "server/executor.h"

#include <algorithm>
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
#include "server/usage.h"

namespace qgrad::server {
namespace {

using store::JobState;

constexpr char kDeadlineError[] = "deadline exceeded";

// One job's store calls during one run (or one expiry), retried through store outages.
// They share one retrier, so that an outage is logged and told to the job's watchers once,
// however many calls it holds up.
class JobSession {
 public:
  JobSession(store::JobStore* store, EventHub* hub, const base::Clock* clock,
             const StoreRetryPolicy& policy, const Task& task, RunControl& control)
      : store_(store), hub_(hub), clock_(clock), id_(task.job_id),
        lease_owner_(task.lease_owner), lease_token_(task.lease_token), control_(control),
        retrier_(hub, clock, policy, task.job_id) {}

  const std::string& id() const { return id_; }
  int64_t NowMicros() const { return clock_->NowMicros(); }

  absl::StatusOr<store::JobRecord> Get() {
    absl::StatusOr<store::JobRecord> record = Retried<store::JobRecord>(
        "read job", StopWait::kAnyStop, [&] { return store_->GetJob(id_); });
    if (record.ok()) last_sequence_ = record->last_event_sequence;
    return record;
  }
  absl::StatusOr<v1::JobUsage> Usage(const store::JobRecord& record) {
    return Retried<v1::JobUsage>("read usage", StopWait::kAnyStop,
                                 [&] { return StoredUsage(*store_, record); });
  }
  absl::StatusOr<std::optional<std::string>> Checkpoint() {
    return Retried<std::optional<std::string>>("read checkpoint", StopWait::kAnyStop,
                                               [&] { return store_->GetCheckpoint(id_); });
  }
  // Stores `update` and wakes the job's watchers. `which`: the stops that end the retries.
  // Under a lease, the write carries its fence: refused (ABORTED) once the lease is lost.
  // It expects the log to end where this session last saw it, so that a write retried
  // after an answer was lost (it may have committed) never lands twice: the retry is then
  // refused, and the run stops as if it had lost the job; whoever runs it next resumes
  // from the checkpoint that write stored.
  absl::StatusOr<store::JobRecord> Update(const char* operation, store::JobUpdate update,
                                          StopWait which) {
    update.expected_last_event_sequence = last_sequence_;
    absl::StatusOr<store::JobRecord> written =
        Retried<store::JobRecord>(operation, which, [&] {
          if (lease_token_ > 0) {
            update.fence = store::LeaseFence{lease_owner_, lease_token_, clock_->NowMicros()};
          }
          return store_->UpdateJob(id_, update);
        });
    if (written.ok()) {
      last_sequence_ = written->last_event_sequence;
      hub_->Notify(id_);
    }
    return written;
  }

 private:
  template <typename T>
  absl::StatusOr<T> Retried(const char* operation, StopWait which,
                            const std::function<absl::StatusOr<T>()>& call) {
    absl::StatusOr<T> result;
    retrier_.Call(
        operation,
        [&] {
          result = call();
          return result.status();
        },
        [&](absl::Duration delay) { return !control_.WaitForStop(delay, which); });
    return result;
  }

  store::JobStore* const store_;
  EventHub* const hub_;
  const base::Clock* const clock_;
  const std::string id_;
  const std::string lease_owner_;
  const int64_t lease_token_;
  std::optional<int64_t> last_sequence_;  // unknown until the first read
  RunControl& control_;
  StoreRetrier retrier_;
};

// What the metrics call a run's method and the backend that measures it ("" when exact).
struct RunLabels {
  std::string method;
  std::string backend;
};

// Writes a run's progress: skips the events a previous attempt already stored, and pairs
// each resumable iteration's event with its checkpoint in one update. Each stored
// iteration's event carries the job's usage so far, and goes into the metrics.
class ProgressWriter {
 public:
  ProgressWriter(JobSession& session, int32_t stored_iterations, int32_t first_index,
                 bool resumable, RunUsage& usage, ServerMetrics& metrics, RunLabels labels)
      : session_(session), stored_(stored_iterations), next_index_(first_index),
        resumable_(resumable), usage_(usage), metrics_(metrics), labels_(std::move(labels)),
        last_iteration_(absl::Now()) {}

  void OnIteration(const v1::IterationEvent& event) {
    const int32_t index = next_index_++;
    const absl::Time now = absl::Now();
    const double seconds = absl::ToDoubleSeconds(now - last_iteration_);
    last_iteration_ = now;
    if (index < stored_) return;  // stored by an earlier attempt of this job
    if (!writing()) return;
    metrics_.ObserveIteration(labels_.method, seconds);
    if (resumable_) {
      pending_ = event;
      return;
    }
    store::JobUpdate update;
    update.events.push_back(IterationEventPayload(event, &Count(event)));
    update.iterations_done = index + 1;
    Write(std::move(update));
  }

  void OnCheckpoint(const std::string& checkpoint) {
    if (!writing() || !pending_) return;
    store::JobUpdate update;
    update.events.push_back(IterationEventPayload(*pending_, &Count(*pending_)));
    update.iterations_done = next_index_;
    update.checkpoint = checkpoint;
    pending_.reset();
    Write(std::move(update));
  }

  // The job stopped being ours (cancelled, or the store answered with an error that is
  // not an outage): the run should stop, and nothing more be written.
  bool lost() const { return lost_; }
  // A stop ended the retries of a progress write: what came after it must not be stored
  // (the log would have a hole), and the run is not complete.
  bool abandoned() const { return abandoned_; }
  bool writing() const { return !lost_ && !abandoned_; }

 private:
  void Write(store::JobUpdate update) {
    update.expected_states = {JobState::kRunning};
    update.event_time_micros = session_.NowMicros();
    absl::StatusOr<store::JobRecord> written =
        session_.Update("store progress", update, StopWait::kAnyStop);
    if (written.ok()) {
      stored_ = written->iterations_done;
    } else if (IsRetryableStoreError(written.status())) {
      abandoned_ = true;
    } else {
      lost_ = true;
    }
  }

  // Adds the iteration's measurements to the usage and the metrics; the usage so far.
  const v1::JobUsage& Count(const v1::IterationEvent& event) {
    const v1::EstimationReport& e = event.estimation();
    usage_.AddMeasurements(e.shots(), e.circuits());
    if (!labels_.backend.empty()) metrics_.AddMeasurements(labels_.backend, e.shots(), e.circuits());
    written_usage_ = usage_.Total();
    return written_usage_;
  }

  JobSession& session_;
  int32_t stored_;
  int32_t next_index_;
  const bool resumable_;
  RunUsage& usage_;
  ServerMetrics& metrics_;
  const RunLabels labels_;
  absl::Time last_iteration_;
  v1::JobUsage written_usage_;
  bool lost_ = false;
  bool abandoned_ = false;
  std::optional<v1::IterationEvent> pending_;
};

// One terminal update (with its state event); false when the job was no longer in one of
// the `expected` states, or shutdown came before the store could take the update.
// `usage`: the job's usage at its end (null: unknown, the job did not run here).
bool Finish(JobSession& session, JobState state, const std::string& error,
            std::optional<std::string> result, const v1::JobUsage* usage,
            std::set<JobState> expected = {JobState::kRunning}) {
  store::JobUpdate update;
  update.expected_states = std::move(expected);
  update.state = state;
  update.error = error;
  update.finish_time_micros = update.event_time_micros = session.NowMicros();
  update.result = std::move(result);
  update.events.push_back(StateEventPayload(state, error, usage));
  return session.Update("finish", update, StopWait::kShutdownOnly).ok();
}

void CancelForDeadline(JobSession& session, const Task& task, const v1::JobUsage* usage,
                       std::set<JobState> expected) {
  if (Finish(session, JobState::kCancelled, kDeadlineError, {}, usage, std::move(expected))) {
    LogLine(LogLevel::kInfo, "job_cancelled")
        .Str("job_id", task.job_id)
        .Str("tenant", task.tenant)
        .Str("reason", kDeadlineError);
  }
}

// QUEUED → RUNNING; false when the job is no longer queued (cancelled or expired), or a
// stop came before the store could take the update.
bool MarkRunning(JobSession& session) {
  store::JobUpdate update;
  update.expected_states = {JobState::kQueued};
  update.state = JobState::kRunning;
  update.start_time_micros = update.event_time_micros = session.NowMicros();
  update.events.push_back(StateEventPayload(JobState::kRunning));
  return session.Update("start", update, StopWait::kAnyStop).ok();
}

// The result's estimates outside its iterations (the final estimate, a returned best state
// estimated afresh, readout calibration): everything minus what the iterations reported.
void AddFinalMeasurements(const v1::JobResult& result, const RunLabels& labels,
                          RunUsage& usage, ServerMetrics& metrics) {
  int64_t shots = result.estimation().shots();
  int64_t circuits = result.estimation().circuits();
  for (const v1::IterationEvent& event : result.history()) {
    shots -= event.estimation().shots();
    circuits -= event.estimation().circuits();
  }
  shots = std::max<int64_t>(shots, 0);
  circuits = std::max<int64_t>(circuits, 0);
  usage.AddMeasurements(shots, circuits);
  if (!labels.backend.empty()) metrics.AddMeasurements(labels.backend, shots, circuits);
}

RunLabels LabelsOf(const v1::JobSpec& spec, const absl::StatusOr<runner::JobShape>& shape) {
  RunLabels labels;
  labels.method = shape.ok() ? shape->method : "unknown";
  if (spec.estimation().has_shadows()) {
    labels.backend = spec.estimation().shadows().backend();
    if (labels.backend.empty()) labels.backend = "local";
  }
  return labels;
}

}  // namespace

void JobExecutor::Run(const Task& task, RunControl& control) {
  const std::string& id = task.job_id;
  JobSession session(store_, hub_, clock_, retry_, task, control);
  absl::StatusOr<store::JobRecord> record = session.Get();
  const bool started = record.ok() && !store::IsTerminal(record->state) &&
                       (record->state == JobState::kRunning || MarkRunning(session));
  if (!started) {
    // Held up by the store until its deadline: left QUEUED, nobody would ever run it.
    if (control.cause() == StopCause::kDeadline) {
      CancelForDeadline(session, task, nullptr, {JobState::kQueued, JobState::kRunning});
    }
    return;
  }
  const bool resuming = record->state == JobState::kRunning;
  // What earlier runs spent; a fresh job has spent nothing.
  absl::StatusOr<v1::JobUsage> before = resuming ? session.Usage(*record) : v1::JobUsage();
  if (!before.ok() && control.ShouldStop()) {  // a stop ended the store's retries
    if (control.cause() == StopCause::kDeadline) {
      CancelForDeadline(session, task, nullptr, {JobState::kRunning});
    }
    return;
  }
  // A damaged event loses what earlier runs spent; this run's is still counted.
  RunUsage usage(before.ok() ? *before : v1::JobUsage());
  LogLine(LogLevel::kInfo, resuming ? "job_resumed" : "job_started")
      .Str("job_id", id)
      .Str("tenant", task.tenant)
      .Int("iterations_done", record->iterations_done);

  v1::JobSpec spec;
  if (!spec.ParseFromString(record->spec)) {
    const v1::JobUsage spent = usage.Total();
    Finish(session, JobState::kFailed, "stored spec is unreadable", {}, &spent);
    return;
  }
  absl::StatusOr<runner::JobShape> shape = runner::ValidateJob(spec, "", limits_);
  const bool resumable = shape.ok() && shape->resumable;
  const RunLabels labels = LabelsOf(spec, shape);
  std::string checkpoint;
  if (resuming && resumable) {
    absl::StatusOr<std::optional<std::string>> saved = session.Checkpoint();
    if (saved.ok() && saved->has_value()) checkpoint = **saved;
  }
  ProgressWriter progress(session, record->iterations_done,
                          runner::CheckpointIterations(checkpoint), resumable, usage, *metrics_,
                          labels);
  runner::RunOptions options;
  options.limits = limits_;
  options.backends = backends_;
  options.job_key = absl::StrCat("qgrad-", id);
  options.on_iteration = [&](const v1::IterationEvent& e) { progress.OnIteration(e); };
  if (resumable) {
    options.on_checkpoint = [&](const std::string& c) { progress.OnCheckpoint(c); };
  }
  options.resume_checkpoint = checkpoint;
  options.should_stop = [&] { return control.ShouldStop() || !progress.writing(); };

  absl::StatusOr<v1::JobResult> result = runner::RunJob(spec, options);

  const StopCause cause = control.cause();
  if (progress.lost() || cause == StopCause::kCancelled) return;
  const bool complete = result.ok() && !progress.abandoned();
  if (cause == StopCause::kShutdown && !complete) {
    LogLine(LogLevel::kInfo, "job_suspended").Str("job_id", id).Str("tenant", task.tenant);
    return;
  }
  if (complete) AddFinalMeasurements(*result, labels, usage, *metrics_);
  const v1::JobUsage spent = usage.Total();
  if (cause == StopCause::kDeadline && !complete) {
    CancelForDeadline(session, task, &spent, {JobState::kRunning});
    return;
  }
  if (!result.ok()) {
    const std::string error = result.status().ToString();
    if (Finish(session, JobState::kFailed, error, {}, &spent)) {
      LogLine(LogLevel::kWarning, "job_failed")
          .Str("job_id", id)
          .Str("tenant", task.tenant)
          .Str("error", error);
    }
    return;
  }
  if (Finish(session, JobState::kSucceeded, "", result->SerializeAsString(), &spent)) {
    LogLine(LogLevel::kInfo, "job_succeeded")
        .Str("job_id", id)
        .Str("tenant", task.tenant)
        .Num("final_cost", result->final_cost())
        .Int("iterations", result->history_size());
  }
}

void JobExecutor::Expire(const Task& task, RunControl& control) {
  JobSession session(store_, hub_, clock_, retry_, task, control);
  CancelForDeadline(session, task, nullptr, {JobState::kQueued, JobState::kRunning});
}

}  // namespace qgrad::server
