// LeaseKeeper; see lease_keeper.h.
//
// Thread-safety: mu_ guards the held leases and the flags; the store calls run without it
// (a renewal round works on a copy), so Done and Wake never wait for the store.
#include "server/lease_keeper.h"

#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "server/log.h"

namespace qgrad::server {
namespace {

// How long the claimer waits after the store failed a claim (an outage).
constexpr absl::Duration kClaimRetry = absl::Seconds(1);

bool LeaseIsGone(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted ||
         status.code() == absl::StatusCode::kNotFound;
}

}  // namespace

LeaseKeeper::LeaseKeeper(store::JobStore* store, const base::Clock* clock,
                         LeaseKeeperOptions options, EnqueueFn enqueue, LostFn lost)
    : store_(store), clock_(clock), options_(std::move(options)), enqueue_(std::move(enqueue)),
      lost_(std::move(lost)) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

void LeaseKeeper::Start() {
  claimer_ = std::thread([this] { ClaimLoop(); });
  renewer_ = std::thread([this] { RenewLoop(); });
}

void LeaseKeeper::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

int LeaseKeeper::held() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(held_.size());
}

void LeaseKeeper::StopClaiming() {
  absl::MutexLock lock(&mu_);
  claiming_ = false;
}

void LeaseKeeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    claiming_ = false;
    stopping_ = true;
  }
  if (claimer_.joinable()) claimer_.join();
  if (renewer_.joinable()) renewer_.join();
}

void LeaseKeeper::Done(const std::string& job_id, int64_t token) {
  store::Lease lease;
  {
    absl::MutexLock lock(&mu_);
    auto it = held_.find(job_id);
    if (it == held_.end() || it->second.token != token) return;  // lost meanwhile
    lease = it->second;
    held_.erase(it);
    wake_ = true;  // room for another job
  }
  Release(job_id, lease);
}

void LeaseKeeper::ReleaseAll() {
  std::map<std::string, store::Lease> held;
  {
    absl::MutexLock lock(&mu_);
    held.swap(held_);
  }
  for (const auto& [job_id, lease] : held) Release(job_id, lease);
  if (!held.empty()) {
    LogLine(LogLevel::kInfo, "leases_released")
        .Str("replica", options_.owner)
        .Int("count", static_cast<int64_t>(held.size()));
  }
}

void LeaseKeeper::Release(const std::string& job_id, const store::Lease& lease) {
  const absl::Status s =
      store_->ReleaseLease(job_id, {lease.owner, lease.token, clock_->NowMicros()});
  // Not fatal: an unreleased lease only delays the job by the rest of its lease.
  if (!s.ok() && !LeaseIsGone(s)) {
    LogLine(LogLevel::kWarning, "lease_release_failed")
        .Str("job_id", job_id)
        .Str("code", absl::StatusCodeToString(s.code()))
        .Str("message", s.message());
  }
}

bool LeaseKeeper::ClaimOne() {
  {
    absl::MutexLock lock(&mu_);
    if (!claiming_ || static_cast<int>(held_.size()) >= options_.max_leases) return false;
  }
  store::ClaimRequest request;
  request.owner = options_.owner;
  request.now_micros = clock_->NowMicros();
  request.lease_micros = options_.lease_micros;
  request.max_leases_per_tenant = options_.max_leases_per_tenant;
  absl::StatusOr<std::optional<store::ClaimedJob>> claimed = store_->ClaimJob(request);
  if (!claimed.ok()) {
    LogLine(LogLevel::kWarning, "lease_claim_failed")
        .Str("code", absl::StatusCodeToString(claimed.status().code()))
        .Str("message", claimed.status().message());
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kClaimRetry);
    return false;
  }
  if (!claimed->has_value()) return false;
  const store::JobRecord& job = (*claimed)->job;
  {
    absl::MutexLock lock(&mu_);
    held_[job.id] = job.lease;
  }
  LogLine(LogLevel::kInfo, "job_claimed")
      .Str("job_id", job.id)
      .Str("tenant", job.tenant)
      .Str("replica", options_.owner)
      .Int("lease_token", job.lease.token);
  enqueue_(job);
  return true;
}

void LeaseKeeper::ClaimLoop() {
  for (;;) {
    while (ClaimOne()) {
    }
    absl::MutexLock lock(&mu_);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return wake_ || stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken),
                         absl::Microseconds(options_.claim_poll_micros));
    if (stopping_) return;
    wake_ = false;
  }
}

void LeaseKeeper::RenewAll() {
  std::map<std::string, store::Lease> held;
  {
    absl::MutexLock lock(&mu_);
    held = held_;
  }
  std::vector<std::pair<std::string, int64_t>> lost;  // (job, token of the lost lease)
  for (const auto& [job_id, lease] : held) {
    const int64_t now = clock_->NowMicros();
    absl::StatusOr<store::Lease> renewed =
        store_->RenewLease(job_id, {lease.owner, lease.token, now}, options_.lease_micros);
    absl::MutexLock lock(&mu_);
    auto it = held_.find(job_id);
    if (it == held_.end() || it->second.token != lease.token) continue;  // done meanwhile
    if (renewed.ok()) {
      it->second = *renewed;
      continue;
    }
    // An outage is survivable while the lease lasts; past it another replica may own the
    // job, and this one's writes would be refused.
    if (!LeaseIsGone(renewed.status()) && now < lease.expires_micros) continue;
    LogLine(LogLevel::kWarning, "lease_lost")
        .Str("job_id", job_id)
        .Str("replica", options_.owner)
        .Str("code", absl::StatusCodeToString(renewed.status().code()))
        .Str("message", renewed.status().message());
    held_.erase(it);
    wake_ = true;
    lost.emplace_back(job_id, lease.token);
  }
  for (const auto& [job_id, token] : lost) lost_(job_id, token);
}

void LeaseKeeper::RenewLoop() {
  const absl::Duration period = absl::Microseconds(options_.lease_micros / 3);
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), period)) return;
    }
    RenewAll();
  }
}

}  // namespace qgrad::server
