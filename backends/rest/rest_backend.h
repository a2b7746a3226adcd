// RestBackend: a device behind a REST API as a Backend (backends/backend.h), speaking one
// of the dialects (dialect.h) through an HttpClient with retries and a rate limit
// (retry.h).
//
// Submit checks every program first — translation to the device's native gates
// (native::TranslateProgram; OpenQASM errors are INVALID_ARGUMENT "program K: LINE:COLUMN:
// ..."), shots, qubit, classical-bit and program limits (RESOURCE_EXHAUSTED) — and returns
// a handle at once. One background thread per batch then creates the device jobs (client
// tokens derived from Batch::idempotency_key and the program index, so that submitting the
// same batch again finds the same device jobs), polls them with backoff and jitter from
// poll_interval up to max_poll_interval, and fetches results. Cancel marks the batch
// cancelled at once and the thread forwards a cancel to every device job it created that
// had not ended. A device job that fails, is cancelled by the device or reaches a state
// the dialect does not know fails the batch with an error naming the provider state and
// reason. Every error that leaves the backend has the credentials' values masked.
//
// Thread-safety: safe for concurrent use; handles may outlive the backend. The destructor
// cancels every running batch, abandons retries and joins the threads (each at most one
// HTTP exchange, bounded by request_timeout, plus the cancel requests' first attempts).
#ifndef QGRAD_BACKENDS_REST_REST_BACKEND_H_
#define QGRAD_BACKENDS_REST_REST_BACKEND_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "backends/backend.h"
#include "backends/native/native.h"
#include "backends/rest/curl_http_client.h"
#include "backends/rest/dialect.h"
#include "backends/rest/http.h"
#include "backends/rest/retry.h"

namespace qgrad::backends::rest {

// Credential references ("env:NAME" / "file:PATH", credentials.h); the ones a dialect
// needs must be set: ionq and qiskit_runtime api_key; braket the two AWS keys (the session
// token is optional).
struct CredentialRefs {
  std::string api_key;
  std::string aws_access_key_id;
  std::string aws_secret_access_key;
  std::string aws_session_token;
};

struct RestBackendOptions {
  std::string name = "rest";
  std::string description;
  DialectKind dialect = DialectKind::kIonq;
  DialectEndpoints endpoints;  // base_url is required
  CredentialRefs credentials;

  int max_qubits = 32;            // per program
  int64_t max_shots = 100'000;    // per program
  int64_t max_programs = 1'000;   // per batch
  native::GateSet gate_set = native::GateSet::kAny;

  absl::Duration poll_interval = absl::Seconds(1);
  absl::Duration max_poll_interval = absl::Seconds(30);
  absl::Duration request_timeout = absl::Seconds(30);
  RetryPolicy retry;
  double rate_limit = 10;  // requests per second to this device, all batches together; ≤ 0: none
  double rate_burst = 20;

  // The client to send through; null: a CurlHttpClient with `curl`.
  std::shared_ptr<HttpClient> http;
  CurlOptions curl;
  Timing timing;  // tests inject a fake clock and sleep
  uint64_t jitter_seed = 0;  // 0: from std::random_device
};

class RestBackend final : public Backend {
 public:
  // Resolves the credentials and checks the options: INVALID_ARGUMENT for a missing base
  // URL, device or needed endpoint; the credential errors of ResolveSecret.
  static absl::StatusOr<std::unique_ptr<RestBackend>> Create(RestBackendOptions options);
  ~RestBackend() override;
  RestBackend(const RestBackend&) = delete;
  RestBackend& operator=(const RestBackend&) = delete;

  Description Describe() const override;
  absl::StatusOr<std::unique_ptr<BatchHandle>> Submit(Batch batch) override;

  struct Core;  // shared with the batch threads; defined in rest_backend.cc

 private:
  explicit RestBackend(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_REST_BACKEND_H_
