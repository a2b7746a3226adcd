// Beyond the paper: molecules at 8–14 qubits (examples/data/molecules/, generated with psi4
// by scripts/make_molecules.py) from Hartree–Fock, and LiH (6 qubits) from |+⟩^⊗6 with the
// paper's 1-/2-qubit pool.
//
// `molecules`: per molecule and active space, ADAPT-VQE with the 4-qubit excitation strings
// (the baseline) against the nested optimizer with the same pool — the paper's step, the
// centered step, and the centered step with the hand-back after every layer (not the pure
// method any more: shown beside it). `molecules_deep`: the 12–14-qubit spaces with far caps,
// ADAPT-VQE against the recompressed pure method and the hand-back variant, towards 1e-6 Ha.
// `lih_plus`: LiH_2.2 (frozen core 1, frozen virtual 2)
// from |+⟩^⊗6 with the all-pairs 1-/2-qubit pool only: nested, ADAPT-VQE with the same
// pool and hardware-efficient VQE, with what each run looks like where it stalls.
//
// Every run goes through the JobSpec path (RunSpec) and reads only the JobResult, so the
// mode keeps working while the optimizer changes. Errors are E − E_exact against psi4's
// FCI / CASCI energies (examples/data/molecules/energies.json). CNOT-equivalents: a Pauli
// rotation of weight w costs 2(w − 1) (IterationEvent.cnot_count, Counts.cnot_count).
//
// Thread-safety: single-threaded driver code.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/repro.h"
#include "optimizer/exact_reference.h"
#include "runner/problem.h"
#include "runner/start.h"

namespace qgrad::bench {
namespace {

constexpr double kChemicalAccuracy = 1.6e-3;
constexpr double kMicro = 1e-6;
// A step counts as uphill when the energy rises by more than this (round-off of ~1e-13 Ha
// on energies of 1–100 Ha is not a step).
constexpr double kUphillTolerance = 1e-10;

// The molecules of examples/data/molecules/ and psi4's exact energies (energies.json).
struct Molecule {
  const char* label;
  const char* file;
  int frozen_core;
  int qubits;
  double scf;
  double exact;
};
constexpr Molecule kMolecules[] = {
    {"H4 chain 1.0 Å", "H4_chain_1.0.FCIDUMP", 0, 8, -2.0985459368299, -2.1663874485275},
    {"H4 square 1.23 Å", "H4_square_1.23.FCIDUMP", 0, 8, -1.7792432698345, -1.9695121652439},
    {"LiH 1.6 Å, frozen core 1", "LiH_1.6.FCIDUMP", 1, 10, -7.8618647697840, -7.8820965999069},
    {"HF 0.917 Å, frozen core 1", "HF_0.917.FCIDUMP", 1, 10, -98.5707799860624,
     -98.5966034370099},
    {"LiH 1.6 Å, all electrons", "LiH_1.6.FCIDUMP", 0, 12, -7.8618647697840, -7.8823243788713},
    {"HF 0.917 Å, all electrons", "HF_0.917.FCIDUMP", 0, 12, -98.5707799860624,
     -98.5966241800688},
    {"H6 chain 1.0 Å", "H6_chain_1.0.FCIDUMP", 0, 12, -3.1355322137632, -3.2360662797759},
    {"BeH2 1.326 Å, frozen core 1", "BeH2_1.326.FCIDUMP", 1, 12, -15.5603349359521,
     -15.5948434748667},
    {"H2O, frozen core 1", "H2O_0.958_104.5.FCIDUMP", 1, 12, -74.9630485355311,
     -75.0125508846425},
    {"BeH2 1.326 Å, all electrons", "BeH2_1.326.FCIDUMP", 0, 14, -15.5603349359521,
     -15.5951823566535},
    {"H2O, all electrons", "H2O_0.958_104.5.FCIDUMP", 0, 14, -74.9630485355311,
     -75.0126289450518},
};

// Iteration caps (and a wall-clock net per run, checked between iterations).
struct Caps {
  int adapt_iterations;
  int nested_iterations;
  int handback_iterations;
  double wall_seconds;  // limits.max_wall_seconds of every run
};

// `molecules`: caps that keep the full mode within about 15 minutes on 2 loaded cores; the
// quick mode runs two molecules with smaller caps. The hand-back variant re-optimizes every
// angle after every layer, which at 12–14 qubits costs more than the layers themselves,
// hence its own cap.
Caps SurveyCaps(int qubits, bool quick) {
  if (quick) return {12, 6, 6, 10.0};
  if (qubits <= 8) return {60, 40, 40, 60.0};
  if (qubits <= 10) return {60, 30, 30, 60.0};
  if (qubits <= 12) return {40, 12, 6, 30.0};
  return {30, 6, 3, 40.0};
}

// `molecules_deep`: the 12–14-qubit spaces run until 1e-6 Ha or far caps (about 40 minutes
// on one idle core): enough for ADAPT-VQE to reach 1e-6 where it can, so that every method's
// CNOT count at 1e-6 has a baseline to be compared with.
Caps DeepCaps(int qubits, bool quick) {
  if (quick) return {20, 8, 8, 20.0};
  if (qubits <= 12) return {150, 24, 24, 600.0};
  return {120, 12, 16, 900.0};
}

// One run: energy error and CNOT-equivalents after k iterations, k = 0..K.
struct Trace {
  std::string label;
  std::vector<double> error;
  std::vector<int> cnots;
  double start_energy = 0.0;
  double final_energy = 0.0;
  double seconds = 0.0;
  std::string stop;
  int uphill_steps = 0;
  double max_rise = 0.0;
  v1::JobResult result;
};

// Nested: history[k].cost is the energy before layer k + 1, its cnot_count the circuit's
// after it. Baselines: history[k] is the state after step k + 1. Both: k = 0 is the start.
Trace MakeTrace(const std::string& label, const v1::JobResult& r, double exact,
                int start_cnots = 0) {
  Trace t;
  t.label = label;
  t.start_energy = r.start_cost();
  t.final_energy = r.final_cost();
  t.seconds = r.wall_seconds();
  t.stop = r.stop_reason();
  t.result = r;
  const bool nested = r.method() == "nested";
  t.error.push_back(r.start_cost() - exact);
  t.cnots.push_back(start_cnots);
  for (int k = 0; k < r.history_size(); ++k) {
    const v1::IterationEvent& e = r.history(k);
    const double after = nested ? (k + 1 < r.history_size() ? r.history(k + 1).cost()
                                                             : r.final_cost())
                                : e.cost();
    t.error.push_back(after - exact);
    t.cnots.push_back(e.cnot_count());
  }
  for (size_t k = 1; k < t.error.size(); ++k) {
    const double rise = t.error[k] - t.error[k - 1];
    if (rise > kUphillTolerance) {
      ++t.uphill_steps;
      t.max_rise = std::max(t.max_rise, rise);
    }
  }
  return t;
}

int FirstBelow(const Trace& t, double threshold) {
  for (size_t k = 0; k < t.error.size(); ++k) {
    if (t.error[k] <= threshold) return int(k);
  }
  return -1;
}

std::string ErrorAt(const Trace& t, int k) {
  return Sci(t.error[std::min<size_t>(size_t(k), t.error.size() - 1)]);
}

std::string Reached(const Trace& t, double threshold) {
  const int k = FirstBelow(t, threshold);
  return k < 0 ? std::string("—") : absl::StrCat(k, " / ", t.cnots[k]);
}

// CNOTs at the threshold relative to the baseline's, "—" unless both reach it.
std::string Ratio(const Trace& t, const Trace& base, double threshold) {
  const int k = FirstBelow(t, threshold), kb = FirstBelow(base, threshold);
  if (k < 0 || kb < 0) return "—";
  if (base.cnots[kb] == 0) return t.cnots[k] == 0 ? "1" : "∞";
  return absl::StrFormat("%.2f", double(t.cnots[k]) / base.cnots[kb]);
}

std::string Uphill(const Trace& t) {
  std::string s = t.uphill_steps == 0
                      ? std::string("0")
                      : absl::StrCat(t.uphill_steps, " (max ", Sci(t.max_rise, 1), ")");
  if (t.final_energy > t.start_energy + kUphillTolerance) s += " **ENDS ABOVE START**";
  return s;
}

void PrintTraceTable(const std::vector<Trace>& traces, const Trace& base,
                     const std::vector<int>& ks) {
  std::string at;
  for (int k : ks) absl::StrAppend(&at, at.empty() ? "" : " / ", k);
  std::printf("| method | error after %s it. | chem. acc. at k / CNOT | 1e-6 Ha at k / CNOT | "
              "CNOT ÷ ADAPT at chem. acc. / 1e-6 | final error | iterations | CNOT-eq. (total) "
              "| CNOT ÷ ADAPT (total) | start → final energy | uphill steps | wall s | stop |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
              at.c_str());
  for (const Trace& t : traces) {
    std::string errors;
    for (int k : ks) absl::StrAppend(&errors, errors.empty() ? "" : " / ", ErrorAt(t, k));
    const std::string total_ratio =
        base.cnots.back() > 0 ? absl::StrFormat("%.2f", double(t.cnots.back()) / base.cnots.back())
                              : "—";
    std::printf("| %s | %s | %s | %s | %s / %s | %s | %zu | %d | %s | %.8f → %.8f | %s | %.1f "
                "| %s |\n",
                t.label.c_str(), errors.c_str(), Reached(t, kChemicalAccuracy).c_str(),
                Reached(t, kMicro).c_str(), Ratio(t, base, kChemicalAccuracy).c_str(),
                Ratio(t, base, kMicro).c_str(), Sci(t.error.back()).c_str(), t.error.size() - 1,
                t.cnots.back(), total_ratio.c_str(), t.start_energy, t.final_energy,
                Uphill(t).c_str(), t.seconds, t.stop.c_str());
  }
}

v1::JobSpec MoleculeSpec(const std::string& name, const std::string& fcidump, int frozen_core,
                         int frozen_virtual, double exact, const std::string& preparation,
                         double wall_seconds) {
  v1::JobSpec spec;
  spec.set_name(name);
  v1::MoleculeProblem* m = spec.mutable_problem()->mutable_molecule();
  m->set_fcidump_path(fcidump);
  m->set_frozen_core(frozen_core);
  m->set_frozen_virtual(frozen_virtual);
  spec.mutable_problem()->set_exact_cost(exact);
  spec.mutable_initial_state()->set_preparation(preparation);
  spec.mutable_limits()->set_max_wall_seconds(wall_seconds);
  return spec;
}

// The nested settings of examples/lih.json: F_th = max(1 − I/3, 0.999), all-pairs pool,
// ≤ 20 gates per layer.
void SetNested(v1::JobSpec& spec, bool excitations, double step, bool centered,
               const std::string& hand_back, int iterations, int recompress_every = 0) {
  v1::NestedMethod* n = spec.mutable_method()->mutable_nested();
  n->mutable_fidelity_target()->set_indicator_fraction(1.0 / 3.0);
  n->mutable_fidelity_target()->set_floor(0.999);
  n->set_pool("all_pairs");
  n->set_max_gates_per_layer(20);
  n->set_qubit_excitations(excitations);
  if (step > 0) {
    n->set_step_size(step);
  } else {
    n->set_relative_step_size(-step);
  }
  n->set_centered_step(centered);
  n->set_hand_back(hand_back);
  n->set_recompress_every(recompress_every);
  n->mutable_stop()->set_max_iterations(iterations);
  n->mutable_stop()->set_max_layers(iterations);
}

void SetAdapt(v1::JobSpec& spec, bool excitations, double threshold, int iterations) {
  v1::AdaptVqeMethod* a = spec.mutable_method()->mutable_adapt_vqe();
  a->set_pool("all_pairs");
  a->set_qubit_excitations(excitations);
  a->set_gradient_threshold(threshold);
  a->set_max_iterations(iterations);
}

struct NestedVariant {
  std::string name, label;
  double step;  // > 0 absolute η; < 0 relative, η = −step/‖H‖₁
  bool centered;
  std::string hand_back;
  int recompress_every = 0;
};

// "H2O_0.958_104.5.FCIDUMP" → "H2O_0.958_104.5".
std::string FileStem(const std::string& file) {
  const size_t dot = file.rfind(".FCIDUMP");
  return dot == std::string::npos ? file : file.substr(0, dot);
}

// What one molecules experiment runs: which spaces, with which caps and nested variants
// (ADAPT-VQE always comes first, as the baseline).
struct MoleculePlan {
  const char* heading;
  const char* result_dir;  // under --results
  bool (*include)(const Molecule& mol, bool quick);
  Caps (*caps)(int qubits, bool quick);
  std::vector<NestedVariant> variants;
};

bool SurveyIncludes(const Molecule& mol, bool quick) {
  return !quick || std::string(mol.file) == "H4_chain_1.0.FCIDUMP" ||
         (std::string(mol.file) == "LiH_1.6.FCIDUMP" && mol.frozen_core == 1);
}

bool DeepIncludes(const Molecule& mol, bool quick) {
  return quick ? std::string(mol.file) == "LiH_1.6.FCIDUMP" && mol.frozen_core == 0
               : mol.qubits >= 12;
}

const NestedVariant kRecompressed = {
    "nested_centered10_recompressed",
    "nested, centered step η = 10, recompression every iteration (pure)", 10.0, true, "never",
    1};
const NestedVariant kHandBack = {"nested_centered_handback",
                                 "nested, centered η = 2 + hand-back every layer (not pure)",
                                 2.0, true, "every_iteration"};

MoleculePlan SurveyPlan() {
  return {"Molecules at 8–14 qubits from Hartree–Fock (examples/data/molecules/)",
          "molecules",
          SurveyIncludes,
          SurveyCaps,
          {{"nested_paper", "nested, paper step η = 0.5/‖H‖₁ (pure)", -0.5, false, "never"},
           {"nested_centered", "nested, centered step η = 2 (pure)", 2.0, true, "never"},
           {"nested_centered10", "nested, centered step η = 10 (pure)", 10.0, true, "never"},
           kRecompressed,
           kHandBack}};
}

MoleculePlan DeepPlan() {
  return {"Molecules at 12–14 qubits run towards 1e-6 Ha (far caps)", "molecules_deep",
          DeepIncludes, DeepCaps, {kRecompressed, kHandBack}};
}

// One molecule's runs: ADAPT-VQE first, then the plan's nested variants.
absl::StatusOr<std::vector<Trace>> RunMolecule(const Env& env, const MoleculePlan& plan,
                                               const Molecule& mol, const Caps& caps) {
  const std::string path = absl::StrCat("data/molecules/", mol.file);
  const std::string stem = absl::StrCat(FileStem(mol.file), "_fc", mol.frozen_core);
  std::vector<Trace> traces;
  {
    v1::JobSpec spec = MoleculeSpec(absl::StrCat(mol.label, ": ADAPT-VQE"), path,
                                    mol.frozen_core, 0, mol.exact, "hartree_fock",
                                    caps.wall_seconds);
    SetAdapt(spec, true, 1e-6, caps.adapt_iterations);
    absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
    if (!r.ok()) return r.status();
    if (auto s = SaveResult(env, plan.result_dir, stem + "_adapt", *r); !s.ok()) return s;
    traces.push_back(MakeTrace("ADAPT-VQE (baseline)", *r, mol.exact));
  }
  for (const NestedVariant& v : plan.variants) {
    v1::JobSpec spec = MoleculeSpec(absl::StrCat(mol.label, ": ", v.label), path,
                                    mol.frozen_core, 0, mol.exact, "hartree_fock",
                                    caps.wall_seconds);
    SetNested(spec, true, v.step, v.centered, v.hand_back,
              v.hand_back == "never" ? caps.nested_iterations : caps.handback_iterations,
              v.recompress_every);
    absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
    if (!r.ok()) return r.status();
    if (auto s = SaveResult(env, plan.result_dir, absl::StrCat(stem, "_", v.name), *r);
        !s.ok()) {
      return s;
    }
    traces.push_back(MakeTrace(v.label, *r, mol.exact));
  }
  return traces;
}

absl::Status RunMoleculePlan(const Env& env, const MoleculePlan& plan) {
  std::printf("\n## %s\n\n"
              "STO-3G, psi4 1.3.2 FCI / CASCI as the exact energies. Every method uses the "
              "all-pairs 1-/2-qubit pool plus the 4-qubit excitation strings (8·C(n,4)). "
              "ADAPT-VQE: gradient threshold 1e-6. Nested: F_th = max(1 − I/3, 0.999), ≤ 20 "
              "gates per layer. \"k / CNOT\": iteration and CNOT-equivalents (a weight-w Pauli "
              "rotation costs 2(w − 1)) when the error first falls below the threshold. An "
              "uphill step is an iteration whose energy rises by more than 1e-10 Ha. Load "
              "average at the start: %s.%s\n",
              plan.heading, LoadAverage().c_str(), env.quick ? " QUICK MODE: small caps." : "");
  struct Summary {
    std::string molecule;
    int qubits;
    std::vector<Trace> traces;
  };
  std::vector<Summary> summaries;
  for (const Molecule& mol : kMolecules) {
    if (!plan.include(mol, env.quick)) continue;
    const Caps caps = plan.caps(mol.qubits, env.quick);
    absl::StatusOr<std::vector<Trace>> traces = RunMolecule(env, plan, mol, caps);
    if (!traces.ok()) return traces.status();
    const double hf_error = traces->front().error[0];
    std::printf("\n### %s (%s, frozen core %d): %d qubits\n\nExact %.10f Ha, Hartree–Fock "
                "%.10f Ha (psi4 SCF %.10f, error %s Ha). Caps: ADAPT %d iterations, nested %d, "
                "nested with hand-back %d; %.0f s per run (checked between iterations).\n\n",
                mol.label, mol.file, mol.frozen_core, mol.qubits, mol.exact,
                traces->front().start_energy, mol.scf, Sci(hf_error).c_str(),
                caps.adapt_iterations, caps.nested_iterations, caps.handback_iterations,
                caps.wall_seconds);
    std::vector<int> ks = {1, 2, 5};
    if (caps.nested_iterations > 5) ks.push_back(caps.nested_iterations);
    PrintTraceTable(*traces, traces->front(), ks);
    std::fflush(stdout);
    summaries.push_back({mol.label, mol.qubits, *std::move(traces)});
  }

  // Summary: what the acceptance asks per molecule and method.
  std::printf("\n### Summary\n\n| molecule | qubits | method | chem. acc. | 1e-6 Ha | CNOT ÷ ADAPT "
              "(chem. acc. / 1e-6) | uphill steps | ends above start |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (const Summary& s : summaries) {
    for (const Trace& t : s.traces) {
      std::printf("| %s | %d | %s | %s | %s | %s / %s | %d | %s |\n", s.molecule.c_str(),
                  s.qubits, t.label.c_str(), FirstBelow(t, kChemicalAccuracy) >= 0 ? "yes" : "no",
                  FirstBelow(t, kMicro) >= 0 ? "yes" : "no",
                  Ratio(t, s.traces[0], kChemicalAccuracy).c_str(),
                  Ratio(t, s.traces[0], kMicro).c_str(), t.uphill_steps,
                  t.final_energy > t.start_energy + kUphillTolerance ? "**yes**" : "no");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunMolecules(const Env& env) { return RunMoleculePlan(env, SurveyPlan()); }

absl::Status RunMoleculesDeep(const Env& env) { return RunMoleculePlan(env, DeepPlan()); }

namespace {

// The final state of a run, rebuilt from its JobResult (OpenQASM 3 with `input` angles).
absl::StatusOr<sv::StateVector> FinalState(const Env& env, const v1::JobSpec& spec,
                                           const v1::JobResult& r) {
  absl::StatusOr<runner::BuiltProblem> problem =
      runner::BuildProblem(spec.problem(), env.examples_dir);
  if (!problem.ok()) return problem.status();
  v1::InitialState start;
  start.set_qasm(r.qasm());
  for (double p : r.params()) start.add_params(p);
  absl::StatusOr<runner::StartCircuit> circuit = runner::BuildStart(start, *problem, 0);
  if (!circuit.ok()) return circuit.status();
  const sv::Simulator simulator;
  return simulator.Prepare(circuit->circuit, circuit->params);
}

// Weight of the state in the (N_α, N_β) = (1, 1) sector of 6 qubits (interleaved spin:
// even qubits α), i.e. the neutral molecule's particle number.
double NeutralWeight(const sv::StateVector& state) {
  const std::vector<double> p = sv::Probabilities(state);
  double w = 0.0;
  for (size_t b = 0; b < p.size(); ++b) {
    if (std::popcount(uint64_t(b) & 0x15u) == 1 && std::popcount(uint64_t(b) & 0x2Au) == 1) {
      w += p[b];
    }
  }
  return w;
}

}  // namespace

absl::Status RunLiHPlus(const Env& env) {
  const double exact = -7.8097241273507;  // psi4 CASCI, the (1α, 1β) sector
  const std::string path = "data/LiH_2.2.FCIDUMP";
  const int iterations = env.quick ? 15 : 50;
  const double wall = 60.0;
  // The lowest eigenvalue over all particle numbers: |+⟩^⊗6 is not in the neutral sector.
  double fock_minimum = std::nan("");
  {
    v1::JobSpec spec = MoleculeSpec("LiH", path, 1, 2, exact, "plus", wall);
    absl::StatusOr<runner::BuiltProblem> problem =
        runner::BuildProblem(spec.problem(), env.examples_dir);
    if (!problem.ok()) return problem.status();
    absl::StatusOr<optimizer::ExactReference> ref =
        optimizer::ExactGroundEnergy(*problem->cost.observable(), 6, {});
    if (!ref.ok()) return ref.status();
    fock_minimum = ref->energy;
  }

  struct Row {
    Trace trace;
    double neutral_weight;
    std::string why;  // the measured state at the stall
  };
  std::vector<Row> rows;
  auto add = [&](const std::string& name, const std::string& label, const v1::JobSpec& spec,
                 int start_cnots = 0) -> absl::Status {
    absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
    if (!r.ok()) return r.status();
    if (auto s = SaveResult(env, "lih_plus", name, *r); !s.ok()) return s;
    absl::StatusOr<sv::StateVector> state = FinalState(env, spec, *r);
    if (!state.ok()) return state.status();
    Row row{MakeTrace(label, *r, exact, start_cnots), NeutralWeight(*state), ""};
    if (r->history_size() > 0) {
      const v1::IterationEvent& last = r->history(r->history_size() - 1);
      if (r->method() == "nested") {
        row.why = absl::StrFormat(
            "last layer: I = %s, guided − current = %s Ha, η = %.3g, F = %.6f of F_th %.6f, "
            "%d gates; final I = %s",
            Sci(last.indicator()), Sci(last.guided_cost() - last.cost()), last.eta(),
            last.fidelity(), last.fidelity_target(), last.layer_gates(),
            Sci(r->final_indicator()));
      } else {
        row.why = absl::StrFormat("last picked |∂E/∂θ| = %s (%s)%s", Sci(last.gradient_norm()),
                                  last.added_operator(),
                                  r->stop_reason() == "converged"
                                      ? "; then every pool gradient below the threshold"
                                      : "");
      }
    } else {
      row.why = absl::StrFormat("no step taken; final I = %s", Sci(r->final_indicator()));
    }
    rows.push_back(std::move(row));
    return absl::OkStatus();
  };

  // ADAPT-VQE with the paper's pool, then with the 4-qubit strings for reference.
  for (double threshold : {1e-4, 1e-6}) {
    v1::JobSpec spec = MoleculeSpec("LiH |+>: ADAPT-VQE, 1-/2-qubit pool", path, 1, 2, exact,
                                    "plus", wall);
    SetAdapt(spec, false, threshold, iterations);
    if (auto s = add(absl::StrCat("adapt_plain_g", threshold),
                     absl::StrCat("ADAPT-VQE, 1-/2-qubit pool (paper's), gradient threshold ",
                                  Sci(threshold, 0)),
                     spec);
        !s.ok()) {
      return s;
    }
  }
  {
    v1::JobSpec spec = MoleculeSpec("LiH |+>: ADAPT-VQE + 4-qubit strings", path, 1, 2, exact,
                                    "plus", wall);
    SetAdapt(spec, true, 1e-6, iterations);
    if (auto s = add("adapt_excitations", "ADAPT-VQE + 4-qubit strings (not the paper's pool)",
                     spec);
        !s.ok()) {
      return s;
    }
  }
  // The nested method from the state where ADAPT-VQE stalled (its circuit and angles as
  // the start): is that state a critical point for the nested step too?
  v1::JobSpec from_stall = MoleculeSpec("LiH |+>: nested from ADAPT's stall", path, 1, 2,
                                        exact, "plus", wall);
  {
    const v1::JobResult& stalled = rows[0].trace.result;
    v1::InitialState* start = from_stall.mutable_initial_state();
    start->Clear();
    start->set_qasm(stalled.qasm());
    for (double p : stalled.params()) start->add_params(p);
  }
  const std::vector<NestedVariant> variants = {
      {"nested_paper", "nested, paper step η = 0.5/‖H‖₁ (pure)", -0.5, false, "never"},
      {"nested_paper_eta1000", "nested, paper step η = 1000 (pure)", 1000.0, false, "never"},
      {"nested_centered2", "nested, centered step η = 2 (pure)", 2.0, true, "never"},
      {"nested_centered10", "nested, centered step η = 10 (pure)", 10.0, true, "never"},
      {"nested_centered_handback", "nested, centered η = 2 + hand-back every layer (not pure)",
       2.0, true, "every_iteration"},
  };
  for (const NestedVariant& v : variants) {
    v1::JobSpec spec = MoleculeSpec(absl::StrCat("LiH |+>: ", v.label), path, 1, 2, exact,
                                    "plus", wall);
    SetNested(spec, false, v.step, v.centered, v.hand_back, iterations);
    if (auto s = add(v.name, v.label, spec); !s.ok()) return s;
  }
  SetNested(from_stall, false, 2.0, true, "never", iterations);
  if (auto s = add("nested_from_adapt_stall",
                   "nested, centered step η = 2 (pure), started from ADAPT's stalled state "
                   "(k = 0 is that state; CNOTs include ADAPT's)",
                   from_stall, rows[0].trace.cnots.back());
      !s.ok()) {
    return s;
  }

  std::printf("\n## LiH, 6 qubits (LiH_2.2, frozen core 1, frozen virtual 2), from |+⟩^⊗6 "
              "with the paper's 1-/2-qubit all-pairs pool\n\nExact (neutral sector, 1α + 1β) "
              "%.10f Ha; lowest eigenvalue over all particle numbers %.10f Ha. |+⟩^⊗6 has "
              "energy %.6f Ha. Nested: F_th = max(1 − I/3, 0.999), ≤ 20 gates per layer, %d "
              "iterations at most; ADAPT: %d iterations at most. Load average: %s.\n\n",
              exact, fock_minimum, rows[0].trace.start_energy, iterations, iterations,
              LoadAverage().c_str());
  std::vector<Trace> traces;
  for (const Row& row : rows) traces.push_back(row.trace);
  PrintTraceTable(traces, traces[0], {1, 5, 10, 20});
  std::printf("\nAt the end of each run (neutral weight: probability of the final state in the "
              "1α + 1β sector):\n\n| method | final error | neutral weight | stop | measured "
              "at the stall |\n|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    std::printf("| %s | %s | %.6f | %s | %s |\n", row.trace.label.c_str(),
                Sci(row.trace.error.back()).c_str(), row.neutral_weight,
                row.trace.stop.c_str(), row.why.c_str());
  }

  // Hardware-efficient VQE from |+⟩: CZ chain, L-BFGS from seeded random angles.
  std::printf("\nHardware-efficient VQE from |+⟩^⊗6 (RY+RZ on every qubit, CZ chain, L-BFGS, ≤ "
              "2000 evaluations):\n\n| entangling layers | CZ | best error | median error | "
              "seeds within chem. acc. | lowest neutral weight | wall s (all seeds) |\n"
              "|---|---|---|---|---|---|---|\n");
  const int seeds = env.quick ? 2 : 5;
  for (int layers : {2, 4, 6, 8}) {
    if (env.quick && layers > 4) break;
    std::vector<double> errors;
    int chem = 0, cz = 0;
    double seconds = 0.0, lowest_weight = 1.0;
    for (int seed = 1; seed <= seeds; ++seed) {
      v1::JobSpec spec = MoleculeSpec("LiH |+>: HEA VQE", path, 1, 2, exact, "plus", wall);
      v1::HeaVqeMethod* h = spec.mutable_method()->mutable_hea_vqe();
      h->set_layers(layers);
      h->set_entangler("cz");
      h->set_optimizer("lbfgs");
      h->set_max_evaluations(2000);
      spec.set_seed(uint64_t(seed));
      absl::StatusOr<v1::JobResult> r = RunSpec(env, spec);
      if (!r.ok()) return r.status();
      if (auto s = SaveResult(env, "lih_plus", absl::StrCat("hea_l", layers, "_s", seed), *r);
          !s.ok()) {
        return s;
      }
      absl::StatusOr<sv::StateVector> state = FinalState(env, spec, *r);
      if (!state.ok()) return state.status();
      lowest_weight = std::min(lowest_weight, NeutralWeight(*state));
      errors.push_back(r->final_cost() - exact);
      if (r->final_cost() - exact <= kChemicalAccuracy) ++chem;
      cz = r->counts().cnot_count();
      seconds += r->wall_seconds();
    }
    std::vector<double> abs_errors;
    for (double e : errors) abs_errors.push_back(std::abs(e));
    std::printf("| %d | %d | %s | %s | %d of %d | %.6f | %.2f |\n", layers, cz,
                Sci(*std::min_element(errors.begin(), errors.end())).c_str(),
                Sci(Median(errors)).c_str(), chem, seeds, lowest_weight, seconds);
  }
  return absl::OkStatus();
}

}  // namespace qgrad::bench
