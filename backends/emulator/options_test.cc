// Tests of the JSON options (the README's example config parses to what it says; unknown
// keys and bad values are refused by name) and of the fault injector's rule semantics.
#include "backends/emulator/options.h"

#include <cmath>

#include "absl/strings/match.h"
#include "backends/emulator/faults.h"
#include "gtest/gtest.h"

namespace qgrad::backends::emulator {
namespace {

constexpr char kExample[] = R"({
  "listen": "127.0.0.1:8443",
  "tls": {"cert": "cert.pem", "key": "key.pem"},
  "seed": 42,
  "log_requests": true,
  "credentials": {
    "ionq_api_keys": ["ionq-key"],
    "aws": {"region": "us-west-2", "account": "111122223333",
            "keys": {"AKIDEXAMPLE": "secret"}, "max_skew_s": 300},
    "ibm": {"api_keys": ["ibm-key"], "token_ttl_s": 3600, "service_crn": "crn:v1:x"}
  },
  "limits": {"max_qubits": 12, "max_shots": 10000, "max_programs": 100,
             "max_body_bytes": 1048576},
  "timing": {"queue_latency_ms": 100, "run_time_ms_per_job": 50,
             "run_time_us_per_shot": 10, "workers": 2},
  "noise": {"depolarizing_1q": 0.001, "depolarizing_2q": 0.01,
            "readout": {"p01": 0.01, "p10": 0.02},
            "readout_per_qubit": [{"p01": 0.05, "p10": 0.06}],
            "max_trajectories": 64},
  "faults": {"seed": 7, "rules": [
    {"dialect": "ionq", "endpoint": "submit", "kind": "http_503", "count": 2},
    {"dialect": "any", "endpoint": "status", "kind": "http_429", "probability": 0.05,
     "retry_after_s": 2},
    {"dialect": "braket", "endpoint": "result", "kind": "drop", "count": 1},
    {"dialect": "qiskit_runtime", "endpoint": "submit", "kind": "job_fails", "count": 1,
     "reason": "device recalibrating"},
    {"dialect": "ibm", "endpoint": "any", "kind": "slow", "probability": 0.1, "delay_ms": 250}
  ]}
})";

TEST(OptionsTest, ParsesTheExample) {
  absl::StatusOr<EmulatorOptions> o = ParseOptionsJson(kExample);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 8443);
  EXPECT_EQ(o->tls_key, "key.pem");
  EXPECT_EQ(o->seed, 42u);
  EXPECT_TRUE(o->credentials.ionq_api_keys.contains("ionq-key"));
  EXPECT_EQ(o->credentials.aws_keys.at("AKIDEXAMPLE"), "secret");
  EXPECT_EQ(o->credentials.aws_region, "us-west-2");
  EXPECT_EQ(o->credentials.ibm_token_ttl, absl::Hours(1));
  EXPECT_EQ(o->credentials.ibm_service_crn, "crn:v1:x");
  EXPECT_EQ(o->limits.max_qubits, 12);
  EXPECT_EQ(o->limits.max_body_bytes, 1048576u);
  EXPECT_EQ(o->timing.queue_latency, absl::Milliseconds(100));
  EXPECT_EQ(o->timing.run_time_per_shot, absl::Microseconds(10));
  EXPECT_DOUBLE_EQ(o->noise.depolarizing_2q, 0.01);
  EXPECT_DOUBLE_EQ(o->noise.ReadoutFor(0).p10, 0.06);
  EXPECT_DOUBLE_EQ(o->noise.ReadoutFor(1).p10, 0.02);
  ASSERT_EQ(o->faults.rules.size(), 5u);
  EXPECT_EQ(o->faults.seed, 7u);
  EXPECT_EQ(o->faults.rules[0].kind, FaultKind::kHttp503);
  EXPECT_EQ(o->faults.rules[0].count, 2);
  EXPECT_FALSE(o->faults.rules[1].dialect.has_value());
  EXPECT_EQ(o->faults.rules[1].retry_after, absl::Seconds(2));
  EXPECT_EQ(o->faults.rules[3].dialect, Dialect::kQiskitRuntime);
  EXPECT_EQ(o->faults.rules[3].reason, "device recalibrating");
  EXPECT_FALSE(o->faults.rules[4].endpoint.has_value());
  EXPECT_EQ(o->faults.rules[4].delay, absl::Milliseconds(250));
}

TEST(OptionsTest, RefusesMistakesByName) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "JSON"},
      {R"({"nosie": {}})", "nosie"},
      {R"({"noise": {"depolarizing_1q": 1.5}})", "noise.depolarizing_1q"},
      {R"({"noise": {"readout": {"p01": "x"}}})", "noise.readout.p01"},
      {R"({"listen": "localhost"})", "listen"},
      {R"({"listen": "h:99999"})", "listen"},
      {R"({"tls": {"cert": "c"}})", "tls"},
      {R"({"limits": {"max_qubits": 0}})", "limits.max_qubits"},
      {R"({"credentials": {"aws": {"keys": ["a"]}}})", "credentials.aws.keys"},
      {R"({"faults": {"rules": [{"kind": "boom", "count": 1}]}})", "faults.rules[0].kind"},
      {R"({"faults": {"rules": [{"kind": "drop"}]}})", "faults.rules[0]"},
      {R"({"faults": {"rules": [{"kind": "drop", "count": 1, "dialect": "dwave"}]}})",
       "dwave"},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<EmulatorOptions> o = ParseOptionsJson(text);
    ASSERT_FALSE(o.ok()) << text;
    EXPECT_TRUE(absl::StrContains(o.status().message(), expected)) << o.status();
  }
}

TEST(OptionsTest, JsonDepthScanSkipsStrings) {
  EXPECT_TRUE(JsonDepthWithin(R"({"a": [[1]], "s": "[[[[[[\"[[["})", 3));
  EXPECT_FALSE(JsonDepthWithin("[[[[", 3));
  EXPECT_TRUE(JsonDepthWithin(std::string(64, '['), 64));
  EXPECT_FALSE(JsonDepthWithin(std::string(65, '['), 64));
  EXPECT_FALSE(ParseFaultPlanJson(std::string(100, '[')).ok());
}

FaultRule Counted(FaultKind kind, int64_t count) {
  FaultRule r;
  r.dialect = Dialect::kIonq;
  r.endpoint = Endpoint::kSubmit;
  r.kind = kind;
  r.count = count;
  return r;
}

TEST(FaultInjectorTest, CountedRulesFireOnTheNextMatchingRequestsInOrder) {
  FaultInjector faults(FaultPlan{{Counted(FaultKind::kHttp500, 2), Counted(FaultKind::kDrop, 1)}, 1});
  EXPECT_FALSE(faults.Draw(Dialect::kBraket, Endpoint::kSubmit).has_value());
  EXPECT_FALSE(faults.Draw(Dialect::kIonq, Endpoint::kStatus).has_value());
  EXPECT_EQ(faults.Draw(Dialect::kIonq, Endpoint::kSubmit)->kind, FaultKind::kHttp500);
  EXPECT_EQ(faults.Draw(Dialect::kIonq, Endpoint::kSubmit)->kind, FaultKind::kHttp500);
  EXPECT_EQ(faults.Draw(Dialect::kIonq, Endpoint::kSubmit)->kind, FaultKind::kDrop);
  EXPECT_FALSE(faults.Draw(Dialect::kIonq, Endpoint::kSubmit).has_value());
}

TEST(FaultInjectorTest, ProbabilityRulesAreSeeded) {
  FaultRule r;
  r.kind = FaultKind::kHttp503;
  r.probability = 0.25;
  auto draws = [&](uint64_t seed) {
    FaultInjector faults(FaultPlan{{r}, seed});
    std::vector<bool> out;
    for (int i = 0; i < 4000; ++i) {
      out.push_back(faults.Draw(Dialect(i % 3), Endpoint(i % 6)).has_value());
    }
    return out;
  };
  const std::vector<bool> a = draws(9);
  EXPECT_EQ(a, draws(9));
  EXPECT_NE(a, draws(10));
  const int64_t fired = std::count(a.begin(), a.end(), true);
  EXPECT_NEAR(fired, 1000, 5 * std::sqrt(4000 * 0.25 * 0.75));
}

}  // namespace
}  // namespace qgrad::backends::emulator
