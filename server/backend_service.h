// The gRPC BackendService (qgrad.v1, callback API): lists the one backend the server runs
// jobs on, with the limits the server enforces. Calls need a valid token like every other.
//
// Thread-safety: immutable after construction; handlers run concurrently.
#ifndef QGRAD_SERVER_BACKEND_SERVICE_H_
#define QGRAD_SERVER_BACKEND_SERVICE_H_

#include "qgrad/v1/service.grpc.pb.h"
#include "server/auth.h"
#include "server/call_context.h"

namespace qgrad::server {

class BackendServiceImpl final : public v1::BackendService::CallbackService {
 public:
  // `auth` and `calls` must outlive the service.
  BackendServiceImpl(v1::Backend backend, const TokenAuthenticator* auth, CallTracker* calls)
      : backend_(std::move(backend)), auth_(auth), calls_(calls) {}

  grpc::ServerUnaryReactor* ListBackends(grpc::CallbackServerContext* context,
                                         const v1::ListBackendsRequest* request,
                                         v1::ListBackendsResponse* response) override;
  grpc::ServerUnaryReactor* GetBackend(grpc::CallbackServerContext* context,
                                       const v1::GetBackendRequest* request,
                                       v1::Backend* response) override;

 private:
  const v1::Backend backend_;
  const TokenAuthenticator* auth_;
  CallTracker* calls_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_BACKEND_SERVICE_H_
