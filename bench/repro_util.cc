// Shared pieces of the paper-reproduction driver; see repro.h.
//
// Thread-safety: free functions only; no shared mutable state.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/repro.h"
#include "optimizer/baseline.h"
#include "optimizer/cost_minimizer.h"
#include "optimizer/estimator.h"
#include "optimizer/nested.h"
#include "runner/json_io.h"
#include "runner/nested_options.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/runner.h"
#include "runner/start.h"

namespace qgrad::bench {
namespace {

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  if (!out) return absl::UnavailableError(absl::StrCat(path, ": cannot write"));
  out << text;
  return out ? absl::OkStatus() : absl::UnavailableError(absl::StrCat(path, ": write failed"));
}

// The spec's start circuit after its warm start, if it has one.
struct WarmStart {
  runner::BuiltProblem problem;
  runner::StartCircuit start;
  optimizer::NestedOptions options;
};

absl::StatusOr<WarmStart> BuildWarmStart(const Env& env, const v1::JobSpec& spec) {
  absl::StatusOr<runner::BuiltProblem> problem =
      runner::BuildProblem(spec.problem(), env.examples_dir);
  if (!problem.ok()) return problem.status();
  absl::StatusOr<runner::StartCircuit> start =
      runner::BuildStart(spec.initial_state(), *problem, spec.seed());
  if (!start.ok()) return start.status();
  absl::StatusOr<optimizer::NestedOptions> options =
      runner::ToNestedOptions(spec.method().nested(), spec.limits(), problem->num_qubits);
  if (!options.ok()) return options.status();
  return WarmStart{*std::move(problem), *std::move(start), *std::move(options)};
}

}  // namespace

absl::StatusOr<v1::JobSpec> LoadExample(const Env& env, const std::string& file) {
  const std::string path = absl::StrCat(env.examples_dir, "/", file);
  absl::StatusOr<std::string> text = runner::ReadTextFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<v1::JobSpec> spec = runner::ParseJobSpecJson(*text);
  if (!spec.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", spec.status().message()));
  return spec;
}

absl::StatusOr<v1::JobResult> RunSpec(const Env& env, const v1::JobSpec& spec) {
  runner::RunOptions options;
  options.base_dir = env.examples_dir;
  absl::StatusOr<v1::JobResult> result = runner::RunJob(spec, options);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat(spec.name(), ": ", result.status().message()));
  }
  return result;
}

absl::Status SaveResult(const Env& env, const std::string& experiment, const std::string& name,
                        const v1::JobResult& result) {
  absl::StatusOr<std::string> json = runner::ToJson(result);
  if (!json.ok()) return json.status();
  return WriteFile(absl::StrCat(env.results_dir, "/", experiment, "/", name, ".result.json"),
                   *json);
}

absl::Status SavePlot(const Env& env, const std::string& file,
                      const std::vector<runner::PlotPanel>& panels, const std::string& title,
                      const std::vector<std::string>& x_labels) {
  runner::PlotOptions options;
  options.title = title;
  options.panel_height = 260;
  // At most ~40 points per series (every k-th and the last) keeps the files small.
  std::vector<runner::PlotPanel> thinned = panels;
  for (runner::PlotPanel& panel : thinned) {
    for (runner::PlotSeries& s : panel.series) {
      const size_t n = std::min(s.x.size(), s.y.size());
      const size_t stride = (n + 39) / 40;
      if (stride <= 1) continue;
      runner::PlotSeries t{s.label, {}, {}};
      for (size_t i = 0; i < n; i += stride) t.x.push_back(s.x[i]), t.y.push_back(s.y[i]);
      if ((n - 1) % stride != 0) t.x.push_back(s.x[n - 1]), t.y.push_back(s.y[n - 1]);
      s = std::move(t);
    }
  }
  for (size_t k = 0; k < x_labels.size() && k < thinned.size(); ++k) {
    thinned[k].x_label = x_labels[k];
  }
  const std::string svg = runner::RenderSvg(thinned, options);
  return WriteFile(absl::StrCat(env.plots_dir, "/", file), svg);
}

double CostAfter(const v1::JobResult& result, int k) {
  if (k < result.history_size()) return result.history(k).cost();
  return result.final_cost();
}

std::vector<double> CostSeries(const v1::JobResult& result) {
  std::vector<double> costs;
  for (const v1::IterationEvent& e : result.history()) costs.push_back(e.cost());
  costs.push_back(result.final_cost());
  return costs;
}

absl::StatusOr<IdealRun> IdealDescent(const Env& env, const v1::JobSpec& spec, int iterations) {
  absl::StatusOr<WarmStart> w = BuildWarmStart(env, spec);
  if (!w.ok()) return w.status();
  const sv::Simulator simulator;
  const optimizer::Cost& cost = w->problem.cost;
  std::vector<double> params = w->start.params;
  if (w->options.warm_start && !params.empty()) {
    absl::StatusOr<optimizer::LocalMinimum> warm = optimizer::MinimizeCost(
        simulator, cost, w->start.circuit, params, *w->options.warm_start);
    if (!warm.ok()) return warm.status();
    params = std::move(warm->x);
  }
  absl::StatusOr<sv::StateVector> psi = simulator.Prepare(w->start.circuit, params);
  if (!psi.ok()) return psi.status();
  IdealRun run;
  run.costs.push_back(cost.Value(*psi));
  const optimizer::StepControl& control = w->options.step_control;
  for (int k = 0; k < iterations; ++k) {
    const PauliSum d = cost.GradientOperator(*psi);
    double eta = optimizer::ResolveStep(w->options.step, d);
    const bool centered = w->options.step.centered;
    absl::StatusOr<optimizer::GuidedState> guided =
        optimizer::MakeGuidedState(*psi, d, eta, centered);
    for (int s = 0; s < control.max_shrinks && guided.ok() &&
                    cost.Value(guided->state) > run.costs.back() + control.tolerance;
         ++s) {
      eta *= control.shrink;
      guided = optimizer::MakeGuidedState(*psi, d, eta, centered);
    }
    if (!guided.ok()) return guided.status();
    *psi = std::move(guided->state);
    run.costs.push_back(cost.Value(*psi));
  }
  run.final_state = *std::move(psi);
  return run;
}

absl::StatusOr<TrackedRun> RunNestedTracked(const Env& env, const v1::JobSpec& spec) {
  const auto begin = std::chrono::steady_clock::now();
  absl::StatusOr<WarmStart> w = BuildWarmStart(env, spec);
  if (!w.ok()) return w.status();
  const sv::Simulator simulator;
  TrackedRun tracked;
  tracked.start_cnots = optimizer::CnotCount(w->start.circuit);
  optimizer::NestedCallbacks callbacks;
  callbacks.on_checkpoint = [&](const optimizer::NestedResult& r) {
    tracked.cnots.push_back(optimizer::CnotCount(r.circuit));
  };
  absl::StatusOr<optimizer::NestedResult> run =
      optimizer::RunNested(simulator, w->problem.cost, w->start.circuit, w->start.params,
                           w->options, callbacks);
  if (!run.ok()) return run.status();
  absl::StatusOr<v1::JobResult> result =
      runner::MakeResult(simulator, w->problem, spec, runner::SummarizeNested(*run));
  if (!result.ok()) return result.status();
  absl::StatusOr<sv::StateVector> state = simulator.Prepare(run->circuit, run->params);
  if (!state.ok()) return state.status();
  tracked.final_state = *std::move(state);
  tracked.multi_qubit_gates = run->circuit.Counts().multi_qubit;
  result->set_wall_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  tracked.result = *std::move(result);
  return tracked;
}

std::string Fmt(double value, int digits) {
  if (std::isnan(value)) return "−";
  return absl::StrFormat("%.*f", digits, value);
}

std::string Sci(double value, int digits) {
  if (std::isnan(value)) return "−";
  return absl::StrFormat("%.*e", digits, value);
}

MeanSe MeanAndSe(const std::vector<double>& values) {
  MeanSe m;
  if (values.empty()) return m;
  for (double v : values) m.mean += v;
  m.mean /= double(values.size());
  if (values.size() < 2) return m;
  double ss = 0.0;
  for (double v : values) ss += (v - m.mean) * (v - m.mean);
  m.se = std::sqrt(ss / double(values.size() - 1)) / std::sqrt(double(values.size()));
  return m;
}

double Median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string FmtMeanSe(const MeanSe& m, int digits) {
  if (std::abs(m.mean) < 1e-2) return absl::StrCat(Sci(m.mean, 1), " ± ", Sci(m.se, 1));
  return absl::StrCat(Fmt(m.mean, digits), " ± ", Fmt(m.se, digits));
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  if (!(in >> a >> b >> c)) return "unknown";
  return absl::StrFormat("%.2f %.2f %.2f", a, b, c);
}

}  // namespace qgrad::bench
