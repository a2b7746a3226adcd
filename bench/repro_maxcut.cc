// Max-Cut reproductions: (a) the paper's 4-node graph from the four stalled starts (ideal
// quantum-gradient descent, learned layers at the paper's F_th = 0.99 and at a tight
// target), (e) 3-regular graphs with 8–16 nodes from stalled QAOA p=1, and the 12-qubit
// outer-iteration timing (median over iterations).
//
// Thread-safety: single-threaded driver code.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/repro.h"
#include "optimizer/cost_minimizer.h"
#include "optimizer/nested.h"
#include "runner/nested_options.h"
#include "runner/problem.h"
#include "runner/start.h"

namespace qgrad::bench {
namespace {

struct PaperStart {
  std::string label;
  std::string plot_label;  // the legend entry
  std::string file;
  double paper_stalled;
  std::string paper_ideal;
  std::string paper_learned;
};

const std::vector<PaperStart>& PaperStarts() {
  static const auto* starts = new std::vector<PaperStart>{
      {"QAOA p=1", "QAOA p=1", "maxcut_qaoa.json", -1.4270, "−1.7392 (1), −1.9999 (11), −2.0000 (21)", "—"},
      {"rotational QAOA", "rotational QAOA", "maxcut_rqaoa.json", -0.2611, "−0.8171 (1), −1.9992 (11), −2.0000 (21)",
       "—"},
      {"hardware-efficient", "hardware-efficient", "maxcut_hea.json", -1.0000, "−1.8544 (1), −2.0000 (11)",
       "−1.3564 (2), −1.7868 (5), −1.8357 (10), −1.8375 (20), −1.8496 (100)"},
      {"QCBM", "QCBM", "maxcut_qcbm.json", 0.0000, "−1.3000 (1), −1.9997 (11), −2.0000 (21)",
       "−0.9380 (1), −1.7703 (10), −1.8673 (11), −1.8842 (100)"},
  };
  return *starts;
}

std::vector<double> Range0(size_t n) {
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = double(i);
  return x;
}

// ⟨H_c⟩ − (−2) per iteration (the gap to the minimum).
runner::PlotSeries GapSeries(const std::string& label, const std::vector<double>& costs) {
  runner::PlotSeries s{label, Range0(costs.size()), {}};
  for (double c : costs) s.y.push_back(c + 2.0);
  return s;
}

struct FidelityStats {
  double min = 1.0;
  double median = 1.0;
  int below_target = 0;
};

FidelityStats Fidelities(const v1::JobResult& r) {
  FidelityStats s;
  std::vector<double> f;
  for (const v1::IterationEvent& e : r.history()) {
    f.push_back(e.fidelity());
    s.min = std::min(s.min, e.fidelity());
    if (e.fidelity() < e.fidelity_target() - 1e-12) ++s.below_target;
  }
  if (!f.empty()) s.median = Median(f);
  return s;
}

// W − 2·expected_cut = final ⟨H_c⟩, so W = 2·expected_cut + final_cost.
double TotalWeight(const v1::JobResult& r) {
  return 2.0 * r.maxcut().expected_cut() + r.final_cost();
}

double Ratio(const v1::JobResult& r, double cost) {
  return (TotalWeight(r) - cost) / 2.0 / r.maxcut().max_cut();
}

}  // namespace

absl::Status RunMaxCut4(const Env& env) {
  const int learned_iterations = env.quick ? 20 : 100;
  std::printf("\n## (a) Max-Cut, 4 qubits, paper graph, from the four stalled starts\n\n");
  std::printf("Ideal quantum-gradient descent (exact guided state every step, η = 0.25), "
              "⟨H_c⟩ after k steps:\n\n");
  std::printf("| start | stalled ⟨H_c⟩ (paper) | k = 1 | k = 11 | k = 21 | paper |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::vector<runner::PlotSeries> ideal_series, paper_series, tight_series;
  struct Row {
    std::string label;
    v1::JobResult tight, paper, strict;
  };
  std::vector<Row> rows;
  for (const PaperStart& start : PaperStarts()) {
    absl::StatusOr<v1::JobSpec> tight = LoadExample(env, start.file);
    if (!tight.ok()) return tight.status();
    absl::StatusOr<IdealRun> ideal = IdealDescent(env, *tight, 21);
    if (!ideal.ok()) return ideal.status();
    std::printf("| %s | %s (%s) | %s | %s | %s | %s |\n", start.label.c_str(),
                Fmt(ideal->costs[0]).c_str(), Fmt(start.paper_stalled).c_str(),
                Fmt(ideal->costs[1]).c_str(), Fmt(ideal->costs[11]).c_str(),
                Fmt(ideal->costs[21]).c_str(), start.paper_ideal.c_str());
    ideal_series.push_back(GapSeries(start.plot_label, ideal->costs));

    absl::StatusOr<v1::JobResult> tight_run = RunSpec(env, *tight);
    if (!tight_run.ok()) return tight_run.status();
    // The paper's F_th = 0.99 as this optimizer applies it (lifted to 1 − I/10 once the
    // indicator is small), and held at exactly 0.99 (ceiling 0.99): a layer then has
    // nothing to do once 1 − I ≥ 0.99 and the run stops (no_progress).
    v1::JobSpec paper = *tight, strict = *tight;
    for (v1::JobSpec* spec : {&paper, &strict}) {
      v1::NestedMethod* nested = spec->mutable_method()->mutable_nested();
      nested->clear_fidelity_target();
      nested->mutable_fidelity_target()->set_fixed(0.99);
      if (spec == &strict) nested->mutable_fidelity_target()->set_ceiling(0.99);
      nested->mutable_stop()->set_max_iterations(learned_iterations);
    }
    paper.set_name(absl::StrCat(tight->name(), " [F_th max(0.99, 1 - I/10)]"));
    strict.set_name(absl::StrCat(tight->name(), " [F_th exactly 0.99]"));
    absl::StatusOr<v1::JobResult> paper_run = RunSpec(env, paper);
    if (!paper_run.ok()) return paper_run.status();
    absl::StatusOr<v1::JobResult> strict_run = RunSpec(env, strict);
    if (!strict_run.ok()) return strict_run.status();
    const std::string stem = start.file.substr(0, start.file.size() - 5);
    if (auto s = SaveResult(env, "maxcut4", stem + "_tight", *tight_run); !s.ok()) return s;
    if (auto s = SaveResult(env, "maxcut4", stem + "_fth099", *paper_run); !s.ok()) return s;
    if (auto s = SaveResult(env, "maxcut4", stem + "_fth099_strict", *strict_run); !s.ok()) {
      return s;
    }
    paper_series.push_back(GapSeries(start.plot_label, CostSeries(*paper_run)));
    tight_series.push_back(GapSeries(start.plot_label, CostSeries(*tight_run)));
    rows.push_back({start.label, *tight_run, *paper_run, *strict_run});
  }

  // The hardware-efficient ansatz stalls at ⟨H_c⟩ = −1 on a continuum of states whose
  // variance (and so the first ideal step) differs: sample it from random pre-training starts.
  {
    absl::StatusOr<v1::JobSpec> spec = LoadExample(env, "maxcut_hea.json");
    if (!spec.ok()) return spec.status();
    std::mt19937_64 rng(2026);
    std::uniform_real_distribution<double> angle(-std::numbers::pi, std::numbers::pi);
    const int samples = env.quick ? 5 : 200;
    double lo = 1e300, hi = -1e300, stall_lo = 1e300, stall_hi = -1e300;
    for (int i = 0; i < samples; ++i) {
      spec->mutable_initial_state()->clear_params();
      for (int p = 0; p < 4; ++p) spec->mutable_initial_state()->add_params(angle(rng));
      absl::StatusOr<IdealRun> run = IdealDescent(env, *spec, 1);
      if (!run.ok()) return run.status();
      stall_lo = std::min(stall_lo, run->costs[0]), stall_hi = std::max(stall_hi, run->costs[0]);
      lo = std::min(lo, run->costs[1]), hi = std::max(hi, run->costs[1]);
    }
    std::printf("\nHardware-efficient start, %d random pre-training starts (COBYLA as in the "
                "spec): stalled ⟨H_c⟩ in [%s, %s], one ideal step then gives ⟨H_c⟩ in [%s, %s] "
                "(paper −1.8544).\n",
                samples, Fmt(stall_lo).c_str(), Fmt(stall_hi).c_str(), Fmt(lo).c_str(),
                Fmt(hi).c_str());
  }

  std::printf("\nLearned layers (greedy pool of 1-/2-qubit Pauli rotations, ≤ 10 gates per "
              "layer, η = 0.25), ⟨H_c⟩ after k iterations:\n\n");
  std::printf("| start | F_th | k = 1 | 2 | 5 | 10 | 11 | 20 | %d | stop | synthesis F min / "
              "median | steps below F_th | 2q gates added |\n",
              learned_iterations);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    for (int which = 0; which < 3; ++which) {
      const v1::JobResult& r = which == 0 ? row.strict : which == 1 ? row.paper : row.tight;
      const char* rule = which == 0   ? "0.99 exactly"
                         : which == 1 ? "max(0.99, 1 − I/10)"
                                      : "max(1 − I/10, 0.9999)";
      const FidelityStats f = Fidelities(r);
      std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%d it.) | %.4f / %.4f | "
                  "%d of %d | %d |\n",
                  row.label.c_str(), rule,
                  Fmt(CostAfter(r, 1)).c_str(), Fmt(CostAfter(r, 2)).c_str(),
                  Fmt(CostAfter(r, 5)).c_str(), Fmt(CostAfter(r, 10)).c_str(),
                  Fmt(CostAfter(r, 11)).c_str(), Fmt(CostAfter(r, 20)).c_str(),
                  which < 2 ? Fmt(CostAfter(r, learned_iterations)).c_str() : "",
                  r.stop_reason().c_str(), r.history_size(), f.min, f.median, f.below_target,
                  r.history_size(), r.counts().added_two_qubit_gates());
    }
  }
  std::printf("\nPaper, learned layers (F_th 0.99, PPO gate choice + COBYLA):\n\n");
  for (const PaperStart& start : PaperStarts()) {
    std::printf("- %s: %s\n", start.label.c_str(), start.paper_learned.c_str());
  }
  return SavePlot(env, "maxcut4.svg",
                  {{"Ideal quantum-gradient descent (η = 0.25)", "⟨H_c⟩ + 2", true, ideal_series},
                   {"Learned layers, F_th = max(0.99, 1 − I/10), ≤ 10 gates", "⟨H_c⟩ + 2", true,
                    paper_series},
                   {"Learned layers, F_th = max(1 − I/10, 0.9999), ≤ 10 gates", "⟨H_c⟩ + 2", true,
                    tight_series}},
                  "Max-Cut, 4 qubits: gap to the minimum −2 against the iteration",
                  {"gradient step", "outer iteration", "outer iteration"});
}

namespace {

// One protocol of (e): the nested method's settings, the rest of the spec unchanged.
struct RegularVariant {
  std::string label;
  std::string stem;  // result file suffix
  double relative_step;
  bool centered;
  std::string hand_back;  // "" = the pure method
  int max_gates = 20;     // greedy rotations per layer
};

void SetRegularProtocol(const RegularVariant& v, int iterations, v1::NestedMethod& nested) {
  nested.Clear();
  nested.set_relative_step_size(v.relative_step);
  nested.set_centered_step(v.centered);
  nested.mutable_fidelity_target()->set_indicator_fraction(0.1);
  nested.mutable_fidelity_target()->set_floor(0.999);
  nested.set_max_gates_per_layer(v.max_gates);
  nested.mutable_warm_start()->set_optimizer("cobyla");
  nested.mutable_stop()->set_max_iterations(iterations);
  if (!v.hand_back.empty()) nested.set_hand_back(v.hand_back);
}

int RefusedLayers(const v1::JobResult& r) {
  int refused = 0;
  for (const v1::IterationEvent& e : r.history()) refused += e.refused_layers();
  return refused;
}

}  // namespace

absl::Status RunRegular(const Env& env) {
  struct Graph {
    std::string label;
    std::string file;  // example spec whose problem is used
    int nodes;         // > 0: the random 3-regular graph of that size instead (seed 7)
  };
  std::vector<Graph> graphs = {
      {"random 3-regular, seed 7", "maxcut_3regular8.json", 0},
      {"Petersen", "maxcut_petersen.json", 0},
      {"random 3-regular, seed 7", "maxcut_3regular12.json", 0},
      {"random 3-regular, seed 7", "maxcut_3regular16.json", 0},
      {"random 3-regular, seed 7", "maxcut_3regular16.json", 20},
  };
  if (env.quick) graphs.resize(2);
  const std::vector<RegularVariant> variants = {
      {"pure, paper step η = 1/‖H‖₁", "paper", 1.0, false, ""},
      {"pure, centered step η = 4/‖H‖₁", "centered", 4.0, true, ""},
      {"centered η = 4/‖H‖₁, hand-back at the end", "handback", 4.0, true, "at_end"},
      {"pure, centered η = 4/‖H‖₁, ≤ 120 gates per layer", "wide", 4.0, true, "", 120},
  };
  const int iterations = 20;
  std::printf("\n## (e) Max-Cut on 3-regular graphs from stalled QAOA p=1\n\n");
  std::printf("Every graph and variant: |+⟩, QAOA p=1 pre-trained by COBYLA until it stalls, "
              "F_th = max(1 − I/10, 0.999), ≤ 20 gates per layer (120 in the wide variant) "
              "from the all-pairs pool, "
              "%d iterations; a layer that would raise the cost is refused (η halved, learned "
              "again). Variants: the paper's step with η = 1/‖H_c‖₁ (= 1/|E|, the paper's 0.25 "
              "on its 4-edge graph); the centered step with η = 4/‖H_c‖₁; the centered run "
              "followed by L-BFGS over all angles (hand-back at the end; not the pure "
              "method).\n\n",
              iterations);
  std::printf("| graph | n | variant | QAOA p=1 ratio | k = 5 | k = 10 | k = %d | final | best "
              "sampled cut / max | 2q gates added | refused layers | synthesis F median | wall "
              "s |\n",
              iterations);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::vector<runner::PlotSeries> series;
  for (const Graph& g : graphs) {
    for (const RegularVariant& v : variants) {
      // At 20 qubits only the pure centered run (the timing of issue 13); wide layers up to
      // 12 qubits (a 16-qubit run takes over 10 minutes).
      if (g.nodes == 20 && v.stem != "centered") continue;
      if (v.stem == "wide" && (env.quick || g.file == "maxcut_3regular16.json")) continue;
      absl::StatusOr<v1::JobSpec> spec = LoadExample(env, g.file);
      if (!spec.ok()) return spec.status();
      if (g.nodes > 0) {
        spec->mutable_problem()->mutable_maxcut()->mutable_generator()->set_num_nodes(g.nodes);
      }
      SetRegularProtocol(v, iterations, *spec->mutable_method()->mutable_nested());
      absl::StatusOr<v1::JobResult> r = RunSpec(env, *spec);
      if (!r.ok()) return r.status();
      const std::string stem =
          absl::StrCat(g.file.substr(0, g.file.size() - 5), g.nodes ? absl::StrCat("_n", g.nodes) : "",
                       "_", v.stem);
      if (auto s = SaveResult(env, "regular", stem, *r); !s.ok()) return s;
      const FidelityStats f = Fidelities(*r);
      std::printf("| %s | %d | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.0f / %.0f | %d | %d | "
                  "%.4f | %.1f |\n",
                  g.label.c_str(), r->num_qubits(), v.label.c_str(),
                  Ratio(*r, r->warm_start_cost()), Ratio(*r, CostAfter(*r, 5)),
                  Ratio(*r, CostAfter(*r, 10)), Ratio(*r, CostAfter(*r, iterations)),
                  r->maxcut().approximation_ratio(), r->maxcut().best_sampled_cut(),
                  r->maxcut().max_cut(), r->counts().added_two_qubit_gates(), RefusedLayers(*r),
                  f.median, r->wall_seconds());
      std::fflush(stdout);
      if (v.stem == "handback" || v.stem == "wide") continue;
      runner::PlotSeries s{absl::StrCat(g.label == "Petersen" ? std::string("Petersen")
                                                              : absl::StrCat("n=", r->num_qubits()),
                                        v.centered ? " centered" : " paper"),
                           {}, {}};
      const std::vector<double> costs = CostSeries(*r);
      for (size_t k = 0; k < costs.size(); ++k) {
        s.x.push_back(double(k));
        s.y.push_back(Ratio(*r, costs[k]));
      }
      series.push_back(std::move(s));
    }
  }
  return SavePlot(env, "maxcut_regular.svg",
                  {{"Approximation ratio (expected cut / max cut)", "ratio", false, series}},
                  "Max-Cut on 3-regular graphs from stalled QAOA p=1 (pure nested method)",
                  {"outer iteration"});
}

absl::Status RunTiming12(const Env& env) {
  const int iterations = env.quick ? 5 : 20;
  absl::StatusOr<v1::JobSpec> spec = LoadExample(env, "maxcut_3regular12.json");
  if (!spec.ok()) return spec.status();
  spec->mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(iterations);
  absl::StatusOr<runner::BuiltProblem> problem =
      runner::BuildProblem(spec->problem(), env.examples_dir);
  if (!problem.ok()) return problem.status();
  absl::StatusOr<runner::StartCircuit> start =
      runner::BuildStart(spec->initial_state(), *problem, spec->seed());
  if (!start.ok()) return start.status();
  absl::StatusOr<optimizer::NestedOptions> options = runner::ToNestedOptions(
      spec->method().nested(), spec->limits(), problem->num_qubits);
  if (!options.ok()) return options.status();
  const sv::Simulator simulator;
  // The warm start runs first, on its own, so that every timed interval is one outer
  // iteration (estimate + guided state + synthesis + append).
  std::vector<double> params = start->params;
  if (options->warm_start) {
    absl::StatusOr<optimizer::LocalMinimum> warm = optimizer::MinimizeCost(
        simulator, problem->cost, start->circuit, params, *options->warm_start);
    if (!warm.ok()) return warm.status();
    params = warm->x;
    options->warm_start.reset();
  }
  const std::string load_before = LoadAverage();
  std::vector<double> stamps;
  optimizer::NestedCallbacks callbacks;
  callbacks.on_iteration = [&](const optimizer::IterationEvent& e) {
    stamps.push_back(e.elapsed_seconds);
  };
  absl::StatusOr<optimizer::NestedResult> run = optimizer::RunNested(
      simulator, problem->cost, start->circuit, params, *options, callbacks);
  if (!run.ok()) return run.status();
  std::vector<double> durations;
  for (size_t i = 0; i < stamps.size(); ++i) {
    durations.push_back(stamps[i] - (i == 0 ? 0.0 : stamps[i - 1]));
  }
  std::vector<int> gates;
  for (const optimizer::IterationEvent& e : run->history) gates.push_back(e.layer_gates);
  const double slowest = durations.empty() ? 0.0 : *std::max_element(durations.begin(), durations.end());
  const double fastest = durations.empty() ? 0.0 : *std::min_element(durations.begin(), durations.end());
  std::printf("\n## Outer-iteration time, 12-qubit Max-Cut (examples/maxcut_3regular12.json)\n\n");
  std::printf("Greedy pool (all pairs), ≤ 10 gates per layer, %zu timed iterations after the "
              "warm start; load average before / after: %s / %s.\n\n",
              durations.size(), load_before.c_str(), LoadAverage().c_str());
  std::printf("| median | min | max | mean gates per layer | target |\n|---|---|---|---|---|\n");
  double mean_gates = 0.0;
  for (int g : gates) mean_gates += g;
  if (!gates.empty()) mean_gates /= double(gates.size());
  std::printf("| %.3f s | %.3f s | %.3f s | %.1f | ≤ 1 s |\n", Median(durations), fastest, slowest,
              mean_gates);
  std::printf("\nPer iteration (s):");
  for (double d : durations) std::printf(" %.3f", d);
  std::printf("\n");
  return absl::OkStatus();
}

}  // namespace qgrad::bench
