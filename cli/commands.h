// The `qgrad` subcommands: one table says, for each command, its synopsis, what it does,
// the function that runs it and the flags that apply to it. main.cc checks the command line
// against that list and the help texts list those flags, with the help strings and defaults
// of the absl flag registry, so neither the check nor the help can drift from the flags
// the commands read.
//
// Thread-safety: the table is immutable; the help texts read the flag registry.
#ifndef QGRAD_CLI_COMMANDS_H_
#define QGRAD_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cli/command_line.h"

namespace qgrad::cli {

struct CommandSpec {
  absl::string_view name;
  absl::string_view synopsis;     // "qgrad run SPEC.json [--out RESULT.json] ..."
  absl::string_view description;  // lines of at most 80 columns
  bool job_service = false;       // talks to a qgradd server
  std::vector<absl::string_view> flags;  // absl names (underscored) of the applicable flags
  int (*run)(const std::vector<std::string>& args) = nullptr;  // args after the command
};

const std::vector<CommandSpec>& Commands();

// Null for an unknown name.
const CommandSpec* FindCommand(absl::string_view name);

// A flag some command reads (kBool or kValue), else kUnknown: absl's own flags (--flagfile,
// --helpfull, ...) are unknown to `qgrad`.
FlagKind LookupFlag(absl::string_view name);

// `qgrad --help`: every command's synopsis and description, connection settings, exit codes.
std::string GeneralUsage();

// `qgrad CMD --help`: synopsis, description, and each applicable flag with its default and
// help string.
std::string CommandUsage(const CommandSpec& command);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_COMMANDS_H_
