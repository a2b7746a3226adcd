// Test helpers: a small HTTP client over httplib for driving the emulator in tests, and
// the programs the tests submit. Not used by the emulator itself.
//
// Thread-safety: a TestHttp is used by one thread at a time.
#ifndef QGRAD_BACKENDS_EMULATOR_TEST_CLIENT_H_
#define QGRAD_BACKENDS_EMULATOR_TEST_CLIENT_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace qgrad::backends::emulator::testing {

// A Bell pair on q[0], q[1] measured into c.
extern const char kBellProgram[];

struct TestResponse {
  bool transport_error = false;  // no complete response arrived
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  double seconds = 0;  // how long the exchange took
  std::string Header(const std::string& name) const;  // "" when absent
  nlohmann::json Json() const;  // null when the body is not JSON
};

class TestHttp {
 public:
  // `base`: "http://127.0.0.1:PORT" (or https:// — certificates are not verified).
  explicit TestHttp(std::string base) : base_(std::move(base)) {}
  TestResponse Send(const std::string& method, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    const std::string& body = "",
                    const std::string& content_type = "application/json");

 private:
  std::string base_;
};

// Polls `fetch` every 5 ms until `done` holds for its answer or `seconds` pass; returns the
// last answer.
TestResponse PollUntil(const std::function<TestResponse()>& fetch,
                       const std::function<bool(const TestResponse&)>& done,
                       double seconds = 10);

}  // namespace qgrad::backends::emulator::testing

#endif  // QGRAD_BACKENDS_EMULATOR_TEST_CLIENT_H_
