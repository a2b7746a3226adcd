// `qgrad run SPEC.json`: run a job specification (qgrad.v1.JobSpec as proto3 JSON) locally
// on the exact simulator, with a live progress line per iteration on stderr; write the
// JobResult as proto3 JSON (--out, else stdout), a convergence plot (--plot) and the final
// circuit (--qasm).
// `qgrad plot RESULT.json... --out FILE.svg`: overlay saved results in one plot.
//
// Thread-safety: single-threaded; reads global flags.
#ifndef QGRAD_CLI_RUN_COMMAND_H_
#define QGRAD_CLI_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace qgrad::cli {

// `args` are the positional arguments after "run" / "plot". Exit codes: exit_codes.h.
int RunJobCommand(const std::vector<std::string>& args);
int RunPlotCommand(const std::vector<std::string>& args);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_RUN_COMMAND_H_
