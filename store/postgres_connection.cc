// One libpq connection, binary parameters and results, errors as absl::Status.
// Thread-compatible; see the header.
#include "store/postgres_connection.h"

#include <libpq-fe.h>

#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "store/error_detail.h"

namespace qgrad::store::pg {
namespace {

// PostgreSQL's type OIDs (pg_type.h; stable across versions).
constexpr unsigned int kBoolOid = 16;
constexpr unsigned int kByteaOid = 17;
constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kInt4Oid = 23;
constexpr unsigned int kTextOid = 25;
constexpr unsigned int kTextArrayOid = 1009;
constexpr unsigned int kByteaArrayOid = 1001;

void AppendBigEndian(uint64_t v, int bytes, std::string& out) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadBigEndian(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The binary array format: ndim, has-null flag, element type, then per dimension (size,
// lower bound), then each element as (length, bytes).
Param Array(unsigned int array_oid, unsigned int element_oid,
            const std::vector<std::string>& elements) {
  Param p{array_oid, {}};
  AppendBigEndian(elements.empty() ? 0 : 1, 4, p.bytes);
  AppendBigEndian(0, 4, p.bytes);
  AppendBigEndian(element_oid, 4, p.bytes);
  if (elements.empty()) return p;
  AppendBigEndian(elements.size(), 4, p.bytes);
  AppendBigEndian(1, 4, p.bytes);
  for (const std::string& e : elements) {
    AppendBigEndian(e.size(), 4, p.bytes);
    p.bytes += e;
  }
  return p;
}

// The passwords a config carries: the password_file's and the conninfo's own.
std::vector<std::string> Passwords(const ConnectConfig& config) {
  std::vector<std::string> out;
  if (config.password.has_value() && !config.password->empty()) out.push_back(*config.password);
  PQconninfoOption* options = PQconninfoParse(config.conninfo.c_str(), nullptr);
  if (options == nullptr) return out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr && o->val[0] != '\0') {
      out.push_back(o->val);
    }
  }
  PQconninfoFree(options);
  return out;
}

// Why a connection attempt failed, in words an operator can act on. libpq gives no
// SQLSTATE for a failed connection, so this reads its message.
absl::Status ConnectFailure(PGconn* conn, const ConnectConfig& config) {
  const std::string message = Scrub(PQerrorMessage(conn), config);
  const std::string prefix = absl::StrCat(config.display, ": ");
  const std::string detail = absl::StrCat("connecting to ", config.display, ": ", message);
  absl::Status status;
  if (PQconnectionNeedsPassword(conn) || absl::StrContains(message, "authentication failed") ||
      absl::StrContains(message, "password") ||
      (absl::StrContains(message, "role") && absl::StrContains(message, "does not exist"))) {
    status = absl::FailedPreconditionError("cannot log in: check the user and password");
  } else if (absl::StrContains(message, "database") &&
             absl::StrContains(message, "does not exist")) {
    status = absl::FailedPreconditionError(
        "the job store's database does not exist: create it, or fix the conninfo");
  } else {
    status = absl::UnavailableError(
        "the job store is unavailable: cannot connect to its database; try again");
  }
  return PrefixMessage(WithErrorDetail(status, detail), prefix);
}

}  // namespace

Param Int64(int64_t v) {
  Param p{kInt8Oid, {}};
  AppendBigEndian(static_cast<uint64_t>(v), 8, p.bytes);
  return p;
}
Param Int32(int32_t v) {
  Param p{kInt4Oid, {}};
  AppendBigEndian(static_cast<uint32_t>(v), 4, p.bytes);
  return p;
}
Param Bool(bool v) { return Param{kBoolOid, std::string(1, v ? 1 : 0)}; }
Param Text(std::string_view v) { return Param{kTextOid, std::string(v)}; }
Param Bytes(std::string_view v) { return Param{kByteaOid, std::string(v)}; }
Param TextArray(const std::vector<std::string>& v) { return Array(kTextArrayOid, kTextOid, v); }
Param BytesArray(const std::vector<std::string>& v) {
  return Array(kByteaArrayOid, kByteaOid, v);
}

absl::StatusOr<ConnectConfig> MakeConnectConfig(const std::string& conninfo,
                                                std::optional<std::string> password) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);  // may quote the text, password included: not shown
    return absl::InvalidArgumentError(
        "conninfo: not a PostgreSQL connection string or URI (postgresql://user@host:port/db)");
  }
  ConnectConfig config{conninfo, std::move(password), ""};
  // Only what says where and as whom: never the password.
  for (const char* key : {"host", "hostaddr", "port", "dbname", "user"}) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::strcmp(o->keyword, key) == 0 && o->val != nullptr && o->val[0] != '\0') {
        absl::StrAppend(&config.display, config.display.empty() ? "" : " ", key, "=", o->val);
      }
    }
  }
  PQconninfoFree(options);
  if (config.display.empty()) config.display = "(libpq defaults)";
  return config;
}

std::string Scrub(std::string text, const ConnectConfig& config) {
  for (const std::string& password : Passwords(config)) {
    text = absl::StrReplaceAll(text, {{password, "***"}});
  }
  return text;
}

Result::Result(PGresult* result) : result_(result) {}
Result::Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}
Result::~Result() {
  if (result_ != nullptr) PQclear(result_);
}

int Result::rows() const { return PQntuples(result_); }
bool Result::IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
int64_t Result::GetInt64(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return static_cast<int64_t>(ReadBigEndian(PQgetvalue(result_, row, col), 8));
}
int32_t Result::GetInt32(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return static_cast<int32_t>(ReadBigEndian(PQgetvalue(result_, row, col), 4));
}
bool Result::GetBool(int row, int col) const {
  return !IsNull(row, col) && PQgetvalue(result_, row, col)[0] != 0;
}
std::string Result::GetBytes(int row, int col) const {
  return std::string(PQgetvalue(result_, row, col),
                     static_cast<size_t>(PQgetlength(result_, row, col)));
}
std::vector<std::string> Result::GetArray(int row, int col) const {
  std::vector<std::string> out;
  if (IsNull(row, col)) return out;
  const char* p = PQgetvalue(result_, row, col);
  const int ndim = static_cast<int>(ReadBigEndian(p, 4));
  if (ndim == 0) return out;
  // One dimension (ours): header 12 bytes, then size and lower bound.
  const size_t n = ReadBigEndian(p + 12, 4);
  p += 20;
  for (size_t i = 0; i < n; ++i) {
    const int32_t len = static_cast<int32_t>(ReadBigEndian(p, 4));
    p += 4;
    if (len < 0) {
      out.emplace_back();
      continue;
    }
    out.emplace_back(p, static_cast<size_t>(len));
    p += len;
  }
  return out;
}

absl::Status PgStatus(const std::string& sqlstate, bool connection_lost,
                      const std::string& detail) {
  const std::string cls = sqlstate.substr(0, 2);
  absl::Status status;
  if ((sqlstate.empty() && connection_lost) || cls == "08" || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    status = absl::UnavailableError(
        "the job store is unavailable: the connection to its database was lost; try again");
  } else if (sqlstate == "53100") {
    status = absl::UnavailableError(
        "the job store cannot write: its database server's disk is full");
  } else if (sqlstate == "53300") {
    status = absl::UnavailableError(
        "the job store is unavailable: its database server has too many connections; try "
        "again");
  } else if (cls == "53") {
    status = absl::ResourceExhaustedError(
        "the job store's database server ran out of resources (memory)");
  } else if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" ||
             sqlstate == "57014") {
    status = absl::UnavailableError(
        "the job store is busy: a write conflicted with another one; try again");
  } else if (sqlstate == "23505") {
    status = absl::AlreadyExistsError("the record already exists in the job store");
  } else if (cls == "28") {
    status = absl::FailedPreconditionError("cannot log in: check the user and password");
  } else if (sqlstate == "3D000") {
    status = absl::FailedPreconditionError(
        "the job store's database does not exist: create it, or fix the conninfo");
  } else if (sqlstate == "42501") {
    status = absl::FailedPreconditionError(
        "the job store's database user lacks a privilege the store needs");
  } else if (sqlstate == "25006") {
    status = absl::FailedPreconditionError(
        "the job store's database is read-only (a standby?): point the conninfo at the "
        "primary");
  } else if (sqlstate == "22021" || sqlstate == "22P05") {
    status = absl::InvalidArgumentError(
        "a string holds bytes the job store cannot keep (a NUL byte or invalid UTF-8)");
  } else if (cls == "54") {
    status = absl::InvalidArgumentError("a value is too big for the job store");
  } else if (cls == "XX" && sqlstate != "XX000") {
    status = absl::DataLossError(
        "the job store's database is damaged: stop every qgradd using it and restore it");
  } else {
    status = absl::InternalError(
        "the job store failed unexpectedly; the server log has details");
  }
  return WithErrorDetail(status, detail);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const ConnectConfig& config) {
  // Earlier keywords are defaults that the conninfo may override; the password_file's
  // password comes last and overrides the conninfo's.
  // TCP keepalives: a connection to a server that vanished (host down, network cut) breaks
  // within about a minute instead of hanging the writer for the kernel's two hours.
  std::vector<const char*> keys = {"connect_timeout", "application_name", "keepalives",
                                   "keepalives_idle", "keepalives_interval",
                                   "keepalives_count", "dbname"};
  std::vector<const char*> values = {"10", "qgrad", "1", "30", "10", "3",
                                     config.conninfo.c_str()};
  if (config.password.has_value()) {
    keys.push_back("password");
    values.push_back(config.password->c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = ConnectFailure(conn, config);
    PQfinish(conn);
    return status;
  }
  // Server notices ("relation ... already exists, skipping") are not errors; libpq would
  // print them on stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn, config));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

absl::Status Connection::Failure(const PGresult* result, const std::string& sql) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = primary != nullptr ? primary : PQerrorMessage(conn_);
  const std::string sqlstate = state != nullptr ? state : "";
  return PgStatus(sqlstate, Broken(),
                  Scrub(absl::StrCat("SQL: ", sql, "; PostgreSQL: ",
                                     sqlstate.empty() ? "" : sqlstate + " ", message),
                        config_));
}

absl::StatusOr<Result> Connection::Exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<unsigned int> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats(params.size(), 1);
  for (const Param& p : params) {
    types.push_back(p.oid);
    values.push_back(p.bytes.data());
    lengths.push_back(static_cast<int>(p.bytes.size()));
  }
  const int n = static_cast<int>(params.size());
  auto it = prepared_.find(sql);
  if (it == prepared_.end() && prepared_.size() < kMaxPrepared) {
    std::string name = absl::StrCat("q", prepared_.size());
    Result prepared(PQprepare(conn_, name.c_str(), sql.c_str(), n, types.data()));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      return Failure(prepared.get(), sql);
    }
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  PGresult* raw = nullptr;
  if (it != prepared_.end()) {
    raw = PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(),
                         formats.data(), /*resultFormat=*/1);
  } else {
    raw = PQexecParams(conn_, sql.c_str(), n, types.data(), values.data(), lengths.data(),
                       formats.data(), /*resultFormat=*/1);
  }
  Result result(raw);
  const ExecStatusType rc = PQresultStatus(raw);
  if (rc != PGRES_COMMAND_OK && rc != PGRES_TUPLES_OK) return Failure(raw, sql);
  return result;
}

absl::Status Connection::ExecScript(const std::string& sql) {
  // With several statements PQexec returns the last result, or the first error's.
  Result result(PQexec(conn_, sql.c_str()));
  const ExecStatusType rc = PQresultStatus(result.get());
  if (rc != PGRES_COMMAND_OK && rc != PGRES_TUPLES_OK) return Failure(result.get(), sql);
  return absl::OkStatus();
}

}  // namespace qgrad::store::pg
