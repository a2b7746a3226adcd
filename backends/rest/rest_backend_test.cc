// Tests of RestBackend over a scripted HTTP client (no network): end-to-end batches in
// each dialect, validation errors, idempotency keys stable across submissions and
// backends, cancel forwarded to the device, provider failures ending the wait with the
// provider's state and reason, Wait deadlines, Describe, and credentials absent from
// every error message.
#include "backends/rest/rest_backend.h"

#include <stdlib.h>

#include <atomic>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "backends/rest/testing_http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::rest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using testing::HeaderOf;
using testing::PathOf;
using testing::ScriptedHttpClient;
using json = nlohmann::json;

constexpr char kSecret[] = "sk-very-secret-4242";

std::string Qasm(int qubits) {
  return absl::StrCat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[", qubits, "] q;\nbit[",
                      qubits, "] c;\nh q[0];\nc = measure q;\n");
}

Batch TwoPrograms(std::string key = "batch-key-1", bool memory = false) {
  Batch b;
  b.programs = {Program{Qasm(2), {}, 10}, Program{Qasm(2), {}, 20}};
  b.idempotency_key = std::move(key);
  b.memory = memory;
  return b;
}

// Test helper: polls until `done` holds, at most 10 s.
template <typename F>
bool PollUntil(F done) {
  const absl::Time end = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

HttpResponse Json(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

RestBackendOptions BaseOptions(DialectKind kind, std::shared_ptr<HttpClient> http) {
  setenv("QGRAD_REST_BACKEND_TEST_KEY", kSecret, 1);
  setenv("QGRAD_REST_BACKEND_TEST_AKID", "AKIDEXAMPLE", 1);
  RestBackendOptions o;
  o.name = "dev";
  o.dialect = kind;
  o.endpoints.base_url = "https://api.test/v1";
  o.endpoints.iam_url = "https://iam.test";
  o.endpoints.s3_url = "https://s3.test";
  o.endpoints.region = "us-east-1";
  o.endpoints.bucket = "bucket";
  o.endpoints.prefix = "pre";
  o.endpoints.service_crn = "crn:v1:x";
  o.endpoints.device = "dev1";
  o.credentials.api_key = "env:QGRAD_REST_BACKEND_TEST_KEY";
  o.credentials.aws_access_key_id = "env:QGRAD_REST_BACKEND_TEST_AKID";
  o.credentials.aws_secret_access_key = "env:QGRAD_REST_BACKEND_TEST_KEY";
  o.max_qubits = 5;
  o.max_shots = 1000;
  o.max_programs = 4;
  o.poll_interval = absl::Milliseconds(1);
  o.max_poll_interval = absl::Milliseconds(4);
  o.retry.backoff = {absl::Milliseconds(1), absl::Milliseconds(4), 2.0};
  o.rate_limit = 0;
  o.jitter_seed = 11;
  o.http = std::move(http);
  return o;
}

// Test helper: an IonQ-like device on the scripted client. Jobs are named after their
// Idempotency-Key; every job reports `status` (and `failure` when set) and the given
// probabilities.
struct FakeIonq {
  FakeIonq() {
    client->Handle("POST", "/v1/jobs", [this](const HttpRequest& r) {
      return Json(200, {{"id", "job-" + HeaderOf(r, "Idempotency-Key")}, {"status", "submitted"}});
    });
    client->HandlePrefix("GET", "/v1/jobs/", [this](const HttpRequest& r) {
      std::string path = PathOf(r.url);
      if (absl::EndsWith(path, "/results/probabilities")) {
        return Json(200, {{"0", 0.5}, {"3", 0.5}});
      }
      absl::MutexLock lock(&mu);
      json j = {{"id", path.substr(9)}, {"status", status}};
      if (!failure.empty()) j["failure"] = {{"code", "E"}, {"error", failure}};
      return Json(200, j);
    });
    client->HandlePrefix("PUT", "/v1/jobs/", [](const HttpRequest&) {
      return Json(200, {{"status", "canceled"}});
    });
  }
  void Set(std::string s, std::string why = "") {
    absl::MutexLock lock(&mu);
    status = std::move(s);
    failure = std::move(why);
  }
  // Idempotency keys of every POST /v1/jobs, in order.
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const HttpRequest& r : client->requests("POST", "/v1/jobs")) {
      keys.push_back(HeaderOf(r, "Idempotency-Key"));
    }
    return keys;
  }
  std::shared_ptr<ScriptedHttpClient> client = std::make_shared<ScriptedHttpClient>();
  absl::Mutex mu;
  std::string status ABSL_GUARDED_BY(mu) = "completed";
  std::string failure ABSL_GUARDED_BY(mu);
};

std::unique_ptr<RestBackend> Make(RestBackendOptions o) {
  absl::StatusOr<std::unique_ptr<RestBackend>> b = RestBackend::Create(std::move(o));
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *std::move(b) : nullptr;
}

TEST(RestBackendTest, IonqBatchRoundTrip) {
  FakeIonq device;
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle = backend->Submit(TwoPrograms());
  ASSERT_TRUE(handle.ok()) << handle.status();
  absl::StatusOr<BatchResult> result = (*handle)->Wait(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->programs.size(), 2u);
  EXPECT_THAT(result->programs[0].counts, ElementsAre(Pair(0, 5), Pair(3, 5)));
  EXPECT_THAT(result->programs[1].counts, ElementsAre(Pair(0, 10), Pair(3, 10)));
  EXPECT_EQ(result->programs[1].shots, 20);
  EXPECT_EQ(result->programs[1].num_clbits, 2);
  const BatchStatus status = (*handle)->Poll();
  EXPECT_EQ(status.state, BatchState::kSucceeded);
  EXPECT_EQ(status.programs_done, 2);
  EXPECT_EQ(status.programs_total, 2);
  // What went on the wire: one job per program with its shots and the API key.
  std::vector<HttpRequest> posts = device.client->requests("POST", "/v1/jobs");
  ASSERT_EQ(posts.size(), 2u);
  std::set<int64_t> shots;
  for (const HttpRequest& r : posts) {
    shots.insert(json::parse(r.body)["shots"].get<int64_t>());
    EXPECT_EQ(HeaderOf(r, "Authorization"), absl::StrCat("apiKey ", kSecret));
  }
  EXPECT_EQ(shots, (std::set<int64_t>{10, 20}));
}

TEST(RestBackendTest, ProgramsAreSentInNativeGates) {
  FakeIonq device;
  RestBackendOptions o = BaseOptions(DialectKind::kIonq, device.client);
  o.gate_set = native::GateSet::kIonq;
  auto backend = Make(o);
  Batch b = TwoPrograms();
  b.programs[0].qasm = absl::StrCat(
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float theta;\nqubit[2] q;\nbit[2] c;\n",
      "ry(theta) q[0];\ncx q[0], q[1];\nc = measure q;\n");
  b.programs[0].inputs = {{"theta", 0.7}};
  ASSERT_TRUE(RunBatch(*backend, b, absl::Now() + absl::Seconds(10)).ok());
  bool seen = false;
  for (const HttpRequest& r : device.client->requests("POST", "/v1/jobs")) {
    const std::string qasm = json::parse(r.body)["input"]["data"];
    if (json::parse(r.body)["shots"] != 10) continue;
    seen = true;
    EXPECT_THAT(qasm, HasSubstr("ms("));
    EXPECT_THAT(qasm, Not(HasSubstr("cx q["))) << qasm;  // (ms is defined with cx)
    EXPECT_THAT(qasm, Not(HasSubstr("input ")));  // inputs are bound before sending
  }
  EXPECT_TRUE(seen);
}

TEST(RestBackendTest, IdempotencyKeysAreStableAcrossSubmissionsAndBackends) {
  FakeIonq device;
  std::vector<std::vector<std::string>> runs;
  for (int backend_instance = 0; backend_instance < 2; ++backend_instance) {
    auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
    for (int i = 0; i < 2; ++i) {
      const size_t before = device.Keys().size();
      ASSERT_TRUE(RunBatch(*backend, TwoPrograms("same-key")).ok());
      std::vector<std::string> keys = device.Keys();
      keys.erase(keys.begin(), keys.begin() + long(before));
      std::sort(keys.begin(), keys.end());
      runs.push_back(keys);
    }
  }
  ASSERT_EQ(runs[0].size(), 2u);
  EXPECT_NE(runs[0][0], runs[0][1]) << "programs need distinct tokens";
  for (const auto& run : runs) EXPECT_EQ(run, runs[0]);

  // Another key, or none (a fresh random key each time), gives other tokens.
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  ASSERT_TRUE(RunBatch(*backend, TwoPrograms("other-key")).ok());
  ASSERT_TRUE(RunBatch(*backend, TwoPrograms("")).ok());
  ASSERT_TRUE(RunBatch(*backend, TwoPrograms("")).ok());
  const std::vector<std::string> keys = device.Keys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 2u + 6u);
}

TEST(RestBackendTest, CancelIsForwardedToEveryDeviceJob) {
  FakeIonq device;
  device.Set("running");
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle = backend->Submit(TwoPrograms());
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(PollUntil([&] { return (*handle)->Poll().state == BatchState::kRunning; }));
  const absl::Time start = absl::Now();
  (*handle)->Cancel();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ((*handle)->Wait(absl::Now()).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ((*handle)->Poll().state, BatchState::kCancelled);
  ASSERT_TRUE(PollUntil([&] {
    int cancels = 0;
    for (const HttpRequest& r : device.client->requests()) {
      if (r.method == "PUT" && absl::EndsWith(PathOf(r.url), "/status/cancel")) ++cancels;
    }
    return cancels == 2;
  }));
  (*handle)->Cancel();  // idempotent
}

TEST(RestBackendTest, DestructorCancelsRunningBatches) {
  FakeIonq device;
  device.Set("submitted");
  std::unique_ptr<BatchHandle> handle;
  {
    auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
    absl::StatusOr<std::unique_ptr<BatchHandle>> h = backend->Submit(TwoPrograms());
    ASSERT_TRUE(h.ok());
    handle = *std::move(h);
    ASSERT_TRUE(PollUntil([&] { return device.Keys().size() == 2; }));
  }
  EXPECT_EQ(handle->Wait(absl::InfiniteFuture()).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(device.client->count("PUT", "/v1/jobs/job-" + device.Keys()[0] + "/status/cancel") +
                device.client->count("PUT", "/v1/jobs/job-" + device.Keys()[1] + "/status/cancel"),
            2);
}

TEST(RestBackendTest, ProviderFailureEndsTheWaitNamingStateAndReason) {
  struct Case {
    std::string state, reason;
    absl::StatusCode code;
  };
  for (const Case& c : {Case{"failed", "laser drift", absl::StatusCode::kAborted},
                        Case{"canceled", "operator", absl::StatusCode::kCancelled},
                        Case{"vanished", "", absl::StatusCode::kUnknown}}) {
    FakeIonq device;
    device.Set(c.state, c.reason);
    auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
    absl::StatusOr<BatchResult> r = RunBatch(*backend, TwoPrograms(), absl::Now() + absl::Seconds(10));
    ASSERT_EQ(r.status().code(), c.code) << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("program 0: device job job-"));
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("\"" + c.state + "\""));
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.reason));
  }
}

TEST(RestBackendTest, WaitPastDeadlineThenSucceeds) {
  FakeIonq device;
  device.Set("running");
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle = backend->Submit(TwoPrograms());
  ASSERT_TRUE(handle.ok());
  absl::Status late = (*handle)->Wait(absl::Now() + absl::Milliseconds(30)).status();
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(late.message()), HasSubstr("0 of 2 programs done"));
  device.Set("completed");
  EXPECT_TRUE((*handle)->Wait(absl::Now() + absl::Seconds(10)).ok());
}

TEST(RestBackendTest, SubmitValidatesEveryProgramFirst) {
  FakeIonq device;
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  auto code_and_message = [&](Batch b) {
    absl::Status s = backend->Submit(std::move(b)).status();
    return std::make_pair(s.code(), std::string(s.message()));
  };
  Batch bad = TwoPrograms();
  bad.programs[1].qasm = absl::StrCat(Qasm(2), "frobnicate q[0];\n");
  auto [code, message] = code_and_message(bad);
  EXPECT_EQ(code, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(message, HasSubstr("program 1: 7:1: "));

  Batch wide = TwoPrograms();
  wide.programs[0].qasm = Qasm(6);
  EXPECT_EQ(code_and_message(wide).first, absl::StatusCode::kResourceExhausted);
  Batch many = TwoPrograms();
  many.programs.resize(5, many.programs[0]);
  EXPECT_EQ(code_and_message(many).first, absl::StatusCode::kResourceExhausted);
  Batch shots = TwoPrograms();
  shots.programs[1].shots = 1001;
  EXPECT_EQ(code_and_message(shots).first, absl::StatusCode::kResourceExhausted);
  shots.programs[1].shots = 0;
  EXPECT_EQ(code_and_message(shots).first, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code_and_message(Batch{}).first, absl::StatusCode::kInvalidArgument);
  // IonQ returns counts only.
  EXPECT_EQ(code_and_message(TwoPrograms("k", /*memory=*/true)).first,
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(device.client->requests().empty()) << "nothing is sent for a rejected batch";
}

TEST(RestBackendTest, QiskitRuntimeOneJobPerBatchWithMemory) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("POST", "/identity/token", 200,
                R"({"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})");
  client->Reply("POST", "/v1/jobs", 200, R"({"id": "ibm-7", "backend": "dev1"})");
  client->Reply("GET", "/v1/jobs/ibm-7", 200, R"({"id": "ibm-7", "status": "Queued"})");
  client->Reply("GET", "/v1/jobs/ibm-7", 200, R"({"id": "ibm-7", "status": "Running"})");
  client->Reply("GET", "/v1/jobs/ibm-7", 200, R"({"id": "ibm-7", "status": "Completed"})");
  client->Reply("GET", "/v1/jobs/ibm-7/results", 200, R"({"results": [
      {"data": {"c": {"samples": ["0x0", "0x3", "0x3"], "num_bits": 2}}},
      {"data": {"c": {"samples": ["0x1", "0x2"], "num_bits": 2}}}]})");
  auto backend = Make(BaseOptions(DialectKind::kQiskitRuntime, client));
  absl::StatusOr<BatchResult> r =
      RunBatch(*backend, TwoPrograms("k", /*memory=*/true), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->programs[0].memory, ElementsAre(0, 3, 3));
  EXPECT_THAT(r->programs[0].counts, ElementsAre(Pair(0, 1), Pair(3, 2)));
  EXPECT_THAT(r->programs[1].memory, ElementsAre(1, 2));
  const std::vector<HttpRequest> posts = client->requests("POST", "/v1/jobs");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(json::parse(posts[0].body)["params"]["pubs"].size(), 2u);
  EXPECT_EQ(client->count("POST", "/identity/token"), 1);
  EXPECT_GE(client->count("GET", "/v1/jobs/ibm-7"), 3);
}

TEST(RestBackendTest, QiskitRuntimeCancelledByTheDevice) {
  auto client = std::make_shared<ScriptedHttpClient>();
  client->Reply("POST", "/identity/token", 200, R"({"access_token": "tok", "expires_in": 3600})");
  client->Reply("POST", "/v1/jobs", 200, R"({"id": "ibm-8"})");
  client->Reply("GET", "/v1/jobs/ibm-8", 200,
                R"({"id": "ibm-8", "status": "Cancelled - Ran too long",
                    "state": {"status": "Cancelled", "reason": "Ran too long"}})");
  auto backend = Make(BaseOptions(DialectKind::kQiskitRuntime, client));
  absl::Status s = RunBatch(*backend, TwoPrograms(), absl::Now() + absl::Seconds(10)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(std::string(s.message()), HasSubstr("device job ibm-8 (programs 0..1)"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("Ran too long"));
}

TEST(RestBackendTest, BraketPerShotResultsAndSignedRequests) {
  auto client = std::make_shared<ScriptedHttpClient>();
  std::atomic<int> tasks{0};
  client->Handle("POST", "/v1/quantum-task", [&](const HttpRequest& r) {
    const int n = tasks++;
    EXPECT_EQ(json::parse(r.body)["deviceArn"], "dev1");
    return Json(201, {{"quantumTaskArn", absl::StrCat("arn:task/", n)}});
  });
  client->HandlePrefix("GET", "/v1/quantum-task/", [](const HttpRequest& r) {
    const std::string n = PathOf(r.url).substr(PathOf(r.url).size() - 1);
    return Json(200, {{"status", "COMPLETED"},
                      {"outputS3Bucket", "bucket"},
                      {"outputS3Directory", "pre/" + n}});
  });
  client->HandlePrefix("GET", "/bucket/pre/", [](const HttpRequest&) {
    return Json(200, {{"measurements", {{1, 1}, {0, 0}, {1, 1}}}, {"measuredQubits", {0, 1}}});
  });
  auto backend = Make(BaseOptions(DialectKind::kBraket, client));
  absl::StatusOr<BatchResult> r =
      RunBatch(*backend, TwoPrograms("k", true), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->programs[1].memory, ElementsAre(3, 0, 3));
  EXPECT_THAT(r->programs[1].counts, ElementsAre(Pair(0, 1), Pair(3, 2)));
  for (const HttpRequest& sent : client->requests()) {
    EXPECT_THAT(HeaderOf(sent, "Authorization"), ::testing::StartsWith("AWS4-HMAC-SHA256 "));
    EXPECT_THAT(HeaderOf(sent, "Authorization"), Not(HasSubstr(kSecret)));
  }
}

TEST(RestBackendTest, RetriesThroughTheBackend) {
  FakeIonq device;
  device.client->Reply("POST", "/v1/jobs", 503, "{}", {{"Retry-After", "0"}});
  device.client->Reply("POST", "/v1/jobs", 429, "{}", {{"Retry-After", "0"}});
  auto backend = Make(BaseOptions(DialectKind::kIonq, device.client));
  Batch one = TwoPrograms();
  one.programs.resize(1);
  ASSERT_TRUE(RunBatch(*backend, one, absl::Now() + absl::Seconds(10)).ok());
  EXPECT_EQ(device.client->count("POST", "/v1/jobs"), 3);

  FakeIonq rejecting;
  rejecting.client->Reply("POST", "/v1/jobs", 400,
                          R"({"error": {"code": "BadRequest", "message": "no"}})");
  rejecting.client->Reply("POST", "/v1/jobs", 400, "{}");
  auto backend2 = Make(BaseOptions(DialectKind::kIonq, rejecting.client));
  absl::Status s = RunBatch(*backend2, one, absl::Now() + absl::Seconds(10)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("program 0: device job: POST "));
  EXPECT_EQ(rejecting.client->count("POST", "/v1/jobs"), 1);
}

TEST(RestBackendTest, CredentialsNeverInErrorMessages) {
  // The device echoes the key back in its error message.
  for (DialectKind kind : {DialectKind::kIonq, DialectKind::kQiskitRuntime, DialectKind::kBraket}) {
    auto client = std::make_shared<ScriptedHttpClient>();
    const std::string echo =
        json{{"error", {{"code", "Unauthorized"}, {"message", absl::StrCat("bad key ", kSecret)}}}}
            .dump();
    client->Reply("POST", "/identity/token", 400, echo);
    client->Reply("POST", "/v1/jobs", 401, echo);
    client->Reply("POST", "/v1/quantum-task", 403, echo);
    auto backend = Make(BaseOptions(kind, client));
    absl::Status s = RunBatch(*backend, TwoPrograms(), absl::Now() + absl::Seconds(10)).status();
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(kSecret))) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("bad key ***")) << s;
  }
  // Construction errors name the reference, not a value.
  RestBackendOptions o = BaseOptions(DialectKind::kIonq, std::make_shared<ScriptedHttpClient>());
  o.credentials.api_key = kSecret;  // a key pasted where a reference belongs
  absl::Status s = RestBackend::Create(o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr(kSecret)));
  o.credentials.api_key = "env:QGRAD_REST_BACKEND_TEST_UNSET";
  unsetenv("QGRAD_REST_BACKEND_TEST_UNSET");
  EXPECT_EQ(RestBackend::Create(o).status().code(), absl::StatusCode::kNotFound);
}

TEST(RestBackendTest, CreateChecksEndpoints) {
  auto client = std::make_shared<ScriptedHttpClient>();
  RestBackendOptions o = BaseOptions(DialectKind::kBraket, client);
  o.endpoints.s3_url.clear();
  EXPECT_EQ(RestBackend::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = BaseOptions(DialectKind::kQiskitRuntime, client);
  o.endpoints.iam_url.clear();
  EXPECT_EQ(RestBackend::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = BaseOptions(DialectKind::kIonq, client);
  o.endpoints.base_url.clear();
  EXPECT_EQ(RestBackend::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RestBackendTest, DescribeReportsLimitsGatesAndQueue) {
  FakeIonq device;
  device.Set("submitted");
  RestBackendOptions o = BaseOptions(DialectKind::kIonq, device.client);
  o.gate_set = native::GateSet::kIonq;
  auto backend = Make(o);
  Description d = backend->Describe();
  EXPECT_EQ(d.name, "dev");
  EXPECT_EQ(d.max_qubits, 5);
  EXPECT_EQ(d.max_shots, 1000);
  EXPECT_EQ(d.max_programs, 4);
  EXPECT_EQ(d.native_gates, native::NativeGateNames(native::GateSet::kIonq));
  EXPECT_FALSE(d.exact_amplitudes);
  EXPECT_EQ(d.queue.pending_batches, 0);
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle = backend->Submit(TwoPrograms());
  ASSERT_TRUE(handle.ok());
  d = backend->Describe();
  // Queued until the device has accepted its first job, running from then on: which one
  // Describe sees depends on the batch's thread.
  EXPECT_EQ(d.queue.pending_batches + d.queue.running_batches, 1);
  EXPECT_EQ(d.queue.pending_shots, 30);
  (*handle)->Cancel();
  EXPECT_EQ(backend->Describe().queue.pending_batches, 0);
}

}  // namespace
}  // namespace qgrad::backends::rest
