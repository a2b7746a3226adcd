// Dashed flag spellings: `qgrad` flags are absl flags, whose names use underscores
// (--tls_ca); the dashed spelling common in other tools (--tls-ca) is accepted too by
// rewriting each flag name before absl parses the command line. Values are untouched
// (--label=a-b stays), and nothing after a bare "--" is rewritten.
//
// Thread-safety: pure functions.
#ifndef QGRAD_CLI_FLAG_SPELLING_H_
#define QGRAD_CLI_FLAG_SPELLING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace qgrad::cli {

// "--tls-ca=x-y" → "--tls_ca=x-y"; "--no-json" → "--no_json"; "-x", "x-y", "--" unchanged.
std::string UnderscoreFlagName(absl::string_view arg);

// UnderscoreFlagName on every argument before a bare "--" (argv[0] kept as is).
std::vector<std::string> UnderscoreFlagNames(int argc, const char* const* argv);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_FLAG_SPELLING_H_
