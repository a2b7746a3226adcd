// WriteQueue: the hand-off between a durable store's callers and its one writer thread
// (group commit; SqliteJobStore, PostgresJobStore). A caller queues a write that lives on
// its own stack and sleeps until the writer answers it; the writer takes every queued write
// at once (at most max_batch), so the writes that arrive while one transaction is being
// made durable form the next, and batches grow with the load. Internal to store/.
//
// Thread-safety: Submit and Close from any thread; NextBatch, Release and
// CountTransaction from the writer thread.
#ifndef QGRAD_STORE_WRITE_QUEUE_H_
#define QGRAD_STORE_WRITE_QUEUE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace qgrad::store::internal {

struct WriteQueueStats {
  int64_t writes = 0;        // writes that reached the writer
  int64_t transactions = 0;  // transactions attempted
  int64_t largest_batch = 0;
};

// `Write` has the members `absl::Status status` (set by the writer) and `bool done`
// (set here, under the queue's lock, when the writer releases it).
template <typename Write>
class WriteQueue {
 public:
  explicit WriteQueue(int max_batch) : max_batch_(static_cast<size_t>(max_batch)) {}

  // Queues `write` and waits until the writer has released it; its status then.
  // FAILED_PRECONDITION once the queue is closing.
  absl::Status Submit(Write& write) {
    absl::MutexLock lock(&mu_);
    if (closing_) return absl::FailedPreconditionError("job store is closing");
    queue_.push_back(&write);
    mu_.Await(absl::Condition(&write.done));
    return write.status;
  }

  // Waits for writes and takes the next batch (one transaction); empty once the queue is
  // closing and every write was taken.
  std::vector<Write*> NextBatch() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &WriteQueue::HasWork));
    const size_t n = std::min(queue_.size(), max_batch_);
    std::vector<Write*> batch(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    stats_.writes += static_cast<int64_t>(n);
    stats_.transactions += n > 0 ? 1 : 0;
    stats_.largest_batch = std::max(stats_.largest_batch, static_cast<int64_t>(n));
    return batch;
  }

  // Wakes the callers of `writes`, whose statuses the writer has set. They may return at
  // once: nothing of theirs may be touched afterwards.
  void Release(const std::vector<Write*>& writes) {
    absl::MutexLock lock(&mu_);
    for (Write* w : writes) w->done = true;
  }

  // A further transaction outside NextBatch's (a write run again on its own).
  void CountTransaction() {
    absl::MutexLock lock(&mu_);
    stats_.transactions += 1;
  }

  // Refuses new writes; the queued ones are still taken.
  void Close() {
    absl::MutexLock lock(&mu_);
    closing_ = true;
  }

  WriteQueueStats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

 private:
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || closing_; }

  const size_t max_batch_;
  mutable absl::Mutex mu_;
  std::deque<Write*> queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  WriteQueueStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::store::internal

#endif  // QGRAD_STORE_WRITE_QUEUE_H_
