// Tests of the scheduler with a controllable run function and a fake clock: the bound on
// running jobs, priority and submission order, resumed jobs first, per-tenant caps,
// cancelling queued and running jobs, deadlines of queued and running jobs, shutdown.
//
// Thread-safety: the run function is called on scheduler threads; the test's shared state
// is guarded by a mutex.
#include "server/scheduler.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

// Runs tasks until released (or stopped); records what happened.
class Harness {
 public:
  explicit Harness(SchedulerOptions options)
      : scheduler_(options, &clock_, [this](const Task& t, RunControl& c) { Run(t, c); },
                   [this](const Task& t, RunControl&) {
                     absl::MutexLock lock(&mu_);
                     expired_.push_back(t.job_id);
                   }) {}
  // The workers use this object's mutex: stop them before it goes away.
  ~Harness() { scheduler_.Shutdown(); }

  void Run(const Task& task, RunControl& control) {
    absl::MutexLock lock(&mu_);
    started_.push_back(task.job_id);
    // Like an optimizer, poll the stop flag until released.
    while (!released_.count(task.job_id) && !control.ShouldStop()) {
      mu_.AwaitWithTimeout(absl::Condition(&wake_), absl::Milliseconds(1));
      wake_ = false;
    }
    causes_[task.job_id] = control.cause();
  }

  void Release(const std::string& id) {
    absl::MutexLock lock(&mu_);
    released_.insert(id);
    wake_ = true;
  }

  // Waits until `n` tasks have started (or fails after 10 s).
  std::vector<std::string> WaitStarted(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return started_.size() >= n; };
    EXPECT_TRUE(mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10)));
    return started_;
  }
  bool WaitCause(const std::string& id, StopCause cause) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      auto it = causes_.find(id);
      return it != causes_.end() && it->second == cause;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(10));
  }
  bool WaitExpired(const std::string& id) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return std::find(expired_.begin(), expired_.end(), id) != expired_.end();
    };
    return mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(10));
  }
  std::vector<std::string> started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }

  base::FakeClock clock_;
  Scheduler scheduler_;

 private:
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::string> started_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> released_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, StopCause> causes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> expired_ ABSL_GUARDED_BY(mu_);
};

Task MakeTask(std::string id, int priority = 0, int64_t created = 0, std::string tenant = "t") {
  Task task;
  task.job_id = std::move(id);
  task.tenant = std::move(tenant);
  task.priority = priority;
  task.create_micros = created;
  return task;
}

TEST(SchedulerTest, RunsAtMostMaxRunningInPriorityThenSubmissionOrder) {
  Harness h({.max_running = 1});
  h.scheduler_.Enqueue(MakeTask("first", 0, 1));
  h.scheduler_.Start();
  h.WaitStarted(1);
  h.scheduler_.Enqueue(MakeTask("low", -1, 2));
  h.scheduler_.Enqueue(MakeTask("later", 5, 4));
  h.scheduler_.Enqueue(MakeTask("high", 5, 3));
  Task resumed = MakeTask("resumed", -50, 9);
  resumed.resumed = true;
  h.scheduler_.Enqueue(resumed);
  EXPECT_EQ(h.scheduler_.num_running(), 1);
  EXPECT_EQ(h.scheduler_.num_queued(), 4);
  size_t expected = 1;
  for (const char* id : {"first", "resumed", "high", "later"}) {
    h.Release(id);
    h.WaitStarted(++expected);
  }
  EXPECT_EQ(h.started(),
            (std::vector<std::string>{"first", "resumed", "high", "later", "low"}));
  h.Release("low");
}

TEST(SchedulerTest, CapsRunningJobsPerTenant) {
  Harness h({.max_running = 3, .max_running_per_tenant = 1});
  h.scheduler_.Enqueue(MakeTask("a1", 0, 1, "alice"));
  h.scheduler_.Enqueue(MakeTask("a2", 0, 2, "alice"));
  h.scheduler_.Enqueue(MakeTask("b1", 0, 3, "bob"));
  h.scheduler_.Start();
  std::vector<std::string> started = h.WaitStarted(2);
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(h.scheduler_.num_running("alice"), 1);
  EXPECT_EQ(h.scheduler_.num_queued(), 1);  // a2 waits although a worker is free
  h.Release("a1");
  EXPECT_EQ(h.WaitStarted(3).back(), "a2");
  h.Release("a2");
  h.Release("b1");
}

TEST(SchedulerTest, CancelDropsAQueuedJobAndStopsARunningOne) {
  Harness h({.max_running = 1});
  h.scheduler_.Enqueue(MakeTask("running", 0, 1));
  h.scheduler_.Enqueue(MakeTask("queued", 0, 2));
  h.scheduler_.Start();
  h.WaitStarted(1);
  EXPECT_TRUE(h.scheduler_.Cancel("queued"));
  EXPECT_FALSE(h.scheduler_.Cancel("running"));
  EXPECT_TRUE(h.WaitCause("running", StopCause::kCancelled));
  h.scheduler_.Shutdown();
  EXPECT_EQ(h.started(), std::vector<std::string>{"running"});
}

// A replica can claim a job again under a new lease while the run under its lost lease
// still ends; losing the old lease must stop that run only, or the job would sit under a
// lease that is renewed but never run.
TEST(SchedulerTest, ALostLeaseStopsOnlyTheRunUnderThatLease) {
  Harness h({.max_running = 1});
  Task first = MakeTask("job");
  first.lease_token = 1;
  Task again = MakeTask("job");
  again.lease_token = 2;
  h.scheduler_.Enqueue(first);
  h.scheduler_.Start();
  h.WaitStarted(1);
  h.scheduler_.Enqueue(again);  // waits for the run under lease 1 to end
  EXPECT_EQ(h.scheduler_.num_queued(), 1);
  h.scheduler_.DropLease("job", 1);
  EXPECT_TRUE(h.WaitCause("job", StopCause::kCancelled));
  EXPECT_EQ(h.WaitStarted(2), (std::vector<std::string>{"job", "job"}));
  h.scheduler_.DropLease("job", 1);  // lease 1 again: not the running one's
  h.Release("job");
  EXPECT_TRUE(h.WaitCause("job", StopCause::kNone));
}

TEST(SchedulerTest, ALostLeaseDropsItsQueuedTask) {
  Harness h({.max_running = 1});
  Task leased = MakeTask("job");
  leased.lease_token = 3;
  h.scheduler_.Enqueue(leased);
  h.scheduler_.DropLease("job", 2);  // an older lease: the task stays
  EXPECT_EQ(h.scheduler_.num_queued(), 1);
  h.scheduler_.DropLease("job", 3);
  EXPECT_EQ(h.scheduler_.num_queued(), 0);
  h.scheduler_.Start();
  h.scheduler_.Shutdown();
  EXPECT_TRUE(h.started().empty());
}

TEST(SchedulerTest, DeadlinesExpireQueuedJobsAndStopRunningOnes) {
  Harness h({.max_running = 1, .reaper_poll_micros = 1000});
  Task running = MakeTask("running", 0, 1);
  running.deadline_micros = h.clock_.NowMicros() + 1'000'000;
  Task queued = MakeTask("queued", 0, 2);
  queued.deadline_micros = h.clock_.NowMicros() + 500'000;
  h.scheduler_.Enqueue(running);
  h.scheduler_.Enqueue(queued);
  h.scheduler_.Start();
  h.WaitStarted(1);
  h.clock_.Advance(600'000);
  EXPECT_TRUE(h.WaitExpired("queued"));
  EXPECT_EQ(h.scheduler_.num_queued(), 0);
  h.clock_.Advance(600'000);
  EXPECT_TRUE(h.WaitCause("running", StopCause::kDeadline));
}

TEST(SchedulerTest, ShutdownStopsRunningJobsAndKeepsQueuedOnes) {
  Harness h({.max_running = 2});
  h.scheduler_.Enqueue(MakeTask("a", 0, 1));
  h.scheduler_.Enqueue(MakeTask("b", 0, 2));
  h.scheduler_.Enqueue(MakeTask("c", 0, 3));
  h.scheduler_.Start();
  h.WaitStarted(2);
  h.scheduler_.Shutdown();
  EXPECT_TRUE(h.WaitCause("a", StopCause::kShutdown));
  EXPECT_TRUE(h.WaitCause("b", StopCause::kShutdown));
  EXPECT_EQ(h.started().size(), 2u);
  h.scheduler_.Enqueue(MakeTask("d", 0, 4));  // ignored after shutdown
  EXPECT_EQ(h.scheduler_.num_running(), 0);
}

TEST(SchedulerTest, RunControlKeepsTheFirstCause) {
  base::FakeClock clock;
  RunControl control(&clock, clock.NowMicros() + 10);
  EXPECT_FALSE(control.ShouldStop());
  control.RequestStop(StopCause::kShutdown);
  control.RequestStop(StopCause::kCancelled);
  EXPECT_TRUE(control.ShouldStop());
  EXPECT_EQ(control.cause(), StopCause::kShutdown);
  RunControl timed(&clock, clock.NowMicros() + 10);
  clock.Advance(10);
  EXPECT_TRUE(timed.ShouldStop());
  EXPECT_EQ(timed.cause(), StopCause::kDeadline);
}

TEST(SchedulerTest, AStopEndsAWaitForItAtOnce) {
  base::SystemClock clock;
  RunControl control(&clock, 0);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    control.RequestStop(StopCause::kCancelled);
  });
  const absl::Time start = absl::Now();
  EXPECT_TRUE(control.WaitForStop(absl::Seconds(60), StopWait::kAnyStop));
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  stopper.join();
  // A cancellation does not end a wait for shutdown only; a later shutdown does, although
  // cause() stays the first one.
  EXPECT_FALSE(control.WaitForStop(absl::Milliseconds(5), StopWait::kShutdownOnly));
  control.RequestStop(StopCause::kShutdown);
  EXPECT_TRUE(control.WaitForStop(absl::Seconds(60), StopWait::kShutdownOnly));
  EXPECT_EQ(control.cause(), StopCause::kCancelled);
}

TEST(SchedulerTest, TheDeadlineEndsAWaitForAnyStopButNotOneForShutdown) {
  base::FakeClock clock;
  RunControl control(&clock, clock.NowMicros() + 10);
  EXPECT_FALSE(control.WaitForStop(absl::Milliseconds(1), StopWait::kAnyStop));
  clock.Advance(10);
  EXPECT_FALSE(control.WaitForStop(absl::Milliseconds(1), StopWait::kShutdownOnly));
  const absl::Time start = absl::Now();
  EXPECT_TRUE(control.WaitForStop(absl::Seconds(60), StopWait::kAnyStop));
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ(control.cause(), StopCause::kDeadline);
}

}  // namespace
}  // namespace qgrad::server
