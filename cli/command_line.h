// Splitting a `qgrad` command line into flags and positional arguments before any flag is
// set, so that main.cc can refuse an unknown flag, or one that does not apply to the
// command, with exit code 2 instead of letting it through or ignoring it.
//
// Accepted forms (absl's): --name=value and --name value for flags that take a value;
// --name, --name=true|false and --noname for boolean flags; one dash works as well as two
// (-name). Dashed names (--tls-ca, --no-json) are read as their underscored spelling
// (flag_spelling.h). A bare "-" is positional (stdin); nothing after a bare "--" is a flag.
// -h, --help and --version are recognized here; they are not absl flags of `qgrad`.
//
// Thread-safety: pure functions (the lookup is called on the caller's thread only).
#ifndef QGRAD_CLI_COMMAND_LINE_H_
#define QGRAD_CLI_COMMAND_LINE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace qgrad::cli {

enum class FlagKind { kUnknown, kBool, kValue };

// What a flag name (underscored, without dashes) is.
using FlagLookup = std::function<FlagKind(absl::string_view name)>;

struct FlagArgument {
  std::string written;  // as on the command line, without its value: "--tls-ca", "--noquiet"
  std::string name;     // the flag's name: "tls_ca", "quiet"; empty when kind is kUnknown
  FlagKind kind = FlagKind::kUnknown;
  std::string value;    // boolean flags: "true" or "false" unless given with "="
  bool missing_value = false;  // a flag taking a value was the last argument
};

struct CommandLine {
  std::vector<std::string> positional;  // the command first, then its arguments
  std::vector<FlagArgument> flags;      // in order
  bool help = false;                    // -h, --help, -help
  bool version = false;                 // --version, -version
};

// `args` without the program name.
CommandLine SplitCommandLine(absl::Span<const std::string> args, const FlagLookup& lookup);

struct FlagProblem {
  bool unknown = false;  // no command has such a flag (--bogus, or --noout of a non-boolean)
  std::string message;   // "unknown flag --bogus", "--out needs a value",
                         // "--plot does not apply to simulate"
};

// The first problem with the flags for `command`, whose flags are `applicable`, if any.
std::optional<FlagProblem> CheckFlags(const CommandLine& line, absl::string_view command,
                                      absl::Span<const absl::string_view> applicable);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_COMMAND_LINE_H_
