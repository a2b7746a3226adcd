// JobStore: the durable record of the job service — jobs, their event logs, their latest
// checkpoint and their result. Implementations: MemoryJobStore (in-memory fake, for tests)
// and SqliteJobStore (WAL, durable commits, versioned schema). Both pass the same
// conformance suite (store/job_store_conformance.h).
//
// Payloads (spec, events, checkpoint, result) are opaque bytes to the store: the service
// stores serialized qgrad.v1 messages in them.
//
// Thread-safety: every implementation is safe for concurrent use from many threads; each
// call is atomic (all of an UpdateJob or none of it is visible, before and after a crash).
#ifndef QGRAD_STORE_JOB_STORE_H_
#define QGRAD_STORE_JOB_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qgrad::store {

// Mirrors qgrad.v1.JobState (same numbers).
enum class JobState { kQueued = 1, kRunning = 2, kSucceeded = 3, kFailed = 4, kCancelled = 5 };
bool IsTerminal(JobState state);

struct JobRecord {
  std::string id;               // caller-assigned, unique
  std::string tenant;
  std::string idempotency_key;  // empty: none
  std::string spec;             // opaque (serialized JobSpec)
  std::map<std::string, std::string> labels;
  int32_t priority = 0;
  JobState state = JobState::kQueued;
  std::string error;
  std::string backend;
  int64_t create_time_micros = 0;
  int64_t start_time_micros = 0;
  int64_t finish_time_micros = 0;
  int64_t deadline_micros = 0;   // 0: none
  bool cancel_requested = false;
  int32_t iterations_done = 0;   // maintained by the caller through JobUpdate
  int64_t last_event_sequence = 0;  // maintained by the store
};

struct CreateJobOutcome {
  JobRecord job;
  bool created = false;  // false: (tenant, idempotency_key) already existed; job is that one
};

struct EventRecord {
  int64_t sequence = 0;  // 1, 2, 3, ... per job
  int64_t time_micros = 0;
  std::string payload;   // opaque (serialized JobEvent)
};

// Applied atomically. Unset fields are left unchanged.
struct JobUpdate {
  // Precondition: the job is in one of these states, else FAILED_PRECONDITION (nothing
  // changes). Empty: no precondition.
  std::set<JobState> expected_states;
  std::optional<JobState> state;
  std::optional<std::string> error;
  std::optional<int64_t> start_time_micros;
  std::optional<int64_t> finish_time_micros;
  std::optional<bool> cancel_requested;
  std::optional<int32_t> iterations_done;
  std::optional<std::string> checkpoint;  // replaces the stored one
  std::optional<std::string> result;
  // Appended in order with sequences last_event_sequence + 1, + 2, ...; their time is
  // `event_time_micros`.
  std::vector<std::string> events;
  int64_t event_time_micros = 0;
};

struct JobQuery {
  std::optional<std::string> tenant;  // nullopt: every tenant (server-internal use only)
  std::set<JobState> states;          // empty: any
  std::map<std::string, std::string> labels;  // all must match
  int32_t page_size = 100;            // >= 1, else INVALID_ARGUMENT
  // Opaque; from JobPage::next_page_token of the same query (tenant, states and labels
  // equal; page_size may change). Anything else: INVALID_ARGUMENT "page_token: ...".
  std::string page_token;
};

struct JobPage {
  std::vector<JobRecord> jobs;  // ordered by (create_time_micros, id)
  std::string next_page_token;  // empty: no more
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts `job` (its last_event_sequence is ignored; `initial_events` become sequences
  // 1..k), unless `job.idempotency_key` is non-empty and (tenant, key) exists: then returns
  // that job with created = false and changes nothing. ALREADY_EXISTS for a duplicate id;
  // INVALID_ARGUMENT for an empty id or a state outside JobState.
  virtual absl::StatusOr<CreateJobOutcome> CreateJob(
      const JobRecord& job, const std::vector<std::string>& initial_events,
      int64_t event_time_micros) = 0;

  // NOT_FOUND when absent.
  virtual absl::StatusOr<JobRecord> GetJob(const std::string& id) = 0;
  virtual absl::StatusOr<JobPage> ListJobs(const JobQuery& query) = 0;
  virtual absl::StatusOr<int64_t> CountJobs(const JobQuery& query) = 0;  // ignores paging

  // Returns the job after the update. NOT_FOUND; FAILED_PRECONDITION (expected_states).
  virtual absl::StatusOr<JobRecord> UpdateJob(const std::string& id, const JobUpdate& update) = 0;

  // Events with sequence > after_sequence, ascending, at most `limit` (>= 1, else
  // INVALID_ARGUMENT). NOT_FOUND for an unknown job.
  virtual absl::StatusOr<std::vector<EventRecord>> ReadEvents(const std::string& id,
                                                              int64_t after_sequence,
                                                              int32_t limit) = 0;
  // nullopt when none has been stored. NOT_FOUND for an unknown job.
  virtual absl::StatusOr<std::optional<std::string>> GetCheckpoint(const std::string& id) = 0;
  virtual absl::StatusOr<std::optional<std::string>> GetResult(const std::string& id) = 0;
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_JOB_STORE_H_
