// JobExecutor: runs one job through runner::RunJob and keeps the store in step with it.
//
// Durability: the RUNNING transition and its event are one store update; for resumable
// methods (nested) each outer iteration's progress event, checkpoint and iterations_done
// are ONE update, so after a crash the store never holds an event without its checkpoint
// or the reverse; the terminal state, its event and the result are one update. Every
// update expects the job to be RUNNING, so nothing is written after a CancelJob made it
// terminal. A restarted job resumes from its checkpoint; a non-resumable method (the
// baselines) runs again from its deterministic start and the events already stored are
// not stored twice.
//
// Store outages: a store call that fails with a retryable code (server/store_retry.h) is
// retried with backoff while the job waits where it is; its watchers are told, and it goes
// on when the store recovers. A queued job waits for its start the same way, so it starts
// once the store can write again. A stop ends the waiting at once: any stop for the start
// and for progress, only shutdown for the terminal write (which records what the
// cancellation, the deadline or the end of the run decided).
//
// Stops: kCancelled (CancelJob already recorded CANCELLED) writes nothing more;
// kDeadline records CANCELLED "deadline exceeded"; kShutdown writes nothing, leaving the
// job RUNNING with its last checkpoint for the next start.
//
// Usage and metrics: every event a run writes carries the job's usage so far (server/usage.h);
// each stored iteration's duration, shots and circuits go into the server's metrics.
//
// Thread-safety: Run and Expire may be called concurrently for different jobs.
#ifndef QGRAD_SERVER_EXECUTOR_H_
#define QGRAD_SERVER_EXECUTOR_H_

#include "runner/limits.h"
#include "base/clock.h"
#include "backends/backend.h"
#include "server/events.h"
#include "server/metrics.h"
#include "server/scheduler.h"
#include "server/store_retry.h"
#include "store/job_store.h"

namespace qgrad::server {

class JobExecutor {
 public:
  // Pointers must outlive the executor.
  // Jobs run under `limits` (the server's, as at submission).
  JobExecutor(store::JobStore* store, EventHub* hub, const base::Clock* clock,
              ServerMetrics* metrics, const runner::SpecLimits& limits,
              const StoreRetryPolicy& retry = {}, const backends::Registry* backends = nullptr)
      : store_(store), hub_(hub), clock_(clock), metrics_(metrics), limits_(limits),
        retry_(retry), backends_(backends) {}

  void Run(const Task& task, RunControl& control);
  // A queued (or waiting-to-resume) job whose deadline passed: CANCELLED. `control` is the
  // reaper's: its shutdown ends the store retries.
  void Expire(const Task& task, RunControl& control);

 private:
  store::JobStore* store_;
  EventHub* hub_;
  const base::Clock* clock_;
  ServerMetrics* metrics_;
  const runner::SpecLimits limits_;
  const StoreRetryPolicy retry_;
  const backends::Registry* backends_;  // shadows-mode jobs' backends
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_EXECUTOR_H_
