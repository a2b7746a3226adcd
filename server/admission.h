// AdmissionPool: runs the expensive part of admitting a request (spec validation: parsing,
// expansion, problem construction) on threads of its own, so that gRPC's callback threads,
// which also answer health checks and cheap calls, never wait for it.
//
// Work items are queued (at most `max_queued`; beyond that Post refuses with
// RESOURCE_EXHAUSTED) and run by `threads` workers. An item that does CPU-heavy work
// brackets it with a CpuSlot, so at most `cpu_slots` items compute at once while the others
// may wait on I/O (the store's group commit batches concurrent submissions, which needs
// many in flight). An item that cannot get a CPU slot within `max_wait` of being posted is
// shed (the caller answers RESOURCE_EXHAUSTED, retry): under a flood of costly specs every
// client gets an answer within max_wait plus one validation, instead of queueing without
// bound.
//
// Shutdown() stops accepting, runs what is queued (each item answers its caller; the job
// manager refuses submissions by then) and joins the workers.
//
// Thread-safety: all methods may be called concurrently.
#ifndef QGRAD_SERVER_ADMISSION_H_
#define QGRAD_SERVER_ADMISSION_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace qgrad::server {

struct AdmissionOptions {
  int threads = 16;
  int cpu_slots = 2;
  int max_queued = 1024;
  absl::Duration max_wait = absl::Milliseconds(500);
};

class AdmissionPool {
 public:
  explicit AdmissionPool(const AdmissionOptions& options);
  ~AdmissionPool();  // Shutdown()
  AdmissionPool(const AdmissionPool&) = delete;
  AdmissionPool& operator=(const AdmissionPool&) = delete;

  // Queues `work`. RESOURCE_EXHAUSTED when max_queued items wait already; UNAVAILABLE after
  // Shutdown. On an error `work` is not run.
  absl::Status Post(std::function<void()> work);

  // When an item posted now must have its CPU slot.
  absl::Time SlotDeadline() const { return absl::Now() + options_.max_wait; }

  // Held while computing: waits until one of the cpu_slots is free or `deadline` passes;
  // status() is RESOURCE_EXHAUSTED in the latter case (nothing is held then).
  class CpuSlot {
   public:
    CpuSlot(AdmissionPool* pool, absl::Time deadline);
    ~CpuSlot();
    CpuSlot(const CpuSlot&) = delete;
    CpuSlot& operator=(const CpuSlot&) = delete;
    const absl::Status& status() const { return status_; }

   private:
    AdmissionPool* pool_;
    absl::Status status_;
  };

  void Shutdown();

 private:
  void WorkerLoop();

  const AdmissionOptions options_;
  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int free_cpu_slots_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
  absl::Mutex join_mu_;  // serializes Shutdown
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_ADMISSION_H_
