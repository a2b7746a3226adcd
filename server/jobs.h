// JobManager: the job service's logic, independent of gRPC — submission (validation,
// idempotency, per-tenant queue quota), lookups that hide other tenants' jobs (NOT_FOUND),
// listing, cancellation, results, event reads for WatchJob, recovery after a restart, and
// graceful shutdown. It owns the scheduler, the executor and the event hub; the store is
// the only state that survives the process.
//
// Recovery (Start): jobs RUNNING in the store are re-queued first and resume from their
// last checkpoint; QUEUED jobs are queued again in their order.
//
// Replicas (options.replica set): several qgradd processes share one store. No job is
// queued by Start or Submit; a LeaseKeeper claims jobs from the store while this replica
// has room, and every write of a run carries the job's lease as its fence. The queue limit
// is checked by the store (CreateLimits) and the per-tenant running limit by the claims,
// so both hold across replicas. Writes other replicas make reach this one's watchers
// through the store's observer (PostgreSQL's LISTEN/NOTIFY).
//
// Usage (GetJob's Job.usage, GetUsage) is read from the jobs' stored events
// (server/usage.h). Metrics (MetricsText): the jobs by state are the store's (every tenant,
// every replica; five counts at each scrape, so they are right after a restart and across
// replicas), the queue length is this process's scheduler queue, the counters and
// histograms are this process's (server/metrics.h).
//
// Thread-safety: every public method may be called concurrently after Start.
#ifndef QGRAD_SERVER_JOBS_H_
#define QGRAD_SERVER_JOBS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "qgrad/v1/service.pb.h"
#include "backends/backend.h"
#include "server/admission.h"
#include "base/clock.h"
#include "server/events.h"
#include "server/executor.h"
#include "server/lease_keeper.h"
#include "server/metrics.h"
#include "server/scheduler.h"
#include "server/store_retry.h"
#include "server/validation.h"
#include "store/job_store.h"

namespace qgrad::server {

struct JobManagerOptions {
  runner::SpecLimits limits;  // the server's; every spec is validated and run under them
  int max_running_jobs = 2;
  int max_running_per_tenant = 0;   // 0: max_running_jobs
  int max_queued_per_tenant = 100;
  int64_t reaper_poll_micros = 50'000;
  AdmissionOptions admission;
  StoreRetryPolicy store_retry;  // a running job's store calls through an outage
  // The backends shadows-mode jobs may name (must outlive the manager); null: each job gets
  // a private local backend.
  const backends::Registry* backends = nullptr;
  // Set: run as one of several replicas of a shared store. Its max_leases and
  // max_leases_per_tenant are taken from max_running_jobs and max_running_per_tenant.
  std::optional<LeaseKeeperOptions> replica;
  // Where submissions, iterations, shots and circuits are counted (must outlive the
  // manager); null: the manager keeps its own.
  ServerMetrics* metrics = nullptr;
};

class JobManager : private store::StoreObserver {
 public:
  // `store` and `clock` must outlive the manager.
  JobManager(store::JobStore* store, const JobManagerOptions& options, const base::Clock* clock);
  ~JobManager();  // Shutdown()
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Re-queues the store's RUNNING and QUEUED jobs and starts the workers.
  absl::Status Start();

  // Validation waits for one of the admission CPU slots until `deadline` (then
  // RESOURCE_EXHAUSTED, retry).
  absl::StatusOr<v1::SubmitJobResponse> Submit(const std::string& tenant,
                                               const v1::SubmitJobRequest& request,
                                               absl::Time deadline = absl::InfiniteFuture());
  // Submit on the admission threads (server/admission.h), with the pool's max_wait from
  // now: `done` gets the outcome there, or inline when the admission queue refuses it.
  void SubmitAsync(std::string tenant, v1::SubmitJobRequest request,
                   std::function<void(absl::StatusOr<v1::SubmitJobResponse>)> done);
  absl::StatusOr<v1::Job> GetJob(const std::string& tenant, const std::string& job_id);
  absl::StatusOr<v1::ListJobsResponse> ListJobs(const std::string& tenant,
                                                const v1::ListJobsRequest& request);
  absl::StatusOr<v1::CancelJobResponse> CancelJob(const std::string& tenant,
                                                  const std::string& job_id);
  absl::StatusOr<v1::JobResult> GetResult(const std::string& tenant, const std::string& job_id);
  // The tenant's totals over all its jobs (one store read per job), and request.job_id's
  // usage when given.
  absl::StatusOr<v1::GetUsageResponse> GetUsage(const std::string& tenant,
                                                const v1::GetUsageRequest& request);
  // GetUsage on the admission threads (its reads grow with the tenant's jobs, too many for
  // a gRPC thread): `done` gets the outcome there, or inline when the queue refuses it.
  void GetUsageAsync(std::string tenant, v1::GetUsageRequest request,
                     std::function<void(absl::StatusOr<v1::GetUsageResponse>)> done);

  // The metrics in the Prometheus text format; the job counts are left out of a scrape
  // during which the store cannot count.
  std::string MetricsText();

  // The job's record if `tenant` may see it, else NOT_FOUND (also for other tenants' jobs).
  absl::StatusOr<store::JobRecord> Lookup(const std::string& tenant, const std::string& job_id);
  // Stored events after `after_sequence`, at most `limit`.
  absl::StatusOr<std::vector<v1::JobEvent>> ReadEvents(const std::string& job_id,
                                                       int64_t after_sequence, int32_t limit);
  EventHub& hub() { return hub_; }

  // Graceful shutdown, first half: refuses new submissions (UNAVAILABLE), asks running
  // jobs to stop at their next inner step (they stay RUNNING with their last checkpoint)
  // and wakes every watcher; returns at once. Idempotent.
  void BeginShutdown();
  // BeginShutdown, then waits for the admission threads and the workers. Idempotent.
  void Shutdown();

  int num_running() const { return scheduler_.num_running(); }
  int num_queued() const { return scheduler_.num_queued(); }

 private:
  // Submit without counting its outcome.
  absl::StatusOr<v1::SubmitJobResponse> Admit(const std::string& tenant,
                                              const v1::SubmitJobRequest& request,
                                              absl::Time deadline);
  // store::StoreObserver: other replicas' writes.
  void OnJobChanged(const std::string& job_id) override;
  void OnWorkAvailable() override;
  void OnResync() override;
  // The scheduler's run and expiry, followed by handing the job's lease back.
  void RunTask(const Task& task, RunControl& control);
  void ExpireTask(const Task& task, RunControl& control);
  absl::StatusOr<v1::SubmitJobResponse> Store(const std::string& tenant,
                                              const v1::SubmitJobRequest& request,
                                              const runner::JobShape& shape);
  // The quota check of one process (the scheduler's queue): Store under a reservation.
  absl::StatusOr<v1::SubmitJobResponse> StoreWithinLocalQuota(
      const std::string& tenant, const v1::SubmitJobRequest& request,
      const runner::JobShape& shape);
  std::string NewJobId() ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status CheckAccepting() const ABSL_LOCKS_EXCLUDED(mu_);
  // Reserves a place in the tenant's queue quota (RESOURCE_EXHAUSTED when full); the
  // caller releases it with ReleaseQueuePlace once the job is enqueued or was not created.
  absl::Status ReserveQueuePlace(const std::string& tenant) ABSL_LOCKS_EXCLUDED(quota_mu_);
  void ReleaseQueuePlace(const std::string& tenant) ABSL_LOCKS_EXCLUDED(quota_mu_);
  absl::Status Requeue(store::JobState state);
  static Task TaskOf(const store::JobRecord& record);

  store::JobStore* const store_;
  const JobManagerOptions options_;
  const base::Clock* const clock_;
  ServerMetrics own_metrics_;      // used when options.metrics is null
  ServerMetrics* const metrics_;
  EventHub hub_;
  JobExecutor executor_;
  Scheduler scheduler_;
  AdmissionPool admission_;
  std::unique_ptr<LeaseKeeper> keeper_;  // replicas only

  mutable absl::Mutex mu_;
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  std::mt19937_64 id_rng_ ABSL_GUARDED_BY(mu_);
  // Submissions between their quota check and their place in the scheduler's queue, so
  // that concurrent submissions (whose durable commits the store batches) cannot overrun
  // the quota together.
  absl::Mutex quota_mu_;
  std::map<std::string, int> reserved_ ABSL_GUARDED_BY(quota_mu_);
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOBS_H_
