// LoggedJobStore: the JobStore qgradd's logic talks to. It passes every call on to the real
// store; when one fails with an error detail attached (store/error_detail.h: the statement,
// SQLite's message and code), it writes that detail to the log as one `store_error` line
// (operation, job id, code, message, detail) and hands the status on without it. So the
// operator sees what went wrong inside, once, and nothing after this point — a client's
// status, a job's error, another log line — can carry SQL. With metrics it also times every
// call (qgrad_store_operation_duration_seconds, labelled with the operation's name).
//
// Thread-safety: as the wrapped store (every JobStore is thread-safe).
#ifndef QGRAD_SERVER_LOGGED_JOB_STORE_H_
#define QGRAD_SERVER_LOGGED_JOB_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/metrics.h"
#include "store/job_store.h"

namespace qgrad::server {

// Logs `status`'s error detail, if it has one, as a `store_error` line and returns the
// status without it. `job_id` may be empty.
absl::Status LogStoreError(absl::string_view operation, absl::string_view job_id,
                           absl::Status status);

class LoggedJobStore : public store::JobStore {
 public:
  // `metrics` (may be null: no timing) must outlive the store.
  explicit LoggedJobStore(std::unique_ptr<store::JobStore> store,
                          ServerMetrics* metrics = nullptr)
      : store_(std::move(store)), metrics_(metrics) {}

  absl::StatusOr<store::CreateJobOutcome> CreateJob(const store::JobRecord& job,
                                                    const std::vector<std::string>& initial_events,
                                                    int64_t event_time_micros,
                                                    const store::CreateLimits& limits = {}) override;
  absl::StatusOr<std::optional<store::JobRecord>> FindJobByKey(const std::string& tenant,
                                                               const std::string& key) override;
  absl::StatusOr<store::JobRecord> GetJob(const std::string& id) override;
  absl::StatusOr<store::JobPage> ListJobs(const store::JobQuery& query) override;
  absl::StatusOr<int64_t> CountJobs(const store::JobQuery& query) override;
  absl::StatusOr<store::JobRecord> UpdateJob(const std::string& id,
                                             const store::JobUpdate& update) override;
  absl::StatusOr<std::vector<store::EventRecord>> ReadEvents(const std::string& id,
                                                             int64_t after_sequence,
                                                             int32_t limit) override;
  absl::StatusOr<std::optional<std::string>> GetCheckpoint(const std::string& id) override;
  absl::StatusOr<std::optional<std::string>> GetResult(const std::string& id) override;
  absl::StatusOr<std::optional<store::ClaimedJob>> ClaimJob(const store::ClaimRequest& request) override;
  absl::StatusOr<store::Lease> RenewLease(const std::string& id, const store::LeaseFence& fence,
                                   int64_t lease_micros) override;
  absl::Status ReleaseLease(const std::string& id, const store::LeaseFence& fence) override;
  bool SetObserver(store::StoreObserver* observer) override {
    return store_->SetObserver(observer);
  }

 private:
  // `call`'s outcome, timed, with its error's detail logged and removed.
  template <typename Call>
  auto Logged(absl::string_view operation, absl::string_view job_id, const Call& call);

  std::unique_ptr<store::JobStore> store_;
  ServerMetrics* const metrics_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_LOGGED_JOB_STORE_H_
