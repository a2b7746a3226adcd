// LoggedJobStore; see logged_job_store.h. Thread-safe: no state of its own.
#include "server/logged_job_store.h"

#include <utility>

#include "server/log.h"
#include "store/error_detail.h"

namespace qgrad::server {
namespace {

// `result` with its error's detail logged and removed.
template <typename T>
absl::StatusOr<T> Logged(absl::string_view operation, absl::string_view job_id,
                         absl::StatusOr<T> result) {
  if (result.ok()) return result;
  return LogStoreError(operation, job_id, result.status());
}

}  // namespace

absl::Status LogStoreError(absl::string_view operation, absl::string_view job_id,
                           absl::Status status) {
  const std::string detail = store::ErrorDetail(status);
  if (detail.empty()) return status;
  LogLine(LogLevel::kError, "store_error")
      .Str("operation", operation)
      .Str("job_id", job_id)
      .Str("code", absl::StatusCodeToString(status.code()))
      .Str("message", status.message())
      .Str("detail", detail);
  return store::WithoutErrorDetail(std::move(status));
}

absl::StatusOr<store::CreateJobOutcome> LoggedJobStore::CreateJob(
    const store::JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros, const store::CreateLimits& limits) {
  return Logged("CreateJob", job.id,
                store_->CreateJob(job, initial_events, event_time_micros, limits));
}

absl::StatusOr<std::optional<store::JobRecord>> LoggedJobStore::FindJobByKey(
    const std::string& tenant, const std::string& key) {
  return Logged("FindJobByKey", "", store_->FindJobByKey(tenant, key));
}

absl::StatusOr<std::optional<store::ClaimedJob>> LoggedJobStore::ClaimJob(
    const store::ClaimRequest& request) {
  return Logged("ClaimJob", "", store_->ClaimJob(request));
}

absl::StatusOr<store::Lease> LoggedJobStore::RenewLease(const std::string& id,
                                                        const store::LeaseFence& fence,
                                                        int64_t lease_micros) {
  return Logged("RenewLease", id, store_->RenewLease(id, fence, lease_micros));
}

absl::Status LoggedJobStore::ReleaseLease(const std::string& id,
                                          const store::LeaseFence& fence) {
  return LogStoreError("ReleaseLease", id, store_->ReleaseLease(id, fence));
}

absl::StatusOr<store::JobRecord> LoggedJobStore::GetJob(const std::string& id) {
  return Logged("GetJob", id, store_->GetJob(id));
}

absl::StatusOr<store::JobPage> LoggedJobStore::ListJobs(const store::JobQuery& query) {
  return Logged("ListJobs", "", store_->ListJobs(query));
}

absl::StatusOr<int64_t> LoggedJobStore::CountJobs(const store::JobQuery& query) {
  return Logged("CountJobs", "", store_->CountJobs(query));
}

absl::StatusOr<store::JobRecord> LoggedJobStore::UpdateJob(const std::string& id,
                                                           const store::JobUpdate& update) {
  return Logged("UpdateJob", id, store_->UpdateJob(id, update));
}

absl::StatusOr<std::vector<store::EventRecord>> LoggedJobStore::ReadEvents(
    const std::string& id, int64_t after_sequence, int32_t limit) {
  return Logged("ReadEvents", id, store_->ReadEvents(id, after_sequence, limit));
}

absl::StatusOr<std::optional<std::string>> LoggedJobStore::GetCheckpoint(const std::string& id) {
  return Logged("GetCheckpoint", id, store_->GetCheckpoint(id));
}

absl::StatusOr<std::optional<std::string>> LoggedJobStore::GetResult(const std::string& id) {
  return Logged("GetResult", id, store_->GetResult(id));
}

}  // namespace qgrad::server
