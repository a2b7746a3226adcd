// PostgresJobStore: the JobStore shared by replicas (group-committing writer thread, pooled
// readers, LISTEN thread). Thread-safe; see the header for the design.
#include "store/postgres_job_store.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/error_detail.h"
#include "store/job_store_util.h"
#include "store/postgres_connection.h"
#include "store/postgres_schema.h"

namespace qgrad::store {
namespace {

using pg::Bool;
using pg::Bytes;
using pg::BytesArray;
using pg::Connection;
using pg::Int32;
using pg::Int64;
using pg::Param;
using pg::Result;
using pg::Text;
using pg::TextArray;

// Column order read by JobFromRow; labels come as two arrays in key order, so that a job
// is read in one statement (one snapshot, one round trip).
constexpr char kJobColumns[] =
    "j.id, j.tenant, j.idempotency_key, j.spec, j.priority, j.state, j.error, j.backend, "
    "j.create_time_micros, j.start_time_micros, j.finish_time_micros, j.deadline_micros, "
    "j.cancel_requested, j.iterations_done, j.last_event_sequence, j.lease_owner, "
    "j.lease_token, j.lease_expires_micros, "
    "ARRAY(SELECT l.key FROM job_labels AS l WHERE l.job_id = j.id ORDER BY l.key), "
    "ARRAY(SELECT l.value FROM job_labels AS l WHERE l.job_id = j.id ORDER BY l.key)";

// A job the claim may take: unfinished, its lease free at $1 (now).
constexpr char kClaimable[] = "j.state IN (1, 2) AND j.lease_expires_micros <= $1";
// The claim order (internal::ClaimsBefore); repeats jobs_claim_order's expressions so that
// the planner walks that index.
constexpr char kClaimOrder[] =
    " ORDER BY (j.state = 2) DESC, j.priority DESC, j.create_time_micros, j.id LIMIT 1";

// Notification channels; the payload of qgrad_jobs is the job id.
constexpr char kJobsChannel[] = "qgrad_jobs";
constexpr char kWorkChannel[] = "qgrad_work";

// Advisory locks on a tenant, held to the commit; different prefixes keep the queue-limit
// and lease-cap locks of one tenant apart.
constexpr char kQueueLockPrefix[] = "qgrad-tenant:";
constexpr char kLeaseLockPrefix[] = "qgrad-lease:";

JobRecord JobFromRow(const Result& r, int row) {
  JobRecord job;
  job.id = r.GetBytes(row, 0);
  job.tenant = r.GetBytes(row, 1);
  job.idempotency_key = r.GetBytes(row, 2);
  job.spec = r.GetBytes(row, 3);
  job.priority = r.GetInt32(row, 4);
  job.state = static_cast<JobState>(r.GetInt32(row, 5));
  job.error = r.GetBytes(row, 6);
  job.backend = r.GetBytes(row, 7);
  job.create_time_micros = r.GetInt64(row, 8);
  job.start_time_micros = r.GetInt64(row, 9);
  job.finish_time_micros = r.GetInt64(row, 10);
  job.deadline_micros = r.GetInt64(row, 11);
  job.cancel_requested = r.GetBool(row, 12);
  job.iterations_done = r.GetInt32(row, 13);
  job.last_event_sequence = r.GetInt64(row, 14);
  job.lease.owner = r.GetBytes(row, 15);
  job.lease.token = r.GetInt64(row, 16);
  job.lease.expires_micros = r.GetInt64(row, 17);
  const std::vector<std::string> keys = r.GetArray(row, 18);
  const std::vector<std::string> values = r.GetArray(row, 19);
  for (size_t i = 0; i < keys.size() && i < values.size(); ++i) {
    job.labels.emplace(keys[i], values[i]);
  }
  return job;
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

// True for a deadlock or serialization failure: the write may simply be run again.
bool IsConflict(const absl::Status& status) {
  const std::string detail = ErrorDetail(status);
  return absl::StrContains(detail, "PostgreSQL: 40P01") ||
         absl::StrContains(detail, "PostgreSQL: 40001");
}

// True when a NOWAIT row lock met a row another transaction holds.
bool IsLockBusy(const absl::Status& status) {
  return absl::StrContains(ErrorDetail(status), "PostgreSQL: 55P03");
}

// The status of a write that must wait for a lock: the writer undoes it and runs it again
// alone (WriteContext). Never reaches a caller.
absl::Status Defer(bool& deferred) {
  deferred = true;
  return absl::UnavailableError("deferred: runs again in a transaction of its own");
}

// Takes the advisory lock on prefix || tenant; false when `wait` is false and another
// transaction holds it.
absl::StatusOr<bool> LockTenant(Connection& c, const char* prefix, const std::string& tenant,
                                bool wait) {
  absl::StatusOr<Result> r = c.Exec(
      wait ? "SELECT pg_advisory_xact_lock(hashtextextended($1 || $2, 0)), TRUE"
           : "SELECT NULL, pg_try_advisory_xact_lock(hashtextextended($1 || $2, 0))",
      {Text(prefix), Text(tenant)});
  if (!r.ok()) return r.status();
  return r->rows() == 1 && r->GetBool(0, 1);
}

// How a write reads the row it changes.
enum class RowLock {
  kNone,
  kNoWait,  // FOR UPDATE NOWAIT: in a shared batch; 55P03 when another transaction holds it
  kWait,    // FOR UPDATE: in a transaction of its own
};

RowLock ForUpdate(bool alone) { return alone ? RowLock::kWait : RowLock::kNoWait; }

absl::StatusOr<std::optional<JobRecord>> SelectJob(Connection& c, const std::string& id,
                                                   RowLock lock) {
  static const std::string kPlain =
      absl::StrCat("SELECT ", kJobColumns, " FROM jobs AS j WHERE j.id = $1");
  static const std::string kWait = kPlain + " FOR UPDATE OF j";
  static const std::string kNoWait = kPlain + " FOR UPDATE OF j NOWAIT";
  const std::string& sql =
      lock == RowLock::kNone ? kPlain : (lock == RowLock::kWait ? kWait : kNoWait);
  absl::StatusOr<Result> r = c.Exec(sql, {Text(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<JobRecord>();
  return std::optional<JobRecord>(JobFromRow(*r, 0));
}

absl::StatusOr<JobRecord> LoadJob(Connection& c, const std::string& id, RowLock lock) {
  absl::StatusOr<std::optional<JobRecord>> job = SelectJob(c, id, lock);
  if (!job.ok()) return job.status();
  if (!job->has_value()) return NotFound(id);
  return **std::move(job);
}

absl::StatusOr<std::optional<JobRecord>> SelectByKey(Connection& c, const std::string& tenant,
                                                     const std::string& key) {
  // The "<> ''" term repeats the partial index's predicate so that the planner uses it.
  static const std::string kSql = absl::StrCat(
      "SELECT ", kJobColumns,
      " FROM jobs AS j WHERE j.tenant = $1 AND j.idempotency_key = $2 "
      "AND j.idempotency_key <> ''");
  absl::StatusOr<Result> r = c.Exec(kSql, {Text(tenant), Text(key)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<JobRecord>();
  return std::optional<JobRecord>(JobFromRow(*r, 0));
}

absl::StatusOr<int64_t> CountRows(Connection& c, const std::string& sql,
                                  const std::vector<Param>& params) {
  absl::StatusOr<Result> r = c.Exec(sql, params);
  if (!r.ok()) return r.status();
  return r->rows() == 0 ? 0 : r->GetInt64(0, 0);
}

// --- Write transactions (run on the writer thread, inside a savepoint) --------------------

// Inserts the job, its labels and its events in one statement. No row back: (tenant, key)
// is taken (ON CONFLICT on the partial index; a duplicate id still fails with 23505).
absl::StatusOr<bool> InsertJob(Connection& c, const JobRecord& job,
                               const std::vector<std::string>& events, int64_t event_time) {
  static constexpr char kSql[] =
      "WITH j AS (INSERT INTO jobs (id, tenant, idempotency_key, spec, priority, state, error, "
      "backend, create_time_micros, start_time_micros, finish_time_micros, deadline_micros, "
      "cancel_requested, iterations_done, last_event_sequence) VALUES ($1, $2, $3, $4, $5, $6, "
      "$7, $8, $9, $10, $11, $12, $13, $14, $15) "
      "ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key <> '' DO NOTHING "
      "RETURNING id), "
      "l AS (INSERT INTO job_labels (job_id, key, value) SELECT j.id, t.k, t.v "
      "FROM j, unnest($16::text[], $17::text[]) AS t(k, v)), "
      "e AS (INSERT INTO events (job_id, sequence, time_micros, payload, lease_token) "
      "SELECT j.id, t.n, $18, t.p, 0 FROM j, unnest($19::bytea[]) WITH ORDINALITY AS t(p, n)) "
      "SELECT id FROM j";
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : job.labels) {
    keys.push_back(k);
    values.push_back(v);
  }
  absl::StatusOr<Result> r = c.Exec(
      kSql, {Text(job.id), Text(job.tenant), Text(job.idempotency_key), Bytes(job.spec),
             Int32(job.priority), Int32(static_cast<int32_t>(job.state)), Text(job.error),
             Text(job.backend), Int64(job.create_time_micros), Int64(job.start_time_micros),
             Int64(job.finish_time_micros), Int64(job.deadline_micros),
             Bool(job.cancel_requested), Int32(job.iterations_done),
             Int64(static_cast<int64_t>(events.size())), TextArray(keys), TextArray(values),
             Int64(event_time), BytesArray(events)});
  if (!r.ok()) return r.status();
  return r->rows() == 1;
}

// The tenant's queue lock: every change to its number of QUEUED jobs (queued_counts) is
// made under it, held to the commit, so that replicas creating or starting the tenant's
// jobs at once count one after the other. In a shared batch it is only tried (Defer).
absl::Status LockQueue(Connection& c, const std::string& tenant, bool alone, bool& deferred) {
  absl::StatusOr<bool> locked = LockTenant(c, kQueueLockPrefix, tenant, alone);
  if (!locked.ok()) return locked.status();
  if (!*locked) return Defer(deferred);
  return absl::OkStatus();
}

// Adds `delta` to the tenant's number of QUEUED jobs; under LockQueue. (The row proposed
// for insertion must pass the CHECK too, even when it conflicts: hence GREATEST.)
absl::Status CountQueued(Connection& c, const std::string& tenant, int64_t delta) {
  return c.Exec("INSERT INTO queued_counts AS q (tenant, queued) VALUES ($1, GREATEST($2, 0)) "
                "ON CONFLICT (tenant) DO UPDATE SET queued = q.queued + $2",
                {Text(tenant), Int64(delta)})
      .status();
}

// RESOURCE_EXHAUSTED when the tenant's QUEUED jobs already reach the limit; under LockQueue.
absl::Status CheckQueueLimit(Connection& c, const std::string& tenant,
                             const CreateLimits& limits) {
  absl::StatusOr<Result> r =
      c.Exec("SELECT queued FROM queued_counts WHERE tenant = $1", {Text(tenant)});
  if (!r.ok()) return r.status();
  const int64_t queued = r->rows() == 1 ? r->GetInt64(0, 0) : 0;
  return internal::CheckQueuedLimit(tenant, queued, limits);
}

absl::StatusOr<CreateJobOutcome> CreateJobTx(Connection& c, const JobRecord& job,
                                             const std::vector<std::string>& initial_events,
                                             int64_t event_time_micros,
                                             const CreateLimits& limits, bool alone, bool& deferred) {
  const bool limited = limits.max_queued_per_tenant > 0 && job.state == JobState::kQueued;
  // An idempotent repeat is answered even when the tenant is at its limit.
  if (limited && !job.idempotency_key.empty()) {
    absl::StatusOr<std::optional<JobRecord>> existing =
        SelectByKey(c, job.tenant, job.idempotency_key);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) return CreateJobOutcome{**std::move(existing), false};
  }
  const bool queued = job.state == JobState::kQueued;
  if (queued) {
    if (absl::Status s = LockQueue(c, job.tenant, alone, deferred); !s.ok()) return s;
  }
  if (limited) {
    if (absl::Status s = CheckQueueLimit(c, job.tenant, limits); !s.ok()) return s;
  }
  absl::StatusOr<bool> inserted = InsertJob(c, job, initial_events, event_time_micros);
  if (!inserted.ok()) return inserted.status();
  if (*inserted && queued) {
    if (absl::Status s = CountQueued(c, job.tenant, 1); !s.ok()) return s;
  }
  if (!*inserted) {
    absl::StatusOr<std::optional<JobRecord>> existing =
        SelectByKey(c, job.tenant, job.idempotency_key);
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) {
      return absl::InternalError("the job store failed unexpectedly; the server log has details");
    }
    return CreateJobOutcome{**std::move(existing), false};
  }
  CreateJobOutcome outcome{job, true};
  outcome.job.last_event_sequence = static_cast<int64_t>(initial_events.size());
  outcome.job.lease = Lease{};
  return outcome;
}

absl::Status WriteUpdate(Connection& c, const JobRecord& job, const JobUpdate& update,
                         int64_t first_sequence) {
  static constexpr char kSql[] =
      "WITH u AS (UPDATE jobs SET state = $2, error = $3, start_time_micros = $4, "
      "finish_time_micros = $5, cancel_requested = $6, iterations_done = $7, "
      "last_event_sequence = $8 WHERE id = $1), "
      "e AS (INSERT INTO events (job_id, sequence, time_micros, payload, lease_token) "
      "SELECT $1, $9 + t.n - 1, $10, t.p, $11 "
      "FROM unnest($12::bytea[]) WITH ORDINALITY AS t(p, n)), "
      "c AS (INSERT INTO checkpoints (job_id, payload) SELECT $1, $14 WHERE $13 "
      "ON CONFLICT (job_id) DO UPDATE SET payload = excluded.payload), "
      "r AS (INSERT INTO results (job_id, payload) SELECT $1, $16 WHERE $15 "
      "ON CONFLICT (job_id) DO UPDATE SET payload = excluded.payload) "
      "SELECT 1";
  const int64_t token = update.fence.has_value() ? update.fence->token : 0;
  absl::StatusOr<Result> r = c.Exec(
      kSql, {Text(job.id), Int32(static_cast<int32_t>(job.state)), Text(job.error),
             Int64(job.start_time_micros), Int64(job.finish_time_micros),
             Bool(job.cancel_requested), Int32(job.iterations_done),
             Int64(job.last_event_sequence), Int64(first_sequence),
             Int64(update.event_time_micros), Int64(token), BytesArray(update.events),
             Bool(update.checkpoint.has_value()), Bytes(update.checkpoint.value_or("")),
             Bool(update.result.has_value()), Bytes(update.result.value_or(""))});
  return r.status();
}

absl::StatusOr<JobRecord> UpdateJobTx(Connection& c, const std::string& id,
                                      const JobUpdate& update, bool alone, bool& deferred) {
  absl::StatusOr<JobRecord> job = LoadJob(c, id, ForUpdate(alone));
  if (!job.ok()) return job.status();
  const bool was_queued = job->state == JobState::kQueued;
  if (update.fence.has_value()) {
    if (absl::Status s = internal::CheckFence(*job, *update.fence); !s.ok()) return s;
  }
  if (absl::Status s = internal::CheckExpectedStates(*job, update); !s.ok()) return s;
  const int64_t first_sequence = job->last_event_sequence + 1;
  internal::ApplyUpdate(update, *job);
  const bool queued = job->state == JobState::kQueued;
  if (queued != was_queued) {
    if (absl::Status s = LockQueue(c, job->tenant, alone, deferred); !s.ok()) return s;
    if (absl::Status s = CountQueued(c, job->tenant, queued ? 1 : -1); !s.ok()) return s;
  }
  if (absl::Status s = WriteUpdate(c, *job, update, first_sequence); !s.ok()) return s;
  return job;
}

absl::Status GrantLease(Connection& c, const std::string& id, const ClaimRequest& request) {
  absl::StatusOr<Result> r = c.Exec(
      "UPDATE jobs SET lease_owner = $2, lease_token = lease_token + 1, "
      "lease_expires_micros = $3 WHERE id = $1",
      {Text(id), Text(request.owner),
       Int64(SaturatingAdd(request.now_micros, request.lease_micros))});
  return r.status();
}

// The first claimable job, locked (SKIP LOCKED: a row another claimer holds is passed
// over, never waited for). `tenant`: that tenant's only.
absl::StatusOr<std::optional<std::string>> LockFirstClaimable(Connection& c, int64_t now,
                                                              const std::string* tenant) {
  static const std::string kAny = absl::StrCat("SELECT j.id FROM jobs AS j WHERE ", kClaimable,
                                               kClaimOrder, " FOR UPDATE OF j SKIP LOCKED");
  static const std::string kOfTenant =
      absl::StrCat("SELECT j.id FROM jobs AS j WHERE ", kClaimable, " AND j.tenant = $2",
                   kClaimOrder, " FOR UPDATE OF j SKIP LOCKED");
  absl::StatusOr<Result> r = tenant == nullptr ? c.Exec(kAny, {Int64(now)})
                                               : c.Exec(kOfTenant, {Int64(now), Text(*tenant)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->GetBytes(0, 0));
}

// The tenant of the first claimable job whose tenant is under the cap by this snapshot and
// not in `passed` (tenants found full, or with every job locked, under their lock).
absl::StatusOr<std::optional<std::string>> CandidateTenant(Connection& c,
                                                           const ClaimRequest& request,
                                                           const std::vector<std::string>& passed) {
  static const std::string kSql = absl::StrCat(
      "SELECT j.tenant FROM jobs AS j WHERE ", kClaimable, " AND j.tenant <> ALL($3::text[]) "
      "AND j.tenant NOT IN (SELECT f.tenant FROM jobs AS f WHERE f.state IN (1, 2) "
      "AND f.lease_expires_micros > $1 GROUP BY f.tenant HAVING count(*) >= $2)",
      kClaimOrder);
  absl::StatusOr<Result> r =
      c.Exec(kSql, {Int64(request.now_micros), Int64(request.max_leases_per_tenant),
                    TextArray(passed)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->GetBytes(0, 0));
}

// With a per-tenant cap: lock the candidate's tenant (advisory, held to the commit), then
// count its live leases in a fresh snapshot, which sees every claim another replica
// committed under the same lock; only then lock a job row (SKIP LOCKED: never waits). A
// claim waits only for the first tenant lock of a claim running alone, holding nothing
// else then; any other tenant lock is only tried (a busy one defers a batched claim, and
// is passed over by a lone one), so claims never deadlock.
absl::StatusOr<std::optional<std::string>> LockUnderCap(Connection& c,
                                                        const ClaimRequest& request,
                                                        bool alone, bool& deferred) {
  std::vector<std::string> passed;
  for (bool first = true;; first = false) {
    absl::StatusOr<std::optional<std::string>> tenant = CandidateTenant(c, request, passed);
    if (!tenant.ok() || !tenant->has_value()) return tenant;
    absl::StatusOr<bool> locked =
        LockTenant(c, kLeaseLockPrefix, **tenant, alone && first);
    if (!locked.ok()) return locked.status();
    if (!*locked && !alone) return Defer(deferred);
    if (*locked) {
      absl::StatusOr<int64_t> live = CountRows(
          c,
          "SELECT count(*) FROM jobs WHERE tenant = $1 AND state IN (1, 2) "
          "AND lease_expires_micros > $2",
          {Text(**tenant), Int64(request.now_micros)});
      if (!live.ok()) return live.status();
      if (*live < request.max_leases_per_tenant) {
        absl::StatusOr<std::optional<std::string>> id =
            LockFirstClaimable(c, request.now_micros, &**tenant);
        if (!id.ok() || id->has_value()) return id;
      }
    }
    passed.push_back(**tenant);
  }
}

absl::StatusOr<std::optional<ClaimedJob>> ClaimJobTx(Connection& c, const ClaimRequest& request,
                                                     bool alone, bool& deferred) {
  absl::StatusOr<std::optional<std::string>> id =
      request.max_leases_per_tenant > 0 ? LockUnderCap(c, request, alone, deferred)
                                        : LockFirstClaimable(c, request.now_micros, nullptr);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return std::optional<ClaimedJob>();
  if (absl::Status s = GrantLease(c, **id, request); !s.ok()) return s;
  absl::StatusOr<JobRecord> job = LoadJob(c, **id, RowLock::kNone);
  if (!job.ok()) return job.status();
  return std::optional<ClaimedJob>(ClaimedJob{*std::move(job)});
}

absl::StatusOr<Lease> RenewLeaseTx(Connection& c, const std::string& id, const LeaseFence& fence,
                                   int64_t lease_micros, bool alone) {
  absl::StatusOr<JobRecord> job = LoadJob(c, id, ForUpdate(alone));
  if (!job.ok()) return job.status();
  if (absl::Status s = internal::CheckFence(*job, fence); !s.ok()) return s;
  Lease lease = job->lease;
  lease.expires_micros = SaturatingAdd(fence.now_micros, lease_micros);
  absl::StatusOr<Result> r =
      c.Exec("UPDATE jobs SET lease_expires_micros = $2 WHERE id = $1",
             {Text(id), Int64(lease.expires_micros)});
  if (!r.ok()) return r.status();
  return lease;
}

// Owner and token stay: the token only ever grows, and a repeated release by the same
// holder is answered OK.
absl::StatusOr<bool> ReleaseLeaseTx(Connection& c, const std::string& id,
                                    const LeaseFence& fence, bool alone) {
  absl::StatusOr<JobRecord> job = LoadJob(c, id, ForUpdate(alone));
  if (!job.ok()) return job.status();
  if (absl::Status s = internal::CheckFence(*job, fence, /*releasing=*/true); !s.ok()) return s;
  absl::StatusOr<Result> r =
      c.Exec("UPDATE jobs SET lease_expires_micros = 0 WHERE id = $1", {Text(id)});
  if (!r.ok()) return r.status();
  return !IsTerminal(job->state);  // claimable again
}

// --- Queries -------------------------------------------------------------------------------

struct Filter {
  std::string where;  // over jobs AS j
  std::vector<Param> params;
};

std::string Placeholder(const Filter& f) { return absl::StrCat("$", f.params.size() + 1); }

Filter BuildFilter(const JobQuery& query, const internal::PageCursor* after) {
  Filter f;
  std::vector<std::string> terms = {"TRUE"};
  if (query.tenant.has_value()) {
    terms.push_back(absl::StrCat("j.tenant = ", Placeholder(f)));
    f.params.push_back(Text(*query.tenant));
  }
  if (!query.states.empty()) {
    // Validated enum values, not outside text: safe to write into the SQL.
    std::vector<int> states;
    for (JobState s : query.states) states.push_back(static_cast<int>(s));
    terms.push_back(absl::StrCat("j.state IN (", absl::StrJoin(states, ", "), ")"));
  }
  for (const auto& [key, value] : query.labels) {
    const std::string k = Placeholder(f);
    f.params.push_back(Text(key));
    const std::string v = Placeholder(f);
    f.params.push_back(Text(value));
    terms.push_back(absl::StrCat("EXISTS (SELECT 1 FROM job_labels AS l WHERE l.job_id = j.id "
                                 "AND l.key = ", k, " AND l.value = ", v, ")"));
  }
  if (after != nullptr) {
    const std::string t = Placeholder(f);
    f.params.push_back(Int64(after->create_time_micros));
    const std::string i = Placeholder(f);
    f.params.push_back(Text(after->id));
    terms.push_back(absl::StrCat("(j.create_time_micros, j.id) > (", t, ", ", i, ")"));
  }
  f.where = absl::StrJoin(terms, " AND ");
  return f;
}

struct PayloadTable {
  const char* select;  // NOT_FOUND vs "none stored" in one query: a NULL payload is absent
};
constexpr PayloadTable kCheckpoints = {
    "SELECT p.payload FROM jobs AS j LEFT JOIN checkpoints AS p ON p.job_id = j.id "
    "WHERE j.id = $1"};
constexpr PayloadTable kResults = {
    "SELECT p.payload FROM jobs AS j LEFT JOIN results AS p ON p.job_id = j.id "
    "WHERE j.id = $1"};

absl::StatusOr<std::optional<std::string>> SelectPayload(Connection& c, const PayloadTable& table,
                                                         const std::string& id) {
  absl::StatusOr<Result> r = c.Exec(table.select, {Text(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound(id);
  if (r->IsNull(0, 0)) return std::optional<std::string>();
  return std::optional<std::string>(r->GetBytes(0, 0));
}

absl::StatusOr<std::optional<std::string>> ReadPasswordFile(const std::string& path) {
  if (path.empty()) return std::optional<std::string>();
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the job store's password_file ", path));
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return std::optional<std::string>(std::move(line));
}

}  // namespace

// --- Open, close ---------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<PostgresJobStore>> PostgresJobStore::Open(
    const std::string& conninfo, PostgresOptions options) {
  if (pg::Migrations().size() != static_cast<size_t>(kSchemaVersion)) {
    return absl::InternalError("PostgresJobStore: kSchemaVersion != number of migrations");
  }
  if (options.read_connections < 1 || options.max_batch < 1 || options.conflict_retries < 0 ||
      options.lock_timeout_ms < 1) {
    return absl::InvalidArgumentError(
        "PostgresOptions: read_connections, max_batch and lock_timeout_ms must be >= 1, "
        "conflict_retries >= 0");
  }
  absl::StatusOr<std::optional<std::string>> password = ReadPasswordFile(options.password_file);
  if (!password.ok()) return password.status();
  absl::StatusOr<pg::ConnectConfig> config = pg::MakeConnectConfig(conninfo, *password);
  if (!config.ok()) return config.status();
  auto store = std::unique_ptr<PostgresJobStore>(new PostgresJobStore(
      options, std::make_unique<pg::ConnectConfig>(*std::move(config))));
  // The writer connection migrates before any reader or thread exists.
  if (absl::Status s = store->EnsureConnected(store->writer_); !s.ok()) return s;
  if (absl::Status s = pg::MigrateSchema(*store->writer_.connection, pg::Migrations());
      !s.ok()) {
    return PrefixMessage(s, absl::StrCat(store->config_->display, ": "));
  }
  for (auto& reader : store->readers_) {
    if (absl::Status s = store->EnsureConnected(*reader); !s.ok()) return s;
  }
  store->writer_thread_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return store;
}

PostgresJobStore::PostgresJobStore(const PostgresOptions& options,
                                   std::unique_ptr<pg::ConnectConfig> config)
    : options_(options), config_(std::move(config)), writes_(options.max_batch) {
  for (int i = 0; i < options_.read_connections; ++i) {
    readers_.push_back(std::make_unique<Slot>());
    idle_readers_.Add(readers_.back().get());
  }
}

PostgresJobStore::~PostgresJobStore() {
  writes_.Close();
  if (writer_thread_.joinable()) writer_thread_.join();
  stop_listening_ = true;
  if (listen_thread_.joinable()) listen_thread_.join();
}

PostgresStats PostgresJobStore::stats() const {
  const internal::WriteQueueStats queue = writes_.stats();
  absl::MutexLock lock(&stats_mu_);
  return PostgresStats{queue.writes, queue.transactions, queue.largest_batch, reconnects_,
                       deferred_};
}

absl::Status PostgresJobStore::EnsureConnected(Slot& slot) {
  if (slot.connection != nullptr && !slot.connection->Broken()) return absl::OkStatus();
  if (slot.connection != nullptr) {
    slot.connection.reset();
    absl::MutexLock lock(&stats_mu_);
    reconnects_ += 1;
  }
  absl::StatusOr<std::unique_ptr<Connection>> c = Connection::Open(*config_);
  if (!c.ok()) return c.status();
  slot.connection = *std::move(c);
  return absl::OkStatus();
}

// --- Group commit ------------------------------------------------------------------------

absl::Status PostgresJobStore::Write(WriteFn apply) {
  PendingWrite pending;
  pending.apply = std::move(apply);
  return writes_.Submit(pending);
}

void PostgresJobStore::WriterLoop() {
  for (;;) {
    const std::vector<PendingWrite*> batch = writes_.NextBatch();
    if (batch.empty()) return;  // closing, and every queued write is answered
    CommitBatch(batch, /*alone=*/false);
    // Sorted before anyone is released: a released write's PendingWrite is gone. Its
    // caller still sleeps, so its fields are the writer's to read.
    std::vector<PendingWrite*> answered, deferred;
    for (PendingWrite* w : batch) (w->deferred ? deferred : answered).push_back(w);
    writes_.Release(answered);
    RunDeferred(deferred);
  }
}

// The batch's locks went with its COMMIT: each deferred write now runs in a transaction of
// its own, where it waits holding nothing anyone else needs.
void PostgresJobStore::RunDeferred(const std::vector<PendingWrite*>& deferred) {
  for (PendingWrite* w : deferred) {
    w->deferred = false;
    CommitBatch({w}, /*alone=*/true);
    writes_.CountTransaction();
    {
      absl::MutexLock lock(&stats_mu_);
      deferred_ += 1;
    }
    writes_.Release({w});
  }
}

void PostgresJobStore::CommitBatch(const std::vector<PendingWrite*>& batch, bool alone) {
  absl::Status fatal = EnsureConnected(writer_);
  if (fatal.ok()) fatal = RunBatch(*writer_.connection, batch, alone);
  if (fatal.ok()) return;
  // Nothing of the batch committed (or, if the connection broke during COMMIT, nobody can
  // tell): every write gets the batch's error, deferred ones too.
  Connection* c = writer_.connection.get();
  if (c != nullptr && !c->Broken()) c->ExecScript("ROLLBACK").IgnoreError();
  for (PendingWrite* w : batch) {
    w->status = fatal;
    w->deferred = false;
  }
}

absl::Status PostgresJobStore::ApplyWithRetries(Connection& c, PendingWrite& w, bool alone,
                                                Notices& notices) {
  for (int attempt = 0;; ++attempt) {
    WriteContext ctx;
    ctx.alone = alone;
    absl::Status status = w.apply(c, ctx);
    if (status.ok()) {
      notices.changed_jobs.insert(notices.changed_jobs.end(), ctx.notices.changed_jobs.begin(),
                                  ctx.notices.changed_jobs.end());
      notices.work_available |= ctx.notices.work_available;
      return status;
    }
    if (c.Broken()) return status;
    // Undo this write alone; the savepoint stays for the next attempt or write.
    if (absl::Status s = c.ExecScript("ROLLBACK TO SAVEPOINT w"); !s.ok()) return s;
    if (!alone && (ctx.deferred || IsLockBusy(status))) {
      w.deferred = true;
      return absl::OkStatus();  // answered after its own transaction
    }
    if (!IsConflict(status) || attempt >= options_.conflict_retries) return status;
  }
}

absl::Status PostgresJobStore::RunBatch(Connection& c, const std::vector<PendingWrite*>& batch,
                                        bool alone) {
  // A failure outside a write's own work (BEGIN, savepoints, NOTIFY, COMMIT) dooms the
  // whole transaction, and with it every write of the batch.
  // Alone, a write may wait for a lock, but not for ever (lock_timeout_ms).
  const std::string begin =
      alone ? absl::StrCat("BEGIN; SET LOCAL lock_timeout = ", options_.lock_timeout_ms,
                           "; SAVEPOINT w")
            : "BEGIN; SAVEPOINT w";
  if (absl::Status s = c.ExecScript(begin); !s.ok()) return s;
  Notices notices;
  for (size_t i = 0; i < batch.size(); ++i) {
    // One round trip ends the previous write's savepoint and starts this one's.
    if (i > 0) {
      if (absl::Status s = c.ExecScript("RELEASE SAVEPOINT w; SAVEPOINT w"); !s.ok()) return s;
    }
    PendingWrite& w = *batch[i];
    w.status = ApplyWithRetries(c, w, alone, notices);
    if (!w.status.ok() && c.Broken()) return w.status;
  }
  // Inside the transaction: PostgreSQL delivers them at COMMIT, and only then.
  if (!notices.changed_jobs.empty()) {
    std::set<std::string> unique(notices.changed_jobs.begin(), notices.changed_jobs.end());
    absl::StatusOr<Result> r =
        c.Exec(absl::StrCat("SELECT pg_notify('", kJobsChannel,
                            "', t.id) FROM unnest($1::text[]) AS t(id)"),
               {TextArray(std::vector<std::string>(unique.begin(), unique.end()))});
    if (!r.ok()) return r.status();
  }
  if (notices.work_available) {
    if (absl::Status s = c.ExecScript(absl::StrCat("NOTIFY ", kWorkChannel)); !s.ok()) return s;
  }
  return c.ExecScript("COMMIT");
}

// --- Reads -------------------------------------------------------------------------------

absl::Status PostgresJobStore::Read(const std::function<absl::Status(Connection&)>& read) {
  internal::IdlePool<Slot>::Borrowed slot(idle_readers_);
  if (absl::Status s = EnsureConnected(*slot); !s.ok()) return s;
  // Each read is one statement, so it sees one snapshot without a transaction around it.
  return read(*(*slot).connection);
}

// --- JobStore ------------------------------------------------------------------------------

absl::StatusOr<CreateJobOutcome> PostgresJobStore::CreateJob(
    const JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros, const CreateLimits& limits) {
  if (absl::Status s = internal::ValidateNewJob(job); !s.ok()) return s;
  absl::StatusOr<CreateJobOutcome> outcome;
  absl::Status status = Write([&](Connection& c, WriteContext& ctx) {
    outcome = CreateJobTx(c, job, initial_events, event_time_micros, limits, ctx.alone,
                          ctx.deferred);
    if (outcome.ok() && outcome->created) {
      ctx.notices.changed_jobs.push_back(job.id);
      ctx.notices.work_available = job.state == JobState::kQueued;
    }
    return outcome.status();
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<JobRecord> PostgresJobStore::UpdateJob(const std::string& id,
                                                      const JobUpdate& update) {
  if (absl::Status s = internal::ValidateUpdate(update); !s.ok()) return s;
  absl::StatusOr<JobRecord> job;
  absl::Status status = Write([&](Connection& c, WriteContext& ctx) {
    job = UpdateJobTx(c, id, update, ctx.alone, ctx.deferred);
    if (job.ok()) {
      ctx.notices.changed_jobs.push_back(id);
      // Put back in the queue (the server re-queues a job): claimable once its lease is free.
      ctx.notices.work_available = update.state == JobState::kQueued;
    }
    return job.status();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<std::optional<ClaimedJob>> PostgresJobStore::ClaimJob(
    const ClaimRequest& request) {
  if (absl::Status s = internal::ValidateClaim(request); !s.ok()) return s;
  absl::StatusOr<std::optional<ClaimedJob>> claimed;
  absl::Status status = Write([&](Connection& c, WriteContext& ctx) {
    claimed = ClaimJobTx(c, request, ctx.alone, ctx.deferred);
    if (claimed.ok() && claimed->has_value()) {
      ctx.notices.changed_jobs.push_back((*claimed)->job.id);
    }
    return claimed.status();
  });
  if (!status.ok()) return status;
  return claimed;
}

// A renewal only moves the expiry: no notification (replicas renew often; nobody watches
// expiries).
absl::StatusOr<Lease> PostgresJobStore::RenewLease(const std::string& id,
                                                   const LeaseFence& fence,
                                                   int64_t lease_micros) {
  if (absl::Status s = internal::ValidateLeaseMicros(lease_micros); !s.ok()) return s;
  absl::StatusOr<Lease> lease;
  absl::Status status = Write([&](Connection& c, WriteContext& ctx) {
    lease = RenewLeaseTx(c, id, fence, lease_micros, ctx.alone);
    return lease.status();
  });
  if (!status.ok()) return status;
  return lease;
}

absl::Status PostgresJobStore::ReleaseLease(const std::string& id, const LeaseFence& fence) {
  return Write([&](Connection& c, WriteContext& ctx) -> absl::Status {
    absl::StatusOr<bool> claimable = ReleaseLeaseTx(c, id, fence, ctx.alone);
    if (!claimable.ok()) return claimable.status();
    ctx.notices.changed_jobs.push_back(id);
    ctx.notices.work_available = *claimable;
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<JobRecord>> PostgresJobStore::FindJobByKey(const std::string& tenant,
                                                                        const std::string& key) {
  if (key.empty()) return std::optional<JobRecord>();
  absl::StatusOr<std::optional<JobRecord>> job;
  absl::Status status = Read([&](Connection& c) {
    job = SelectByKey(c, tenant, key);
    return job.status();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<JobRecord> PostgresJobStore::GetJob(const std::string& id) {
  absl::StatusOr<JobRecord> job;
  absl::Status status = Read([&](Connection& c) {
    job = LoadJob(c, id, RowLock::kNone);
    return job.status();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<JobPage> PostgresJobStore::ListJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateQuery(query); !s.ok()) return s;
  absl::StatusOr<std::optional<internal::PageCursor>> cursor = internal::DecodePageToken(query);
  if (!cursor.ok()) return cursor.status();
  Filter filter = BuildFilter(query, cursor->has_value() ? &**cursor : nullptr);
  const std::string sql =
      absl::StrCat("SELECT ", kJobColumns, " FROM jobs AS j WHERE ", filter.where,
                   " ORDER BY j.create_time_micros, j.id LIMIT ", Placeholder(filter));
  // One row beyond the page tells whether a next page exists.
  filter.params.push_back(Int64(static_cast<int64_t>(query.page_size) + 1));
  JobPage page;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    absl::StatusOr<Result> r = c.Exec(sql, filter.params);
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) page.jobs.push_back(JobFromRow(*r, row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (page.jobs.size() > static_cast<size_t>(query.page_size)) {
    page.jobs.pop_back();
    const JobRecord& last = page.jobs.back();
    page.next_page_token = internal::EncodePageToken(query, {last.create_time_micros, last.id});
  }
  return page;
}

absl::StatusOr<int64_t> PostgresJobStore::CountJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateFilter(query); !s.ok()) return s;
  const Filter filter = BuildFilter(query, nullptr);
  const std::string sql = absl::StrCat("SELECT count(*) FROM jobs AS j WHERE ", filter.where);
  absl::StatusOr<int64_t> count;
  absl::Status status = Read([&](Connection& c) {
    count = CountRows(c, sql, filter.params);
    return count.status();
  });
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<std::vector<EventRecord>> PostgresJobStore::ReadEvents(const std::string& id,
                                                                      int64_t after_sequence,
                                                                      int32_t limit) {
  if (absl::Status s = internal::ValidateEventLimit(limit); !s.ok()) return s;
  // No row: no such job; one row of NULLs: a job without such events.
  static constexpr char kSql[] =
      "SELECT e.sequence, e.time_micros, e.payload, e.lease_token FROM jobs AS j "
      "LEFT JOIN LATERAL (SELECT sequence, time_micros, payload, lease_token FROM events "
      "WHERE job_id = j.id AND sequence > $2 ORDER BY sequence LIMIT $3) AS e ON TRUE "
      "WHERE j.id = $1 ORDER BY e.sequence";
  std::vector<EventRecord> events;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    absl::StatusOr<Result> r =
        c.Exec(kSql, {Text(id), Int64(after_sequence), Int64(static_cast<int64_t>(limit))});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound(id);
    for (int row = 0; row < r->rows(); ++row) {
      if (r->IsNull(row, 0)) continue;
      events.push_back(
          {r->GetInt64(row, 0), r->GetInt64(row, 1), r->GetBytes(row, 2), r->GetInt64(row, 3)});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

absl::StatusOr<std::optional<std::string>> PostgresJobStore::GetCheckpoint(const std::string& id) {
  absl::StatusOr<std::optional<std::string>> payload;
  absl::Status status = Read([&](Connection& c) {
    payload = SelectPayload(c, kCheckpoints, id);
    return payload.status();
  });
  if (!status.ok()) return status;
  return payload;
}

absl::StatusOr<std::optional<std::string>> PostgresJobStore::GetResult(const std::string& id) {
  absl::StatusOr<std::optional<std::string>> payload;
  absl::Status status = Read([&](Connection& c) {
    payload = SelectPayload(c, kResults, id);
    return payload.status();
  });
  if (!status.ok()) return status;
  return payload;
}

// --- LISTEN / NOTIFY -----------------------------------------------------------------------

bool PostgresJobStore::SetObserver(StoreObserver* observer) {
  absl::MutexLock lock(&observer_mu_);
  observer_ = observer;
  if (observer != nullptr && !listen_thread_.joinable()) {
    // Listening before returning, so that no write committed after SetObserver is missed;
    // if the server cannot be reached now, the thread keeps trying and then calls
    // OnResync.
    absl::StatusOr<std::unique_ptr<Connection>> c = OpenListener();
    if (c.ok()) first_listener_ = *std::move(c);
    listen_thread_ = std::thread([this] { ListenLoop(); });
  }
  return true;
}

absl::StatusOr<std::unique_ptr<Connection>> PostgresJobStore::OpenListener() {
  absl::StatusOr<std::unique_ptr<Connection>> c = Connection::Open(*config_);
  if (!c.ok()) return c.status();
  if (absl::Status s = (*c)->ExecScript(
          absl::StrCat("LISTEN ", kJobsChannel, "; LISTEN ", kWorkChannel));
      !s.ok()) {
    return s;
  }
  return c;
}

void PostgresJobStore::ListenLoop() {
  std::unique_ptr<Connection> c;
  {
    absl::MutexLock lock(&observer_mu_);
    c = std::move(first_listener_);
  }
  bool missed = c == nullptr;  // not listening yet: notifications may have been lost
  auto backoff = std::chrono::milliseconds(50);
  while (!stop_listening_) {
    if (c == nullptr || c->Broken()) {
      c.reset();
      absl::StatusOr<std::unique_ptr<Connection>> opened = OpenListener();
      if (!opened.ok()) {
        missed = true;
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_listening_;
             waited += std::chrono::milliseconds(10)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
        continue;
      }
      c = *std::move(opened);
      backoff = std::chrono::milliseconds(50);
      if (missed) {
        absl::MutexLock lock(&observer_mu_);
        if (observer_ != nullptr) observer_->OnResync();
      }
      missed = false;
    }
    if (!ListenOnce(*c)) missed = true;
  }
}

// Waits (at most 100 ms, so that the destructor is not held up) for notifications and
// dispatches them; false when the connection broke.
bool PostgresJobStore::ListenOnce(Connection& c) {
  // First what libpq may already hold (read along with the LISTEN command's answer): the
  // socket would not show it.
  DispatchReceived(c);
  pollfd fd{PQsocket(c.raw()), POLLIN, 0};
  if (fd.fd < 0) return false;
  const int ready = poll(&fd, 1, 100);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) return true;
  if (PQconsumeInput(c.raw()) == 0) return false;
  DispatchReceived(c);
  return !c.Broken();
}

void PostgresJobStore::DispatchReceived(Connection& c) {
  while (PGnotify* n = PQnotifies(c.raw())) {
    Dispatch(n->relname, n->extra);
    PQfreemem(n);
  }
}

void PostgresJobStore::Dispatch(const std::string& channel, const std::string& payload) {
  absl::MutexLock lock(&observer_mu_);
  if (observer_ == nullptr) return;
  if (channel == kJobsChannel) {
    observer_->OnJobChanged(payload);
  } else if (channel == kWorkChannel) {
    observer_->OnWorkAvailable();
  }
}

}  // namespace qgrad::store
