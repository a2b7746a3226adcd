// The `qgrad` command-line tool: checks the command line against the command table
// (commands.h), answers help and version, sets the flags and dispatches to the command.
//
// Thread-safety: single-threaded entry point.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "base/version.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace qgrad::cli {
namespace {

int UsageError(absl::string_view prefix, absl::string_view message, absl::string_view help) {
  std::fprintf(stderr, "%s: %s\nsee '%s'\n", std::string(prefix).c_str(),
               std::string(message).c_str(), std::string(help).c_str());
  return kExitUsage;
}

std::string HelpHint(absl::string_view command) {
  return command.empty() ? "qgrad --help" : absl::StrCat("qgrad ", command, " --help");
}

int PrintVersion() {
  std::printf("qgrad %s\n", std::string(base::SoftwareVersion()).c_str());
  return kExitOk;
}

// `qgrad help [COMMAND]`, `qgrad [COMMAND] --help`: on stdout, exit 0.
int PrintHelp(absl::string_view command) {
  if (command.empty()) {
    std::fputs(GeneralUsage().c_str(), stdout);
    return kExitOk;
  }
  const CommandSpec* spec = FindCommand(command);
  if (spec == nullptr) {
    return UsageError("qgrad", absl::StrCat("unknown command '", command, "'"), "qgrad --help");
  }
  std::fputs(CommandUsage(*spec).c_str(), stdout);
  return kExitOk;
}

// Help and version take no flags; refusing them keeps "no flag is ignored" true.
int CheckNoFlags(const CommandLine& line, absl::string_view command) {
  if (auto problem = CheckFlags(line, command, {}); problem.has_value()) {
    return UsageError(problem->unknown ? "qgrad" : absl::StrCat("qgrad ", command),
                      problem->message, "qgrad --help");
  }
  return kExitOk;
}

// Each value through its flag's own parser (absl's, as ParseCommandLine would): a bad value
// is a bad command line too.
int SetFlags(const CommandLine& line, absl::string_view command) {
  for (const FlagArgument& flag : line.flags) {
    absl::CommandLineFlag* registered = absl::FindCommandLineFlag(flag.name);
    std::string error;
    if (registered == nullptr || !registered->ParseFrom(flag.value, &error)) {
      return UsageError(absl::StrCat("qgrad ", command),
                        absl::StrCat(flag.written, "=", flag.value, ": ", error),
                        HelpHint(command));
    }
  }
  return kExitOk;
}

int Main(const std::vector<std::string>& args) {
  const CommandLine line = SplitCommandLine(args, LookupFlag);
  const std::string command = line.positional.empty() ? "" : line.positional[0];
  if (line.version) return PrintVersion();
  if (line.help) return PrintHelp(command == "help" ? "" : command);
  if (command == "help" || command == "version") {
    if (int code = CheckNoFlags(line, command); code != kExitOk) return code;
    if (line.positional.size() > (command == "help" ? 2u : 1u)) {
      return UsageError(absl::StrCat("qgrad ", command), "too many arguments", "qgrad --help");
    }
    if (command == "version") return PrintVersion();
    return PrintHelp(line.positional.size() > 1 ? line.positional[1] : "");
  }
  if (command.empty()) {
    if (int code = CheckNoFlags(line, command); code != kExitOk) return code;
    std::fputs(GeneralUsage().c_str(), stderr);
    return kExitUsage;
  }
  const CommandSpec* spec = FindCommand(command);
  if (spec == nullptr) {
    return UsageError("qgrad", absl::StrCat("unknown command '", command, "'"), "qgrad --help");
  }
  if (auto problem = CheckFlags(line, command, spec->flags); problem.has_value()) {
    return UsageError(problem->unknown ? "qgrad" : absl::StrCat("qgrad ", command),
                      problem->message, HelpHint(command));
  }
  if (int code = SetFlags(line, command); code != kExitOk) return code;
  return spec->run(std::vector<std::string>(line.positional.begin() + 1, line.positional.end()));
}

}  // namespace
}  // namespace qgrad::cli

int main(int argc, char** argv) {
  return qgrad::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
