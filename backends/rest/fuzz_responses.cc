// libFuzzer target: what a provider answers is untrusted input. The first byte picks the
// dialect, the operation (status, results, create, cancel) and the HTTP status; the rest
// is the body every request gets back. The dialects must turn any answer into a result or
// an error, never a crash, a hang or an unbounded allocation. One attempt per request (no
// retry sleeps).
//
// Thread-safety: single-threaded fuzz driver.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/rest/dialect.h"
#include "backends/rest/http.h"
#include "backends/rest/retry.h"

namespace {

using namespace qgrad::backends::rest;

class FuzzHttpClient final : public HttpClient {
 public:
  FuzzHttpClient(int status, std::string body) : status_(status), body_(std::move(body)) {}
  absl::StatusOr<HttpResponse> Send(const HttpRequest&) override {
    HttpResponse response;
    response.status = status_;
    response.headers = {{"Content-Type", "application/json"}, {"Retry-After", "1"}};
    response.body = body_;
    return response;
  }

 private:
  int status_;
  std::string body_;
};

DialectConfig FuzzConfig() {
  DialectConfig config;
  config.endpoints.base_url = "http://127.0.0.1:1/api";
  config.endpoints.iam_url = "http://127.0.0.1:1";
  config.endpoints.s3_url = "http://127.0.0.1:1";
  config.endpoints.region = "us-east-1";
  config.endpoints.device = "arn:aws:braket:::device/quantum-simulator/amazon/sv1";
  config.endpoints.bucket = "b";
  config.endpoints.prefix = "p";
  config.endpoints.service_crn = "crn:v1:fuzz";
  config.secrets.api_key = Secret("fuzz-key");
  config.secrets.aws_access_key_id = Secret("AKIDFUZZ");
  config.secrets.aws_secret_access_key = Secret("fuzz-secret");
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  static constexpr int kStatuses[] = {200, 201, 204, 400, 401, 404, 409, 429, 500, 503};
  const int status = kStatuses[(selector >> 4) % 10];
  const DialectKind kind = static_cast<DialectKind>(selector % 3);
  const int operation = (selector >> 2) % 4;
  auto client = std::make_shared<FuzzHttpClient>(
      status, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  RetryPolicy policy;
  policy.max_attempts = 1;
  auto sender = std::make_shared<RetryingSender>(client, policy, nullptr, Timing{}, 1);
  std::unique_ptr<Dialect> dialect = MakeDialect(kind, FuzzConfig(), sender);
  std::vector<DeviceProgram> programs(2);
  for (DeviceProgram& p : programs) {
    p.qasm = "OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nc = measure q;\n";
    p.num_clbits = 2;
    p.shots = 100;
  }
  const absl::Span<const DeviceProgram> span(programs);
  switch (operation) {
    case 0: (void)dialect->Status("job-1", nullptr); break;
    case 1: (void)dialect->Results("job-1", dialect->JobPerBatch() ? span : span.subspan(0, 1),
                                   /*memory=*/true, nullptr); break;
    case 2: (void)dialect->Create(dialect->JobPerBatch() ? span : span.subspan(0, 1), "token",
                                  nullptr); break;
    default: (void)dialect->Cancel("job-1", nullptr); break;
  }
  return 0;
}
