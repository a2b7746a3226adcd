// PostgresServerForTesting: a private PostgreSQL 15 server for tests and benchmarks. It
// runs initdb into a fresh temporary directory and starts `postgres` listening on a Unix
// socket in that directory only (no TCP), with fsync on (durability is measured honestly).
// Each test gets a fresh database from CreateDatabase(). The server is stopped and its
// directory removed on destruction; if the test process dies first, the server gets
// SIGQUIT (parent-death signal) and shuts down at once, so no postgres is left behind.
//
// PostgreSQL refuses to run as root; tests and CI run as root, so then initdb and postgres
// run as the `postgres` system user (Debian's package creates it), or `nobody` without it.
// Binaries: $QGRAD_PG_BIN, else /usr/lib/postgresql/15/bin (Debian `postgresql`). The
// directory goes under $TMPDIR, or /tmp when the server's user cannot reach $TMPDIR.
//
// The parent-death signal is tied to the thread that started the server: start it from a
// thread that outlives it (the main thread, or a gtest Environment's SetUp).
//
// Thread-safety: thread-compatible. ConnInfo and the accessors may be called concurrently;
// Start/Stop/Restart/CreateDatabase must not race with each other.
#ifndef QGRAD_STORE_POSTGRES_SERVER_FOR_TESTING_H_
#define QGRAD_STORE_POSTGRES_SERVER_FOR_TESTING_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qgrad::store {

class PostgresServerForTesting {
 public:
  // The database superuser, trusted on the socket without a password.
  static constexpr char kSuperuser[] = "qgrad_test";

  // initdb + start; waits (at most 30 s) until the server accepts connections.
  static absl::StatusOr<std::unique_ptr<PostgresServerForTesting>> Start();
  ~PostgresServerForTesting();  // Stop, then remove the directory
  PostgresServerForTesting(const PostgresServerForTesting&) = delete;
  PostgresServerForTesting& operator=(const PostgresServerForTesting&) = delete;

  // Fast shutdown (clients are disconnected); a no-op when stopped.
  absl::Status Stop();
  // Stop + start on the same data directory and socket: clients' connections break.
  absl::Status Restart();
  bool running() const { return pid_ > 0; }

  // Creates a fresh, empty database (UTF8, C collation) and returns its conninfo for the
  // superuser: keywords, or the URI that qgradd's --store takes.
  enum class ConnForm { kKeywords, kUri };
  absl::StatusOr<std::string> CreateDatabase(ConnForm form = ConnForm::kKeywords);
  // A conninfo (keyword form) for `database` as `user` (no password in it).
  std::string ConnInfo(const std::string& database, const std::string& user = kSuperuser) const;
  // Runs `sql` (no parameters, no result needed) in `database` as the superuser.
  absl::Status Execute(const std::string& database, const std::string& sql) const;
  // Creates a login role that must give `password` (scram-sha-256) and may use every
  // database created here.
  absl::Status CreatePasswordRole(const std::string& role, const std::string& password) const;

  const std::string& socket_dir() const { return dir_; }

 private:
  PostgresServerForTesting() = default;
  absl::Status InitDb();
  absl::Status StartServer();
  absl::Status WaitReady();

  std::string dir_;       // the temporary directory: data/ and the socket
  std::string bin_;       // PostgreSQL's binaries
  uid_t uid_ = 0;         // who runs initdb and postgres
  gid_t gid_ = 0;
  pid_t pid_ = -1;        // the postmaster; -1: stopped
  int next_database_ = 0;
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_POSTGRES_SERVER_FOR_TESTING_H_
