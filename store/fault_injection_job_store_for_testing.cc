// FaultInjectionJobStore; see the header. Thread-safe: mu_ guards the fault and the count.
#include "store/fault_injection_job_store_for_testing.h"

#include <utility>

namespace qgrad::store {

void FaultInjectionJobStore::FailWrites(absl::Status fault, int after) {
  absl::MutexLock lock(&mu_);
  fault_ = std::move(fault);
  writes_before_fault_ = after;
}

void FaultInjectionJobStore::HealWrites() {
  absl::MutexLock lock(&mu_);
  fault_ = absl::OkStatus();
}

int64_t FaultInjectionJobStore::failed_writes() const {
  absl::MutexLock lock(&mu_);
  return failed_writes_;
}

bool FaultInjectionJobStore::AwaitFailedWrites(int64_t n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return failed_writes_ >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

absl::Status FaultInjectionJobStore::CheckWrite() {
  absl::MutexLock lock(&mu_);
  if (fault_.ok()) return absl::OkStatus();
  if (writes_before_fault_ > 0) {
    --writes_before_fault_;
    return absl::OkStatus();
  }
  ++failed_writes_;
  return fault_;
}

absl::StatusOr<CreateJobOutcome> FaultInjectionJobStore::CreateJob(
    const JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros, const CreateLimits& limits) {
  if (absl::Status fault = CheckWrite(); !fault.ok()) return fault;
  return inner_->CreateJob(job, initial_events, event_time_micros, limits);
}

absl::StatusOr<std::optional<JobRecord>> FaultInjectionJobStore::FindJobByKey(
    const std::string& tenant, const std::string& key) {
  return inner_->FindJobByKey(tenant, key);
}

absl::StatusOr<std::optional<ClaimedJob>> FaultInjectionJobStore::ClaimJob(
    const ClaimRequest& request) {
  if (absl::Status fault = CheckWrite(); !fault.ok()) return fault;
  return inner_->ClaimJob(request);
}

absl::StatusOr<Lease> FaultInjectionJobStore::RenewLease(const std::string& id,
                                                         const LeaseFence& fence,
                                                         int64_t lease_micros) {
  if (absl::Status fault = CheckWrite(); !fault.ok()) return fault;
  return inner_->RenewLease(id, fence, lease_micros);
}

absl::Status FaultInjectionJobStore::ReleaseLease(const std::string& id, const LeaseFence& fence) {
  if (absl::Status fault = CheckWrite(); !fault.ok()) return fault;
  return inner_->ReleaseLease(id, fence);
}

absl::StatusOr<JobRecord> FaultInjectionJobStore::UpdateJob(const std::string& id,
                                                            const JobUpdate& update) {
  if (absl::Status fault = CheckWrite(); !fault.ok()) return fault;
  return inner_->UpdateJob(id, update);
}

absl::StatusOr<JobRecord> FaultInjectionJobStore::GetJob(const std::string& id) {
  return inner_->GetJob(id);
}

absl::StatusOr<JobPage> FaultInjectionJobStore::ListJobs(const JobQuery& query) {
  return inner_->ListJobs(query);
}

absl::StatusOr<int64_t> FaultInjectionJobStore::CountJobs(const JobQuery& query) {
  return inner_->CountJobs(query);
}

absl::StatusOr<std::vector<EventRecord>> FaultInjectionJobStore::ReadEvents(
    const std::string& id, int64_t after_sequence, int32_t limit) {
  return inner_->ReadEvents(id, after_sequence, limit);
}

absl::StatusOr<std::optional<std::string>> FaultInjectionJobStore::GetCheckpoint(
    const std::string& id) {
  return inner_->GetCheckpoint(id);
}

absl::StatusOr<std::optional<std::string>> FaultInjectionJobStore::GetResult(
    const std::string& id) {
  return inner_->GetResult(id);
}

}  // namespace qgrad::store
