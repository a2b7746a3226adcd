// (c) The barren-plateau benchmark: McClean-style random circuits (RY(π/4) on every qubit,
// 20 layers of random RX/RY/RZ + CZ chain), n = 4, 6, 8, 10, 10 circuits each, three costs;
// parameter-shift descent (lr 0.5, 20 iterations) against the nested optimizer from the
// same circuit (η = 0.5, all-pairs pool, stopped once its added two-qubit gates exceed 19·n),
// pure and with a classical hand-back over all angles at the end.
//
// Thread-safety: single-threaded driver code.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/repro.h"

namespace qgrad::bench {

absl::Status RunBarrenPlateau(const Env& env) {
  absl::StatusOr<v1::JobSpec> nested_base = LoadExample(env, "barren_plateau.json");
  if (!nested_base.ok()) return nested_base.status();
  absl::StatusOr<v1::JobSpec> shift_base = LoadExample(env, "barren_plateau_shift.json");
  if (!shift_base.ok()) return shift_base.status();
  const std::vector<int> sizes = env.quick ? std::vector<int>{4, 6} : std::vector<int>{4, 6, 8, 10};
  const int circuits = env.quick ? 3 : 10;
  struct CostKind {
    std::string kind, label;
  };
  const std::vector<CostKind> kinds = {{"local_z", "C_locZ = (1 − ⟨Z_0⟩)/2"},
                                       {"ring_energy", "C_eng (normalized ring energy)"},
                                       {"global_z", "C_Zn = (1 − ⟨Z^⊗n⟩)/2"}};
  std::printf("\n## (c) Barren-plateau benchmark\n\n%d random circuits per n (JobSpec.seed = "
              "1..%d), mean ± standard error of the final cost. Parameter shift: lr 0.5, 20 "
              "iterations on the circuit's 20·n angles. Nested: η = 0.5, F_th = 1 − I/10, "
              "≤ 20 gates per layer from all 1-/2-qubit Pauli rotations, stopped after the "
              "layer that takes its added two-qubit gates above 19·n (≤ 60 iterations). Layer "
              "gain: (F − (1 − I))/I, the fraction of the overlap gap to the guided state a "
              "layer closes (1 = the exact step).\n\n",
              circuits, circuits);
  std::printf("Hand-back: the same nested run, then L-BFGS over all the circuit's angles (its "
              "20·n and the layers'; adds no gate; not the pure method).\n\n");
  std::printf("| cost | n | start | parameter shift | nested (pure) | nested + hand-back at "
              "end | pure lower | hand-back lower | nested 2q added | nested iterations | "
              "layer gain (median) | wall s shift / nested / hand-back |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::vector<runner::PlotPanel> panels;
  for (const CostKind& kind : kinds) {
    runner::PlotPanel panel{kind.label, "mean final cost", true, {}};
    runner::PlotSeries start_s{"start", {}, {}}, shift_s{"parameter shift", {}, {}},
        nested_s{"nested", {}, {}},
        handback_s{"nested + hand-back at end", {}, {}};
    for (int n : sizes) {
      std::vector<double> start, shift, nested, handback, added, iters, gains;
      double shift_seconds = 0.0, nested_seconds = 0.0, handback_seconds = 0.0;
      int nested_lower = 0, handback_lower = 0;
      for (int seed = 1; seed <= circuits; ++seed) {
        v1::JobSpec ns = *nested_base, ss = *shift_base;
        for (v1::JobSpec* spec : {&ns, &ss}) {
          spec->mutable_problem()->mutable_model()->set_kind(kind.kind);
          spec->mutable_problem()->mutable_model()->set_num_qubits(n);
          spec->set_seed(uint64_t(seed));
        }
        ns.mutable_method()->mutable_nested()->mutable_stop()->set_max_added_two_qubit_gates(19 * n);
        ns.set_name(absl::StrCat("barren plateau ", kind.kind, " n=", n, " seed=", seed, " nested"));
        ss.set_name(absl::StrCat("barren plateau ", kind.kind, " n=", n, " seed=", seed,
                                 " parameter shift"));
        absl::StatusOr<v1::JobResult> rn = RunSpec(env, ns);
        if (!rn.ok()) return rn.status();
        absl::StatusOr<v1::JobResult> rs = RunSpec(env, ss);
        if (!rs.ok()) return rs.status();
        v1::JobSpec hs = ns;
        hs.mutable_method()->mutable_nested()->set_hand_back("at_end");
        hs.set_name(absl::StrCat(ns.name(), " + hand-back at end"));
        absl::StatusOr<v1::JobResult> rh = RunSpec(env, hs);
        if (!rh.ok()) return rh.status();
        const std::string stem = absl::StrCat(kind.kind, "_n", n, "_s", seed);
        if (auto s = SaveResult(env, "barren", stem + "_nested", *rn); !s.ok()) return s;
        if (auto s = SaveResult(env, "barren", stem + "_shift", *rs); !s.ok()) return s;
        if (auto s = SaveResult(env, "barren", stem + "_handback", *rh); !s.ok()) return s;
        handback.push_back(rh->final_cost());
        if (rh->final_cost() < rs->final_cost()) ++handback_lower;
        handback_seconds += rh->wall_seconds();
        start.push_back(rn->start_cost());
        nested.push_back(rn->final_cost());
        shift.push_back(rs->final_cost());
        added.push_back(rn->counts().added_two_qubit_gates());
        iters.push_back(rn->history_size());
        if (rn->final_cost() < rs->final_cost()) ++nested_lower;
        // The fraction of the overlap gap to the guided state a layer closes:
        // (F − (1 − I)) / I, 1 for a perfect layer.
        for (const v1::IterationEvent& e : rn->history()) {
          if (e.indicator() > 0) gains.push_back((e.fidelity() - (1.0 - e.indicator())) / e.indicator());
        }
        shift_seconds += rs->wall_seconds();
        nested_seconds += rn->wall_seconds();
      }
      const MeanSe st = MeanAndSe(start), sh = MeanAndSe(shift), ne = MeanAndSe(nested),
                   hb = MeanAndSe(handback);
      std::printf("| %s | %d | %s | %s | %s | %s | %d of %d | %d of %d | %.0f | %.1f | %.2f | "
                  "%.1f / %.1f / %.1f |\n",
                  kind.kind.c_str(), n, FmtMeanSe(st).c_str(), FmtMeanSe(sh).c_str(),
                  FmtMeanSe(ne).c_str(), FmtMeanSe(hb).c_str(), nested_lower, circuits,
                  handback_lower, circuits, MeanAndSe(added).mean, MeanAndSe(iters).mean,
                  Median(gains), shift_seconds, nested_seconds, handback_seconds);
      std::fflush(stdout);
      start_s.x.push_back(n), start_s.y.push_back(st.mean);
      shift_s.x.push_back(n), shift_s.y.push_back(sh.mean);
      nested_s.x.push_back(n), nested_s.y.push_back(ne.mean);
      handback_s.x.push_back(n), handback_s.y.push_back(hb.mean);
    }
    panel.series = {start_s, shift_s, nested_s, handback_s};
    panels.push_back(std::move(panel));
  }
  return SavePlot(env, "barren_plateau.svg", panels,
                  "Barren-plateau benchmark: mean final cost against n (10 circuits each)",
                  {"qubits n", "qubits n", "qubits n"});
}

}  // namespace qgrad::bench
