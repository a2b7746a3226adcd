// Tests of JobManagers running as replicas of one shared store (the in-memory store, which
// implements leases like the real ones): the work is shared and every job runs once, a
// replica that shuts down hands its jobs to another, which resumes them from their
// checkpoints, a stalled replica loses its lease and can write no more, and the
// per-tenant limits hold across replicas. Results are compared with uninterrupted runs.
//
// Thread-safety: the managers run jobs on their own threads; the test thread only calls.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runner/runner.h"
#include "server/job_records.h"
#include "server/job_spec_for_testing.h"
#include "server/jobs.h"
#include "server/job_waits_for_testing.h"
#include "server/log.h"
#include "store/memory_job_store.h"

namespace qgrad::server {
namespace {

using store::JobState;

// A nested run of `iterations` outer steps (resumable from each checkpoint).
v1::JobSpec NestedRun(int iterations, double step = 0.05) {
  return ParseSpecForTest(absl::StrCat(
      R"({"problem": {"model": {"kind": "tfim", "numQubits": 5, "periodic": true}},
      "initialState": {"preparation": "zero"}, "method": {"nested": {"stepSize": )",
      step, R"(, "stop": {"maxIterations": )", iterations,
      R"(, "maxLayers": 100000, "indicatorThreshold": 0}}}})"));
}

// A baseline (not resumable: it runs again from its start on another replica).
v1::JobSpec AdaptRun() {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4}},
      "method": {"adaptVqe": {"maxIterations": 5, "gradientThreshold": 0}}})");
}

std::string Comparable(v1::JobResult result) {
  result.clear_wall_seconds();
  for (v1::IterationEvent& e : *result.mutable_history()) e.clear_elapsed_seconds();
  return result.SerializeAsString();
}

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override { SetMinLogLevel(LogLevel::kError); }
  void TearDown() override {
    for (auto& replica : replicas_) replica->Shutdown();
    SetMinLogLevel(LogLevel::kInfo);
  }

  // Starts a replica; its index in replicas_.
  int StartReplica(int max_running = 1, int max_running_per_tenant = 0,
                   int max_queued_per_tenant = 100, int64_t lease_micros = 2'000'000) {
    JobManagerOptions options;
    options.reaper_poll_micros = 1000;
    options.max_running_jobs = max_running;
    options.max_running_per_tenant = max_running_per_tenant;
    options.max_queued_per_tenant = max_queued_per_tenant;
    LeaseKeeperOptions replica;
    replica.owner = absl::StrCat("replica-", replicas_.size());
    replica.lease_micros = lease_micros;
    replica.claim_poll_micros = 10'000;
    options.replica = replica;
    replicas_.push_back(std::make_unique<JobManager>(&store_, options, clock_));
    EXPECT_TRUE(replicas_.back()->Start().ok());
    return static_cast<int>(replicas_.size()) - 1;
  }

  absl::StatusOr<std::string> Submit(int replica, const std::string& tenant,
                                     const v1::JobSpec& spec) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    absl::StatusOr<v1::SubmitJobResponse> response = replicas_[replica]->Submit(tenant, request);
    if (!response.ok()) return response.status();
    return response->job().id();
  }

  store::JobRecord WaitFor(const std::string& id,
                           const std::function<bool(const store::JobRecord&)>& done) {
    return WaitForJobRecord(store_, id, done, std::chrono::seconds(60));
  }
  store::JobRecord WaitTerminal(const std::string& id) {
    return WaitFor(id, [](const store::JobRecord& r) { return store::IsTerminal(r.state); });
  }

  // The job ended once, with the result of an uninterrupted run, and its log is a history
  // of one run: each iteration once and in order, one terminal event, and the fencing
  // tokens of its writes never going back (no two lease holders interleaved).
  void ExpectOneCleanRun(const std::string& id, const v1::JobSpec& spec) {
    store::JobRecord record = WaitTerminal(id);
    ASSERT_EQ(record.state, JobState::kSucceeded) << record.error;
    absl::StatusOr<std::optional<std::string>> bytes = store_.GetResult(id);
    ASSERT_TRUE(bytes.ok() && bytes->has_value());
    v1::JobResult result;
    ASSERT_TRUE(result.ParseFromString(**bytes));
    EXPECT_EQ(Comparable(result), Comparable(runner::RunJob(spec).value())) << id;
    absl::StatusOr<std::vector<store::EventRecord>> events = store_.ReadEvents(id, 0, 10000);
    ASSERT_TRUE(events.ok());
    int64_t last_token = 0;
    int next_iteration = 0, terminal = 0;
    for (const store::EventRecord& record : *events) {
      EXPECT_GE(record.lease_token, last_token) << id << " event " << record.sequence;
      if (record.lease_token > 0) last_token = record.lease_token;
      absl::StatusOr<v1::JobEvent> event = DecodeEvent(id, record);
      ASSERT_TRUE(event.ok());
      if (event->has_iteration()) {
        EXPECT_EQ(event->iteration().iteration(), next_iteration++) << id;
      } else if (event->state() == v1::JOB_STATE_SUCCEEDED) {
        ++terminal;
      }
    }
    EXPECT_EQ(next_iteration, result.history_size()) << id;
    EXPECT_EQ(terminal, 1) << id;
  }

  base::SystemClock system_clock_;
  base::FakeClock fake_clock_;  // for tests that move time by hand
  const base::Clock* clock_ = &system_clock_;
  store::MemoryJobStore store_;
  std::vector<std::unique_ptr<JobManager>> replicas_;
};

TEST_F(ReplicasTest, ReplicasShareTheWorkAndEveryJobRunsOnce) {
  StartReplica();
  StartReplica();
  std::map<std::string, v1::JobSpec> jobs;
  for (int i = 0; i < 6; ++i) {
    const v1::JobSpec spec = i % 3 == 2 ? AdaptRun() : NestedRun(4 + i);
    absl::StatusOr<std::string> id = Submit(i % 2, "alice", spec);
    ASSERT_TRUE(id.ok()) << id.status();
    jobs[*id] = spec;
  }
  std::set<std::string> owners;
  for (const auto& [id, spec] : jobs) {
    ExpectOneCleanRun(id, spec);
    owners.insert(store_.GetJob(id)->lease.owner);
  }
  EXPECT_EQ(owners.size(), 2u) << "one replica ran every job";
}

TEST_F(ReplicasTest, AReplicaThatShutsDownHandsItsJobToAnother) {
  const int first = StartReplica();
  const v1::JobSpec spec = NestedRun(40, 0.01);
  absl::StatusOr<std::string> id = Submit(first, "alice", spec);
  ASSERT_TRUE(id.ok()) << id.status();
  WaitFor(*id, [](const store::JobRecord& r) { return r.iterations_done >= 3; });
  replicas_[first]->Shutdown();
  const store::JobRecord handed_back = *store_.GetJob(*id);
  ASSERT_EQ(handed_back.state, JobState::kRunning);
  EXPECT_EQ(handed_back.lease.expires_micros, 0) << "the lease was not handed back";
  StartReplica();
  ExpectOneCleanRun(*id, spec);
  EXPECT_EQ(store_.GetJob(*id)->lease.owner, "replica-1");
  EXPECT_EQ(store_.GetJob(*id)->lease.token, 2);
}

TEST_F(ReplicasTest, AStalledReplicaLosesItsLeaseAndItsWritesAreRefused) {
  clock_ = &fake_clock_;
  base::FakeClock& fake = fake_clock_;
  const int first = StartReplica(1, 0, 100, /*lease_micros=*/300'000);
  const v1::JobSpec spec = NestedRun(60, 0.005);
  absl::StatusOr<std::string> id = Submit(first, "alice", spec);
  ASSERT_TRUE(id.ok()) << id.status();
  WaitFor(*id, [](const store::JobRecord& r) { return r.iterations_done >= 2; });
  const store::Lease stalled = store_.GetJob(*id)->lease;
  // Time passes as if the first replica had been frozen: its lease runs out, the job is
  // claimed again (by either replica) with a new token, and whatever the first run still
  // tries to write is refused.
  fake.Advance(10'000'000);
  StartReplica(1, 0, 100, 300'000);
  WaitFor(*id, [&](const store::JobRecord& r) { return r.lease.token > stalled.token; });
  store::JobUpdate late;
  late.fence = store::LeaseFence{stalled.owner, stalled.token, fake.NowMicros()};
  late.events = {"late"};
  EXPECT_EQ(store_.UpdateJob(*id, late).status().code(), absl::StatusCode::kAborted);
  ExpectOneCleanRun(*id, spec);
}

TEST_F(ReplicasTest, TheTenantRunningLimitHoldsAcrossReplicas) {
  StartReplica(2, /*max_running_per_tenant=*/1);
  StartReplica(2, 1);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::string> id = Submit(i % 2, "alice", NestedRun(100000, 0.001));
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  absl::StatusOr<std::string> other = Submit(0, "bob", NestedRun(100000, 0.001));
  ASSERT_TRUE(other.ok());
  WaitFor(*other, [](const store::JobRecord& r) { return r.state == JobState::kRunning; });
  store::JobQuery running;
  running.tenant = "alice";
  running.states = {JobState::kRunning};
  int64_t most = 0;
  for (int i = 0; i < 100; ++i) {
    most = std::max(most, *store_.CountJobs(running));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(most, 1);
  for (const std::string& id : ids) ASSERT_TRUE(replicas_[0]->CancelJob("alice", id).ok());
  ASSERT_TRUE(replicas_[1]->CancelJob("bob", *other).ok());
}

TEST_F(ReplicasTest, TheQueueLimitHoldsAcrossReplicas) {
  StartReplica(1, 0, /*max_queued_per_tenant=*/2);
  StartReplica(1, 0, 2);
  // Both replicas busy, so that what follows stays queued.
  std::vector<std::pair<std::string, std::string>> submitted;
  for (const char* tenant : {"busy-1", "busy-2"}) {
    absl::StatusOr<std::string> id = Submit(0, tenant, NestedRun(100000, 0.001));
    ASSERT_TRUE(id.ok());
    submitted.emplace_back(tenant, *id);
    WaitFor(*id, [](const store::JobRecord& r) { return r.state == JobState::kRunning; });
  }
  int accepted = 0, refused = 0;
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<std::string> id = Submit(i % 2, "alice", NestedRun(3));
    if (id.ok()) {
      ++accepted;
      submitted.emplace_back("alice", *id);
    } else {
      EXPECT_EQ(id.status().code(), absl::StatusCode::kResourceExhausted) << id.status();
      ++refused;
    }
  }
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(refused, 4);
  for (const auto& [tenant, id] : submitted) replicas_[1]->CancelJob(tenant, id).IgnoreError();
}

}  // namespace
}  // namespace qgrad::server
