// Tests of the emulator as a whole: every fault kind as a client sees it (set through the
// C++ method and through POST /_emulator/faults), the statistics, the request log (which
// must not carry credentials), TLS, and the qgrad-device-emulator executable (port file,
// config file, SIGTERM).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backends/emulator/emulator.h"
#include "backends/emulator/service.h"
#include "backends/emulator/test_client.h"
#include "gtest/gtest.h"

extern char** environ;

namespace qgrad::backends::emulator {
namespace {

using nlohmann::json;
using testing::kBellProgram;
using testing::PollUntil;
using testing::TestHttp;
using testing::TestResponse;

std::string IonqJob(int64_t shots = 10) {
  return json{{"type", "ionq.qasm3.v1"}, {"shots", shots}, {"input", {{"data", std::string(kBellProgram)}}}}
      .dump();
}

EmulatorOptions Options() {
  EmulatorOptions o;
  o.log_requests = false;
  o.timing.queue_latency = absl::Milliseconds(5);
  return o;
}

FaultRule Rule(FaultKind kind, Endpoint endpoint, int64_t count) {
  FaultRule r;
  r.dialect = Dialect::kIonq;
  r.endpoint = endpoint;
  r.kind = kind;
  r.count = count;
  return r;
}

TEST(PrepareProgramTest, RefusesControlFlowOnMeasurements) {
  absl::StatusOr<DeviceProgram> p = internal::PrepareProgram(
      Limits{}, "OPENQASM 3.0;\nqubit q;\nbit c = measure q;\nif (c) x q;\n", {}, nullptr, 10);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(p.status().message(), "unsupported: control flow")) << p.status();
}

TEST(FaultTest, ErrorsBeforeActing) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  FaultRule throttle = Rule(FaultKind::kHttp429, Endpoint::kSubmit, 1);
  throttle.retry_after = absl::Seconds(7);
  (*emulator)->SetFaultPlan(FaultPlan{{Rule(FaultKind::kHttp500, Endpoint::kSubmit, 1),
                                       Rule(FaultKind::kHttp503, Endpoint::kSubmit, 1), throttle},
                                      1});
  const TestResponse a = http.Send("POST", "/v0.4/jobs", {}, IonqJob());
  const TestResponse b = http.Send("POST", "/v0.4/jobs", {}, IonqJob());
  const TestResponse c = http.Send("POST", "/v0.4/jobs", {}, IonqJob());
  const TestResponse d = http.Send("POST", "/v0.4/jobs", {}, IonqJob());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(b.status, 503);
  EXPECT_EQ(c.status, 429);
  EXPECT_EQ(c.Header("Retry-After"), "7");
  EXPECT_EQ(c.Json()["error"]["code"], "rate_limited");
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 1);  // the refused ones made no job
  EXPECT_EQ((*emulator)->Requests(Dialect::kIonq, Endpoint::kSubmit), 4);
}

TEST(FaultTest, BraketThrottlingHasAnAwsErrorType) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  ASSERT_EQ(http.Send("POST", "/_emulator/faults", {},
                      R"({"rules": [{"dialect": "braket", "endpoint": "status",
                                     "kind": "http_429", "count": 1, "retry_after_s": 2}]})")
                .status,
            200);
  const TestResponse r = http.Send("GET", "/quantum-task/arn%3Ax");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "2");
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "ThrottlingException");
  EXPECT_EQ(http.Send("GET", "/quantum-task/arn%3Ax").status, 404);  // used up
}

TEST(FaultTest, SlowResponse) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  ASSERT_EQ(http.Send("POST", "/_emulator/faults", {},
                      R"({"rules": [{"dialect": "ionq", "endpoint": "status", "kind": "slow",
                                     "count": 1, "delay_ms": 300}]})")
                .status,
            200);
  const TestResponse slow = http.Send("GET", "/v0.4/jobs/x");
  EXPECT_EQ(slow.status, 404);
  EXPECT_GE(slow.seconds, 0.29);
  EXPECT_LT(http.Send("GET", "/v0.4/jobs/x").seconds, 0.25);
}

TEST(FaultTest, DroppedConnectionAfterTheJobWasMade) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  (*emulator)->SetFaultPlan(FaultPlan{{Rule(FaultKind::kDrop, Endpoint::kSubmit, 1)}, 1});
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "drop-1"}};
  const TestResponse dropped = http.Send("POST", "/v0.4/jobs", key, IonqJob());
  EXPECT_TRUE(dropped.transport_error) << dropped.status << " " << dropped.body;
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 1);
  // The retry with the same key finds that job instead of making another.
  const TestResponse retry = http.Send("POST", "/v0.4/jobs", key, IonqJob());
  ASSERT_EQ(retry.status, 200);
  EXPECT_EQ((*emulator)->JobsCreated(Dialect::kIonq), 1);
}

TEST(FaultTest, JobFailsAndJobVanishes) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  FaultRule fails = Rule(FaultKind::kJobFails, Endpoint::kSubmit, 1);
  fails.reason = "calibration drift";
  (*emulator)->SetFaultPlan(FaultPlan{{fails}, 1});
  const std::string failing = http.Send("POST", "/v0.4/jobs", {}, IonqJob()).Json()["id"];
  const json f = PollUntil([&] { return http.Send("GET", "/v0.4/jobs/" + failing); },
                           [](const TestResponse& r) {
                             return r.Json().value("status", "") == "failed";
                           }).Json();
  EXPECT_EQ(f["status"], "failed");
  EXPECT_EQ(f["failure"]["error"], "calibration drift");

  (*emulator)->SetFaultPlan(FaultPlan{{Rule(FaultKind::kVanish, Endpoint::kSubmit, 1)}, 1});
  const TestResponse vanishing = http.Send("POST", "/v0.4/jobs", {}, IonqJob());
  ASSERT_EQ(vanishing.status, 200);
  EXPECT_EQ(http.Send("GET", "/v0.4/jobs/" + std::string(vanishing.Json()["id"])).status, 404);

  // On a status request: the job addressed fails (or vanishes) now.
  EmulatorOptions slow = Options();
  slow.timing.queue_latency = absl::Seconds(30);
  auto queued_emulator = Emulator::Start(slow);
  ASSERT_TRUE(queued_emulator.ok());
  TestHttp queued_http((*queued_emulator)->base_url());
  const std::string a = queued_http.Send("POST", "/v0.4/jobs", {}, IonqJob()).Json()["id"];
  const std::string b = queued_http.Send("POST", "/v0.4/jobs", {}, IonqJob()).Json()["id"];
  (*queued_emulator)->SetFaultPlan(FaultPlan{{Rule(FaultKind::kJobFails, Endpoint::kStatus, 1),
                                              Rule(FaultKind::kVanish, Endpoint::kStatus, 1)},
                                             1});
  EXPECT_EQ(queued_http.Send("GET", "/v0.4/jobs/" + a).Json()["status"], "failed");
  EXPECT_EQ(queued_http.Send("GET", "/v0.4/jobs/" + b).status, 404);
  EXPECT_EQ(queued_http.Send("GET", "/v0.4/jobs/" + b).status, 404);
}

TEST(FaultTest, ProbabilityRuleFiresAtItsRate) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  ASSERT_EQ(http.Send("POST", "/_emulator/faults", {},
                      R"({"seed": 5, "rules": [{"dialect": "any", "endpoint": "calibration",
                                                "kind": "http_503", "probability": 0.3}]})")
                .status,
            200);
  const int n = 300;
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    failed += http.Send("GET", "/v0.4/backends/s/characterizations/current").status == 503;
  }
  EXPECT_NEAR(failed, 0.3 * n, 5 * std::sqrt(n * 0.3 * 0.7));
  EXPECT_GT(failed, 0);
  const json stats = http.Send("GET", "/_emulator/stats").Json();
  EXPECT_EQ(stats["requests"]["ionq"]["calibration"], n);
  EXPECT_EQ(stats["faults_injected"]["http_503"], failed);
  EXPECT_EQ(stats["jobs_created"]["ionq"], 0);
}

TEST(FaultTest, AdminEndpointRefusesBadPlans) {
  auto emulator = Emulator::Start(Options());
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  EXPECT_EQ(http.Send("POST", "/_emulator/faults", {}, "{").status, 400);
  EXPECT_EQ(http.Send("POST", "/_emulator/faults", {}, R"({"rules": [{"kind": "fire", "count": 1}]})").status,
            400);
  EXPECT_EQ(http.Send("POST", "/_emulator/faults", {}, R"({"rules": [{"kind": "drop"}]})").status, 400);
  EXPECT_EQ(http.Send("POST", "/_emulator/faults", {}, R"({"rules": []})").status, 200);
}

TEST(LogTest, OneLinePerRequestWithoutCredentials) {
  EmulatorOptions o = Options();
  o.log_requests = true;
  o.credentials.ionq_api_keys = {"SECRET-IONQ-KEY"};
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  ::testing::internal::CaptureStderr();
  http.Send("GET", "/v0.4/jobs/abc?apikey=SECRET-IN-QUERY",
            {{"Authorization", "apiKey SECRET-IONQ-KEY"}});
  http.Send("GET", "/v0.4/jobs/abc", {{"Authorization", "apiKey WRONG-SECRET"}});
  http.Send("POST", "/identity/token", {}, "grant_type=x&apikey=SECRET-IBM", "application/x-www-form-urlencoded");
  // httplib logs after the response has gone out: give the last line time to be written.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(absl::StrContains(log, "GET /v0.4/jobs/abc 404")) << log;
  EXPECT_TRUE(absl::StrContains(log, "GET /v0.4/jobs/abc 401")) << log;
  EXPECT_TRUE(absl::StrContains(log, "POST /identity/token 400")) << log;
  EXPECT_FALSE(absl::StrContains(log, "SECRET")) << log;
}

// Test helper: a scratch directory removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "emulator_test_XXXXXX";
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(TlsTest, ServesHttps) {
  TempDir dir;
  const std::string command = absl::StrCat(
      "cd '", dir.path(), "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 ",
      "-nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0);
  EmulatorOptions o = Options();
  o.tls_cert = dir.File("cert.pem");
  o.tls_key = dir.File("key.pem");
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok()) << emulator.status();
  ASSERT_TRUE(absl::StartsWith((*emulator)->base_url(), "https://"));
  TestHttp https((*emulator)->base_url());
  const TestResponse r = https.Send("POST", "/v0.4/jobs", {}, IonqJob());
  EXPECT_EQ(r.status, 200) << r.body;
  TestHttp plain(absl::StrCat("http://127.0.0.1:", (*emulator)->port()));
  EXPECT_TRUE(plain.Send("GET", "/_emulator/stats").transport_error);

  o.tls_key = dir.File("missing.pem");
  EXPECT_FALSE(Emulator::Start(o).ok());
}

TEST(MainTest, PortFileConfigAndSigterm) {
  TempDir dir;
  std::ofstream(dir.File("config.json")) << R"({"seed": 3, "log_requests": false,
      "credentials": {"ionq_api_keys": ["k"]}, "timing": {"queue_latency_ms": 1}})";
  const std::string port_file = dir.File("port");
  std::vector<std::string> args = {QGRAD_EMULATOR_BINARY, "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file,
                                   "--config=" + dir.File("config.json")};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  std::string port;
  for (int i = 0; i < 500 && port.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream in(port_file);
    std::getline(in, port);
  }
  ASSERT_FALSE(port.empty());
  TestHttp http("http://127.0.0.1:" + port);
  EXPECT_EQ(http.Send("POST", "/v0.4/jobs", {}, IonqJob()).status, 401);  // the config's key
  EXPECT_EQ(http.Send("POST", "/v0.4/jobs", {{"Authorization", "apiKey k"}}, IonqJob()).status, 200);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);

  // A bad config is refused with exit status 2.
  std::ofstream(dir.File("bad.json")) << R"({"noise": {"depolarising_1q": 0.1}})";
  args[3] = "--config=" + dir.File("bad.json");
  argv[3] = args[3].data();
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace qgrad::backends::emulator
