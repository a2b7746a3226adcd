// A job's events as Server-Sent Events: one WatchJob call through the gateway's gRPC
// channel, read by a callback reactor into a queue that the HTTP thread serving the stream
// drains, and the text of each SSE frame.
//
// Thread-safety: EventStream is thread-safe (gRPC's threads fill it, one HTTP thread drains
// it, Cancel may come from any thread). The frame functions are pure.
#ifndef QGRAD_GATEWAY_EVENT_STREAM_H_
#define QGRAD_GATEWAY_EVENT_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "qgrad/v1/service.grpc.pb.h"

namespace qgrad::gateway {

// "id: SEQ\nevent: job_event\ndata: {JobEvent JSON}\n\n"
std::string EventFrame(const v1::JobEvent& event);
// "event: end\ndata: {}\n\n": the job's terminal event was sent; the stream is complete.
std::string EndFrame();
// "event: error\ndata: {"code":...,"message":...}\n\n": the stream broke off (reconnect
// with Last-Event-ID to go on where it stopped).
std::string ErrorFrame(const grpc::Status& status);

// The resume point of a request: the Last-Event-ID header, else the `after` query
// parameter, else 0. nullopt when either is present but not a non-negative integer.
std::optional<int64_t> ResumeAfter(const std::string& last_event_id, const std::string& after);

class EventStream : public grpc::ClientReadReactor<v1::JobEvent> {
 public:
  struct Batch {
    std::vector<v1::JobEvent> events;
    std::optional<grpc::Status> finished;  // set once the call has ended (after its events)
  };

  // Starts WatchJob(job_id, after_sequence) with the caller's Authorization header.
  EventStream(v1::JobService::Stub& stub, const std::string& authorization,
              const std::string& job_id, int64_t after_sequence);
  // Cancels the call and waits for gRPC to be done with the reactor.
  ~EventStream() override;

  // Waits up to `timeout` for events or the end; an empty batch means "nothing yet".
  Batch Take(absl::Duration timeout);
  // Ends the call (a client went away, the gateway stops); Take then returns `finished`.
  void Cancel();

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  grpc::ClientContext context_;
  v1::WatchJobRequest request_;
  v1::JobEvent incoming_;  // the buffer of the read in flight
  absl::Mutex mu_;
  std::deque<v1::JobEvent> queue_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> finished_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // OnDone ran: gRPC no longer uses this object
};

}  // namespace qgrad::gateway

#endif  // QGRAD_GATEWAY_EVENT_STREAM_H_
