// JobStore: the durable record of the job service — jobs, their event logs, their latest
// checkpoint and their result — and, for several server replicas sharing one store, the
// leases that say which replica runs which job. Implementations: MemoryJobStore (in-memory
// fake, for tests), SqliteJobStore (one process; WAL, durable commits, versioned schema) and
// PostgresJobStore (shared by replicas). All pass one conformance suite
// (store/job_store_conformance.h).
//
// Leases: a replica claims a runnable job (ClaimJob) for a limited time and renews the
// lease while it runs the job. Every claim of a job increments its fencing token; a write
// that carries a fence (JobUpdate::fence) is refused with ABORTED unless its token is the
// job's current one and the lease has not expired, so a replica that lost its lease (it
// stalled, the lease expired, another replica claimed the job) can no longer write. Each
// event records the token of the write that appended it: the job's fencing record. Times
// are the callers' clocks (microseconds since the epoch): replicas need clocks that agree to
// well within a lease.
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

// A replica's time-limited right to run a job.
struct Lease {
  std::string owner;           // the replica's id; empty: never claimed
  int64_t token = 0;           // the fencing token: 1 at the first claim, +1 at each claim
  int64_t expires_micros = 0;  // <= now: free (expired, released, or never claimed)
};

// Who writes, and when: the lease a write or a renewal claims to hold.
struct LeaseFence {
  std::string owner;
  int64_t token = 0;
  int64_t now_micros = 0;  // the lease must expire after this
};

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
  Lease lease;                      // maintained by the store (ClaimJob, RenewLease, ...)
};

struct CreateJobOutcome {
  JobRecord job;
  bool created = false;  // false: (tenant, idempotency_key) already existed; job is that one
};

struct EventRecord {
  int64_t sequence = 0;  // 1, 2, 3, ... per job
  int64_t time_micros = 0;
  std::string payload;   // opaque (serialized JobEvent)
  int64_t lease_token = 0;  // the fence token of the write that appended it; 0: no fence
};

// Limits that CreateJob checks atomically with the insert, so that they hold however many
// replicas submit at once.
struct CreateLimits {
  // A tenant with this many QUEUED jobs gets RESOURCE_EXHAUSTED. 0: no limit.
  int32_t max_queued_per_tenant = 0;
};

struct ClaimRequest {
  std::string owner;         // non-empty, else INVALID_ARGUMENT
  int64_t now_micros = 0;
  int64_t lease_micros = 0;  // > 0, else INVALID_ARGUMENT
  // A tenant that already holds this many unexpired leases on unfinished jobs is passed
  // over. 0: no limit.
  int32_t max_leases_per_tenant = 0;
};

struct ClaimedJob {
  JobRecord job;  // after the claim: job.lease is the new lease
};

// Told of writes that other processes made to a shared store. Called on a store thread;
// must not block for long. Notifications may be spurious, never silently lost: when the
// store could have missed some (its connection dropped), it calls OnResync.
class StoreObserver {
 public:
  virtual ~StoreObserver() = default;
  // The job's record or event log changed.
  virtual void OnJobChanged(const std::string& job_id) = 0;
  // A job may have become claimable (created, released, or its lease was handed back).
  virtual void OnWorkAvailable() = 0;
  // Anything may have changed.
  virtual void OnResync() = 0;
};

// Applied atomically. Unset fields are left unchanged.
struct JobUpdate {
  // Precondition: the job is in one of these states, else FAILED_PRECONDITION (nothing
  // changes). Empty: no precondition.
  std::set<JobState> expected_states;
  // Set: FAILED_PRECONDITION (nothing changes) unless the job's last_event_sequence equals
  // it. A writer that retries a write whose outcome it could not learn (the connection
  // broke during COMMIT) sets it, so that the write lands at most once.
  std::optional<int64_t> expected_last_event_sequence;
  std::optional<JobState> state;
  std::optional<std::string> error;
  std::optional<int64_t> start_time_micros;
  std::optional<int64_t> finish_time_micros;
  std::optional<bool> cancel_requested;
  std::optional<int32_t> iterations_done;
  std::optional<std::string> checkpoint;  // replaces the stored one
  std::optional<std::string> result;
  // Set: the write is refused with ABORTED (nothing changes) unless the job's lease has
  // this owner and token and expires after fence->now_micros. Checked before
  // expected_states. The events appended carry fence->token.
  std::optional<LeaseFence> fence;
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
  // INVALID_ARGUMENT for an empty id or a state outside JobState; RESOURCE_EXHAUSTED when
  // `limits` refuse a new QUEUED job (an idempotent repeat is answered regardless).
  // `job.lease` is ignored: a new job has none.
  virtual absl::StatusOr<CreateJobOutcome> CreateJob(
      const JobRecord& job, const std::vector<std::string>& initial_events,
      int64_t event_time_micros, const CreateLimits& limits = {}) = 0;
  // The tenant's job with this idempotency key; nullopt when there is none (or key is "").
  virtual absl::StatusOr<std::optional<JobRecord>> FindJobByKey(const std::string& tenant,
                                                                const std::string& key) = 0;

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

  // Leases. Claims the first runnable job — QUEUED or RUNNING, with a free lease, its
  // tenant under request.max_leases_per_tenant — in the order: RUNNING first (they were
  // already admitted), then higher priority, then (create_time_micros, id). The job gets
  // the lease {owner, token + 1, now + lease_micros}; its state is unchanged. nullopt: no
  // job is runnable. Concurrent claims (from any replica) never hand out one job twice.
  virtual absl::StatusOr<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) = 0;
  // Extends the lease to fence.now_micros + lease_micros. ABORTED when the lease is not
  // held (another owner or token, expired at fence.now_micros, or the job is finished);
  // NOT_FOUND for an unknown job.
  virtual absl::StatusOr<Lease> RenewLease(const std::string& id, const LeaseFence& fence,
                                           int64_t lease_micros) = 0;
  // Frees the lease at once, so that any replica may claim the job (a replica handing its
  // jobs back at shutdown). ABORTED when another owner or token holds the lease; a lease of
  // the same owner and token is released even if it expired or the job finished.
  virtual absl::Status ReleaseLease(const std::string& id, const LeaseFence& fence) = 0;

  // Registers the observer of other processes' writes (must outlive the store, or be
  // replaced by nullptr first). Returns false for stores that only one process writes
  // (memory, SQLite), which never call it.
  virtual bool SetObserver(StoreObserver* observer) { (void)observer; return false; }
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_JOB_STORE_H_
