// The PostgreSQL store's schema and its migrations: an append-only list whose entry i takes
// a database from version i to i + 1, the version kept in table qgrad_schema. Used only
// inside store/. Thread-compatible (one Connection per call).
#ifndef QGRAD_STORE_POSTGRES_SCHEMA_H_
#define QGRAD_STORE_POSTGRES_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "store/postgres_connection.h"

namespace qgrad::store::pg {

// Entry i (0-based) migrates version i to i + 1. Never edit a released entry; append.
const std::vector<std::string>& Migrations();

// Brings the database to version migrations.size() in one transaction, under a
// transaction-scoped advisory lock so that replicas starting at once migrate exactly once
// (the others wait, then find the work done). A newer version than migrations.size() is
// FAILED_PRECONDITION and nothing changes. `migrated`, when given, is set to the number of
// migrations this call applied.
absl::Status MigrateSchema(Connection& connection, const std::vector<std::string>& migrations,
                           int* migrated = nullptr);

}  // namespace qgrad::store::pg

#endif  // QGRAD_STORE_POSTGRES_SCHEMA_H_
