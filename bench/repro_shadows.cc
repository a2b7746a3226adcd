// Shadows-mode experiments (issue: device-realistic estimation): the nested optimizer run
// from measurement data only, through the local backend's OpenQASM text path.
//  - shadows_maxcut: the paper's four stalled starts and a random 3-regular 8-node graph
//    (approximation ratio and total shots), the ratio against the shots per iteration, and
//    exact and shadows convergence overlaid (docs/plots/shadows_convergence.svg).
//  - shadows_fidelity: fidelity-estimation error against n = 4…12 at a fixed shot count,
//    Clifford against Pauli shadows (docs/plots/shadows_fidelity_error.svg).
//  - shadows_iteration: what one outer iteration of 8-qubit Max-Cut costs in shots,
//    circuits and classical time.
//
// Thread-safety: single-threaded driver code (the simulator may use OpenMP inside).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/local/local_backend.h"
#include "bench/repro.h"
#include "estimation/shadow_measurement.h"
#include "shadows/shadow.h"

namespace qgrad::bench {
namespace {

const char* const kStarts[][2] = {{"QAOA p=1", "maxcut_qaoa_shadows.json"},
                                  {"rotational QAOA", "maxcut_rqaoa_shadows.json"},
                                  {"hardware-efficient", "maxcut_hea_shadows.json"},
                                  {"QCBM", "maxcut_qcbm_shadows.json"}};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void PrintMaxCutRow(const std::string& label, const v1::JobResult& r, double seconds) {
  std::printf("| %s | %s | %s | %d | %lld | %lld | %.3f | %s | %.1f s |\n", label.c_str(),
              Fmt(r.start_cost()).c_str(), Fmt(r.exact_final_cost()).c_str(),
              r.history_size(), (long long)r.estimation().shots(),
              (long long)r.estimation().circuits(), r.estimation().post_selection_rate(),
              Fmt(r.maxcut().approximation_ratio()).c_str(), seconds);
}

absl::StatusOr<v1::JobResult> RunTimed(const Env& env, const v1::JobSpec& spec, double& seconds) {
  const auto begin = std::chrono::steady_clock::now();
  absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
  seconds = Seconds(begin);
  return r;
}

absl::Status StartsTable(const Env& env) {
  std::printf("\n## Max-Cut in shadows mode (local backend, OpenQASM text path)\n\n");
  std::printf("| start | start cost | final cost (exact) | iterations | shots | circuits | "
              "post-selection | ratio | wall |\n|---|---|---|---|---|---|---|---|---|\n");
  std::vector<std::pair<std::string, std::string>> runs;
  for (const auto& start : kStarts) runs.emplace_back(start[0], start[1]);
  runs.emplace_back("3-regular, 8 nodes", "maxcut_3regular8_shadows.json");
  for (const auto& [label, file] : runs) {
    absl::StatusOr<v1::JobSpec> spec = LoadExample(env, file);
    if (!spec.ok()) return spec.status();
    double seconds = 0.0;
    absl::StatusOr<v1::JobResult> r = RunTimed(env, *spec, seconds);
    if (!r.ok()) return r.status();
    if (absl::Status s = SaveResult(env, "shadows_maxcut", file.substr(0, file.size() - 5), *r);
        !s.ok()) {
      return s;
    }
    PrintMaxCutRow(label, *r, seconds);
  }
  return absl::OkStatus();
}

absl::Status RatioAgainstShots(const Env& env) {
  std::printf("\n### Ratio against shots per iteration (QAOA start, Clifford, 10 shots per "
              "setting, 12 iterations, 5 seeds)\n\n"
              "| shots per iteration | total shots (mean) | ratio mean ± s.e. | min |\n"
              "|---|---|---|---|\n");
  absl::StatusOr<v1::JobSpec> base = LoadExample(env, "maxcut_qaoa_shadows.json");
  if (!base.ok()) return base.status();
  const int seeds = env.quick ? 2 : 5;
  for (int64_t shots : {1000, 2000, 4000, 10000, 20000}) {
    std::vector<double> ratios, totals;
    for (int seed = 1; seed <= seeds; ++seed) {
      v1::JobSpec spec = *base;
      spec.set_seed(seed);
      v1::ShadowEstimation& m = *spec.mutable_estimation()->mutable_shadows();
      m.set_shots_per_iteration(shots);
      spec.mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(12);
      absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
      if (!r.ok()) return r.status();
      ratios.push_back(r->maxcut().approximation_ratio());
      totals.push_back(double(r->estimation().shots()));
    }
    std::printf("| %lld | %.0f | %s | %s |\n", (long long)shots, MeanAndSe(totals).mean,
                FmtMeanSe(MeanAndSe(ratios)).c_str(),
                Fmt(*std::min_element(ratios.begin(), ratios.end())).c_str());
  }
  return absl::OkStatus();
}

absl::Status ConvergenceOverlay(const Env& env) {
  absl::StatusOr<v1::JobSpec> shadows_spec = LoadExample(env, "maxcut_qaoa_shadows.json");
  if (!shadows_spec.ok()) return shadows_spec.status();
  v1::JobSpec exact_spec = *shadows_spec;
  exact_spec.clear_estimation();
  absl::StatusOr<v1::JobResult> exact = RunSpec(env, exact_spec);
  if (!exact.ok()) return exact.status();
  absl::StatusOr<v1::JobResult> measured = RunSpec(env, *shadows_spec);
  if (!measured.ok()) return measured.status();
  runner::PlotPanel cost{"⟨H_c⟩ before each layer (shadows: the estimate)", "cost", false, {}};
  runner::PlotPanel indicator{"indicator I_t", "I_t", true, {}};
  const std::string shadows_label = absl::StrCat(
      "shadows, ", shadows_spec->estimation().shadows().shots_per_iteration(), " shots/iteration");
  for (const auto& [label, r] : {std::pair<std::string, const v1::JobResult*>{"exact", &*exact},
                                 {shadows_label, &*measured}}) {
    runner::PlotSeries c{label, {}, CostSeries(*r)};
    runner::PlotSeries i{label, {}, {}};
    for (size_t k = 0; k < c.y.size(); ++k) c.x.push_back(double(k));
    for (const v1::IterationEvent& e : r->history()) {
      i.x.push_back(e.iteration());
      i.y.push_back(e.indicator());
    }
    cost.series.push_back(std::move(c));
    indicator.series.push_back(std::move(i));
  }
  return SavePlot(env, "shadows_convergence.svg", {cost, indicator},
                  "Max-Cut from the stalled QAOA start: exact and shadows estimation",
                  {"outer iteration", "outer iteration"});
}

// A seeded 3-layer hardware-efficient state on n qubits (ry, rz, cz chain).
Circuit StateCircuit(int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> angle(-3.14159, 3.14159);
  Circuit c(n);
  for (int layer = 0; layer < 3; ++layer) {
    for (int q = 0; q < n; ++q) {
      (void)c.Add(GateKind::kRY, {q}, {Angle::Fixed(angle(rng))});
      (void)c.Add(GateKind::kRZ, {q}, {Angle::Fixed(angle(rng))});
    }
    for (int q = 0; q + 1 < n; ++q) (void)c.Add(GateKind::kCZ, {q, q + 1});
  }
  return c;
}

absl::Status FidelityError(const Env& env) {
  const int64_t shots = 2000;
  const int repetitions = env.quick ? 5 : 20;
  std::printf("\n## Fidelity-estimation error against n (%lld shots, %d repetitions, "
              "local backend)\n\n| n | Pauli RMS error | Clifford RMS error |\n|---|---|---|\n",
              (long long)shots, repetitions);
  backends::local::LocalBackend backend;
  const sv::Simulator simulator;
  runner::PlotPanel panel{"|F̂ − 1| (RMS) for F = ⟨ψ|ρ̂|ψ⟩, ρ = |ψ⟩⟨ψ|", "RMS error", true, {}};
  runner::PlotSeries pauli{"Pauli (100 shots/setting)", {}, {}};
  runner::PlotSeries clifford{"Clifford (10 shots/setting)", {}, {}};
  for (int n = 4; n <= 12; ++n) {
    std::mt19937_64 rng(1000 + n);
    const Circuit circuit = StateCircuit(n, rng);
    auto psi = simulator.Prepare(circuit, {});
    if (!psi.ok()) return psi.status();
    double rms[2] = {0, 0};
    for (int e = 0; e < 2; ++e) {
      for (int k = 0; k < repetitions; ++k) {
        estimation::ShadowRequest request;
        request.ensemble = e == 0 ? shadows::Ensemble::kPauli : shadows::Ensemble::kClifford;
        request.shots = shots;
        request.shots_per_setting = e == 0 ? 100 : 10;
        request.settings_seed = 7 * k + 1;
        request.shots_seed = 7 * k + 2;
        optimizer::EstimationReport report;
        auto shadow = estimation::MeasureShadow(backend, circuit, n, {}, request, report);
        if (!shadow.ok()) return shadow.status();
        auto f = shadows::EstimateFidelity(*shadow, psi->amplitudes());
        if (!f.ok()) return f.status();
        rms[e] += (f->value - 1.0) * (f->value - 1.0);
      }
      rms[e] = std::sqrt(rms[e] / repetitions);
    }
    std::printf("| %d | %.4f | %.4f |\n", n, rms[0], rms[1]);
    pauli.x.push_back(n);
    pauli.y.push_back(rms[0]);
    clifford.x.push_back(n);
    clifford.y.push_back(rms[1]);
  }
  panel.series = {pauli, clifford};
  return SavePlot(env, "shadows_fidelity_error.svg", {panel},
                  "Shadow fidelity error at 2,000 shots: Clifford flat, Pauli growing",
                  {"qubits n"});
}

}  // namespace

absl::Status RunShadowsMaxCut(const Env& env) {
  if (absl::Status s = StartsTable(env); !s.ok()) return s;
  if (absl::Status s = RatioAgainstShots(env); !s.ok()) return s;
  return ConvergenceOverlay(env);
}

absl::Status RunShadowsFidelity(const Env& env) { return FidelityError(env); }

absl::Status RunShadowsIteration(const Env& env) {
  std::printf("\n## One shadows-mode outer iteration, 8-qubit Max-Cut, 10^4 shots "
              "(examples/maxcut_3regular8_shadows.json, %d iterations); load average %s\n\n",
              env.quick ? 3 : 10, LoadAverage().c_str());
  std::printf("| ensemble (shots per setting) | shots | circuits | post-selection | "
              "median wall | min | max |\n|---|---|---|---|---|---|---|\n");
  for (const auto& [ensemble, per_setting] :
       {std::pair<std::string, int64_t>{"pauli", 100}, {"clifford", 10}}) {
    absl::StatusOr<v1::JobSpec> spec = LoadExample(env, "maxcut_3regular8_shadows.json");
    if (!spec.ok()) return spec.status();
    spec->mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(env.quick ? 3 : 10);
    v1::ShadowEstimation& m = *spec->mutable_estimation()->mutable_shadows();
    m.set_ensemble(ensemble);
    m.set_shots_per_iteration(10'000);
    m.set_shots_per_setting(per_setting);
    absl::StatusOr<v1::JobResult> r = RunSpec(env, *spec);
    if (!r.ok()) return r.status();
    std::vector<double> durations;
    double previous = 0.0;
    for (const v1::IterationEvent& e : r->history()) {
      durations.push_back(e.elapsed_seconds() - previous);
      previous = e.elapsed_seconds();
    }
    if (durations.empty()) continue;
    const v1::IterationEvent& first = r->history(0);
    std::printf("| %s (%lld) | %lld | %lld | %.3f | %.3f s | %.3f s | %.3f s |\n",
                ensemble.c_str(), (long long)per_setting,
                (long long)first.estimation().shots(), (long long)first.estimation().circuits(),
                first.estimation().post_selection_rate(), Median(durations),
                *std::min_element(durations.begin(), durations.end()),
                *std::max_element(durations.begin(), durations.end()));
  }
  std::printf("\nTarget: ≤ 1 s per outer iteration.\n");
  return absl::OkStatus();
}

}  // namespace qgrad::bench
