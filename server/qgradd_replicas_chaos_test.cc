// Tests of qgradd on PostgreSQL: the chaos test of replicas, and credentials kept out of the
// log.
//
// Chaos test of qgradd replicas on one PostgreSQL: three real qgradd processes share a
// private PostgreSQL 15 server; jobs of every kind are submitted through all of them while
// the test SIGKILLs the two non-surviving replicas at random moments (and starts them
// again), and restarts PostgreSQL once. Watchers on the replica that is never killed
// follow a sample of the jobs.
//
// Every job must end exactly once, SUCCEEDED with the result of an uninterrupted
// in-process run; every watch stream must deliver consecutive sequences (no gap, no
// repeat), reopened from its last sequence when a stream ends; and the fencing record (the
// lease token of each stored event) must never go back within a job, which shows that no
// two replicas' runs of a job ever interleaved their writes.
//
// QGRAD_CHAOS_SECONDS sets the length of the chaos (default 40; the acceptance run, with
// its figures in bench/RESULTS.md, uses 130), QGRAD_CHAOS_JOBS the number of jobs
// (default 120; acceptance 240) and QGRAD_CHAOS_LONG_SCALE the length of the long jobs
// (default 1; the sanitizer build, several times slower, uses less). Seeded: the same kill
// schedule for the same seed.
//
// Thread-safety: watchers and submitters run on threads of their own; the kills, the
// restarts and the final checks run on the test's main thread (which also started
// PostgreSQL, whose parent-death signal is tied to it).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/job_records.h"
#include "server/qgradd_test_util.h"
#include "store/postgres_job_store.h"
#include "store/postgres_server_for_testing.h"

namespace qgrad::server::testing {
namespace {

constexpr char kToken[] = "chaos-token";
constexpr int kReplicas = 3;  // replica 0 survives; 1 and 2 are killed

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

double EnvDouble(const char* name, double fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atof(value) : fallback;
}

// A nested run of `iterations` short outer steps (8 qubits, a tiny fixed step), resumable
// from each one's checkpoint.
v1::JobSpec ResumableRun(int iterations) {
  return SpecFromJson(absl::StrCat(
      R"({"name": "long", "problem": {"model": {"kind": "tfim", "numQubits": 8,
      "periodic": true}}, "initialState": {"preparation": "zero"}, "method": {"nested":
      {"stepSize": 0.002, "stop": {"maxIterations": )",
      iterations, R"(, "maxLayers": 100000, "indicatorThreshold": 0}}}})"));
}

// A watch that reopens its stream from the last sequence it saw until the terminal event,
// checking that every stream continues exactly where the last one stopped.
struct WatchRecord {
  std::string job_id;
  int64_t last_sequence = 0;
  int streams = 0;
  std::string problem;  // empty: consecutive sequences ending in one terminal event
  bool finished = false;
};

void FollowJob(const std::string& address, WatchRecord& record,
               std::chrono::steady_clock::time_point give_up) {
  auto stub = JobStub(address);
  while (!record.finished && std::chrono::steady_clock::now() < give_up) {
    ++record.streams;
    v1::WatchJobRequest request;
    request.set_job_id(record.job_id);
    request.set_after_sequence(record.last_sequence);
    auto context = Context(kToken, std::chrono::seconds(120));
    auto reader = stub->WatchJob(context.get(), request);
    v1::JobEvent event;
    while (reader->Read(&event)) {
      if (event.sequence() != record.last_sequence + 1 && record.problem.empty()) {
        record.problem = absl::StrCat("sequence ", event.sequence(), " after ",
                                      record.last_sequence);
      }
      record.last_sequence = event.sequence();
      if (IsTerminal(event.state())) record.finished = true;
    }
    reader->Finish().IgnoreError();
    if (!record.finished) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

class ReplicasChaosTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::PostgresServerForTesting>> pg =
        store::PostgresServerForTesting::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = *std::move(pg);
    absl::StatusOr<std::string> conninfo =
        pg_->CreateDatabase(store::PostgresServerForTesting::ConnForm::kUri);
    ASSERT_TRUE(conninfo.ok()) << conninfo.status();
    conninfo_ = *conninfo;
    WriteFile(dir_.File("tokens"), absl::StrCat("alice ", Sha256Hex(kToken), "\n"));
    for (int i = 0; i < kReplicas; ++i) {
      replicas_.push_back(StartReplica(i));
      ASSERT_NE(replicas_.back(), nullptr) << "replica " << i << " did not start";
    }
  }

  std::unique_ptr<QgraddProcess> StartReplica(int i) {
    return QgraddProcess::Start(
        dir_.File(absl::StrCat("data-", i, "-", ++starts_)),
        {"--store=" + conninfo_, absl::StrCat("--replica_id=replica-", i),
         "--tokens_file=" + dir_.File("tokens"), "--lease_seconds=2", "--max_running_jobs=2",
         "--max_queued_per_tenant=100000", "--log_level=warning"});
  }

  // Submits through replica `preferred`, or another one while it is down; the idempotency
  // key makes a retry after an unanswered submission safe.
  std::string SubmitSomewhere(const v1::JobSpec& spec, const std::string& key, int preferred) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      std::string address;
      {
        absl::MutexLock lock(&replicas_mu_);
        const auto& replica = replicas_[(preferred + attempt) % kReplicas];
        if (replica != nullptr) address = replica->address();
      }
      if (!address.empty()) {
        v1::SubmitJobRequest request;
        *request.mutable_spec() = spec;
        request.set_idempotency_key(key);
        v1::SubmitJobResponse response;
        if (JobStub(address)->SubmitJob(Context(kToken, std::chrono::seconds(10)).get(),
                                        request, &response)
                .ok()) {
          return response.job().id();
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  // What the replicas' logs say of a job, for a failure's message.
  std::string LogLinesOf(const std::string& job_id) const {
    std::string lines;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
      std::istringstream in(ReadFile(entry.path().string()));
      for (std::string line; std::getline(in, line);) {
        if (line.find(job_id) != std::string::npos) {
          absl::StrAppend(&lines, entry.path().filename().string(), ": ", line, "\n");
        }
      }
    }
    return lines;
  }

  TempDir dir_;
  std::unique_ptr<store::PostgresServerForTesting> pg_;
  std::string conninfo_;
  absl::Mutex replicas_mu_;  // replicas_ slots change while submitters read addresses
  std::vector<std::unique_ptr<QgraddProcess>> replicas_;
  int starts_ = 0;
};

TEST_F(ReplicasChaosTest, EveryJobEndsOnceWithItsUninterruptedResult) {
  const int chaos_seconds = EnvInt("QGRAD_CHAOS_SECONDS", 40);
  const int num_jobs = EnvInt("QGRAD_CHAOS_JOBS", 120);
  std::vector<NamedSpec> kinds = TinySpecs();
  // Longer resumable jobs (a few milliseconds an iteration, no layer cap to end them
  // early), so that kills meet running jobs.
  const double scale = EnvDouble("QGRAD_CHAOS_LONG_SCALE", 1.0);
  for (int base : {100, 300, 600}) {
    const int iterations = std::max(10, static_cast<int>(base * scale));
    kinds.push_back({absl::StrCat("long", iterations), ResumableRun(iterations)});
  }
  std::vector<std::string> references;
  for (const NamedSpec& kind : kinds) references.push_back(ReferenceResult(kind.spec));

  // Submissions spread over the first 70 % of the chaos, so that kills meet running jobs.
  std::vector<std::string> ids(num_jobs);
  std::vector<int> kind_of(num_jobs);
  // Watchers on the survivor follow every sixth job from its first event, during the chaos.
  const std::string survivor = replicas_[0]->address();
  std::vector<WatchRecord> watches((num_jobs + 5) / 6);
  std::vector<std::thread> watchers;
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(chaos_seconds + 240);
  std::thread submitter([&] {
    const auto start = std::chrono::steady_clock::now();
    for (int j = 0; j < num_jobs; ++j) {
      std::this_thread::sleep_until(start + std::chrono::milliseconds(
                                                int64_t{700} * chaos_seconds * j / num_jobs));
      kind_of[j] = j % static_cast<int>(kinds.size());
      ids[j] = SubmitSomewhere(kinds[kind_of[j]].spec, absl::StrCat("chaos-", j), j);
      if (j % 6 == 0) {
        WatchRecord& w = watches[j / 6];
        w.job_id = ids[j];
        watchers.emplace_back([&survivor, &give_up, record = &w] {
          FollowJob(survivor, *record, give_up);
        });
      }
    }
  });

  // The chaos: kills of replicas 1 and 2 at seeded random moments, one PostgreSQL restart
  // half-way.
  std::mt19937 rng(20261205);
  int kills = 0;
  bool restarted_postgres = false;
  const auto chaos_end = std::chrono::steady_clock::now() + std::chrono::seconds(chaos_seconds);
  const auto halfway = std::chrono::steady_clock::now() + std::chrono::seconds(chaos_seconds / 2);
  while (std::chrono::steady_clock::now() < chaos_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(2000, 6000)(rng)));
    if (!restarted_postgres && std::chrono::steady_clock::now() >= halfway) {
      const absl::Status restart = pg_->Restart();
      EXPECT_TRUE(restart.ok()) << restart;
      if (!restart.ok()) break;
      restarted_postgres = true;
      continue;
    }
    const int victim = 1 + std::uniform_int_distribution<int>(0, 1)(rng);
    std::unique_ptr<QgraddProcess> dead;
    {
      absl::MutexLock lock(&replicas_mu_);
      dead = std::move(replicas_[victim]);
    }
    dead->Kill();
    ++kills;
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(200, 2500)(rng)));
    std::unique_ptr<QgraddProcess> fresh = StartReplica(victim);
    EXPECT_NE(fresh, nullptr) << "replica " << victim << " did not start again";
    if (fresh == nullptr) break;
    absl::MutexLock lock(&replicas_mu_);
    replicas_[victim] = std::move(fresh);
  }
  submitter.join();
  for (std::thread& t : watchers) t.join();
  ASSERT_TRUE(restarted_postgres);

  // Every job: SUCCEEDED once, the uninterrupted result, a clean log, a monotone fence.
  absl::StatusOr<std::unique_ptr<store::PostgresJobStore>> store =
      store::PostgresJobStore::Open(conninfo_, {});
  ASSERT_TRUE(store.ok()) << store.status();
  auto stub = JobStub(replicas_[0]->address());
  int taken_over = 0;
  std::map<std::string, int> finished_by;  // replica id → jobs whose last lease it held
  for (int j = 0; j < num_jobs; ++j) {
    ASSERT_FALSE(ids[j].empty()) << "job " << j << " was never accepted";
    const v1::Job job =
        WaitFor(*stub, kToken, ids[j], [](const v1::Job& job) { return IsTerminal(job.state()); },
                std::chrono::seconds(300));
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << ids[j] << ": " << job.error();
    v1::GetJobResultRequest request;
    request.set_job_id(ids[j]);
    v1::JobResult result;
    ASSERT_TRUE(stub->GetJobResult(Context(kToken).get(), request, &result).ok());
    absl::StatusOr<std::vector<store::EventRecord>> events =
        (*store)->ReadEvents(ids[j], 0, 100000);
    ASSERT_TRUE(events.ok()) << events.status();
    std::string tokens;
    int64_t token = 0;
    for (const store::EventRecord& e : *events) {
      EXPECT_GE(e.lease_token, token) << ids[j] << " event " << e.sequence;
      token = std::max(token, e.lease_token);
      absl::StrAppend(&tokens, e.lease_token, " ");
    }
    const std::string trail = absl::StrCat(ids[j], " (", kinds[kind_of[j]].name,
                                           "), event tokens: ", tokens, "\n", LogLinesOf(ids[j]));
    EXPECT_EQ(Comparable(result), references[kind_of[j]]) << trail;
    Watched log = WatchAll(*stub, kToken, ids[j]);
    EXPECT_EQ(CheckEventLog(log.events, v1::JOB_STATE_SUCCEEDED), "") << trail;
    if (token > 1) ++taken_over;
    absl::StatusOr<store::JobRecord> record = (*store)->GetJob(ids[j]);
    ASSERT_TRUE(record.ok()) << record.status();
    ++finished_by[record->lease.owner.substr(0, record->lease.owner.rfind('-'))];
  }
  int reopened = 0;
  for (const WatchRecord& w : watches) {
    EXPECT_TRUE(w.finished) << w.job_id;
    EXPECT_EQ(w.problem, "") << w.job_id;
    reopened += w.streams - 1;
  }
  std::cerr << "chaos: " << num_jobs << " jobs, " << chaos_seconds << " s, " << kills
            << " replica kills, 1 PostgreSQL restart; " << taken_over
            << " jobs ran under more than one lease; " << watches.size()
            << " watches on the survivor reopened " << reopened << " streams; last lease held by";
  for (const auto& [replica, count] : finished_by) std::cerr << " " << replica << ": " << count;
  std::cerr << "\n";
  EXPECT_GT(kills, 0);
}

// The database password, in the URI or in --store_password_file, appears in no log line
// when qgradd cannot log in or cannot reach the server.
TEST(QgraddPostgresCredentialsTest, ThePasswordIsNeverLogged) {
  absl::StatusOr<std::unique_ptr<store::PostgresServerForTesting>> pg =
      store::PostgresServerForTesting::Start();
  ASSERT_TRUE(pg.ok()) << pg.status();
  ASSERT_TRUE((*pg)->CreatePasswordRole("qgrad_login", "right-password-4711").ok());
  TempDir dir;
  WriteFile(dir.File("password"), "wrong-password-0815\n");
  const std::string socket = (*pg)->socket_dir();
  struct Case {
    std::vector<std::string> args;
    std::string secret;
  };
  for (const Case& c : std::vector<Case>{
           {{"--store=postgresql://qgrad_login:wrong-password-0815@/postgres?host=" + socket},
            "wrong-password-0815"},
           {{"--store=postgresql://qgrad_login@/postgres?host=" + socket,
             "--store_password_file=" + dir.File("password")},
            "wrong-password-0815"},
           {{"--store=postgresql://qgrad_login:unreachable-4242@127.0.0.1:1/qgrad"},
            "unreachable-4242"},
       }) {
    std::string log;
    EXPECT_EQ(QgraddProcess::RunToExit(c.args, &log), 1) << log;
    EXPECT_NE(log.find("--store"), std::string::npos) << log;
    EXPECT_EQ(log.find(c.secret), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace qgrad::server::testing
