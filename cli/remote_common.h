// Shared plumbing of the subcommands that talk to the job service (submit, watch,
// status, list, cancel, result, backends): the connection flags (client_settings.h for
// their environment fallbacks), error reporting with exit codes (exit_codes.h), and
// JSON / time formatting.
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_REMOTE_COMMON_H_
#define QGRAD_CLI_REMOTE_COMMON_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/client.h"

namespace qgrad::cli {

// A client configured from the flags and the environment.
absl::StatusOr<client::Client> ConnectFromFlags();

// Prints "qgrad COMMAND: MESSAGE" on stderr (with a hint for connection and token
// errors) and returns the status's exit code.
int FailWithStatus(const char* command, const absl::Status& status);
// Prints "qgrad COMMAND: MESSAGE" on stderr and returns `code`.
int Fail(const char* command, int code, const std::string& message);

// proto3 JSON on one line (for JSON-lines output).
std::string CompactJson(const google::protobuf::Message& message);
// Prints the message as indented proto3 JSON on stdout.
void PrintJson(const google::protobuf::Message& message);

// "2025-11-25 12:00:01Z" (UTC); "-" for 0.
std::string FormatTime(int64_t unix_micros);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_REMOTE_COMMON_H_
