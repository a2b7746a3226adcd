// qgrad::client::Client: the C++ client of the qgrad.v1 job service (JobService and
// BackendService, proto/qgrad/v1/service.proto). The `qgrad` CLI is built on it; lab
// control stacks embed it to submit jobs, follow their progress and fetch results.
//
// Every call carries `authorization: Bearer TOKEN` when a token is set and returns the
// server's canonical status code unchanged (INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED,
// RESOURCE_EXHAUSTED, FAILED_PRECONDITION, UNAVAILABLE, ...; see service.proto).
//
// Thread-safety: a Client is safe for concurrent use from many threads (the gRPC channel
// and stubs are); calls are independent of each other. Watch blocks its calling thread
// until the job ends, the callback stops it, or a WatchCanceller fires from another thread.
#ifndef QGRAD_CLIENT_CLIENT_H_
#define QGRAD_CLIENT_CLIENT_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/backoff.h"
#include "qgrad/v1/service.grpc.pb.h"

namespace grpc {
class ClientContext;
}  // namespace grpc

namespace qgrad::client {

struct ClientOptions {
  std::string server = "127.0.0.1:50051";  // host:port, or any gRPC target URI
  // Sent as "authorization: Bearer TOKEN" on every call; empty: no authorization header.
  // Printable ASCII without spaces.
  std::string token;
  std::string tls_ca_file;  // PEM roots that sign the server certificate; empty: plaintext
  // Mutual TLS: the client's certificate chain and private key (PEM), both or neither.
  // Only with tls_ca_file.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name the server certificate must carry; empty: the host part of `server`.
  std::string tls_server_name;
  absl::Duration timeout = absl::Seconds(30);  // deadline of each unary call
};

// SUCCEEDED, FAILED or CANCELLED.
bool IsTerminal(v1::JobState state);

// Stops a Watch from another thread: Cancel() interrupts the stream being read or the
// backoff sleep, and Watch returns CANCELLED.
//
// Thread-safety: every method is thread-safe. A canceller serves one Watch at a time.
class WatchCanceller {
 public:
  void Cancel();
  bool cancelled() const;

 private:
  friend class Client;
  // Watch registers the context of its current stream; false when already cancelled.
  bool Attach(grpc::ClientContext* context);
  void Detach();
  // Sleeps for `d` or until Cancel(); true when cancelled.
  bool SleepFor(absl::Duration d);

  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
};

struct WatchOptions {
  base::BackoffPolicy backoff;
  // Give up after this many reconnection attempts in a row that deliver no new event
  // (returns the last error). With the default backoff, about two minutes.
  int max_consecutive_failures = 15;
  // A stream that stayed open this long counts as healthy even without events: long
  // iterations behind a proxy that closes idle streams must not exhaust the attempts.
  absl::Duration healthy_stream_duration = absl::Seconds(30);
  // Called before each reconnection with the error that ended the stream, the attempt
  // number (1, 2, ...) and the delay before it: for "connection lost, retrying" messages.
  std::function<void(const absl::Status& error, int attempt, absl::Duration delay)> on_reconnect;
  WatchCanceller* canceller = nullptr;  // not owned; may be null
};

struct WatchSummary {
  int64_t last_sequence = 0;  // of the last event delivered (or after_sequence)
  // The terminal state the job reached; JOB_STATE_UNSPECIFIED when the callback stopped
  // the watch before it.
  v1::JobState final_state = v1::JOB_STATE_UNSPECIFIED;
  bool stopped_by_callback = false;
  int reconnects = 0;
};

// Receives each event once, in sequence order. Return false to stop watching.
using EventCallback = std::function<bool(const v1::JobEvent& event)>;

class Client {
 public:
  // Builds the channel (reading the TLS files). INVALID_ARGUMENT for an unreadable TLS
  // file, a certificate without its key, client certificates without a CA, or a token
  // that cannot travel in a header. Connects lazily: an unreachable server shows up as
  // UNAVAILABLE on the first call.
  static absl::StatusOr<Client> Create(const ClientOptions& options);
  // Over a channel the caller built (custom channel arguments, in-process channels);
  // the TLS fields of `options` are ignored.
  static absl::StatusOr<Client> FromChannel(std::shared_ptr<grpc::Channel> channel,
                                            const ClientOptions& options);

  absl::StatusOr<v1::SubmitJobResponse> Submit(const v1::SubmitJobRequest& request);
  absl::StatusOr<v1::Job> GetJob(const std::string& job_id);
  // One page; follow next_page_token for more.
  absl::StatusOr<v1::ListJobsResponse> ListJobs(const v1::ListJobsRequest& request);
  // The job after the call: CANCELLED, or the terminal state it had already reached.
  absl::StatusOr<v1::Job> Cancel(const std::string& job_id);
  // FAILED_PRECONDITION unless the job SUCCEEDED.
  absl::StatusOr<v1::JobResult> GetResult(const std::string& job_id);
  // The caller's tenant's usage over all its jobs; with a job_id also that job's (NOT_FOUND
  // for a job of another tenant).
  absl::StatusOr<v1::GetUsageResponse> GetUsage(const std::string& job_id = "");
  absl::StatusOr<v1::ListBackendsResponse> ListBackends();
  absl::StatusOr<v1::Backend> GetBackend(const std::string& name);

  // Streams the job's events with sequence > after_sequence to `on_event` until the
  // job's terminal state event. A stream that breaks (UNAVAILABLE, a cancellation the
  // client did not ask for, or an end before the terminal event) is reopened after a
  // backoff from the last sequence delivered, and overlapping replays are skipped: each
  // event reaches `on_event` exactly once, in order. Other errors (NOT_FOUND,
  // UNAUTHENTICATED, ...) end the watch at once. CANCELLED when the canceller fired.
  absl::StatusOr<WatchSummary> Watch(const std::string& job_id, int64_t after_sequence,
                                     const EventCallback& on_event,
                                     const WatchOptions& options = {});

  const ClientOptions& options() const { return options_; }

 private:
  Client(std::shared_ptr<grpc::Channel> channel, const ClientOptions& options);
  // Authorization metadata, and the per-call deadline for unary calls.
  void PrepareContext(grpc::ClientContext& context, bool unary) const;
  // One unary call `rpc(context, response)` with a prepared context; the status converted.
  template <typename Response, typename Rpc>
  absl::StatusOr<Response> CallUnary(Rpc&& rpc) const;

  struct StreamOutcome {
    bool delivered_any = false;  // at least one new event reached the callback
    bool clean_end = false;      // the server closed the stream with OK
  };
  // One WatchJob stream from summary.last_sequence; updates `summary`. OK after the
  // terminal event or a stop by the callback; UNAVAILABLE for a clean end before the
  // terminal event; otherwise the status that ended the stream.
  absl::Status WatchOnce(const std::string& job_id, const EventCallback& on_event,
                         WatchCanceller* canceller, WatchSummary& summary, StreamOutcome& outcome);
  // After a stream that ended cleanly without a terminal event: true when the job is
  // terminal and every one of its events was delivered (nothing more will come).
  absl::StatusOr<bool> FinishedWithoutMoreEvents(const std::string& job_id, WatchSummary& summary);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<v1::JobService::Stub> jobs_;
  std::shared_ptr<v1::BackendService::Stub> backends_;
};

}  // namespace qgrad::client

#endif  // QGRAD_CLIENT_CLIENT_H_
