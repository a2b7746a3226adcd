// The `qgrad` command-line tool: dispatches to one subcommand per verb.
//
// Thread-safety: single-threaded entry point.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "cli/run_command.h"
#include "cli/simulate_command.h"

namespace {

constexpr char kUsage[] =
    "qgrad: learn parameterized quantum circuits with quantum gradients.\n\n"
    "Usage:\n"
    "  qgrad simulate FILE.qasm [--shots N] [--seed S] [--statevector]\n"
    "                 [--expect \"PAULI SUM\"] [--bind name=value,...] [--json]\n"
    "      Simulate an OpenQASM 3 program exactly; print counts, amplitudes or an\n"
    "      expectation value.\n\n"
    "  qgrad run SPEC.json [--out RESULT.json] [--plot PLOT.svg] [--qasm FILE.qasm]\n"
    "                 [--quiet] [--title T] [--linear_indicator]\n"
    "      Run a job specification (qgrad.v1.JobSpec, proto3 JSON) locally; progress per\n"
    "      iteration on stderr, the result (proto3 JSON) on stdout or in --out.\n\n"
    "  qgrad plot RESULT.json... --out FILE.svg [--title T] [--linear_indicator]\n"
    "      Overlay the convergence of saved results in one SVG plot.\n\n"
    "Run 'qgrad --help' for the flags.";

// --help lists the flags defined by the subcommands (every file under cli/).
bool IsCliFlagFile(absl::string_view path) { return absl::StrContains(path, "cli/"); }

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsCliFlagFile;
  usage_config.contains_helpshort_flags = IsCliFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 2;
  }
  const std::string command = positional[1];
  std::vector<std::string> args(positional.begin() + 2, positional.end());
  if (command == "simulate") return qgrad::cli::RunSimulate(args);
  if (command == "run") return qgrad::cli::RunJobCommand(args);
  if (command == "plot") return qgrad::cli::RunPlotCommand(args);
  std::fprintf(stderr, "qgrad: unknown command '%s'\n\n%s\n", command.c_str(), kUsage);
  return 2;
}
