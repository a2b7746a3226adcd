// Tests of the IBM Qiskit Runtime dialect against a live emulator on loopback: the IAM
// token exchange, a two-PUB Bell job end to end, idempotency, cancel, authentication
// (unknown key, missing / unknown / expired token, Service-CRN), bad PUBs, properties.
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
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kApiKey[] = "ibm-api-key-456";
constexpr char kCrn[] = "crn:v1:bluemix:public:quantum-computing:us-east:a/1::";

EmulatorOptions Options() {
  EmulatorOptions o;
  o.log_requests = false;
  o.credentials.ibm_api_keys = {kApiKey};
  o.credentials.ibm_service_crn = kCrn;
  o.timing.queue_latency = absl::Milliseconds(5);
  return o;
}

TestResponse Exchange(TestHttp& http, const std::string& key) {
  return http.Send("POST", "/identity/token", {},
                   "grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=" + key,
                   "application/x-www-form-urlencoded");
}

Headers Bearer(const std::string& token, const std::string& crn = kCrn) {
  return {{"Authorization", "Bearer " + token}, {"Service-CRN", crn}};
}

std::string JobBody(const json& pubs) {
  return json{{"program_id", "sampler"},
              {"backend", "ibm_emulated"},
              {"params", {{"version", 2}, {"pubs", pubs}}}}
      .dump();
}

class IbmTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(Options()); }
  void Start(const EmulatorOptions& o) {
    auto started = Emulator::Start(o);
    ASSERT_TRUE(started.ok()) << started.status();
    emulator_ = *std::move(started);
    http_ = std::make_unique<TestHttp>(emulator_->base_url());
    const TestResponse token = Exchange(*http_, kApiKey);
    ASSERT_EQ(token.status, 200) << token.body;
    EXPECT_EQ(token.Json()["token_type"], "Bearer");
    token_ = token.Json()["access_token"];
  }
  TestResponse WaitFinal(const std::string& id) {
    return PollUntil([&] { return http_->Send("GET", "/api/v1/jobs/" + id, Bearer(token_)); },
                     [](const TestResponse& r) {
                       const std::string s = r.Json().value("status", "");
                       return s == "Completed" || s == "Failed" || s == "Cancelled";
                     });
  }

  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<TestHttp> http_;
  std::string token_;
};

TEST_F(IbmTest, TwoPubBellJobEndToEnd) {
  const std::string rotated =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] a;\nqubit[1] q;\nbit[1] c;\n"
      "rx(a) q[0];\nc[0] = measure q[0];\n";
  const TestResponse submitted = http_->Send(
      "POST", "/api/v1/jobs", Bearer(token_),
      JobBody(json::array({json::array({std::string(kBellProgram), json::array(), 300}),
                           json::array({rotated, json::array({M_PI}), 50})})));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.Json()["backend"], "ibm_emulated");
  const std::string id = submitted.Json()["id"];
  const json status = WaitFinal(id).Json();
  ASSERT_EQ(status["status"], "Completed") << status.dump();
  EXPECT_EQ(status["state"]["status"], "Completed");

  const TestResponse results = http_->Send("GET", "/api/v1/jobs/" + id + "/results", Bearer(token_));
  ASSERT_EQ(results.status, 200);
  const json r = results.Json();
  ASSERT_EQ(r["results"].size(), 2u);
  const json& bell = r["results"][0]["data"]["c"];
  EXPECT_EQ(bell["num_bits"], 2);
  ASSERT_EQ(bell["samples"].size(), 300u);
  int zeros = 0;
  for (const json& s : bell["samples"]) {
    EXPECT_TRUE(s == "0x0" || s == "0x3") << s;
    zeros += s == "0x0";
  }
  EXPECT_GT(zeros, 100);
  EXPECT_LT(zeros, 200);
  const json& flipped = r["results"][1]["data"]["c"];  // rx(π)|0⟩ = |1⟩ (value bound by position)
  ASSERT_EQ(flipped["samples"].size(), 50u);
  for (const json& s : flipped["samples"]) EXPECT_EQ(s, "0x1");
}

TEST_F(IbmTest, RunsNativelyTranslatedPrograms) {
  auto translated = native::TranslateProgram(kBellProgram, {}, native::GateSet::kIbm);
  ASSERT_TRUE(translated.ok()) << translated.status();
  const TestResponse submitted = http_->Send(
      "POST", "/api/v1/jobs", Bearer(token_),
      JobBody(json::array({json::array({translated->qasm, json::array(), 200})})));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  const std::string id = submitted.Json()["id"];
  ASSERT_EQ(WaitFinal(id).Json()["status"], "Completed");
  const json r = http_->Send("GET", "/api/v1/jobs/" + id + "/results", Bearer(token_)).Json();
  const json& samples = r["results"][0]["data"]["c"]["samples"];
  ASSERT_EQ(samples.size(), 200u);
  for (const json& s : samples) EXPECT_TRUE(s == "0x0" || s == "0x3") << s;
}

TEST_F(IbmTest, SameIdempotencyKeySameJob) {
  Headers h = Bearer(token_);
  h.emplace_back("Idempotency-Key", "k1");
  const std::string body = JobBody(json::array({json::array({std::string(kBellProgram), json::array(), 10})}));
  const TestResponse a = http_->Send("POST", "/api/v1/jobs", h, body);
  const TestResponse b = http_->Send("POST", "/api/v1/jobs", h, body);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.Json()["id"], b.Json()["id"]);
  EXPECT_EQ(emulator_->JobsCreated(Dialect::kQiskitRuntime), 1);
}

TEST_F(IbmTest, Cancel) {
  emulator_.reset();
  EmulatorOptions o = Options();
  o.timing.queue_latency = absl::Seconds(30);
  Start(o);
  const std::string id =
      http_->Send("POST", "/api/v1/jobs", Bearer(token_),
                  JobBody(json::array({json::array({std::string(kBellProgram)})})))
          .Json()["id"];
  EXPECT_EQ(http_->Send("GET", "/api/v1/jobs/" + id, Bearer(token_)).Json()["status"], "Queued");
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs/" + id + "/cancel", Bearer(token_)).status, 204);
  EXPECT_EQ(http_->Send("GET", "/api/v1/jobs/" + id, Bearer(token_)).Json()["status"], "Cancelled");
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs/" + id + "/cancel", Bearer(token_)).status, 204);
  EXPECT_EQ(http_->Send("GET", "/api/v1/jobs/" + id + "/results", Bearer(token_)).status, 409);
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs/zzz/cancel", Bearer(token_)).status, 404);
}

TEST_F(IbmTest, Authentication) {
  const TestResponse bad_key = Exchange(*http_, "not-the-key");
  EXPECT_EQ(bad_key.status, 401);
  EXPECT_FALSE(absl::StrContains(bad_key.body, "not-the-key"));
  EXPECT_EQ(Exchange(*http_, "").status, 400);
  const std::string body = JobBody(json::array({json::array({std::string(kBellProgram)})}));
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs", {{"Service-CRN", kCrn}}, body).status, 401);
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs", Bearer("forged"), body).status, 401);
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs", Bearer(token_, "crn:other"), body).status, 403);
  EXPECT_EQ(http_->Send("GET", "/api/v1/backends/b/properties", Bearer("forged")).status, 401);
  EXPECT_EQ(emulator_->JobsCreated(Dialect::kQiskitRuntime), 0);
}

TEST_F(IbmTest, ExpiredTokenIsRefused) {
  emulator_.reset();
  EmulatorOptions o = Options();
  o.credentials.ibm_token_ttl = absl::Milliseconds(200);
  Start(o);
  EXPECT_EQ(http_->Send("GET", "/api/v1/jobs/x", Bearer(token_)).status, 404);  // valid
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_EQ(http_->Send("GET", "/api/v1/jobs/x", Bearer(token_)).status, 401);
}

TEST_F(IbmTest, BadPubsAre400) {
  auto submit = [&](const json& pubs) {
    return http_->Send("POST", "/api/v1/jobs", Bearer(token_), JobBody(pubs));
  };
  const TestResponse parse = submit(json::array(
      {json::array({std::string(kBellProgram)}), json::array({"OPENQASM 3.0;\nqubit q;\nnope q;\n"})}));
  EXPECT_EQ(parse.status, 400);
  EXPECT_TRUE(absl::StrContains(std::string(parse.Json()["error"]["message"]), "pub 1: 3:1:"))
      << parse.body;
  EXPECT_EQ(submit(json::array()).status, 400);
  EXPECT_EQ(submit(json::array({json::array({std::string(kBellProgram), json::array({1.0})})})).status, 400);
  EXPECT_EQ(submit(json::array({json::array({std::string(kBellProgram), json::array(), 0})})).status, 400);
  EXPECT_EQ(submit(json::array({json::array({std::string(kBellProgram), json::array(), 1 << 30})})).status, 400);
  EXPECT_EQ(submit(json::array({"not a pub"})).status, 400);
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs", Bearer(token_), "{").status, 400);
  EXPECT_EQ(http_->Send("POST", "/api/v1/jobs", Bearer(token_), R"({"program_id": "estimator"})").status,
            400);
  EXPECT_EQ(emulator_->JobsCreated(Dialect::kQiskitRuntime), 0);
}

TEST_F(IbmTest, PropertiesReportTheReadoutError) {
  emulator_.reset();
  EmulatorOptions o = Options();
  o.limits.max_qubits = 2;
  o.noise.readout = {0.03, 0.04};
  Start(o);
  const TestResponse r = http_->Send("GET", "/api/v1/backends/ibm_x/properties", Bearer(token_));
  ASSERT_EQ(r.status, 200);
  const json q = r.Json()["qubits"];
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1][0]["name"], "prob_meas1_prep0");
  EXPECT_DOUBLE_EQ(q[1][0]["value"], 0.03);
  EXPECT_EQ(q[1][1]["name"], "prob_meas0_prep1");
  EXPECT_DOUBLE_EQ(q[1][1]["value"], 0.04);
}

}  // namespace
}  // namespace qgrad::backends::emulator
