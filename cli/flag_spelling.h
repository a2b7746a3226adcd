// Dashed flag spellings: `qgrad` flags are absl flags, whose names use underscores
// (--tls_ca); the dashed spelling common in other tools (--tls-ca) is accepted too by
// rewriting each flag name before it is looked up (command_line.h). Values are untouched
// (--label=a-b stays).
//
// Thread-safety: pure functions.
#ifndef QGRAD_CLI_FLAG_SPELLING_H_
#define QGRAD_CLI_FLAG_SPELLING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qgrad::cli {

// "--tls-ca=x-y" → "--tls_ca=x-y"; "--no-json" → "--no_json"; "-x", "x-y", "--" unchanged.
std::string UnderscoreFlagName(absl::string_view arg);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_FLAG_SPELLING_H_
