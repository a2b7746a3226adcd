// LoggedJobStore; see logged_job_store.h. Thread-safe: no state of its own (the metrics
// are thread-safe).
#include "server/logged_job_store.h"

#include <utility>

#include "absl/time/clock.h"
#include "server/log.h"
#include "store/error_detail.h"

namespace qgrad::server {
namespace {

absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& result) { return result.status(); }

}  // namespace

template <typename Call>
auto LoggedJobStore::Logged(absl::string_view operation, absl::string_view job_id,
                            const Call& call) {
  const absl::Time start = absl::Now();
  auto result = call();
  if (metrics_ != nullptr) {
    metrics_->ObserveStoreCall(std::string(operation),
                               absl::ToDoubleSeconds(absl::Now() - start));
  }
  if (!result.ok()) result = LogStoreError(operation, job_id, StatusOf(result));
  return result;
}

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
                [&] { return store_->CreateJob(job, initial_events, event_time_micros, limits); });
}

absl::StatusOr<std::optional<store::JobRecord>> LoggedJobStore::FindJobByKey(
    const std::string& tenant, const std::string& key) {
  return Logged("FindJobByKey", "", [&] { return store_->FindJobByKey(tenant, key); });
}

absl::StatusOr<std::optional<store::ClaimedJob>> LoggedJobStore::ClaimJob(
    const store::ClaimRequest& request) {
  return Logged("ClaimJob", "", [&] { return store_->ClaimJob(request); });
}

absl::StatusOr<store::Lease> LoggedJobStore::RenewLease(const std::string& id,
                                                        const store::LeaseFence& fence,
                                                        int64_t lease_micros) {
  return Logged("RenewLease", id, [&] { return store_->RenewLease(id, fence, lease_micros); });
}

absl::Status LoggedJobStore::ReleaseLease(const std::string& id,
                                          const store::LeaseFence& fence) {
  return Logged("ReleaseLease", id, [&] { return store_->ReleaseLease(id, fence); });
}

absl::StatusOr<store::JobRecord> LoggedJobStore::GetJob(const std::string& id) {
  return Logged("GetJob", id, [&] { return store_->GetJob(id); });
}

absl::StatusOr<store::JobPage> LoggedJobStore::ListJobs(const store::JobQuery& query) {
  return Logged("ListJobs", "", [&] { return store_->ListJobs(query); });
}

absl::StatusOr<int64_t> LoggedJobStore::CountJobs(const store::JobQuery& query) {
  return Logged("CountJobs", "", [&] { return store_->CountJobs(query); });
}

absl::StatusOr<store::JobRecord> LoggedJobStore::UpdateJob(const std::string& id,
                                                           const store::JobUpdate& update) {
  return Logged("UpdateJob", id, [&] { return store_->UpdateJob(id, update); });
}

absl::StatusOr<std::vector<store::EventRecord>> LoggedJobStore::ReadEvents(
    const std::string& id, int64_t after_sequence, int32_t limit) {
  return Logged("ReadEvents", id, [&] { return store_->ReadEvents(id, after_sequence, limit); });
}

absl::StatusOr<std::optional<std::string>> LoggedJobStore::GetCheckpoint(const std::string& id) {
  return Logged("GetCheckpoint", id, [&] { return store_->GetCheckpoint(id); });
}

absl::StatusOr<std::optional<std::string>> LoggedJobStore::GetResult(const std::string& id) {
  return Logged("GetResult", id, [&] { return store_->GetResult(id); });
}

}  // namespace qgrad::server
