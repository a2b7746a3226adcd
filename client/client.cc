// Client construction and the unary calls; Watch lives in watch.cc. See client.h.
//
// Thread-safety: a Client is safe for concurrent use (see client.h).
#include "client/client.h"

#include <grpcpp/client_context.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/channel.h"
#include "client/status_conversion.h"

namespace qgrad::client {
namespace {

// Header values must be printable ASCII; a token with a stray newline (read from a file)
// would otherwise fail every call with an obscure transport error.
absl::Status ValidateToken(const std::string& token) {
  for (char c : token) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          "token: only printable ASCII without spaces may travel in the authorization header");
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsTerminal(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

Client::Client(std::shared_ptr<grpc::Channel> channel, const ClientOptions& options)
    : options_(options),
      channel_(std::move(channel)),
      jobs_(v1::JobService::NewStub(channel_)),
      backends_(v1::BackendService::NewStub(channel_)) {}

absl::StatusOr<Client> Client::Create(const ClientOptions& options) {
  if (absl::Status s = ValidateToken(options.token); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  if (!channel.ok()) return channel.status();
  return Client(*std::move(channel), options);
}

absl::StatusOr<Client> Client::FromChannel(std::shared_ptr<grpc::Channel> channel,
                                           const ClientOptions& options) {
  if (absl::Status s = ValidateToken(options.token); !s.ok()) return s;
  return Client(std::move(channel), options);
}

void Client::PrepareContext(grpc::ClientContext& context, bool unary) const {
  if (!options_.token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
  if (unary && options_.timeout > absl::ZeroDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  }
}

template <typename Response, typename Rpc>
absl::StatusOr<Response> Client::CallUnary(Rpc&& rpc) const {
  grpc::ClientContext context;
  PrepareContext(context, /*unary=*/true);
  Response response;
  const grpc::Status status = rpc(&context, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::SubmitJobResponse> Client::Submit(const v1::SubmitJobRequest& request) {
  return CallUnary<v1::SubmitJobResponse>([&](grpc::ClientContext* c, v1::SubmitJobResponse* r) {
    return jobs_->SubmitJob(c, request, r);
  });
}

absl::StatusOr<v1::Job> Client::GetJob(const std::string& job_id) {
  v1::GetJobRequest request;
  request.set_job_id(job_id);
  return CallUnary<v1::Job>(
      [&](grpc::ClientContext* c, v1::Job* r) { return jobs_->GetJob(c, request, r); });
}

absl::StatusOr<v1::ListJobsResponse> Client::ListJobs(const v1::ListJobsRequest& request) {
  return CallUnary<v1::ListJobsResponse>([&](grpc::ClientContext* c, v1::ListJobsResponse* r) {
    return jobs_->ListJobs(c, request, r);
  });
}

absl::StatusOr<v1::Job> Client::Cancel(const std::string& job_id) {
  v1::CancelJobRequest request;
  request.set_job_id(job_id);
  absl::StatusOr<v1::CancelJobResponse> response =
      CallUnary<v1::CancelJobResponse>([&](grpc::ClientContext* c, v1::CancelJobResponse* r) {
        return jobs_->CancelJob(c, request, r);
      });
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_job());
}

absl::StatusOr<v1::JobResult> Client::GetResult(const std::string& job_id) {
  v1::GetJobResultRequest request;
  request.set_job_id(job_id);
  return CallUnary<v1::JobResult>(
      [&](grpc::ClientContext* c, v1::JobResult* r) { return jobs_->GetJobResult(c, request, r); });
}

absl::StatusOr<v1::GetUsageResponse> Client::GetUsage(const std::string& job_id) {
  v1::GetUsageRequest request;
  request.set_job_id(job_id);
  return CallUnary<v1::GetUsageResponse>([&](grpc::ClientContext* c, v1::GetUsageResponse* r) {
    return jobs_->GetUsage(c, request, r);
  });
}

absl::StatusOr<v1::ListBackendsResponse> Client::ListBackends() {
  v1::ListBackendsRequest request;
  return CallUnary<v1::ListBackendsResponse>(
      [&](grpc::ClientContext* c, v1::ListBackendsResponse* r) {
        return backends_->ListBackends(c, request, r);
      });
}

absl::StatusOr<v1::Backend> Client::GetBackend(const std::string& name) {
  v1::GetBackendRequest request;
  request.set_name(name);
  return CallUnary<v1::Backend>(
      [&](grpc::ClientContext* c, v1::Backend* r) { return backends_->GetBackend(c, request, r); });
}

}  // namespace qgrad::client
