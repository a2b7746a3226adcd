// Tests of the JobManager through an outage of its store (writes fail as on a full disk,
// reads go on): a running job waits at its write and ends with the result of an
// uninterrupted run, its watchers are told why, a queued job starts once the store can
// write, cancellation is refused with a plain UNAVAILABLE and works after, a deadline that
// passes during the outage is recorded when the store is back, and shutdown does not wait
// for the store.
//
// Thread-safety: the manager runs jobs on its own threads; the test thread calls it and
// reads the log lines it collects (under a mutex).
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "runner/json_io.h"
#include "runner/runner.h"
#include "server/jobs.h"
#include "server/log.h"
#include "store/fault_injection_job_store_for_testing.h"
#include "store/memory_job_store.h"

namespace qgrad::server {
namespace {

using store::JobState;

constexpr char kDiskFull[] = "the job store cannot write: the disk is full";

v1::JobSpec NestedTfim(int iterations, double step) {
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(
      R"({"problem": {"model": {"kind": "tfim", "numQubits": 4, "periodic": true}},
          "initialState": {"preparation": "zero"}, "method": {"nested": {"stepSize": )" +
      std::to_string(step) + R"(, "stop": {"maxIterations": )" + std::to_string(iterations) +
      R"(, "maxLayers": 100000, "indicatorThreshold": 0}}}})");
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.value_or(v1::JobSpec());
}

std::string WithoutWallClock(v1::JobResult result) {
  result.clear_wall_seconds();
  for (v1::IterationEvent& e : *result.mutable_history()) e.clear_elapsed_seconds();
  return result.SerializeAsString();
}

// Records what the hub tells a job's watcher.
class Watcher : public EventListener {
 public:
  void OnEvents() override {}
  void OnTrouble(const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    troubles_.push_back(status);
  }
  std::vector<absl::Status> troubles() {
    absl::MutexLock lock(&mu_);
    return troubles_;
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::Status> troubles_;
};

class StoreOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([this](const std::string& line) {
      absl::MutexLock lock(&log_mu_);
      log_.push_back(line);
    });
    JobManagerOptions options;
    options.reaper_poll_micros = 1000;
    options.store_retry.backoff = {absl::Milliseconds(1), absl::Milliseconds(20), 2.0};
    Make(options);
  }
  void TearDown() override {
    jobs_.reset();  // its threads log
    SetLogSink(nullptr);
  }

  void Make(const JobManagerOptions& options) {
    jobs_ = std::make_unique<JobManager>(&store_, options, &clock_);
  }

  // Submitted before Start, so that nothing runs until the test has set its faults.
  std::string Submit(const v1::JobSpec& spec, double deadline_seconds = 0) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    request.set_deadline_seconds(deadline_seconds);
    absl::StatusOr<v1::SubmitJobResponse> response = jobs_->Submit("alice", request);
    EXPECT_TRUE(response.ok()) << response.status();
    const std::string id = response.ok() ? response->job().id() : "";
    jobs_->hub().Subscribe(id, watcher_);
    return id;
  }

  store::JobRecord Record(const std::string& id) { return memory_.GetJob(id).value(); }

  // Polls until the job is terminal (at most 30 s).
  store::JobRecord WaitTerminal(const std::string& id) {
    for (int i = 0; i < 3000 && !store::IsTerminal(Record(id).state); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Record(id);
  }

  // The iteration numbers of the stored iteration events, in order.
  std::vector<int> Iterations(const std::string& id) {
    std::vector<int> iterations;
    const std::vector<v1::JobEvent> events = jobs_->ReadEvents(id, 0, 100000).value();
    for (const v1::JobEvent& e : events) {
      if (e.has_iteration()) iterations.push_back(e.iteration().iteration());
    }
    return iterations;
  }

  int LogCount(const std::string& event) {
    absl::MutexLock lock(&log_mu_);
    int n = 0;
    for (const std::string& line : log_) {
      n += line.find("\"event\":\"" + event + "\"") != std::string::npos;
    }
    return n;
  }

  base::SystemClock clock_;
  store::MemoryJobStore memory_;
  store::FaultInjectionJobStore store_{&memory_};
  std::shared_ptr<Watcher> watcher_ = std::make_shared<Watcher>();
  std::unique_ptr<JobManager> jobs_;
  absl::Mutex log_mu_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(log_mu_);
};

std::vector<int> Range(int n) {
  std::vector<int> range(n);
  for (int i = 0; i < n; ++i) range[i] = i;
  return range;
}

TEST_F(StoreOutageTest, ARunningJobWaitsAndEndsWithTheUninterruptedResult) {
  const v1::JobSpec spec = NestedTfim(6, 0.05);
  const std::string id = Submit(spec);
  // Its start and its first iteration are stored; the second iteration's write fails.
  store_.FailWrites(absl::UnavailableError(kDiskFull), /*after=*/2);
  ASSERT_TRUE(jobs_->Start().ok());
  ASSERT_TRUE(store_.AwaitFailedWrites(5, absl::Seconds(30)));

  EXPECT_EQ(Record(id).state, JobState::kRunning);
  EXPECT_EQ(Record(id).iterations_done, 1);
  EXPECT_EQ(Iterations(id), Range(1));
  ASSERT_EQ(watcher_->troubles().size(), 1u);
  EXPECT_EQ(watcher_->troubles()[0],
            absl::UnavailableError("job " + id + ": " + kDiskFull +
                                   "; the job is paused and continues when the store recovers"));
  EXPECT_EQ(LogCount("store_write_failed"), 1);
  EXPECT_EQ(LogCount("store_write_recovered"), 0);

  store_.HealWrites();
  const store::JobRecord done = WaitTerminal(id);
  ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_EQ(WithoutWallClock(jobs_->GetResult("alice", id).value()),
            WithoutWallClock(runner::RunJob(spec).value()));
  EXPECT_EQ(Iterations(id), Range(6));  // none lost, none twice
  EXPECT_EQ(done.last_event_sequence, 2 + 6 + 1);
  EXPECT_EQ(LogCount("store_write_failed"), 1);
  EXPECT_EQ(LogCount("store_write_recovered"), 1);
  EXPECT_EQ(watcher_->troubles().size(), 1u);
}

TEST_F(StoreOutageTest, AQueuedJobStartsOnceTheStoreCanWriteAgain) {
  const v1::JobSpec spec = NestedTfim(2, 0.05);
  const std::string id = Submit(spec);
  store_.FailWrites(absl::UnavailableError(kDiskFull));
  ASSERT_TRUE(jobs_->Start().ok());
  ASSERT_TRUE(store_.AwaitFailedWrites(3, absl::Seconds(30)));
  EXPECT_EQ(Record(id).state, JobState::kQueued);

  store_.HealWrites();
  const store::JobRecord done = WaitTerminal(id);
  ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_EQ(WithoutWallClock(jobs_->GetResult("alice", id).value()),
            WithoutWallClock(runner::RunJob(spec).value()));
}

TEST_F(StoreOutageTest, CancellingDuringTheOutageIsUnavailableAndWorksAfterIt) {
  const std::string id = Submit(NestedTfim(100000, 0.002));
  store_.FailWrites(absl::UnavailableError(kDiskFull), /*after=*/2);
  ASSERT_TRUE(jobs_->Start().ok());
  ASSERT_TRUE(store_.AwaitFailedWrites(2, absl::Seconds(30)));
  EXPECT_EQ(jobs_->CancelJob("alice", id).status(), absl::UnavailableError(kDiskFull));
  EXPECT_EQ(Record(id).state, JobState::kRunning);

  store_.HealWrites();
  absl::StatusOr<v1::CancelJobResponse> cancelled = jobs_->CancelJob("alice", id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->job().state(), v1::JOB_STATE_CANCELLED);
  for (int i = 0; i < 3000 && jobs_->num_running() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(jobs_->num_running(), 0);  // the run stopped
  const std::vector<v1::JobEvent> events = jobs_->ReadEvents(id, 0, 100000).value();
  EXPECT_EQ(events.back().state(), v1::JOB_STATE_CANCELLED);  // nothing after it
  EXPECT_EQ(Iterations(id), Range(int(events.size()) - 3));
}

TEST_F(StoreOutageTest, ADeadlineThatPassesDuringTheOutageIsRecordedAfterIt) {
  const std::string id = Submit(NestedTfim(100000, 0.002), /*deadline_seconds=*/0.3);
  store_.FailWrites(absl::UnavailableError(kDiskFull), /*after=*/2);
  ASSERT_TRUE(jobs_->Start().ok());
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  ASSERT_TRUE(store_.AwaitFailedWrites(1, absl::Seconds(30)));
  absl::SleepFor(deadline - absl::Now() + absl::Milliseconds(100));
  ASSERT_TRUE(store_.AwaitFailedWrites(store_.failed_writes() + 2, absl::Seconds(30)));
  EXPECT_EQ(Record(id).state, JobState::kRunning);  // the cancellation waits for the store

  store_.HealWrites();
  const store::JobRecord done = WaitTerminal(id);
  EXPECT_EQ(done.state, JobState::kCancelled);
  EXPECT_EQ(done.error, "deadline exceeded");
  // At most the one iteration stored before the outage (none on a slow machine, where the
  // deadline came first), and nothing after the cancellation.
  const std::vector<int> iterations = Iterations(id);
  EXPECT_LE(iterations.size(), 1u);
  EXPECT_EQ(iterations, Range(int(iterations.size())));
  EXPECT_EQ(done.last_event_sequence, 2 + int64_t(iterations.size()) + 1);
}

TEST_F(StoreOutageTest, ShutdownDoesNotWaitForTheStore) {
  JobManagerOptions options;
  options.store_retry.backoff = {absl::Seconds(60), absl::Seconds(60), 2.0};
  Make(options);
  const std::string id = Submit(NestedTfim(100000, 0.002));
  store_.FailWrites(absl::UnavailableError(kDiskFull), /*after=*/2);
  ASSERT_TRUE(jobs_->Start().ok());
  ASSERT_TRUE(store_.AwaitFailedWrites(1, absl::Seconds(30)));
  const absl::Time start = absl::Now();
  jobs_->Shutdown();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  const store::JobRecord record = Record(id);
  EXPECT_EQ(record.state, JobState::kRunning);  // resumable from its first iteration
  EXPECT_EQ(record.iterations_done, 1);
  EXPECT_EQ(record.last_event_sequence, 3);
}

}  // namespace
}  // namespace qgrad::server
