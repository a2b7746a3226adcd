// Crash test: qgradd is killed with SIGKILL at random (seeded) moments while jobs run —
// nested, ADAPT-VQE and parameter-shift jobs that resume from their checkpoints, and a
// hardware-efficient VQE job, which has none and runs again from its seeded start — and
// restarted each time. Afterwards every job has SUCCEEDED exactly once with a result
// identical to an uninterrupted in-process run, its event log has no gaps, repeats or
// duplicated iterations (the stored iteration events equal the uninterrupted history), and
// no job was lost or created twice (clients retry with their idempotency keys).
//
// Thread-safety: single-threaded test (the server is another process).
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runner/runner.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

constexpr char kToken[] = "crash-token";

std::vector<v1::JobSpec> CrashSpecs() {
  v1::JobSpec warm = SpecFromJson(R"({"name": "warm", "problem": {"maxcut": {"generator":
      {"kind": "ring", "numNodes": 6}, "shots": 64}}, "initialState": {"preparation": "plus",
      "ansatz": {"name": "qaoa"}}, "method": {"nested": {"warmStart": {}, "stepSize": 0.05,
      "stop": {"maxIterations": 40, "indicatorThreshold": 0}}}, "seed": 9})");
  v1::JobSpec adapt = SpecFromJson(R"({"name": "adapt", "problem": {"model": {"kind": "tfim",
      "numQubits": 8}}, "method": {"adaptVqe": {"maxIterations": 60,
      "gradientThreshold": 0}}})");
  v1::JobSpec shift = SpecFromJson(R"({"name": "shift", "problem": {"model": {"kind":
      "heisenberg", "numQubits": 5}}, "initialState": {"preparation": "zero", "ansatz":
      {"name": "random_layers", "layers": 3}}, "method": {"parameterShift": {"iterations":
      600, "learningRate": 0.05}}, "seed": 4})");
  v1::JobSpec hea = SpecFromJson(R"({"name": "hea", "problem": {"model": {"kind": "tfim",
      "numQubits": 10}}, "method": {"heaVqe": {"layers": 2, "maxEvaluations": 300}},
      "seed": 6})");
  // Shadows mode: the resumed job must draw the shots the uninterrupted one drew.
  v1::JobSpec shadows = SpecFromJson(R"({"name": "shadows", "problem": {"maxcut": {"generator":
      {"kind": "ring", "numNodes": 6}, "shots": 64}}, "initialState": {"preparation": "plus",
      "ansatz": {"name": "qaoa"}, "params": [0.3, -0.3]}, "method": {"nested": {"stepSize":
      0.1, "stop": {"maxIterations": 30, "indicatorThreshold": 0}}}, "estimation": {"shadows":
      {"shotsPerIteration": 2000, "shotsPerSetting": 50}}, "seed": 8})");
  return {MediumSpec(60), MediumSpec(45), warm, adapt, shift, hea, shadows};
}

v1::SubmitJobResponse Submit(v1::JobService::Stub& stub, const v1::JobSpec& spec,
                             const std::string& key) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  request.set_idempotency_key(key);
  v1::SubmitJobResponse response;
  grpc::Status status = stub.SubmitJob(Context(kToken).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST(QgraddCrashTest, SigkillAtRandomPointsLosesNothingAndChangesNothing) {
  TempDir dir;
  WriteFile(dir.File("tokens"), absl::StrCat("crash ", Sha256Hex(kToken), "\n"));
  // Every job runs at once, so that each of them is interrupted.
  const std::vector<std::string> args = {"--tokens_file=" + dir.File("tokens"),
                                         "--max_running_jobs=7"};
  const std::vector<v1::JobSpec> specs = CrashSpecs();
  std::vector<v1::JobResult> references;
  for (const v1::JobSpec& spec : specs) {
    absl::StatusOr<v1::JobResult> result = runner::RunJob(spec);
    ASSERT_TRUE(result.ok()) << result.status();
    references.push_back(*result);
  }

  std::mt19937 rng(20261125);
  std::uniform_int_distribution<int> extra_ms(0, 120);
  std::vector<std::string> ids(specs.size());
  // Kill several times, and on until every job has been caught in the middle of its run at
  // least once (bounded). Each kill waits for fresh progress first — a job caught mid-run
  // that nobody was caught with yet, else any job mid-run — then a random extra moment, so
  // that slow builds (sanitizers) still move forward between kills.
  std::vector<int> interrupted(specs.size(), 0);
  auto all_interrupted = [&] {
    for (int n : interrupted) {
      if (n == 0) return false;
    }
    return true;
  };
  auto mid_run = [&](size_t i, const v1::Job& job) {
    return job.state() == v1::JOB_STATE_RUNNING && job.iterations_done() > 0 &&
           job.iterations_done() < references[i].history_size();
  };
  constexpr int kMinKills = 4, kMaxKills = 15;
  int kills = 0;
  for (int round = 0;; ++round) {
    auto server = QgraddProcess::Start(dir.File("data"), args);
    ASSERT_NE(server, nullptr);
    auto stub = JobStub(server->address());
    // Clients retry their submissions after every outage; the keys make that harmless.
    for (size_t i = 0; i < specs.size(); ++i) {
      v1::SubmitJobResponse response = Submit(*stub, specs[i], absl::StrCat("crash-", i));
      EXPECT_EQ(response.created(), round == 0);
      if (round == 0) ids[i] = response.job().id();
      EXPECT_EQ(response.job().id(), ids[i]);
    }
    if ((kills >= kMinKills && all_interrupted()) || kills == kMaxKills) break;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool progress = false;
    while (!progress && std::chrono::steady_clock::now() < give_up) {
      bool any_mid_run = false, all_done = true;
      for (size_t i = 0; i < specs.size(); ++i) {
        v1::Job job = WaitFor(*stub, kToken, ids[i], [](const v1::Job&) { return true; });
        all_done = all_done && IsTerminal(job.state());
        if (!mid_run(i, job)) continue;
        any_mid_run = true;
        if (interrupted[i] == 0) progress = true;
      }
      if (all_done) break;
      if (any_mid_run && all_interrupted()) progress = true;
      if (!progress) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!progress) break;  // everything finished: nothing left to interrupt
    std::this_thread::sleep_for(std::chrono::milliseconds(extra_ms(rng)));
    for (size_t i = 0; i < specs.size(); ++i) {
      if (mid_run(i, WaitFor(*stub, kToken, ids[i], [](const v1::Job&) { return true; }))) {
        ++interrupted[i];
      }
    }
    server->Kill();
    ++kills;
  }
  EXPECT_GE(kills, kMinKills);
  // Every job must have been hit in the middle, or this test proves nothing.
  for (size_t i = 0; i < specs.size(); ++i) {
    EXPECT_GT(interrupted[i], 0) << specs[i].name() << " was never interrupted mid-run";
  }
  std::cerr << kills << " kills\n";

  auto server = QgraddProcess::Start(dir.File("data"), args);
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].name());
    v1::Job job = WaitFor(*stub, kToken, ids[i],
                          [](const v1::Job& j) { return IsTerminal(j.state()); },
                          std::chrono::seconds(300));
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
    Watched watched = WatchAll(*stub, kToken, ids[i], 0, std::chrono::seconds(300));
    ASSERT_TRUE(watched.status.ok()) << watched.status.error_message();
    EXPECT_EQ(CheckEventLog(watched.events, v1::JOB_STATE_SUCCEEDED), "");

    v1::GetJobResultRequest request;
    request.set_job_id(ids[i]);
    v1::JobResult result;
    ASSERT_TRUE(stub->GetJobResult(Context(kToken).get(), request, &result).ok());
    EXPECT_EQ(Comparable(result), Comparable(references[i]));

    // The stored progress is the uninterrupted history, each iteration exactly once.
    std::vector<std::string> stored, expected;
    for (const v1::JobEvent& e : watched.events) {
      if (!e.has_iteration()) continue;
      v1::IterationEvent it = e.iteration();
      it.clear_elapsed_seconds();
      stored.push_back(it.SerializeAsString());
    }
    for (v1::IterationEvent it : references[i].history()) {
      it.clear_elapsed_seconds();
      expected.push_back(it.SerializeAsString());
    }
    EXPECT_EQ(stored.size(), expected.size());
    EXPECT_TRUE(stored == expected);
  }
  v1::ListJobsResponse all;
  ASSERT_TRUE(stub->ListJobs(Context(kToken).get(), {}, &all).ok());
  EXPECT_EQ(all.jobs_size(), int(specs.size()));
  if (HasFailure()) std::cerr << server->Log();
}

}  // namespace
}  // namespace qgrad::server::testing
