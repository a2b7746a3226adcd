// AdmissionPool; see admission.h.
//
// Thread-safety: mu_ guards the queue, the closed flag and the CPU slots.
#include "server/admission.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::server {

AdmissionPool::AdmissionPool(const AdmissionOptions& options)
    : options_(options), free_cpu_slots_(options.cpu_slots) {
  threads_.reserve(options.threads);
  for (int i = 0; i < options.threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

AdmissionPool::~AdmissionPool() { Shutdown(); }

absl::Status AdmissionPool::Post(std::function<void()> work) {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the server is shutting down");
  if (static_cast<int>(queue_.size()) >= options_.max_queued) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the server is validating ", queue_.size(),
                     " submissions already (its admission queue is full); retry shortly"));
  }
  queue_.push_back(std::move(work));
  return absl::OkStatus();
}

void AdmissionPool::WorkerLoop() {
  for (;;) {
    std::function<void()> work;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return closed_ || !queue_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // closed and drained
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

AdmissionPool::CpuSlot::CpuSlot(AdmissionPool* pool, absl::Time deadline) : pool_(pool) {
  absl::MutexLock lock(&pool_->mu_);
  auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu_) {
    return pool_->free_cpu_slots_ > 0;
  };
  if (!pool_->mu_.AwaitWithDeadline(absl::Condition(&free), deadline)) {
    status_ = absl::ResourceExhaustedError(absl::StrCat(
        "the server is busy validating other submissions (none could start within ",
        absl::FormatDuration(pool_->options_.max_wait), "); retry shortly"));
    return;
  }
  --pool_->free_cpu_slots_;
}

AdmissionPool::CpuSlot::~CpuSlot() {
  if (!status_.ok()) return;
  absl::MutexLock lock(&pool_->mu_);
  ++pool_->free_cpu_slots_;
}

void AdmissionPool::Shutdown() {
  absl::MutexLock join(&join_mu_);
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace qgrad::server
