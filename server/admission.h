// AdmissionPool: runs the expensive part of admitting a request (spec validation: parsing,
// expansion, problem construction) on threads of its own, so that gRPC's callback threads,
// which also answer health checks and cheap calls, never wait for it.
//
// Work items are queued (at most `max_queued`; beyond that Post refuses with
// RESOURCE_EXHAUSTED) and run by `threads` workers. An item that does CPU-heavy work
// brackets it with a CpuSlot, so at most `cpu_slots` items compute at once while the others
// may wait on I/O (the store's group commit batches concurrent submissions, which needs
// many in flight).
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

namespace qgrad::server {

struct AdmissionOptions {
  int threads = 16;
  int cpu_slots = 2;
  int max_queued = 1024;
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

  // Held while computing; blocks until one of the cpu_slots is free.
  class CpuSlot {
   public:
    explicit CpuSlot(AdmissionPool* pool);
    ~CpuSlot();
    CpuSlot(const CpuSlot&) = delete;
    CpuSlot& operator=(const CpuSlot&) = delete;

   private:
    AdmissionPool* pool_;
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
