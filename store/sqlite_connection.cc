// RAII layer over one SQLite connection. Thread-compatible (see the header).
#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "store/error_detail.h"

namespace qgrad::store::sqlite {
namespace {

// Statement text in an error's detail (for the log): enough to recognize it, not a whole
// schema.
std::string SqlContext(sqlite3_stmt* stmt) {
  std::string sql = sqlite3_sql(stmt);
  constexpr size_t kMax = 80;
  if (sql.size() > kMax) sql = sql.substr(0, kMax) + "...";
  return absl::StrCat("`", sql, "`");
}

// What a client may read about SQLite result `code`: a canonical code and plain words.
absl::Status PlainStatus(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          "the job store is busy: another process holds its lock; try again");
    case SQLITE_FULL:
      return absl::UnavailableError("the job store cannot write: the disk is full");
    case SQLITE_IOERR:
      return absl::UnavailableError(code == SQLITE_IOERR_READ || code == SQLITE_IOERR_SHORT_READ
                                        ? "the job store cannot read: I/O error"
                                        : "the job store cannot write: I/O error");
    case SQLITE_NOMEM:
      return absl::ResourceExhaustedError("the job store ran out of memory");
    // A connection opened read-only stays so until it is reopened: retrying cannot help,
    // only an operator (permissions, then a restart) can.
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(
          "the job store is read-only: make its file and directory writable by the user "
          "qgradd runs as, then restart qgradd");
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::FailedPreconditionError(
          "the job store cannot open its files: check that the user qgradd runs as may read "
          "and write the file and create files in its directory");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(
          "the job store's file is damaged: stop every qgradd using it, then restore the file "
          "from a backup, or move it aside with its -wal and -shm files to start empty");
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
        return absl::AlreadyExistsError("the record already exists in the job store");
      }
      break;
    case SQLITE_TOOBIG:
      return absl::InvalidArgumentError("a value is too big for the job store");
    default:
      break;
  }
  return absl::InternalError("the job store failed unexpectedly; the server log has details");
}

}  // namespace

absl::Status UnexpectedResult(const std::string& detail) {
  return WithErrorDetail(PlainStatus(SQLITE_INTERNAL), detail);
}

absl::Status SqliteStatus(int code, const std::string& context, const std::string& message) {
  return WithErrorDetail(PlainStatus(code),
                         absl::StrCat(context, ": ", message, " (SQLite code ", code, ")"));
}

// --- Statement ---------------------------------------------------------------------------

Statement::Statement(Connection* connection, sqlite3_stmt* stmt, bool* in_use)
    : connection_(connection), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(other.in_use_),
      bind_status_(std::move(other.bind_status_)) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = connection_->Error(
        rc, absl::StrCat("binding parameter ", index, " of ", SqlContext(stmt_)));
  }
}

void Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
}

// SQLITE_TRANSIENT (a copy): callers may bind temporaries that die before Step.
void Statement::BindText(int index, const std::string& value) {
  NoteBind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8),
           index);
}

void Statement::BindBlob(int index, const std::string& value) {
  // data() is never null, so an empty payload is stored as an empty BLOB, not NULL.
  NoteBind(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT),
           index);
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->Error(rc, absl::StrCat("executing ", SqlContext(stmt_)));
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return UnexpectedResult(absl::StrCat(SqlContext(stmt_), " returned a row; none expected"));
  }
  return absl::OkStatus();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnBytes(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);  // after column_blob, as documented
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Connection --------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is serialized by its owner, so SQLite's own mutex is waste.
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return SqliteStatus(rc, absl::StrCat("opening ", path), message);
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  if (const int b = sqlite3_busy_timeout(db, busy_timeout_ms); b != SQLITE_OK) {
    return connection->Error(b, "setting the busy timeout");
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

absl::StatusOr<Statement> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const bool cache = it == cache_.end() && cache_.size() < kMaxCachedStatements;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                                    cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, absl::StrCat("preparing `", sql, "`"));
  }
  if (!cache) return Statement(this, stmt, nullptr);
  Cached& cached = cache_.emplace(sql, Cached{stmt, true}).first->second;
  return Statement(this, stmt, &cached.in_use);
}

absl::Status Connection::Execute(const std::string& sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

absl::Status Connection::ExecuteScript(const std::string& script) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return SqliteStatus(rc, "executing a script", text);
}

void Connection::SetMaxValueBytes(int bytes) { sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, bytes); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

absl::Status Connection::Error(int code, const std::string& context) const {
  absl::Status status = SqliteStatus(code, context, sqlite3_errmsg(db_));
  if ((code & 0xff) != SQLITE_TOOBIG) return status;
  // Only the connection knows its limit, so only here can the message name it.
  return WithErrorDetail(
      absl::InvalidArgumentError(absl::StrCat("a value is too big for the job store: the limit is ",
                                              sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, -1),
                                              " bytes (max_value_bytes)")),
      ErrorDetail(status));
}

bool Connection::ReadOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

}  // namespace qgrad::store::sqlite
