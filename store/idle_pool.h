// IdlePool: the read connections of a store that are not in use. A read borrows one for
// its duration and waits while all are busy (SqliteJobStore, PostgresJobStore). Internal
// to store/.
//
// Thread-safety: every method may be called concurrently; a Borrowed belongs to one thread.
#ifndef QGRAD_STORE_IDLE_POOL_H_
#define QGRAD_STORE_IDLE_POOL_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace qgrad::store::internal {

template <typename T>
class IdlePool {
 public:
  // `item` (owned elsewhere, outliving the pool) joins the idle ones.
  void Add(T* item) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(item);
  }

  // One item, held from construction to destruction.
  class Borrowed {
   public:
    explicit Borrowed(IdlePool& pool) : pool_(pool), item_(pool.Take()) {}
    ~Borrowed() { pool_.Add(item_); }
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    T& operator*() const { return *item_; }

   private:
    IdlePool& pool_;
    T* const item_;
  };

 private:
  T* Take() {
    absl::MutexLock lock(&mu_);
    auto some_idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); };
    mu_.Await(absl::Condition(&some_idle));
    T* item = idle_.back();
    idle_.pop_back();
    return item;
  }

  absl::Mutex mu_;
  std::vector<T*> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::store::internal

#endif  // QGRAD_STORE_IDLE_POOL_H_
