// Tests of the IonQ dialect against a live emulator on loopback: a Bell job end to end,
// idempotent resubmission, cancel, authentication, bad requests, the characterization.
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/emulator/emulator.h"
#include "backends/native/native.h"
#include "backends/emulator/test_client.h"
#include "gtest/gtest.h"

namespace qgrad::backends::emulator {
namespace {

using nlohmann::json;
using testing::kBellProgram;
using testing::PollUntil;
using testing::TestHttp;
using testing::TestResponse;

constexpr char kKey[] = "ionq-test-key-123";

EmulatorOptions Options() {
  EmulatorOptions o;
  o.log_requests = false;
  o.credentials.ionq_api_keys = {kKey};
  o.timing.queue_latency = absl::Milliseconds(5);
  return o;
}

std::vector<std::pair<std::string, std::string>> Auth(const std::string& key = kKey) {
  return {{"Authorization", absl::StrCat("apiKey ", key)}};
}

std::string JobBody(const std::string& program, int64_t shots) {
  return json{{"type", "ionq.qasm3.v1"},
              {"name", "bell"},
              {"backend", "simulator"},
              {"shots", shots},
              {"input", {{"data", program}}},
              {"metadata", {{"client_token", "t"}}}}
      .dump();
}

TestResponse WaitFinal(TestHttp& http, const std::string& id) {
  return PollUntil([&] { return http.Send("GET", "/v0.4/jobs/" + id, Auth()); },
                   [](const TestResponse& r) {
                     const std::string s = r.Json().value("status", "");
                     return s == "completed" || s == "failed" || s == "canceled";
                   });
}

TEST(IonqTest, BellJobEndToEnd) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  TestHttp http((*emulator)->base_url());
  const TestResponse submitted = http.Send("POST", "/v0.4/jobs", Auth(), JobBody(kBellProgram, 1000));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string id = submitted.Json()["id"];
  EXPECT_EQ(submitted.Json()["status"], "submitted");
  const TestResponse done = WaitFinal(http, id);
  const json status = done.Json();
  ASSERT_EQ(status["status"], "completed") << done.body;
  EXPECT_EQ(status["shots"], 1000);
  EXPECT_EQ(status["results"]["probabilities"]["url"],
            absl::StrCat("/v0.4/jobs/", id, "/results/probabilities"));

  const TestResponse histogram = http.Send("GET", "/v0.4/jobs/" + id + "/results/histogram", Auth());
  ASSERT_EQ(histogram.status, 200);
  int64_t total = 0;
  const json counts = histogram.Json();
  for (const auto& [key, count] : counts.items()) {
    EXPECT_TRUE(key == "0" || key == "3") << key;  // only 00 and 11 without noise
    total += count.get<int64_t>();
  }
  EXPECT_EQ(total, 1000);
  EXPECT_GT(histogram.Json().value("0", 0), 400);
  EXPECT_GT(histogram.Json().value("3", 0), 400);

  const TestResponse probabilities =
      http.Send("GET", std::string(status["results"]["probabilities"]["url"]), Auth());
  ASSERT_EQ(probabilities.status, 200);
  double sum = 0;
  const json probs = probabilities.Json();
  for (const auto& [key, p] : probs.items()) {
    ASSERT_TRUE(counts.contains(key)) << probabilities.body;
    EXPECT_DOUBLE_EQ(p.get<double>(), counts[key].get<double>() / 1000);
    sum += p.get<double>();
  }
  EXPECT_NEAR(sum, 1, 1e-12);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 1);
}

// What the REST client sends: the program translated to IonQ's native gates, declared
// with `gate` definitions.
TEST(IonqTest, RunsNativelyTranslatedPrograms) {
  auto translated = native::TranslateProgram(kBellProgram, {}, native::GateSet::kIonq);
  ASSERT_TRUE(translated.ok()) << translated.status();
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const TestResponse submitted =
      http.Send("POST", "/v0.4/jobs", Auth(), JobBody(translated->qasm, 500));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string id = submitted.Json()["id"];
  ASSERT_EQ(WaitFinal(http, id).Json()["status"], "completed");
  const json counts = http.Send("GET", "/v0.4/jobs/" + id + "/results/histogram", Auth()).Json();
  int64_t total = 0;
  for (const auto& [key, count] : counts.items()) {
    EXPECT_TRUE(key == "0" || key == "3") << key;
    total += count.get<int64_t>();
  }
  EXPECT_EQ(total, 500);
}

TEST(IonqTest, SameIdempotencyKeySameJob) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  auto headers = Auth();
  headers.emplace_back("Idempotency-Key", "batch-7/0");
  const TestResponse a = http.Send("POST", "/v0.4/jobs", headers, JobBody(kBellProgram, 10));
  const TestResponse b = http.Send("POST", "/v0.4/jobs", headers, JobBody(kBellProgram, 10));
  headers.back().second = "batch-7/1";
  const TestResponse c = http.Send("POST", "/v0.4/jobs", headers, JobBody(kBellProgram, 10));
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(a.Json()["id"], b.Json()["id"]);
  EXPECT_NE(a.Json()["id"], c.Json()["id"]);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 2);
}

TEST(IonqTest, CancelAQueuedJob) {
  EmulatorOptions o = Options();
  o.timing.queue_latency = absl::Seconds(30);
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const std::string id =
      http.Send("POST", "/v0.4/jobs", Auth(), JobBody(kBellProgram, 10)).Json()["id"];
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/" + id, Auth()).Json()["status"], "submitted");
  const TestResponse cancel = http.Send("PUT", "/v0.4/jobs/" + id + "/status/cancel", Auth());
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.Json()["status"], "canceled");
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/" + id, Auth()).Json()["status"], "canceled");
  EXPECT_EQ(http.Send("PUT", "/v0.4/jobs/" + id + "/status/cancel", Auth()).status, 200);
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/" + id + "/results/histogram", Auth()).status, 409);
  EXPECT_EQ(http.Send("PUT", "/v0.4/jobs/nope/status/cancel", Auth()).status, 404);
}

TEST(IonqTest, CancelACompletedJobConflicts) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const std::string id =
      http.Send("POST", "/v0.4/jobs", Auth(), JobBody(kBellProgram, 10)).Json()["id"];
  ASSERT_EQ(WaitFinal(http, id).Json()["status"], "completed");
  EXPECT_EQ(http.Send("PUT", "/v0.4/jobs/" + id + "/status/cancel", Auth()).status, 409);
}

TEST(IonqTest, RefusesBadCredentials) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {}, Auth("wrong-key"), {{"Authorization", kKey}}, {{"Authorization", "Bearer x"}}}) {
    const TestResponse r = http.Send("POST", "/v0.4/jobs", headers, JobBody(kBellProgram, 10));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.Json()["error"]["code"], "unauthorized");
    EXPECT_FALSE(absl::StrContains(r.body, "wrong-key"));
    EXPECT_EQ(http.Send("GET", "/v0.4/jobs/x", headers).status, 401);
  }
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 0);
}

TEST(IonqTest, BadRequests) {
  EmulatorOptions o = Options();
  o.limits.max_qubits = 3;
  o.limits.max_shots = 100;
  o.limits.max_body_bytes = 4096;
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  auto post = [&](const std::string& body) { return http.Send("POST", "/v0.4/jobs", Auth(), body); };
  EXPECT_EQ(post("{not json").status, 400);
  EXPECT_EQ(post("[1, 2]").status, 400);
  EXPECT_EQ(post(R"({"shots": 10})").status, 400);
  EXPECT_EQ(post(R"({"shots": "ten", "input": {"data": "x"}})").status, 400);
  EXPECT_EQ(post(R"({"shots": 10, "input": {"data": 5}})").status, 400);
  EXPECT_EQ(post(JobBody(kBellProgram, 101)).status, 400);
  EXPECT_EQ(post(JobBody(kBellProgram, 0)).status, 400);
  EXPECT_EQ(post(JobBody("OPENQASM 3.0; qubit[4] q; bit[4] c; c = measure q;", 10)).status, 400);
  EXPECT_EQ(post(JobBody(std::string(5000, ' '), 10)).status, 413);
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/no-such-job", Auth()).status, 404);
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/no-such-job/results/histogram", Auth()).status, 404);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 0);

  // A program that does not parse makes a failed job naming the line and column.
  const TestResponse bad = post(JobBody("OPENQASM 3.0;\nqubit[1] q;\nfoo q[0];\n", 10));
  ASSERT_EQ(bad.status, 200) << bad.body;
  const json job = WaitFinal(http, bad.Json()["id"]).Json();
  EXPECT_EQ(job["status"], "failed");
  EXPECT_EQ(job["failure"]["code"], "CompilationError");
  EXPECT_TRUE(absl::StartsWith(std::string(job["failure"]["error"]), "3:1:")) << job.dump();
}

TEST(IonqTest, CharacterizationReportsTheReadoutError) {
  EmulatorOptions o = Options();
  o.limits.max_qubits = 3;
  o.noise.readout = {0.01, 0.02};
  o.noise.readout_per_qubit = {{0.1, 0.2}};
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const TestResponse r =
      http.Send("GET", "/v0.4/backends/simulator/characterizations/current", Auth());
  ASSERT_EQ(r.status, 200);
  const json c = r.Json();
  EXPECT_EQ(c["qubits"], 3);
  ASSERT_EQ(c["readout"].size(), 3u);
  EXPECT_EQ(c["readout"][0]["qubit"], 0);
  EXPECT_DOUBLE_EQ(c["readout"][0]["p01"], 0.1);
  EXPECT_DOUBLE_EQ(c["readout"][0]["p10"], 0.2);
  EXPECT_DOUBLE_EQ(c["readout"][2]["p10"], 0.02);
  EXPECT_NEAR(c["fidelity"]["spam"]["mean"].get<double>(), 1 - (0.15 + 0.015 * 2) / 3, 1e-12);
}

}  // namespace
}  // namespace qgrad::backends::emulator
