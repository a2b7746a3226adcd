// Reading a whole (small) file into memory with errors that say what went wrong and name
// the file, and a size limit so that a wrong path (a log, a disk image) cannot exhaust
// memory. For configuration, keys, tokens, specs and input programs.
//
// Thread-safety: a free function with no shared state.
#ifndef QGRAD_BASE_FILE_H_
#define QGRAD_BASE_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace qgrad::base {

// The bytes of the file at `path`. Errors (each message starts with the path):
// NOT_FOUND (no such file), PERMISSION_DENIED, INVALID_ARGUMENT (a directory, or an empty
// path), RESOURCE_EXHAUSTED (more than `max_bytes` bytes; checked while reading, so files
// in /proc, pipes and files that grow are bounded too), DATA_LOSS (an I/O error), UNKNOWN
// (any other failure to open).
absl::StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes);

}  // namespace qgrad::base

#endif  // QGRAD_BASE_FILE_H_
