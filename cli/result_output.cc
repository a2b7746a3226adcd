// Result summary and output files; see result_output.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/result_output.h"

#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/shared_flags.h"
#include "runner/json_io.h"
#include "runner/svg_plot.h"

namespace qgrad::cli {

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot write file"));
  return absl::OkStatus();
}

void PrintResultSummary(const v1::JobResult& r) {
  std::string line =
      absl::StrFormat("final cost %+.10f  (%s, %d iterations, %.2f s)", r.final_cost(),
                      r.stop_reason(), r.history_size(), r.wall_seconds());
  if (r.has_returned_iteration()) {
    absl::StrAppendFormat(&line, "  returned iteration %d's state (the last was worse)",
                          r.returned_iteration());
  }
  if (r.has_exact_cost()) {
    absl::StrAppendFormat(&line, "  exact %+.10f  error %.3e", r.exact_cost(), r.error());
  }
  if (r.has_maxcut()) {
    absl::StrAppendFormat(&line, "  cut %.4f/%.4g (ratio %.4f, best sampled %.4g)",
                          r.maxcut().expected_cut(), r.maxcut().max_cut(),
                          r.maxcut().approximation_ratio(), r.maxcut().best_sampled_cut());
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

absl::StatusOr<std::string> PlotFromFlags(std::vector<runner::LabeledResult> runs) {
  if (const std::string legend = absl::GetFlag(FLAGS_legend); !legend.empty()) {
    const std::vector<std::string> labels = absl::StrSplit(legend, '|');
    if (labels.size() != runs.size()) {
      return absl::InvalidArgumentError(absl::StrCat("--legend: ", labels.size(),
                                                     " entries for ", runs.size(), " results"));
    }
    for (size_t i = 0; i < runs.size(); ++i) runs[i].label = labels[i];
  }
  runner::ConvergencePlotOptions options;
  options.log_indicator = !absl::GetFlag(FLAGS_linear_indicator);
  options.title = absl::GetFlag(FLAGS_title);
  options.time_axis = absl::GetFlag(FLAGS_time_axis);
  return runner::ConvergencePlot(runs, options);
}

absl::Status WriteResultOutputs(const v1::JobResult& result, const std::string& label) {
  absl::StatusOr<std::string> json = runner::ToJson(result);
  if (!json.ok()) return json.status();
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::fputs(json->c_str(), stdout);
  } else if (absl::Status s = WriteTextFile(out, *json); !s.ok()) {
    return s;
  }
  if (const std::string plot = absl::GetFlag(FLAGS_plot); !plot.empty()) {
    absl::StatusOr<std::string> svg = PlotFromFlags({{label, result}});
    if (!svg.ok()) return svg.status();
    if (absl::Status s = WriteTextFile(plot, *svg); !s.ok()) return s;
  }
  if (const std::string qasm = absl::GetFlag(FLAGS_qasm); !qasm.empty()) {
    if (result.qasm().empty()) {
      return absl::FailedPreconditionError(absl::StrCat("--qasm: ", result.qasm_note()));
    }
    if (absl::Status s = WriteTextFile(qasm, result.qasm()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace qgrad::cli
