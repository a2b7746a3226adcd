// Tests of the three dialects against a scripted HTTP client: request shapes exactly as
// README.md's wire section (method, path, headers incl. auth, JSON fields), the mapping of
// every provider state (and unknown ones), results parsing (probabilities with exact
// rounding, per-shot measurements, multi-PUB hex samples), IBM token caching and renewal
// on 401, SigV4 headers on Braket calls, and the shared helpers.
#include "backends/rest/dialect.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/rest/testing_http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::rest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using testing::HeaderOf;
using testing::ScriptedHttpClient;
using json = nlohmann::json;

constexpr char kQasm[] = "OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nh q[0];\nc = measure q;\n";

// Test helper: a dialect over a scripted client, with a fake clock and instant sleeps.
struct Harness {
  explicit Harness(DialectKind kind) {
    timing.clock = clock;
    timing.sleep = [this](absl::Duration d, absl::Notification*) {
      clock->Advance(absl::ToInt64Microseconds(d));
      return true;
    };
    DialectConfig config;
    config.endpoints.base_url = "https://api.test/v1";
    config.endpoints.iam_url = "https://iam.test";
    config.endpoints.s3_url = "https://s3.test";
    config.endpoints.region = "us-east-1";
    config.endpoints.bucket = "bucket";
    config.endpoints.prefix = "prefix";
    config.endpoints.service_crn = "crn:v1:test";
    config.endpoints.device = kind == DialectKind::kBraket
                                  ? "arn:aws:braket:::device/quantum-simulator/amazon/sv1"
                                  : "dev1";
    config.secrets.api_key = Secret("api-key-value");
    config.secrets.aws_access_key_id = Secret("AKIDEXAMPLE");
    config.secrets.aws_secret_access_key = Secret("aws-secret-value");
    RetryPolicy policy;
    policy.backoff = {absl::Milliseconds(10), absl::Seconds(1), 2.0};
    auto sender = std::make_shared<RetryingSender>(client, policy, nullptr, timing, 1);
    dialect = MakeDialect(kind, config, sender);
  }
  std::shared_ptr<base::FakeClock> clock = std::make_shared<base::FakeClock>();
  Timing timing;
  std::shared_ptr<ScriptedHttpClient> client = std::make_shared<ScriptedHttpClient>();
  std::unique_ptr<Dialect> dialect;
};

DeviceProgram Prog(int64_t shots = 100, int clbits = 2) {
  DeviceProgram p;
  p.qasm = kQasm;
  p.num_clbits = clbits;
  p.shots = shots;
  p.name = "qgrad-test-0";
  return p;
}

// ---------------------------------------------------------------- IonQ

TEST(IonqDialectTest, CreateRequestShape) {
  Harness h(DialectKind::kIonq);
  h.client->Reply("POST", "/v1/jobs", 200, R"({"id": "job-1", "status": "submitted"})");
  const DeviceProgram p = Prog(250);
  absl::StatusOr<std::string> id = h.dialect->Create({&p, 1}, "token-abc", nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "job-1");
  std::vector<HttpRequest> sent = h.client->requests("POST", "/v1/jobs");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://api.test/v1/jobs");
  EXPECT_EQ(HeaderOf(sent[0], "Authorization"), "apiKey api-key-value");
  EXPECT_EQ(HeaderOf(sent[0], "Idempotency-Key"), "token-abc");
  EXPECT_EQ(HeaderOf(sent[0], "Content-Type"), "application/json");
  const json body = json::parse(sent[0].body);
  EXPECT_EQ(body, json::parse(absl::StrCat(
                      R"({"type": "ionq.qasm3.v1", "name": "qgrad-test-0", "backend": "dev1",
                          "shots": 250, "input": {"data": )",
                      json(kQasm).dump(), R"(}, "metadata": {"client_token": "token-abc"}})")));
}

TEST(IonqDialectTest, StateMapping) {
  const std::vector<std::pair<std::string, JobState>> cases = {
      {"ready", JobState::kQueued},          {"submitted", JobState::kQueued},
      {"running", JobState::kRunning},       {"completed", JobState::kSucceeded},
      {"canceled", JobState::kCancelled},    {"failed", JobState::kFailed},
      {"deleted", JobState::kUnknown},       {"COMPLETED", JobState::kUnknown}};
  for (const auto& [provider, state] : cases) {
    Harness h(DialectKind::kIonq);
    h.client->Reply("GET", "/v1/jobs/job-1", 200,
                    json{{"id", "job-1"},
                         {"status", provider},
                         {"failure", {{"code", "QuantumError"}, {"error", "laser drift"}}}}
                        .dump());
    absl::StatusOr<JobStatus> s = h.dialect->Status("job-1", nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->state, state) << provider;
    EXPECT_EQ(s->provider_state, provider);
    EXPECT_EQ(s->reason, "QuantumError: laser drift");
    EXPECT_EQ(HeaderOf(h.client->requests()[0], "Authorization"), "apiKey api-key-value");
  }
}

TEST(IonqDialectTest, ProbabilitiesBecomeExactCounts) {
  Harness h(DialectKind::kIonq);
  h.client->Reply("GET", "/v1/jobs/job-1/results/probabilities", 200,
                  R"({"0": 0.3333333333, "3": 0.3333333333, "1": 0.3333333334})");
  const DeviceProgram p = Prog(100);
  absl::StatusOr<std::vector<ProgramResult>> r = h.dialect->Results("job-1", {&p, 1}, false, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  // 33.33.. each: the one extra shot goes to the largest remainder (value 1's 33.33333334).
  EXPECT_THAT((*r)[0].counts, ElementsAre(Pair(0, 33), Pair(1, 34), Pair(3, 33)));
  EXPECT_EQ((*r)[0].shots, 100);
  EXPECT_EQ((*r)[0].num_clbits, 2);
  EXPECT_TRUE((*r)[0].memory.empty());
}

TEST(IonqDialectTest, BadProbabilitiesAreErrors) {
  for (const char* body : {R"({"0": 0.5})", R"({"x": 1.0})", R"({"4": 1.0})", R"([1])"}) {
    Harness h(DialectKind::kIonq);
    h.client->Reply("GET", "/v1/jobs/j/results/probabilities", 200, body);
    const DeviceProgram p = Prog(10);
    EXPECT_FALSE(h.dialect->Results("j", {&p, 1}, false, nullptr).ok()) << body;
  }
}

TEST(IonqDialectTest, Cancel) {
  Harness h(DialectKind::kIonq);
  h.client->Reply("PUT", "/v1/jobs/job-1/status/cancel", 200,
                  R"({"id": "job-1", "status": "canceled"})");
  EXPECT_TRUE(h.dialect->Cancel("job-1", nullptr).ok());
  EXPECT_EQ(h.client->count("PUT", "/v1/jobs/job-1/status/cancel"), 1);
}

TEST(IonqDialectTest, ErrorsCarryProviderMessage) {
  Harness h(DialectKind::kIonq);
  h.client->Reply("POST", "/v1/jobs", 400,
                  R"({"error": {"code": "BadRequest", "message": "shots too large"}})");
  const DeviceProgram p = Prog();
  absl::Status s = h.dialect->Create({&p, 1}, "t", nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "POST https://api.test/v1/jobs: HTTP 400 BadRequest: shots too large");
}

// ---------------------------------------------------------------- Braket

constexpr char kArn[] = "arn:aws:braket:us-east-1:123456789012:quantum-task/abc-1";
constexpr char kArnPath[] =
    "/v1/quantum-task/arn%3Aaws%3Abraket%3Aus-east-1%3A123456789012%3Aquantum-task%2Fabc-1";

void ExpectSigned(const HttpRequest& r, const std::string& service) {
  EXPECT_THAT(HeaderOf(r, "Authorization"),
              StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  EXPECT_THAT(HeaderOf(r, "Authorization"), HasSubstr("/us-east-1/" + service + "/aws4_request"));
  EXPECT_EQ(HeaderOf(r, "X-Amz-Date").size(), 16u);
  EXPECT_FALSE(HeaderOf(r, "host").empty());
  EXPECT_THAT(HeaderOf(r, "Authorization"), ::testing::Not(HasSubstr("aws-secret-value")));
}

TEST(BraketDialectTest, CreateRequestShapeAndSignature) {
  Harness h(DialectKind::kBraket);
  h.client->Reply("POST", "/v1/quantum-task", 201, json{{"quantumTaskArn", kArn}}.dump());
  DeviceProgram p = Prog(300);
  p.inputs = {{"theta", 0.5}};
  absl::StatusOr<std::string> id = h.dialect->Create({&p, 1}, "token-b", nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, kArn);
  const HttpRequest sent = h.client->requests()[0];
  ExpectSigned(sent, "braket");
  EXPECT_EQ(HeaderOf(sent, "host"), "api.test");
  const json body = json::parse(sent.body);
  EXPECT_EQ(body["clientToken"], "token-b");
  EXPECT_EQ(body["deviceArn"], "arn:aws:braket:::device/quantum-simulator/amazon/sv1");
  EXPECT_EQ(body["outputS3Bucket"], "bucket");
  EXPECT_EQ(body["outputS3KeyPrefix"], "prefix");
  EXPECT_EQ(body["shots"], 300);
  EXPECT_EQ(body.size(), 6u);
  ASSERT_TRUE(body["action"].is_string());
  EXPECT_EQ(json::parse(body["action"].get<std::string>()),
            json::parse(absl::StrCat(R"({"braketSchemaHeader": {"name": "braket.ir.openqasm.program",
                                        "version": "1"}, "source": )",
                                     json(kQasm).dump(), R"(, "inputs": {"theta": 0.5}})")));
}

TEST(BraketDialectTest, StateMapping) {
  const std::vector<std::pair<std::string, JobState>> cases = {
      {"CREATED", JobState::kQueued},       {"QUEUED", JobState::kQueued},
      {"RUNNING", JobState::kRunning},      {"COMPLETED", JobState::kSucceeded},
      {"FAILED", JobState::kFailed},        {"CANCELLING", JobState::kCancelled},
      {"CANCELLED", JobState::kCancelled},  {"PAUSED", JobState::kUnknown}};
  for (const auto& [provider, state] : cases) {
    Harness h(DialectKind::kBraket);
    h.client->Reply("GET", kArnPath, 200,
                    json{{"quantumTaskArn", kArn},
                         {"status", provider},
                         {"failureReason", "device offline"},
                         {"outputS3Bucket", "bucket"},
                         {"outputS3Directory", "prefix/abc-1"}}
                        .dump());
    absl::StatusOr<JobStatus> s = h.dialect->Status(kArn, nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->state, state) << provider;
    EXPECT_EQ(s->reason, "device offline");
    ExpectSigned(h.client->requests()[0], "braket");
  }
}

TEST(BraketDialectTest, ResultsFromS3WithMemory) {
  Harness h(DialectKind::kBraket);
  h.client->Reply("GET", kArnPath, 200,
                  json{{"quantumTaskArn", kArn},
                       {"status", "COMPLETED"},
                       {"outputS3Bucket", "bucket"},
                       {"outputS3Directory", "prefix/abc-1"}}
                      .dump());
  h.client->Reply("GET", "/bucket/prefix/abc-1/results.json", 200, R"({
      "braketSchemaHeader": {"name": "braket.task_result.gate_model_task_result", "version": "1"},
      "measurements": [[1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 1]],
      "measuredQubits": [0, 1, 2]})");
  ASSERT_TRUE(h.dialect->Status(kArn, nullptr).ok());
  const DeviceProgram p = Prog(4, 3);
  absl::StatusOr<std::vector<ProgramResult>> r = h.dialect->Results(kArn, {&p, 1}, true, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  // Entry i of a row is c[i], bit i of the shot.
  EXPECT_THAT((*r)[0].memory, ElementsAre(1, 4, 1, 7));
  EXPECT_THAT((*r)[0].counts, ElementsAre(Pair(1, 2), Pair(4, 1), Pair(7, 1)));
  EXPECT_EQ((*r)[0].shots, 4);
  EXPECT_EQ((*r)[0].num_clbits, 3);
  const std::vector<HttpRequest> s3 = h.client->requests("GET", "/bucket/prefix/abc-1/results.json");
  ASSERT_EQ(s3.size(), 1u);
  EXPECT_EQ(s3[0].url, "https://s3.test/bucket/prefix/abc-1/results.json");
  ExpectSigned(s3[0], "s3");

  // Without memory; a bad row is an error.
  r = h.dialect->Results(kArn, {&p, 1}, false, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].memory.empty());
  const DeviceProgram two = Prog(4, 2);
  EXPECT_FALSE(h.dialect->Results(kArn, {&two, 1}, false, nullptr).ok());
}

TEST(BraketDialectTest, Cancel) {
  Harness h(DialectKind::kBraket);
  h.client->Reply("PUT", std::string(kArnPath) + "/cancel", 200,
                  json{{"quantumTaskArn", kArn}, {"cancellationStatus", "CANCELLING"}}.dump());
  EXPECT_TRUE(h.dialect->Cancel(kArn, nullptr).ok());
  const HttpRequest sent = h.client->requests()[0];
  EXPECT_EQ(sent.method, "PUT");
  ExpectSigned(sent, "braket");
  EXPECT_TRUE(json::parse(sent.body)["clientToken"].is_string());
}

TEST(BraketDialectTest, ErrorTypeHeader) {
  Harness h(DialectKind::kBraket);
  h.client->Reply("POST", "/v1/quantum-task", 400, R"({"message": "bad device"})",
                  {{"x-amzn-ErrorType", "ValidationException"}});
  const DeviceProgram p = Prog();
  absl::Status s = h.dialect->Create({&p, 1}, "t", nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("HTTP 400 ValidationException: bad device"));
}

// ---------------------------------------------------------------- Qiskit Runtime

void ReplyToken(ScriptedHttpClient& client, const std::string& token, int expires_in = 3600) {
  client.Reply("POST", "/identity/token", 200,
               json{{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", expires_in}}
                   .dump());
}

TEST(QiskitRuntimeDialectTest, TokenExchangeAndCreateShape) {
  Harness h(DialectKind::kQiskitRuntime);
  ReplyToken(*h.client, "tok-1");
  h.client->Reply("POST", "/v1/jobs", 200, R"({"id": "ibm-1", "backend": "dev1"})");
  std::vector<DeviceProgram> programs = {Prog(100), Prog(200)};
  absl::StatusOr<std::string> id = h.dialect->Create(programs, "token-i", nullptr);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "ibm-1");

  const std::vector<HttpRequest> iam = h.client->requests("POST", "/identity/token");
  ASSERT_EQ(iam.size(), 1u);
  EXPECT_EQ(iam[0].url, "https://iam.test/identity/token");
  EXPECT_EQ(HeaderOf(iam[0], "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(iam[0].body,
            "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=api-key-value");

  const std::vector<HttpRequest> jobs = h.client->requests("POST", "/v1/jobs");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(HeaderOf(jobs[0], "Authorization"), "Bearer tok-1");
  EXPECT_EQ(HeaderOf(jobs[0], "Service-CRN"), "crn:v1:test");
  EXPECT_EQ(HeaderOf(jobs[0], "Idempotency-Key"), "token-i");
  EXPECT_EQ(json::parse(jobs[0].body),
            json::parse(absl::StrCat(R"({"program_id": "sampler", "backend": "dev1",
                "params": {"version": 2, "pubs": [[)", json(kQasm).dump(), R"(, [], 100], [)",
                                     json(kQasm).dump(), R"(, [], 200]]}})")));
}

TEST(QiskitRuntimeDialectTest, TokenIsCachedUntilNearExpiry) {
  Harness h(DialectKind::kQiskitRuntime);
  ReplyToken(*h.client, "tok-1", 600);
  ReplyToken(*h.client, "tok-2", 600);
  h.client->Reply("GET", "/v1/jobs/j", 200, R"({"id": "j", "status": "Running"})");
  ASSERT_TRUE(h.dialect->Status("j", nullptr).ok());
  ASSERT_TRUE(h.dialect->Status("j", nullptr).ok());
  EXPECT_EQ(h.client->count("POST", "/identity/token"), 1);
  h.clock->Advance(absl::ToInt64Microseconds(absl::Seconds(600 - 61)));
  ASSERT_TRUE(h.dialect->Status("j", nullptr).ok());
  EXPECT_EQ(h.client->count("POST", "/identity/token"), 1);  // 61 s left: still good
  h.clock->Advance(absl::ToInt64Microseconds(absl::Seconds(2)));
  ASSERT_TRUE(h.dialect->Status("j", nullptr).ok());
  EXPECT_EQ(h.client->count("POST", "/identity/token"), 2);  // 59 s left: renewed
  const std::vector<HttpRequest> gets = h.client->requests("GET", "/v1/jobs/j");
  EXPECT_EQ(HeaderOf(gets.back(), "Authorization"), "Bearer tok-2");
}

TEST(QiskitRuntimeDialectTest, A401RenewsTheTokenOnce) {
  Harness h(DialectKind::kQiskitRuntime);
  ReplyToken(*h.client, "tok-1");
  ReplyToken(*h.client, "tok-2");
  h.client->Reply("GET", "/v1/jobs/j", 401, R"({"error": {"code": "expired", "message": "x"}})");
  h.client->Reply("GET", "/v1/jobs/j", 200, R"({"id": "j", "status": "Queued"})");
  absl::StatusOr<JobStatus> s = h.dialect->Status("j", nullptr);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->state, JobState::kQueued);
  EXPECT_EQ(h.client->count("POST", "/identity/token"), 2);
  const std::vector<HttpRequest> gets = h.client->requests("GET", "/v1/jobs/j");
  ASSERT_EQ(gets.size(), 2u);
  EXPECT_EQ(HeaderOf(gets[0], "Authorization"), "Bearer tok-1");
  EXPECT_EQ(HeaderOf(gets[1], "Authorization"), "Bearer tok-2");

  // A second 401 in a row is the caller's error: only one renewal per call.
  Harness h2(DialectKind::kQiskitRuntime);
  ReplyToken(*h2.client, "tok-1");
  h2.client->Reply("GET", "/v1/jobs/j", 401, R"({"error": {"code": "bad", "message": "no"}})");
  absl::Status bad = h2.dialect->Status("j", nullptr).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(h2.client->count("GET", "/v1/jobs/j"), 2);
  EXPECT_EQ(h2.client->count("POST", "/identity/token"), 2);
}

TEST(QiskitRuntimeDialectTest, FailedTokenExchangeIsUnauthenticated) {
  Harness h(DialectKind::kQiskitRuntime);
  h.client->Reply("POST", "/identity/token", 400,
                  R"({"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found"})");
  absl::Status s = h.dialect->Status("j", nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(s.message()), HasSubstr("IAM token exchange"));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("HTTP 400 BXNIM0415E: Provided API key could not be found"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("api-key-value")));
}

TEST(QiskitRuntimeDialectTest, StateMapping) {
  const std::vector<std::pair<std::string, JobState>> cases = {
      {"Queued", JobState::kQueued},
      {"Running", JobState::kRunning},
      {"Completed", JobState::kSucceeded},
      {"Failed", JobState::kFailed},
      {"Cancelled", JobState::kCancelled},
      {"Cancelled - Ran too long", JobState::kCancelled},
      {"Paused", JobState::kUnknown}};
  for (const auto& [provider, state] : cases) {
    Harness h(DialectKind::kQiskitRuntime);
    ReplyToken(*h.client, "tok");
    h.client->Reply("GET", "/v1/jobs/j", 200,
                    json{{"id", "j"},
                         {"status", provider},
                         {"state", {{"status", provider}, {"reason", "calibration"}}}}
                        .dump());
    absl::StatusOr<JobStatus> s = h.dialect->Status("j", nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->state, state) << provider;
    EXPECT_EQ(s->provider_state, provider);
    EXPECT_EQ(s->reason, "calibration");
  }
}

TEST(QiskitRuntimeDialectTest, MultiPubResultsWithMemory) {
  Harness h(DialectKind::kQiskitRuntime);
  ReplyToken(*h.client, "tok");
  h.client->Reply("GET", "/v1/jobs/j/results", 200, R"({"results": [
      {"data": {"c": {"samples": ["0x0", "0x3", "0x3"], "num_bits": 2}}},
      {"data": {"c": {"samples": ["0x5", "0x1", "0x4", "0x5"], "num_bits": 3}}}]})");
  std::vector<DeviceProgram> programs = {Prog(3, 2), Prog(4, 3)};
  absl::StatusOr<std::vector<ProgramResult>> r = h.dialect->Results("j", programs, true, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_THAT((*r)[0].memory, ElementsAre(0, 3, 3));
  EXPECT_THAT((*r)[0].counts, ElementsAre(Pair(0, 1), Pair(3, 2)));
  EXPECT_EQ((*r)[0].shots, 3);
  EXPECT_THAT((*r)[1].memory, ElementsAre(5, 1, 4, 5));
  EXPECT_THAT((*r)[1].counts, ElementsAre(Pair(1, 1), Pair(4, 1), Pair(5, 2)));
  EXPECT_EQ((*r)[1].num_clbits, 3);

  // Wrong PUB count, too-wide sample, non-hex sample.
  for (const char* body :
       {R"({"results": [{"data": {"c": {"samples": ["0x0"], "num_bits": 2}}}]})",
        R"({"results": [{"data": {"c": {"samples": ["0x4"]}}}, {"data": {"c": {"samples": []}}}]})",
        R"({"results": [{"data": {"c": {"samples": ["3"]}}}, {"data": {"c": {"samples": []}}}]})"}) {
    Harness bad(DialectKind::kQiskitRuntime);
    ReplyToken(*bad.client, "tok");
    bad.client->Reply("GET", "/v1/jobs/j/results", 200, body);
    EXPECT_FALSE(bad.dialect->Results("j", programs, false, nullptr).ok()) << body;
  }
}

TEST(QiskitRuntimeDialectTest, Cancel) {
  Harness h(DialectKind::kQiskitRuntime);
  ReplyToken(*h.client, "tok");
  h.client->Reply("POST", "/v1/jobs/j/cancel", 204, "");
  EXPECT_TRUE(h.dialect->Cancel("j", nullptr).ok());
  EXPECT_EQ(HeaderOf(h.client->requests("POST", "/v1/jobs/j/cancel")[0], "Authorization"),
            "Bearer tok");
}

// ---------------------------------------------------------------- helpers

TEST(DialectHelpersTest, CountsFromProbabilities) {
  auto counts = CountsFromProbabilities({{0, 1.0 / 3}, {1, 1.0 / 3}, {2, 1.0 / 3}}, 100);
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair(0, 34), Pair(1, 33), Pair(2, 33)));  // tie: lowest
  counts = CountsFromProbabilities({{0, 0.25}, {3, 0.75}}, 1000);
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair(0, 250), Pair(3, 750)));
  counts = CountsFromProbabilities({{0, 0.999}, {1, 0.001}}, 10);  // 0.01 shot: dropped
  ASSERT_TRUE(counts.ok());
  EXPECT_THAT(*counts, ElementsAre(Pair(0, 10)));
  EXPECT_FALSE(CountsFromProbabilities({{0, 0.5}, {1, 0.4}}, 10).ok());
  EXPECT_FALSE(CountsFromProbabilities({{0, 1.5}, {1, -0.5}}, 10).ok());
  // A sum over many random probabilities always comes to the shots.
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    std::map<uint64_t, double> p;
    double total = 0;
    for (uint64_t v = 0; v < 37; ++v) total += p[v] = std::uniform_real_distribution<>(0, 1)(rng);
    for (auto& [v, x] : p) x /= total;
    auto c = CountsFromProbabilities(p, 1237);
    ASSERT_TRUE(c.ok());
    int64_t sum = 0;
    for (const auto& [v, n] : *c) {
      sum += n;
      EXPECT_LE(std::abs(double(n) - p[v] * 1237), 1.0);
    }
    EXPECT_EQ(sum, 1237);
  }
}

TEST(DialectHelpersTest, ClientTokenIsStableAndDistinct) {
  EXPECT_EQ(ClientToken("key", "0"), ClientToken("key", "0"));
  EXPECT_NE(ClientToken("key", "0"), ClientToken("key", "1"));
  EXPECT_NE(ClientToken("key", "0"), ClientToken("key2", "0"));
  EXPECT_NE(ClientToken("a\n1", "0"), ClientToken("a", "1\n0"));
  EXPECT_EQ(ClientToken("key", "0").size(), 32u);
  // SHA-256("0:") starts with ba768b331fd86cec (Python's hashlib).
  EXPECT_EQ(ClientToken("", "").substr(0, 16), "ba768b331fd86cec");
}

TEST(DialectHelpersTest, PercentEncodeAndHttpError) {
  EXPECT_EQ(PercentEncode("arn:aws/x y~._-"), "arn%3Aaws%2Fx%20y~._-");
  HttpResponse r;
  r.status = 503;
  EXPECT_EQ(HttpError("GET u", r).code(), absl::StatusCode::kUnavailable);
  for (auto [status, code] : std::vector<std::pair<int, absl::StatusCode>>{
           {400, absl::StatusCode::kInvalidArgument}, {401, absl::StatusCode::kUnauthenticated},
           {403, absl::StatusCode::kPermissionDenied}, {404, absl::StatusCode::kNotFound},
           {409, absl::StatusCode::kFailedPrecondition},
           {429, absl::StatusCode::kResourceExhausted}, {418, absl::StatusCode::kUnknown}}) {
    r.status = status;
    EXPECT_EQ(HttpError("GET u", r).code(), code) << status;
  }
  r.body = std::string(1000, 'x');  // not JSON: no message
  EXPECT_EQ(HttpError("GET u", r).message(), "GET u: HTTP 418");
}

TEST(DialectHelpersTest, Names) {
  for (DialectKind k : {DialectKind::kIonq, DialectKind::kBraket, DialectKind::kQiskitRuntime}) {
    EXPECT_EQ(*ParseDialectKind(DialectKindName(k)), k);
  }
  EXPECT_EQ(ParseDialectKind("aqt").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_STREQ(JobStateName(JobState::kUnknown), "unknown");
}

}  // namespace
}  // namespace qgrad::backends::rest
