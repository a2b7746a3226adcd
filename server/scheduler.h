// Scheduler: runs queued jobs on a fixed pool of worker threads, at most
// `max_running` at once and at most `max_running_per_tenant` per tenant. Order: jobs being
// resumed after a restart first (they were already admitted), then higher priority, then
// earlier submission. A job whose deadline passes while queued is handed to `expire`
// instead of running; a running job sees its deadline through RunControl::ShouldStop.
//
// The scheduler knows nothing of the store: `run` does the work (server/executor.h) and
// `expire` records the cancellation; the reaper's RunControl, which `expire` gets, is
// stopped (kShutdown) by RequestStop and Shutdown.
//
// Thread-safety: all public methods may be called concurrently. `run` and `expire` are
// called on scheduler threads without the scheduler's lock held.
#ifndef QGRAD_SERVER_SCHEDULER_H_
#define QGRAD_SERVER_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace qgrad::server {

struct Task {
  std::string job_id;
  std::string tenant;
  int32_t priority = 0;
  int64_t create_micros = 0;
  int64_t deadline_micros = 0;  // 0: none
  bool resumed = false;         // RUNNING in the store when the server started
  // The lease under which this replica runs the job (server/lease_keeper.h); token 0: no
  // lease (one process owns the store). Every store write of the run carries it as fence.
  std::string lease_owner;
  int64_t lease_token = 0;
};

// Why a running job was asked to stop.
enum class StopCause { kNone = 0, kCancelled, kDeadline, kShutdown };

// Which stop requests end RunControl::WaitForStop.
enum class StopWait { kAnyStop, kShutdownOnly };

// The stop flag of one running job; ShouldStop is what the optimizer polls.
class RunControl {
 public:
  RunControl(const base::Clock* clock, int64_t deadline_micros)
      : clock_(clock), deadline_micros_(deadline_micros) {}

  // True once a stop was requested or the deadline has passed (then cause() is kDeadline).
  bool ShouldStop();
  // The first cause wins cause(); every cause is remembered for WaitForStop.
  void RequestStop(StopCause cause);
  StopCause cause() const { return static_cast<StopCause>(cause_.load()); }
  // Sleeps up to `timeout`, or less: returns true as soon as a stop that `which` names has
  // been requested (kAnyStop: any cause, the deadline included). For waits between retries,
  // which a stop must end at once.
  bool WaitForStop(absl::Duration timeout, StopWait which);

 private:
  const base::Clock* clock_;
  const int64_t deadline_micros_;
  std::atomic<int> cause_{0};
  absl::Mutex mu_;
  int requested_ ABSL_GUARDED_BY(mu_) = 0;  // bit 1 << cause for each cause requested
};

struct SchedulerOptions {
  int max_running = 2;
  int max_running_per_tenant = 0;  // 0: max_running
  // Upper bound of the reaper's sleep, so that a base::FakeClock moved by a test is noticed.
  int64_t reaper_poll_micros = 50'000;
};

class Scheduler {
 public:
  using RunFn = std::function<void(const Task&, RunControl&)>;
  using ExpireFn = std::function<void(const Task&, RunControl&)>;

  Scheduler(SchedulerOptions options, const base::Clock* clock, RunFn run, ExpireFn expire);
  // Calls Shutdown().
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the workers and the deadline reaper.
  void Start();
  // Ignored after Shutdown (the job stays queued in the store for the next start), and for
  // a job already queued, or running without a lease. A leased task of a job whose
  // previous run is still ending waits for that run.
  void Enqueue(Task task);
  // A queued job is dropped (returns true); a running one is asked to stop with kCancelled.
  bool Cancel(const std::string& job_id);
  // The job's lease `lease_token` was lost: its queued task under that lease is dropped, and
  // its run under that lease is asked to stop (kCancelled). A task of the same job under a
  // newer lease, which this replica may have claimed meanwhile, is left alone: dropping it
  // would strand the job under a lease that is renewed but never run.
  void DropLease(const std::string& job_id, int64_t lease_token);
  // Stops dispatching and asks every running job to stop with kShutdown; returns at once.
  void RequestStop();
  // RequestStop, then waits for the workers to return. Queued jobs stay where they are (in
  // the store). Idempotent.
  void Shutdown();

  int num_queued() const;
  int num_queued(const std::string& tenant) const;
  int num_running() const;
  int num_running(const std::string& tenant) const;

 private:
  // Queue order: resumed first, then priority (higher first), then (create time, id).
  using Key = std::tuple<bool, int32_t, int64_t, std::string>;
  static Key KeyOf(const Task& task);

  void WorkerLoop();
  void ReaperLoop();
  // Removes a queued task from every index; the next position in the queue.
  std::map<Key, Task>::iterator Unqueue(std::map<Key, Task>::iterator it)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The first queued task whose tenant has room; removes it from the queue.
  bool PopRunnable(Task* task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasRunnable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool WorkerShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int TenantCap() const;

  const SchedulerOptions options_;
  const base::Clock* clock_;
  const RunFn run_;
  const ExpireFn expire_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<Key, Task> queue_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Key> queued_ids_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> queued_by_tenant_ ABSL_GUARDED_BY(mu_);
  struct Running {
    std::shared_ptr<RunControl> control;
    int64_t lease_token = 0;
  };
  std::map<std::string, Running> running_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> running_by_tenant_ ABSL_GUARDED_BY(mu_);
  RunControl reaper_control_;  // never has a deadline; stopped by RequestStop
  std::vector<std::thread> threads_;  // touched by Start/Shutdown only (not concurrently)
  absl::Mutex threads_mu_;            // serializes Start and Shutdown
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_SCHEDULER_H_
