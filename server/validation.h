// Validation of job-service requests before anything is stored: every INVALID_ARGUMENT
// names the field path in the .proto field names ("spec.problem.maxcut.edges.edges[2]: ...",
// "labels[\"Team\"]: ...", "page_size: ..."), and server limits give RESOURCE_EXHAUSTED
// saying which limit and its value. Specs are checked by runner::ValidateJob (everything a
// run checks before optimizing, under the server's qubit and shot limits) plus the server's
// own rules: no server-side files (fcidump_path), a known backend.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_VALIDATION_H_
#define QGRAD_SERVER_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/backend.h"
#include "absl/strings/string_view.h"
#include "backends/local/description.h"
#include "qgrad/v1/service.pb.h"
#include "runner/runner.h"

namespace qgrad::server {

// The backend jobs run on (exact expectation values).
inline constexpr const char* kBackendName = backends::local::kStatevectorName;

inline constexpr int kMaxIdempotencyKeyLength = 128;
inline constexpr int kMaxLabels = 64;
inline constexpr int kMaxLabelValueLength = 256;
inline constexpr int kMaxPriority = 100;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxJobIdLength = 128;
inline constexpr int kMaxSpecNameLength = 256;

// `limits` are the server's (--max_qubits capped by memory, --max_shots); the runner
// checks every size against them before allocating anything of that size. A shadows-mode
// spec must name a backend of `backends` (when given).
absl::StatusOr<runner::JobShape> ValidateSubmit(const v1::SubmitJobRequest& request,
                                                const runner::SpecLimits& limits,
                                                const backends::Registry* backends);
// `field` is the request's field name ("job_id").
absl::Status ValidateJobId(absl::string_view job_id, absl::string_view field = "job_id");
absl::Status ValidateList(const v1::ListJobsRequest& request);
absl::Status ValidateWatch(const v1::WatchJobRequest& request);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_VALIDATION_H_
