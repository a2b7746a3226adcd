// The Braket dialect's requests checked the way a server checks them: every request the
// dialect sends (API calls with service "braket", the results object with "s3") must pass
// sigv4::Verify.
#include "absl/strings/str_cat.h"
#include "backends/rest/dialect.h"
#include "backends/rest/sigv4/sigv4.h"
#include "backends/rest/testing_http_client.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace qgrad::backends::rest {
namespace {

using json = nlohmann::json;
using testing::PathOf;
using testing::ScriptedHttpClient;

// Test helper: the server's view of a request, as the emulator would build it.
sigv4::Request ServerView(const HttpRequest& r) {
  sigv4::Request s;
  s.method = r.method;
  s.path = PathOf(r.url);
  const size_t q = r.url.find('?');
  if (q != std::string::npos) s.query = r.url.substr(q + 1);
  s.headers = r.headers;
  s.body = r.body;
  return s;
}

TEST(BraketSigV4Test, EveryRequestVerifies) {
  auto clock = std::make_shared<base::FakeClock>();
  Timing timing;
  timing.clock = clock;
  timing.sleep = [](absl::Duration, absl::Notification*) { return true; };
  auto client = std::make_shared<ScriptedHttpClient>();
  const absl::Time now = absl::FromUnixMicros(clock->NowMicros());
  int verified = 0;
  auto check = [&](const HttpRequest& r, const std::string& service) {
    absl::Status ok = sigv4::Verify(
        ServerView(r), {"us-east-1", service}, now, absl::Minutes(5),
        [](const std::string& id) -> std::optional<std::string> {
          if (id == "AKIDEXAMPLE") return "aws-secret-value";
          return std::nullopt;
        });
    EXPECT_TRUE(ok.ok()) << r.method << " " << r.url << ": " << ok;
    verified += ok.ok();
  };
  const std::string arn = "arn:aws:braket:us-east-1:123456789012:quantum-task/t-1";
  client->Handle("POST", "/quantum-task", [&](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    check(r, "braket");
    HttpResponse out{201, {}, json{{"quantumTaskArn", arn}}.dump()};
    return out;
  });
  client->HandlePrefix("GET", "/quantum-task/", [&](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    check(r, "braket");
    HttpResponse out{200, {}, json{{"status", "COMPLETED"}, {"outputS3Bucket", "b"},
                                   {"outputS3Directory", "p/t-1"}}.dump()};
    return out;
  });
  client->HandlePrefix("PUT", "/quantum-task/", [&](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    check(r, "braket");
    HttpResponse out{200, {}, json{{"cancellationStatus", "CANCELLING"}}.dump()};
    return out;
  });
  client->HandlePrefix("GET", "/b/", [&](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
    check(r, "s3");
    HttpResponse out{200, {}, json{{"measurements", {{0}, {1}}}, {"measuredQubits", {0}}}.dump()};
    return out;
  });
  DialectConfig config;
  config.endpoints.base_url = "https://braket.test";
  config.endpoints.s3_url = "https://s3.test:9000";
  config.endpoints.region = "us-east-1";
  config.endpoints.device = "arn:aws:braket:::device/quantum-simulator/amazon/sv1";
  config.endpoints.bucket = "b";
  config.endpoints.prefix = "p";
  config.secrets.aws_access_key_id = Secret("AKIDEXAMPLE");
  config.secrets.aws_secret_access_key = Secret("aws-secret-value");
  auto sender = std::make_shared<RetryingSender>(client, RetryPolicy(), nullptr, timing, 1);
  std::unique_ptr<Dialect> dialect = MakeDialect(DialectKind::kBraket, config, sender);
  DeviceProgram p;
  p.qasm = "OPENQASM 3.0;\nqubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\n";
  p.num_clbits = 1;
  p.shots = 2;
  ASSERT_TRUE(dialect->Create({&p, 1}, "tok", nullptr).ok());
  ASSERT_TRUE(dialect->Status(arn, nullptr).ok());
  absl::StatusOr<std::vector<ProgramResult>> r = dialect->Results(arn, {&p, 1}, true, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].memory, (std::vector<uint64_t>{0, 1}));
  ASSERT_TRUE(dialect->Cancel(arn, nullptr).ok());
  EXPECT_EQ(verified, 4);
}

}  // namespace
}  // namespace qgrad::backends::rest
