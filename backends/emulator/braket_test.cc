// Tests of the Amazon Braket dialect against a live emulator on loopback: a Bell task end
// to end (status by URL-encoded ARN, results.json from the S3-style path), clientToken
// idempotency, cancel, parse failures, and SigV4 authentication of both the API and the
// results object (when the build has backends/rest/sigv4).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "backends/emulator/emulator.h"
#include "backends/emulator/test_client.h"
#include "gtest/gtest.h"
#ifdef QGRAD_EMULATOR_HAVE_SIGV4
#include "backends/rest/sigv4/sigv4.h"
#endif

namespace qgrad::backends::emulator {
namespace {

using nlohmann::json;
using testing::kBellProgram;
using testing::PollUntil;
using testing::TestHttp;
using testing::TestResponse;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string TaskBody(const std::string& program, int64_t shots, const std::string& token,
                     const json& inputs = json::object()) {
  const json action = {
      {"braketSchemaHeader", {{"name", "braket.ir.openqasm.program"}, {"version", "1"}}},
      {"source", program},
      {"inputs", inputs}};
  return json{{"action", action.dump()},
              {"clientToken", token},
              {"deviceArn", "arn:aws:braket:::device/quantum-simulator/amazon/sv1"},
              {"outputS3Bucket", "amazon-braket-results"},
              {"outputS3KeyPrefix", "tasks/run1"},
              {"shots", shots}}
      .dump();
}

// The ARN as a path segment: ':' and '/' percent-encoded.
std::string Encoded(const std::string& arn) {
  return absl::StrReplaceAll(arn, {{":", "%3A"}, {"/", "%2F"}});
}

EmulatorOptions Options() {
  EmulatorOptions o;
  o.log_requests = false;
  o.timing.queue_latency = absl::Milliseconds(5);
  return o;
}

TEST(BraketTest, BellTaskEndToEnd) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const TestResponse created = http.Send("POST", "/quantum-task", {}, TaskBody(kBellProgram, 400, "tok-1"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string arn = created.Json()["quantumTaskArn"];
  EXPECT_TRUE(absl::StartsWith(arn, "arn:aws:braket:us-east-1:123456789012:quantum-task/")) << arn;
  const TestResponse status = PollUntil(
      [&] { return http.Send("GET", "/quantum-task/" + Encoded(arn)); },
      [](const TestResponse& r) { return r.Json().value("status", "") == "COMPLETED"; });
  const json s = status.Json();
  ASSERT_EQ(s["status"], "COMPLETED") << status.body;
  EXPECT_EQ(s["quantumTaskArn"], arn);
  EXPECT_EQ(s["shots"], 400);
  EXPECT_EQ(s["outputS3Bucket"], "amazon-braket-results");
  const std::string dir = s["outputS3Directory"];
  EXPECT_TRUE(absl::StartsWith(dir, "tasks/run1/")) << dir;

  const TestResponse object =
      http.Send("GET", absl::StrCat("/amazon-braket-results/", dir, "/results.json"));
  ASSERT_EQ(object.status, 200) << object.body;
  const json r = object.Json();
  EXPECT_EQ(r["braketSchemaHeader"]["name"], "braket.task_result.gate_model_task_result");
  EXPECT_EQ(r["measuredQubits"], json::array({0, 1}));
  ASSERT_EQ(r["measurements"].size(), 400u);
  int ones = 0;
  for (const json& row : r["measurements"]) {
    ASSERT_EQ(row.size(), 2u);
    EXPECT_EQ(row[0], row[1]);  // Bell: equal bits
    ones += row[0].get<int>();
  }
  EXPECT_GT(ones, 140);
  EXPECT_LT(ones, 260);
  EXPECT_EQ(http.Send("GET", absl::StrCat("/other-bucket/", dir, "/results.json")).status, 404);
  // The unencoded ARN names the task too.
  EXPECT_EQ(http.Send("GET", "/quantum-task/" + arn).status, 200);
}

TEST(BraketTest, InputsAreBound) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const std::string program =
      "OPENQASM 3.0;\ninput float theta;\nqubit[1] q;\nbit[1] c;\nrx(theta) q[0];\n"
      "c[0] = measure q[0];\n";
  const std::string arn =
      http.Send("POST", "/quantum-task", {}, TaskBody(program, 20, "t", {{"theta", M_PI}}))
          .Json()["quantumTaskArn"];
  const json s = PollUntil([&] { return http.Send("GET", "/quantum-task/" + Encoded(arn)); },
                           [](const TestResponse& r) {
                             return r.Json().value("status", "") != "QUEUED" &&
                                    r.Json().value("status", "") != "RUNNING";
                           }).Json();
  ASSERT_EQ(s["status"], "COMPLETED") << s.dump();
  const json r = http.Send("GET", absl::StrCat("/amazon-braket-results/",
                                               std::string(s["outputS3Directory"]),
                                               "/results.json"))
                     .Json();
  for (const json& row : r["measurements"]) EXPECT_EQ(row, json::array({1}));
  // Unbound input: the task fails with the reason.
  const std::string failed =
      http.Send("POST", "/quantum-task", {}, TaskBody(program, 20, "u")).Json()["quantumTaskArn"];
  const json f = http.Send("GET", "/quantum-task/" + Encoded(failed)).Json();
  EXPECT_EQ(f["status"], "FAILED");
  EXPECT_TRUE(absl::StrContains(std::string(f["failureReason"]), "theta"));
}

TEST(BraketTest, ClientTokenIsIdempotent) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const TestResponse a = http.Send("POST", "/quantum-task", {}, TaskBody(kBellProgram, 10, "same"));
  const TestResponse b = http.Send("POST", "/quantum-task", {}, TaskBody(kBellProgram, 10, "same"));
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(a.Json()["quantumTaskArn"], b.Json()["quantumTaskArn"]);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kBraket), 1);
}

TEST(BraketTest, CancelAndFailures) {
  EmulatorOptions o = Options();
  o.timing.queue_latency = absl::Seconds(30);
  o.limits.max_qubits = 4;
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const std::string arn =
      http.Send("POST", "/quantum-task", {}, TaskBody(kBellProgram, 10, "c")).Json()["quantumTaskArn"];
  EXPECT_EQ(http.Send("GET", "/quantum-task/" + Encoded(arn)).Json()["status"], "QUEUED");
  const TestResponse cancel =
      http.Send("PUT", "/quantum-task/" + Encoded(arn) + "/cancel", {}, R"({"clientToken": "c"})");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.Json()["cancellationStatus"], "CANCELLING");
  EXPECT_EQ(http.Send("GET", "/quantum-task/" + Encoded(arn)).Json()["status"], "CANCELLED");

  const TestResponse unknown = http.Send("GET", "/quantum-task/" + Encoded(arn + "x"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_TRUE(unknown.Json().contains("message"));
  const TestResponse missing = http.Send("POST", "/quantum-task", {}, R"({"shots": 1})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Header("x-amzn-ErrorType"), "ValidationException");
  EXPECT_EQ(http.Send("POST", "/quantum-task", {},
                      TaskBody("OPENQASM 3.0; qubit[5] q;", 10, "big")).status, 400);
  const std::string bad =
      http.Send("POST", "/quantum-task", {}, TaskBody("OPENQASM 3.0;\nqubit q;\nh q\n", 10, "bad"))
          .Json()["quantumTaskArn"];
  const json failed = http.Send("GET", "/quantum-task/" + Encoded(bad)).Json();
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_TRUE(absl::StartsWith(std::string(failed["failureReason"]), "4:")) << failed.dump();
}

#ifdef QGRAD_EMULATOR_HAVE_SIGV4
// Test helper: a request signed with `secret` for `service` at the emulator's address.
Headers Signed(const std::string& base, const std::string& method, const std::string& path,
               const std::string& body, const std::string& service, const std::string& secret) {
  rest::sigv4::Request request;
  request.method = method;
  request.path = path;
  request.headers = {{"host", base.substr(base.find("//") + 2)}};
  if (method != "GET") request.headers.emplace_back("content-type", "application/json");
  request.body = body;
  rest::sigv4::Sign({"AKIDEXAMPLE", secret, ""}, {"us-east-1", service}, absl::Now(), request);
  Headers out;
  for (const auto& [n, v] : request.headers) {
    if (n != "host" && n != "content-type") out.emplace_back(n, v);
  }
  return out;
}

TEST(BraketTest, SigV4Authentication) {
  EmulatorOptions o = Options();
  o.credentials.aws_keys = {{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  const std::string base = (*emulator)->base_url();
  const std::string secret = o.credentials.aws_keys.begin()->second;
  TestHttp http(base);
  const std::string body = TaskBody(kBellProgram, 10, "signed");
  const TestResponse unsigned_ = http.Send("POST", "/quantum-task", {}, body);
  EXPECT_EQ(unsigned_.status, 403);
  const TestResponse wrong =
      http.Send("POST", "/quantum-task", Signed(base, "POST", "/quantum-task", body, "braket", "nope"), body);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_FALSE(absl::StrContains(wrong.body, secret));
  const TestResponse ok =
      http.Send("POST", "/quantum-task", Signed(base, "POST", "/quantum-task", body, "braket", secret), body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string path = "/quantum-task/" + Encoded(ok.Json()["quantumTaskArn"]);
  const TestResponse polled = PollUntil(
      [&] { return http.Send("GET", path, Signed(base, "GET", path, "", "braket", secret)); },
      [](const TestResponse& r) { return r.Json().value("status", "") == "COMPLETED" || r.status != 200; });
  const json s = polled.Json();
  ASSERT_EQ(s["status"], "COMPLETED") << polled.status << " " << polled.body;
  const std::string object =
      absl::StrCat("/amazon-braket-results/", std::string(s["outputS3Directory"]), "/results.json");
  EXPECT_EQ(http.Send("GET", object).status, 403);
  EXPECT_EQ(http.Send("GET", object, Signed(base, "GET", object, "", "braket", secret)).status, 403);
  EXPECT_EQ(http.Send("GET", object, Signed(base, "GET", object, "", "s3", secret)).status, 200);
}
#endif

}  // namespace
}  // namespace qgrad::backends::emulator
