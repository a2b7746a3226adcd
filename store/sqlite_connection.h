// A thin RAII layer over one SQLite connection: open with the store's settings, cached
// prepared statements, bind/step/column helpers, and SQLite errors as absl::Status.
// Used only inside store/. Thread-compatible: a Connection and its Statements must be used
// by one thread at a time (the owner serializes; connections are opened NOMUTEX).
#ifndef QGRAD_STORE_SQLITE_CONNECTION_H_
#define QGRAD_STORE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace qgrad::store::sqlite {

// The status for SQLite result `code`, with a plain message for clients (no SQL, no
// SQLite wording) and, as its error detail (store/error_detail.h), `context`, SQLite's
// `message` and the extended code. Codes: UNAVAILABLE for BUSY/LOCKED, FULL and IOERR
// (retry: the store may recover), RESOURCE_EXHAUSTED for NOMEM, FAILED_PRECONDITION for
// READONLY and CANTOPEN/PERM/AUTH (an operator must act; retrying cannot help),
// DATA_LOSS for CORRUPT/NOTADB, ALREADY_EXISTS for a primary-key/unique violation,
// INVALID_ARGUMENT for TOOBIG, INTERNAL otherwise.
absl::Status SqliteStatus(int code, const std::string& context, const std::string& message);
// INTERNAL with a plain message, and `detail` for the log: SQLite answered what it never
// should (a row where none was expected, none where one was).
absl::Status UnexpectedResult(const std::string& detail);

class Connection;

// A prepared statement borrowed from a Connection. On destruction it is reset and its
// bindings cleared, then returned to the cache (cached) or finalized (uncached), so it
// never holds a read snapshot open past its scope. Bind indexes and column indexes are
// SQLite's (1- and 0-based).
class Statement {
 public:
  // `in_use`: the cache's flag for `stmt`, cleared on destruction; null: uncached.
  Statement(Connection* connection, sqlite3_stmt* stmt, bool* in_use);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void BindInt(int index, int64_t value);
  void BindText(int index, const std::string& value);
  void BindBlob(int index, const std::string& value);

  // true: a row is available; false: done. The first bind error, if any, comes out here.
  absl::StatusOr<bool> Step();
  // Steps once and expects no row (INSERT/UPDATE/DDL).
  absl::Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnBytes(int column) const;  // TEXT or BLOB, byte for byte
  bool ColumnIsNull(int column) const;

 private:
  void NoteBind(int rc, int index);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
  absl::Status bind_status_;
};

class Connection {
 public:
  // Opens (creating if absent) the database at `path` with extended result codes and the
  // busy timeout. No pragmas beyond that: the caller decides journal mode etc.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement for `sql`, prepared once per connection and reused (at most
  // kMaxCachedStatements distinct texts; beyond that, or while the cached one is still
  // borrowed, prepared for this use only). `sql` must contain only placeholders for
  // values, never the values themselves.
  absl::StatusOr<Statement> Prepare(const std::string& sql);
  // Prepare + Run, for statements without parameters or result rows.
  absl::Status Execute(const std::string& sql);

  // Runs `script` (one or more statements, no parameters) without caching: for schema
  // migrations and pragmas that run once.
  absl::Status ExecuteScript(const std::string& script);

  // Caps the size of one string, BLOB or row (sqlite3_limit LENGTH); bigger values fail
  // to bind with INVALID_ARGUMENT.
  void SetMaxValueBytes(int bytes);

  bool InTransaction() const;
  // True when SQLite opened the file read-only (it does so silently when the file is
  // write-protected).
  bool ReadOnly() const;
  // The status for `code` with this connection's latest error message; for TOOBIG the
  // message names the limit.
  absl::Status Error(int code, const std::string& context) const;

  static constexpr size_t kMaxCachedStatements = 64;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* db_;
  std::unordered_map<std::string, Cached> cache_;  // nodes are stable: Statements point in
};

}  // namespace qgrad::store::sqlite

#endif  // QGRAD_STORE_SQLITE_CONNECTION_H_
