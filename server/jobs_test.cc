// Tests of the JobManager on the in-memory store with real (tiny) runs: the job life
// cycle and its event log, tenant isolation, validation, the queue quota, deadlines of
// queued jobs, recovery of RUNNING jobs from a checkpoint (nested) or from the start
// without duplicated events (baselines), and shutdown leaving a job resumable.
//
// Thread-safety: the manager runs jobs on its own threads; the test thread only calls it.
#include "server/jobs.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "backends/local/local_backend.h"
#include "gtest/gtest.h"
#include "qgrad/v1/checkpoint.pb.h"
#include "runner/checkpoint.h"
#include "runner/runner.h"
#include "server/job_records.h"
#include "server/job_spec_for_testing.h"
#include "server/job_waits_for_testing.h"
#include "server/log.h"
#include "store/memory_job_store.h"

namespace qgrad::server {
namespace {

using store::JobState;

v1::JobSpec Nested(int iterations) {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4, "periodic": true}},
      "initialState": {"preparation": "zero"}, "method": {"nested": {"stepSize": 0.05,
      "stop": {"maxIterations": )" + std::to_string(iterations) +
              R"(, "indicatorThreshold": 0}}}})");
}

v1::JobSpec Adapt() {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4}},
      "method": {"adaptVqe": {"maxIterations": 6, "gradientThreshold": 0}}})");
}

v1::JobSpec ParameterShift() {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4}},
      "initialState": {"preparation": "plus", "ansatz": {"name": "hardware_efficient"}},
      "method": {"parameterShift": {"iterations": 6, "learningRate": 0.2}}})");
}

v1::JobSpec Hea() {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4}},
      "method": {"heaVqe": {"layers": 1, "maxEvaluations": 12}}, "seed": 3})");
}

v1::JobSpec Endless() {
  return ParseSpecForTest(R"({"problem": {"model": {"kind": "tfim", "numQubits": 6, "periodic": true}},
      "initialState": {"preparation": "zero"}, "method": {"nested": {"stepSize": 0.002,
      "stop": {"maxIterations": 100000, "maxLayers": 100000, "indicatorThreshold": 0}}}})");
}

std::string Comparable(v1::JobResult result) {
  result.clear_wall_seconds();
  for (v1::IterationEvent& e : *result.mutable_history()) e.clear_elapsed_seconds();
  return result.SerializeAsString();
}

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override { SetMinLogLevel(LogLevel::kWarning); }
  void TearDown() override { SetMinLogLevel(LogLevel::kInfo); }

  void Start(JobManagerOptions options = {}) {
    options.reaper_poll_micros = 1000;
    jobs_ = std::make_unique<JobManager>(&store_, options, &clock_);
    ASSERT_TRUE(jobs_->Start().ok());
  }

  std::string Submit(const std::string& tenant, const v1::JobSpec& spec, double deadline = 0) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    request.set_deadline_seconds(deadline);
    absl::StatusOr<v1::SubmitJobResponse> response = jobs_->Submit(tenant, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->job().id() : "";
  }

  store::JobRecord WaitFor(const std::string& id,
                           const std::function<bool(const store::JobRecord&)>& done) {
    return WaitForJobRecord(store_, id, done, std::chrono::seconds(30));
  }
  store::JobRecord WaitTerminal(const std::string& id) {
    return WaitFor(id, [](const store::JobRecord& r) { return store::IsTerminal(r.state); });
  }

  std::vector<v1::JobEvent> Events(const std::string& id) {
    absl::StatusOr<std::vector<v1::JobEvent>> events = jobs_->ReadEvents(id, 0, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<v1::JobEvent>();
  }

  // Stores a job as a crashed server would have left it: RUNNING, with `events` after
  // QUEUED and RUNNING, and `checkpoint` when given.
  void StoreRunning(const std::string& id, const v1::JobSpec& spec,
                    const std::vector<v1::IterationEvent>& iterations,
                    std::optional<std::string> checkpoint) {
    store::JobRecord record;
    record.id = id;
    record.tenant = "alice";
    record.spec = spec.SerializeAsString();
    record.state = JobState::kQueued;
    record.create_time_micros = clock_.NowMicros();
    ASSERT_TRUE(store_.CreateJob(record, {StateEventPayload(JobState::kQueued)}, 1).ok());
    store::JobUpdate update;
    update.state = JobState::kRunning;
    update.events.push_back(StateEventPayload(JobState::kRunning));
    for (const v1::IterationEvent& e : iterations) {
      update.events.push_back(IterationEventPayload(e));
    }
    update.iterations_done = int32_t(iterations.size());
    update.checkpoint = std::move(checkpoint);
    ASSERT_TRUE(store_.UpdateJob(id, update).ok());
  }

  base::SystemClock clock_;
  store::MemoryJobStore store_;
  std::unique_ptr<JobManager> jobs_;
};

TEST_F(JobsTest, RunsAJobThroughItsLifeCycle) {
  Start();
  const v1::JobSpec spec = Nested(3);
  const std::string id = Submit("alice", spec);
  store::JobRecord done = WaitTerminal(id);
  ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_EQ(done.iterations_done, 3);
  std::vector<v1::JobEvent> events = Events(id);
  ASSERT_EQ(events.size(), 6u);  // QUEUED, RUNNING, 3 iterations, SUCCEEDED
  EXPECT_EQ(events[0].state(), v1::JOB_STATE_QUEUED);
  EXPECT_EQ(events[1].state(), v1::JOB_STATE_RUNNING);
  EXPECT_EQ(events[4].iteration().iteration(), 2);
  EXPECT_EQ(events[5].state(), v1::JOB_STATE_SUCCEEDED);
  absl::StatusOr<v1::JobResult> result = jobs_->GetResult("alice", id);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Comparable(*result), Comparable(runner::RunJob(spec).value()));
  // The checkpoint written with the last iteration is there for a restart.
  EXPECT_TRUE(store_.GetCheckpoint(id).value().has_value());
}

TEST_F(JobsTest, OtherTenantsJobsDoNotExist) {
  Start();
  const std::string id = Submit("alice", Nested(1));
  WaitTerminal(id);
  EXPECT_EQ(jobs_->GetJob("bob", id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->GetResult("bob", id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->CancelJob("bob", id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->Lookup("bob", id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->ListJobs("bob", {}).value().jobs_size(), 0);
  EXPECT_EQ(jobs_->ListJobs("alice", {}).value().jobs_size(), 1);
  EXPECT_TRUE(jobs_->GetJob("alice", id).ok());
}

TEST_F(JobsTest, ValidationNamesTheField) {
  Start();
  v1::SubmitJobRequest request;
  *request.mutable_spec() =
      ParseSpecForTest(R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"nested": {"stepSize": -1}}})");
  absl::Status status = jobs_->Submit("alice", request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "spec.method.nested.step_size: must be > 0");
  EXPECT_EQ(store_.CountJobs({}).value(), 0);
}

// Shadows-mode jobs run on a backend of the manager's registry, named at submission.
TEST_F(JobsTest, ShadowsJobsNameABackendOfTheRegistry) {
  backends::Registry registry;
  ASSERT_TRUE(registry.Add(std::make_shared<backends::local::LocalBackend>()).ok());
  JobManagerOptions options;
  options.backends = &registry;
  Start(options);
  const std::string spec = R"({"problem": {"maxcut": {"generator": {"kind": "ring",
      "numNodes": 4}}}, "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa"},
      "params": [0.3, -0.3]}, "method": {"nested": {"stop": {"maxIterations": 2}}},
      "estimation": {"shadows": {"shotsPerIteration": 1000, "shotsPerSetting": 50,
      "backend": ")";
  v1::SubmitJobRequest request;
  *request.mutable_spec() = ParseSpecForTest(spec + R"(ionq"}}})");
  absl::Status refused = jobs_->Submit("alice", request).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message().substr(0, 33), "spec.estimation.shadows.backend: ")
      << refused;
  EXPECT_EQ(store_.CountJobs({}).value(), 0);

  const std::string id = Submit("alice", ParseSpecForTest(spec + R"(local"}}})"));
  EXPECT_EQ(WaitTerminal(id).state, JobState::kSucceeded);
  absl::StatusOr<v1::JobResult> result = jobs_->GetResult("alice", id);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->history_size(), 2);
  EXPECT_GT(result->estimation().shots(), 2000);
}

TEST_F(JobsTest, QueueQuotaAndQueuedDeadlines) {
  JobManagerOptions options;
  options.max_running_jobs = 1;
  options.max_queued_per_tenant = 1;
  Start(options);
  const std::string running = Submit("alice", Endless());
  WaitFor(running, [](const store::JobRecord& r) { return r.state == JobState::kRunning; });
  const std::string queued = Submit("alice", Nested(1), /*deadline=*/0.05);
  v1::SubmitJobRequest more;
  *more.mutable_spec() = Nested(1);
  absl::Status refused = jobs_->Submit("alice", more).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "tenant alice has 1 queued jobs; the limit is 1 (max_queued_per_tenant)");
  EXPECT_TRUE(jobs_->Submit("bob", more).ok());  // quotas are per tenant

  store::JobRecord expired = WaitTerminal(queued);
  EXPECT_EQ(expired.state, JobState::kCancelled);
  EXPECT_EQ(expired.error, "deadline exceeded");
  absl::StatusOr<v1::CancelJobResponse> cancelled = jobs_->CancelJob("alice", running);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->job().state(), v1::JOB_STATE_CANCELLED);
}

// `checkpoint` with its first parameter moved: a run resumed from it ends elsewhere than
// the run it came from, so a result shows whether the checkpoint was used.
std::string Perturbed(const v1::JobSpec& spec, const std::string& checkpoint) {
  const std::string method = runner::ValidateJob(spec).value().method;
  if (method == "nested") {
    optimizer::NestedResult run = runner::DecodeNestedCheckpoint(checkpoint, spec.seed()).value();
    run.params.at(0) += 0.1;
    return runner::EncodeNestedCheckpoint(run, spec.seed());
  }
  optimizer::BaselineResult run =
      runner::DecodeBaselineCheckpoint(checkpoint, method, spec.seed()).value();
  run.params.at(0) += 0.1;
  return runner::EncodeBaselineCheckpoint(run, method, spec.seed());
}

TEST_F(JobsTest, ResumesARunningJobFromItsCheckpoint) {
  const std::vector<v1::JobSpec> specs = {Nested(6), Adapt(), ParameterShift()};
  for (size_t k = 0; k < specs.size(); ++k) {
    const v1::JobSpec& spec = specs[k];
    SCOPED_TRACE(spec.method().DebugString());
    std::vector<std::string> checkpoints;
    std::vector<v1::IterationEvent> iterations;
    runner::RunOptions options;
    options.on_iteration = [&](const v1::IterationEvent& e) { iterations.push_back(e); };
    options.on_checkpoint = [&](const std::string& c) { checkpoints.push_back(c); };
    absl::StatusOr<v1::JobResult> reference = runner::RunJob(spec, options);
    ASSERT_TRUE(reference.ok());
    ASSERT_EQ(checkpoints.size(), 6u);
    iterations.resize(2);
    const std::string id = "j-crashed-" + std::to_string(k);
    StoreRunning(id, spec, iterations, checkpoints[1]);
    const std::string perturbed_id = "j-perturbed-" + std::to_string(k);
    runner::RunOptions from_perturbed;
    from_perturbed.resume_checkpoint = Perturbed(spec, checkpoints[1]);
    absl::StatusOr<v1::JobResult> perturbed = runner::RunJob(spec, from_perturbed);
    ASSERT_TRUE(perturbed.ok()) << perturbed.status();
    ASSERT_NE(Comparable(*perturbed), Comparable(*reference));
    StoreRunning(perturbed_id, spec, iterations, from_perturbed.resume_checkpoint);
    Start();
    ASSERT_EQ(WaitTerminal(perturbed_id).state, JobState::kSucceeded);
    EXPECT_EQ(Comparable(jobs_->GetResult("alice", perturbed_id).value()),
              Comparable(*perturbed));
    store::JobRecord done = WaitTerminal(id);
    ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
    EXPECT_EQ(Comparable(jobs_->GetResult("alice", id).value()), Comparable(*reference));
    std::vector<v1::JobEvent> events = Events(id);
    ASSERT_EQ(events.size(), 2u + 6u + 1u);  // no second RUNNING event, no repeated iteration
    for (int i = 0; i < 6; ++i) EXPECT_EQ(events[2 + i].iteration().iteration(), i);
    // Every iteration after the resume stored its checkpoint with its event.
    EXPECT_EQ(runner::CheckpointIterations(store_.GetCheckpoint(id).value().value_or("")), 6);
    jobs_->Shutdown();
    jobs_.reset();
  }
}

TEST_F(JobsTest, RerunsARunningHeaVqeJobWithoutStoringItsEventsTwice) {
  const v1::JobSpec spec = Hea();
  absl::StatusOr<v1::JobResult> reference = runner::RunJob(spec);
  ASSERT_TRUE(reference.ok());
  ASSERT_GE(reference->history_size(), 4);
  std::vector<v1::IterationEvent> stored(reference->history().begin(),
                                         reference->history().begin() + 3);
  StoreRunning("j-baseline", spec, stored, std::nullopt);

  Start();
  store::JobRecord done = WaitTerminal("j-baseline");
  ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_EQ(Comparable(jobs_->GetResult("alice", "j-baseline").value()), Comparable(*reference));
  std::vector<v1::JobEvent> events = Events("j-baseline");
  ASSERT_EQ(int(events.size()), 2 + reference->history_size() + 1);
  for (int i = 0; i < reference->history_size(); ++i) {
    EXPECT_EQ(events[2 + i].iteration().cost(), reference->history(i).cost());
  }
}

TEST_F(JobsTest, ShutdownLeavesARunningJobResumable) {
  Start();
  const std::string id = Submit("alice", Endless());
  WaitFor(id, [](const store::JobRecord& r) { return r.iterations_done >= 2; });
  jobs_->Shutdown();
  // Refused before any validation work, valid or not.
  EXPECT_EQ(jobs_->Submit("alice", v1::SubmitJobRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  v1::SubmitJobRequest good;
  *good.mutable_spec() = Nested(1);
  EXPECT_EQ(jobs_->Submit("alice", good).status().code(), absl::StatusCode::kUnavailable);
  store::JobRecord record = store_.GetJob(id).value();
  EXPECT_EQ(record.state, JobState::kRunning);
  // The stored checkpoint is exactly as far as the stored events.
  v1::Checkpoint checkpoint;
  ASSERT_TRUE(checkpoint.ParseFromString(store_.GetCheckpoint(id).value().value()));
  EXPECT_EQ(checkpoint.nested().history_size(), record.iterations_done);
  EXPECT_EQ(record.last_event_sequence, 2 + record.iterations_done);
}

}  // namespace
}  // namespace qgrad::server
