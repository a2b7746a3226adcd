// The gRPC BackendService (qgrad.v1, callback API): lists the backends of the server's
// registry with the limits the server enforces. Calls need a valid token like every other.
//
// Thread-safety: holds only pointers to thread-safe objects; handlers run concurrently.
#ifndef QGRAD_SERVER_BACKEND_SERVICE_H_
#define QGRAD_SERVER_BACKEND_SERVICE_H_

#include "backends/backend.h"
#include "qgrad/v1/service.grpc.pb.h"
#include "server/auth.h"
#include "server/call_context.h"

namespace qgrad::server {

class BackendServiceImpl final : public v1::BackendService::CallbackService {
 public:
  // `backends`, `auth` and `calls` must outlive the service. `max_running_jobs` is the
  // server's, reported with every backend.
  BackendServiceImpl(const backends::Registry* backends, int max_running_jobs,
                     const TokenAuthenticator* auth, CallTracker* calls)
      : backends_(backends), max_running_jobs_(max_running_jobs), auth_(auth), calls_(calls) {}

  grpc::ServerUnaryReactor* ListBackends(grpc::CallbackServerContext* context,
                                         const v1::ListBackendsRequest* request,
                                         v1::ListBackendsResponse* response) override;
  grpc::ServerUnaryReactor* GetBackend(grpc::CallbackServerContext* context,
                                       const v1::GetBackendRequest* request,
                                       v1::Backend* response) override;

 private:
  const backends::Registry* backends_;
  const int max_running_jobs_;
  const TokenAuthenticator* auth_;
  CallTracker* calls_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_BACKEND_SERVICE_H_
