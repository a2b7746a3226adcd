// The device emulator's options: where it listens, the credentials it accepts, the device's
// limits, its timing model, its noise model and its fault plan; and their JSON form (the
// --config file of qgrad-device-emulator, and the body of POST /_emulator/faults).
//
// Thread-safety: plain values; the parsing functions are pure.
#ifndef QGRAD_BACKENDS_EMULATOR_OPTIONS_H_
#define QGRAD_BACKENDS_EMULATOR_OPTIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace qgrad::backends::emulator {

// The three dialects of backends/rest/README.md; names as there: "ionq", "braket",
// "qiskit_runtime" ("ibm" is accepted as an alias when parsing).
enum class Dialect { kIonq, kBraket, kQiskitRuntime };
inline constexpr int kNumDialects = 3;
const char* DialectName(Dialect dialect);
absl::StatusOr<Dialect> ParseDialect(std::string_view name);

// What a request asks for; faults and statistics are kept per (dialect, endpoint).
// kCalibration: the characterization / properties endpoints.
enum class Endpoint { kSubmit, kStatus, kResult, kCancel, kToken, kCalibration };
inline constexpr int kNumEndpoints = 6;
const char* EndpointName(Endpoint endpoint);
absl::StatusOr<Endpoint> ParseEndpoint(std::string_view name);

enum class FaultKind {
  kHttp500,   // answer 500 without acting on the request
  kHttp503,   // answer 503 without acting on the request
  kHttp429,   // answer 429 with Retry-After: retry_after, without acting on the request
  kSlow,      // wait `delay`, then act and answer normally
  kDrop,      // act on the request, send the response headers, then close the connection
              // before the body: the client sees a transport error, the effect happened
  kJobFails,  // the job created (submit) or addressed (status/result/cancel) fails with
              // `reason`; the request itself is answered normally
  kVanish,    // the job created or addressed disappears: its later requests get 404
};
const char* FaultKindName(FaultKind kind);

struct FaultRule {
  std::optional<Dialect> dialect;    // nullopt: any dialect
  std::optional<Endpoint> endpoint;  // nullopt: any endpoint
  FaultKind kind = FaultKind::kHttp500;
  // count > 0: the next `count` matching requests; otherwise each matching request with
  // `probability` (drawn from the plan's seeded generator).
  int64_t count = 0;
  double probability = 0;
  absl::Duration retry_after = absl::Seconds(1);   // kHttp429
  absl::Duration delay = absl::Seconds(1);         // kSlow
  std::string reason = "injected fault";           // kJobFails
};

// Rules are tried in order; the first that matches a request and fires is applied (one
// fault per request). Admin endpoints (/_emulator/...) are never faulted.
struct FaultPlan {
  std::vector<FaultRule> rules;
  uint64_t seed = 1;
};

struct ReadoutError {
  double p01 = 0;  // P(read 1 | prepared 0)
  double p10 = 0;  // P(read 0 | prepared 1)
};

struct NoiseModel {
  // After every unitary gate of the parsed circuit (gate definitions are inlined by the
  // parser, so this is per primitive gate): with this probability a uniformly random
  // non-identity Pauli on all the gate's qubits (controls included). Gates on one qubit
  // use depolarizing_1q, gates on two or more depolarizing_2q; gphase (no qubit) none.
  double depolarizing_1q = 0;
  double depolarizing_2q = 0;
  ReadoutError readout;                          // every qubit not in readout_per_qubit
  std::vector<ReadoutError> readout_per_qubit;   // qubit i: entry i, when present
  // Gate noise is simulated by Pauli trajectories: the shots are split into
  // min(shots, max_trajectories) trajectories, each one noisy circuit drawn and run.
  int64_t max_trajectories = 64;

  ReadoutError ReadoutFor(int qubit) const;
  bool HasGateNoise() const { return depolarizing_1q > 0 || depolarizing_2q > 0; }
};

struct Credentials {
  // IonQ: `Authorization: apiKey KEY`. Empty: IonQ requests are not authenticated.
  std::set<std::string> ionq_api_keys;
  // Braket: SigV4 with these access key ids → secrets. Empty: not authenticated.
  std::map<std::string, std::string> aws_keys;
  std::string aws_region = "us-east-1";
  std::string aws_account = "123456789012";
  absl::Duration aws_max_skew = absl::Minutes(5);
  // IBM: API keys accepted by the IAM token exchange. Empty: no authentication (any key
  // gets a token, and no bearer token is checked).
  std::set<std::string> ibm_api_keys;
  absl::Duration ibm_token_ttl = absl::Hours(1);
  // When set, every IBM call must carry `Service-CRN: <this>` (else 403).
  std::string ibm_service_crn;
};

struct Limits {
  int max_qubits = 20;
  int64_t max_shots = 100'000;     // per program
  int64_t max_programs = 1'000;    // PUBs per IBM job
  size_t max_body_bytes = 8 << 20; // larger requests get 413
  size_t max_operations = 200'000; // parser work per program (qasm::ParseOptions)
};

struct Timing {
  absl::Duration queue_latency = absl::Milliseconds(20);  // time a job stays queued
  absl::Duration run_time_per_job = absl::ZeroDuration(); // least time a job runs
  absl::Duration run_time_per_shot = absl::ZeroDuration();
  int workers = 2;                                         // jobs run at once
};

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port
  std::string tls_cert;  // PEM paths; both set: HTTPS
  std::string tls_key;
  Credentials credentials;
  Limits limits;
  Timing timing;
  NoiseModel noise;
  FaultPlan faults;
  uint64_t seed = 1;          // shots, noise trajectories and ids derive from it
  bool log_requests = true;   // one stderr line per request
  bool admin_endpoints = true;  // /_emulator/faults and /_emulator/stats
};

// Nesting limit of every JSON text the emulator parses (bodies, the Braket action, the
// config): nlohmann builds and frees deep nesting slowly (2 MiB of '[' take seconds), so
// deeper texts are refused by a linear scan before parsing.
inline constexpr int kMaxJsonDepth = 64;
// True when no array or object in `json` (strings skipped) nests deeper than `max_depth`.
bool JsonDepthWithin(std::string_view json, int max_depth = kMaxJsonDepth);

// Parses the JSON config file format (README.md). Unknown keys are errors.
// INVALID_ARGUMENT naming the offending key.
absl::StatusOr<EmulatorOptions> ParseOptionsJson(std::string_view json);
// The "faults" object: {"seed": S, "rules": [...]}.
absl::StatusOr<FaultPlan> ParseFaultPlanJson(std::string_view json);

}  // namespace qgrad::backends::emulator

#endif  // QGRAD_BACKENDS_EMULATOR_OPTIONS_H_
