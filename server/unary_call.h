// UnaryCall: one unary RPC of a raw (ByteBuffer) callback handler, from the request bytes
// to the finished reactor — authenticate the caller, decode the request (rpc_codec.h),
// run the body, encode the response, log the outcome (one JSON line for every failure)
// and finish with the converted status (grpc_status.h). Exceptions escaping the body are
// answered too (RESOURCE_EXHAUSTED for std::bad_alloc, INTERNAL otherwise), so that no
// request ends with gRPC's empty UNKNOWN.
//
// Synchronous bodies use Run(); a body that finishes later, on another thread, uses
// Start() and calls Finish() exactly once. The call counts as in flight (CallTracker) until
// it finishes.
//
// Thread-safety: one object per call; Finish may run on any thread.
#ifndef QGRAD_SERVER_UNARY_CALL_H_
#define QGRAD_SERVER_UNARY_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <exception>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/auth.h"
#include "server/call_context.h"
#include "server/exception_status.h"
#include "server/grpc_status.h"
#include "server/rpc_codec.h"

namespace qgrad::server {

template <typename Request, typename Response>
class UnaryCall {
 public:
  using SyncBody =
      std::function<absl::Status(const std::string& tenant, const Request&, Response&)>;
  // Gets the call; must eventually call call->Finish(status) exactly once.
  using AsyncBody = std::function<void(UnaryCall* call)>;

  // Authenticates, decodes and runs `body` inline.
  static grpc::ServerUnaryReactor* Run(const TokenAuthenticator& auth, CallTracker* calls,
                                       grpc::CallbackServerContext* context, const char* method,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response, const SyncBody& body) {
    return Start(auth, calls, context, method, request, response, [&body](UnaryCall* call) {
      absl::Status status;
      try {
        status = body(call->tenant(), call->request(), call->response());
      } catch (...) {
        status = StatusOfException(std::current_exception());
      }
      call->Finish(status);
    });
  }

  // Authenticates and decodes; on success hands the call to `body`, else finishes it.
  static grpc::ServerUnaryReactor* Start(const TokenAuthenticator& auth, CallTracker* calls,
                                         grpc::CallbackServerContext* context,
                                         const char* method, const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response, const AsyncBody& body) {
    auto* call = new UnaryCall(calls, context, method, response);
    grpc::ServerUnaryReactor* reactor = call->reactor_;
    absl::StatusOr<std::string> tenant = CallerTenant(auth, *context);
    absl::Status status = tenant.status();
    if (status.ok()) {
      call->tenant_ = *std::move(tenant);
      status = DecodeRequest(*request, call->request_);
    }
    if (status.ok()) {
      body(call);
    } else {
      call->Finish(status);
    }
    return reactor;
  }

  const std::string& tenant() const { return tenant_; }
  const Request& request() const { return request_; }
  Request& mutable_request() { return request_; }
  Response& response() { return response_; }

  // Encodes the response (when `status` is OK), logs, finishes and deletes the call.
  void Finish(absl::Status status) {
    if (status.ok()) status = EncodeResponse(response_, *response_bytes_);
    LogCall(method_, status, tenant_, *context_);
    reactor_->Finish(ToGrpcStatus(status));
    calls_->End();
    delete this;
  }

 private:
  UnaryCall(CallTracker* calls, grpc::CallbackServerContext* context, const char* method,
            grpc::ByteBuffer* response_bytes)
      : calls_(calls), context_(context), reactor_(context->DefaultReactor()), method_(method),
        response_bytes_(response_bytes) {
    calls_->Begin();
  }

  CallTracker* const calls_;
  grpc::CallbackServerContext* const context_;
  // Taken once: each DefaultReactor() call constructs the context's reactor anew.
  grpc::ServerUnaryReactor* const reactor_;
  const char* const method_;
  grpc::ByteBuffer* const response_bytes_;
  std::string tenant_;
  Request request_;
  Response response_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_UNARY_CALL_H_
