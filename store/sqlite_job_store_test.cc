// Tests of what only SqliteJobStore has: persistence across reopen, the schema version and
// migrations, group commit, and durability when the writing process is killed mid-stream.
// The JobStore semantics themselves are in the conformance suite (job_store_test.cc).
// Thread-safety: single-threaded tests, except where a test starts threads or a child
// process itself.
#include "store/sqlite_job_store.h"

#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/error_detail.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"
#include "store/store_testing.h"

namespace qgrad::store {
namespace {

using ::testing::HasSubstr;

// A second, raw connection for looking at (or preparing) the file behind the store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
  }
  // The first column of the first row, as text ("" when there is no row).
  std::string Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  bool HasTable(const std::string& name) {
    return Query(absl::StrCat("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                              "name = '", name, "'")) == "1";
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::path(::testing::TempDir()) / "job_store_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/jobs.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteJobStore> OpenStore(const SqliteOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::string dir_;
  std::string path_;
};

JobRecord MakeJob(const std::string& id, int64_t time = 1) {
  JobRecord job;
  job.id = id;
  job.tenant = "t";
  job.spec = "spec " + id;
  job.create_time_micros = time;
  return job;
}

TEST_F(SqliteJobStoreTest, EverythingSurvivesCloseAndReopen) {
  {
    std::unique_ptr<SqliteJobStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    JobRecord job = MakeJob("j");
    job.labels = {{"a", "b"}};
    job.idempotency_key = "key";
    ASSERT_TRUE(store->CreateJob(job, {"e1"}, 5).ok());
    JobUpdate update;
    update.state = JobState::kSucceeded;
    update.checkpoint = std::string("c\0p", 3);
    update.result = "r";
    update.events = {"e2"};
    update.event_time_micros = 6;
    ASSERT_TRUE(store->UpdateJob("j", update).ok());
  }
  std::unique_ptr<SqliteJobStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<JobRecord> job = store->GetJob("j");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state, JobState::kSucceeded);
  EXPECT_EQ(job->labels.at("a"), "b");
  EXPECT_EQ(job->last_event_sequence, 2);
  EXPECT_EQ(*store->GetCheckpoint("j"), std::string("c\0p", 3));
  EXPECT_EQ(*store->GetResult("j"), "r");
  absl::StatusOr<std::vector<EventRecord>> events = store->ReadEvents("j", 0, 10);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].payload, "e2");
  EXPECT_EQ((*events)[1].time_micros, 6);
  // The idempotency key too.
  JobRecord retry = MakeJob("j2");
  retry.idempotency_key = "key";
  EXPECT_FALSE(store->CreateJob(retry, {}, 0)->created);
}

TEST_F(SqliteJobStoreTest, NewFileGetsTheSchemaVersionAndWal) {
  ASSERT_NE(OpenStore(), nullptr);
  EXPECT_EQ(sqlite::Migrations().size(), static_cast<size_t>(SqliteJobStore::kSchemaVersion));
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA user_version"), std::to_string(SqliteJobStore::kSchemaVersion));
  EXPECT_EQ(raw.Query("PRAGMA journal_mode"), "wal");
  for (const char* table : {"jobs", "job_labels", "events", "checkpoints", "results"}) {
    EXPECT_TRUE(raw.HasTable(table)) << table;
  }
}

TEST_F(SqliteJobStoreTest, IdempotencyLookupUsesThePartialIndex) {
  ASSERT_NE(OpenStore(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE tenant = ?1 AND "
                               "idempotency_key = ?2 AND idempotency_key <> ''",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string details;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    details += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_THAT(details, HasSubstr("jobs_by_idempotency_key"));
}

TEST_F(SqliteJobStoreTest, NewerSchemaIsRefusedAndLeftUntouched) {
  const int newer = SqliteJobStore::kSchemaVersion + 1;
  {
    RawDb raw(path_);
    raw.Exec(absl::StrCat("CREATE TABLE future (x); PRAGMA user_version = ", newer));
  }
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path_);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr(absl::StrCat("schema version ", newer)));
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA user_version"), std::to_string(newer));
  EXPECT_EQ(raw.Query("PRAGMA journal_mode"), "delete");
  EXPECT_FALSE(raw.HasTable("jobs"));
}

TEST_F(SqliteJobStoreTest, VersionZeroDatabaseWithoutTablesIsMigrated) {
  {
    RawDb raw(path_);
    raw.Exec("PRAGMA user_version = 0; VACUUM");
    EXPECT_FALSE(raw.HasTable("jobs"));
  }
  ASSERT_TRUE(std::filesystem::exists(path_));
  std::unique_ptr<SqliteJobStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->CreateJob(MakeJob("j"), {"e"}, 1).ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA user_version"), std::to_string(SqliteJobStore::kSchemaVersion));
  EXPECT_TRUE(raw.HasTable("events"));
}

TEST_F(SqliteJobStoreTest, VersionOneDatabaseKeepsItsJobsAndGainsLeases) {
  {
    RawDb raw(path_);
    raw.Exec(sqlite::Migrations()[0]);
    raw.Exec("INSERT INTO jobs VALUES ('old', 't', '', x'00', 3, 1, '', 'local', 10, 0, 0, 0, "
             "0, 0, 1); INSERT INTO events VALUES ('old', 1, 10, x'65'); "
             "PRAGMA user_version = 1");
  }
  std::unique_ptr<SqliteJobStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<JobRecord> old = store->GetJob("old");
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->priority, 3);
  EXPECT_EQ(old->lease.token, 0);
  EXPECT_EQ((*store->ReadEvents("old", 0, 10))[0].lease_token, 0);
  ClaimRequest claim;
  claim.owner = "r1";
  claim.now_micros = 100;
  claim.lease_micros = 50;
  absl::StatusOr<std::optional<ClaimedJob>> claimed = store->ClaimJob(claim);
  ASSERT_TRUE(claimed.ok() && claimed->has_value()) << claimed.status();
  EXPECT_EQ((*claimed)->job.lease.token, 1);
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA user_version"), "2");
}

TEST_F(SqliteJobStoreTest, FailedMigrationLeavesTheDatabaseAsItWas) {
  {
    RawDb raw(path_);
    raw.Exec("CREATE TABLE events (unrelated)");  // migration 1 will collide with it
  }
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("version 1"));
  EXPECT_EQ(SqlIn(store.status().message()), "") << store.status().message();
  EXPECT_THAT(ErrorDetail(store.status()), HasSubstr("events"));  // for the log
  RawDb raw(path_);
  EXPECT_EQ(raw.Query("PRAGMA user_version"), "0");
  EXPECT_FALSE(raw.HasTable("jobs"));  // created before the collision, rolled back
}

TEST_F(SqliteJobStoreTest, MigrationsRunOnlyThePendingStepsInOrder) {
  absl::StatusOr<std::unique_ptr<sqlite::Connection>> c = sqlite::Connection::Open(path_, 1000);
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<std::string> steps = {"CREATE TABLE a (x)", "CREATE TABLE b (y)"};
  ASSERT_TRUE(sqlite::MigrateSchema(**c, steps).ok());
  EXPECT_EQ(*sqlite::ReadSchemaVersion(**c), 2);

  steps.push_back("INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)");
  ASSERT_TRUE(sqlite::MigrateSchema(**c, steps).ok());  // runs only step 3
  EXPECT_EQ(*sqlite::ReadSchemaVersion(**c), 3);
  ASSERT_TRUE(sqlite::MigrateSchema(**c, steps).ok());  // nothing pending
  {
    RawDb raw(path_);
    EXPECT_EQ(raw.Query("SELECT count(*) FROM a"), "1");
  }

  steps.push_back("INSERT INTO a VALUES (2); INSERT INTO missing VALUES (3)");
  absl::Status failed = sqlite::MigrateSchema(**c, steps);
  EXPECT_THAT(std::string(failed.message()), HasSubstr("version 4"));
  EXPECT_EQ(*sqlite::ReadSchemaVersion(**c), 3);
  EXPECT_FALSE((*c)->InTransaction());
  {
    RawDb raw(path_);
    EXPECT_EQ(raw.Query("SELECT count(*) FROM a"), "1");
  }
  steps.resize(2);
  EXPECT_EQ(sqlite::MigrateSchema(**c, steps).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteJobStoreTest, NotADatabaseAndNoFileAreRefused) {
  {
    std::ofstream garbage(path_);
    garbage << std::string(4096, 'x');
  }
  EXPECT_EQ(SqliteJobStore::Open(path_).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(SqliteJobStore::Open(":memory:").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(SqliteJobStore::Open(dir_ + "/no/such/dir/jobs.db").ok());
  SqliteOptions bad;
  bad.read_connections = 0;
  EXPECT_EQ(SqliteJobStore::Open(dir_ + "/other.db", bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteJobStoreTest, LockHeldByAnotherProcessIsUnavailableWithAPlainMessage) {
  SqliteOptions options;
  options.busy_timeout_ms = 50;
  std::unique_ptr<SqliteJobStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  RawDb other(path_);
  other.Exec("BEGIN IMMEDIATE");  // holds the write lock, as another writer would
  absl::StatusOr<CreateJobOutcome> blocked = store->CreateJob(MakeJob("j"), {}, 0);
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable) << blocked.status();
  EXPECT_EQ(blocked.status().message(),
            "the job store is busy: another process holds its lock; try again");
  EXPECT_THAT(ErrorDetail(blocked.status()), HasSubstr("database is locked"));
  // WAL: reads go on meanwhile.
  EXPECT_EQ(store->GetJob("j").status().code(), absl::StatusCode::kNotFound);
  other.Exec("COMMIT");
  EXPECT_TRUE(store->CreateJob(MakeJob("j"), {}, 0).ok());  // the writer recovered
}

TEST_F(SqliteJobStoreTest, ConnectionLendsACachedStatementToOneUserAtATime) {
  absl::StatusOr<std::unique_ptr<sqlite::Connection>> c = sqlite::Connection::Open(path_, 1000);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE((*c)->ExecuteScript("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)").ok());
  const std::string sql = "SELECT x FROM t ORDER BY x";
  absl::StatusOr<sqlite::Statement> a = (*c)->Prepare(sql);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(*a->Step());
  EXPECT_EQ(a->ColumnInt(0), 1);
  {
    absl::StatusOr<sqlite::Statement> b = (*c)->Prepare(sql);  // `a` is still stepping
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(*b->Step());
    EXPECT_EQ(b->ColumnInt(0), 1);
  }
  ASSERT_TRUE(*a->Step());
  EXPECT_EQ(a->ColumnInt(0), 2);
  EXPECT_FALSE(*a->Step());
}

TEST_F(SqliteJobStoreTest, ConcurrentWritesShareTransactions) {
  std::unique_ptr<SqliteJobStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 32, kPerThread = 8;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_TRUE(store->CreateJob(MakeJob(absl::StrCat(t, "-", i)), {}, 0).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const SqliteStats stats = store->stats();
  EXPECT_EQ(stats.writes, kThreads * kPerThread);
  EXPECT_LT(stats.transactions, stats.writes) << "no write was group-committed";
  EXPECT_GT(stats.largest_batch, 1);
}

// An update whose checkpoint is too big fails after its job row has been rewritten; the
// savepoint must undo that row change, or the group commit would make it durable.
TEST_F(SqliteJobStoreTest, AWriteFailingHalfwayLeavesNoTrace) {
  SqliteOptions options;
  options.max_value_bytes = 1000;
  std::unique_ptr<SqliteJobStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateJob(MakeJob("j"), {"created"}, 0).ok());
  JobUpdate update;
  update.state = JobState::kRunning;
  update.iterations_done = 5;
  update.events = {"started"};
  update.result = "r";
  update.checkpoint = std::string(2000, 'x');
  absl::StatusOr<JobRecord> failed = store->UpdateJob("j", update);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kInvalidArgument) << failed.status();
  EXPECT_EQ(failed.status().message(),
            "a value is too big for the job store: the limit is 1000 bytes (max_value_bytes)");

  absl::StatusOr<JobRecord> job = store->GetJob("j");
  EXPECT_EQ(job->state, JobState::kQueued);
  EXPECT_EQ(job->iterations_done, 0);
  EXPECT_EQ(job->last_event_sequence, 1);
  EXPECT_EQ(store->ReadEvents("j", 0, 10)->size(), 1u);
  EXPECT_EQ(*store->GetResult("j"), std::nullopt);
  EXPECT_EQ(*store->GetCheckpoint("j"), std::nullopt);
}

// Failing writes (duplicate ids, unmet preconditions, too-big payloads) share transactions
// with succeeding ones; each failure must roll back only its own savepoint.
TEST_F(SqliteJobStoreTest, AFailingWriteDoesNotAbortItsBatch) {
  SqliteOptions options;
  options.max_value_bytes = 1000;
  std::unique_ptr<SqliteJobStore> store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 16, kPerThread = 6;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = absl::StrCat(t, "-", i);
        EXPECT_TRUE(store->CreateJob(MakeJob(id), {"created"}, 0).ok());
        EXPECT_EQ(store->CreateJob(MakeJob(id), {"dup"}, 0).status().code(),
                  absl::StatusCode::kAlreadyExists);
        JobUpdate refused;
        refused.expected_states = {JobState::kRunning};
        refused.events = {"refused"};
        EXPECT_EQ(store->UpdateJob(id, refused).status().code(),
                  absl::StatusCode::kFailedPrecondition);
        JobUpdate too_big;
        too_big.state = JobState::kFailed;
        too_big.events = {"too big", std::string(2000, 'x')};
        EXPECT_EQ(store->UpdateJob(id, too_big).status().code(),
                  absl::StatusCode::kInvalidArgument);
        JobUpdate ok;
        ok.state = JobState::kRunning;
        ok.events = {"started"};
        EXPECT_TRUE(store->UpdateJob(id, ok).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GT(store->stats().largest_batch, 1);
  JobQuery all;
  all.tenant = std::nullopt;
  all.page_size = 1000;
  absl::StatusOr<JobPage> page = store->ListJobs(all);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->jobs.size(), static_cast<size_t>(kThreads * kPerThread));
  for (const JobRecord& job : page->jobs) {
    EXPECT_EQ(job.state, JobState::kRunning);
    absl::StatusOr<std::vector<EventRecord>> events = store->ReadEvents(job.id, 0, 10);
    ASSERT_EQ(events->size(), 2u) << job.id;
    EXPECT_EQ((*events)[0].payload, "created");
    EXPECT_EQ((*events)[1].payload, "started");
  }
}

// --- Crash durability ------------------------------------------------------------------------

constexpr int kChildThreads = 4;
constexpr int kEventsPerUpdate = 3;

void WriteLine(int fd, const std::string& line) {
  // One write() of < PIPE_BUF bytes: lines from the threads never interleave.
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
}

// The child: writes jobs and updates from several threads and acknowledges each on `fd`
// once the store has returned, until it is killed. Never returns.
[[noreturn]] void RunWriterChild(const std::string& path, int fd) {
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store = SqliteJobStore::Open(path);
  if (!store.ok()) _exit(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100000; ++i) {
        const std::string id = absl::StrCat("c", t, "-", i);
        JobRecord job = MakeJob(id, i);
        job.idempotency_key = id;
        if (!(*store)->CreateJob(job, {"created"}, i).ok()) _exit(3);
        WriteLine(fd, absl::StrCat("C ", id, " 1\n"));
        for (int u = 0; u < 2; ++u) {
          JobUpdate update;
          update.iterations_done = u + 1;
          update.events.assign(kEventsPerUpdate, absl::StrCat("u", u));
          absl::StatusOr<JobRecord> after = (*store)->UpdateJob(id, update);
          if (!after.ok()) _exit(3);
          WriteLine(fd, absl::StrCat("U ", id, " ", after->last_event_sequence, "\n"));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  _exit(0);
}

TEST_F(SqliteJobStoreTest, AcknowledgedWritesSurviveSigkill) {
  ASSERT_NE(OpenStore(), nullptr);  // create the file before forking
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    RunWriterChild(path_, fds[1]);
  }
  close(fds[1]);

  // Kill once enough acknowledgements have arrived that writes are surely in flight.
  constexpr int kKillAfterLines = 300;
  std::string acks;
  int lines = 0;
  bool timed_out = false;
  char buf[4096];
  while (lines < kKillAfterLines) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 20000) <= 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // the child died early: checked below
    acks.append(buf, static_cast<size_t>(n));
    lines = static_cast<int>(std::count(acks.begin(), acks.end(), '\n'));
  }
  kill(pid, SIGKILL);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_FALSE(timed_out) << "child stalled";
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with status " << wstatus;
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) acks.append(buf, n);
  close(fds[0]);

  // id -> the highest acknowledged last_event_sequence.
  std::map<std::string, int64_t> acked;
  std::istringstream in(acks);
  std::string kind, id;
  int64_t seq = 0;
  while (in >> kind >> id >> seq) acked[id] = std::max(acked[id], seq);
  ASSERT_GE(acked.size(), 1u);

  {
    RawDb raw(path_);
    EXPECT_EQ(raw.Query("PRAGMA integrity_check"), "ok");
  }
  std::unique_ptr<SqliteJobStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (const auto& [job_id, min_seq] : acked) {
    absl::StatusOr<JobRecord> job = store->GetJob(job_id);
    ASSERT_TRUE(job.ok()) << "acknowledged job lost: " << job_id << " " << job.status();
    EXPECT_GE(job->last_event_sequence, min_seq) << "acknowledged update lost: " << job_id;
  }
  // Every job present (acknowledged or not) is whole: 1 + 3k consecutive events, and its
  // iteration count matches the number of updates applied.
  JobQuery all;
  all.tenant = std::nullopt;
  all.page_size = 100000;
  absl::StatusOr<JobPage> page = store->ListJobs(all);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_GE(page->jobs.size(), acked.size());
  for (const JobRecord& job : page->jobs) {
    absl::StatusOr<std::vector<EventRecord>> events = store->ReadEvents(job.id, 0, 1000);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(static_cast<int64_t>(events->size()), job.last_event_sequence) << job.id;
    for (size_t i = 0; i < events->size(); ++i) {
      ASSERT_EQ((*events)[i].sequence, static_cast<int64_t>(i) + 1) << job.id;
    }
    EXPECT_EQ((job.last_event_sequence - 1) % kEventsPerUpdate, 0) << job.id;
    EXPECT_EQ(job.iterations_done, (job.last_event_sequence - 1) / kEventsPerUpdate) << job.id;
  }
}

}  // namespace
}  // namespace qgrad::store
