// Scheduler; see scheduler.h.
//
// Thread-safety: mu_ guards the queue and the running set; workers wait on mu_ with
// absl::Condition, so every state change re-evaluates who may run.
#include "server/scheduler.h"

#include <algorithm>
#include <utility>

#include "absl/time/time.h"

namespace qgrad::server {

bool RunControl::ShouldStop() {
  if (cause_.load() != 0) return true;
  if (deadline_micros_ > 0 && clock_->NowMicros() >= deadline_micros_) {
    RequestStop(StopCause::kDeadline);
    return true;
  }
  return false;
}

void RunControl::RequestStop(StopCause cause) {
  int none = 0;
  cause_.compare_exchange_strong(none, static_cast<int>(cause));
  absl::MutexLock lock(&mu_);
  requested_ |= 1 << static_cast<int>(cause);
}

bool RunControl::WaitForStop(absl::Duration timeout, StopWait which) {
  const int wanted = which == StopWait::kAnyStop ? ~0 : 1 << static_cast<int>(StopCause::kShutdown);
  if (which == StopWait::kAnyStop && deadline_micros_ > 0) {
    timeout = std::min(timeout, absl::Microseconds(deadline_micros_ - clock_->NowMicros()));
  }
  {
    absl::MutexLock lock(&mu_);
    auto stopped = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return (requested_ & wanted) != 0; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopped), timeout)) return true;
  }
  return which == StopWait::kAnyStop && ShouldStop();
}

Scheduler::Scheduler(SchedulerOptions options, const base::Clock* clock, RunFn run, ExpireFn expire)
    : options_(options), clock_(clock), run_(std::move(run)), expire_(std::move(expire)),
      reaper_control_(clock, 0) {}

Scheduler::~Scheduler() { Shutdown(); }

Scheduler::Key Scheduler::KeyOf(const Task& task) {
  return {!task.resumed, -task.priority, task.create_micros, task.job_id};
}

int Scheduler::TenantCap() const {
  return options_.max_running_per_tenant > 0 ? options_.max_running_per_tenant
                                             : options_.max_running;
}

void Scheduler::Start() {
  absl::MutexLock threads_lock(&threads_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (started_ || stopping_) return;
    started_ = true;
  }
  for (int i = 0; i < options_.max_running; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { ReaperLoop(); });
}

void Scheduler::Enqueue(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queued_ids_.count(task.job_id)) return;
  // A job claimed again under a new lease may still be winding down its run under the
  // lost one: it waits for that run to end (PopRunnable). Without a lease it is a repeat.
  if (running_.count(task.job_id) && task.lease_token == 0) return;
  const Key key = KeyOf(task);
  queued_ids_.emplace(task.job_id, key);
  ++queued_by_tenant_[task.tenant];
  queue_.emplace(key, std::move(task));
}

std::map<Scheduler::Key, Task>::iterator Scheduler::Unqueue(std::map<Key, Task>::iterator it) {
  queued_ids_.erase(it->second.job_id);
  auto count = queued_by_tenant_.find(it->second.tenant);
  if (--count->second == 0) queued_by_tenant_.erase(count);
  return queue_.erase(it);
}

bool Scheduler::Cancel(const std::string& job_id) {
  absl::MutexLock lock(&mu_);
  if (auto it = queued_ids_.find(job_id); it != queued_ids_.end()) {
    Unqueue(queue_.find(it->second));
    return true;
  }
  if (auto it = running_.find(job_id); it != running_.end()) {
    it->second.control->RequestStop(StopCause::kCancelled);
  }
  return false;
}

void Scheduler::DropLease(const std::string& job_id, int64_t lease_token) {
  absl::MutexLock lock(&mu_);
  if (auto it = queued_ids_.find(job_id); it != queued_ids_.end()) {
    auto queued = queue_.find(it->second);
    if (queued->second.lease_token == lease_token) Unqueue(queued);
  }
  auto running = running_.find(job_id);
  if (running != running_.end() && running->second.lease_token == lease_token) {
    running->second.control->RequestStop(StopCause::kCancelled);
  }
}

void Scheduler::RequestStop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  for (auto& [id, running] : running_) running.control->RequestStop(StopCause::kShutdown);
  reaper_control_.RequestStop(StopCause::kShutdown);
}

void Scheduler::Shutdown() {
  absl::MutexLock threads_lock(&threads_mu_);
  RequestStop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

int Scheduler::num_queued() const {
  absl::MutexLock lock(&mu_);
  return int(queue_.size());
}

int Scheduler::num_queued(const std::string& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = queued_by_tenant_.find(tenant);
  return it == queued_by_tenant_.end() ? 0 : it->second;
}

int Scheduler::num_running() const {
  absl::MutexLock lock(&mu_);
  return int(running_.size());
}

int Scheduler::num_running(const std::string& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = running_by_tenant_.find(tenant);
  return it == running_by_tenant_.end() ? 0 : it->second;
}

bool Scheduler::WorkerShouldWake() const { return stopping_ || HasRunnable(); }

bool Scheduler::HasRunnable() const {
  for (const auto& [key, task] : queue_) {
    if (running_.count(task.job_id)) continue;
    auto it = running_by_tenant_.find(task.tenant);
    if (it == running_by_tenant_.end() || it->second < TenantCap()) return true;
  }
  return false;
}

bool Scheduler::PopRunnable(Task* task) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (running_.count(it->second.job_id)) continue;
    auto running = running_by_tenant_.find(it->second.tenant);
    if (running != running_by_tenant_.end() && running->second >= TenantCap()) continue;
    *task = it->second;
    Unqueue(it);
    return true;
  }
  return false;
}

void Scheduler::WorkerLoop() {
  for (;;) {
    Task task;
    std::shared_ptr<RunControl> control;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Scheduler::WorkerShouldWake));
      if (stopping_) return;
      PopRunnable(&task);
      control = std::make_shared<RunControl>(clock_, task.deadline_micros);
      running_.emplace(task.job_id, Running{control, task.lease_token});
      ++running_by_tenant_[task.tenant];
    }
    run_(task, *control);
    absl::MutexLock lock(&mu_);
    running_.erase(task.job_id);
    if (--running_by_tenant_[task.tenant] == 0) running_by_tenant_.erase(task.tenant);
  }
}

void Scheduler::ReaperLoop() {
  for (;;) {
    std::vector<Task> expired;
    {
      absl::MutexLock lock(&mu_);
      const int64_t now = clock_->NowMicros();
      int64_t next = now + options_.reaper_poll_micros;
      for (auto it = queue_.begin(); it != queue_.end();) {
        const int64_t deadline = it->second.deadline_micros;
        if (deadline > 0 && deadline <= now) {
          expired.push_back(it->second);
          it = Unqueue(it);
        } else {
          if (deadline > 0) next = std::min(next, deadline);
          ++it;
        }
      }
      if (expired.empty()) {
        // Wakes early on shutdown; otherwise at the nearest deadline or the poll bound.
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Microseconds(next - now));
        if (stopping_) return;
        continue;
      }
    }
    for (const Task& task : expired) expire_(task, reaper_control_);
  }
}

}  // namespace qgrad::server
