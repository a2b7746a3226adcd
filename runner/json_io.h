// proto3 JSON for job specs and results (google::protobuf::util), with errors as
// absl::Status; and whole-file reads for specs, results and the files they name.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_JSON_IO_H_
#define QGRAD_RUNNER_JSON_IO_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

// INVALID_ARGUMENT "spec JSON: <parser message>" for malformed JSON or unknown fields.
absl::StatusOr<v1::JobSpec> ParseJobSpecJson(absl::string_view json);
absl::StatusOr<v1::JobResult> ParseJobResultJson(absl::string_view json);
// Files larger than this are refused: a spec may name any path (e.g. /dev/zero as an
// FCIDUMP file), and specs, results and FCIDUMP files are far smaller.
inline constexpr size_t kMaxTextFileBytes = size_t{64} << 20;

// base::ReadFile with the limit kMaxTextFileBytes: NOT_FOUND, PERMISSION_DENIED,
// INVALID_ARGUMENT (a directory), RESOURCE_EXHAUSTED (too large; the read stops there),
// each message starting with the path.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// Indented JSON, field names in lowerCamelCase as proto3 JSON prescribes.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_JSON_IO_H_
