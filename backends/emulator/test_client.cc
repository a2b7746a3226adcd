// Test helpers: see test_client.h.
//
// Thread-safety: see test_client.h.
#include "backends/emulator/test_client.h"

#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "httplib.h"

namespace qgrad::backends::emulator::testing {

const char kBellProgram[] =
    "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\n"
    "h q[0];\ncx q[0], q[1];\nc = measure q;\n";

std::string TestResponse::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (absl::AsciiStrToLower(n) == absl::AsciiStrToLower(name)) return v;
  }
  return "";
}

nlohmann::json TestResponse::Json() const {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

TestResponse TestHttp::Send(const std::string& method, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& body, const std::string& content_type) {
  httplib::Client client(base_);
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(20, 0);
  httplib::Headers h;
  for (const auto& [n, v] : headers) h.emplace(n, v);
  const auto start = std::chrono::steady_clock::now();
  httplib::Result result = method == "GET"    ? client.Get(path, h)
                           : method == "POST" ? client.Post(path, h, body, content_type)
                                              : client.Put(path, h, body, content_type);
  TestResponse out;
  out.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result) {
    out.transport_error = true;
    return out;
  }
  out.status = result->status;
  out.body = result->body;
  for (const auto& [n, v] : result->headers) out.headers.emplace_back(n, v);
  return out;
}

TestResponse PollUntil(const std::function<TestResponse()>& fetch,
                       const std::function<bool(const TestResponse&)>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  TestResponse r = fetch();
  while (!done(r) && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    r = fetch();
  }
  return r;
}

}  // namespace qgrad::backends::emulator::testing
