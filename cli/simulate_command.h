// `qgrad simulate`: parse an OpenQASM 3 file and simulate it on the exact state-vector
// simulator. Flags: --shots, --seed, --statevector, --expect, --bind, --json; --shadow
// (with --shots_per_setting, --groups, --confidence) estimates --expect from a classical
// shadow measured through the local backend.
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_SIMULATE_COMMAND_H_
#define QGRAD_CLI_SIMULATE_COMMAND_H_

#include <string>
#include <vector>

#include "cli/exit_codes.h"

namespace qgrad::cli {

// `args` are the positional arguments after "simulate". Exit codes: exit_codes.h.
int RunSimulate(const std::vector<std::string>& args);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_SIMULATE_COMMAND_H_
