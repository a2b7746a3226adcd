// PostgresServerForTesting: a private PostgreSQL server for tests (see the header).
// Thread-compatible.
#include "store/postgres_server_for_testing.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace qgrad::store {
namespace {

constexpr char kDefaultBin[] = "/usr/lib/postgresql/15/bin";
constexpr auto kReadyTimeout = std::chrono::seconds(30);
constexpr auto kStopTimeout = std::chrono::seconds(30);

std::string ReadTail(const std::string& path, size_t max_bytes = 2000) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

// Who runs the server: ourselves, unless we are root (PostgreSQL refuses root).
absl::Status ServerUser(uid_t& uid, gid_t& gid) {
  if (geteuid() != 0) {
    uid = geteuid();
    gid = getegid();
    return absl::OkStatus();
  }
  for (const char* name : {"postgres", "nobody"}) {
    if (const passwd* pw = getpwnam(name); pw != nullptr) {
      uid = pw->pw_uid;
      gid = pw->pw_gid;
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      "running as root, and neither the postgres nor the nobody user exists");
}

// In the child: become the server user, send output to `log`, exec `argv`. With
// `die_with_parent`, the child gets SIGQUIT (PostgreSQL's immediate shutdown) when the
// thread that forked it dies, so a crashed test leaves no server behind. Only system calls
// here, no allocation: the parent may have other threads (a store's), whose locks the
// child inherits held. Never returns.
[[noreturn]] void ExecAs(uid_t uid, gid_t gid, const char* log, char* const* argv,
                         bool die_with_parent, pid_t parent) {
  if (getuid() != uid) {
    if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
  }
  // After setuid: a change of credentials clears the parent-death signal.
  if (die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(125);  // the parent died before prctl took effect
  }
  const int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  execv(argv[0], argv);
  _exit(127);
}

absl::StatusOr<pid_t> Spawn(uid_t uid, gid_t gid, const std::string& log,
                            const std::vector<std::string>& argv, bool die_with_parent) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) ExecAs(uid, gid, log.c_str(), args.data(), die_with_parent, parent);
  return pid;
}

absl::Status RunToCompletion(uid_t uid, gid_t gid, const std::string& log,
                             const std::vector<std::string>& argv) {
  absl::StatusOr<pid_t> pid = Spawn(uid, gid, log, argv, /*die_with_parent=*/false);
  if (!pid.ok()) return pid.status();
  int status = 0;
  if (waitpid(*pid, &status, 0) != *pid) return absl::InternalError("waitpid failed");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat(argv[0], " failed (status ", status, "): ", ReadTail(log)));
}

// Waits for `pid` to exit, at most `timeout`; true when it did.
bool WaitExit(pid_t pid, std::chrono::steady_clock::duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// True when `uid` may enter `path` and every directory above it (others' execute bit, or
// its own directory).
bool Reachable(const std::string& path, uid_t uid) {
  for (std::filesystem::path p = std::filesystem::absolute(path);; p = p.parent_path()) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) return false;
    if ((st.st_mode & S_IXOTH) == 0 && st.st_uid != uid) return false;
    if (p == p.root_path() || p == p.parent_path()) return true;
  }
}

// Where the temporary directory goes: $TMPDIR, unless the server's user cannot reach it
// (root's private TMPDIR) or it is too long for the socket's path (sockaddr_un holds 107
// bytes: PARENT/pg_XXXXXX/.s.PGSQL.5432); then /tmp.
std::string ParentDir(uid_t server_uid) {
  const char* tmp = getenv("TMPDIR");
  const std::string parent = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  if (parent.size() > 80) return "/tmp";
  if (server_uid != geteuid() && !Reachable(parent, server_uid)) return "/tmp";
  return parent;
}

std::string QuoteIdent(const std::string& name) { return absl::StrCat("\"", name, "\""); }

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServerForTesting>> PostgresServerForTesting::Start() {
  std::unique_ptr<PostgresServerForTesting> server(new PostgresServerForTesting());
  const char* bin = getenv("QGRAD_PG_BIN");
  server->bin_ = bin != nullptr ? bin : kDefaultBin;
  if (access((server->bin_ + "/postgres").c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no PostgreSQL server at ", server->bin_,
        " (install Debian's postgresql package, or set QGRAD_PG_BIN)"));
  }
  if (absl::Status s = ServerUser(server->uid_, server->gid_); !s.ok()) return s;
  std::string dir = absl::StrCat(ParentDir(server->uid_), "/pg_XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", dir, ": ", strerror(errno)));
  }
  server->dir_ = dir;
  if (chown(dir.c_str(), server->uid_, server->gid_) != 0) {
    return absl::InternalError(absl::StrCat("chown ", dir, ": ", strerror(errno)));
  }
  if (absl::Status s = server->InitDb(); !s.ok()) return s;
  if (absl::Status s = server->StartServer(); !s.ok()) return s;
  return server;
}

PostgresServerForTesting::~PostgresServerForTesting() {
  Stop().IgnoreError();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

absl::Status PostgresServerForTesting::InitDb() {
  // --no-sync: a crash during initdb only loses a throwaway cluster; the server itself
  // runs with fsync on.
  if (absl::Status s = RunToCompletion(
          uid_, gid_, dir_ + "/initdb.log",
          {bin_ + "/initdb", "-D", dir_ + "/data", "-U", kSuperuser, "-A", "trust", "-E",
           "UTF8", "--locale=C", "--no-sync"});
      !s.ok()) {
    return s;
  }
  // The superuser is trusted on the socket; every other role must give its password, so
  // that tests can exercise a failed login.
  const std::string hba = dir_ + "/data/pg_hba.conf";
  {
    std::ofstream out(hba, std::ios::trunc);
    out << "local all " << kSuperuser << " trust\n"
        << "local all all scram-sha-256\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", hba));
  }
  if (chown(hba.c_str(), uid_, gid_) != 0) {
    return absl::InternalError(absl::StrCat("chown ", hba, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status PostgresServerForTesting::StartServer() {
  absl::StatusOr<pid_t> pid = Spawn(
      uid_, gid_, dir_ + "/postgres.log",
      {bin_ + "/postgres", "-D", dir_ + "/data", "-k", dir_, "-c", "listen_addresses=",
       "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "max_connections=200"},
      /*die_with_parent=*/true);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  absl::Status ready = WaitReady();
  if (!ready.ok()) Stop().IgnoreError();
  return ready;
}

absl::Status PostgresServerForTesting::WaitReady() {
  const std::string conninfo = ConnInfo("postgres");
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (PQping(conninfo.c_str()) == PQPING_OK) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(
          absl::StrCat("postgres exited at start: ", ReadTail(dir_ + "/postgres.log")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "postgres not ready after 30 s: ", ReadTail(dir_ + "/postgres.log")));
}

absl::Status PostgresServerForTesting::Stop() {
  if (pid_ <= 0) return absl::OkStatus();
  const pid_t pid = pid_;
  pid_ = -1;
  kill(pid, SIGINT);  // fast shutdown: disconnect clients, checkpoint, exit
  if (WaitExit(pid, kStopTimeout)) return absl::OkStatus();
  kill(pid, SIGQUIT);  // immediate shutdown: the postmaster takes its children with it
  if (WaitExit(pid, std::chrono::seconds(5))) return absl::OkStatus();
  kill(pid, SIGKILL);
  WaitExit(pid, std::chrono::seconds(5));
  return absl::DeadlineExceededError("postgres did not stop in time; killed");
}

absl::Status PostgresServerForTesting::Restart() {
  if (absl::Status s = Stop(); !s.ok()) return s;
  return StartServer();
}

std::string PostgresServerForTesting::ConnInfo(const std::string& database,
                                               const std::string& user) const {
  return absl::StrCat("host='", dir_, "' dbname='", database, "' user='", user,
                      "' connect_timeout=10");
}

absl::Status PostgresServerForTesting::Execute(const std::string& database,
                                               const std::string& sql) const {
  PGconn* conn = PQconnectdb(ConnInfo(database).c_str());
  absl::Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = absl::UnavailableError(absl::StrCat("connect: ", PQerrorMessage(conn)));
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType rc = PQresultStatus(result);
    if (rc != PGRES_COMMAND_OK && rc != PGRES_TUPLES_OK) {
      status = absl::InternalError(absl::StrCat(sql, ": ", PQerrorMessage(conn)));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return status;
}

absl::StatusOr<std::string> PostgresServerForTesting::CreateDatabase(ConnForm form) {
  const std::string name = absl::StrCat("test_", next_database_++);
  // template0 and an explicit encoding: the store needs UTF8 with bytewise collation
  // whatever the cluster's defaults are.
  if (absl::Status s = Execute("postgres", absl::StrCat("CREATE DATABASE ", QuoteIdent(name),
                                                        " TEMPLATE template0 ENCODING 'UTF8' "
                                                        "LC_COLLATE 'C' LC_CTYPE 'C'"));
      !s.ok()) {
    return s;
  }
  if (form == ConnForm::kUri) {
    return absl::StrCat("postgresql://", kSuperuser, "@/", name, "?host=", dir_);
  }
  return ConnInfo(name);
}

absl::Status PostgresServerForTesting::CreatePasswordRole(const std::string& role,
                                                          const std::string& password) const {
  // SUPERUSER: the role migrates the schema (CREATE on schema public is not granted to
  // PUBLIC since PostgreSQL 15). Test-only.
  return Execute("postgres", absl::StrCat("CREATE ROLE ", QuoteIdent(role),
                                          " LOGIN SUPERUSER PASSWORD '", password, "'"));
}

}  // namespace qgrad::store
