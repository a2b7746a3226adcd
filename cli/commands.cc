// The command table and the help texts built from it; see commands.h.
//
// Thread-safety: the table is built once (function-local static); the help texts read the
// absl flag registry, which is safe from any thread.
#include "cli/commands.h"

#include <algorithm>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "cli/job_commands.h"
#include "cli/run_command.h"
#include "cli/simulate_command.h"
#include "cli/watch_command.h"

namespace qgrad::cli {
namespace {

// The flags of every job-service command: where the server is and how to authenticate.
std::vector<absl::string_view> WithConnection(std::vector<absl::string_view> flags) {
  for (absl::string_view name : {"server", "token", "token_file", "tls_ca", "tls_cert", "tls_key",
                                 "tls_server_name", "timeout"}) {
    flags.push_back(name);
  }
  return flags;
}

std::vector<CommandSpec> BuildCommands() {
  return {
      {"simulate",
       "qgrad simulate FILE.qasm [--shots N] [--seed S] [--statevector]\n"
       "               [--expect \"PAULI SUM\"] [--bind name=value,...] [--json]\n"
       "               [--shadow pauli|clifford [--shots_per_setting N] [--groups K]\n"
       "                [--confidence P]]",
       "Simulate an OpenQASM 3 program (FILE.qasm, or - for stdin) exactly; print counts,\n"
       "amplitudes or an expectation value. With --shadow, estimate --expect from a\n"
       "classical shadow instead, beside the exact value.",
       false,
       {"shots", "seed", "statevector", "expect", "bind", "shadow", "shots_per_setting", "groups",
        "confidence", "json"},
       RunSimulate},
      {"run",
       "qgrad run SPEC.json [--out RESULT.json] [--plot PLOT.svg] [--qasm FILE.qasm]\n"
       "          [--quiet] [--title T] [--legend TEXT] [--linear_indicator] [--time_axis]",
       "Run a job specification (qgrad.v1.JobSpec, proto3 JSON) locally; progress per\n"
       "iteration (and during a long warm start) on stderr, the result (proto3 JSON, with\n"
       "its spec, seed, backend and software version) on stdout or in --out.",
       false,
       {"out", "plot", "qasm", "quiet", "title", "legend", "linear_indicator", "time_axis"},
       RunJobCommand},
      {"plot",
       "qgrad plot RESULT.json... --out FILE.svg [--title T] [--legend 'A|B|...']\n"
       "           [--linear_indicator] [--time_axis]",
       "Overlay the convergence of saved results in one SVG plot: cost (Hartree for\n"
       "molecules) with the exact value and, for molecules, chemical accuracy; indicator;\n"
       "error. The x axis is the methods' event (outer iteration, ADAPT iteration, gradient\n"
       "step, cost evaluation) or, with --time_axis, seconds. --legend: one entry per file,\n"
       "in order, '|' between them (default: each result's name).",
       false, {"out", "title", "legend", "linear_indicator", "time_axis"}, RunPlotCommand},
      {"submit",
       "qgrad submit SPEC.json [--key K] [--label k=v,...] [--priority N] [--deadline 2h]\n"
       "             [--backend NAME] [--watch [--quiet]] [--json]",
       "Submit a job; prints its id (or, with --watch, follows it like watch).", true,
       WithConnection({"key", "label", "priority", "deadline", "backend", "watch", "quiet",
                       "json"}),
       RunSubmitCommand},
      {"watch", "qgrad watch JOB_ID [--after SEQ] [--quiet] [--json]",
       "Live progress (iteration, cost, indicator, ETA) until the job ends; resumes after a\n"
       "dropped connection. --json: every event as a JSON line on stdout.",
       true, WithConnection({"after", "quiet", "json"}), RunWatchCommand},
      {"status", "qgrad status JOB_ID [--json]",
       "A job's state, times, progress, labels and error.", true, WithConnection({"json"}),
       RunStatusCommand},
      {"list", "qgrad list [--state queued,running,...] [--label k=v,...] [--limit N] [--json]",
       "The caller's jobs, oldest first (--limit 0: all pages).", true,
       WithConnection({"state", "label", "limit", "json"}), RunListCommand},
      {"cancel", "qgrad cancel JOB_ID... [--json]",
       "Cancel jobs; a finished job is left as it is.", true, WithConnection({"json"}),
       RunCancelCommand},
      {"result",
       "qgrad result JOB_ID [--out RESULT.json] [--qasm FILE.qasm] [--plot PLOT.svg]\n"
       "             [--quiet] [--title T] [--legend TEXT] [--linear_indicator] [--time_axis]",
       "A finished job's result (proto3 JSON) on stdout or in --out, a summary line on\n"
       "stderr, and the final circuit and a convergence plot, as run writes them.",
       true,
       WithConnection({"out", "plot", "qasm", "quiet", "title", "legend", "linear_indicator",
                       "time_axis"}),
       RunResultCommand},
      {"usage", "qgrad usage [JOB_ID] [--json]",
       "CPU seconds, shots and circuits spent by all the caller's jobs, and by JOB_ID.", true,
       WithConnection({"json"}), RunUsageCommand},
      {"backends", "qgrad backends [NAME] [--json]",
       "The server's backends: status, qubits, shots, exactness (one: also native gates).",
       true, WithConnection({"json"}), RunBackendsCommand},
  };
}

std::string Indented(absl::string_view text, absl::string_view indent) {
  std::string out = absl::StrCat(indent);
  for (char c : text) {
    out.push_back(c);
    if (c == '\n') absl::StrAppend(&out, indent);
  }
  return out;
}

std::string DefaultText(const absl::CommandLineFlag& flag) {
  const std::string value = flag.DefaultValue();
  return flag.IsOfType<std::string>() ? absl::StrCat("\"", value, "\"") : value;
}

// "  --out=VALUE  (default "")\n      help string\n"; a flag missing from the registry would
// be a wrong table, which the CLI tests catch, so it is shown rather than hidden.
std::string FlagUsage(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr) return absl::StrCat("  --", name, "  (not defined)\n");
  const bool boolean = flag->IsOfType<bool>();
  return absl::StrCat("  --", name, boolean ? "" : "=VALUE", "  (default ", DefaultText(*flag),
                      ")\n", Indented(flag->Help(), "      "), "\n");
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const auto* commands = new std::vector<CommandSpec>(BuildCommands());
  return *commands;
}

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

FlagKind LookupFlag(absl::string_view name) {
  const bool listed = std::any_of(Commands().begin(), Commands().end(), [&](const CommandSpec& c) {
    return std::find(c.flags.begin(), c.flags.end(), name) != c.flags.end();
  });
  const absl::CommandLineFlag* flag = listed ? absl::FindCommandLineFlag(name) : nullptr;
  if (flag == nullptr) return FlagKind::kUnknown;
  return flag->IsOfType<bool>() ? FlagKind::kBool : FlagKind::kValue;
}

std::string GeneralUsage() {
  std::string out = "qgrad: learn parameterized quantum circuits with quantum gradients.\n\n";
  for (bool service : {false, true}) {
    absl::StrAppend(&out, service ? "Job service commands (a qgradd server):\n"
                                  : "Local commands:\n");
    for (const CommandSpec& command : Commands()) {
      if (command.job_service != service) continue;
      absl::StrAppend(&out, Indented(command.synopsis, "  "), "\n",
                      Indented(command.description, "      "), "\n\n");
    }
  }
  absl::StrAppend(
      &out,
      "  Connection: --server HOST:PORT (QGRAD_SERVER, default 127.0.0.1:50051),\n"
      "  --token / --token_file (QGRAD_TOKEN / QGRAD_TOKEN_FILE), --tls_ca or --tls-ca\n"
      "  (QGRAD_TLS_CA), --tls_cert/--tls_key (QGRAD_TLS_CERT/QGRAD_TLS_KEY).\n\n"
      "Other commands:\n"
      "  qgrad help [COMMAND]     this text, or a command's usage and flags (also\n"
      "                           qgrad COMMAND --help, -h)\n"
      "  qgrad version            the version (also --version)\n\n"
      "Exit codes: 0 ok; 1 the run failed, or the job FAILED / was CANCELLED; 2 bad command\n"
      "line (unknown command or flag, a flag that does not apply to the command, a missing\n"
      "or extra argument); 3 invalid input (file or request); 4 no such job or backend;\n"
      "5 token missing or refused; 6 server unreachable or failing; 7 job not finished\n"
      "(result).\n\n"
      "Run 'qgrad COMMAND --help' for a command's flags.\n");
  return out;
}

std::string CommandUsage(const CommandSpec& command) {
  std::string out = absl::StrCat("usage: ", command.synopsis, "\n\n", command.description,
                                 "\n\nFlags:\n");
  for (absl::string_view name : command.flags) absl::StrAppend(&out, FlagUsage(name));
  absl::StrAppend(&out,
                  "\nFlags may be written --name=value or --name value, with dashes or "
                  "underscores\n(--tls-ca, --tls_ca); a boolean flag is negated as --noname.\n");
  return out;
}

}  // namespace qgrad::cli
