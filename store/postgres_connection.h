// A thin RAII layer over one libpq connection for PostgresJobStore: connect (with the
// password kept out of every message), statements prepared once per connection and run
// with binary parameters and results, and PostgreSQL errors as absl::Status with plain
// messages (the SQL and the server's words go into the ErrorDetail payload). Used only
// inside store/. Thread-compatible: a Connection must be used by one thread at a time.
#ifndef QGRAD_STORE_POSTGRES_CONNECTION_H_
#define QGRAD_STORE_POSTGRES_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace qgrad::store::pg {

// How to connect. `display` is the conninfo without its password, for messages.
struct ConnectConfig {
  std::string conninfo;
  std::optional<std::string> password;  // overrides the conninfo's (password_file)
  std::string display;
};

// Parses `conninfo` (URI or keyword form); INVALID_ARGUMENT when libpq cannot (the
// message then names no value, since the bad text could hold the password).
absl::StatusOr<ConnectConfig> MakeConnectConfig(const std::string& conninfo,
                                                std::optional<std::string> password);

// `text` with every occurrence of the passwords in `config` (the password_file's and the
// conninfo's own) replaced by "***": libpq never echoes a password as far as we know, but
// a detail goes to the log, and a password must never.
std::string Scrub(std::string text, const ConnectConfig& config);

// A statement parameter, sent in binary (network byte order for integers).
struct Param {
  unsigned int oid = 0;
  std::string bytes;
};
Param Int64(int64_t v);
Param Int32(int32_t v);
Param Bool(bool v);
Param Text(std::string_view v);
Param Bytes(std::string_view v);
Param TextArray(const std::vector<std::string>& v);
Param BytesArray(const std::vector<std::string>& v);

// A query's result, binary format.
class Result {
 public:
  explicit Result(PGresult* result);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  int rows() const;
  bool IsNull(int row, int col) const;
  int64_t GetInt64(int row, int col) const;  // int8
  int32_t GetInt32(int row, int col) const;  // int4
  bool GetBool(int row, int col) const;
  std::string GetBytes(int row, int col) const;  // text or bytea, byte for byte
  std::vector<std::string> GetArray(int row, int col) const;  // text[] or bytea[]
  PGresult* get() const { return result_; }

 private:
  PGresult* result_;
};

// The status for a failed statement or connection. `sqlstate` empty with
// `connection_lost`: the connection broke. `detail` (the SQL and PostgreSQL's message)
// becomes the ErrorDetail payload; the message is plain words (store/README.md's table).
absl::Status PgStatus(const std::string& sqlstate, bool connection_lost,
                      const std::string& detail);

class Connection {
 public:
  // Connects; a failure is UNAVAILABLE (server unreachable), FAILED_PRECONDITION (cannot
  // log in, no such database) or INVALID_ARGUMENT, its message prefixed by the display
  // conninfo.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ConnectConfig& config);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` ($1, $2, ... placeholders) with `params`; prepared once per connection and
  // reused (at most kMaxPrepared distinct texts; beyond that, parsed at each use). `sql`
  // must contain only placeholders for values, never the values themselves.
  absl::StatusOr<Result> Exec(const std::string& sql, const std::vector<Param>& params = {});
  // Runs one or more statements without parameters (BEGIN, SAVEPOINT, migrations).
  absl::Status ExecScript(const std::string& sql);

  // True once the connection is gone (the server restarted, the network broke): the
  // owner opens a new one.
  bool Broken() const;
  PGconn* raw() { return conn_; }
  const ConnectConfig& config() const { return config_; }

  static constexpr size_t kMaxPrepared = 256;

 private:
  Connection(PGconn* conn, ConnectConfig config) : conn_(conn), config_(std::move(config)) {}
  absl::Status Failure(const PGresult* result, const std::string& sql) const;

  PGconn* conn_;
  ConnectConfig config_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
};

}  // namespace qgrad::store::pg

#endif  // QGRAD_STORE_POSTGRES_CONNECTION_H_
