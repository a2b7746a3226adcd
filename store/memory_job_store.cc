// MemoryJobStore: an in-memory JobStore. Thread-safe (one mutex).
#include "store/memory_job_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "store/job_store_util.h"

namespace qgrad::store {

absl::StatusOr<MemoryJobStore::Entry*> MemoryJobStore::Find(const std::string& id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
  return &it->second;
}

int64_t MemoryJobStore::CountQueued(const std::string& tenant) const {
  return static_cast<int64_t>(std::count_if(jobs_.begin(), jobs_.end(), [&](const auto& kv) {
    return kv.second.job.tenant == tenant && kv.second.job.state == JobState::kQueued;
  }));
}

std::map<std::string, int> MemoryJobStore::LiveLeasesByTenant(int64_t now_micros) const {
  std::map<std::string, int> live;
  for (const auto& [id, entry] : jobs_) {
    if (internal::HoldsLiveLease(entry.job, now_micros)) ++live[entry.job.tenant];
  }
  return live;
}

absl::StatusOr<CreateJobOutcome> MemoryJobStore::CreateJob(
    const JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros, const CreateLimits& limits) {
  if (absl::Status s = internal::ValidateNewJob(job); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  const auto key = std::make_pair(job.tenant, job.idempotency_key);
  if (!job.idempotency_key.empty()) {
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      return CreateJobOutcome{jobs_.at(it->second).job, false};
    }
  }
  if (jobs_.contains(job.id)) {
    return absl::AlreadyExistsError(absl::StrCat("job ", job.id, " already exists"));
  }
  if (job.state == JobState::kQueued) {
    if (absl::Status s = internal::CheckQueuedLimit(job.tenant, CountQueued(job.tenant), limits);
        !s.ok()) {
      return s;
    }
  }
  Entry entry;
  entry.job = job;
  entry.job.lease = Lease{};
  entry.job.last_event_sequence = static_cast<int64_t>(initial_events.size());
  for (const std::string& payload : initial_events) {
    entry.events.push_back({static_cast<int64_t>(entry.events.size()) + 1, event_time_micros,
                            payload, 0});
  }
  if (!job.idempotency_key.empty()) by_key_.emplace(key, job.id);
  order_.emplace(job.create_time_micros, job.id);
  auto [it, inserted] = jobs_.emplace(job.id, std::move(entry));
  return CreateJobOutcome{it->second.job, true};
}

absl::StatusOr<std::optional<JobRecord>> MemoryJobStore::FindJobByKey(const std::string& tenant,
                                                                      const std::string& key) {
  if (key.empty()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  auto it = by_key_.find({tenant, key});
  if (it == by_key_.end()) return std::nullopt;
  return jobs_.at(it->second).job;
}

absl::StatusOr<JobRecord> MemoryJobStore::GetJob(const std::string& id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> entry = Find(id);
  if (!entry.ok()) return entry.status();
  return (*entry)->job;
}

absl::StatusOr<JobPage> MemoryJobStore::ListJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateQuery(query); !s.ok()) return s;
  absl::StatusOr<std::optional<internal::PageCursor>> cursor =
      internal::DecodePageToken(query);
  if (!cursor.ok()) return cursor.status();
  absl::MutexLock lock(&mu_);
  auto it = order_.begin();
  if (cursor->has_value()) {
    it = order_.upper_bound({(*cursor)->create_time_micros, (*cursor)->id});
  }
  JobPage page;
  for (; it != order_.end(); ++it) {
    const JobRecord& job = jobs_.at(it->second).job;
    if (!internal::MatchesQuery(job, query)) continue;
    if (static_cast<int32_t>(page.jobs.size()) == query.page_size) {
      // A further match exists, so the page gets a token.
      const JobRecord& last = page.jobs.back();
      page.next_page_token =
          internal::EncodePageToken(query, {last.create_time_micros, last.id});
      break;
    }
    page.jobs.push_back(job);
  }
  return page;
}

absl::StatusOr<int64_t> MemoryJobStore::CountJobs(const JobQuery& query) {
  if (absl::Status s = internal::ValidateFilter(query); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(std::count_if(jobs_.begin(), jobs_.end(), [&](const auto& kv) {
    return internal::MatchesQuery(kv.second.job, query);
  }));
}

absl::StatusOr<JobRecord> MemoryJobStore::UpdateJob(const std::string& id,
                                                    const JobUpdate& update) {
  if (absl::Status s = internal::ValidateUpdate(update); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  Entry& entry = **found;
  if (update.fence.has_value()) {
    if (absl::Status s = internal::CheckFence(entry.job, *update.fence); !s.ok()) return s;
  }
  if (absl::Status s = internal::CheckExpectedStates(entry.job, update); !s.ok()) return s;
  internal::ApplyUpdate(update, entry.job);
  if (update.checkpoint.has_value()) entry.checkpoint = update.checkpoint;
  if (update.result.has_value()) entry.result = update.result;
  for (const std::string& payload : update.events) {
    entry.events.push_back({static_cast<int64_t>(entry.events.size()) + 1,
                            update.event_time_micros, payload,
                            update.fence.has_value() ? update.fence->token : 0});
  }
  return entry.job;
}

absl::StatusOr<std::vector<EventRecord>> MemoryJobStore::ReadEvents(const std::string& id,
                                                                    int64_t after_sequence,
                                                                    int32_t limit) {
  if (absl::Status s = internal::ValidateEventLimit(limit); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  const std::vector<EventRecord>& events = (*found)->events;
  // Sequences are 1..n at indexes 0..n-1.
  const int64_t n = static_cast<int64_t>(events.size());
  const int64_t begin = std::clamp<int64_t>(after_sequence, 0, n);
  const int64_t end = std::min<int64_t>(n, begin + limit);
  return std::vector<EventRecord>(events.begin() + begin, events.begin() + end);
}

absl::StatusOr<std::optional<std::string>> MemoryJobStore::GetCheckpoint(const std::string& id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  return (*found)->checkpoint;
}

absl::StatusOr<std::optional<std::string>> MemoryJobStore::GetResult(const std::string& id) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  return (*found)->result;
}

absl::StatusOr<std::optional<ClaimedJob>> MemoryJobStore::ClaimJob(const ClaimRequest& request) {
  if (absl::Status s = internal::ValidateClaim(request); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  const std::map<std::string, int> live = LiveLeasesByTenant(request.now_micros);
  Entry* best = nullptr;
  for (auto& [id, entry] : jobs_) {
    if (!internal::IsClaimable(entry.job, request.now_micros)) continue;
    if (request.max_leases_per_tenant > 0) {
      auto it = live.find(entry.job.tenant);
      if (it != live.end() && it->second >= request.max_leases_per_tenant) continue;
    }
    if (best == nullptr || internal::ClaimsBefore(entry.job, best->job)) best = &entry;
  }
  if (best == nullptr) return std::nullopt;
  Lease& lease = best->job.lease;
  lease = Lease{request.owner, lease.token + 1, request.now_micros + request.lease_micros};
  return ClaimedJob{best->job};
}

absl::StatusOr<Lease> MemoryJobStore::RenewLease(const std::string& id, const LeaseFence& fence,
                                                 int64_t lease_micros) {
  if (absl::Status s = internal::ValidateLeaseMicros(lease_micros); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  JobRecord& job = (*found)->job;
  if (absl::Status s = internal::CheckFence(job, fence); !s.ok()) return s;
  job.lease.expires_micros = fence.now_micros + lease_micros;
  return job.lease;
}

absl::Status MemoryJobStore::ReleaseLease(const std::string& id, const LeaseFence& fence) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> found = Find(id);
  if (!found.ok()) return found.status();
  JobRecord& job = (*found)->job;
  if (absl::Status s = internal::CheckFence(job, fence, /*releasing=*/true); !s.ok()) return s;
  job.lease.expires_micros = 0;
  return absl::OkStatus();
}

}  // namespace qgrad::store
