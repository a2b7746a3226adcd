// Command-line splitting and flag checks; see command_line.h.
//
// Thread-safety: pure functions.
#include "cli/command_line.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/flag_spelling.h"

namespace qgrad::cli {
namespace {

bool IsFlagArgument(absl::string_view arg) { return arg.size() >= 2 && arg[0] == '-'; }

// "no_json" (from --no-json) or "nojson" → a negated boolean flag "json", as absl reads
// --nojson; anything else stays unknown.
void ResolveNegation(absl::string_view name, const FlagLookup& lookup, FlagArgument& flag) {
  for (absl::string_view prefix : {"no_", "no"}) {
    if (!absl::StartsWith(name, prefix)) continue;
    const absl::string_view rest = name.substr(prefix.size());
    if (!rest.empty() && lookup(rest) == FlagKind::kBool) {
      flag.kind = FlagKind::kBool;
      flag.name = std::string(rest);
      flag.value = "false";
      return;
    }
  }
}

}  // namespace

CommandLine SplitCommandLine(absl::Span<const std::string> args, const FlagLookup& lookup) {
  CommandLine line;
  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || !IsFlagArgument(arg)) {
      line.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const size_t dashes = arg[1] == '-' ? 2 : 1;
    const size_t eq = arg.find('=');
    const bool has_value = eq != std::string::npos;
    FlagArgument flag;
    flag.written = arg.substr(0, eq);
    const std::string name =
        UnderscoreFlagName(absl::StrCat("--", flag.written.substr(dashes))).substr(2);
    if (!has_value && (name == "h" || name == "help")) {
      line.help = true;
      continue;
    }
    if (!has_value && name == "version") {
      line.version = true;
      continue;
    }
    flag.kind = lookup(name);
    if (flag.kind == FlagKind::kUnknown) {
      if (!has_value) ResolveNegation(name, lookup, flag);
    } else {
      flag.name = name;
      if (has_value) {
        flag.value = arg.substr(eq + 1);
      } else if (flag.kind == FlagKind::kBool) {
        flag.value = "true";  // absl never takes a boolean's value from the next argument
      } else if (i + 1 < args.size()) {
        flag.value = args[++i];
      } else {
        flag.missing_value = true;
      }
    }
    line.flags.push_back(std::move(flag));
  }
  return line;
}

std::optional<FlagProblem> CheckFlags(const CommandLine& line, absl::string_view command,
                                      absl::Span<const absl::string_view> applicable) {
  for (const FlagArgument& flag : line.flags) {
    if (flag.kind == FlagKind::kUnknown) {
      return FlagProblem{true, absl::StrCat("unknown flag ", flag.written)};
    }
    if (std::find(applicable.begin(), applicable.end(), flag.name) == applicable.end()) {
      return FlagProblem{false, absl::StrCat(flag.written, " does not apply to ", command)};
    }
    if (flag.missing_value) return FlagProblem{false, absl::StrCat(flag.written, " needs a value")};
  }
  return std::nullopt;
}

}  // namespace qgrad::cli
