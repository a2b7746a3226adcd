// Definitions of the flags several subcommands share; see shared_flags.h.
//
// Thread-safety: absl flags.
#include "cli/shared_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(bool, json, false,
          "print JSON (proto3 JSON for job-service answers; one object per line for watch)");
ABSL_FLAG(std::string, out, "",
          "run/result: write the result JSON here (default stdout); plot: the SVG file to write");
ABSL_FLAG(std::string, plot, "", "run/result: write a convergence plot (SVG) here");
ABSL_FLAG(std::string, qasm, "", "run/result: write the final circuit (OpenQASM 3) here");
ABSL_FLAG(bool, quiet, false, "run/watch: no progress on stderr");
ABSL_FLAG(bool, linear_indicator, false,
          "run/result/plot: linear instead of log-scale indicator axis");
ABSL_FLAG(std::string, title, "", "run/result/plot: plot title");
ABSL_FLAG(std::string, legend, "",
          "run/result/plot: legend entries, '|' between the results' (plot: one per file, in "
          "order); default: the spec's name");
ABSL_FLAG(bool, time_axis, false,
          "run/result/plot: plot against the run's time in seconds instead of its events");
