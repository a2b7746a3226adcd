// Tests of the SQLite store when its file system fails it: a full disk (a file-size limit
// makes every write of the process fail, as a full disk does), a write-protected file or
// directory, random bytes in the middle of the file. A client reads a plain message (no
// SQL, no SQLite wording) while the detail travels along for the log; Open refuses what it
// cannot serve safely and names the file; a store whose disk filled up serves again once
// there is room, with nothing of the failed writes in it.
//
// Thread-safety: single-threaded tests; two fork a child that opens the store as another
// user.
#include <grp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/error_detail.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_job_store.h"
#include "store/store_testing.h"

namespace qgrad::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uid_t kNobody = 65534;

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Reads `fd` to its end.
std::string Drain(int fd) {
  std::string out;
  char buffer[512];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) out.append(buffer, size_t(n));
  return out;
}

// The status SqliteJobStore::Open(path) gives a user who may not write what this process
// created. Root may write anything, whatever the permissions say, so as root the Open runs
// in a child that has become nobody; as another user the permissions already apply, and
// the child keeps that user. Detail included.
absl::Status OpenAsAnotherUser(const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) return absl::InternalError("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    close(fds[0]);
    if (geteuid() == 0 &&
        (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0)) {
      _exit(2);
    }
    const absl::Status status = SqliteJobStore::Open(path).status();
    const std::string out = absl::StrCat(static_cast<int>(status.code()), " ", status.message(),
                                         "\n", ErrorDetail(status));
    _exit(write(fds[1], out.data(), out.size()) == ssize_t(out.size()) ? 0 : 3);
  }
  close(fds[1]);
  const std::string out = Drain(fds[0]);
  close(fds[0]);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return absl::InternalError(absl::StrCat("the child failed: ", wait_status));
  }
  const size_t space = out.find(' ');
  const size_t newline = out.find('\n');
  const absl::Status status(static_cast<absl::StatusCode>(std::stoi(out.substr(0, space))),
                            out.substr(space + 1, newline - space - 1));
  return WithErrorDetail(status, out.substr(newline + 1));
}

// Every regular write of this process fails (EFBIG, SIGXFSZ ignored) while it lives, as on
// a full disk.
class FullDisk {
 public:
  FullDisk() {
    previous_handler_ = signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &previous_limit_);
    rlimit tiny = previous_limit_;
    tiny.rlim_cur = 1;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  }
  ~FullDisk() {
    setrlimit(RLIMIT_FSIZE, &previous_limit_);
    signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit previous_limit_{};
  sighandler_t previous_handler_ = SIG_DFL;
};

JobRecord MakeJob(const std::string& id) {
  JobRecord job;
  job.id = id;
  job.tenant = "t";
  job.spec = std::string(200, 's') + id;
  job.create_time_micros = 1;
  return job;
}

class SqliteFailuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "store_failures_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::permissions(dir_, fs::perms::all);  // another user may enter and create files
    path_ = dir_ + "/jobs.db";
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::all);
    fs::remove_all(dir_);
  }

  // Creates the store with `jobs` jobs (`events` events of 1000 bytes and a checkpoint
  // each) and closes it.
  void Populate(int jobs, int events = 4) {
    absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < jobs; ++i) {
      const std::string id = absl::StrCat("j", i);
      ASSERT_TRUE((*store)->CreateJob(MakeJob(id), {"queued"}, 1).ok());
      JobUpdate update;
      update.state = JobState::kRunning;
      update.events.assign(events, std::string(1000, 'e'));
      update.checkpoint = std::string(300, 'c');
      ASSERT_TRUE((*store)->UpdateJob(id, update).ok());
    }
  }

  std::string dir_;
  std::string path_;
};

TEST(SqliteStatusTest, EachResultGetsItsCanonicalCodeAndAPlainMessage) {
  const std::string kBusy = "the job store is busy: another process holds its lock; try again";
  const std::string kCannotWrite = "the job store cannot write: I/O error";
  const std::string kReadOnly =
      "the job store is read-only: make its file and directory writable by the user qgradd "
      "runs as, then restart qgradd";
  const std::string kDamaged =
      "the job store's file is damaged: stop every qgradd using it, then restore the file "
      "from a backup, or move it aside with its -wal and -shm files to start empty";
  const std::string kUnexpected = "the job store failed unexpectedly; the server log has details";
  const struct {
    int result;
    absl::StatusCode code;
    std::string message;
  } kCases[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable, kBusy},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable, kBusy},
      {SQLITE_FULL, absl::StatusCode::kUnavailable, "the job store cannot write: the disk is full"},
      {SQLITE_IOERR_WRITE, absl::StatusCode::kUnavailable, kCannotWrite},
      {SQLITE_IOERR_FSYNC, absl::StatusCode::kUnavailable, kCannotWrite},
      {SQLITE_IOERR_READ, absl::StatusCode::kUnavailable, "the job store cannot read: I/O error"},
      {SQLITE_NOMEM, absl::StatusCode::kResourceExhausted, "the job store ran out of memory"},
      {SQLITE_READONLY, absl::StatusCode::kFailedPrecondition, kReadOnly},
      {SQLITE_READONLY_DIRECTORY, absl::StatusCode::kFailedPrecondition, kReadOnly},
      {SQLITE_CANTOPEN, absl::StatusCode::kFailedPrecondition,
       "the job store cannot open its files: check that the user qgradd runs as may read and "
       "write the file and create files in its directory"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, kDamaged},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss, kDamaged},
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists,
       "the record already exists in the job store"},
      {SQLITE_CONSTRAINT_CHECK, absl::StatusCode::kInternal, kUnexpected},
      {SQLITE_TOOBIG, absl::StatusCode::kInvalidArgument, "a value is too big for the job store"},
      {SQLITE_ERROR, absl::StatusCode::kInternal, kUnexpected},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(sqlite3_errstr(c.result));
    const absl::Status status = sqlite::SqliteStatus(
        c.result, "executing `INSERT INTO jobs (id) VALUES (?1)`", sqlite3_errstr(c.result));
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(status.message(), c.message);
    EXPECT_EQ(SqlIn(status.message()), "");
    EXPECT_THAT(ErrorDetail(status), HasSubstr("`INSERT INTO jobs (id) VALUES (?1)`"));
    EXPECT_THAT(ErrorDetail(status), HasSubstr(sqlite3_errstr(c.result)));
    EXPECT_NE(SqlIn(ErrorDetail(status)), "");  // the check itself can fail
  }
}

TEST_F(SqliteFailuresTest, AWriteProtectedFileOrDirectoryIsRefused) {
  Populate(3);
  fs::permissions(path_, fs::perms(0666));
  ASSERT_TRUE(OpenAsAnotherUser(path_).ok()) << OpenAsAnotherUser(path_);  // the control
  const std::string read_only =
      path_ + ": the job store is read-only: make its file and directory writable by the user "
              "qgradd runs as, then restart qgradd";

  fs::permissions(path_, fs::perms(0444));
  absl::Status refused = OpenAsAnotherUser(path_);
  EXPECT_EQ(WithoutErrorDetail(refused), absl::FailedPreconditionError(read_only));
  EXPECT_THAT(ErrorDetail(refused), HasSubstr("opened read-only"));

  fs::permissions(path_, fs::perms(0666));
  fs::permissions(dir_, fs::perms(0555));  // the file may be written, but no -wal, no -shm
  refused = OpenAsAnotherUser(path_);
  EXPECT_EQ(WithoutErrorDetail(refused), absl::FailedPreconditionError(read_only));
  EXPECT_THAT(ErrorDetail(refused), HasSubstr("readonly database"));
  EXPECT_EQ(SqlIn(read_only), "");
}

TEST_F(SqliteFailuresTest, RandomBytesInTheMiddleAreRefusedAndTheFileLeftAlone) {
  Populate(1, 300);
  ASSERT_GT(fs::file_size(path_), 20u * 4096);
  const std::string damaged = DamageMiddlePage(path_, 20261125);
  const absl::StatusOr<std::unique_ptr<SqliteJobStore>> refused = SqliteJobStore::Open(path_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  EXPECT_EQ(refused.status().message(),
            path_ + ": the job store's file is damaged: stop every qgradd using it, then restore "
                    "the file from a backup, or move it aside with its -wal and -shm files to "
                    "start empty");
  EXPECT_EQ(SqlIn(refused.status().message()), "");
  EXPECT_THAT(ErrorDetail(refused.status()), HasSubstr("integrity_check"));
  EXPECT_EQ(ReadBytes(path_), damaged);  // nothing was written to it
}

TEST_F(SqliteFailuresTest, AHealthyStoreOpensAndItsChecksLeaveNoTrace) {
  Populate(3);
  const std::string before = ReadBytes(path_);
  ASSERT_TRUE(SqliteJobStore::Open(path_).ok());
  EXPECT_EQ(ReadBytes(path_), before);
  EXPECT_FALSE(fs::exists(path_ + "-wal"));  // closed cleanly, nothing left to replay
}

TEST_F(SqliteFailuresTest, AFullDiskFailsWritesPlainlyAndTheStoreServesOnceThereIsRoom) {
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->CreateJob(MakeJob("a"), {"queued"}, 1).ok());
  JobUpdate update;
  update.state = JobState::kRunning;
  update.events = {"running"};
  {
    FullDisk full;
    for (const absl::Status& failed : {(*store)->CreateJob(MakeJob("b"), {"queued"}, 1).status(),
                                       (*store)->UpdateJob("a", update).status()}) {
      EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
      // Past RLIMIT_FSIZE write() fails with EFBIG, which SQLite reports as an I/O error
      // (ENOSPC would be SQLITE_FULL); either is UNAVAILABLE.
      EXPECT_EQ(failed.message(), "the job store cannot write: I/O error");
      EXPECT_EQ(SqlIn(failed.message()), "");
      EXPECT_THAT(ErrorDetail(failed), HasSubstr("disk I/O error"));
    }
    EXPECT_EQ((*store)->GetJob("a")->state, JobState::kQueued);  // reads go on
  }
  EXPECT_EQ((*store)->GetJob("b").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE((*store)->CreateJob(MakeJob("b"), {"queued"}, 1).ok());
  ASSERT_TRUE((*store)->UpdateJob("a", update).ok());
  store->reset();
  store = SqliteJobStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->GetJob("a")->last_event_sequence, 2);
  EXPECT_EQ((*store)->ReadEvents("b", 0, 10)->size(), 1u);
}

}  // namespace
}  // namespace qgrad::store
