// Per-call plumbing shared by the gRPC services: who is calling (the tenant from the
// bearer token), how a finished call is logged, and how many calls are in flight (so that
// a graceful shutdown can wait for them and then close idle connections at once instead
// of waiting for clients to hang up).
//
// Thread-safety: free functions; the authenticator is immutable; CallTracker is
// thread-safe.
#ifndef QGRAD_SERVER_CALL_CONTEXT_H_
#define QGRAD_SERVER_CALL_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth.h"

namespace qgrad::server {

// The caller's tenant, from its `authorization` metadata; UNAUTHENTICATED otherwise.
absl::StatusOr<std::string> CallerTenant(const TokenAuthenticator& auth,
                                         const grpc::CallbackServerContext& context);

// Logs a failed call (method, code, message, tenant, peer); successful ones at debug level.
void LogCall(absl::string_view method, const absl::Status& status, absl::string_view tenant,
             const grpc::CallbackServerContext& context);

class CallTracker {
 public:
  void Begin();
  void End();
  // True once no call is in flight; false when `timeout` passed first.
  bool WaitIdle(absl::Duration timeout);

 private:
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
};

// Begin() now, End() at scope exit.
class TrackedCall {
 public:
  explicit TrackedCall(CallTracker* tracker) : tracker_(tracker) { tracker_->Begin(); }
  ~TrackedCall() { tracker_->End(); }
  TrackedCall(const TrackedCall&) = delete;
  TrackedCall& operator=(const TrackedCall&) = delete;

 private:
  CallTracker* tracker_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_CALL_CONTEXT_H_
