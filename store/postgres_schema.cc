// The PostgreSQL store's schema and migrations. Thread-compatible.
#include "store/postgres_schema.h"

#include "absl/strings/str_cat.h"
#include "store/error_detail.h"

namespace qgrad::store::pg {
namespace {

// Version 1. Strings the service controls are TEXT COLLATE "C", so that they order
// bytewise as std::string does (MemoryJobStore, SQLite's BINARY); payloads are BYTEA.
// Leases live on the job row: claims lock the row (FOR UPDATE SKIP LOCKED).
constexpr char kMigration1[] = R"sql(
CREATE TABLE jobs (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  tenant TEXT COLLATE "C" NOT NULL,
  idempotency_key TEXT COLLATE "C" NOT NULL,
  spec BYTEA NOT NULL,
  priority INTEGER NOT NULL,
  state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 5),
  error TEXT COLLATE "C" NOT NULL,
  backend TEXT COLLATE "C" NOT NULL,
  create_time_micros BIGINT NOT NULL,
  start_time_micros BIGINT NOT NULL,
  finish_time_micros BIGINT NOT NULL,
  deadline_micros BIGINT NOT NULL,
  cancel_requested BOOLEAN NOT NULL,
  iterations_done INTEGER NOT NULL,
  last_event_sequence BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '',
  lease_token BIGINT NOT NULL DEFAULT 0,
  lease_expires_micros BIGINT NOT NULL DEFAULT 0
);
-- Partial: an empty key means "no key" and must never collide. Lookups repeat the
-- "idempotency_key <> ''" term so that the planner may use this index.
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX jobs_by_tenant_state ON jobs (tenant, state);
CREATE INDEX jobs_by_create_time ON jobs (create_time_micros, id);
-- Claims: unfinished jobs in the claim order (RUNNING first, priority, age); the query's
-- ORDER BY repeats these expressions.
CREATE INDEX jobs_claim_order ON jobs ((state = 2) DESC, priority DESC, create_time_micros, id)
  WHERE state IN (1, 2);
-- A tenant's live leases (max_leases_per_tenant).
CREATE INDEX jobs_live_leases ON jobs (tenant, lease_expires_micros) WHERE state IN (1, 2);

CREATE TABLE job_labels (
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job_id, key)
);
CREATE INDEX job_labels_by_key_value ON job_labels (key, value);

CREATE TABLE events (
  job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  sequence BIGINT NOT NULL,
  time_micros BIGINT NOT NULL,
  payload BYTEA NOT NULL,
  lease_token BIGINT NOT NULL,
  PRIMARY KEY (job_id, sequence)
);

CREATE TABLE checkpoints (
  job_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  payload BYTEA NOT NULL
);

CREATE TABLE results (
  job_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  payload BYTEA NOT NULL
);
)sql";

// Version 2: each tenant's number of QUEUED jobs, kept by the store's own writes under the
// tenant's queue lock, so that CreateJob's queue limit reads one row: counting the queue
// instead grew with it (one tenant with 8,000 queued jobs halved the submit rate).
constexpr char kMigration2[] = R"sql(
CREATE TABLE queued_counts (
  tenant TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  queued BIGINT NOT NULL CHECK (queued >= 0)
);
INSERT INTO queued_counts (tenant, queued)
  SELECT tenant, count(*) FROM jobs WHERE state = 1 GROUP BY tenant;
)sql";

// The lock that serializes migrations across processes (any constant; this one spells
// "qgrad-sc").
constexpr char kLockSql[] = "SELECT pg_advisory_xact_lock(8173007891218609763)";

absl::StatusOr<int> ReadVersion(Connection& c) {
  absl::StatusOr<Result> r = c.Exec("SELECT max(version) FROM qgrad_schema");
  if (!r.ok()) return r.status();
  if (r->rows() == 0 || r->IsNull(0, 0)) return 0;
  return r->GetInt32(0, 0);
}

absl::Status CheckVersion(int version, int known) {
  if (version <= known) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "job store database has schema version ", version, ", but this build knows versions up "
      "to ", known, "; it was written by a newer qgrad (upgrade, or use another database)"));
}

absl::Status MigrateLocked(Connection& c, const std::vector<std::string>& migrations,
                           int* migrated) {
  if (absl::Status s = c.ExecScript(kLockSql); !s.ok()) return s;
  // Under the lock, so that two first starts cannot both create it.
  if (absl::Status s = c.ExecScript(
          "CREATE TABLE IF NOT EXISTS qgrad_schema (version INTEGER NOT NULL)");
      !s.ok()) {
    return s;
  }
  const int known = static_cast<int>(migrations.size());
  absl::StatusOr<int> current = ReadVersion(c);
  if (!current.ok()) return current.status();
  if (absl::Status s = CheckVersion(*current, known); !s.ok()) return s;
  for (int v = *current + 1; v <= known; ++v) {
    if (absl::Status s = c.ExecScript(migrations[v - 1]); !s.ok()) {
      return PrefixMessage(s, absl::StrCat("migrating the job store schema to version ", v, ": "));
    }
  }
  if (*current < known) {
    absl::StatusOr<Result> r = c.Exec("DELETE FROM qgrad_schema");
    if (r.ok()) r = c.Exec("INSERT INTO qgrad_schema (version) VALUES ($1)", {Int32(known)});
    if (!r.ok()) return r.status();
  }
  if (migrated != nullptr) *migrated = known - *current;
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& Migrations() {
  static const auto* const kMigrations = new std::vector<std::string>{kMigration1, kMigration2};
  return *kMigrations;
}

absl::Status MigrateSchema(Connection& c, const std::vector<std::string>& migrations,
                           int* migrated) {
  if (migrated != nullptr) *migrated = 0;
  if (absl::Status s = c.ExecScript("BEGIN"); !s.ok()) return s;
  absl::Status status = MigrateLocked(c, migrations, migrated);
  if (status.ok()) status = c.ExecScript("COMMIT");
  if (!status.ok() && !c.Broken()) c.ExecScript("ROLLBACK").IgnoreError();
  return status;
}

}  // namespace qgrad::store::pg
