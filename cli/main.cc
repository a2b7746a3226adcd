// The `qgrad` command-line tool: dispatches to one subcommand per verb.
//
// Thread-safety: single-threaded entry point.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "cli/exit_codes.h"
#include "cli/flag_spelling.h"
#include "cli/job_commands.h"
#include "cli/run_command.h"
#include "cli/simulate_command.h"
#include "cli/watch_command.h"

namespace {

constexpr char kUsage[] =
    "qgrad: learn parameterized quantum circuits with quantum gradients.\n\n"
    "Local commands:\n"
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
    "Job service commands (a qgradd server):\n"
    "  qgrad submit SPEC.json [--key K] [--label k=v,...] [--priority N] [--deadline 2h]\n"
    "                 [--backend NAME] [--watch]\n"
    "      Submit a job; prints its id (or, with --watch, follows it like watch).\n"
    "  qgrad watch JOB_ID [--after SEQ] [--quiet]\n"
    "      Live progress (iteration, cost, indicator, ETA) until the job ends; resumes\n"
    "      after a dropped connection. --json: every event as a JSON line on stdout.\n"
    "  qgrad status JOB_ID\n"
    "  qgrad list [--state queued,running,...] [--label k=v,...] [--limit N]\n"
    "  qgrad cancel JOB_ID...\n"
    "  qgrad result JOB_ID [--out RESULT.json] [--qasm FILE.qasm] [--plot PLOT.svg]\n"
    "  qgrad backends [NAME]\n"
    "  Connection: --server HOST:PORT (QGRAD_SERVER, default 127.0.0.1:50051),\n"
    "  --token / --token_file (QGRAD_TOKEN / QGRAD_TOKEN_FILE), --tls_ca or --tls-ca\n"
    "  (QGRAD_TLS_CA), --tls_cert/--tls_key (QGRAD_TLS_CERT/QGRAD_TLS_KEY).\n"
    "  --json prints proto3 JSON for scripts.\n\n"
    "Exit codes: 0 ok; 1 the run failed, or the job FAILED / was CANCELLED; 2 bad command\n"
    "line; 3 invalid input (file or request); 4 no such job or backend; 5 token missing or\n"
    "refused; 6 server unreachable or failing; 7 job not finished (result).\n\n"
    "Run 'qgrad --help' for the flags.";

// --help lists the flags defined by the subcommands (every file under cli/).
bool IsCliFlagFile(absl::string_view path) { return absl::StrContains(path, "cli/"); }

using Command = int (*)(const std::vector<std::string>&);

const std::map<std::string, Command>& Commands() {
  static const auto* commands = new std::map<std::string, Command>{
      {"simulate", qgrad::cli::RunSimulate},    {"run", qgrad::cli::RunJobCommand},
      {"plot", qgrad::cli::RunPlotCommand},     {"submit", qgrad::cli::RunSubmitCommand},
      {"watch", qgrad::cli::RunWatchCommand},   {"status", qgrad::cli::RunStatusCommand},
      {"list", qgrad::cli::RunListCommand},     {"cancel", qgrad::cli::RunCancelCommand},
      {"result", qgrad::cli::RunResultCommand}, {"backends", qgrad::cli::RunBackendsCommand},
  };
  return *commands;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsCliFlagFile;
  usage_config.contains_helpshort_flags = IsCliFlagFile;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(kUsage);
  // Accept --tls-ca as well as absl's --tls_ca (and so for every flag).
  std::vector<std::string> spelled = qgrad::cli::UnderscoreFlagNames(argc, argv);
  std::vector<char*> spelled_argv;
  for (std::string& arg : spelled) spelled_argv.push_back(arg.data());
  spelled_argv.push_back(nullptr);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(spelled.size()), spelled_argv.data());
  if (positional.size() < 2) {
    std::fprintf(stderr, "%s\n", kUsage);
    return qgrad::cli::kExitUsage;
  }
  const std::string command = positional[1];
  std::vector<std::string> args(positional.begin() + 2, positional.end());
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    std::fprintf(stderr, "qgrad: unknown command '%s'\n\n%s\n", command.c_str(), kUsage);
    return qgrad::cli::kExitUsage;
  }
  return it->second(args);
}
