// (d) LiH (STO-3G, 2.2 Å, frozen core 1, frozen virtual 2; 6 qubits) from Hartree–Fock:
// the nested optimizer (several step sizes, with and without the 4-qubit excitation
// strings, with and without hand-back, the paper's and the centered step) against ADAPT-VQE
// and hardware-efficient VQE:
// energy error against iterations and against CNOT-equivalent two-qubit gate counts.
//
// Gate-count convention (optimizer::CnotCount): a Pauli rotation exp(−iθP/2) of weight w
// costs 2(w − 1) CNOTs (its parity ladder), so a 2-qubit rotation costs 2 and a 4-qubit
// excitation string 6; a CZ or any other two-qubit gate costs 1.
//
// Thread-safety: single-threaded driver code.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/repro.h"

namespace qgrad::bench {
namespace {

constexpr double kChemicalAccuracy = runner::kChemicalAccuracyHartree;  // 1.6 mHa

// One method's trace: error and CNOT-equivalents after k iterations, k = 0..K.
struct Trace {
  std::string label;
  std::string plot_label;  // short legend entry; empty: not plotted
  std::vector<double> error;
  std::vector<int> cnots;
  int two_qubit_rotations = 0;   // gates on exactly two qubits
  int four_qubit_rotations = 0;  // 4-qubit excitation strings
  double seconds = 0.0;
  std::string stop;
  int64_t cost_evaluations = 0;  // baselines; nested: fidelity-gradient evaluations
};

int Weight(const std::string& pauli) {
  int w = 0;
  for (absl::string_view token : absl::StrSplit(pauli, ' ', absl::SkipEmpty())) {
    if (!token.empty() && token[0] != 'I') ++w;
  }
  return w;
}

Trace FromNested(const std::string& label, const TrackedRun& run, double exact) {
  Trace t{label, "", {}, {}, 0, 0, run.result.wall_seconds(), run.result.stop_reason(),
          run.result.counts().fidelity_evaluations()};
  const std::vector<double> costs = CostSeries(run.result);
  for (size_t k = 0; k < costs.size(); ++k) {
    t.error.push_back(costs[k] - exact);
    t.cnots.push_back(k == 0 ? run.start_cnots : run.cnots[std::min(k - 1, run.cnots.size() - 1)]);
  }
  t.two_qubit_rotations = run.result.counts().two_qubit_gates();
  t.four_qubit_rotations = run.multi_qubit_gates;  // the pool's only 3+-qubit gates
  return t;
}

Trace FromAdapt(const std::string& label, const v1::JobResult& r, double exact) {
  Trace t{label, "", {r.start_cost() - exact}, {0}, 0, 0, r.wall_seconds(), r.stop_reason(),
          r.counts().cost_evaluations()};
  for (const v1::IterationEvent& e : r.history()) {
    const int w = Weight(e.added_operator());
    t.error.push_back(e.cost() - exact);
    t.cnots.push_back(t.cnots.back() + 2 * std::max(w - 1, 0));
    if (w == 2) ++t.two_qubit_rotations;
    if (w == 4) ++t.four_qubit_rotations;
  }
  return t;
}

// First k with error ≤ threshold, or −1.
int FirstBelow(const Trace& t, double threshold) {
  for (size_t k = 0; k < t.error.size(); ++k) {
    if (t.error[k] <= threshold) return int(k);
  }
  return -1;
}

std::string AtK(const Trace& t, int k) {
  if (t.error.empty()) return "−";
  return Sci(t.error[std::min<size_t>(k, t.error.size() - 1)]);
}

void PrintRow(const Trace& t, int adapt_iterations) {
  const int chem = FirstBelow(t, kChemicalAccuracy);
  const int micro = FirstBelow(t, 1e-6);
  auto reached = [&](int k) {
    return k < 0 ? std::string("not reached") : absl::StrCat(k, " / ", t.cnots[k]);
  };
  std::printf("| %s | %s | %s | %s | %s | %zu | %d | %d + %d | %lld | %.3f | %s |\n",
              t.label.c_str(), AtK(t, adapt_iterations).c_str(), reached(chem).c_str(),
              reached(micro).c_str(), Sci(t.error.back()).c_str(), t.error.size() - 1,
              t.cnots.back(), t.two_qubit_rotations, t.four_qubit_rotations,
              static_cast<long long>(t.cost_evaluations), t.seconds, t.stop.c_str());
}

}  // namespace

absl::Status RunLiH(const Env& env) {
  absl::StatusOr<v1::JobSpec> nested_base = LoadExample(env, "lih.json");
  if (!nested_base.ok()) return nested_base.status();
  absl::StatusOr<v1::JobSpec> adapt_base = LoadExample(env, "lih_adapt.json");
  if (!adapt_base.ok()) return adapt_base.status();
  absl::StatusOr<v1::JobSpec> hea_base = LoadExample(env, "lih_hea.json");
  if (!hea_base.ok()) return hea_base.status();
  const double exact = nested_base->problem().exact_cost();
  const int nested_iterations = 50;

  std::vector<Trace> traces;
  // ADAPT-VQE: the paper's 1-/2-qubit pool, then with the 4-qubit strings.
  for (bool excitations : {false, true}) {
    v1::JobSpec spec = *adapt_base;
    spec.mutable_method()->mutable_adapt_vqe()->set_qubit_excitations(excitations);
    absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
    if (!r.ok()) return r.status();
    const std::string name = excitations ? "adapt_excitations" : "adapt_plain";
    if (auto s = SaveResult(env, "lih", name, *r); !s.ok()) return s;
    traces.push_back(FromAdapt(excitations ? "ADAPT-VQE, 1-/2-qubit pool + 4-qubit strings"
                                           : "ADAPT-VQE, 1-/2-qubit pool (paper's pool)",
                               *r, exact));
    if (excitations) traces.back().plot_label = "ADAPT-VQE";
  }
  const double hartree_fock_error = traces.back().error[0];
  const int adapt_iterations = int(traces.back().error.size()) - 1;

  // Nested: the paper's pool, then the pool with 4-qubit strings at three step sizes, then
  // with the hand-back (L-BFGS over all angles) after every layer.
  // The centered step (I − η(H − ⟨H⟩))ψ: the paper's (I − ηH)ψ has the tangent step
  // η/(1 − η⟨H⟩), at most 1/|⟨H⟩| ≈ 0.128 Ha⁻¹ for any η > 0 while ⟨H⟩ ≈ −7.8 Ha; centering
  // lifts that cap.
  struct Variant {
    std::string name, label, plot_label;
    bool excitations;
    double step;  // > 0 absolute η; < 0: relative, η = −step/‖H‖₁
    std::string hand_back;
    bool centered = false;
  };
  const std::vector<Variant> variants = {
      {"nested_plain", "nested, 1-/2-qubit pool, η = 0.5/‖H‖₁", "", false, -0.5, "never"},
      {"nested_rel05", "nested + 4-qubit strings, η = 0.5/‖H‖₁ = 0.054", "nested η=0.054", true,
       -0.5, "never"},
      {"nested_eta1", "nested + 4-qubit strings, η = 1", "", true, 1.0, "never"},
      {"nested_eta1000", "nested + 4-qubit strings, η = 1000", "nested η=1000", true, 1000.0,
       "never"},
      {"nested_handback", "nested + 4-qubit strings, η = 1000, hand-back every layer",
       "nested+hand-back", true, 1000.0, "every_iteration"},
      {"nested_centered_eta0.5", "nested + 4-qubit strings, centered step, η = 0.5", "", true,
       0.5, "never", true},
      {"nested_centered_eta2", "nested + 4-qubit strings, centered step, η = 2",
       "nested centered η=2", true, 2.0, "never", true},
      {"nested_centered_eta10", "nested + 4-qubit strings, centered step, η = 10",
       "nested centered η=10", true, 10.0, "never", true},
      {"nested_centered_rel05", "nested + 4-qubit strings, centered step, η = 0.5/‖H − h₀‖₁",
       "", true, -0.5, "never", true},
  };
  for (const Variant& v : variants) {
    v1::JobSpec spec = *nested_base;
    v1::NestedMethod* m = spec.mutable_method()->mutable_nested();
    m->set_qubit_excitations(v.excitations);
    if (v.step > 0) {
      m->set_step_size(v.step);
    } else {
      m->set_relative_step_size(-v.step);
    }
    m->set_hand_back(v.hand_back);
    m->set_centered_step(v.centered);
    m->mutable_stop()->set_max_iterations(nested_iterations);
    m->mutable_stop()->set_max_layers(nested_iterations);
    spec.set_name(absl::StrCat("LiH 6 qubits: ", v.label));
    absl::StatusOr<TrackedRun> r = RunNestedTracked(env, spec);
    if (!r.ok()) return r.status();
    if (auto s = SaveResult(env, "lih", v.name, r->result); !s.ok()) return s;
    traces.push_back(FromNested(v.label, *r, exact));
    traces.back().plot_label = v.plot_label;
  }

  // Hardware-efficient VQE: CZ chain, L-BFGS from seeded random angles; 5 seeds per depth.
  struct HeaRow {
    int layers;
    std::vector<double> errors;
    int cnots;
    double seconds = 0.0;
    int64_t evaluations = 0;
  };
  std::vector<HeaRow> hea_rows;
  for (int layers : {2, 4, 6}) {
    HeaRow row{layers, {}, 0};
    for (int seed = 1; seed <= (env.quick ? 2 : 5); ++seed) {
      v1::JobSpec spec = *hea_base;
      spec.mutable_method()->mutable_hea_vqe()->set_layers(layers);
      spec.set_seed(uint64_t(seed));
      absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
      if (!r.ok()) return r.status();
      if (auto s = SaveResult(env, "lih", absl::StrCat("hea_l", layers, "_s", seed), *r); !s.ok()) {
        return s;
      }
      row.errors.push_back(r->error());
      row.cnots = r->counts().two_qubit_gates();
      row.seconds += r->wall_seconds();
      row.evaluations += r->counts().cost_evaluations();
    }
    hea_rows.push_back(std::move(row));
  }

  std::printf("\n## (d) LiH, 6 qubits (LiH_2.2.FCIDUMP, frozen core 1, frozen virtual 2), "
              "from Hartree–Fock\n\nExact −7.8097241274 Ha; Hartree–Fock error %s Ha. "
              "Two-qubit cost in CNOT-equivalents: a Pauli rotation of weight w costs 2(w − 1) "
              "(2 for a 2-qubit rotation, 6 for a 4-qubit excitation string), a CZ 1. Nested "
              "runs: F_th = max(1 − I/3, 0.999) (the paper's LiH rule), ≤ 20 gates per layer, "
              "%d iterations at most. \"k / CNOT\" = iteration and CNOT-equivalents when the "
              "error first falls below the threshold.\n\n",
              Sci(hartree_fock_error).c_str(), nested_iterations);
  std::printf("| method | error after %d it. (ADAPT's count) | chem. acc. (1.6 mHa) at k / CNOT | "
              "1e-6 Ha at k / CNOT | final error (Ha) | iterations | CNOT-eq. | 2q + 4q "
              "rotations | evaluations | wall s | stop |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n",
              adapt_iterations);
  for (const Trace& t : traces) PrintRow(t, adapt_iterations);
  std::printf("\nEvaluations: ADAPT counts energy (+gradient) evaluations; nested counts "
              "fidelity-gradient evaluations of its layer synthesis.\n");
  std::printf("\nHardware-efficient VQE (RY+RZ on every qubit, CZ chain, L-BFGS from random "
              "angles, ≤ 2000 evaluations; %d seeds):\n\n| entangling layers | CZ | best error | "
              "median error | seeds within chem. acc. | evaluations (all seeds) | wall s (all "
              "seeds) |\n|---|---|---|---|---|---|---|\n",
              env.quick ? 2 : 5);
  runner::PlotSeries hea_points{"HEA VQE (best)", {}, {}};
  for (const HeaRow& row : hea_rows) {
    std::vector<double> abs_errors;
    int chem = 0;
    for (double e : row.errors) {
      abs_errors.push_back(std::abs(e));
      if (e <= kChemicalAccuracy) ++chem;
    }
    const double best = *std::min_element(abs_errors.begin(), abs_errors.end());
    std::printf("| %d | %d | %s | %s | %d of %zu | %lld | %.2f |\n", row.layers, row.cnots,
                Sci(best).c_str(), Sci(Median(abs_errors)).c_str(), chem, row.errors.size(),
                static_cast<long long>(row.evaluations), row.seconds);
    hea_points.x.push_back(row.cnots);
    hea_points.y.push_back(best);
  }

  // Plots: |error| against the iteration and against CNOT-equivalents (log scale; the
  // exact floor 1e-13 is left out by clipping at 1e-10).
  std::vector<runner::PlotSeries> by_iteration, by_cnots;
  for (const Trace& t : traces) {
    if (t.plot_label.empty()) continue;
    runner::PlotSeries a{t.plot_label, {}, {}}, b{t.plot_label, {}, {}};
    for (size_t k = 0; k < t.error.size(); ++k) {
      const double e = std::max(std::abs(t.error[k]), 1e-10);
      a.x.push_back(double(k)), a.y.push_back(e);
      b.x.push_back(double(t.cnots[k])), b.y.push_back(e);
    }
    by_iteration.push_back(std::move(a));
    by_cnots.push_back(std::move(b));
  }
  by_cnots.push_back(hea_points);
  std::vector<runner::PlotPanel> panels = {
      {"Energy error against the iteration", "|E - exact| (Hartree)", true, by_iteration},
      {"Energy error against CNOT-equivalent two-qubit gates", "|E - exact| (Hartree)", true,
       by_cnots}};
  for (runner::PlotPanel& panel : panels) {
    panel.lines.push_back({"chemical accuracy (1.6 mHa)", kChemicalAccuracy});
  }
  return SavePlot(env, "lih.svg", panels, "LiH, 6 qubits, from Hartree-Fock",
                  {"outer iteration (nested) / ADAPT iteration",
                   "CNOT-equivalent two-qubit gates"});
}

}  // namespace qgrad::bench
