// Exit codes of every `qgrad` subcommand, and the mapping from a job-service status to
// them. Scripts rely on these numbers: cli/README.md lists them; change neither alone.
//
// Thread-safety: constants and a pure function.
#ifndef QGRAD_CLI_EXIT_CODES_H_
#define QGRAD_CLI_EXIT_CODES_H_

#include "absl/status/status.h"

namespace qgrad::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;          // the work failed: a local run, or a job that
                                                // ended FAILED or CANCELLED
inline constexpr int kExitUsage = 2;            // bad command line
inline constexpr int kExitBadInput = 3;         // unreadable or invalid input (a file, or a
                                                // request the server rejected as invalid or
                                                // over a limit)
inline constexpr int kExitNotFound = 4;         // no such job or backend
inline constexpr int kExitUnauthenticated = 5;  // missing, unknown or unauthorized token
inline constexpr int kExitUnavailable = 6;      // server unreachable, shutting down, timed out
                                                // or failing internally
inline constexpr int kExitNotReady = 7;         // the job is not in the state the command
                                                // needs (the result of an unfinished job)

// The exit code for a failed call to the job service (or a client-side check).
// REQUIRES: !status.ok().
int ExitCodeForStatus(const absl::Status& status);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_EXIT_CODES_H_
