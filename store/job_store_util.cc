// Helpers shared by the JobStore implementations. Thread-safe (pure functions).
#include "store/job_store_util.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace qgrad::store::internal {
namespace {

constexpr char kTokenVersion = 1;
constexpr size_t kTokenHeaderBytes = 1 + 8 + 8;  // version, filter fingerprint, time

// FNV-1a: stable across processes and builds, unlike absl::Hash, so that tokens survive a
// server restart.
class Fingerprint {
 public:
  void AddBytes(const std::string& bytes) {
    AddInt(static_cast<uint64_t>(bytes.size()));  // length prefix: "ab"+"c" != "a"+"bc"
    for (unsigned char c : bytes) Mix(c);
  }
  void AddInt(uint64_t v) {
    for (int i = 0; i < 8; ++i) Mix(static_cast<unsigned char>(v >> (8 * i)));
  }
  uint64_t value() const { return h_; }

 private:
  void Mix(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  uint64_t h_ = 14695981039346656037ULL;
};

uint64_t FilterFingerprint(const JobQuery& query) {
  Fingerprint f;
  f.AddInt(query.tenant.has_value() ? 1 : 0);
  if (query.tenant.has_value()) f.AddBytes(*query.tenant);
  f.AddInt(query.states.size());
  for (JobState s : query.states) f.AddInt(static_cast<uint64_t>(s));
  f.AddInt(query.labels.size());
  for (const auto& [key, value] : query.labels) {
    f.AddBytes(key);
    f.AddBytes(value);
  }
  return f.value();
}

void AppendUint64(uint64_t v, std::string& out) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadUint64(const std::string& in, size_t pos) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

absl::Status BadToken(const char* why) {
  return absl::InvalidArgumentError(absl::StrCat("page_token: ", why));
}

}  // namespace

bool IsValidState(JobState state) {
  const int v = static_cast<int>(state);
  return v >= static_cast<int>(JobState::kQueued) && v <= static_cast<int>(JobState::kCancelled);
}

absl::Status ValidateLeaseMicros(int64_t lease_micros) {
  if (lease_micros <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease_micros: must be positive, got ", lease_micros));
  }
  return absl::OkStatus();
}

absl::Status ValidateClaim(const ClaimRequest& request) {
  if (request.owner.empty()) return absl::InvalidArgumentError("owner: must not be empty");
  if (request.max_leases_per_tenant < 0) {
    return absl::InvalidArgumentError("max_leases_per_tenant: must not be negative");
  }
  return ValidateLeaseMicros(request.lease_micros);
}

bool IsClaimable(const JobRecord& job, int64_t now_micros) {
  return !IsTerminal(job.state) && job.lease.expires_micros <= now_micros;
}

bool HoldsLiveLease(const JobRecord& job, int64_t now_micros) {
  return !IsTerminal(job.state) && job.lease.expires_micros > now_micros;
}

absl::Status CheckFence(const JobRecord& job, const LeaseFence& fence, bool releasing) {
  const Lease& lease = job.lease;
  if (lease.token != fence.token || lease.owner != fence.owner) {
    return absl::AbortedError(absl::StrCat(
        "job ", job.id, ": the lease was lost: it is held by ", lease.owner.empty() ? "nobody" : lease.owner,
        " with token ", lease.token, ", not by ", fence.owner, " with token ", fence.token));
  }
  if (releasing) return absl::OkStatus();
  if (IsTerminal(job.state)) {
    return absl::AbortedError(absl::StrCat("job ", job.id, ": the lease ended: the job is finished"));
  }
  if (lease.expires_micros <= fence.now_micros) {
    return absl::AbortedError(absl::StrCat("job ", job.id, ": the lease expired ",
                                           fence.now_micros - lease.expires_micros,
                                           " us ago"));
  }
  return absl::OkStatus();
}

absl::Status CheckQueuedLimit(const std::string& tenant, int64_t queued,
                              const CreateLimits& limits) {
  if (limits.max_queued_per_tenant <= 0 || queued < limits.max_queued_per_tenant) {
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("tenant ", tenant, " has ", queued, " queued jobs; the limit is ",
                   limits.max_queued_per_tenant, " (max_queued_per_tenant)"));
}

bool ClaimsBefore(const JobRecord& a, const JobRecord& b) {
  const bool a_running = a.state == JobState::kRunning;
  const bool b_running = b.state == JobState::kRunning;
  if (a_running != b_running) return a_running;
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.create_time_micros != b.create_time_micros) {
    return a.create_time_micros < b.create_time_micros;
  }
  return a.id < b.id;
}

absl::Status ValidateNewJob(const JobRecord& job) {
  if (job.id.empty()) return absl::InvalidArgumentError("job.id: must not be empty");
  if (!IsValidState(job.state)) {
    return absl::InvalidArgumentError(
        absl::StrCat("job.state: unknown value ", static_cast<int>(job.state)));
  }
  return absl::OkStatus();
}

absl::Status ValidateUpdate(const JobUpdate& update) {
  if (update.state.has_value() && !IsValidState(*update.state)) {
    return absl::InvalidArgumentError(
        absl::StrCat("update.state: unknown value ", static_cast<int>(*update.state)));
  }
  for (JobState s : update.expected_states) {
    if (!IsValidState(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update.expected_states: unknown value ", static_cast<int>(s)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateFilter(const JobQuery& query) {
  for (JobState s : query.states) {
    if (!IsValidState(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat("states: unknown value ", static_cast<int>(s)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateQuery(const JobQuery& query) {
  if (query.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be >= 1, got ", query.page_size));
  }
  return ValidateFilter(query);
}

absl::Status ValidateEventLimit(int32_t limit) {
  if (limit < 1) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be >= 1, got ", limit));
  }
  return absl::OkStatus();
}

absl::Status CheckExpectedStates(const JobRecord& job, const JobUpdate& update) {
  if (!update.expected_states.empty() && !update.expected_states.contains(job.state)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job ", job.id, " is in state ", static_cast<int>(job.state),
        ", not in the expected states"));
  }
  if (update.expected_last_event_sequence.has_value() &&
      *update.expected_last_event_sequence != job.last_event_sequence) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job ", job.id, " has events up to ", job.last_event_sequence, ", not up to ",
        *update.expected_last_event_sequence));
  }
  return absl::OkStatus();
}

void ApplyUpdate(const JobUpdate& update, JobRecord& job) {
  if (update.state.has_value()) job.state = *update.state;
  if (update.error.has_value()) job.error = *update.error;
  if (update.start_time_micros.has_value()) job.start_time_micros = *update.start_time_micros;
  if (update.finish_time_micros.has_value()) {
    job.finish_time_micros = *update.finish_time_micros;
  }
  if (update.cancel_requested.has_value()) job.cancel_requested = *update.cancel_requested;
  if (update.iterations_done.has_value()) job.iterations_done = *update.iterations_done;
  job.last_event_sequence += static_cast<int64_t>(update.events.size());
}

bool MatchesQuery(const JobRecord& job, const JobQuery& query) {
  if (query.tenant.has_value() && job.tenant != *query.tenant) return false;
  if (!query.states.empty() && !query.states.contains(job.state)) return false;
  for (const auto& [key, value] : query.labels) {
    auto it = job.labels.find(key);
    if (it == job.labels.end() || it->second != value) return false;
  }
  return true;
}

std::string EncodePageToken(const JobQuery& query, const PageCursor& last) {
  std::string raw;
  raw.reserve(kTokenHeaderBytes + last.id.size());
  raw.push_back(kTokenVersion);
  AppendUint64(FilterFingerprint(query), raw);
  AppendUint64(static_cast<uint64_t>(last.create_time_micros), raw);
  raw += last.id;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::optional<PageCursor>> DecodePageToken(const JobQuery& query) {
  if (query.page_token.empty()) return std::optional<PageCursor>();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(query.page_token, &raw)) {
    return BadToken("not a token returned by ListJobs (bad encoding)");
  }
  if (raw.size() <= kTokenHeaderBytes || raw[0] != kTokenVersion) {
    return BadToken("not a token returned by ListJobs (bad format)");
  }
  if (ReadUint64(raw, 1) != FilterFingerprint(query)) {
    return BadToken("was returned for a query with other tenant, states or labels");
  }
  PageCursor cursor;
  cursor.create_time_micros = static_cast<int64_t>(ReadUint64(raw, 9));
  cursor.id = raw.substr(kTokenHeaderBytes);
  return std::optional<PageCursor>(std::move(cursor));
}

}  // namespace qgrad::store::internal
