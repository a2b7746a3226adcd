// `qgrad run` and `qgrad plot`; see run_command.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/run_command.h"

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cli/exit_codes.h"
#include "cli/result_output.h"
#include "cli/shared_flags.h"
#include "runner/json_io.h"
#include "runner/runner.h"
#include "runner/svg_plot.h"

namespace qgrad::cli {
namespace {

int Fail(const char* command, int code, const std::string& message) {
  std::fprintf(stderr, "qgrad %s: %s\n", command, message.c_str());
  return code;
}

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// A bad spec is bad input; anything else means the run itself failed.
int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kResourceExhausted:
      return kExitBadInput;
    default:
      return kExitFailure;
  }
}

void PrintProgress(const v1::IterationEvent& e) {
  if (e.cost_evaluations() > 0) {  // a baseline: no guided state, no synthesis
    std::fprintf(stderr, "iter %3d  cost %+.10f  gradient %.3e  params %4d  2q %4d  %7.2f s\n",
                 e.iteration(), e.cost(), e.gradient_norm(), e.num_params(),
                 e.two_qubit_gates(), e.elapsed_seconds());
    return;
  }
  std::fprintf(stderr,
               "iter %3d  cost %+.10f  indicator %.3e  fidelity %.6f  layers %3d  2q %4d  "
               "%7.2f s\n",
               e.iteration(), e.cost(), e.indicator(), e.fidelity(), e.layers(),
               e.two_qubit_gates(), e.elapsed_seconds());
}

// A warm start reports every cost evaluation, thousands a second; a line every half second
// shows it is alive, and one shorter than that prints nothing.
constexpr double kWarmStartLineSeconds = 0.5;

class WarmStartPrinter {
 public:
  void operator()(const runner::WarmStartProgress& p) {
    if (p.elapsed_seconds < next_line_seconds_) return;
    next_line_seconds_ = p.elapsed_seconds + kWarmStartLineSeconds;
    std::fprintf(stderr, "warm start  evaluations %5d/%d  cost %+.10f  %7.2f s\n", p.evaluations,
                 p.max_evaluations, p.best_cost, p.elapsed_seconds);
  }

 private:
  double next_line_seconds_ = kWarmStartLineSeconds;
};

}  // namespace

int RunJobCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail("run", kExitUsage, "expected exactly one SPEC.json");
  absl::StatusOr<std::string> text = runner::ReadTextFile(args[0]);
  if (!text.ok()) return Fail("run", kExitBadInput, std::string(text.status().message()));
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(*text);
  if (!spec.ok()) {
    return Fail("run", kExitBadInput, absl::StrCat(args[0], ": ", spec.status().message()));
  }
  runner::RunOptions options;
  options.base_dir = Directory(args[0]);
  if (!absl::GetFlag(FLAGS_quiet)) {
    options.on_iteration = PrintProgress;
    options.on_warm_start = WarmStartPrinter();
  }
  absl::StatusOr<v1::JobResult> result = runner::RunJob(*spec, options);
  if (!result.ok()) {
    return Fail("run", ExitCodeFor(result.status()),
                absl::StrCat(args[0], ": ", result.status().ToString()));
  }
  if (!absl::GetFlag(FLAGS_quiet)) PrintResultSummary(*result);
  const std::string label = spec->name().empty() ? args[0] : spec->name();
  if (absl::Status s = WriteResultOutputs(*result, label); !s.ok()) {
    return Fail("run", kExitFailure, std::string(s.message()));
  }
  return kExitOk;
}

int RunPlotCommand(const std::vector<std::string>& args) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (args.empty() || out.empty()) {
    return Fail("plot", kExitUsage, "usage: qgrad plot RESULT.json... --out FILE.svg");
  }
  std::vector<runner::LabeledResult> runs;
  for (const std::string& path : args) {
    absl::StatusOr<std::string> text = runner::ReadTextFile(path);
    if (!text.ok()) return Fail("plot", kExitBadInput, std::string(text.status().message()));
    absl::StatusOr<v1::JobResult> result = runner::ParseJobResultJson(*text);
    if (!result.ok()) {
      return Fail("plot", kExitBadInput, absl::StrCat(path, ": ", result.status().message()));
    }
    runs.push_back({result->name().empty() ? path : result->name(), *std::move(result)});
  }
  absl::StatusOr<std::string> svg = PlotFromFlags(std::move(runs));
  if (!svg.ok()) return Fail("plot", kExitUsage, std::string(svg.status().message()));
  if (absl::Status s = WriteTextFile(out, *svg); !s.ok()) {
    return Fail("plot", kExitFailure, std::string(s.message()));
  }
  return kExitOk;
}

}  // namespace qgrad::cli
