// The backend interface's free functions and the registry; see backend.h.
//
// Thread-safety: the free functions are pure; Registry locks its own mutex.
#include "backends/backend.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qgrad::backends {

const char* BatchStateName(BatchState state) {
  switch (state) {
    case BatchState::kQueued:
      return "QUEUED";
    case BatchState::kRunning:
      return "RUNNING";
    case BatchState::kSucceeded:
      return "SUCCEEDED";
    case BatchState::kFailed:
      return "FAILED";
    case BatchState::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

absl::Status CheckBatchSize(const Batch& batch, int64_t max_programs) {
  if (batch.programs.empty()) return absl::InvalidArgumentError("batch: no programs");
  if (static_cast<int64_t>(batch.programs.size()) > max_programs) {
    return absl::ResourceExhaustedError(absl::StrCat("batch: ", batch.programs.size(),
                                                     " programs exceed the backend's limit of ",
                                                     max_programs));
  }
  return absl::OkStatus();
}

absl::StatusOr<BatchResult> RunBatch(Backend& backend, Batch batch, absl::Time deadline) {
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle = backend.Submit(std::move(batch));
  if (!handle.ok()) return handle.status();
  absl::StatusOr<BatchResult> result = (*handle)->Wait(deadline);
  // The caller gives up at the deadline, so the backend should stop spending on it.
  if (absl::IsDeadlineExceeded(result.status())) (*handle)->Cancel();
  return result;
}

std::string BitString(uint64_t shot, int num_bits) {
  num_bits = std::clamp(num_bits, 0, kMaxShotBits);
  std::string bits(num_bits, '0');
  for (int b = 0; b < num_bits; ++b) {
    if ((shot >> b) & 1) bits[num_bits - 1 - b] = '1';
  }
  return bits;
}

std::vector<std::pair<uint64_t, int64_t>> CountShots(absl::Span<const uint64_t> shots) {
  std::vector<uint64_t> sorted(shots.begin(), shots.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::pair<uint64_t, int64_t>> counts;
  for (uint64_t value : sorted) {
    if (counts.empty() || counts.back().first != value) counts.emplace_back(value, 0);
    ++counts.back().second;
  }
  return counts;
}

absl::Status Registry::Add(std::shared_ptr<Backend> backend) {
  if (backend == nullptr) return absl::InvalidArgumentError("backend: null");
  std::string name = backend->Describe().name;
  if (name.empty()) return absl::InvalidArgumentError("backend: empty name");
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = backends_.emplace(name, std::move(backend));
  if (!inserted) {
    return absl::AlreadyExistsError(absl::StrCat("backend \"", name, "\" already exists"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<Backend>> Registry::Find(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = backends_.find(name);
  if (it != backends_.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [known, backend] : backends_) names.push_back(known);
  return absl::NotFoundError(absl::StrCat("backend \"", name, "\" not found (available: ",
                                          names.empty() ? "none" : absl::StrJoin(names, ", "),
                                          ")"));
}

std::vector<Description> Registry::List() const {
  std::vector<std::shared_ptr<Backend>> backends;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, backend] : backends_) backends.push_back(backend);
  }
  // Describe() outside the lock: a remote backend may take its time to answer.
  std::vector<Description> list;
  for (const std::shared_ptr<Backend>& backend : backends) list.push_back(backend->Describe());
  return list;
}

}  // namespace qgrad::backends
