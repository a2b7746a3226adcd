// FakeServer: scripted in-memory job service for tests; see fake_server.h.
//
// Thread-safety: all state sits behind mu_; gRPC handler threads and the test thread
// share it. The gRPC server is never shut down while mu_ is held, because shutdown
// waits for handlers that may be waiting for mu_.
#include "client/fake_server.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qgrad::client {
namespace {

constexpr char kFakeQasm[] =
    "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] theta_0;\nqubit[2] q;\n"
    "h q[0];\ncx q[0], q[1];\nrz(theta_0) q[1];\n";

v1::JobEvent StateEvent(v1::JobState state, const std::string& error) {
  v1::JobEvent e;
  e.set_state(state);
  e.set_error(error);
  return e;
}

// The i-th progress event of the script: the cost falls towards −2, the indicator by a
// decade per iteration, as a converging nested run would look.
v1::IterationEvent ScriptedIteration(int i, double seconds_per_iteration) {
  v1::IterationEvent it;
  it.set_iteration(i);
  it.set_cost(-2.0 + std::pow(0.5, i));
  it.set_guided_cost(-2.0 + std::pow(0.5, i + 1));
  it.set_indicator(0.1 * std::pow(10.0, -i));
  it.set_eta(0.25);
  it.set_fidelity_target(0.99);
  it.set_fidelity(0.9999);
  it.set_layer_gates(2);
  it.set_layers(i + 1);
  it.set_num_params(2 * (i + 1));
  it.set_two_qubit_gates(i + 1);
  it.set_elapsed_seconds((i + 1) * seconds_per_iteration);
  return it;
}

bool LabelsMatch(const v1::Job& job, const google::protobuf::Map<std::string, std::string>& want) {
  for (const auto& [key, value] : want) {
    auto it = job.labels().find(key);
    if (it == job.labels().end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

// ------------------------------------------------------------------ service adapters

class FakeServer::JobServiceImpl final : public v1::JobService::Service {
 public:
  explicit JobServiceImpl(FakeServer* fake) : fake_(fake) {}

  grpc::Status SubmitJob(grpc::ServerContext* c, const v1::SubmitJobRequest* request,
                         v1::SubmitJobResponse* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->Submit(*request, response);
  }
  grpc::Status GetJob(grpc::ServerContext* c, const v1::GetJobRequest* request,
                      v1::Job* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->GetJob(request->job_id(), response);
  }
  grpc::Status ListJobs(grpc::ServerContext* c, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->ListJobs(*request, response);
  }
  grpc::Status WatchJob(grpc::ServerContext* c, const v1::WatchJobRequest* request,
                        grpc::ServerWriter<v1::JobEvent>* writer) override {
    if (grpc::Status s = fake_->Admit(c, false); !s.ok()) return s;
    return fake_->Watch(c, *request, writer);
  }
  grpc::Status CancelJob(grpc::ServerContext* c, const v1::CancelJobRequest* request,
                         v1::CancelJobResponse* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->Cancel(request->job_id(), response->mutable_job());
  }
  grpc::Status GetJobResult(grpc::ServerContext* c, const v1::GetJobResultRequest* request,
                            v1::JobResult* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->Result(request->job_id(), response);
  }
  grpc::Status GetUsage(grpc::ServerContext* c, const v1::GetUsageRequest* request,
                        v1::GetUsageResponse* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    return fake_->Usage(request->job_id(), response);
  }

 private:
  FakeServer* fake_;
};

class FakeServer::BackendServiceImpl final : public v1::BackendService::Service {
 public:
  explicit BackendServiceImpl(FakeServer* fake) : fake_(fake) {
    v1::Backend* sv = backends_.add_backends();
    sv->set_name("statevector");
    sv->set_description("exact state-vector simulator (fake)");
    sv->set_max_qubits(24);
    for (const char* g : {"u", "cx", "rz", "ry", "rx", "h"}) sv->add_native_gates(g);
    sv->set_max_shots(1000000);
    sv->set_max_running_jobs(2);
    sv->set_status(v1::BACKEND_STATUS_ONLINE);
    sv->set_exact(true);
    v1::Backend* dev = backends_.add_backends();
    dev->set_name("emulator");
    dev->set_description("device emulator (fake)");
    dev->set_max_qubits(11);
    dev->set_max_shots(10000);
    dev->set_max_running_jobs(1);
    dev->set_status(v1::BACKEND_STATUS_OFFLINE);
  }

  grpc::Status ListBackends(grpc::ServerContext* c, const v1::ListBackendsRequest*,
                            v1::ListBackendsResponse* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    *response = backends_;
    return grpc::Status::OK;
  }
  grpc::Status GetBackend(grpc::ServerContext* c, const v1::GetBackendRequest* request,
                          v1::Backend* response) override {
    if (grpc::Status s = fake_->Admit(c, true); !s.ok()) return s;
    for (const v1::Backend& b : backends_.backends()) {
      if (b.name() == request->name()) {
        *response = b;
        return grpc::Status::OK;
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no backend named '", request->name(), "'"));
  }

 private:
  FakeServer* fake_;
  v1::ListBackendsResponse backends_;
};

// ---------------------------------------------------------------------- life cycle

FakeServer::FakeServer(const FakeServerOptions& options) : options_(options) {}

FakeServer::~FakeServer() {
  std::unique_ptr<grpc::Server> server;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    server = std::move(server_);
  }
  if (server != nullptr) {
    server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
    server->Wait();
  }
}

absl::StatusOr<std::unique_ptr<FakeServer>> FakeServer::Start(const FakeServerOptions& options) {
  std::unique_ptr<FakeServer> fake(new FakeServer(options));
  fake->port_ = options.port;
  if (absl::Status s = fake->StartGrpc(); !s.ok()) return s;
  return fake;
}

absl::Status FakeServer::StartGrpc() {
  // Fresh service objects per grpc::Server: a service cannot be registered twice.
  auto job_service = std::make_unique<JobServiceImpl>(this);
  auto backend_service = std::make_unique<BackendServiceImpl>(this);
  std::shared_ptr<grpc::ServerCredentials> credentials =
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureServerCredentials();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port_), credentials, &bound_port);
  builder.RegisterService(job_service.get());
  builder.RegisterService(backend_service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::InternalError(absl::StrCat("fake server: cannot listen on 127.0.0.1:", port_));
  }
  port_ = bound_port;
  job_service_ = std::move(job_service);
  backend_service_ = std::move(backend_service);
  absl::MutexLock lock(&mu_);
  server_ = std::move(server);
  stopping_ = false;
  return absl::OkStatus();
}

absl::Status FakeServer::Restart() {
  std::unique_ptr<grpc::Server> server;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;  // open watch streams end with UNAVAILABLE, as on a real shutdown
    server = std::move(server_);
  }
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Milliseconds(200)));
  server->Wait();
  server.reset();
  return StartGrpc();
}

std::string FakeServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

// ------------------------------------------------------------------ faults, observation

void FakeServer::DropWatchStreams(int streams, int after_events) {
  absl::MutexLock lock(&mu_);
  drop_streams_ = streams;
  drop_after_events_ = after_events;
}

void FakeServer::LimitWatchStreamLifetime(absl::Duration lifetime) {
  absl::MutexLock lock(&mu_);
  watch_stream_lifetime_ = lifetime;
}

void FakeServer::ReplayFromStart(bool on) {
  absl::MutexLock lock(&mu_);
  replay_from_start_ = on;
}

void FakeServer::FailNextCall(grpc::StatusCode code, const std::string& message) {
  absl::MutexLock lock(&mu_);
  fail_next_ = grpc::Status(code, message);
}

std::vector<std::string> FakeServer::authorizations() const {
  absl::MutexLock lock(&mu_);
  return authorizations_;
}

std::vector<int64_t> FakeServer::watch_requests() const {
  absl::MutexLock lock(&mu_);
  return watch_requests_;
}

std::optional<v1::SubmitJobRequest> FakeServer::last_submit() const {
  absl::MutexLock lock(&mu_);
  return last_submit_;
}

std::optional<v1::Job> FakeServer::job(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return View(it->second, absl::Now());
}

// ------------------------------------------------------------------------ the service

grpc::Status FakeServer::Admit(grpc::ServerContext* context, bool unary) {
  std::string authorization;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  absl::MutexLock lock(&mu_);
  authorizations_.push_back(authorization);
  if (!options_.token.empty() && authorization != absl::StrCat("Bearer ", options_.token)) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or unknown token");
  }
  if (unary && fail_next_.has_value()) {
    grpc::Status status = *fail_next_;
    fail_next_.reset();
    return status;
  }
  return grpc::Status::OK;
}

FakeServer::FakeJob FakeServer::MakeJob(const v1::SubmitJobRequest& request, absl::Time now) {
  FakeJob fake;
  v1::Job& job = fake.job;
  job.set_id(absl::StrFormat("j-%06d", job_order_.size() + 1));
  job.set_tenant("fake-tenant");
  job.set_idempotency_key(request.idempotency_key());
  *job.mutable_spec() = request.spec();
  *job.mutable_labels() = request.labels();
  job.set_priority(request.priority());
  job.set_create_time_unix_micros(absl::ToUnixMicros(now));
  if (request.deadline_seconds() > 0) {
    job.set_deadline_unix_micros(
        absl::ToUnixMicros(now + absl::Seconds(request.deadline_seconds())));
  }
  job.set_backend(request.backend().empty() ? "statevector" : request.backend());

  const v1::StoppingRules& stop = request.spec().method().nested().stop();
  const int n = stop.has_max_iterations() ? stop.max_iterations() : options_.iterations;
  const double seconds_per_iteration =
      std::max(absl::ToDoubleSeconds(options_.event_interval), 0.01);
  std::vector<v1::JobEvent> events = {StateEvent(v1::JOB_STATE_QUEUED, ""),
                                      StateEvent(v1::JOB_STATE_RUNNING, "")};
  for (int i = 0; i < n; ++i) {
    v1::JobEvent e;
    *e.mutable_iteration() = ScriptedIteration(i, seconds_per_iteration);
    *fake.result.add_history() = e.iteration();
    events.push_back(std::move(e));
  }
  const bool fails = options_.final_state == v1::JOB_STATE_FAILED;
  events.push_back(fails ? StateEvent(v1::JOB_STATE_FAILED, "fake: the run failed")
                         : StateEvent(v1::JOB_STATE_SUCCEEDED, ""));
  for (size_t i = 0; i < events.size(); ++i) {
    const absl::Time at = now + options_.event_interval * static_cast<int64_t>(i);
    events[i].set_job_id(job.id());
    events[i].set_sequence(static_cast<int64_t>(i) + 1);
    events[i].set_time_unix_micros(absl::ToUnixMicros(at));
    fake.visible_at.push_back(at);
  }
  fake.events = std::move(events);

  v1::JobResult& r = fake.result;
  r.set_name(request.spec().name());
  r.set_method("nested");
  r.set_num_qubits(2);
  r.set_start_cost(-1.0);
  r.set_final_cost(n > 0 ? r.history(n - 1).guided_cost() : -1.0);
  r.set_final_indicator(n > 0 ? r.history(n - 1).indicator() / 10 : 0.0);
  r.set_exact_cost(-2.0);
  r.set_error(r.final_cost() + 2.0);
  r.set_qasm(kFakeQasm);
  r.add_params(0.125);
  r.set_stop_reason("converged");
  r.mutable_counts()->set_layers(n);
  r.mutable_counts()->set_gates(3);  // kFakeQasm: h, cx, rz
  r.mutable_counts()->set_two_qubit_gates(1);
  r.mutable_counts()->set_num_params(1);
  r.set_wall_seconds(n * seconds_per_iteration);
  return fake;
}

v1::Job FakeServer::View(const FakeJob& fake, absl::Time now) const {
  v1::Job job = fake.job;
  int iterations = 0;
  for (size_t i = 0; i < fake.events.size() && fake.visible_at[i] <= now; ++i) {
    const v1::JobEvent& e = fake.events[i];
    job.set_last_event_sequence(e.sequence());
    if (e.has_iteration()) ++iterations;
    if (!e.has_state()) continue;
    job.set_state(e.state());
    job.set_error(e.error());
    if (e.state() == v1::JOB_STATE_RUNNING) job.set_start_time_unix_micros(e.time_unix_micros());
    if (e.state() >= v1::JOB_STATE_SUCCEEDED) {
      job.set_finish_time_unix_micros(e.time_unix_micros());
    }
  }
  job.set_iterations_done(iterations);
  job.mutable_usage()->set_cpu_seconds(kFakeCpuSecondsPerIteration * iterations);
  job.mutable_usage()->set_shots(kFakeShotsPerIteration * iterations);
  job.mutable_usage()->set_circuits(kFakeCircuitsPerIteration * iterations);
  return job;
}

grpc::Status FakeServer::Submit(const v1::SubmitJobRequest& request,
                                v1::SubmitJobResponse* response) {
  if (!request.spec().has_problem()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "spec.problem: required");
  }
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  last_submit_ = request;
  if (!request.idempotency_key().empty()) {
    for (const auto& [id, fake] : jobs_) {
      if (fake.job.idempotency_key() == request.idempotency_key()) {
        *response->mutable_job() = View(fake, now);
        response->set_created(false);
        return grpc::Status::OK;
      }
    }
  }
  FakeJob fake = MakeJob(request, now);
  const std::string id = fake.job.id();
  job_order_.push_back(id);
  jobs_.emplace(id, std::move(fake));
  *response->mutable_job() = View(jobs_.at(id), now);
  response->set_created(true);
  return grpc::Status::OK;
}

grpc::Status FakeServer::GetJob(const std::string& id, v1::Job* job) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no job ", id));
  }
  *job = View(it->second, absl::Now());
  return grpc::Status::OK;
}

grpc::Status FakeServer::Usage(const std::string& id, v1::GetUsageResponse* response) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (!id.empty()) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no job ", id));
    }
    *response->mutable_job() = View(it->second, now).usage();
  }
  v1::JobUsage& total = *response->mutable_tenant();
  for (const auto& [job_id, fake] : jobs_) {
    const v1::JobUsage usage = View(fake, now).usage();
    total.set_cpu_seconds(total.cpu_seconds() + usage.cpu_seconds());
    total.set_shots(total.shots() + usage.shots());
    total.set_circuits(total.circuits() + usage.circuits());
  }
  response->set_jobs(static_cast<int64_t>(jobs_.size()));
  return grpc::Status::OK;
}

grpc::Status FakeServer::ListJobs(const v1::ListJobsRequest& request,
                                  v1::ListJobsResponse* response) {
  const int page_size = request.page_size() == 0 ? 100 : request.page_size();
  if (page_size < 1 || page_size > 1000) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_size: must be in 1..1000");
  }
  size_t offset = 0;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &offset)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token: not one of ours");
  }
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  std::vector<v1::Job> matches;
  for (const std::string& id : job_order_) {
    v1::Job job = View(jobs_.at(id), now);
    const bool state_ok =
        request.states().empty() || std::find(request.states().begin(), request.states().end(),
                                              job.state()) != request.states().end();
    if (!state_ok || !LabelsMatch(job, request.labels())) continue;
    job.clear_spec();
    matches.push_back(std::move(job));
  }
  for (size_t i = offset; i < matches.size() && i < offset + page_size; ++i) {
    *response->add_jobs() = matches[i];
  }
  if (offset + page_size < matches.size()) {
    response->set_next_page_token(absl::StrCat(offset + page_size));
  }
  return grpc::Status::OK;
}

grpc::Status FakeServer::Cancel(const std::string& id, v1::Job* job) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no job ", id));
  }
  FakeJob& fake = it->second;
  if (v1::Job current = View(fake, now); current.state() >= v1::JOB_STATE_SUCCEEDED) {
    *job = current;  // cancelling a finished job changes nothing
    return grpc::Status::OK;
  }
  // The rest of the script never happens; the cancellation is the next event.
  size_t visible = 0;
  while (visible < fake.events.size() && fake.visible_at[visible] <= now) ++visible;
  fake.events.resize(visible);
  fake.visible_at.resize(visible);
  v1::JobEvent e = StateEvent(v1::JOB_STATE_CANCELLED, "cancelled by the client");
  e.set_job_id(id);
  e.set_sequence(static_cast<int64_t>(visible) + 1);
  e.set_time_unix_micros(absl::ToUnixMicros(now));
  fake.events.push_back(std::move(e));
  fake.visible_at.push_back(now);
  *job = View(fake, now);
  return grpc::Status::OK;
}

grpc::Status FakeServer::Result(const std::string& id, v1::JobResult* result) {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no job ", id));
  }
  const v1::Job job = View(it->second, absl::Now());
  if (job.state() != v1::JOB_STATE_SUCCEEDED) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("job ", id, " is ", v1::JobState_Name(job.state())));
  }
  *result = it->second.result;
  return grpc::Status::OK;
}

std::optional<v1::JobEvent> FakeServer::AwaitEvent(grpc::ServerContext* context,
                                                   const std::string& id, int64_t sequence,
                                                   absl::Time give_up) {
  while (true) {
    v1::JobEvent event;
    absl::Time visible_at;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return std::nullopt;
      const FakeJob& fake = jobs_.at(id);
      if (sequence > static_cast<int64_t>(fake.events.size())) return std::nullopt;
      event = fake.events[sequence - 1];
      visible_at = fake.visible_at[sequence - 1];
    }
    const absl::Time now = absl::Now();
    if (visible_at <= now) return event;
    if (context->IsCancelled() || now >= give_up) return std::nullopt;
    // Short naps: a cancellation or shutdown is noticed within a few milliseconds.
    absl::SleepFor(std::min({visible_at - now, give_up - now, absl::Milliseconds(5)}));
  }
}

grpc::Status FakeServer::Watch(grpc::ServerContext* context, const v1::WatchJobRequest& request,
                               grpc::ServerWriter<v1::JobEvent>* writer) {
  int drop_after = -1;  // -1: this stream is not dropped
  int64_t after_sequence = request.after_sequence();
  absl::Time end_of_life = absl::InfiniteFuture();
  {
    absl::MutexLock lock(&mu_);
    if (jobs_.find(request.job_id()) == jobs_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no job ", request.job_id()));
    }
    watch_requests_.push_back(request.after_sequence());
    if (drop_streams_ > 0) {
      --drop_streams_;
      drop_after = drop_after_events_;
    }
    if (replay_from_start_) after_sequence = 0;
    end_of_life = absl::Now() + watch_stream_lifetime_;
  }
  int sent = 0;
  for (int64_t sequence = after_sequence + 1;; ++sequence) {
    if (sent == drop_after) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake: stream dropped");
    }
    std::optional<v1::JobEvent> event =
        AwaitEvent(context, request.job_id(), sequence, end_of_life);
    if (!event.has_value()) {
      absl::MutexLock lock(&mu_);
      if (stopping_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down");
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      if (absl::Now() >= end_of_life) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake: idle stream closed");
      }
      return grpc::Status::OK;  // the job has no more events
    }
    if (!writer->Write(*event)) return grpc::Status::CANCELLED;
    ++sent;
    if (event->has_state() && event->state() >= v1::JOB_STATE_SUCCEEDED) return grpc::Status::OK;
  }
}

}  // namespace qgrad::client
