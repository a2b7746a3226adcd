// The SQLite store's schema: its version (PRAGMA user_version) and the ordered list of
// migrations that reach it. Used only inside store/. Thread-compatible (the caller owns the
// connection).
#ifndef QGRAD_STORE_SQLITE_SCHEMA_H_
#define QGRAD_STORE_SQLITE_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite_connection.h"

namespace qgrad::store::sqlite {

// migrations[i] takes a database from version i to version i + 1. Append only: a released
// migration is never edited, since databases in the field have already run it.
const std::vector<std::string>& Migrations();

absl::StatusOr<int> ReadSchemaVersion(Connection& connection);

// FAILED_PRECONDITION when `version` is newer than the `known` one (written by a later
// build: its meaning is unknown here, so the store refuses rather than guess).
absl::Status CheckSchemaVersion(int version, int known);

// Brings the database to version migrations.size() in one IMMEDIATE transaction: either
// every pending migration and the new user_version are committed, or nothing is.
absl::Status MigrateSchema(Connection& connection, const std::vector<std::string>& migrations);

}  // namespace qgrad::store::sqlite

#endif  // QGRAD_STORE_SQLITE_SCHEMA_H_
