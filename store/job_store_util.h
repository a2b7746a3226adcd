// Helpers shared by the JobStore implementations so that they agree on validation, on
// how an update changes a record, on query matching and on the page-token format. Not
// part of the store's interface. Thread-safe (pure functions).
#ifndef QGRAD_STORE_JOB_STORE_UTIL_H_
#define QGRAD_STORE_JOB_STORE_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/job_store.h"

namespace qgrad::store::internal {

bool IsValidState(JobState state);

// INVALID_ARGUMENT with the offending field, as the interface documents.
absl::Status ValidateNewJob(const JobRecord& job);
absl::Status ValidateUpdate(const JobUpdate& update);
// The filters only (CountJobs ignores paging) / the filters and page_size (ListJobs).
absl::Status ValidateFilter(const JobQuery& query);
absl::Status ValidateQuery(const JobQuery& query);
absl::Status ValidateEventLimit(int32_t limit);

// FAILED_PRECONDITION when `update.expected_states` excludes the job's state.
absl::Status CheckExpectedStates(const JobRecord& job, const JobUpdate& update);

// Applies the scalar fields of `update` and advances last_event_sequence by the number of
// events; checkpoint and result are the caller's (they live outside JobRecord).
void ApplyUpdate(const JobUpdate& update, JobRecord& job);

// Tenant, state and label filters of `query` (not paging).
bool MatchesQuery(const JobRecord& job, const JobQuery& query);

// Position in the (create_time_micros, id) order: a page starts after it.
struct PageCursor {
  int64_t create_time_micros = 0;
  std::string id;
};

// The token binds the cursor to the query's filters, so that a token is refused by a
// query other than the one it came from.
std::string EncodePageToken(const JobQuery& query, const PageCursor& last);
// nullopt for an empty token (first page); INVALID_ARGUMENT "page_token: ..." otherwise.
absl::StatusOr<std::optional<PageCursor>> DecodePageToken(const JobQuery& query);

}  // namespace qgrad::store::internal

#endif  // QGRAD_STORE_JOB_STORE_UTIL_H_
