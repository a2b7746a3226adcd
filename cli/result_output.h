// What `qgrad run` (a local run) and `qgrad result` (a job-service result) do with a
// finished JobResult: a one-line summary on stderr, the result as proto3 JSON (--out or
// stdout), a convergence plot (--plot) and the final circuit (--qasm).
//
// Thread-safety: single-threaded; reads global flags (shared_flags.h).
#ifndef QGRAD_CLI_RESULT_OUTPUT_H_
#define QGRAD_CLI_RESULT_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "qgrad/v1/job.pb.h"
#include "runner/svg_plot.h"

namespace qgrad::cli {

// "final cost ... (stop reason, N iterations, T s)  exact ...  cut ..." on stderr.
void PrintResultSummary(const v1::JobResult& result);

// Writes the outputs the flags ask for; `label` names the run in the plot legend unless
// --legend does.
// UNAVAILABLE for a file that cannot be written, FAILED_PRECONDITION for --qasm when the
// result has no circuit (the message says why), INVALID_ARGUMENT for a --legend of more
// than one entry.
absl::Status WriteResultOutputs(const v1::JobResult& result, const std::string& label);

// The convergence plot of `runs` as the flags ask: --legend's entries ('|' between them, one
// per run) replace the runs' labels, --title, --linear_indicator, --time_axis.
// INVALID_ARGUMENT when --legend has another number of entries than there are runs.
absl::StatusOr<std::string> PlotFromFlags(std::vector<runner::LabeledResult> runs);

// Writes `text` to `path`, replacing it; UNAVAILABLE "PATH: cannot write file".
absl::Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_RESULT_OUTPUT_H_
