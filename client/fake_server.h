// FakeServer: an in-memory qgrad.v1 JobService + BackendService on a real gRPC server
// listening on 127.0.0.1 (port 0 by default), for tests of the client library, the CLI
// and the Python example. It is not the job service: a submitted job does not run, it
// replays a script — QUEUED, RUNNING, `iterations` progress events with a falling cost
// and indicator, then SUCCEEDED (or FAILED) — one event every `event_interval` from its
// submission, so a watcher sees a live stream. Faults can be injected: dropped watch
// streams, a failing next call, a restart on the same port that keeps the jobs. Each
// visible progress event adds kFake*PerIteration to its job's usage (Job.usage, GetUsage).
//
// Test-only (target qgrad_client_fake); never linked into a shipped binary but the fake
// server tool.
//
// Thread-safety: every public method is thread-safe.
#ifndef QGRAD_CLIENT_FAKE_SERVER_H_
#define QGRAD_CLIENT_FAKE_SERVER_H_

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "qgrad/v1/service.grpc.pb.h"

namespace qgrad::client {

inline constexpr double kFakeCpuSecondsPerIteration = 0.5;
inline constexpr int64_t kFakeShotsPerIteration = 1000;
inline constexpr int64_t kFakeCircuitsPerIteration = 20;

struct FakeServerOptions {
  std::string token;  // the bearer token every call must carry; empty: none needed
  // Progress events per job; a spec's method.nested.stop.max_iterations overrides it.
  int iterations = 3;
  absl::Duration event_interval = absl::ZeroDuration();  // between a job's events
  v1::JobState final_state = v1::JOB_STATE_SUCCEEDED;    // or FAILED
  std::shared_ptr<grpc::ServerCredentials> credentials;  // null: plaintext
  int port = 0;                                          // 0: any free port
};

class FakeServer {
 public:
  static absl::StatusOr<std::unique_ptr<FakeServer>> Start(const FakeServerOptions& options);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  int port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"

  // ----------------------------------------------------------------- fault injection
  // The next `streams` WatchJob calls each end with UNAVAILABLE after sending
  // `after_events` events (0: at once).
  void DropWatchStreams(int streams, int after_events);
  // Every WatchJob stream ends with UNAVAILABLE once it has been open this long, as
  // behind a proxy that closes idle streams.
  void LimitWatchStreamLifetime(absl::Duration lifetime);
  // WatchJob ignores after_sequence and replays from the first event, as a server that
  // lost track of the position would: the client must drop what it already has.
  void ReplayFromStart(bool on);
  // The next unary call returns this status instead of its answer.
  void FailNextCall(grpc::StatusCode code, const std::string& message);
  // Stops the gRPC server (open streams end with UNAVAILABLE) and starts a new one on
  // the same port with the same jobs, as a server restart would. INTERNAL if the port
  // cannot be bound again.
  absl::Status Restart();

  // ---------------------------------------------------------------------- observation
  // The authorization header of every call so far, in order ("" when absent).
  std::vector<std::string> authorizations() const;
  // after_sequence of every WatchJob call so far, in order.
  std::vector<int64_t> watch_requests() const;
  // The last SubmitJob request.
  std::optional<v1::SubmitJobRequest> last_submit() const;
  // A job as GetJob would answer it now; nullopt if unknown.
  std::optional<v1::Job> job(const std::string& id) const;

 private:
  struct FakeJob {
    v1::Job job;  // state fields are derived from the visible events
    std::vector<v1::JobEvent> events;
    std::vector<absl::Time> visible_at;  // events[i] exists from visible_at[i] on
    v1::JobResult result;
  };
  class JobServiceImpl;
  class BackendServiceImpl;

  explicit FakeServer(const FakeServerOptions& options);
  absl::Status StartGrpc();

  // Checks the token and a pending injected failure; records the authorization.
  grpc::Status Admit(grpc::ServerContext* context, bool unary);
  grpc::Status Submit(const v1::SubmitJobRequest& request, v1::SubmitJobResponse* response);
  grpc::Status GetJob(const std::string& id, v1::Job* job);
  grpc::Status ListJobs(const v1::ListJobsRequest& request, v1::ListJobsResponse* response);
  grpc::Status Cancel(const std::string& id, v1::Job* job);
  grpc::Status Result(const std::string& id, v1::JobResult* result);
  // The jobs' summed usage (one tenant), and `id`'s when not empty.
  grpc::Status Usage(const std::string& id, v1::GetUsageResponse* response);
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchJobRequest& request,
                     grpc::ServerWriter<v1::JobEvent>* writer);
  // Event `sequence` of job `id` once it is visible; nullopt when the job has no such
  // event (ended before it), the call was cancelled, the server is stopping or `give_up`
  // came first.
  std::optional<v1::JobEvent> AwaitEvent(grpc::ServerContext* context, const std::string& id,
                                         int64_t sequence, absl::Time give_up);

  FakeJob MakeJob(const v1::SubmitJobRequest& request, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The job with its state fields brought up to `now`.
  v1::Job View(const FakeJob& fake, absl::Time now) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const FakeServerOptions options_;
  int port_ = 0;
  std::unique_ptr<JobServiceImpl> job_service_;
  std::unique_ptr<BackendServiceImpl> backend_service_;

  mutable absl::Mutex mu_;
  std::unique_ptr<grpc::Server> server_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, FakeJob> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> job_order_ ABSL_GUARDED_BY(mu_);  // submission order
  std::vector<std::string> authorizations_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> watch_requests_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::SubmitJobRequest> last_submit_ ABSL_GUARDED_BY(mu_);
  int drop_streams_ ABSL_GUARDED_BY(mu_) = 0;
  int drop_after_events_ ABSL_GUARDED_BY(mu_) = 0;
  bool replay_from_start_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration watch_stream_lifetime_ ABSL_GUARDED_BY(mu_) = absl::InfiniteDuration();
  std::optional<grpc::Status> fail_next_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::client

#endif  // QGRAD_CLIENT_FAKE_SERVER_H_
