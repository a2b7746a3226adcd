// The gRPC JobService (qgrad.v1, callback API): authenticates every call, hands it to the
// JobManager and converts the outcome once (server/grpc_status.h). WatchJob is one small
// write reactor per stream: it replays stored events after `after_sequence` and then
// streams new ones as the EventHub signals them, ending after the terminal state event
// (or UNAVAILABLE when the server shuts down).
//
// Unary handlers do their (short) store work on the gRPC callback thread; SubmitJob's
// validation runs on the JobManager's admission threads (server/admission.h), so that a
// costly spec never holds a thread that answers health checks.
//
// Thread-safety: gRPC calls the handlers concurrently; the service holds only pointers to
// thread-safe objects.
#ifndef QGRAD_SERVER_JOB_SERVICE_H_
#define QGRAD_SERVER_JOB_SERVICE_H_

#include "qgrad/v1/service.grpc.pb.h"
#include "server/auth.h"
#include "server/call_context.h"
#include "server/jobs.h"

namespace qgrad::server {

// Every method takes its request as bytes (rpc_codec.h), so that undecodable requests get
// INVALID_ARGUMENT with a reason, and is logged.
using RawJobService = v1::JobService::WithRawCallbackMethod_SubmitJob<
    v1::JobService::WithRawCallbackMethod_GetJob<
        v1::JobService::WithRawCallbackMethod_ListJobs<
            v1::JobService::WithRawCallbackMethod_WatchJob<
                v1::JobService::WithRawCallbackMethod_CancelJob<
                    v1::JobService::WithRawCallbackMethod_GetJobResult<
                        v1::JobService::WithRawCallbackMethod_GetUsage<
                            v1::JobService::Service>>>>>>>;

class JobServiceImpl final : public RawJobService {
 public:
  // All must outlive the service.
  JobServiceImpl(JobManager* jobs, const TokenAuthenticator* auth, CallTracker* calls)
      : jobs_(jobs), auth_(auth), calls_(calls) {}

  grpc::ServerUnaryReactor* SubmitJob(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListJobs(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchJob(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetJobResult(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetUsage(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;

 private:
  JobManager* jobs_;
  const TokenAuthenticator* auth_;
  CallTracker* calls_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOB_SERVICE_H_
