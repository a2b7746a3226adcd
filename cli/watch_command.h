// `qgrad watch JOB_ID [--after N] [--json] [--quiet]`: follow a job until it ends, with a
// live progress line on stderr (redrawn in place on a terminal, one line per event
// otherwise) and, with --json, every event as one line of proto3 JSON on stdout.
// A dropped connection is resumed from the last event seen (client::Client::Watch).
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_WATCH_COMMAND_H_
#define QGRAD_CLI_WATCH_COMMAND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "client/client.h"

namespace qgrad::cli {

// `args` are the positional arguments after "watch". Exit codes (exit_codes.h): 0 the
// job SUCCEEDED, 1 it FAILED or was CANCELLED, else the service error's code.
int RunWatchCommand(const std::vector<std::string>& args);

// Watches `job_id` from after `after_sequence` as above; also `submit --watch`.
int WatchJobAndReport(client::Client& client, const std::string& job_id, int64_t after_sequence,
                      const char* command);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_WATCH_COMMAND_H_
