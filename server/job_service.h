// The gRPC JobService (qgrad.v1, callback API): authenticates every call, hands it to the
// JobManager and converts the outcome once (server/grpc_status.h). WatchJob is one small
// write reactor per stream: it replays stored events after `after_sequence` and then
// streams new ones as the EventHub signals them, ending after the terminal state event
// (or UNAVAILABLE when the server shuts down).
//
// Unary handlers do their (short) store work on the gRPC callback thread.
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

class JobServiceImpl final : public v1::JobService::CallbackService {
 public:
  // All must outlive the service.
  JobServiceImpl(JobManager* jobs, const TokenAuthenticator* auth, CallTracker* calls)
      : jobs_(jobs), auth_(auth), calls_(calls) {}

  grpc::ServerUnaryReactor* SubmitJob(grpc::CallbackServerContext* context,
                                      const v1::SubmitJobRequest* request,
                                      v1::SubmitJobResponse* response) override;
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* context,
                                   const v1::GetJobRequest* request, v1::Job* response) override;
  grpc::ServerUnaryReactor* ListJobs(grpc::CallbackServerContext* context,
                                     const v1::ListJobsRequest* request,
                                     v1::ListJobsResponse* response) override;
  grpc::ServerWriteReactor<v1::JobEvent>* WatchJob(grpc::CallbackServerContext* context,
                                                   const v1::WatchJobRequest* request) override;
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* context,
                                      const v1::CancelJobRequest* request,
                                      v1::CancelJobResponse* response) override;
  grpc::ServerUnaryReactor* GetJobResult(grpc::CallbackServerContext* context,
                                         const v1::GetJobResultRequest* request,
                                         v1::JobResult* response) override;

 private:
  JobManager* jobs_;
  const TokenAuthenticator* auth_;
  CallTracker* calls_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOB_SERVICE_H_
