// SqliteJobStore: the durable JobStore (group-committing writer thread, pooled readers).
// Thread-safe; see the header for the design.
#include "store/sqlite_job_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/error_detail.h"
#include "store/job_store_util.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"

namespace qgrad::store {
namespace {

using sqlite::Connection;
using sqlite::SqliteStatus;
using sqlite::Statement;

// Column order read by JobFromRow.
constexpr char kJobColumns[] =
    "id, tenant, idempotency_key, spec, priority, state, error, backend, create_time_micros, "
    "start_time_micros, finish_time_micros, deadline_micros, cancel_requested, "
    "iterations_done, last_event_sequence, lease_owner, lease_token, lease_expires_micros";

JobRecord JobFromRow(const Statement& row) {
  JobRecord job;
  job.id = row.ColumnBytes(0);
  job.tenant = row.ColumnBytes(1);
  job.idempotency_key = row.ColumnBytes(2);
  job.spec = row.ColumnBytes(3);
  job.priority = static_cast<int32_t>(row.ColumnInt(4));
  job.state = static_cast<JobState>(row.ColumnInt(5));
  job.error = row.ColumnBytes(6);
  job.backend = row.ColumnBytes(7);
  job.create_time_micros = row.ColumnInt(8);
  job.start_time_micros = row.ColumnInt(9);
  job.finish_time_micros = row.ColumnInt(10);
  job.deadline_micros = row.ColumnInt(11);
  job.cancel_requested = row.ColumnInt(12) != 0;
  job.iterations_done = static_cast<int32_t>(row.ColumnInt(13));
  job.last_event_sequence = row.ColumnInt(14);
  job.lease.owner = row.ColumnBytes(15);
  job.lease.token = row.ColumnInt(16);
  job.lease.expires_micros = row.ColumnInt(17);
  return job;
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
}

absl::Status LoadLabels(Connection& c, JobRecord& job) {
  absl::StatusOr<Statement> stmt = c.Prepare("SELECT key, value FROM job_labels WHERE job_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, job.id);
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    job.labels.emplace(stmt->ColumnBytes(0), stmt->ColumnBytes(1));
  }
}

absl::StatusOr<JobRecord> LoadJob(Connection& c, const std::string& id) {
  JobRecord job;
  {
    absl::StatusOr<Statement> stmt =
        c.Prepare(absl::StrCat("SELECT ", kJobColumns, " FROM jobs WHERE id = ?1"));
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, id);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound(id);
    job = JobFromRow(*stmt);
  }
  if (absl::Status s = LoadLabels(c, job); !s.ok()) return s;
  return job;
}

absl::StatusOr<bool> JobExists(Connection& c, const std::string& id) {
  absl::StatusOr<Statement> stmt = c.Prepare("SELECT 1 FROM jobs WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, id);
  return stmt->Step();
}

// The id of the job holding (tenant, key), if any; key is non-empty.
absl::StatusOr<std::optional<std::string>> FindByIdempotencyKey(Connection& c,
                                                                const std::string& tenant,
                                                                const std::string& key) {
  // The "<> ''" term repeats the partial index's WHERE so that the planner may use it.
  absl::StatusOr<Statement> stmt = c.Prepare(
      "SELECT id FROM jobs WHERE tenant = ?1 AND idempotency_key = ?2 "
      "AND idempotency_key <> ''");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, tenant);
  stmt->BindText(2, key);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnBytes(0));
}

absl::Status InsertJobRow(Connection& c, const JobRecord& job) {
  absl::StatusOr<Statement> stmt = c.Prepare(absl::StrCat(
      "INSERT INTO jobs (", kJobColumns,
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18)"));
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, job.id);
  stmt->BindText(2, job.tenant);
  stmt->BindText(3, job.idempotency_key);
  stmt->BindBlob(4, job.spec);
  stmt->BindInt(5, job.priority);
  stmt->BindInt(6, static_cast<int64_t>(job.state));
  stmt->BindText(7, job.error);
  stmt->BindText(8, job.backend);
  stmt->BindInt(9, job.create_time_micros);
  stmt->BindInt(10, job.start_time_micros);
  stmt->BindInt(11, job.finish_time_micros);
  stmt->BindInt(12, job.deadline_micros);
  stmt->BindInt(13, job.cancel_requested ? 1 : 0);
  stmt->BindInt(14, job.iterations_done);
  stmt->BindInt(15, job.last_event_sequence);
  stmt->BindText(16, job.lease.owner);
  stmt->BindInt(17, job.lease.token);
  stmt->BindInt(18, job.lease.expires_micros);
  return stmt->Run();
}

absl::Status InsertLabels(Connection& c, const JobRecord& job) {
  for (const auto& [key, value] : job.labels) {
    absl::StatusOr<Statement> stmt =
        c.Prepare("INSERT INTO job_labels (job_id, key, value) VALUES (?1, ?2, ?3)");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, job.id);
    stmt->BindText(2, key);
    stmt->BindText(3, value);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status InsertEvents(Connection& c, const std::string& id, int64_t first_sequence,
                          const std::vector<std::string>& payloads, int64_t time_micros,
                          int64_t lease_token) {
  for (size_t i = 0; i < payloads.size(); ++i) {
    absl::StatusOr<Statement> stmt = c.Prepare(
        "INSERT INTO events (job_id, sequence, time_micros, payload, lease_token) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, id);
    stmt->BindInt(2, first_sequence + static_cast<int64_t>(i));
    stmt->BindInt(3, time_micros);
    stmt->BindBlob(4, payloads[i]);
    stmt->BindInt(5, lease_token);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status UpdateJobRow(Connection& c, const JobRecord& job) {
  absl::StatusOr<Statement> stmt = c.Prepare(
      "UPDATE jobs SET state = ?2, error = ?3, start_time_micros = ?4, finish_time_micros = ?5, "
      "cancel_requested = ?6, iterations_done = ?7, last_event_sequence = ?8 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, job.id);
  stmt->BindInt(2, static_cast<int64_t>(job.state));
  stmt->BindText(3, job.error);
  stmt->BindInt(4, job.start_time_micros);
  stmt->BindInt(5, job.finish_time_micros);
  stmt->BindInt(6, job.cancel_requested ? 1 : 0);
  stmt->BindInt(7, job.iterations_done);
  stmt->BindInt(8, job.last_event_sequence);
  return stmt->Run();
}

absl::Status UpdateLease(Connection& c, const std::string& id, const Lease& lease) {
  absl::StatusOr<Statement> stmt = c.Prepare(
      "UPDATE jobs SET lease_owner = ?2, lease_token = ?3, lease_expires_micros = ?4 "
      "WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, id);
  stmt->BindText(2, lease.owner);
  stmt->BindInt(3, lease.token);
  stmt->BindInt(4, lease.expires_micros);
  return stmt->Run();
}

absl::StatusOr<int64_t> CountQueued(Connection& c, const std::string& tenant) {
  absl::StatusOr<Statement> stmt =
      c.Prepare("SELECT COUNT(*) FROM jobs WHERE tenant = ?1 AND state = 1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, tenant);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->ColumnInt(0) : 0;
}

// The two payload tables have the same shape; only these texts differ.
struct PayloadTable {
  const char* upsert;
  const char* select;  // NOT_FOUND vs "none stored" in one query: a NULL payload is absent
};
constexpr PayloadTable kCheckpoints = {
    "INSERT INTO checkpoints (job_id, payload) VALUES (?1, ?2) "
    "ON CONFLICT (job_id) DO UPDATE SET payload = excluded.payload",
    "SELECT p.payload FROM jobs AS j LEFT JOIN checkpoints AS p ON p.job_id = j.id "
    "WHERE j.id = ?1"};
constexpr PayloadTable kResults = {
    "INSERT INTO results (job_id, payload) VALUES (?1, ?2) "
    "ON CONFLICT (job_id) DO UPDATE SET payload = excluded.payload",
    "SELECT p.payload FROM jobs AS j LEFT JOIN results AS p ON p.job_id = j.id "
    "WHERE j.id = ?1"};

absl::Status UpsertPayload(Connection& c, const PayloadTable& table, const std::string& id,
                           const std::string& payload) {
  absl::StatusOr<Statement> stmt = c.Prepare(table.upsert);
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, id);
  stmt->BindBlob(2, payload);
  return stmt->Run();
}

absl::StatusOr<std::optional<std::string>> SelectPayload(Connection& c, const PayloadTable& table,
                                                         const std::string& id) {
  absl::StatusOr<Statement> stmt = c.Prepare(table.select);
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, id);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound(id);
  if (stmt->ColumnIsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnBytes(0));
}

// --- Write transactions (run on the writer thread, inside a savepoint) --------------------

absl::StatusOr<CreateJobOutcome> CreateJobTx(Connection& c, const JobRecord& job,
                                             const std::vector<std::string>& initial_events,
                                             int64_t event_time_micros,
                                             const CreateLimits& limits) {
  if (!job.idempotency_key.empty()) {
    absl::StatusOr<std::optional<std::string>> existing =
        FindByIdempotencyKey(c, job.tenant, job.idempotency_key);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      absl::StatusOr<JobRecord> found = LoadJob(c, **existing);
      if (!found.ok()) return found.status();
      return CreateJobOutcome{*std::move(found), false};
    }
  }
  absl::StatusOr<bool> exists = JobExists(c, job.id);
  if (!exists.ok()) return exists.status();
  if (*exists) return absl::AlreadyExistsError(absl::StrCat("job ", job.id, " already exists"));
  if (job.state == JobState::kQueued && limits.max_queued_per_tenant > 0) {
    absl::StatusOr<int64_t> queued = CountQueued(c, job.tenant);
    if (!queued.ok()) return queued.status();
    if (absl::Status s = internal::CheckQueuedLimit(job.tenant, *queued, limits); !s.ok()) {
      return s;
    }
  }

  CreateJobOutcome outcome{job, true};
  outcome.job.last_event_sequence = static_cast<int64_t>(initial_events.size());
  outcome.job.lease = Lease{};
  if (absl::Status s = InsertJobRow(c, outcome.job); !s.ok()) return s;
  if (absl::Status s = InsertLabels(c, outcome.job); !s.ok()) return s;
  if (absl::Status s = InsertEvents(c, job.id, 1, initial_events, event_time_micros, 0);
      !s.ok()) {
    return s;
  }
  return outcome;
}

absl::StatusOr<JobRecord> UpdateJobTx(Connection& c, const std::string& id,
                                      const JobUpdate& update) {
  absl::StatusOr<JobRecord> job = LoadJob(c, id);
  if (!job.ok()) return job.status();
  if (update.fence.has_value()) {
    if (absl::Status s = internal::CheckFence(*job, *update.fence); !s.ok()) return s;
  }
  if (absl::Status s = internal::CheckExpectedStates(*job, update); !s.ok()) return s;
  const int64_t first_sequence = job->last_event_sequence + 1;
  internal::ApplyUpdate(update, *job);
  if (absl::Status s = UpdateJobRow(c, *job); !s.ok()) return s;
  if (update.checkpoint.has_value()) {
    if (absl::Status s = UpsertPayload(c, kCheckpoints, id, *update.checkpoint); !s.ok()) {
      return s;
    }
  }
  if (update.result.has_value()) {
    if (absl::Status s = UpsertPayload(c, kResults, id, *update.result); !s.ok()) return s;
  }
  if (absl::Status s = InsertEvents(c, id, first_sequence, update.events,
                                    update.event_time_micros,
                                    update.fence.has_value() ? update.fence->token : 0);
      !s.ok()) {
    return s;
  }
  return job;
}

// The first claimable job in the claim order (internal::ClaimsBefore) whose tenant is under
// the lease cap. The writer thread serializes claims, so the count cannot go stale.
absl::StatusOr<std::optional<std::string>> NextClaimable(Connection& c,
                                                         const ClaimRequest& request) {
  absl::StatusOr<Statement> stmt = c.Prepare(
      "SELECT id FROM jobs WHERE state IN (1, 2) AND lease_expires_micros <= ?1 "
      "AND (?2 = 0 OR tenant NOT IN (SELECT tenant FROM jobs WHERE state IN (1, 2) "
      "AND lease_expires_micros > ?1 GROUP BY tenant HAVING COUNT(*) >= ?2)) "
      "ORDER BY state DESC, priority DESC, create_time_micros, id LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, request.now_micros);
  stmt->BindInt(2, request.max_leases_per_tenant);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnBytes(0));
}

absl::StatusOr<std::optional<ClaimedJob>> ClaimJobTx(Connection& c, const ClaimRequest& request) {
  absl::StatusOr<std::optional<std::string>> id = NextClaimable(c, request);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return std::optional<ClaimedJob>();
  absl::StatusOr<JobRecord> job = LoadJob(c, **id);
  if (!job.ok()) return job.status();
  job->lease = Lease{request.owner, job->lease.token + 1,
                     request.now_micros + request.lease_micros};
  if (absl::Status s = UpdateLease(c, job->id, job->lease); !s.ok()) return s;
  return std::optional<ClaimedJob>(ClaimedJob{*std::move(job)});
}

// Checks `fence` against the stored lease and, when it holds, stores `expires_micros`.
absl::StatusOr<Lease> SetLeaseExpiryTx(Connection& c, const std::string& id,
                                       const LeaseFence& fence, bool releasing,
                                       int64_t expires_micros) {
  absl::StatusOr<JobRecord> job = LoadJob(c, id);
  if (!job.ok()) return job.status();
  if (absl::Status s = internal::CheckFence(*job, fence, releasing); !s.ok()) return s;
  job->lease.expires_micros = expires_micros;
  if (absl::Status s = UpdateLease(c, id, job->lease); !s.ok()) return s;
  return job->lease;
}

// --- Query filters -----------------------------------------------------------------------

// A WHERE clause with placeholders only, and the values to bind to them in order.
struct Filter {
  std::string where = "1";
  std::vector<std::variant<int64_t, std::string>> args;
};

Filter BuildFilter(const JobQuery& query, const internal::PageCursor* after) {
  Filter f;
  if (query.tenant.has_value()) {
    f.where += " AND tenant = ?";
    f.args.emplace_back(*query.tenant);
  }
  if (!query.states.empty()) {
    f.where += " AND state IN (";
    for (JobState s : query.states) {
      f.where += f.where.back() == '(' ? "?" : ", ?";
      f.args.emplace_back(static_cast<int64_t>(s));
    }
    f.where += ")";
  }
  for (const auto& [key, value] : query.labels) {
    f.where +=
        " AND EXISTS (SELECT 1 FROM job_labels AS l WHERE l.job_id = jobs.id AND l.key = ? "
        "AND l.value = ?)";
    f.args.emplace_back(key);
    f.args.emplace_back(value);
  }
  if (after != nullptr) {
    f.where += " AND (create_time_micros, id) > (?, ?)";
    f.args.emplace_back(after->create_time_micros);
    f.args.emplace_back(after->id);
  }
  return f;
}

void BindFilter(const Filter& f, Statement& stmt) {
  for (size_t i = 0; i < f.args.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const int64_t* v = std::get_if<int64_t>(&f.args[i])) {
      stmt.BindInt(index, *v);
    } else {
      stmt.BindText(index, std::get<std::string>(f.args[i]));
    }
  }
}

// --- Opening -----------------------------------------------------------------------------

absl::Status UseWal(Connection& c) {
  absl::StatusOr<Statement> stmt = c.Prepare("PRAGMA journal_mode = WAL");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  const std::string mode = *row ? stmt->ColumnBytes(0) : "";
  if (mode != "wal") {
    return WithErrorDetail(
        absl::FailedPreconditionError(
            "the job store needs a write-ahead log beside its file (is the path a file?)"),
        absl::StrCat("PRAGMA journal_mode = WAL answered '", mode, "'"));
  }
  return absl::OkStatus();
}

// Reads every page, checks every b-tree and record, and matches every index against its
// table (PRAGMA integrity_check). quick_check skips the index matching, which a damaged
// index page survives unnoticed, and saves only a third of the time (10,000 jobs, 241 MB:
// 240 ms against 350 ms; store/README.md). A damaged file is refused before anything
// writes to it.
absl::Status CheckIntegrity(Connection& c) {
  absl::StatusOr<Statement> stmt = c.Prepare("PRAGMA integrity_check(10)");
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> problems;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    problems.push_back(stmt->ColumnBytes(0));
  }
  if (problems.size() == 1 && problems[0] == "ok") return absl::OkStatus();
  return SqliteStatus(SQLITE_CORRUPT, "PRAGMA integrity_check", absl::StrJoin(problems, "; "));
}

// SQLite silently opens a write-protected file read-only, and a read-only directory shows
// only when a journal must be created; so start a write transaction and write in it for
// real. It is rolled back: the file does not change.
absl::Status CheckWritable(Connection& c) {
  if (c.ReadOnly()) {
    return SqliteStatus(SQLITE_READONLY, "opening", "the file was opened read-only");
  }
  absl::Status status =
      c.ExecuteScript("BEGIN IMMEDIATE; CREATE TABLE qgrad_write_check (x); "
                      "INSERT INTO qgrad_write_check VALUES (1)");
  if (c.InTransaction()) c.ExecuteScript("ROLLBACK").IgnoreError();
  return status;
}

absl::StatusOr<std::unique_ptr<Connection>> OpenWriter(const std::string& path,
                                                       const SqliteOptions& options) {
  absl::StatusOr<std::unique_ptr<Connection>> c =
      Connection::Open(path, options.busy_timeout_ms);
  if (!c.ok()) return c.status();
  if (options.max_value_bytes > 0) (*c)->SetMaxValueBytes(options.max_value_bytes);
  // Before anything writes to the file: a newer schema's file must be left as it is, and
  // so must a damaged one.
  absl::StatusOr<int> version = sqlite::ReadSchemaVersion(**c);
  if (!version.ok()) return version.status();
  if (absl::Status s = sqlite::CheckSchemaVersion(*version, SqliteJobStore::kSchemaVersion);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckIntegrity(**c); !s.ok()) return s;
  if (absl::Status s = CheckWritable(**c); !s.ok()) return s;
  if (absl::Status s = UseWal(**c); !s.ok()) return s;
  // FULL: in WAL mode, every commit fsyncs the log, so an acknowledged write is durable.
  if (absl::Status s = (*c)->ExecuteScript("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = sqlite::MigrateSchema(**c, sqlite::Migrations()); !s.ok()) return s;
  return c;
}

absl::StatusOr<std::unique_ptr<Connection>> OpenReader(const std::string& path,
                                                       const SqliteOptions& options) {
  absl::StatusOr<std::unique_ptr<Connection>> c =
      Connection::Open(path, options.busy_timeout_ms);
  if (!c.ok()) return c.status();
  // A read path that wrote by mistake would bypass the writer's group commit.
  if (absl::Status s = (*c)->ExecuteScript("PRAGMA query_only = ON"); !s.ok()) return s;
  return c;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteJobStore>> SqliteJobStore::Open(
    const std::string& path, const SqliteOptions& options) {
  static_assert(kSchemaVersion > 0);
  if (sqlite::Migrations().size() != static_cast<size_t>(kSchemaVersion)) {
    return absl::InternalError("SqliteJobStore: kSchemaVersion != number of migrations");
  }
  if (options.read_connections < 1 || options.max_batch < 1 || options.busy_timeout_ms < 0 ||
      options.max_value_bytes < 0) {
    return absl::InvalidArgumentError(
        "SqliteOptions: read_connections and max_batch must be >= 1, busy_timeout_ms and "
        "max_value_bytes >= 0");
  }
  // The operator reading the message needs to know which file it is about.
  const std::string file = absl::StrCat(path, ": ");
  absl::StatusOr<std::unique_ptr<Connection>> writer = OpenWriter(path, options);
  if (!writer.ok()) return PrefixMessage(writer.status(), file);
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> reader = OpenReader(path, options);
    if (!reader.ok()) return PrefixMessage(reader.status(), file);
    readers.push_back(*std::move(reader));
  }
  return std::unique_ptr<SqliteJobStore>(
      new SqliteJobStore(options, *std::move(writer), std::move(readers)));
}

SqliteJobStore::SqliteJobStore(const SqliteOptions& options, std::unique_ptr<Connection> writer,
                               std::vector<std::unique_ptr<Connection>> readers)
    : options_(options), writer_(std::move(writer)), writes_(options.max_batch),
      readers_(std::move(readers)) {
  for (auto& r : readers_) idle_readers_.Add(r.get());
  writer_thread_ = std::thread([this] { WriterLoop(); });
}

SqliteJobStore::~SqliteJobStore() {
  writes_.Close();
  writer_thread_.join();
}

SqliteStats SqliteJobStore::stats() const {
  const internal::WriteQueueStats queue = writes_.stats();
  return SqliteStats{queue.writes, queue.transactions, queue.largest_batch};
}

// --- Group commit ------------------------------------------------------------------------

absl::Status SqliteJobStore::Write(std::function<absl::Status(Connection&)> apply) {
  PendingWrite pending;
  pending.apply = std::move(apply);
  return writes_.Submit(pending);
}

void SqliteJobStore::WriterLoop() {
  for (;;) {
    const std::vector<PendingWrite*> batch = writes_.NextBatch();
    if (batch.empty()) return;  // closing, and every queued write is answered
    CommitBatch(batch);
    writes_.Release(batch);
  }
}

void SqliteJobStore::CommitBatch(const std::vector<PendingWrite*>& batch) {
  Connection& c = *writer_;
  // A failure outside a write's own work (BEGIN, savepoint bookkeeping, COMMIT) dooms the
  // whole transaction, and with it every write in the batch.
  absl::Status fatal = c.Execute("BEGIN IMMEDIATE");
  for (size_t i = 0; fatal.ok() && i < batch.size(); ++i) {
    PendingWrite& w = *batch[i];
    fatal = c.Execute("SAVEPOINT write");
    if (!fatal.ok()) break;
    w.status = w.apply(c);
    if (!w.status.ok()) {
      // Some errors (I/O, disk full) make SQLite roll back the whole transaction itself.
      fatal = c.InTransaction() ? c.Execute("ROLLBACK TO write") : w.status;
      if (!fatal.ok()) break;
    }
    fatal = c.Execute("RELEASE write");
  }
  if (fatal.ok()) fatal = c.Execute("COMMIT");
  if (fatal.ok()) return;
  if (c.InTransaction()) c.Execute("ROLLBACK").IgnoreError();
  for (PendingWrite* w : batch) w->status = fatal;
}

// --- Reads -------------------------------------------------------------------------------

absl::Status SqliteJobStore::Read(const std::function<absl::Status(Connection&)>& read) {
  internal::IdlePool<Connection>::Borrowed lease(idle_readers_);
  Connection& c = *lease;
  if (absl::Status s = c.Execute("BEGIN"); !s.ok()) return s;
  absl::Status status = read(c);
  // Nothing to commit: ending the transaction only releases the snapshot.
  absl::Status end = c.InTransaction() ? c.Execute("ROLLBACK") : absl::OkStatus();
  return status.ok() ? end : status;
}

// --- JobStore ------------------------------------------------------------------------------

absl::StatusOr<CreateJobOutcome> SqliteJobStore::CreateJob(
    const JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros, const CreateLimits& limits) {
  if (absl::Status s = internal::ValidateNewJob(job); !s.ok()) return s;
  absl::StatusOr<CreateJobOutcome> outcome;
  absl::Status status = Write([&](Connection& c) {
    outcome = CreateJobTx(c, job, initial_events, event_time_micros, limits);
    return outcome.status();
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<JobRecord> SqliteJobStore::UpdateJob(const std::string& id,
                                                    const JobUpdate& update) {
  if (absl::Status s = internal::ValidateUpdate(update); !s.ok()) return s;
  absl::StatusOr<JobRecord> job;
  absl::Status status = Write([&](Connection& c) {
    job = UpdateJobTx(c, id, update);
    return job.status();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<std::optional<JobRecord>> SqliteJobStore::FindJobByKey(const std::string& tenant,
                                                                      const std::string& key) {
  if (key.empty()) return std::nullopt;
  absl::StatusOr<std::optional<JobRecord>> job;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    absl::StatusOr<std::optional<std::string>> id = FindByIdempotencyKey(c, tenant, key);
    if (!id.ok()) return id.status();
    if (!id->has_value()) {
      job = std::nullopt;
      return absl::OkStatus();
    }
    absl::StatusOr<JobRecord> found = LoadJob(c, **id);
    if (!found.ok()) return found.status();
    job = *std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<std::optional<ClaimedJob>> SqliteJobStore::ClaimJob(const ClaimRequest& request) {
  if (absl::Status s = internal::ValidateClaim(request); !s.ok()) return s;
  absl::StatusOr<std::optional<ClaimedJob>> claimed;
  absl::Status status = Write([&](Connection& c) {
    claimed = ClaimJobTx(c, request);
    return claimed.status();
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::StatusOr<Lease> SqliteJobStore::RenewLease(const std::string& id, const LeaseFence& fence,
                                                 int64_t lease_micros) {
  if (absl::Status s = internal::ValidateLeaseMicros(lease_micros); !s.ok()) return s;
  absl::StatusOr<Lease> lease;
  absl::Status status = Write([&](Connection& c) {
    lease = SetLeaseExpiryTx(c, id, fence, /*releasing=*/false, fence.now_micros + lease_micros);
    return lease.status();
  });
  if (!status.ok()) return status;
  return lease;
}

absl::Status SqliteJobStore::ReleaseLease(const std::string& id, const LeaseFence& fence) {
  return Write([&](Connection& c) {
    return SetLeaseExpiryTx(c, id, fence, /*releasing=*/true, 0).status();
  });
}

absl::StatusOr<JobRecord> SqliteJobStore::GetJob(const std::string& id) {
  absl::StatusOr<JobRecord> job;
  absl::Status status = Read([&](Connection& c) {
    job = LoadJob(c, id);
    return job.status();
  });
  if (!status.ok()) return status;
  return job;
}

absl::StatusOr<JobPage> SqliteJobStore::ListJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateQuery(query); !s.ok()) return s;
  absl::StatusOr<std::optional<internal::PageCursor>> cursor = internal::DecodePageToken(query);
  if (!cursor.ok()) return cursor.status();
  const Filter filter = BuildFilter(query, cursor->has_value() ? &**cursor : nullptr);
  const std::string sql = absl::StrCat("SELECT ", kJobColumns, " FROM jobs WHERE ", filter.where,
                                       " ORDER BY create_time_micros, id LIMIT ?");
  JobPage page;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    {
      absl::StatusOr<Statement> stmt = c.Prepare(sql);
      if (!stmt.ok()) return stmt.status();
      BindFilter(filter, *stmt);
      // One row beyond the page tells whether a next page exists.
      stmt->BindInt(static_cast<int>(filter.args.size()) + 1,
                    static_cast<int64_t>(query.page_size) + 1);
      for (;;) {
        absl::StatusOr<bool> row = stmt->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        page.jobs.push_back(JobFromRow(*stmt));
      }
    }
    if (page.jobs.size() > static_cast<size_t>(query.page_size)) {
      page.jobs.pop_back();
      const JobRecord& last = page.jobs.back();
      page.next_page_token = internal::EncodePageToken(query, {last.create_time_micros, last.id});
    }
    for (JobRecord& job : page.jobs) {
      if (absl::Status s = LoadLabels(c, job); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<int64_t> SqliteJobStore::CountJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateFilter(query); !s.ok()) return s;
  const Filter filter = BuildFilter(query, nullptr);
  const std::string sql = absl::StrCat("SELECT COUNT(*) FROM jobs WHERE ", filter.where);
  int64_t count = 0;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    absl::StatusOr<Statement> stmt = c.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    BindFilter(filter, *stmt);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (*row) count = stmt->ColumnInt(0);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<std::vector<EventRecord>> SqliteJobStore::ReadEvents(const std::string& id,
                                                                    int64_t after_sequence,
                                                                    int32_t limit) {
  if (absl::Status s = internal::ValidateEventLimit(limit); !s.ok()) return s;
  std::vector<EventRecord> events;
  absl::Status status = Read([&](Connection& c) -> absl::Status {
    absl::StatusOr<bool> exists = JobExists(c, id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return NotFound(id);
    absl::StatusOr<Statement> stmt = c.Prepare(
        "SELECT sequence, time_micros, payload, lease_token FROM events "
        "WHERE job_id = ?1 AND sequence > ?2 "
        "ORDER BY sequence LIMIT ?3");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, id);
    stmt->BindInt(2, after_sequence);
    stmt->BindInt(3, limit);
    for (;;) {
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
      events.push_back(
          {stmt->ColumnInt(0), stmt->ColumnInt(1), stmt->ColumnBytes(2), stmt->ColumnInt(3)});
    }
  });
  if (!status.ok()) return status;
  return events;
}

absl::StatusOr<std::optional<std::string>> SqliteJobStore::GetCheckpoint(const std::string& id) {
  absl::StatusOr<std::optional<std::string>> payload;
  absl::Status status = Read([&](Connection& c) {
    payload = SelectPayload(c, kCheckpoints, id);
    return payload.status();
  });
  if (!status.ok()) return status;
  return payload;
}

absl::StatusOr<std::optional<std::string>> SqliteJobStore::GetResult(const std::string& id) {
  absl::StatusOr<std::optional<std::string>> payload;
  absl::Status status = Read([&](Connection& c) {
    payload = SelectPayload(c, kResults, id);
    return payload.status();
  });
  if (!status.ok()) return status;
  return payload;
}

}  // namespace qgrad::store
