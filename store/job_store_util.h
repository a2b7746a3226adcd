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

// FAILED_PRECONDITION when `update.expected_states` excludes the job's state, or the job's
// log does not end at `update.expected_last_event_sequence`.
absl::Status CheckExpectedStates(const JobRecord& job, const JobUpdate& update);

// Leases (the rules every store applies, so that they agree):
// INVALID_ARGUMENT for an empty owner or a lease_micros <= 0.
absl::Status ValidateClaim(const ClaimRequest& request);
absl::Status ValidateLeaseMicros(int64_t lease_micros);
// True when the job could be claimed at `now` by its state and lease (tenant caps aside).
bool IsClaimable(const JobRecord& job, int64_t now_micros);
// True when the job's lease is live at `now` on an unfinished job (counts toward a
// tenant's max_leases_per_tenant).
bool HoldsLiveLease(const JobRecord& job, int64_t now_micros);
// ABORTED unless `fence` holds the job's lease at fence.now_micros (owner, token, not
// expired, job unfinished). `releasing` (ReleaseLease): owner and token only.
absl::Status CheckFence(const JobRecord& job, const LeaseFence& fence, bool releasing = false);
// RESOURCE_EXHAUSTED when a tenant with `queued` QUEUED jobs may not get another.
absl::Status CheckQueuedLimit(const std::string& tenant, int64_t queued,
                              const CreateLimits& limits);
// The claim order: true when `a` is claimed before `b` (RUNNING first, then priority
// descending, then (create_time_micros, id)).
bool ClaimsBefore(const JobRecord& a, const JobRecord& b);

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
