// Call plumbing; see call_context.h.
//
// Thread-safety: no shared state.
#include "server/call_context.h"

#include "server/log.h"

namespace qgrad::server {

absl::StatusOr<std::string> CallerTenant(const TokenAuthenticator& auth,
                                         const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return auth.Authenticate(false, "");
  return auth.Authenticate(true, absl::string_view(it->second.data(), it->second.size()));
}

void LogCall(absl::string_view method, const absl::Status& status, absl::string_view tenant,
             const grpc::CallbackServerContext& context) {
  const LogLevel level = status.ok() ? LogLevel::kDebug
                         : status.code() == absl::StatusCode::kUnauthenticated
                             ? LogLevel::kWarning
                             : LogLevel::kInfo;
  LogLine line(level, status.ok() ? "rpc_ok" : "rpc_failed");
  line.Str("method", method).Str("tenant", tenant).Str("peer", context.peer());
  if (!status.ok()) {
    line.Str("code", absl::StatusCodeToString(status.code())).Str("message", status.message());
  }
}

void CallTracker::Begin() {
  absl::MutexLock lock(&mu_);
  ++active_;
}

void CallTracker::End() {
  absl::MutexLock lock(&mu_);
  --active_;
}

bool CallTracker::WaitIdle(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_ == 0; };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

}  // namespace qgrad::server
