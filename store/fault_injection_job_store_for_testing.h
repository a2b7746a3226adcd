// FaultInjectionJobStore: a JobStore for tests that passes every call on to another store
// and, while told to, refuses writes (CreateJob, UpdateJob) with a given status without
// passing them on — a disk that fills up and empties again on command. Reads go on.
//
// Thread-safety: safe for concurrent use when the wrapped store is; the fault is guarded by
// a mutex.
#ifndef QGRAD_STORE_FAULT_INJECTION_JOB_STORE_FOR_TESTING_H_
#define QGRAD_STORE_FAULT_INJECTION_JOB_STORE_FOR_TESTING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/job_store.h"

namespace qgrad::store {

class FaultInjectionJobStore : public JobStore {
 public:
  // `inner` must outlive this store.
  explicit FaultInjectionJobStore(JobStore* inner) : inner_(inner) {}

  // After the next `after` writes, every write fails with `fault` (not OK), until
  // HealWrites().
  void FailWrites(absl::Status fault, int after = 0);
  void HealWrites();
  // Writes refused so far.
  int64_t failed_writes() const;
  // Waits until failed_writes() >= n; false when `timeout` passed first.
  bool AwaitFailedWrites(int64_t n, absl::Duration timeout) const;

  absl::StatusOr<CreateJobOutcome> CreateJob(const JobRecord& job,
                                             const std::vector<std::string>& initial_events,
                                             int64_t event_time_micros,
                                             const CreateLimits& limits = {}) override;
  absl::StatusOr<std::optional<JobRecord>> FindJobByKey(const std::string& tenant,
                                                        const std::string& key) override;
  absl::StatusOr<JobRecord> GetJob(const std::string& id) override;
  absl::StatusOr<JobPage> ListJobs(const JobQuery& query) override;
  absl::StatusOr<int64_t> CountJobs(const JobQuery& query) override;
  absl::StatusOr<JobRecord> UpdateJob(const std::string& id, const JobUpdate& update) override;
  absl::StatusOr<std::vector<EventRecord>> ReadEvents(const std::string& id,
                                                      int64_t after_sequence,
                                                      int32_t limit) override;
  absl::StatusOr<std::optional<std::string>> GetCheckpoint(const std::string& id) override;
  absl::StatusOr<std::optional<std::string>> GetResult(const std::string& id) override;
  absl::StatusOr<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) override;
  absl::StatusOr<Lease> RenewLease(const std::string& id, const LeaseFence& fence,
                                   int64_t lease_micros) override;
  absl::Status ReleaseLease(const std::string& id, const LeaseFence& fence) override;
  bool SetObserver(StoreObserver* observer) override { return inner_->SetObserver(observer); }

 private:
  // The fault if one is set (and counts the refusal), else OK.
  absl::Status CheckWrite();

  JobStore* const inner_;
  mutable absl::Mutex mu_;
  absl::Status fault_ ABSL_GUARDED_BY(mu_);
  int writes_before_fault_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_writes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_FAULT_INJECTION_JOB_STORE_FOR_TESTING_H_
