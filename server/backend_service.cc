// BackendService handlers; see backend_service.h.
//
// Thread-safety: no mutable state.
#include "server/backend_service.h"

#include "absl/strings/str_cat.h"
#include "server/backend_info.h"
#include "server/call_context.h"
#include "server/grpc_status.h"
#include "server/log.h"

namespace qgrad::server {
namespace {

grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context, const char* method,
                                     const absl::Status& status, const std::string& tenant) {
  LogCall(method, status, tenant, *context);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* BackendServiceImpl::ListBackends(grpc::CallbackServerContext* context,
                                                           const v1::ListBackendsRequest*,
                                                           v1::ListBackendsResponse* response) {
  TrackedCall tracked(calls_);
  absl::StatusOr<std::string> tenant = CallerTenant(*auth_, *context);
  if (tenant.ok()) {
    for (const backends::Description& d : backends_->List()) {
      *response->add_backends() = BackendProto(d, max_running_jobs_);
    }
  }
  return FinishWith(context, "ListBackends", tenant.status(), tenant.ok() ? *tenant : "");
}

grpc::ServerUnaryReactor* BackendServiceImpl::GetBackend(grpc::CallbackServerContext* context,
                                                         const v1::GetBackendRequest* request,
                                                         v1::Backend* response) {
  TrackedCall tracked(calls_);
  absl::StatusOr<std::string> tenant = CallerTenant(*auth_, *context);
  absl::Status status = tenant.status();
  if (status.ok()) {
    if (request->name().empty()) {
      status = absl::InvalidArgumentError("name: required");
    } else if (absl::StatusOr<std::shared_ptr<backends::Backend>> backend =
                   backends_->Find(request->name());
               backend.ok()) {
      *response = BackendProto((*backend)->Describe(), max_running_jobs_);
    } else {
      status = backend.status();
    }
  }
  return FinishWith(context, "GetBackend", status, tenant.ok() ? *tenant : "");
}

}  // namespace qgrad::server
