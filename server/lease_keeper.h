// LeaseKeeper: one replica's side of sharing a job store with other replicas. It claims
// runnable jobs from the store (store::JobStore::ClaimJob) while this replica has room,
// hands each to the scheduler, renews the leases of the jobs it holds (the heartbeat), and
// hands a lease back when its job's run ends or the replica shuts down, so that another
// replica can resume the job from its checkpoint at once.
//
// A lease that cannot be renewed is lost: the store says another replica holds it, the job
// finished (cancelled on another replica), or the store stayed unreachable until the lease
// ran out. `lost` is then called with the lost lease's token, so that the run under that
// lease stops (this replica may already have claimed the job again). Its writes carry the
// lease's fence and are refused from then on anyway, so a replica that stalled can never
// write over the replica that took its job over.
//
// Thread-safety: all public methods may be called concurrently. `enqueue` and `lost` run on
// the keeper's threads without its lock held.
#ifndef QGRAD_SERVER_LEASE_KEEPER_H_
#define QGRAD_SERVER_LEASE_KEEPER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "store/job_store.h"

namespace qgrad::server {

struct LeaseKeeperOptions {
  std::string owner;                  // this replica's id: unique among the replicas
  int64_t lease_micros = 15'000'000;  // renewed every third of it
  int max_leases = 2;                 // jobs held at once (queued here or running)
  int max_leases_per_tenant = 0;      // across every replica; 0: no limit
  // A replica that died is noticed when its leases expire, which no notification tells:
  // the claimer looks at least this often while it has room.
  int64_t claim_poll_micros = 1'000'000;
};

class LeaseKeeper {
 public:
  using EnqueueFn = std::function<void(const store::JobRecord& claimed)>;
  using LostFn = std::function<void(const std::string& job_id, int64_t lease_token)>;

  // `store` and `clock` must outlive the keeper.
  LeaseKeeper(store::JobStore* store, const base::Clock* clock, LeaseKeeperOptions options,
              EnqueueFn enqueue, LostFn lost);
  ~LeaseKeeper();  // Stop(); leases still held stay in the store until they expire
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void Start();
  // A job may have become claimable (submitted here, or another replica said so).
  void Wake();
  // The run (or expiry) of a job under the lease with `token` has ended: that lease goes
  // back. (A newer lease of the same job, claimed again meanwhile, is kept.)
  void Done(const std::string& job_id, int64_t token);
  // Stops claiming; renewals go on until Stop, so that running jobs keep their leases
  // while they wind down.
  void StopClaiming();
  // Stops both threads (idempotent).
  void Stop();
  // Hands back every lease still held; after Stop and after the runs have ended.
  void ReleaseAll();

  int held() const;
  const std::string& owner() const { return options_.owner; }

 private:
  void ClaimLoop();
  void RenewLoop();
  // Claims one job if there is room; false when there was none or nothing to claim.
  bool ClaimOne();
  void RenewAll();
  void Release(const std::string& job_id, const store::Lease& lease);

  store::JobStore* const store_;
  const base::Clock* const clock_;
  const LeaseKeeperOptions options_;
  const EnqueueFn enqueue_;
  const LostFn lost_;

  mutable absl::Mutex mu_;
  std::map<std::string, store::Lease> held_ ABSL_GUARDED_BY(mu_);
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool claiming_ ABSL_GUARDED_BY(mu_) = true;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread claimer_;
  std::thread renewer_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_LEASE_KEEPER_H_
