// MemoryJobStore: an in-memory JobStore for tests of the service; nothing survives the
// object. Thread-safe: one mutex guards all state, so every call is atomic.
#ifndef QGRAD_STORE_MEMORY_JOB_STORE_H_
#define QGRAD_STORE_MEMORY_JOB_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "store/job_store.h"

namespace qgrad::store {

class MemoryJobStore : public JobStore {
 public:
  MemoryJobStore() = default;
  MemoryJobStore(const MemoryJobStore&) = delete;
  MemoryJobStore& operator=(const MemoryJobStore&) = delete;

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

 private:
  struct Entry {
    JobRecord job;
    std::vector<EventRecord> events;  // events[i].sequence == i + 1
    std::optional<std::string> checkpoint;
    std::optional<std::string> result;
  };

  absl::StatusOr<Entry*> Find(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int64_t CountQueued(const std::string& tenant) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::map<std::string, int> LiveLeasesByTenant(int64_t now_micros) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::map<std::string, Entry> jobs_ ABSL_GUARDED_BY(mu_);
  // (tenant, idempotency_key) -> id, for non-empty keys.
  std::map<std::pair<std::string, std::string>, std::string> by_key_ ABSL_GUARDED_BY(mu_);
  // The listing order, (create_time_micros, id).
  std::set<std::pair<int64_t, std::string>> order_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_MEMORY_JOB_STORE_H_
