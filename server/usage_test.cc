// Tests of job usage and of the metrics as real tiny jobs run through a JobManager on the
// in-memory store (behind LoggedJobStore, as in qgradd): a shadows-mode job's usage grows
// with its stored events and equals what they and its result report, a tenant's totals are
// the sum of its jobs, other tenants' jobs are NOT_FOUND, a resumed job adds to what it
// spent before, and the scraped metrics follow the jobs (also across a restart).
//
// Thread-safety: the manager runs jobs on its own threads; the test thread only calls it.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "backends/local/local_backend.h"
#include "gtest/gtest.h"
#include "runner/runner.h"
#include "server/job_records.h"
#include "server/job_spec_for_testing.h"
#include "server/job_waits_for_testing.h"
#include "server/jobs.h"
#include "server/log.h"
#include "server/logged_job_store.h"
#include "server/metrics.h"
#include "server/prometheus_text_for_testing.h"
#include "store/memory_job_store.h"

namespace qgrad::server {
namespace {

using store::JobState;

// Three shadows-mode iterations on the local shot simulator (about 0.1 s).
v1::JobSpec Shadows() {
  return ParseSpecForTest(R"({"problem": {"maxcut": {"generator": {"kind": "ring", "numNodes": 4}}},
      "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa"},
      "params": [0.3, -0.3]}, "method": {"nested": {"stop": {"maxIterations": 3,
      "indicatorThreshold": 0}}}, "estimation": {"shadows": {"shotsPerIteration": 1000,
      "shotsPerSetting": 50, "backend": "local"}}, "seed": 5})");
}

v1::JobSpec Exact(int iterations) {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4, "periodic": true}},
      "initialState": {"preparation": "zero"}, "method": {"nested": {"stepSize": 0.05,
      "stop": {"maxIterations": )" + std::to_string(iterations) +
              R"(, "indicatorThreshold": 0}}}})");
}

class UsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetMinLogLevel(LogLevel::kWarning);
    ASSERT_TRUE(registry_.Add(std::make_shared<backends::local::LocalBackend>()).ok());
  }
  void TearDown() override { SetMinLogLevel(LogLevel::kInfo); }

  // A manager as qgradd builds it: the store timed into the metrics, the manager counting
  // into them too. A restart is a new manager over the same store.
  void Start() {
    if (jobs_) jobs_->Shutdown();
    jobs_.reset();
    JobManagerOptions options;
    options.backends = &registry_;
    options.metrics = &metrics_;
    options.reaper_poll_micros = 1000;
    jobs_ = std::make_unique<JobManager>(&store_, options, &clock_);
    ASSERT_TRUE(jobs_->Start().ok());
  }

  std::string Submit(const std::string& tenant, const v1::JobSpec& spec) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    absl::StatusOr<v1::SubmitJobResponse> response = jobs_->Submit(tenant, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->job().id() : "";
  }

  store::JobRecord WaitTerminal(const std::string& id) {
    return WaitForJobRecord(
        store_, id, [](const store::JobRecord& r) { return store::IsTerminal(r.state); },
        std::chrono::seconds(30));
  }

  v1::JobUsage JobUsage(const std::string& tenant, const std::string& id) {
    absl::StatusOr<v1::Job> job = jobs_->GetJob(tenant, id);
    EXPECT_TRUE(job.ok()) << job.status();
    return job.ok() ? job->usage() : v1::JobUsage();
  }

  std::map<std::string, double> Scrape() {
    absl::StatusOr<ParsedMetrics> parsed = ParsePrometheusTextForTesting(jobs_->MetricsText());
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? parsed->samples : std::map<std::string, double>();
  }

  base::SystemClock clock_;
  backends::Registry registry_;
  ServerMetrics metrics_;
  LoggedJobStore store_{std::make_unique<store::MemoryJobStore>(), &metrics_};
  std::unique_ptr<JobManager> jobs_;
};

TEST_F(UsageTest, AShadowsJobsUsageIsWhatItsEventsAndResultReport) {
  Start();
  const std::string id = Submit("alice", Shadows());
  ASSERT_EQ(WaitTerminal(id).state, JobState::kSucceeded);
  absl::StatusOr<std::vector<v1::JobEvent>> events = jobs_->ReadEvents(id, 0, 100);
  ASSERT_TRUE(events.ok());
  // Every iteration's event carries the sums of the iterations so far; CPU time only grows.
  int64_t shots = 0;
  int64_t circuits = 0;
  double cpu = 0;
  int iterations = 0;
  for (const v1::JobEvent& event : *events) {
    if (!event.has_iteration()) continue;
    ++iterations;
    shots += event.iteration().estimation().shots();
    circuits += event.iteration().estimation().circuits();
    ASSERT_TRUE(event.has_usage());
    EXPECT_EQ(event.usage().shots(), shots);
    EXPECT_EQ(event.usage().circuits(), circuits);
    EXPECT_GE(event.usage().cpu_seconds(), cpu);
    cpu = event.usage().cpu_seconds();
  }
  ASSERT_EQ(iterations, 3);
  EXPECT_GE(shots, 3000);
  EXPECT_GT(circuits, 0);
  // The end adds the estimates outside the iterations (the final estimate): the job's usage
  // is then what its result says it measured.
  absl::StatusOr<v1::JobResult> result = jobs_->GetResult("alice", id);
  ASSERT_TRUE(result.ok());
  ASSERT_GT(result->estimation().shots(), shots);
  const v1::JobUsage usage = JobUsage("alice", id);
  EXPECT_EQ(usage.shots(), result->estimation().shots());
  EXPECT_EQ(usage.circuits(), result->estimation().circuits());
  EXPECT_GT(usage.cpu_seconds(), 0);
  EXPECT_GE(usage.cpu_seconds(), cpu);
  EXPECT_LT(usage.cpu_seconds(), 60);
  const v1::JobEvent& last = events->back();
  EXPECT_EQ(last.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(last.usage().SerializeAsString(), usage.SerializeAsString());

  // The metrics counted the same shots and circuits, and the store calls that wrote them.
  std::map<std::string, double> m = Scrape();
  EXPECT_EQ(m.at("qgrad_shots_total{backend=\"local\"}"), usage.shots());
  EXPECT_EQ(m.at("qgrad_circuits_total{backend=\"local\"}"), usage.circuits());
  EXPECT_EQ(m.at("qgrad_iteration_duration_seconds_count{method=\"nested\"}"), 3);
  EXPECT_EQ(m.at("qgrad_jobs{state=\"succeeded\"}"), 1);
  EXPECT_EQ(m.at("qgrad_jobs{state=\"queued\"}"), 0);
  EXPECT_EQ(m.at("qgrad_submissions_total{result=\"created\"}"), 1);
  // Start, 3 iterations, finish. A store call is timed after it returns, which can be just
  // after this thread saw what it wrote: wait for the last one (bounded).
  const std::string update_count =
      "qgrad_store_operation_duration_seconds_count{operation=\"UpdateJob\"}";
  for (int i = 0; i < 500 && m.at(update_count) < 5; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    m = Scrape();
  }
  EXPECT_GE(m.at(update_count), 5);
  EXPECT_EQ(m.at("qgrad_store_operation_duration_seconds_count{operation=\"CreateJob\"}"), 1);
}

TEST_F(UsageTest, TenantTotalsAreTheSumOfItsJobsAndOthersAreHidden) {
  Start();
  const std::string a1 = Submit("alice", Shadows());
  const std::string a2 = Submit("alice", Exact(3));
  const std::string b1 = Submit("bob", Shadows());
  for (const std::string& id : {a1, a2, b1}) ASSERT_EQ(WaitTerminal(id).state, JobState::kSucceeded);
  const v1::JobUsage u1 = JobUsage("alice", a1);
  const v1::JobUsage u2 = JobUsage("alice", a2);
  EXPECT_EQ(u2.shots(), 0);  // exact estimation measures nothing
  EXPECT_EQ(u2.circuits(), 0);
  EXPECT_GT(u2.cpu_seconds(), 0);

  v1::GetUsageRequest request;
  request.set_job_id(a2);
  absl::StatusOr<v1::GetUsageResponse> alice = jobs_->GetUsage("alice", request);
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->jobs(), 2);
  EXPECT_EQ(alice->tenant().shots(), u1.shots() + u2.shots());
  EXPECT_EQ(alice->tenant().circuits(), u1.circuits() + u2.circuits());
  EXPECT_DOUBLE_EQ(alice->tenant().cpu_seconds(), u1.cpu_seconds() + u2.cpu_seconds());
  EXPECT_EQ(alice->job().SerializeAsString(), u2.SerializeAsString());

  // Bob sees his own totals only; Alice's job is NOT_FOUND to him, as GetJob says.
  absl::StatusOr<v1::GetUsageResponse> bob = jobs_->GetUsage("bob", {});
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->jobs(), 1);
  EXPECT_EQ(bob->tenant().shots(), JobUsage("bob", b1).shots());
  EXPECT_FALSE(bob->has_job());
  request.set_job_id(a1);
  EXPECT_EQ(jobs_->GetUsage("bob", request).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->GetUsage("carol", {})->jobs(), 0);

  // The metrics count every tenant's shots; a restarted manager reads the job counts from
  // the store.
  EXPECT_EQ(Scrape().at("qgrad_shots_total{backend=\"local\"}"),
            u1.shots() + JobUsage("bob", b1).shots());
  Start();
  EXPECT_EQ(Scrape().at("qgrad_jobs{state=\"succeeded\"}"), 3);
  // And the usage survives it, read back from the stored events.
  EXPECT_EQ(JobUsage("alice", a1).SerializeAsString(), u1.SerializeAsString());
}

// A job found RUNNING after a restart adds its new run's usage to what its stored events
// say it spent before.
TEST_F(UsageTest, AResumedJobAddsToWhatItSpentBefore) {
  const v1::JobSpec spec = Exact(4);
  std::vector<std::string> checkpoints;
  std::vector<v1::IterationEvent> iterations;
  runner::RunOptions options;
  options.on_iteration = [&](const v1::IterationEvent& e) { iterations.push_back(e); };
  options.on_checkpoint = [&](const std::string& c) { checkpoints.push_back(c); };
  ASSERT_TRUE(runner::RunJob(spec, options).ok());
  ASSERT_EQ(checkpoints.size(), 4u);

  store::JobRecord record;
  record.id = "j-resumed";
  record.tenant = "alice";
  record.spec = spec.SerializeAsString();
  record.create_time_micros = clock_.NowMicros();
  ASSERT_TRUE(store_.CreateJob(record, {StateEventPayload(JobState::kQueued)}, 1).ok());
  v1::JobUsage before;
  before.set_cpu_seconds(1000);  // far more than the rest of the run can take
  before.set_shots(7);           // as if measured: the exact rest of the run adds none
  store::JobUpdate update;
  update.state = JobState::kRunning;
  update.events = {StateEventPayload(JobState::kRunning),
                   IterationEventPayload(iterations[0], &before)};
  update.iterations_done = 1;
  update.checkpoint = checkpoints[0];
  ASSERT_TRUE(store_.UpdateJob(record.id, update).ok());

  Start();
  ASSERT_EQ(WaitTerminal(record.id).state, JobState::kSucceeded);
  const v1::JobUsage after = JobUsage("alice", record.id);
  EXPECT_GT(after.cpu_seconds(), 1000);
  EXPECT_LT(after.cpu_seconds(), 1060);
  EXPECT_EQ(after.shots(), 7);
  EXPECT_EQ(after.circuits(), 0);
}

}  // namespace
}  // namespace qgrad::server
