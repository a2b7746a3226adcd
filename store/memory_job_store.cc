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

absl::StatusOr<CreateJobOutcome> MemoryJobStore::CreateJob(
    const JobRecord& job, const std::vector<std::string>& initial_events,
    int64_t event_time_micros) {
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
  Entry entry;
  entry.job = job;
  entry.job.last_event_sequence = static_cast<int64_t>(initial_events.size());
  for (const std::string& payload : initial_events) {
    entry.events.push_back({static_cast<int64_t>(entry.events.size()) + 1, event_time_micros,
                            payload});
  }
  if (!job.idempotency_key.empty()) by_key_.emplace(key, job.id);
  order_.emplace(job.create_time_micros, job.id);
  auto [it, inserted] = jobs_.emplace(job.id, std::move(entry));
  return CreateJobOutcome{it->second.job, true};
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
  if (absl::Status s = internal::CheckExpectedStates(entry.job, update); !s.ok()) return s;
  internal::ApplyUpdate(update, entry.job);
  if (update.checkpoint.has_value()) entry.checkpoint = update.checkpoint;
  if (update.result.has_value()) entry.result = update.result;
  for (const std::string& payload : update.events) {
    entry.events.push_back({static_cast<int64_t>(entry.events.size()) + 1,
                            update.event_time_micros, payload});
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

}  // namespace qgrad::store
