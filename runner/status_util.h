// Error helpers of the runner: prefix a status with the spec field it concerns, so that
// every INVALID_ARGUMENT names a path such as "problem.maxcut.edges.edges[3]".
//
// Paths use the .proto field names (snake_case, also where the client wrote proto3 JSON's
// lowerCamelCase), every message level named, "[i]" for a repeated field's element and
// "[\"key\"]" for a map's (server/README.md "Errors").
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_STATUS_UTIL_H_
#define QGRAD_RUNNER_STATUS_UTIL_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad::runner {

// The same code with "path: message"; OK stays OK.
inline absl::Status WithPath(const absl::Status& status, absl::string_view path) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

// For messages that already start with a field name ("pool: ..."): "parent.pool: ...".
inline absl::Status WithParent(const absl::Status& status, absl::string_view parent) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(parent, ".", status.message()));
}

inline absl::Status FieldError(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_STATUS_UTIL_H_
