// Hostile input: very long paths on every route (regex matching must not exhaust the
// stack), deeply nested JSON, junk in every field; the emulator must answer every request
// and keep serving.
#include "absl/strings/str_cat.h"
#include "backends/emulator/emulator.h"
#include "backends/emulator/test_client.h"
#include "gtest/gtest.h"

namespace qgrad::backends::emulator {
namespace {

using testing::TestHttp;
using testing::TestResponse;

TEST(HostileTest, LongPathsNestedJsonAndJunkFields) {
  EmulatorOptions o;
  o.log_requests = false;
  o.limits.max_body_bytes = 4 << 20;
  auto emulator = Emulator::Start(o);
  ASSERT_TRUE(emulator.ok());
  TestHttp http((*emulator)->base_url());
  const std::string long_segment(7000, 'a');
  for (const std::string& path :
       {"/quantum-task/" + long_segment, "/quantum-task/" + long_segment + "/cancel",
        "/b/" + long_segment + "/results.json", "/v0.4/jobs/" + long_segment,
        "/api/v1/jobs/" + long_segment + "/results", "/" + long_segment}) {
    for (const char* method : {"GET", "PUT", "POST"}) {
      const TestResponse r = http.Send(method, path, {}, "{}");
      EXPECT_FALSE(r.transport_error) << method << " " << path.size();
      EXPECT_GE(r.status, 400);
    }
  }
  const std::string nested(2 << 20, '[');
  for (const char* path : {"/v0.4/jobs", "/quantum-task", "/api/v1/jobs", "/_emulator/faults"}) {
    EXPECT_EQ(http.Send("POST", path, {}, nested).status, 400) << path;
  }
  const std::string junk[] = {
      R"({"shots": 1e300, "input": {"data": "x"}})",
      R"({"shots": -5, "input": {"data": "OPENQASM 3.0;"}})",
      R"({"shots": 10, "input": {"data": "OPENQASM 3.0; qubit[100000000] q;"}})",
      R"({"action": "{\"braketSchemaHeader\": 5}", "clientToken": "a", "deviceArn": "d",
          "outputS3Bucket": "b", "outputS3KeyPrefix": "p", "shots": 1})",
      R"({"action": "{\"braketSchemaHeader\": {\"name\": \"braket.ir.openqasm.program\"},
          \"source\": \"OPENQASM 3.0;\", \"inputs\": {\"a\": [1]}}", "clientToken": "a",
          "deviceArn": "d", "outputS3Bucket": "b", "outputS3KeyPrefix": "p", "shots": 1})",
      R"({"program_id": "sampler", "backend": "x", "params": {"pubs": [[1, 2, 3]]}})",
      R"({"program_id": "sampler", "backend": "x", "params": {"pubs": [["q", [[1]], 3]]}})",
      R"({"program_id": "sampler", "backend": "x", "params": {"pubs": "no", "shots": "x"}})",
      R"({"program_id": "sampler", "backend": 5, "params": []})",
  };
  for (const std::string& body : junk) {
    for (const char* path : {"/v0.4/jobs", "/quantum-task", "/api/v1/jobs"}) {
      const TestResponse r = http.Send("POST", path, {}, body);
      EXPECT_FALSE(r.transport_error);
      EXPECT_NE(r.status, 500) << path << " " << body << " " << r.body;
    }
  }
  EXPECT_EQ(http.Send("GET", "/_emulator/stats").status, 200);  // still serving
}

}  // namespace
}  // namespace qgrad::backends::emulator
