// Flags that several `qgrad` subcommands read (defined once in shared_flags.cc):
// --json (simulate, submit, watch, status, list, cancel, backends), --out, --plot,
// --qasm, --title, --linear_indicator, --legend, --time_axis (run, result; --out and the
// plot flags also plot) and
// --quiet (run, watch, submit --watch).
//
// Thread-safety: absl flags are safe to read from any thread.
#ifndef QGRAD_CLI_SHARED_FLAGS_H_
#define QGRAD_CLI_SHARED_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, plot);
ABSL_DECLARE_FLAG(std::string, qasm);
ABSL_DECLARE_FLAG(bool, quiet);
ABSL_DECLARE_FLAG(bool, linear_indicator);
ABSL_DECLARE_FLAG(std::string, title);
ABSL_DECLARE_FLAG(std::string, legend);
ABSL_DECLARE_FLAG(bool, time_axis);

#endif  // QGRAD_CLI_SHARED_FLAGS_H_
