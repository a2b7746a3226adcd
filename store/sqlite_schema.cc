// The SQLite store's schema and migrations. Thread-compatible.
#include "store/sqlite_schema.h"

#include "absl/strings/str_cat.h"
#include "store/error_detail.h"

namespace qgrad::store::sqlite {
namespace {

// Version 1. Strings the service controls (ids, tenants, keys, labels, errors) are TEXT and
// compared bytewise (BINARY collation), as std::string compares them in MemoryJobStore;
// payloads are BLOBs. WITHOUT ROWID on the child tables: they are looked up only by their
// primary keys, so the separate rowid b-tree would be pure overhead.
constexpr char kMigration1[] = R"sql(
CREATE TABLE jobs (
  id TEXT NOT NULL PRIMARY KEY,
  tenant TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  spec BLOB NOT NULL,
  priority INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 5),
  error TEXT NOT NULL,
  backend TEXT NOT NULL,
  create_time_micros INTEGER NOT NULL,
  start_time_micros INTEGER NOT NULL,
  finish_time_micros INTEGER NOT NULL,
  deadline_micros INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL CHECK (cancel_requested IN (0, 1)),
  iterations_done INTEGER NOT NULL,
  last_event_sequence INTEGER NOT NULL
);
-- Partial: an empty key means "no key" and must never collide. Lookups must repeat the
-- "idempotency_key <> ''" term for the planner to use this index.
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX jobs_by_tenant_state ON jobs (tenant, state);
CREATE INDEX jobs_by_create_time ON jobs (create_time_micros, id);

CREATE TABLE job_labels (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, key)
) WITHOUT ROWID;
CREATE INDEX job_labels_by_key_value ON job_labels (key, value);

CREATE TABLE events (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  sequence INTEGER NOT NULL,
  time_micros INTEGER NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY (job_id, sequence)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  job_id TEXT NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  payload BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE results (
  job_id TEXT NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  payload BLOB NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: leases, for stores that several server replicas share (store/job_store.h),
// and the fencing token of the write that appended each event. The partial index serves
// ClaimJob: only unfinished jobs are ever claimed.
constexpr char kMigration2[] = R"sql(
ALTER TABLE jobs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN lease_expires_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_claim_order ON jobs (state DESC, priority DESC, create_time_micros, id)
  WHERE state IN (1, 2);
)sql";

}  // namespace

const std::vector<std::string>& Migrations() {
  static const auto* const kMigrations = new std::vector<std::string>{kMigration1, kMigration2};
  return *kMigrations;
}

absl::StatusOr<int> ReadSchemaVersion(Connection& connection) {
  absl::StatusOr<Statement> stmt = connection.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return UnexpectedResult("PRAGMA user_version returned no row");
  return static_cast<int>(stmt->ColumnInt(0));
}

absl::Status CheckSchemaVersion(int version, int known) {
  if (version < 0 || version > known) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job store database has schema version ", version, ", but this build knows versions "
        "up to ", known, "; it was written by a newer qgrad (upgrade, or use another file)"));
  }
  return absl::OkStatus();
}

absl::Status MigrateSchema(Connection& connection, const std::vector<std::string>& migrations) {
  const int known = static_cast<int>(migrations.size());
  absl::StatusOr<int> before = ReadSchemaVersion(connection);
  if (!before.ok()) return before.status();
  if (absl::Status s = CheckSchemaVersion(*before, known); !s.ok() || *before == known) {
    return s;
  }
  // IMMEDIATE: a second process opening the same file at the same moment waits here and
  // then sees the finished migration instead of running it twice.
  if (absl::Status s = connection.ExecuteScript("BEGIN IMMEDIATE"); !s.ok()) return s;
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<int> current = ReadSchemaVersion(connection);
    if (!current.ok()) return current.status();
    if (absl::Status s = CheckSchemaVersion(*current, known); !s.ok()) return s;
    for (int v = *current + 1; v <= known; ++v) {
      if (absl::Status s = connection.ExecuteScript(migrations[v - 1]); !s.ok()) {
        return PrefixMessage(s, absl::StrCat("migrating the job store schema to version ", v,
                                             ": "));
      }
    }
    // PRAGMA takes no parameters; `known` is this build's constant, not outside input.
    return connection.ExecuteScript(absl::StrCat("PRAGMA user_version = ", known));
  }();
  if (status.ok()) status = connection.ExecuteScript("COMMIT");
  if (!status.ok() && connection.InTransaction()) {
    connection.ExecuteScript("ROLLBACK").IgnoreError();
  }
  return status;
}

}  // namespace qgrad::store::sqlite
