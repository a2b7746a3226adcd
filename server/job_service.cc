// JobService handlers and the WatchJob reactor; see job_service.h.
//
// Thread-safety: a WatchReactor's state is guarded by its mutex; at most one thread at a
// time holds its "writer role" (reads the store and writes to the stream), so the store
// reads, the write buffer and the sequence cursor need no lock of their own.
#include "server/job_service.h"

#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/call_context.h"
#include "server/grpc_status.h"
#include "server/rpc_codec.h"
#include "server/unary_call.h"

namespace qgrad::server {
namespace {

template <typename Request, typename Response>
using Call = UnaryCall<Request, Response>;

// Copies a successful result into the response.
template <typename T>
absl::Status Deliver(absl::StatusOr<T> result, T& response) {
  if (!result.ok()) return result.status();
  response = *std::move(result);
  return absl::OkStatus();
}

// Sequences are gap-free and durable, so a client can only have seen events up to the
// job's last one; a cursor beyond it would wait for events that never come.
absl::Status CheckWatchCursor(const store::JobRecord& record, int64_t after_sequence) {
  if (after_sequence <= record.last_event_sequence) return absl::OkStatus();
  return absl::OutOfRangeError(absl::StrCat("after_sequence: ", after_sequence,
                                            " is beyond the last event of job ", record.id,
                                            " (", record.last_event_sequence, ")"));
}

bool IsTerminalEvent(const v1::JobEvent& event) {
  return event.kind_case() == v1::JobEvent::kState &&
         (event.state() == v1::JOB_STATE_SUCCEEDED || event.state() == v1::JOB_STATE_FAILED ||
          event.state() == v1::JOB_STATE_CANCELLED);
}

// A stream that ends at once with `status`.
class FinishedWriter : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit FinishedWriter(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

class WatchReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer>, public EventListener {
 public:
  static WatchReactor* Start(JobManager* jobs, CallTracker* calls, std::string job_id,
                             int64_t after_sequence) {
    auto reactor = std::shared_ptr<WatchReactor>(
        new WatchReactor(jobs, calls, std::move(job_id), after_sequence));
    reactor->self_ = reactor;
    // Subscribe before the first read, so that no event can slip between the two.
    reactor->subscription_ = jobs->hub().Subscribe(reactor->job_id_, reactor);
    reactor->Pump();
    return reactor.get();
  }

  void OnEvents() override {
    {
      absl::MutexLock lock(&mu_);
      wake_ = true;
      trouble_ = absl::OkStatus();  // the job moves again
    }
    Pump();
  }

  // The stream ends with `status` once every stored event is delivered; the client
  // reconnects and follows the job when it goes on.
  void OnTrouble(const absl::Status& status) override {
    {
      absl::MutexLock lock(&mu_);
      wake_ = true;
      trouble_ = status;
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    // Still holding the writer role: nobody else writes or finishes meanwhile.
    if (!ok) return FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "stream broken"));
    if (wrote_terminal_) return FinishOnce(grpc::Status::OK);
    ReleaseWriterRole();
    Pump();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      if (writing_) return;  // the writer role finishes the call when it lets go
    }
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }

  void OnDone() override {
    jobs_->hub().Unsubscribe(subscription_);
    calls_->End();
    // The last reference may be a notifier's; this object dies with it.
    std::shared_ptr<WatchReactor> self = std::move(self_);
  }

 private:
  static constexpr int32_t kBatch = 64;

  WatchReactor(JobManager* jobs, CallTracker* calls, std::string job_id,
               int64_t after_sequence)
      : jobs_(jobs), calls_(calls), job_id_(std::move(job_id)), after_(after_sequence) {
    calls_->Begin();  // until OnDone
  }

  // Writes the next stored event, if any; returns with the writer role released when the
  // log has nothing new (a later OnEvents calls again).
  void Pump() {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        if (writing_ || finished_) return;
        writing_ = true;
        wake_ = false;
      }
      if (buffer_.empty()) {
        if (jobs_->hub().closed()) {
          return FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                         "the server is shutting down"));
        }
        absl::StatusOr<std::vector<v1::JobEvent>> events =
            jobs_->ReadEvents(job_id_, after_, kBatch);
        if (!events.ok()) return FinishOnce(ToGrpcStatus(events.status()));
        buffer_.assign(events->begin(), events->end());
      }
      if (!buffer_.empty()) {
        const v1::JobEvent event = std::move(buffer_.front());
        buffer_.pop_front();
        after_ = event.sequence();
        wrote_terminal_ = IsTerminalEvent(event);
        if (absl::Status s = EncodeResponse(event, current_); !s.ok()) {
          return FinishOnce(ToGrpcStatus(s));
        }
        StartWrite(&current_);
        return;
      }
      if (absl::Status trouble = Trouble(); !trouble.ok()) return FinishOnce(ToGrpcStatus(trouble));
      if (!ReleaseWriterRole()) return;
    }
  }

  // Lets go of the writer role. True when a wake-up arrived meanwhile (look again).
  bool ReleaseWriterRole() {
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled = cancelled_;
      if (!cancelled) {
        writing_ = false;
        return wake_;
      }
    }
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
    return false;
  }

  absl::Status Trouble() {
    absl::MutexLock lock(&mu_);
    return trouble_;
  }

  void FinishOnce(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(status);
  }

  JobManager* const jobs_;
  CallTracker* const calls_;
  const std::string job_id_;
  uint64_t subscription_ = 0;
  std::shared_ptr<WatchReactor> self_;  // gRPC's reference, dropped in OnDone

  // Owned by the writer role.
  int64_t after_;
  std::deque<v1::JobEvent> buffer_;
  grpc::ByteBuffer current_;  // the event being written
  bool wrote_terminal_ = false;

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;  // someone holds the writer role
  bool wake_ ABSL_GUARDED_BY(mu_) = false;     // the log may have grown since the last read
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status trouble_ ABSL_GUARDED_BY(mu_);  // the job is held up by the store
};

}  // namespace

grpc::ServerUnaryReactor* JobServiceImpl::SubmitJob(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request,
                                                    grpc::ByteBuffer* response) {
  using SubmitCall = Call<v1::SubmitJobRequest, v1::SubmitJobResponse>;
  return SubmitCall::Start(
      *auth_, calls_, context, "SubmitJob", request, response, [this](SubmitCall* call) {
        jobs_->SubmitAsync(call->tenant(), std::move(call->mutable_request()),
                           [call](absl::StatusOr<v1::SubmitJobResponse> outcome) {
                             if (outcome.ok()) call->response() = *std::move(outcome);
                             call->Finish(outcome.status());
                           });
      });
}

grpc::ServerUnaryReactor* JobServiceImpl::GetJob(grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  return Call<v1::GetJobRequest, v1::Job>::Run(
      *auth_, calls_, context, "GetJob", request, response,
      [&](const std::string& tenant, const v1::GetJobRequest& r, v1::Job& out) {
        return Deliver(jobs_->GetJob(tenant, r.job_id()), out);
      });
}

grpc::ServerUnaryReactor* JobServiceImpl::ListJobs(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return Call<v1::ListJobsRequest, v1::ListJobsResponse>::Run(
      *auth_, calls_, context, "ListJobs", request, response,
      [&](const std::string& tenant, const v1::ListJobsRequest& r, v1::ListJobsResponse& out) {
        return Deliver(jobs_->ListJobs(tenant, r), out);
      });
}

grpc::ServerUnaryReactor* JobServiceImpl::CancelJob(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* request,
                                                    grpc::ByteBuffer* response) {
  return Call<v1::CancelJobRequest, v1::CancelJobResponse>::Run(
      *auth_, calls_, context, "CancelJob", request, response,
      [&](const std::string& tenant, const v1::CancelJobRequest& r, v1::CancelJobResponse& out) {
        return Deliver(jobs_->CancelJob(tenant, r.job_id()), out);
      });
}

grpc::ServerUnaryReactor* JobServiceImpl::GetJobResult(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return Call<v1::GetJobResultRequest, v1::JobResult>::Run(
      *auth_, calls_, context, "GetJobResult", request, response,
      [&](const std::string& tenant, const v1::GetJobResultRequest& r, v1::JobResult& out) {
        return Deliver(jobs_->GetResult(tenant, r.job_id()), out);
      });
}

grpc::ServerUnaryReactor* JobServiceImpl::GetUsage(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  using UsageCall = Call<v1::GetUsageRequest, v1::GetUsageResponse>;
  return UsageCall::Start(
      *auth_, calls_, context, "GetUsage", request, response, [this](UsageCall* call) {
        jobs_->GetUsageAsync(call->tenant(), std::move(call->mutable_request()),
                             [call](absl::StatusOr<v1::GetUsageResponse> outcome) {
                               if (outcome.ok()) call->response() = *std::move(outcome);
                               call->Finish(outcome.status());
                             });
      });
}

// Watch: decode and authenticate like a unary call, then stream from a WatchReactor.
grpc::ServerWriteReactor<grpc::ByteBuffer>* JobServiceImpl::WatchJob(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  TrackedCall tracked(calls_);
  v1::WatchJobRequest request;
  absl::StatusOr<std::string> tenant = CallerTenant(*auth_, *context);
  absl::Status status = tenant.status();
  if (status.ok()) status = DecodeRequest(*request_bytes, request);
  if (status.ok()) status = ValidateWatch(request);
  absl::StatusOr<store::JobRecord> record = absl::UnknownError("not looked up");
  if (status.ok()) {
    record = jobs_->Lookup(*tenant, request.job_id());
    status = record.status();
  }
  if (status.ok()) status = CheckWatchCursor(*record, request.after_sequence());
  LogCall("WatchJob", status, tenant.ok() ? *tenant : "", *context);
  if (!status.ok()) return new FinishedWriter(ToGrpcStatus(status));
  if (store::IsTerminal(record->state) &&
      request.after_sequence() == record->last_event_sequence) {
    return new FinishedWriter(grpc::Status::OK);  // nothing left to replay, nothing to come
  }
  return WatchReactor::Start(jobs_, calls_, request.job_id(), request.after_sequence());
}

}  // namespace qgrad::server
