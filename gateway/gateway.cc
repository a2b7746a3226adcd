// The HTTP/JSON gateway (gateway.h): routes, request decoding, event streams, start/stop.
#include "gateway/gateway.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gateway/event_stream.h"
#include "gateway/http_errors.h"
#include "gateway/json.h"
#include "qgrad/v1/service.grpc.pb.h"

namespace qgrad::gateway {
namespace {

// What a handler reads from the request target: the path template's {placeholders} in
// order (p[0], ...) and the query parameters. The query comes from the target alone:
// httplib would add a form-encoded body's fields to `Request::params` (curl -d sends
// JSON labelled as a form).
struct Params {
  std::vector<std::string> path;
  httplib::Params query;
  const std::string& operator[](size_t i) const { return path[i]; }
  bool Has(const std::string& name) const { return query.count(name) > 0; }
  std::string Value(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
  std::vector<std::string> Values(const std::string& name) const {
    std::vector<std::string> values;
    for (auto [it, end] = query.equal_range(name); it != end; ++it) values.push_back(it->second);
    return values;
  }
};

constexpr char kJson[] = "application/json";

// The route template of the request this thread is serving, and when it began (for the
// log hook, which httplib calls on the same thread).
thread_local std::string current_route;
thread_local absl::Time request_start = absl::InfinitePast();

// "/v1/jobs/{id}:cancel" → "/v1/jobs/([^/:]+):cancel"
std::string RouteRegex(const std::string& path) {
  std::string regex;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      i = path.find('}', i);
      regex += "([^/:]+)";
    } else if (path[i] == '.') {
      regex += "\\.";
    } else {
      regex += path[i];
    }
  }
  return regex;
}

void SendError(httplib::Response& res, grpc::StatusCode code, const std::string& message) {
  res.status = HttpStatusFor(code);
  res.set_content(ErrorJson(code, message), kJson);
}

void SendGrpcError(httplib::Response& res, const grpc::Status& status) {
  SendError(res, status.error_code(), status.error_message());
}

// Query parameters other than `allowed` are refused rather than ignored: a misspelled
// filter must not silently list everything.
bool CheckQuery(const Params& p, httplib::Response& res,
                std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : p.query) {
    if (std::find(allowed.begin(), allowed.end(), absl::string_view(name)) == allowed.end()) {
      SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                absl::StrCat("query parameter ", name, ": unknown here",
                             allowed.size() == 0 ? "" : " (known: ",
                             absl::StrJoin(allowed, ", "), allowed.size() == 0 ? "" : ")"));
      return false;
    }
  }
  return true;
}

// gRPC metadata values are printable ASCII; anything else could never be a valid token.
bool PrintableAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// "RUNNING" or "JOB_STATE_RUNNING" (any case).
std::optional<v1::JobState> ParseState(std::string text) {
  for (char& c : text) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (!absl::StartsWith(text, "JOB_STATE_")) text = "JOB_STATE_" + text;
  v1::JobState state;
  if (!v1::JobState_Parse(text, &state) || state == v1::JOB_STATE_UNSPECIFIED) {
    return std::nullopt;
  }
  return state;
}

}  // namespace

class Gateway::Impl {
 public:
  Impl(std::shared_ptr<grpc::Channel> channel, GatewayOptions options)
      : options_(std::move(options)),
        jobs_(v1::JobService::NewStub(channel)),
        backends_(v1::BackendService::NewStub(channel)) {}

  using Method = void (Impl::*)(const httplib::Request&, httplib::Response&, const Params&);
  // Every API route and its handler: what is registered and what ApiRoutes() lists.
  static const std::vector<std::pair<Route, Method>>& Table();

  absl::Status Listen(std::string* address);
  void Stop();

 private:
  void Register(const std::string& method, const std::string& path, Method handler);
  void RegisterAll();
  void InstallHooks();

  std::unique_ptr<grpc::ClientContext> CallContext(const httplib::Request& req) const;
  bool CheckAuthorizationHeader(const httplib::Request& req, httplib::Response& res) const;
  // The query holds only `allowed` parameters and the Authorization header can be sent.
  bool Accept(const httplib::Request& req, httplib::Response& res, const Params& p,
              std::initializer_list<const char*> allowed) const {
    return CheckQuery(p, res, allowed) && CheckAuthorizationHeader(req, res);
  }
  // One unary call with the request's Authorization header and the call timeout; false,
  // after answering with its error, when it failed.
  template <typename Stub, typename Request, typename Response>
  bool Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            Stub& stub, const httplib::Request& req, httplib::Response& res,
            const Request& request, Response* response) const {
    auto context = CallContext(req);
    grpc::Status status = (stub.*method)(context.get(), request, response);
    if (!status.ok()) SendGrpcError(res, status);
    return status.ok();
  }
  // The request message of a call about the job the path names.
  template <typename Request>
  static Request ForJob(const Params& p) {
    Request request;
    request.set_job_id(p[0]);
    return request;
  }
  void SendMessage(httplib::Response& res, const google::protobuf::Message& message,
                   int status = 200) const;

  void SubmitJob(const httplib::Request& req, httplib::Response& res, const Params& p);
  void ListJobs(const httplib::Request& req, httplib::Response& res, const Params& p);
  void GetJob(const httplib::Request& req, httplib::Response& res, const Params& p);
  void CancelJob(const httplib::Request& req, httplib::Response& res, const Params& p);
  void GetResult(const httplib::Request& req, httplib::Response& res, const Params& p);
  void GetCircuit(const httplib::Request& req, httplib::Response& res, const Params& p);
  void GetUsage(const httplib::Request& req, httplib::Response& res, const Params& p);
  void WatchEvents(const httplib::Request& req, httplib::Response& res, const Params& p);
  void ListBackends(const httplib::Request& req, httplib::Response& res, const Params& p);
  void GetBackend(const httplib::Request& req, httplib::Response& res, const Params& p);
  void Metrics(const httplib::Request& req, httplib::Response& res, const Params& p);
  void OpenApi(const httplib::Request& req, httplib::Response& res, const Params& p);
  void Static(const httplib::Request& req, httplib::Response& res, const Params& p);

  bool AdmitStream(const std::shared_ptr<EventStream>& stream);
  void ReleaseStream(const std::shared_ptr<EventStream>& stream);
  bool stopping() const {
    absl::MutexLock lock(&mu_);
    return stopping_;
  }

  const GatewayOptions options_;
  std::unique_ptr<v1::JobService::Stub> jobs_;
  std::unique_ptr<v1::BackendService::Stub> backends_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::set<std::shared_ptr<EventStream>> streams_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

void Gateway::Impl::Register(const std::string& method, const std::string& path,
                             Method handler) {
  httplib::Server::Handler wrapped = [this, path, handler](const httplib::Request& req,
                                                             httplib::Response& res) {
    current_route = path;
    Params params;
    params.path.assign(req.matches.begin() + 1, req.matches.end());
    const size_t question = req.target.find('?');
    if (question != std::string::npos) {
      httplib::detail::parse_query_text(req.target.substr(question + 1), params.query);
    }
    (this->*handler)(req, res, params);
  };
  const std::string regex = RouteRegex(path);
  if (method == "GET") {
    server_->Get(regex, std::move(wrapped));
  } else {
    server_->Post(regex, std::move(wrapped));
  }
}

const std::vector<std::pair<Route, Gateway::Impl::Method>>& Gateway::Impl::Table() {
  static const auto* table = new std::vector<std::pair<Route, Method>>{
      {{"POST", "/v1/jobs"}, &Impl::SubmitJob},
      {{"GET", "/v1/jobs"}, &Impl::ListJobs},
      {{"GET", "/v1/jobs/{id}"}, &Impl::GetJob},
      {{"POST", "/v1/jobs/{id}:cancel"}, &Impl::CancelJob},
      {{"GET", "/v1/jobs/{id}/result"}, &Impl::GetResult},
      {{"GET", "/v1/jobs/{id}/circuit.qasm"}, &Impl::GetCircuit},
      {{"GET", "/v1/jobs/{id}/events"}, &Impl::WatchEvents},
      {{"GET", "/v1/usage"}, &Impl::GetUsage},
      {{"GET", "/v1/backends"}, &Impl::ListBackends},
      {{"GET", "/v1/backends/{name}"}, &Impl::GetBackend},
      {{"GET", "/metrics"}, &Impl::Metrics},
      {{"GET", "/openapi.json"}, &Impl::OpenApi},
  };
  return *table;
}

void Gateway::Impl::RegisterAll() {
  for (const auto& [route, handler] : Table()) Register(route.method, route.path, handler);
  for (const char* path : {"/", "/job.html", "/static/{file}"}) {
    Register("GET", path, &Impl::Static);
  }
}

void Gateway::Impl::InstallHooks() {
  server_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = absl::Now();
    current_route.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib answers some requests itself (no route: 404; a body over the limit: 413); they
  // get the same JSON error body as every other failure.
  server_->set_error_handler(httplib::Server::HandlerWithResponse([this](
                                 const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.is_chunked_content_provider_) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (res.status == 413) {
      SendError(res, grpc::StatusCode::RESOURCE_EXHAUSTED,
                absl::StrCat("request body over ", options_.max_request_bytes, " bytes"));
      res.status = 413;
    } else if (res.status == 404) {
      SendError(res, grpc::StatusCode::NOT_FOUND,
                absl::StrCat("no route ", req.method, " ", req.path, " (see /openapi.json)"));
    } else {
      const int status = res.status;
      SendError(res, grpc::StatusCode::INVALID_ARGUMENT, "malformed request");
      res.status = status;
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  server_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    if (!options_.on_request) return;
    RequestRecord record;
    record.method = req.method;
    record.route = current_route.empty() ? req.path : current_route;
    record.status = res.status;
    record.duration = request_start == absl::InfinitePast() ? absl::ZeroDuration()
                                                            : absl::Now() - request_start;
    record.peer = req.remote_addr;
    options_.on_request(record);
  });
}

std::unique_ptr<grpc::ClientContext> Gateway::Impl::CallContext(
    const httplib::Request& req) const {
  auto context = std::make_unique<grpc::ClientContext>();
  const std::string authorization = req.get_header_value("Authorization");
  if (!authorization.empty()) context->AddMetadata("authorization", authorization);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(options_.call_timeout));
  return context;
}

bool Gateway::Impl::CheckAuthorizationHeader(const httplib::Request& req,
                                             httplib::Response& res) const {
  if (PrintableAscii(req.get_header_value("Authorization"))) return true;
  SendError(res, grpc::StatusCode::UNAUTHENTICATED,
            "Authorization: must be printable ASCII (Bearer TOKEN)");
  return false;
}

void Gateway::Impl::SendMessage(httplib::Response& res, const google::protobuf::Message& message,
                                int status) const {
  res.status = status;
  res.set_content(ToJson(message), kJson);
}

void Gateway::Impl::SubmitJob(const httplib::Request& req, httplib::Response& res,
                              const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::SubmitJobRequest request;
  if (absl::Status s = FromJson(req.body, &request); !s.ok()) {
    return SendError(res, grpc::StatusCode::INVALID_ARGUMENT, std::string(s.message()));
  }
  const std::string header_key = req.get_header_value("Idempotency-Key");
  if (!header_key.empty()) {
    if (!request.idempotency_key().empty() && request.idempotency_key() != header_key) {
      return SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                       "Idempotency-Key: differs from the body's idempotencyKey");
    }
    request.set_idempotency_key(header_key);
  }
  v1::SubmitJobResponse response;
  if (!Call(&v1::JobService::Stub::SubmitJob, *jobs_, req, res, request, &response)) return;
  if (response.created()) res.set_header("Location", "/v1/jobs/" + response.job().id());
  SendMessage(res, response, response.created() ? 201 : 200);
}

void Gateway::Impl::ListJobs(const httplib::Request& req, httplib::Response& res,
                             const Params& p) {
  if (!Accept(req, res, p, {"pageSize", "pageToken", "state", "label"})) return;
  v1::ListJobsRequest request;
  if (p.Has("pageSize")) {
    int size = 0;
    if (!absl::SimpleAtoi(p.Value("pageSize"), &size)) {
      return SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                       "query parameter pageSize: not an integer");
    }
    request.set_page_size(size);
  }
  request.set_page_token(p.Value("pageToken"));
  for (const std::string& text : p.Values("state")) {
    std::optional<v1::JobState> state = ParseState(text);
    if (!state) {
      return SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                       absl::StrCat("query parameter state: unknown state \"", text,
                                    "\" (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)"));
    }
    request.add_states(*state);
  }
  for (const std::string& text : p.Values("label")) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos) {
      return SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                       absl::StrCat("query parameter label: \"", text, "\" is not KEY=VALUE"));
    }
    (*request.mutable_labels())[text.substr(0, eq)] = text.substr(eq + 1);
  }
  v1::ListJobsResponse response;
  if (Call(&v1::JobService::Stub::ListJobs, *jobs_, req, res, request, &response)) {
    SendMessage(res, response);
  }
}

void Gateway::Impl::GetJob(const httplib::Request& req, httplib::Response& res,
                           const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::Job job;
  if (Call(&v1::JobService::Stub::GetJob, *jobs_, req, res, ForJob<v1::GetJobRequest>(p),
           &job)) {
    SendMessage(res, job);
  }
}

void Gateway::Impl::CancelJob(const httplib::Request& req, httplib::Response& res,
                              const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::CancelJobResponse response;
  if (Call(&v1::JobService::Stub::CancelJob, *jobs_, req, res,
           ForJob<v1::CancelJobRequest>(p), &response)) {
    SendMessage(res, response);
  }
}

void Gateway::Impl::GetResult(const httplib::Request& req, httplib::Response& res,
                              const Params& p) {
  if (!Accept(req, res, p, {"download"})) return;
  v1::JobResult result;
  if (!Call(&v1::JobService::Stub::GetJobResult, *jobs_, req, res,
            ForJob<v1::GetJobResultRequest>(p), &result)) {
    return;
  }
  if (p.Has("download")) {
    res.set_header("Content-Disposition",
                   absl::StrCat("attachment; filename=\"", p[0], "_result.json\""));
  }
  SendMessage(res, result);
}

void Gateway::Impl::GetCircuit(const httplib::Request& req, httplib::Response& res,
                               const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::JobResult result;
  if (!Call(&v1::JobService::Stub::GetJobResult, *jobs_, req, res,
            ForJob<v1::GetJobResultRequest>(p), &result)) {
    return;
  }
  if (result.qasm().empty()) {
    return SendError(res, grpc::StatusCode::FAILED_PRECONDITION,
                     absl::StrCat("job ", p[0], " has no OpenQASM 3 circuit: ",
                                  result.qasm_note()));
  }
  res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"", p[0], ".qasm\""));
  res.set_content(result.qasm(), "text/plain; charset=utf-8");
}

void Gateway::Impl::GetUsage(const httplib::Request& req, httplib::Response& res,
                             const Params& p) {
  if (!Accept(req, res, p, {"jobId"})) return;
  v1::GetUsageRequest request;
  request.set_job_id(p.Value("jobId"));
  v1::GetUsageResponse response;
  if (Call(&v1::JobService::Stub::GetUsage, *jobs_, req, res, request, &response)) {
    SendMessage(res, response);
  }
}

bool Gateway::Impl::AdmitStream(const std::shared_ptr<EventStream>& stream) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || int(streams_.size()) >= options_.max_event_streams) return false;
  streams_.insert(stream);
  return true;
}

void Gateway::Impl::ReleaseStream(const std::shared_ptr<EventStream>& stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

void Gateway::Impl::WatchEvents(const httplib::Request& req, httplib::Response& res,
                                const Params& p) {
  if (!Accept(req, res, p, {"after"})) return;
  std::optional<int64_t> after =
      ResumeAfter(req.get_header_value("Last-Event-ID"), p.Value("after"));
  if (!after) {
    return SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                     "Last-Event-ID / after: must be a non-negative integer (an event id)");
  }
  // A wrong id, token or cursor is a plain HTTP error, before any event-stream headers.
  {
    v1::Job job;
    if (!Call(&v1::JobService::Stub::GetJob, *jobs_, req, res, ForJob<v1::GetJobRequest>(p),
              &job)) {
      return;
    }
    if (*after > job.last_event_sequence()) {
      return SendError(res, grpc::StatusCode::OUT_OF_RANGE,
                       absl::StrCat("Last-Event-ID / after: ", *after, " is beyond job ", p[0],
                                    "'s last event ", job.last_event_sequence()));
    }
  }
  auto stream = std::make_shared<EventStream>(*jobs_, req.get_header_value("Authorization"),
                                              p[0], *after);
  if (!AdmitStream(stream)) {
    return SendError(res, grpc::StatusCode::UNAVAILABLE,
                     absl::StrCat("too many event streams (", options_.max_event_streams,
                                  "); retry later"));
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, stream, first = true](size_t, httplib::DataSink& sink) mutable {
        std::string out;
        if (first) out = "retry: 1000\n\n";  // how soon a browser reconnects
        first = false;
        EventStream::Batch batch = stream->Take(options_.keep_alive);
        for (const v1::JobEvent& event : batch.events) out += EventFrame(event);
        if (batch.finished) {
          if (batch.finished->ok()) {
            out += EndFrame();
          } else if (stopping()) {
            out += ErrorFrame(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                           "the server is shutting down; resume with "
                                           "Last-Event-ID"));
          } else {
            out += ErrorFrame(*batch.finished);
          }
        } else if (out.empty()) {
          out = ": keep-alive\n\n";
        }
        if (!sink.write(out.data(), out.size())) return false;
        if (batch.finished) sink.done();
        return true;
      },
      [this, stream](bool) {
        stream->Cancel();
        ReleaseStream(stream);
      });
}

void Gateway::Impl::ListBackends(const httplib::Request& req, httplib::Response& res,
                                 const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::ListBackendsResponse response;
  if (Call(&v1::BackendService::Stub::ListBackends, *backends_, req, res,
           v1::ListBackendsRequest(), &response)) {
    SendMessage(res, response);
  }
}

void Gateway::Impl::GetBackend(const httplib::Request& req, httplib::Response& res,
                               const Params& p) {
  if (!Accept(req, res, p, {})) return;
  v1::GetBackendRequest request;
  request.set_name(p[0]);
  v1::Backend backend;
  if (Call(&v1::BackendService::Stub::GetBackend, *backends_, req, res, request, &backend)) {
    SendMessage(res, backend);
  }
}

void Gateway::Impl::Metrics(const httplib::Request& req, httplib::Response& res,
                            const Params& p) {
  if (!Accept(req, res, p, {})) return;
  if (options_.authorize) {
    absl::Status s = options_.authorize(req.get_header_value("Authorization"));
    if (!s.ok()) {
      return SendError(res, static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
    }
  }
  if (!options_.metrics_text) {
    return SendError(res, grpc::StatusCode::NOT_FOUND, "no metrics on this server");
  }
  res.set_content(options_.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
}

void Gateway::Impl::OpenApi(const httplib::Request& req, httplib::Response& res,
                            const Params& p) {
  if (!CheckQuery(p, res, {})) return;
  res.set_content(OpenApiJson(), kJson);
}

void Gateway::Impl::Static(const httplib::Request& req, httplib::Response& res,
                           const Params& p) {
  std::optional<StaticFile> file;
  if (options_.static_files) file = options_.static_files(req.path);
  if (!file) {
    return SendError(res, grpc::StatusCode::NOT_FOUND, absl::StrCat("no file ", req.path));
  }
  // The pages load nothing from elsewhere, and say so to the browser.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                 "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(file->body), std::string(file->content_type));
}

absl::Status Gateway::Impl::Listen(std::string* address) {
  const bool tls = !options_.tls_cert_file.empty();
  if (tls != !options_.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--http_listen: TLS needs both a certificate and a key");
  }
  if (tls) {
    const char* ca = options_.tls_client_ca_file.empty() ? nullptr
                                                         : options_.tls_client_ca_file.c_str();
    server_ = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(),
                                                   options_.tls_key_file.c_str(), ca);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError(
        "--http_listen: cannot load the TLS certificate, key or client CA");
  }
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
  // httplib sets SO_REUSEPORT by default, which would let a second server share the port.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server_->set_payload_max_length(options_.max_request_bytes);
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
  // Idle keep-alive connections hold a thread; a short wait keeps shutdown prompt.
  server_->set_keep_alive_timeout(1);
  InstallHooks();
  RegisterAll();

  const size_t colon = options_.listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options_.listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: \"", options_.listen, "\" is not HOST:PORT"));
  }
  std::string host = options_.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (port == 0) {
    port = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot listen on ", options_.listen));
  }
  *address = absl::StrCat(colon > 0 && options_.listen[0] == '[' ? "[" + host + "]" : host,
                          ":", port);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // A stop() before the loop runs would be lost: wait until it runs (bounded).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return absl::OkStatus();
}

void Gateway::Impl::Stop() {
  std::set<std::shared_ptr<EventStream>> streams;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    streams = streams_;
  }
  for (const auto& stream : streams) stream->Cancel();
  // Each stream now writes its error frame and ends; httplib's stop() would cut the ones
  // still writing without it. A client that does not read costs at most a second.
  {
    absl::MutexLock lock(&mu_);
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return streams_.empty(); };
    mu_.AwaitWithTimeout(absl::Condition(&drained), absl::Seconds(1));
  }
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

const std::vector<Route>& ApiRoutes() {
  static const auto* routes = [] {
    auto* list = new std::vector<Route>;
    for (const auto& [route, handler] : Gateway::Impl::Table()) list->push_back(route);
    return list;
  }();
  return *routes;
}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(std::shared_ptr<grpc::Channel> channel,
                                                        GatewayOptions options) {
  std::unique_ptr<Gateway> gateway(new Gateway());
  gateway->impl_ = std::make_unique<Impl>(std::move(channel), std::move(options));
  if (absl::Status s = gateway->impl_->Listen(&gateway->address_); !s.ok()) return s;
  return gateway;
}

Gateway::~Gateway() { Stop(); }

void Gateway::Stop() {
  if (impl_) impl_->Stop();
}

}  // namespace qgrad::gateway
