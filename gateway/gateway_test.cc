// Tests of the HTTP/JSON gateway against a fake of the gRPC services (in-process): routes,
// status mapping, query parsing, the Authorization header as call metadata, Server-Sent
// Events with resumption, stream limits, shutdown, static files, metrics and the OpenAPI
// description. qgradd's own gateway is tested end to end in server/qgradd_gateway_test.cc.
#include "gateway/gateway.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/event_stream.h"
#include "gateway/http_errors.h"
#include "qgrad/v1/service.grpc.pb.h"

namespace qgrad::gateway {
namespace {

using nlohmann::json;

constexpr int kEvents = 5;  // the fake job "j-1": QUEUED, 3 iterations, SUCCEEDED

std::string Metadata(grpc::ServerContext* context, const std::string& key) {
  auto it = context->client_metadata().find(key);
  return it == context->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

v1::JobEvent FakeEvent(const std::string& id, int sequence) {
  v1::JobEvent event;
  event.set_job_id(id);
  event.set_sequence(sequence);
  if (sequence == 1) {
    event.set_state(v1::JOB_STATE_QUEUED);
  } else if (sequence == kEvents) {
    event.set_state(v1::JOB_STATE_SUCCEEDED);
  } else {
    event.mutable_iteration()->set_iteration(sequence - 2);
    event.mutable_iteration()->set_cost(-1.0 * sequence);
  }
  return event;
}

class FakeJobServiceForTest final : public v1::JobService::Service {
 public:
  grpc::Status SubmitJob(grpc::ServerContext* context, const v1::SubmitJobRequest* request,
                         v1::SubmitJobResponse* response) override {
    if (request->spec().name() == "bad") {
      return {grpc::StatusCode::INVALID_ARGUMENT, "spec.name: \"bad\" is refused"};
    }
    response->mutable_job()->set_id("j-1");
    response->mutable_job()->set_tenant(Metadata(context, "authorization"));
    response->mutable_job()->set_idempotency_key(request->idempotency_key());
    response->set_created(request->idempotency_key() != "seen");
    return grpc::Status::OK;
  }
  grpc::Status GetJob(grpc::ServerContext*, const v1::GetJobRequest* request,
                      v1::Job* job) override {
    if (request->job_id() != "j-1" && request->job_id() != "j-slow") {
      return {grpc::StatusCode::NOT_FOUND, "job " + request->job_id() + " not found"};
    }
    job->set_id(request->job_id());
    job->set_last_event_sequence(request->job_id() == "j-1" ? kEvents : 1000000);
    return grpc::Status::OK;
  }
  grpc::Status ListJobs(grpc::ServerContext*, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override {
    // Echoes the request, so that the test sees how the query was read.
    v1::Job* job = response->add_jobs();
    job->set_priority(request->page_size());
    job->set_id(request->page_token());
    for (int state : request->states()) job->set_error(job->error() + v1::JobState_Name(state) + ";");
    *job->mutable_labels() = request->labels();
    return grpc::Status::OK;
  }
  grpc::Status WatchJob(grpc::ServerContext* context, const v1::WatchJobRequest* request,
                        grpc::ServerWriter<v1::JobEvent>* writer) override {
    if (request->job_id() == "j-slow") {  // an endless job: an event every 20 ms
      for (int64_t s = request->after_sequence() + 1; !context->IsCancelled(); ++s) {
        if (!writer->Write(FakeEvent("j-slow", int(std::min<int64_t>(s, 2))))) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return {grpc::StatusCode::CANCELLED, "cancelled"};
    }
    for (int s = int(request->after_sequence()) + 1; s <= kEvents; ++s) {
      writer->Write(FakeEvent(request->job_id(), s));
    }
    return grpc::Status::OK;
  }
  grpc::Status CancelJob(grpc::ServerContext*, const v1::CancelJobRequest* request,
                         v1::CancelJobResponse* response) override {
    response->mutable_job()->set_id(request->job_id());
    response->mutable_job()->set_state(v1::JOB_STATE_CANCELLED);
    return grpc::Status::OK;
  }
  grpc::Status GetJobResult(grpc::ServerContext*, const v1::GetJobResultRequest* request,
                            v1::JobResult* result) override {
    if (request->job_id() != "j-1") {
      return {grpc::StatusCode::FAILED_PRECONDITION, "job is RUNNING"};
    }
    result->set_final_cost(-2);
    result->set_qasm("OPENQASM 3.0;\nqubit[1] q;\n");
    return grpc::Status::OK;
  }
};

class FakeBackendServiceForTest final : public v1::BackendService::Service {
  grpc::Status ListBackends(grpc::ServerContext*, const v1::ListBackendsRequest*,
                            v1::ListBackendsResponse* response) override {
    response->add_backends()->set_name("local");
    return grpc::Status::OK;
  }
  grpc::Status GetBackend(grpc::ServerContext*, const v1::GetBackendRequest* request,
                          v1::Backend* backend) override {
    if (request->name() != "local") return {grpc::StatusCode::NOT_FOUND, "no backend"};
    backend->set_name("local");
    return grpc::Status::OK;
  }
};

const StaticFile kIndexForTest{"text/html; charset=utf-8", "<!doctype html><title>q</title>"};

class GatewayTest : public ::testing::Test {
 protected:
  void StartGateway(GatewayOptions options = {}) {
    grpc::ServerBuilder builder;
    builder.RegisterService(&jobs_);
    builder.RegisterService(&backends_);
    server_ = builder.BuildAndStart();
    options.listen = "127.0.0.1:0";
    if (!options.static_files) {
      options.static_files = [](std::string_view path) -> std::optional<StaticFile> {
        if (path == "/") return kIndexForTest;
        return std::nullopt;
      };
    }
    auto gateway = Gateway::Start(server_->InProcessChannel(grpc::ChannelArguments()), options);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    const size_t colon = gateway_->address().rfind(':');
    client_ = std::make_unique<httplib::Client>("127.0.0.1",
                                                std::stoi(gateway_->address().substr(colon + 1)));
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    if (gateway_) gateway_->Stop();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  FakeJobServiceForTest jobs_;
  FakeBackendServiceForTest backends_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<httplib::Client> client_;
};

// The frames of an SSE body: (id, event, data) per frame; comments and retry lines dropped.
struct Frame {
  std::string id, event, data;
};
std::vector<Frame> ParseFrames(const std::string& body) {
  std::vector<Frame> frames;
  for (absl::string_view block : absl::StrSplit(body, "\n\n", absl::SkipEmpty())) {
    Frame frame;
    for (absl::string_view line : absl::StrSplit(block, '\n')) {
      if (absl::ConsumePrefix(&line, "id: ")) frame.id = std::string(line);
      if (absl::ConsumePrefix(&line, "event: ")) frame.event = std::string(line);
      if (absl::ConsumePrefix(&line, "data: ")) frame.data = std::string(line);
    }
    if (!frame.event.empty()) frames.push_back(frame);
  }
  return frames;
}

TEST(HttpErrorsTest, MapsEveryCodeToItsHttpStatus) {
  const std::map<grpc::StatusCode, int> expected = {
      {grpc::StatusCode::INVALID_ARGUMENT, 400}, {grpc::StatusCode::FAILED_PRECONDITION, 400},
      {grpc::StatusCode::OUT_OF_RANGE, 400},     {grpc::StatusCode::UNAUTHENTICATED, 401},
      {grpc::StatusCode::PERMISSION_DENIED, 403}, {grpc::StatusCode::NOT_FOUND, 404},
      {grpc::StatusCode::ALREADY_EXISTS, 409},   {grpc::StatusCode::ABORTED, 409},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, 429}, {grpc::StatusCode::CANCELLED, 499},
      {grpc::StatusCode::UNKNOWN, 500},          {grpc::StatusCode::INTERNAL, 500},
      {grpc::StatusCode::DATA_LOSS, 500},        {grpc::StatusCode::UNIMPLEMENTED, 501},
      {grpc::StatusCode::UNAVAILABLE, 503},      {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
  };
  for (const auto& [code, status] : expected) {
    EXPECT_EQ(HttpStatusFor(code), status) << CodeName(code);
    json body = json::parse(ErrorJson(code, "m\xff"));  // invalid UTF-8 is replaced
    EXPECT_EQ(body["code"], CodeName(code));
    EXPECT_EQ(body["httpStatus"], status);
  }
}

TEST(EventStreamTest, ResumePointComesFromLastEventIdThenAfter) {
  EXPECT_EQ(ResumeAfter("", ""), 0);
  EXPECT_EQ(ResumeAfter("7", "3"), 7);
  EXPECT_EQ(ResumeAfter("", "3"), 3);
  EXPECT_EQ(ResumeAfter("-1", ""), std::nullopt);
  EXPECT_EQ(ResumeAfter("", "x"), std::nullopt);
  EXPECT_EQ(ResumeAfter(" 3 ", ""), 3);  // surrounding blanks are tolerated
  EXPECT_EQ(ResumeAfter("3a", ""), std::nullopt);
}

TEST(EventStreamTest, AFrameIsOneEventWithItsSequenceAsId) {
  v1::JobEvent event = FakeEvent("j-1", 3);
  std::vector<Frame> frames = ParseFrames(EventFrame(event));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].id, "3");
  EXPECT_EQ(frames[0].event, "job_event");
  json data = json::parse(frames[0].data);
  EXPECT_EQ(data["sequence"], "3");  // proto3 JSON: int64 as a string
  EXPECT_EQ(data["iteration"]["cost"], -3.0);
}

TEST(OpenApiTest, DescribesExactlyTheRoutesServed) {
  json doc = json::parse(OpenApiJson());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_FALSE(absl::StrContains(doc["info"]["version"].get<std::string>(), "@"));
  std::set<std::string> described, served;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method != "parameters") described.insert(absl::AsciiStrToUpper(method) + " " + path);
    }
  }
  for (const Route& route : ApiRoutes()) served.insert(route.method + " " + route.path);
  EXPECT_EQ(described, served);
}

TEST_F(GatewayTest, SubmitAnswers201WithLocationThen200ForAKnownKey) {
  StartGateway();
  httplib::Headers auth = {{"Authorization", "Bearer t0k"}};
  auto res = client_->Post("/v1/jobs", auth, R"({"spec": {"name": "x"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->get_header_value("Location"), "/v1/jobs/j-1");
  json body = json::parse(res->body);
  EXPECT_EQ(body["job"]["tenant"], "Bearer t0k");  // the header reached the service
  EXPECT_EQ(body["created"], true);

  httplib::Headers keyed = {{"Idempotency-Key", "seen"}};
  res = client_->Post("/v1/jobs", keyed, R"({"spec": {"name": "x"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["job"]["idempotencyKey"], "seen");

  res = client_->Post("/v1/jobs", keyed, R"({"idempotencyKey": "other", "spec": {}})",
                      "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

// curl -d labels its body application/x-www-form-urlencoded; the body is still the JSON,
// and a form's fields are not query parameters.
TEST_F(GatewayTest, SubmitReadsJsonWhateverItsContentType) {
  StartGateway();
  auto res = client_->Post("/v1/jobs", R"({"spec": {"name": "x"}})",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  res = client_->Post("/v1/jobs?x=1", R"({"spec": {"name": "x"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);  // but a real query parameter is still refused
}

TEST_F(GatewayTest, BadBodiesAndRefusedSpecsAre400WithTheReason) {
  StartGateway();
  auto res = client_->Post("/v1/jobs", R"({"spec": {"nmae": "x"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  json body = json::parse(res->body);
  EXPECT_EQ(body["code"], "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StrContains(body["message"].get<std::string>(), "nmae")) << res->body;

  res = client_->Post("/v1/jobs", "not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  res = client_->Post("/v1/jobs", R"({"spec": {"name": "bad"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["message"], "spec.name: \"bad\" is refused");
}

TEST_F(GatewayTest, ListReadsItsQueryAndRefusesUnknownParameters) {
  StartGateway();
  auto res = client_->Get(
      "/v1/jobs?pageSize=7&pageToken=abc&state=running&state=JOB_STATE_FAILED&label=team%3Dq&"
      "label=x%3D");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json job = json::parse(res->body)["jobs"][0];
  EXPECT_EQ(job["priority"], 7);
  EXPECT_EQ(job["id"], "abc");
  EXPECT_EQ(job["error"], "JOB_STATE_RUNNING;JOB_STATE_FAILED;");
  EXPECT_EQ(job["labels"]["team"], "q");
  EXPECT_EQ(job["labels"]["x"], "");

  for (const char* bad : {"/v1/jobs?state=done", "/v1/jobs?pageSize=many",
                          "/v1/jobs?label=novalue", "/v1/jobs?page_size=3"}) {
    res = client_->Get(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
    EXPECT_EQ(json::parse(res->body)["code"], "INVALID_ARGUMENT") << bad;
  }
}

TEST_F(GatewayTest, GrpcErrorsBecomeHttpStatusesWithJsonBodies) {
  StartGateway();
  auto res = client_->Get("/v1/jobs/j-404");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["message"], "job j-404 not found");
  res = client_->Get("/v1/jobs/j-slow/result");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["code"], "FAILED_PRECONDITION");
  res = client_->Get("/v1/nothing-here");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["code"], "NOT_FOUND");
  res = client_->Get("/v1/jobs/j-1", {{"Authorization", "Bearer \x01"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST_F(GatewayTest, OversizedBodiesAre413) {
  GatewayOptions options;
  options.max_request_bytes = 1000;
  StartGateway(options);
  auto res = client_->Post("/v1/jobs", std::string(5000, ' '), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["code"], "RESOURCE_EXHAUSTED");
}

TEST_F(GatewayTest, JobResultCircuitCancelAndBackends) {
  StartGateway();
  auto res = client_->Get("/v1/jobs/j-1/result?download=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["finalCost"], -2.0);
  EXPECT_TRUE(absl::StrContains(res->get_header_value("Content-Disposition"), "j-1_result.json"));
  res = client_->Get("/v1/jobs/j-1/circuit.qasm");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "OPENQASM 3.0;\nqubit[1] q;\n");
  EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Type"), "text/plain"));
  res = client_->Post("/v1/jobs/j-1:cancel", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["job"]["state"], "JOB_STATE_CANCELLED");
  res = client_->Get("/v1/backends");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["backends"][0]["name"], "local");
  res = client_->Get("/v1/backends/none");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(GatewayTest, EventsStreamEveryEventInOrderThenEnd) {
  StartGateway();
  auto res = client_->Get("/v1/jobs/j-1/events");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Type"), "text/event-stream"));
  std::vector<Frame> frames = ParseFrames(res->body);
  ASSERT_EQ(frames.size(), size_t(kEvents) + 1);
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(frames[i].id, std::to_string(i + 1));
    EXPECT_EQ(json::parse(frames[i].data)["sequence"], std::to_string(i + 1));
  }
  EXPECT_EQ(frames.back().event, "end");
}

TEST_F(GatewayTest, EventsResumeAfterLastEventIdOrAfter) {
  StartGateway();
  auto res = client_->Get("/v1/jobs/j-1/events", {{"Last-Event-ID", "3"}});
  ASSERT_TRUE(res);
  std::vector<Frame> frames = ParseFrames(res->body);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].id, "4");
  EXPECT_EQ(frames[1].id, "5");
  res = client_->Get("/v1/jobs/j-1/events?after=4");
  ASSERT_TRUE(res);
  EXPECT_EQ(ParseFrames(res->body).front().id, "5");
  res = client_->Get("/v1/jobs/j-1/events?after=9");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["code"], "OUT_OF_RANGE");
  res = client_->Get("/v1/jobs/j-1/events", {{"Last-Event-ID", "x"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client_->Get("/v1/jobs/j-404/events");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

// Reads the endless stream until `frames` frames arrived, then drops the connection.
int ReadFramesThenDrop(httplib::Client& client, int frames) {
  std::string body;
  auto res = client.Get("/v1/jobs/j-slow/events", [&](const char* data, size_t n) {
    body.append(data, n);
    return int(ParseFrames(body).size()) < frames;
  });
  return res ? res->status : -1;
}

TEST_F(GatewayTest, ADroppedStreamFreesItsSlotAndTheLimitAnswers503) {
  GatewayOptions options;
  options.max_event_streams = 1;
  StartGateway(options);
  ReadFramesThenDrop(*client_, 3);
  // The dropped stream's slot comes back once the gateway notices (its next write).
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    httplib::Client second("127.0.0.1", std::stoi(gateway_->address().substr(10)));
    int status = 0;
    second.Get(
        "/v1/jobs/j-slow/events",
        [&](const httplib::Response& response) {
          status = response.status;
          return false;  // hang up after the headers
        },
        [](const char*, size_t) { return false; });
    admitted = status == 200;
    if (!admitted) {
      EXPECT_EQ(status, 503);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_TRUE(admitted);

  // While one stream is open (held until the check is done), a second is refused with 503.
  std::atomic<bool> opened{false};
  std::atomic<bool> release{false};
  std::thread holder([&] {
    // Until the gateway has noticed the dropped streams above, this one may be refused too.
    for (int attempt = 0; attempt < 250 && !opened && !release; ++attempt) {
      httplib::Client first("127.0.0.1", std::stoi(gateway_->address().substr(10)));
      first.set_read_timeout(5, 0);
      first.Get(
          "/v1/jobs/j-slow/events",
          [](const httplib::Response& response) { return response.status == 200; },
          [&](const char*, size_t) {
            opened = true;
            return !release.load();
          });
      if (!opened) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (int i = 0; i < 5000 && !opened; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int status = 0;
  std::string code;
  if (opened) {
    auto res = client_->Get("/v1/jobs/j-1/events");
    if (res) {
      status = res->status;
      code = json::parse(res->body, nullptr, false).value("code", "");
    }
  }
  release = true;
  holder.join();
  ASSERT_TRUE(opened);
  EXPECT_EQ(status, 503);
  EXPECT_EQ(code, "UNAVAILABLE");
}

TEST_F(GatewayTest, StopEndsOpenStreamsPromptlyWithAnErrorFrame) {
  StartGateway();
  std::string body;
  std::atomic<bool> opened{false};
  std::thread reader([&] {
    client_->Get("/v1/jobs/j-slow/events", [&](const char* data, size_t n) {
      body.append(data, n);
      opened = true;
      return true;
    });
  });
  for (int i = 0; i < 500 && !opened; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(opened);
  const auto start = std::chrono::steady_clock::now();
  gateway_->Stop();
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  std::vector<Frame> frames = ParseFrames(body);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().event, "error");
  EXPECT_EQ(json::parse(frames.back().data)["code"], "UNAVAILABLE");
}

TEST_F(GatewayTest, StaticFilesCarryAContentSecurityPolicy) {
  StartGateway();
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kIndexForTest.body);
  EXPECT_TRUE(absl::StrContains(res->get_header_value("Content-Security-Policy"),
                                "default-src 'self'"));
  res = client_->Get("/static/missing.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST_F(GatewayTest, MetricsNeedAnAcceptedToken) {
  GatewayOptions options;
  options.metrics_text = [] { return std::string("qgrad_up 1\n"); };
  options.authorize = [](const std::string& header) {
    return header == "Bearer good" ? absl::OkStatus() : absl::UnauthenticatedError("bad token");
  };
  StartGateway(options);
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = client_->Get("/metrics", {{"Authorization", "Bearer good"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "qgrad_up 1\n");
  EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Type"), "text/plain; version=0.0.4"));
}

TEST_F(GatewayTest, APortInUseIsRefused) {
  StartGateway();
  GatewayOptions options;
  options.listen = gateway_->address();
  auto second = Gateway::Start(server_->InProcessChannel(grpc::ChannelArguments()), options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qgrad::gateway
