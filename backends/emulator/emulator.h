// The device emulator: an HTTP(S) server (cpp-httplib) that speaks the three REST dialects
// of backends/rest/README.md — IonQ v0.4 under /v0.4, Amazon Braket at the root (and its
// S3-style results objects at /BUCKET/DIRECTORY/results.json), IBM Qiskit Runtime under
// /api/v1 with the IAM token exchange at /identity/token — and runs the programs on the
// project's state-vector simulator with noise (device.h, noise.h). Faults are injected per
// the FaultPlan (options.h), changeable at run time (SetFaultPlan or POST
// /_emulator/faults); GET /_emulator/stats counts requests and device jobs.
//
// Every request is logged to stderr (method, path, status, latency) unless
// EmulatorOptions::log_requests is false; no header or query value is ever logged.
//
// Thread-safety: safe for concurrent use; the destructor stops the server and the device.
#ifndef QGRAD_BACKENDS_EMULATOR_EMULATOR_H_
#define QGRAD_BACKENDS_EMULATOR_EMULATOR_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "backends/emulator/options.h"

namespace httplib {
class Server;
}

namespace qgrad::backends::emulator {

namespace internal {
struct Service;
}

class Emulator {
 public:
  // Binds and starts serving. INVALID_ARGUMENT for inconsistent options (e.g. AWS keys
  // configured in a build without SigV4, one of cert/key only), UNAVAILABLE when the
  // address cannot be bound or the TLS files cannot be loaded.
  static absl::StatusOr<std::unique_ptr<Emulator>> Start(EmulatorOptions options);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  int port() const { return port_; }
  // "http://HOST:PORT" or "https://HOST:PORT": the Braket and S3 base URL, the IAM URL;
  // IonQ's base is base_url() + "/v0.4", IBM's base_url() + "/api/v1".
  std::string base_url() const;

  void SetFaultPlan(FaultPlan plan);
  // The body of GET /_emulator/stats: {"requests": {dialect: {endpoint: n}},
  // "jobs_created": {dialect: n}, "faults_injected": {kind: n}}.
  std::string StatsJson() const;
  int64_t JobsCreated(Dialect dialect) const;
  int64_t Requests(Dialect dialect, Endpoint endpoint) const;

  // Stops serving (waits for the requests in progress) and the device. Idempotent.
  void Stop();

 private:
  Emulator() = default;

  std::unique_ptr<internal::Service> service_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
  std::string host_;
};

}  // namespace qgrad::backends::emulator

#endif  // QGRAD_BACKENDS_EMULATOR_EMULATOR_H_
