// The job-service subcommands of `qgrad` other than watch (watch_command.h):
//   submit SPEC.json [--key K] [--label k=v,...] [--priority N] [--deadline 2h]
//                    [--backend NAME] [--watch]
//   status JOB_ID             list [--state s,...] [--label k=v,...] [--limit N]
//   cancel JOB_ID...          result JOB_ID [--out F] [--qasm F] [--plot F.svg]
//   backends [NAME]           usage [JOB_ID]
// Connection flags and their environment fallbacks: client_settings.h; --json prints the
// service's answer as proto3 JSON instead of text. Exit codes: exit_codes.h.
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_JOB_COMMANDS_H_
#define QGRAD_CLI_JOB_COMMANDS_H_

#include <string>
#include <vector>

namespace qgrad::cli {

// Each takes the positional arguments after its verb.
int RunSubmitCommand(const std::vector<std::string>& args);
int RunStatusCommand(const std::vector<std::string>& args);
int RunListCommand(const std::vector<std::string>& args);
int RunCancelCommand(const std::vector<std::string>& args);
int RunResultCommand(const std::vector<std::string>& args);
int RunBackendsCommand(const std::vector<std::string>& args);
int RunUsageCommand(const std::vector<std::string>& args);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_JOB_COMMANDS_H_
