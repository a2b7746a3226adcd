// The dialect layer: how one provider's REST API creates, polls, reads and cancels device
// jobs and authenticates (README.md, "The dialects on the wire"). Each dialect builds the
// HTTP requests, sends them through the shared RetryingSender and parses the answers;
// provider states map to one JobState. Implementations: ionq_dialect.cc,
// braket_dialect.cc, qiskit_runtime_dialect.cc.
//
// Thread-safety: Dialect implementations are safe for concurrent use (the IBM token cache
// and the Braket results locations sit behind mutexes).
#ifndef QGRAD_BACKENDS_REST_DIALECT_H_
#define QGRAD_BACKENDS_REST_DIALECT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "backends/backend.h"
#include "backends/rest/credentials.h"
#include "backends/rest/retry.h"

namespace qgrad::backends::rest {

enum class DialectKind { kIonq, kBraket, kQiskitRuntime };
// "ionq" | "braket" | "qiskit_runtime"; INVALID_ARGUMENT otherwise.
absl::StatusOr<DialectKind> ParseDialectKind(absl::string_view name);
const char* DialectKindName(DialectKind kind);

// Every provider state maps to one of these.
enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled, kUnknown };
const char* JobStateName(JobState state);

struct JobStatus {
  JobState state = JobState::kUnknown;
  std::string provider_state;  // as the provider wrote it
  std::string reason;          // the provider's failure reason, when it gives one
};

// A program as sent: already translated to native gates.
struct DeviceProgram {
  std::string qasm;
  std::map<std::string, double> inputs;  // left unbound by translation (normally none)
  int num_clbits = 0;
  int64_t shots = 0;
  std::string name;  // a label for providers that take one
};

// Where a dialect talks to and as whom.
struct DialectEndpoints {
  std::string base_url;     // the API, without a trailing '/'
  std::string iam_url;      // qiskit_runtime: the IAM service (POST {iam}/identity/token)
  std::string s3_url;       // braket: S3 for results.json (path-style)
  std::string region;       // braket: SigV4 region
  std::string device;       // ionq backend name | braket device ARN | IBM backend name
  std::string bucket;       // braket: outputS3Bucket
  std::string prefix;       // braket: outputS3KeyPrefix
  std::string service_crn;  // qiskit_runtime: Service-CRN header
};

struct DialectSecrets {
  Secret api_key;                // ionq, qiskit_runtime
  Secret aws_access_key_id;      // braket
  Secret aws_secret_access_key;  // braket
  Secret aws_session_token;      // braket, optional
};

struct DialectConfig {
  DialectEndpoints endpoints;
  DialectSecrets secrets;
  absl::Duration request_timeout = absl::Seconds(30);
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  // True when one device job carries the whole batch (IBM: one PUB per program); false
  // for one device job per program.
  virtual bool JobPerBatch() const = 0;
  // True when results carry every shot (ProgramResult::memory can be filled).
  virtual bool PerShotData() const = 0;

  // Creates a device job for `programs` (one, or the batch); a second call with the same
  // `client_token` finds the same job. Returns the job's id.
  virtual absl::StatusOr<std::string> Create(absl::Span<const DeviceProgram> programs,
                                             const std::string& client_token,
                                             absl::Notification* stop) = 0;
  virtual absl::StatusOr<JobStatus> Status(const std::string& job, absl::Notification* stop) = 0;
  // One result per program of the job, counts sorted by value; memory when asked for and
  // PerShotData().
  virtual absl::StatusOr<std::vector<ProgramResult>> Results(
      const std::string& job, absl::Span<const DeviceProgram> programs, bool memory,
      absl::Notification* stop) = 0;
  virtual absl::Status Cancel(const std::string& job, absl::Notification* stop) = 0;
};

std::unique_ptr<Dialect> MakeDialect(DialectKind kind, DialectConfig config,
                                     std::shared_ptr<RetryingSender> sender);

// Helpers shared by the dialects (wire.cc), exposed for tests.

// A client token (idempotency key) for one device job: the first 32 hex digits of
// SHA-256(decimal length of key ":" key part), so the same batch key and program index
// give the same token.
std::string ClientToken(absl::string_view key, absl::string_view part);

// RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string PercentEncode(absl::string_view text);

// The error for a non-2xx response: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403
// PERMISSION_DENIED, 404 NOT_FOUND, 409 FAILED_PRECONDITION, 429 RESOURCE_EXHAUSTED, 5xx
// UNAVAILABLE, else UNKNOWN; the message names `what` (method and URL without query), the
// status and the provider's error code and message from the body (truncated).
absl::Status HttpError(absl::string_view what, const HttpResponse& response);

// Counts from probabilities by largest remainders: every count is floor(p·shots) or one
// more, and they sum to `shots` exactly (ties go to the lower value). Zero counts are
// dropped; sorted by value. INVALID_ARGUMENT for a negative or non-finite probability or
// a sum off 1 by more than 1e-6.
absl::StatusOr<std::vector<std::pair<uint64_t, int64_t>>> CountsFromProbabilities(
    const std::map<uint64_t, double>& probabilities, int64_t shots);

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_DIALECT_H_
