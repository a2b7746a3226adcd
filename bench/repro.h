// Shared pieces of the paper-reproduction driver (bench/reproduce.cc): where example specs,
// result JSONs and plots live, running a job spec through the runner, the cost after k
// outer iterations, the exact ("ideal") quantum-gradient descent without synthesis, a
// nested run that also records CNOT-equivalent counts, Markdown formatting and statistics.
// Each experiment prints a Markdown table on stdout, writes its result JSONs under
// results_dir/<experiment>/ and its SVG plots into plots_dir.
//
// Thread-safety: single-threaded program; Env is read-only after parsing.
#ifndef QGRAD_BENCH_REPRO_H_
#define QGRAD_BENCH_REPRO_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "qgrad/v1/job.pb.h"
#include "runner/svg_plot.h"

namespace qgrad::bench {

struct Env {
  std::string examples_dir = "examples";
  std::string results_dir = "repro-results";
  std::string plots_dir = "docs/plots";
  bool quick = false;  // fewer circuits / iterations, for a smoke run
};

// ---------------------------------------------------------------- specs and results

// examples_dir/file parsed as a JobSpec.
absl::StatusOr<v1::JobSpec> LoadExample(const Env& env, const std::string& file);
// runner::RunJob with FCIDUMP paths resolved against examples_dir.
absl::StatusOr<v1::JobResult> RunSpec(const Env& env, const v1::JobSpec& spec);
// results_dir/experiment/name.result.json (directories created as needed).
absl::Status SaveResult(const Env& env, const std::string& experiment, const std::string& name,
                        const v1::JobResult& result);
// plots_dir/file. x_labels[i], when given, replaces panel i's x-axis label ("iteration").
absl::Status SavePlot(const Env& env, const std::string& file,
                      const std::vector<runner::PlotPanel>& panels, const std::string& title,
                      const std::vector<std::string>& x_labels = {});

// The cost after k outer iterations: history[k].cost (the cost before layer k+1), or the
// final cost once the run has stopped.
double CostAfter(const v1::JobResult& result, int k);
// Per-iteration costs 0..history.size() (the last one the final cost).
std::vector<double> CostSeries(const v1::JobResult& result);

// ------------------------------------------------------------------- ideal descent

// Exact quantum-gradient descent ψ ← (I − ηD)ψ/‖·‖ from the spec's start (after its warm
// start, if any), without layer synthesis; η and its shrinking while the guided cost
// would rise follow the spec's nested method exactly as RunNested does.
struct IdealRun {
  std::vector<double> costs;  // costs[k] after k steps, k = 0..iterations
  sv::StateVector final_state;
};
absl::StatusOr<IdealRun> IdealDescent(const Env& env, const v1::JobSpec& spec, int iterations);

// ---------------------------------------------------------- nested run with counts

// A nested run through the runner's building blocks with the CNOT-equivalent count
// (optimizer::CnotCount: a Pauli rotation of weight w costs 2(w − 1), any other two-qubit
// gate 1) of the whole circuit recorded after every iteration.
struct TrackedRun {
  v1::JobResult result;
  int start_cnots = 0;
  std::vector<int> cnots;  // after iteration k (k = 0..), whole circuit
  int multi_qubit_gates = 0;  // gates on 3+ qubits in the final circuit
  sv::StateVector final_state;
};
absl::StatusOr<TrackedRun> RunNestedTracked(const Env& env, const v1::JobSpec& spec);

// ------------------------------------------------------------------------- output

std::string Fmt(double value, int digits = 4);     // fixed, "−" for NaN
std::string Sci(double value, int digits = 2);     // 1.23e-04
struct MeanSe {
  double mean = 0.0;
  double se = 0.0;  // standard error: sample standard deviation / √count
};
MeanSe MeanAndSe(const std::vector<double>& values);
double Median(std::vector<double> values);
// "a ± b" with `digits` decimals, or both in scientific notation when |a| < 0.01.
std::string FmtMeanSe(const MeanSe& m, int digits = 4);
// Reads the 1-, 5- and 15-minute load averages ("0.15 0.82 1.35"), or "unknown".
std::string LoadAverage();

// ------------------------------------------------------------------ experiments

absl::Status RunMaxCut4(const Env& env);       // (a)
absl::Status RunPolynomial(const Env& env);    // (b)
absl::Status RunBarrenPlateau(const Env& env); // (c)
absl::Status RunLiH(const Env& env);           // (d)
absl::Status RunRegular(const Env& env);       // (e)
absl::Status RunTiming12(const Env& env);      // one outer iteration, 12-qubit Max-Cut
absl::Status RunShadowsMaxCut(const Env& env);     // shadows mode: ratios, shots, overlay
absl::Status RunShadowsFidelity(const Env& env);   // fidelity error vs n, Clifford vs Pauli
absl::Status RunShadowsIteration(const Env& env);  // one 8-qubit iteration's cost
absl::Status RunMolecules(const Env& env);  // psi4 molecules at 8–14 qubits from Hartree–Fock
absl::Status RunMoleculesDeep(const Env& env);  // the 12–14-qubit ones towards 1e-6 Ha
absl::Status RunLiHPlus(const Env& env);    // LiH from |+⟩ with the paper's 1-/2-qubit pool

}  // namespace qgrad::bench

#endif  // QGRAD_BENCH_REPRO_H_
