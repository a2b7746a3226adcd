// `qgrad simulate`: parse an OpenQASM 3 file and simulate it on the exact state-vector
// simulator. Flags: --shots, --seed, --statevector, --expect, --bind, --json.
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_SIMULATE_COMMAND_H_
#define QGRAD_CLI_SIMULATE_COMMAND_H_

#include <string>
#include <vector>

namespace qgrad::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // the work itself failed
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitBadInput = 3;   // unreadable or invalid input file

// `args` are the positional arguments after "simulate".
int RunSimulate(const std::vector<std::string>& args);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_SIMULATE_COMMAND_H_
