// qgradd's HTTP/JSON gateway end to end: the real binary with tokens and --http_listen,
// driven by a plain HTTP client. Every JobService and BackendService call over HTTP gives
// what the same call over gRPC gives; a watch over Server-Sent Events delivers every event
// of a job in order and resumes from the last event id after dropped connections; the same
// tokens and tenants apply; HTTPS with the server's certificate; the metrics endpoint,
// scraped before and after jobs run, has every metric and they move; usage over HTTP.
//
// Thread-safety: single-threaded tests (the server is another process).
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <httplib.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "runner/json_io.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using nlohmann::json;

constexpr char kAlice[] = "alice-gateway-token";
constexpr char kBob[] = "bob-gateway-token";

httplib::Headers Bearer(const std::string& token) {
  return {{"Authorization", absl::StrCat("Bearer ", token)}};
}

template <typename Message>
Message FromJson(const std::string& text) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &message, options).ok()) << text;
  return message;
}

// qgradd with two tenants' tokens, its gateway on a free port.
class GatewayServer {
 public:
  explicit GatewayServer(std::vector<std::string> extra = {}) {
    WriteFile(dir_.File("tokens"), absl::StrCat("alice ", Sha256Hex(kAlice), "\nbob ",
                                                Sha256Hex(kBob), "\n"));
    std::vector<std::string> args = {"--store=memory", "--tokens_file=" + dir_.File("tokens"),
                                     "--http_listen=127.0.0.1:0",
                                     "--http_port_file=" + dir_.File("http_port")};
    args.insert(args.end(), extra.begin(), extra.end());
    qgradd_ = QgraddProcess::Start(dir_.path(), args);
    if (qgradd_ == nullptr) return;
    http_address_ = std::string(absl::StripAsciiWhitespace(ReadFile(dir_.File("http_port"))));
    stub_ = JobStub(qgradd_->address());
  }
  bool ok() const { return qgradd_ != nullptr && !http_address_.empty(); }
  int http_port() const {
    int port = 0;
    EXPECT_TRUE(absl::SimpleAtoi(http_address_.substr(http_address_.rfind(':') + 1), &port));
    return port;
  }
  httplib::Client Http() const {
    httplib::Client client("127.0.0.1", http_port());
    client.set_read_timeout(60, 0);
    return client;
  }
  v1::JobService::Stub& grpc() { return *stub_; }
  const std::string& grpc_address() const { return qgradd_->address(); }

 private:
  TempDir dir_;
  std::unique_ptr<QgraddProcess> qgradd_;
  std::string http_address_;
  std::unique_ptr<v1::JobService::Stub> stub_;
};

std::string SubmitBody(const v1::JobSpec& spec) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  absl::StatusOr<std::string> body = runner::ToJson(request);
  EXPECT_TRUE(body.ok());
  return *body;
}

// POST /v1/jobs as alice; the new job's id ("" with a test failure when not 201).
std::string SubmitOverHttp(httplib::Client& http, const v1::JobSpec& spec) {
  auto res = http.Post("/v1/jobs", Bearer(kAlice), SubmitBody(spec), "application/json");
  EXPECT_TRUE(res);
  if (!res) return "";
  EXPECT_EQ(res->status, 201) << res->body;
  return FromJson<v1::SubmitJobResponse>(res->body).job().id();
}

// The SSE frames of `body`: (id, event, data); comments and `retry:` lines dropped.
struct Frame {
  int64_t id = 0;
  std::string event, data;
};
std::vector<Frame> ParseFrames(const std::string& body) {
  std::vector<Frame> frames;
  for (absl::string_view block : absl::StrSplit(body, "\n\n", absl::SkipEmpty())) {
    Frame frame;
    for (absl::string_view line : absl::StrSplit(block, '\n')) {
      if (absl::ConsumePrefix(&line, "id: ")) {
        EXPECT_TRUE(absl::SimpleAtoi(line, &frame.id));
      }
      if (absl::ConsumePrefix(&line, "event: ")) frame.event = std::string(line);
      if (absl::ConsumePrefix(&line, "data: ")) frame.data = std::string(line);
    }
    if (!frame.event.empty()) frames.push_back(frame);
  }
  return frames;
}

// Reads a job's event stream from `after` on; with `drop_after` > 0 the client hangs up
// once that many job events arrived.
std::vector<Frame> ReadEvents(httplib::Client& client, const std::string& id, int64_t after,
                              int drop_after = 0) {
  std::string body;
  httplib::Headers headers = Bearer(kAlice);
  if (after > 0) headers.emplace("Last-Event-ID", std::to_string(after));
  client.Get(absl::StrCat("/v1/jobs/", id, "/events"), headers,
             [&](const char* data, size_t n) {
               body.append(data, n);
               return drop_after == 0 || int(ParseFrames(body).size()) < drop_after;
             });
  return ParseFrames(body);
}

TEST(QgraddGatewayTest, EveryCallOverHttpGivesWhatGrpcGives) {
  GatewayServer server;
  ASSERT_TRUE(server.ok());
  httplib::Client http = server.Http();

  auto res = http.Post("/v1/jobs", Bearer(kAlice), SubmitBody(TinySpecs()[0].spec),
                       "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string id = FromJson<v1::SubmitJobResponse>(res->body).job().id();
  EXPECT_EQ(res->get_header_value("Location"), "/v1/jobs/" + id);

  // The event stream ends after the terminal event and equals the gRPC log.
  std::vector<Frame> frames = ReadEvents(http, id, 0);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().event, "end");
  Watched grpc_log = WatchAll(server.grpc(), kAlice, id);
  ASSERT_TRUE(grpc_log.status.ok()) << grpc_log.status.error_message();
  ASSERT_EQ(frames.size(), grpc_log.events.size() + 1);
  for (size_t i = 0; i < grpc_log.events.size(); ++i) {
    EXPECT_EQ(frames[i].id, grpc_log.events[i].sequence());
    EXPECT_TRUE(MessageDifferencer::Equals(FromJson<v1::JobEvent>(frames[i].data),
                                           grpc_log.events[i]))
        << frames[i].data;
  }
  EXPECT_EQ(CheckEventLog(grpc_log.events, v1::JOB_STATE_SUCCEEDED), "");

  res = http.Get("/v1/jobs/" + id, Bearer(kAlice));
  ASSERT_TRUE(res);
  v1::Job job = FromJson<v1::Job>(res->body);
  EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_TRUE(MessageDifferencer::Equals(job.spec(), TinySpecs()[0].spec));

  v1::GetJobResultRequest result_request;
  result_request.set_job_id(id);
  v1::JobResult grpc_result;
  ASSERT_TRUE(server.grpc().GetJobResult(Context(kAlice).get(), result_request, &grpc_result).ok());
  res = http.Get("/v1/jobs/" + id + "/result", Bearer(kAlice));
  ASSERT_TRUE(res);
  EXPECT_TRUE(MessageDifferencer::Equals(FromJson<v1::JobResult>(res->body), grpc_result));
  res = http.Get("/v1/jobs/" + id + "/circuit.qasm", Bearer(kAlice));
  ASSERT_TRUE(res);
  ASSERT_FALSE(grpc_result.qasm().empty());
  EXPECT_EQ(res->body, grpc_result.qasm());

  res = http.Get("/v1/jobs?state=SUCCEEDED", Bearer(kAlice));
  ASSERT_TRUE(res);
  v1::ListJobsResponse listed = FromJson<v1::ListJobsResponse>(res->body);
  ASSERT_EQ(listed.jobs_size(), 1);
  EXPECT_EQ(listed.jobs(0).id(), id);

  // A long job, cancelled over HTTP; its result is then a precondition failure.
  httplib::Headers keyed = Bearer(kAlice);
  keyed.emplace("Idempotency-Key", "long-1");
  res = http.Post("/v1/jobs", keyed, SubmitBody(LongSpec()), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  const std::string long_id = FromJson<v1::SubmitJobResponse>(res->body).job().id();
  res = http.Post("/v1/jobs", keyed, SubmitBody(LongSpec()), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);  // the same key: the same job
  EXPECT_EQ(FromJson<v1::SubmitJobResponse>(res->body).job().id(), long_id);
  res = http.Post("/v1/jobs/" + long_id + ":cancel", Bearer(kAlice), "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(FromJson<v1::CancelJobResponse>(res->body).job().state(), v1::JOB_STATE_CANCELLED);
  res = http.Get("/v1/jobs/" + long_id + "/result", Bearer(kAlice));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["code"], "FAILED_PRECONDITION");

  auto backends_stub = v1::BackendService::NewStub(
      grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials()));
  v1::ListBackendsResponse grpc_backends;
  ASSERT_TRUE(backends_stub->ListBackends(Context(kAlice).get(), {}, &grpc_backends).ok());
  res = http.Get("/v1/backends", Bearer(kAlice));
  ASSERT_TRUE(res);
  v1::ListBackendsResponse backends = FromJson<v1::ListBackendsResponse>(res->body);
  ASSERT_GE(backends.backends_size(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(backends, grpc_backends));
  res = http.Get("/v1/backends/" + backends.backends(0).name(), Bearer(kAlice));
  ASSERT_TRUE(res);
  EXPECT_TRUE(MessageDifferencer::Equals(FromJson<v1::Backend>(res->body), backends.backends(0)));
}

TEST(QgraddGatewayTest, TokensTenantsAndValidationAreThoseOfGrpc) {
  GatewayServer server;
  ASSERT_TRUE(server.ok());
  httplib::Client http = server.Http();
  const std::string id = SubmitOverHttp(http, TinySpecs()[0].spec);
  ASSERT_NE(id, "");

  for (const httplib::Headers& headers :
       {httplib::Headers{}, Bearer("wrong"), httplib::Headers{{"Authorization", kAlice}}}) {
    auto res = http.Get("/v1/jobs/" + id, headers);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(json::parse(res->body)["code"], "UNAUTHENTICATED");
  }
  auto res = http.Get("/v1/jobs/" + id + "/events", Bearer(kBob));  // another tenant's job
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = http.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);

  v1::JobSpec bad = TinySpecs()[0].spec;
  bad.mutable_problem()->set_num_qubits(-3);
  res = http.Post("/v1/jobs", Bearer(kAlice), SubmitBody(bad), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  json error = json::parse(res->body);
  EXPECT_EQ(error["code"], "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StrContains(error["message"].get<std::string>(), "num_qubits"))
      << res->body;
}

TEST(QgraddGatewayTest, AWatchResumesFromTheLastEventIdAfterDroppedConnections) {
  GatewayServer server;
  ASSERT_TRUE(server.ok());
  httplib::Client http = server.Http();
  const std::string id = SubmitOverHttp(http, MediumSpec(60));
  ASSERT_NE(id, "");

  // Hang up after 3 events, twice, then read to the end; each time resume after the last id.
  std::vector<Frame> seen;
  int connections = 0;
  while (seen.empty() || seen.back().event != "end") {
    ASSERT_LT(++connections, 20);
    const int64_t after = seen.empty() ? 0 : seen.back().id;
    std::vector<Frame> part = ReadEvents(http, id, after, connections <= 2 ? 3 : 0);
    ASSERT_FALSE(part.empty());
    seen.insert(seen.end(), part.begin(), part.end());
  }
  EXPECT_GE(connections, 3);
  Watched grpc_log = WatchAll(server.grpc(), kAlice, id);
  ASSERT_EQ(seen.size(), grpc_log.events.size() + 1);
  for (size_t i = 0; i < grpc_log.events.size(); ++i) {
    EXPECT_EQ(seen[i].id, int64_t(i) + 1);  // in order, none lost, none twice
    EXPECT_TRUE(MessageDifferencer::Equals(FromJson<v1::JobEvent>(seen[i].data),
                                           grpc_log.events[i]));
  }
}

// Samples of a Prometheus text page: "name{labels}" → value (comments dropped).
std::map<std::string, double> Scrape(httplib::Client& http) {
  auto res = http.Get("/metrics", Bearer(kAlice));
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Type"), "text/plain; version=0.0.4"));
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(res->body, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    EXPECT_TRUE(space != absl::string_view::npos &&
                absl::SimpleAtod(line.substr(space + 1), &value)) << line;
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

double Sum(const std::map<std::string, double>& samples, const std::string& prefix) {
  double sum = 0;
  for (const auto& [name, value] : samples) {
    if (absl::StartsWith(name, prefix)) sum += value;
  }
  return sum;
}

TEST(QgraddGatewayTest, MetricsAreScrapedAndMoveAsJobsRun) {
  GatewayServer server;
  ASSERT_TRUE(server.ok());
  httplib::Client http = server.Http();
  const std::map<std::string, double> before = Scrape(http);
  EXPECT_EQ(before.count("qgrad_queue_length"), 1u);
  EXPECT_EQ(before.at("qgrad_jobs{state=\"succeeded\"}"), 0);
  EXPECT_EQ(Sum(before, "qgrad_shots_total{backend=\"local\"}"), 0);

  // An exact job and a shadows-mode job on the local backend.
  v1::JobSpec shadows = SpecFromJson(R"({"name": "shadows", "problem": {"maxcut": {"generator":
      {"kind": "ring", "numNodes": 4}, "shots": 64}}, "initialState": {"preparation": "plus",
      "ansatz": {"name": "qaoa"}, "params": [0.3, -0.3]}, "method": {"nested": {"stepSize":
      0.1, "stop": {"maxIterations": 3, "indicatorThreshold": 0}}}, "estimation": {"shadows":
      {"shotsPerIteration": 1000, "shotsPerSetting": 50}}, "seed": 8})");
  std::vector<std::string> ids;
  for (const v1::JobSpec& spec : {TinySpecs()[0].spec, shadows}) {
    ids.push_back(SubmitOverHttp(http, spec));
    ASSERT_NE(ids.back(), "");
  }
  int64_t shots = 0, circuits = 0;
  for (const std::string& id : ids) {
    v1::Job job = WaitFor(server.grpc(), kAlice, id,
                          [](const v1::Job& j) { return IsTerminal(j.state()); });
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
    shots += job.usage().shots();
    circuits += job.usage().circuits();
  }
  ASSERT_GT(shots, 0);

  const std::map<std::string, double> after = Scrape(http);
  EXPECT_EQ(after.at("qgrad_jobs{state=\"succeeded\"}"), 2);
  EXPECT_EQ(after.at("qgrad_submissions_total{result=\"created\"}"),
            before.at("qgrad_submissions_total{result=\"created\"}") + 2);
  EXPECT_EQ(after.at("qgrad_shots_total{backend=\"local\"}"), double(shots));
  EXPECT_EQ(after.at("qgrad_circuits_total{backend=\"local\"}"), double(circuits));
  EXPECT_GT(Sum(after, "qgrad_iteration_duration_seconds_count"),
            Sum(before, "qgrad_iteration_duration_seconds_count"));
  EXPECT_GT(Sum(after, "qgrad_store_operation_duration_seconds_count"),
            Sum(before, "qgrad_store_operation_duration_seconds_count"));

  // Usage over HTTP is GetUsage's.
  auto res = http.Get("/v1/usage?jobId=" + ids[1], Bearer(kAlice));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  v1::GetUsageResponse usage = FromJson<v1::GetUsageResponse>(res->body);
  EXPECT_EQ(usage.tenant().shots(), shots);
  EXPECT_EQ(usage.jobs(), 2);
  EXPECT_GT(usage.job().shots(), 0);
  EXPECT_GT(usage.tenant().cpu_seconds(), 0);
  res = http.Get("/v1/usage?jobId=" + ids[1], Bearer(kBob));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST(QgraddGatewayTest, ServesHttpsWithTheServersCertificate) {
  TempDir cert_dir;
  TestCertificates certs(cert_dir);
  GatewayServer server({"--tls_cert=" + certs.Path("server.pem"),
                        "--tls_key=" + certs.Path("server.key")});
  ASSERT_TRUE(server.ok());
  httplib::SSLClient https("127.0.0.1", server.http_port());
  https.set_ca_cert_path(certs.Path("ca.pem").c_str());
  https.enable_server_certificate_verification(true);
  https.set_connection_timeout(5, 0);
  auto res = https.Get("/v1/backends", Bearer(kAlice));
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);

  httplib::Client plain("127.0.0.1", server.http_port());
  plain.set_read_timeout(5, 0);
  res = plain.Get("/v1/backends", Bearer(kAlice));
  EXPECT_TRUE(!res || res->status >= 400);  // no plaintext answer on the TLS port
}

}  // namespace
}  // namespace qgrad::server::testing
