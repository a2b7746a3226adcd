// Tests of PostgresJobStore against a real PostgreSQL 15 (PostgresServerForTesting, one
// server per test binary, a fresh database per store): the conformance suite, and what
// only a store shared by replicas has — migrations (fresh, reopen, newer refused, several
// Opens at once), claims from two instances on one database (no job twice, per-tenant
// caps), fencing across instances, the queue limit across instances, LISTEN/NOTIFY, a
// PostgreSQL restart (UNAVAILABLE, then recovery and OnResync), credentials kept out of
// every message, and the error mapping.
// Thread-safety: tests start threads against the stores themselves.
#include "store/postgres_job_store.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/error_detail.h"
#include "store/job_store_conformance.h"
#include "store/postgres_connection.h"
#include "store/postgres_schema.h"
#include "store/postgres_server_for_testing.h"

namespace qgrad::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

PostgresServerForTesting* g_server = nullptr;

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PostgresServerForTesting>> server =
        PostgresServerForTesting::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    g_server = server_.get();
  }
  void TearDown() override {
    g_server = nullptr;
    server_.reset();
  }

 private:
  std::unique_ptr<PostgresServerForTesting> server_;
};

const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

std::string NewDatabase() {
  absl::StatusOr<std::string> conninfo = g_server->CreateDatabase();
  EXPECT_TRUE(conninfo.ok()) << conninfo.status();
  return conninfo.ok() ? *conninfo : "";
}

std::unique_ptr<PostgresJobStore> OpenStore(const std::string& conninfo,
                                            PostgresOptions options = {}) {
  absl::StatusOr<std::unique_ptr<PostgresJobStore>> store =
      PostgresJobStore::Open(conninfo, options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(
    Postgres, JobStoreConformanceTest,
    ::testing::Values(JobStoreFactory{"Postgres",
                                      [](const std::string&) -> std::unique_ptr<JobStore> {
                                        if (g_server == nullptr) return nullptr;
                                        return OpenStore(NewDatabase());
                                      }}),
    JobStoreFactoryName);

// The first column of the first row as text, "" when none; fails the test on an error.
std::string Query(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string out;
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType rc = PQresultStatus(r);
  EXPECT_TRUE(rc == PGRES_TUPLES_OK || rc == PGRES_COMMAND_OK) << sql << ": "
                                                               << PQerrorMessage(conn);
  if (rc == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(conn);
  return out;
}

JobRecord MakeJob(const std::string& id, const std::string& tenant = "tenant-a") {
  JobRecord job;
  job.id = id;
  job.tenant = tenant;
  job.spec = "spec of " + id;
  job.create_time_micros = 1000;
  return job;
}

ClaimRequest Claim(const std::string& owner, int64_t now, int32_t cap = 0) {
  ClaimRequest r;
  r.owner = owner;
  r.now_micros = now;
  r.lease_micros = 1'000'000'000;
  r.max_leases_per_tenant = cap;
  return r;
}

PostgresOptions OneReader() {
  PostgresOptions options;
  options.read_connections = 1;
  return options;
}

PostgresOptions WithPasswordFile(const std::string& path) {
  PostgresOptions options;
  options.password_file = path;
  return options;
}

class PostgresJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_server, nullptr);
    conninfo_ = NewDatabase();
  }
  std::string conninfo_;
};

// --- Migrations ------------------------------------------------------------------------------

TEST_F(PostgresJobStoreTest, FreshDatabaseIsMigratedAndKeepsJobsAcrossReopen) {
  {
    std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CreateJob(MakeJob("kept"), {"e1"}, 5).ok());
  }
  EXPECT_EQ(Query(conninfo_, "SELECT version FROM qgrad_schema"),
            absl::StrCat(PostgresJobStore::kSchemaVersion));
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<JobRecord> job = store->GetJob("kept");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->last_event_sequence, 1);
  EXPECT_EQ(Query(conninfo_, "SELECT count(*) FROM qgrad_schema"), "1");
}

TEST_F(PostgresJobStoreTest, NewerSchemaIsRefusedAndLeftAlone) {
  ASSERT_NE(OpenStore(conninfo_), nullptr);
  Query(conninfo_, "UPDATE qgrad_schema SET version = 99");
  absl::StatusOr<std::unique_ptr<PostgresJobStore>> store = PostgresJobStore::Open(conninfo_);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("newer qgrad"));
  EXPECT_EQ(Query(conninfo_, "SELECT version FROM qgrad_schema"), "99");
}

TEST_F(PostgresJobStoreTest, ReplicasOpeningAtOnceMigrateOnce) {
  constexpr int kReplicas = 6;
  std::vector<std::unique_ptr<PostgresJobStore>> stores(kReplicas);
  std::latch start(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      stores[i] = OpenStore(conninfo_, OneReader());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& s : stores) EXPECT_NE(s, nullptr);
  EXPECT_EQ(Query(conninfo_, "SELECT count(*) FROM qgrad_schema"), "1");
  EXPECT_EQ(Query(conninfo_, "SELECT version FROM qgrad_schema"),
            absl::StrCat(PostgresJobStore::kSchemaVersion));
}

TEST_F(PostgresJobStoreTest, MigrationIsAllOrNothing) {
  std::unique_ptr<pg::Connection> c;
  {
    absl::StatusOr<pg::ConnectConfig> config = pg::MakeConnectConfig(conninfo_, std::nullopt);
    ASSERT_TRUE(config.ok());
    absl::StatusOr<std::unique_ptr<pg::Connection>> opened = pg::Connection::Open(*config);
    ASSERT_TRUE(opened.ok()) << opened.status();
    c = *std::move(opened);
  }
  std::vector<std::string> migrations = pg::Migrations();
  migrations.push_back("CREATE TABLE extra (x INTEGER); SELECT no_such_function()");
  absl::Status status = pg::MigrateSchema(*c, migrations);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat("migrating the job store schema to version ",
                                     PostgresJobStore::kSchemaVersion + 1)));
  EXPECT_THAT(status.message(), Not(HasSubstr("no_such_function")));
  // Nothing of it stayed: not even the known versions, which ran in the same transaction.
  EXPECT_EQ(Query(conninfo_,
                  "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                  "('jobs', 'extra')"),
            "0");
  int migrated = -1;
  ASSERT_TRUE(pg::MigrateSchema(*c, pg::Migrations(), &migrated).ok());
  EXPECT_EQ(migrated, PostgresJobStore::kSchemaVersion);
  ASSERT_TRUE(pg::MigrateSchema(*c, pg::Migrations(), &migrated).ok());
  EXPECT_EQ(migrated, 0);
}

// Version 1 had no queue counts: migration 2 counts the queued jobs already there.
TEST_F(PostgresJobStoreTest, VersionOneDatabaseGetsItsQueueCounted) {
  {
    absl::StatusOr<pg::ConnectConfig> config = pg::MakeConnectConfig(conninfo_, std::nullopt);
    ASSERT_TRUE(config.ok());
    absl::StatusOr<std::unique_ptr<pg::Connection>> c = pg::Connection::Open(*config);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(pg::MigrateSchema(**c, {pg::Migrations()[0]}).ok());
    for (const char* id : {"q1", "q2"}) {
      Query(conninfo_, absl::StrCat(
          "INSERT INTO jobs VALUES ('", id, "', 't', '', '\\x00', 0, 1, '', 'local', 1, 0, 0, 0, "
          "false, 0, 0)"));
    }
  }
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_, OneReader());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Query(conninfo_, "SELECT queued FROM queued_counts WHERE tenant = 't'"), "2");
  JobRecord third;
  third.id = "q3";
  third.tenant = "t";
  EXPECT_EQ(store->CreateJob(third, {}, 1, CreateLimits{2}).status().code(),
            absl::StatusCode::kResourceExhausted);
}

// The queue counts follow every way into and out of QUEUED.
TEST_F(PostgresJobStoreTest, QueueCountsFollowEveryStateChange) {
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_, OneReader());
  ASSERT_NE(store, nullptr);
  for (const char* id : {"a", "b", "c"}) {
    JobRecord job;
    job.id = id;
    job.tenant = "t";
    ASSERT_TRUE(store->CreateJob(job, {}, 1).ok());
  }
  JobRecord running;
  running.id = "r";
  running.tenant = "t";
  running.state = JobState::kRunning;
  ASSERT_TRUE(store->CreateJob(running, {}, 1).ok());
  JobUpdate start;
  start.state = JobState::kRunning;
  ASSERT_TRUE(store->UpdateJob("a", start).ok());
  JobUpdate cancel;
  cancel.state = JobState::kCancelled;
  ASSERT_TRUE(store->UpdateJob("b", cancel).ok());
  JobUpdate requeue;
  requeue.state = JobState::kQueued;
  ASSERT_TRUE(store->UpdateJob("r", requeue).ok());
  JobUpdate progress;  // no state change: no count change
  progress.iterations_done = 1;
  ASSERT_TRUE(store->UpdateJob("c", progress).ok());
  EXPECT_EQ(Query(conninfo_, "SELECT queued FROM queued_counts WHERE tenant = 't'"),
            Query(conninfo_, "SELECT count(*) FROM jobs WHERE tenant = 't' AND state = 1"));
  EXPECT_EQ(Query(conninfo_, "SELECT queued FROM queued_counts WHERE tenant = 't'"), "2");
}

// --- Claims across replicas -----------------------------------------------------------------

TEST_F(PostgresJobStoreTest, ConcurrentClaimsFromTwoInstancesNeverHandOutAJobTwice) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i) {
    JobRecord job = MakeJob(absl::StrCat("job-", i), absl::StrCat("t", i % 3));
    job.priority = i % 4;
    ASSERT_TRUE(a->CreateJob(job, {}, 0).ok());
  }
  constexpr int kThreadsPerStore = 4;
  absl::Mutex mu;
  std::map<std::string, int> claims;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerStore; ++t) {
    threads.emplace_back([&, t] {
      PostgresJobStore& store = t % 2 == 0 ? *a : *b;
      for (;;) {
        absl::StatusOr<std::optional<ClaimedJob>> claimed =
            store.ClaimJob(Claim(absl::StrCat("replica-", t), 5000));
        ASSERT_TRUE(claimed.ok()) << claimed.status();
        if (!claimed->has_value()) return;
        EXPECT_EQ((*claimed)->job.lease.owner, absl::StrCat("replica-", t));
        EXPECT_EQ((*claimed)->job.lease.token, 1);
        absl::MutexLock lock(&mu);
        claims[(*claimed)->job.id] += 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(claims.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, n] : claims) EXPECT_EQ(n, 1) << id;
}

TEST_F(PostgresJobStoreTest, PerTenantLeaseCapHoldsAcrossInstances) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(a->CreateJob(MakeJob(absl::StrCat("a-", i), "busy"), {}, 0).ok());
    ASSERT_TRUE(a->CreateJob(MakeJob(absl::StrCat("b-", i), "quiet"), {}, 0).ok());
  }
  constexpr int kCap = 3;
  absl::Mutex mu;
  std::map<std::string, int> per_tenant;
  std::vector<std::thread> threads;
  std::latch start(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      PostgresJobStore& store = t % 2 == 0 ? *a : *b;
      start.arrive_and_wait();
      for (;;) {
        absl::StatusOr<std::optional<ClaimedJob>> claimed =
            store.ClaimJob(Claim(absl::StrCat("replica-", t), 5000, kCap));
        ASSERT_TRUE(claimed.ok()) << claimed.status();
        if (!claimed->has_value()) return;
        absl::MutexLock lock(&mu);
        per_tenant[(*claimed)->job.tenant] += 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(per_tenant["busy"], kCap);
  EXPECT_EQ(per_tenant["quiet"], kCap);
  // Once a lease expires, its tenant may claim again.
  absl::StatusOr<std::optional<ClaimedJob>> later =
      a->ClaimJob(Claim("late", 5000 + 1'000'000'000, kCap));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_TRUE(later->has_value());
}

TEST_F(PostgresJobStoreTest, FencingHoldsAcrossInstances) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->CreateJob(MakeJob("j"), {}, 0).ok());
  ClaimRequest first = Claim("replica-a", 1000);
  first.lease_micros = 100;
  absl::StatusOr<std::optional<ClaimedJob>> by_a = a->ClaimJob(first);
  ASSERT_TRUE(by_a.ok() && by_a->has_value()) << by_a.status();
  EXPECT_EQ((*by_a)->job.lease.token, 1);
  EXPECT_EQ((*by_a)->job.lease.expires_micros, 1100);

  // A stalls; its lease expires; B takes the job over.
  absl::StatusOr<std::optional<ClaimedJob>> by_b = b->ClaimJob(Claim("replica-b", 2000));
  ASSERT_TRUE(by_b.ok() && by_b->has_value()) << by_b.status();
  EXPECT_EQ((*by_b)->job.lease.token, 2);

  JobUpdate stale;
  stale.fence = LeaseFence{"replica-a", 1, 2001};
  stale.events = {"from a"};
  EXPECT_EQ(a->UpdateJob("j", stale).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(a->RenewLease("j", {"replica-a", 1, 2001}, 100).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(a->ReleaseLease("j", {"replica-a", 1, 2001}).code(), absl::StatusCode::kAborted);

  JobUpdate fresh;
  fresh.fence = LeaseFence{"replica-b", 2, 2001};
  fresh.state = JobState::kRunning;
  fresh.events = {"from b"};
  ASSERT_TRUE(b->UpdateJob("j", fresh).ok());
  absl::StatusOr<std::vector<EventRecord>> events = a->ReadEvents("j", 0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].payload, "from b");
  EXPECT_EQ((*events)[0].lease_token, 2);

  absl::StatusOr<Lease> renewed = b->RenewLease("j", {"replica-b", 2, 3000}, 500);
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_EQ(renewed->expires_micros, 3500);
  ASSERT_TRUE(b->ReleaseLease("j", {"replica-b", 2, 3000}).ok());
  absl::StatusOr<std::optional<ClaimedJob>> again = a->ClaimJob(Claim("replica-a", 3001));
  ASSERT_TRUE(again.ok() && again->has_value()) << again.status();
  EXPECT_EQ((*again)->job.lease.token, 3);
  EXPECT_EQ((*again)->job.state, JobState::kRunning);
}

TEST_F(PostgresJobStoreTest, QueueLimitHoldsAcrossInstances) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kLimit = 5;
  std::atomic<int> created{0}, refused{0};
  std::vector<std::thread> threads;
  std::latch start(16);
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      PostgresJobStore& store = t % 2 == 0 ? *a : *b;
      start.arrive_and_wait();
      JobRecord job = MakeJob(absl::StrCat("job-", t));
      job.idempotency_key = absl::StrCat("key-", t);
      absl::StatusOr<CreateJobOutcome> outcome =
          store.CreateJob(job, {}, 0, CreateLimits{kLimit});
      if (outcome.ok()) {
        created += 1;
      } else {
        EXPECT_EQ(outcome.status().code(), absl::StatusCode::kResourceExhausted)
            << outcome.status();
        refused += 1;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), kLimit);
  EXPECT_EQ(refused.load(), 16 - kLimit);
  // An idempotent repeat is answered at the limit.
  absl::StatusOr<std::optional<JobRecord>> some = a->FindJobByKey("tenant-a", "key-0");
  ASSERT_TRUE(some.ok()) << some.status();
  std::string key = "key-0";
  if (!some->has_value()) {
    for (int t = 1; t < 16 && !some->has_value(); ++t) {
      key = absl::StrCat("key-", t);
      some = a->FindJobByKey("tenant-a", key);
    }
  }
  ASSERT_TRUE(some->has_value());
  JobRecord repeat = MakeJob("other-id");
  repeat.idempotency_key = key;
  absl::StatusOr<CreateJobOutcome> outcome = b->CreateJob(repeat, {}, 0, CreateLimits{kLimit});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->created);
  EXPECT_EQ(outcome->job.id, (*some)->id);
}

// Batches of two replicas take tenant locks in different orders; neither may deadlock the
// other (that would cost a second of deadlock_timeout and fail writes).
TEST_F(PostgresJobStoreTest, LimitedCreatesAndCappedClaimsAcrossTenantsDoNotDeadlock) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kThreads = 24, kPerThread = 15, kTenants = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresJobStore& store = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < kPerThread; ++i) {
        // Each thread walks the tenants in its own order.
        const std::string tenant = absl::StrCat("t", (t * 7 + i * (t % 3 + 1)) % kTenants);
        absl::StatusOr<CreateJobOutcome> created = store.CreateJob(
            MakeJob(absl::StrCat("job-", t, "-", i), tenant), {}, 0, CreateLimits{1000});
        if (!created.ok()) {
          ADD_FAILURE() << created.status();
          failures += 1;
        }
        absl::StatusOr<std::optional<ClaimedJob>> claimed =
            store.ClaimJob(Claim(absl::StrCat("r", t), 5000, 1000));
        if (!claimed.ok()) {
          ADD_FAILURE() << claimed.status();
          failures += 1;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // A deadlock fails a write (above) after stalling for deadlock_timeout (1 s) per retry;
  // the bound is loose so that a loaded machine does not fail the test.
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
  EXPECT_EQ(*a->CountJobs({}), kThreads * kPerThread);
}

// A row that another instance's batch holds is not waited for inside a batch (NOWAIT): the
// write runs again alone after its batch. Every update lands, events stay gap-free.
TEST_F(PostgresJobStoreTest, UpdatesOfOneJobFromTwoInstancesAreGaplessWithoutDeadlock) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->CreateJob(MakeJob("x"), {}, 0).ok());
  ASSERT_TRUE(a->CreateJob(MakeJob("y"), {}, 0).ok());
  constexpr int kThreads = 16, kPerThread = 15;
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PostgresJobStore& store = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < kPerThread; ++i) {
        JobUpdate update;
        update.events = {absl::StrCat(t, "/", i)};
        // Threads touch x and y in opposite orders.
        const std::string id = (i + t) % 2 == 0 ? "x" : "y";
        absl::StatusOr<JobRecord> updated = store.UpdateJob(id, update);
        EXPECT_TRUE(updated.ok()) << updated.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));  // loose: see the test above
  int64_t total = 0;
  for (const char* id : {"x", "y"}) {
    absl::StatusOr<std::vector<EventRecord>> events = a->ReadEvents(id, 0, 1000);
    ASSERT_TRUE(events.ok()) << events.status();
    for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].sequence, i + 1);
    EXPECT_EQ(a->GetJob(id)->last_event_sequence, static_cast<int64_t>(events->size()));
    total += static_cast<int64_t>(events->size());
  }
  EXPECT_EQ(total, kThreads * kPerThread);
}

// A session that holds a job's row lock for ever (here: an open transaction) delays a write
// of that job by lock_timeout_ms at most, which then fails plainly; other writes go on.
TEST_F(PostgresJobStoreTest, AWriteWaitsForAHeldLockOnlyUntilTheLockTimeout) {
  PostgresOptions options;
  options.lock_timeout_ms = 300;
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_, options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateJob(MakeJob("held"), {}, 0).ok());
  PGconn* holder = PQconnectdb(conninfo_.c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK);
  PQclear(PQexec(holder, "BEGIN"));
  PGresult* locked = PQexec(holder, "SELECT id FROM jobs WHERE id = 'held' FOR UPDATE");
  ASSERT_EQ(PQresultStatus(locked), PGRES_TUPLES_OK) << PQerrorMessage(holder);
  PQclear(locked);

  JobUpdate update;
  update.events = {"e"};
  const absl::Time start = absl::Now();
  absl::StatusOr<JobRecord> blocked = store->UpdateJob("held", update);
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable) << blocked.status();
  EXPECT_THAT(blocked.status().message(), HasSubstr("try again"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_GE(store->stats().deferred, 1);
  EXPECT_TRUE(store->CreateJob(MakeJob("other"), {}, 0).ok());

  PQclear(PQexec(holder, "ROLLBACK"));
  PQfinish(holder);
  absl::StatusOr<JobRecord> updated = store->UpdateJob("held", update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->last_event_sequence, 1);
}

// --- LISTEN / NOTIFY ----------------------------------------------------------------------

class RecordingObserver : public StoreObserver {
 public:
  void OnJobChanged(const std::string& job_id) override {
    absl::MutexLock lock(&mu_);
    changed_.insert(job_id);
  }
  void OnWorkAvailable() override {
    absl::MutexLock lock(&mu_);
    work_ += 1;
  }
  void OnResync() override {
    absl::MutexLock lock(&mu_);
    resyncs_ += 1;
  }
  bool WaitChanged(const std::string& id) {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return changed_.contains(id); };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), absl::Seconds(10));
  }
  bool WaitWork() {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return work_ > 0; };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), absl::Seconds(10));
  }
  bool WaitResync() {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return resyncs_ > 0; };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), absl::Seconds(20));
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    changed_.clear();
    work_ = 0;
  }
  int resyncs() {
    absl::MutexLock lock(&mu_);
    return resyncs_;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> changed_ ABSL_GUARDED_BY(mu_);
  int work_ ABSL_GUARDED_BY(mu_) = 0;
  int resyncs_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(PostgresJobStoreTest, ObserverHearsAnotherInstancesWrites) {
  std::unique_ptr<PostgresJobStore> a = OpenStore(conninfo_);
  std::unique_ptr<PostgresJobStore> b = OpenStore(conninfo_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  RecordingObserver observer;
  ASSERT_TRUE(b->SetObserver(&observer));
  ASSERT_TRUE(a->CreateJob(MakeJob("created"), {}, 0).ok());
  EXPECT_TRUE(observer.WaitChanged("created"));
  EXPECT_TRUE(observer.WaitWork());

  observer.Clear();
  JobUpdate update;
  update.events = {"e"};
  ASSERT_TRUE(a->UpdateJob("created", update).ok());
  EXPECT_TRUE(observer.WaitChanged("created"));
  // A failed write tells nobody.
  JobUpdate refused;
  refused.expected_states = {JobState::kSucceeded};
  ASSERT_FALSE(a->UpdateJob("created", refused).ok());

  absl::StatusOr<std::optional<ClaimedJob>> claimed = a->ClaimJob(Claim("r", 10));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  observer.Clear();
  ASSERT_TRUE(a->ReleaseLease("created", {"r", 1, 11}).ok());
  EXPECT_TRUE(observer.WaitChanged("created"));
  EXPECT_TRUE(observer.WaitWork());
  EXPECT_EQ(observer.resyncs(), 0);
  ASSERT_TRUE(b->SetObserver(nullptr));
}

// --- Restart, credentials, errors -------------------------------------------------------

// Last among the tests that use the server: it restarts it.
TEST_F(PostgresJobStoreTest, RestartedServerMeansUnavailableThenRecovery) {
  std::unique_ptr<PostgresJobStore> store =
      OpenStore(conninfo_, OneReader());
  ASSERT_NE(store, nullptr);
  RecordingObserver observer;
  ASSERT_TRUE(store->SetObserver(&observer));
  ASSERT_TRUE(store->CreateJob(MakeJob("before"), {}, 0).ok());

  ASSERT_TRUE(g_server->Restart().ok());

  absl::StatusOr<JobRecord> broken = store->GetJob("before");
  ASSERT_EQ(broken.status().code(), absl::StatusCode::kUnavailable) << broken.status();
  EXPECT_THAT(broken.status().message(), HasSubstr("try again"));
  absl::StatusOr<JobRecord> again = store->GetJob("before");
  ASSERT_TRUE(again.ok()) << again.status();

  absl::StatusOr<CreateJobOutcome> write = store->CreateJob(MakeJob("after"), {}, 0);
  if (!write.ok()) {
    EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable) << write.status();
    write = store->CreateJob(MakeJob("after"), {}, 0);
  }
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_TRUE(observer.WaitResync());
  EXPECT_GE(store->stats().reconnects, 1);

  // While the server is down: UNAVAILABLE, plainly.
  ASSERT_TRUE(g_server->Stop().ok());
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<JobRecord> down = store->GetJob("before");
    EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  }
  ASSERT_TRUE(g_server->Restart().ok());
  absl::StatusOr<JobRecord> back = store->GetJob("before");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(store->SetObserver(nullptr));
}

TEST_F(PostgresJobStoreTest, PasswordNeverAppearsInStatuses) {
  const std::string right = "Right-Pa55word-7431";
  const std::string wrong = "Wrong-Pa55word-9902";
  ASSERT_TRUE(g_server->CreatePasswordRole("app_user", right).ok());
  const std::string db = conninfo_.substr(conninfo_.find("dbname='") + 8);
  const std::string dbname = db.substr(0, db.find('\''));
  const std::string base = g_server->ConnInfo(dbname, "app_user");

  auto expect_clean = [&](const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(status.message(), HasSubstr("cannot log in: check the user and password"));
    for (const std::string& secret : {right, wrong}) {
      EXPECT_THAT(status.ToString(), Not(HasSubstr(secret)));
      EXPECT_THAT(ErrorDetail(status), Not(HasSubstr(secret)));
    }
  };
  // In the keyword string, in a URI, and from a password_file.
  expect_clean(PostgresJobStore::Open(base + " password=" + wrong).status());
  expect_clean(PostgresJobStore::Open(absl::StrCat("postgresql://app_user:", wrong, "@/", dbname,
                                                   "?host=", g_server->socket_dir()))
                   .status());
  const std::string file = absl::StrCat(g_server->socket_dir(), "/../pw_", getpid());
  {
    std::ofstream(file) << wrong << "\n";
  }
  expect_clean(PostgresJobStore::Open(base, WithPasswordFile(file)).status());
  // No password at all.
  expect_clean(PostgresJobStore::Open(base).status());

  // The right one, from the file (overriding a wrong one in the conninfo) and from
  // PGPASSWORD.
  {
    std::ofstream(file) << right << "\n";
  }
  EXPECT_NE(OpenStore(base + " password=" + wrong, WithPasswordFile(file)),
            nullptr);
  std::filesystem::remove(file);
  setenv("PGPASSWORD", right.c_str(), 1);
  EXPECT_NE(OpenStore(base), nullptr);
  unsetenv("PGPASSWORD");
}

TEST_F(PostgresJobStoreTest, ConnectionFailuresAreMappedPlainly) {
  absl::StatusOr<std::unique_ptr<PostgresJobStore>> no_server =
      PostgresJobStore::Open("host=/nonexistent-qgrad-dir dbname=x user=y connect_timeout=2");
  EXPECT_EQ(no_server.status().code(), absl::StatusCode::kUnavailable) << no_server.status();
  EXPECT_THAT(no_server.status().message(), HasSubstr("host=/nonexistent-qgrad-dir"));

  absl::StatusOr<std::unique_ptr<PostgresJobStore>> no_db =
      PostgresJobStore::Open(g_server->ConnInfo("no_such_database"));
  EXPECT_EQ(no_db.status().code(), absl::StatusCode::kFailedPrecondition) << no_db.status();
  EXPECT_THAT(no_db.status().message(), HasSubstr("does not exist"));

  absl::StatusOr<std::unique_ptr<PostgresJobStore>> garbage =
      PostgresJobStore::Open("host=x password=secret-123 =broken");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument) << garbage.status();
  EXPECT_THAT(garbage.status().ToString(), Not(HasSubstr("secret-123")));
}

TEST_F(PostgresJobStoreTest, StatementErrorsAreMappedWithDetailsInThePayload) {
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_);
  ASSERT_NE(store, nullptr);
  // PostgreSQL TEXT cannot hold a NUL byte.
  absl::StatusOr<CreateJobOutcome> nul = store->CreateJob(MakeJob("j", std::string("t\0x", 3)),
                                                          {}, 0);
  ASSERT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument) << nul.status();
  EXPECT_THAT(nul.status().message(), Not(HasSubstr("SELECT")));
  // The first statement that meets the tenant: its queue lock.
  EXPECT_THAT(ErrorDetail(nul.status()), HasSubstr("SQL: SELECT"));
  EXPECT_THAT(ErrorDetail(nul.status()), HasSubstr("22021"));
  // The batch went on: the store still writes.
  EXPECT_TRUE(store->CreateJob(MakeJob("j"), {}, 0).ok());

  struct Case {
    const char* sqlstate;
    absl::StatusCode code;
  };
  for (const Case& c : std::vector<Case>{
           {"08006", absl::StatusCode::kUnavailable},
           {"57P01", absl::StatusCode::kUnavailable},
           {"53100", absl::StatusCode::kUnavailable},
           {"53300", absl::StatusCode::kUnavailable},
           {"53200", absl::StatusCode::kResourceExhausted},
           {"23505", absl::StatusCode::kAlreadyExists},
           {"28P01", absl::StatusCode::kFailedPrecondition},
           {"40001", absl::StatusCode::kUnavailable},
           {"40P01", absl::StatusCode::kUnavailable},
           {"22021", absl::StatusCode::kInvalidArgument},
           {"XX001", absl::StatusCode::kDataLoss},
           {"42601", absl::StatusCode::kInternal},
       }) {
    const absl::Status s =
        pg::PgStatus(c.sqlstate, false, "SQL: SELECT 1; PostgreSQL: the server's words");
    EXPECT_EQ(s.code(), c.code) << c.sqlstate;
    EXPECT_THAT(s.message(), Not(HasSubstr("SELECT"))) << c.sqlstate;
    EXPECT_THAT(s.message(), Not(HasSubstr("server's words"))) << c.sqlstate;
    EXPECT_THAT(ErrorDetail(s), HasSubstr("SELECT 1")) << c.sqlstate;
  }
  EXPECT_EQ(pg::PgStatus("", true, "").code(), absl::StatusCode::kUnavailable);
}

TEST_F(PostgresJobStoreTest, GroupCommitBatchesConcurrentWrites) {
  std::unique_ptr<PostgresJobStore> store = OpenStore(conninfo_);
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 32, kPerThread = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_TRUE(store->CreateJob(MakeJob(absl::StrCat(t, "-", i)), {"e"}, 0).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const PostgresStats stats = store->stats();
  EXPECT_EQ(stats.writes, kThreads * kPerThread);
  EXPECT_LT(stats.transactions, stats.writes);
  EXPECT_EQ(*store->CountJobs({}), kThreads * kPerThread);
}

}  // namespace
}  // namespace qgrad::store
