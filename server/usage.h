// Job usage (qgrad.v1.JobUsage): CPU seconds, shots and circuits. A run measures what it
// spends (RunUsage) on top of what the job's earlier runs stored (StoredUsage), and every
// event the run writes carries the sum (JobEvent.usage), so usage survives restarts with
// the event log and needs nothing else in the store.
//
// CPU time is the calling thread's (CLOCK_THREAD_CPUTIME_ID): the executor measures the
// scheduler worker that runs the job, which runs the optimizer and the simulator; the
// simulator's OpenMP helper threads (large registers only) are shared by every job and not
// attributed.
//
// Thread-safety: RunUsage belongs to one run and must be used on the thread that created it
// (its CPU clock is that thread's); the free functions are thread-safe.
#ifndef QGRAD_SERVER_USAGE_H_
#define QGRAD_SERVER_USAGE_H_

#include "absl/status/statusor.h"
#include "qgrad/v1/service.pb.h"
#include "store/job_store.h"

namespace qgrad::server {

// CPU seconds the calling thread has used.
double ThreadCpuSeconds();

// `total` += `more`.
void AddUsage(const v1::JobUsage& more, v1::JobUsage& total);

// The usage stored with the job's newest event that carries one; zero when none does. One
// short store read of the log's last events: after the last event a run writes, at most one
// event without usage follows (a CancelJob's CANCELLED), and before the first only QUEUED and
// RUNNING.
absl::StatusOr<v1::JobUsage> StoredUsage(store::JobStore& store, const store::JobRecord& job);

class RunUsage {
 public:
  // Starts this thread's CPU clock; `before`: what earlier runs of the job spent.
  explicit RunUsage(const v1::JobUsage& before);
  // Shots and circuits of one stored iteration (or of estimates outside the iterations).
  void AddMeasurements(int64_t shots, int64_t circuits);
  // `before` plus this run's CPU time so far and its measurements.
  v1::JobUsage Total() const;

 private:
  v1::JobUsage total_;  // without this run's CPU time
  double cpu_start_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_USAGE_H_
