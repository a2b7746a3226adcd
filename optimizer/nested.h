// The nested quantum-gradient optimizer: the outer loop of Li, Wang, Gao & Zheng
// (npj QI 12, 59 (2026)). Each outer iteration estimates the guided state
// (I − ηD)|ψ_t⟩/‖·‖ and the indicator I_t, stops when I_t is below a threshold, and
// otherwise appends a synthesized layer that brings the circuit's state close to the guided
// state. Optional: a classical warm start of the given ansatz, step-size shrinking when the
// guided state would raise the cost, and a classical hand-back over all parameters.
//
// Thread-safety: RunNested is a pure function of its arguments; the callback is invoked on
// the caller's thread.
#ifndef QGRAD_OPTIMIZER_NESTED_H_
#define QGRAD_OPTIMIZER_NESTED_H_

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "optimizer/cost.h"
#include "optimizer/estimator.h"
#include "optimizer/local_minimizer.h"
#include "optimizer/stop.h"
#include "optimizer/synthesis.h"

namespace qgrad::optimizer {

// The synthesis threshold F_th of one iteration, from the indicator I_t (F₀ = 1 − I_t is
// the fidelity of the identity layer):
//   kAdaptive (default): F_th = min(max(1 − indicator_fraction·I_t, L), ceiling), where the
//     lower bound L is `fixed` when fixed > 0 and `floor` otherwise. 1 − I_t/10 by default;
//     the paper's LiH rule max(1 − (1 − F₀)/3, 0.999) is indicator_fraction = 1/3,
//     floor = 0.999. With indicator_fraction < 1 and no ceiling below it, F_th > F₀, so a
//     layer is always needed.
//   kFixed (the paper's fixed threshold): F_th = fixed at every iteration; indicator_fraction,
//     floor and ceiling are not used. Once F₀ ≥ fixed, the current circuit already meets
//     the target: the run stops with kFidelityTargetMet (so does an adaptive rule whose
//     ceiling falls to F₀ or below).
struct FidelityTargetRule {
  enum class Mode { kAdaptive, kFixed };
  double fixed = 0.0;  // kFixed: in (0, 1]; kAdaptive: in [0, 1], 0 = use floor
  double indicator_fraction = 0.1;
  double floor = 0.0;
  double ceiling = 1.0 - 1e-12;
  Mode mode = Mode::kAdaptive;
};
double FidelityTarget(const FidelityTargetRule& rule, double indicator);

// Shrinks η (by `shrink`, at most `max_shrinks` times per outer iteration) while the guided
// state's cost exceeds the current cost by more than `tolerance` — for measured estimates,
// while the guided cost's interval lies wholly above the cost's (noise alone never shrinks
// η). With exact estimates a synthesized layer whose state would raise the cost by more
// than `tolerance` is refused as well, and the iteration tries the shrunk step. A step that
// is still uphill once the shrinks are spent is never followed: the run stops with
// kNoDescent, so an exact run's cost never rises.
struct StepControl {
  double shrink = 0.5;
  int max_shrinks = 6;
  double tolerance = 1e-12;
};

struct StoppingRules {
  // Converged when I_t < this (for measured estimates: when its whole interval lies in
  // (−threshold, threshold), so a tiny threshold needs a precise estimate).
  double indicator_threshold = 1e-9;
  int max_iterations = 50;            // outer iterations (= learned layers at most)
  int max_layers = 50;
  int max_added_two_qubit_gates = -1;  // < 0: unlimited; stop once exceeded
  int max_added_cnot_count = -1;       // the same on the CNOT-equivalent count (CnotCount)
  double max_seconds = 0.0;           // wall clock; <= 0: unlimited
  int64_t max_shots = -1;             // device shots (EstimationReport); < 0: unlimited
};

enum class HandBack {
  kNever,
  kAtEnd,
  kEveryIteration,  // after each appended layer
  // Before an iteration's synthesis, when the circuit's own parameters can follow the
  // state-space gradient again: max_k |∂f/∂θ_k| ≥ hand_back_ratio · 2‖(D − ⟨D⟩)ψ‖
  // (2‖(D − ⟨D⟩)ψ‖ bounds any single parameter's derivative for unit-scale rotations).
  kWhenFavourable,
};

// Every `every`-th outer iteration (0 = never) first tries to learn the whole learned part
// anew: one greedy synthesis from the start circuit's state (≤ max_gates rotations, the
// layer's pool and minimizer) towards the same guided state. It replaces the learned layers
// when it meets the iteration's F_th, does not raise the cost, and costs fewer
// CNOT-equivalents than the layers it replaces; otherwise the iteration appends its layer as
// usual. Greedy growth from the start picks what the whole step needs, where layers grown one
// step at a time keep rotations that later steps undo.
struct Recompression {
  int every = 0;
  int max_gates = 200;
  // L-BFGS evaluations per greedy round (at most the layer's own budget): a recompression
  // grows many more rotations than a layer, and re-optimizing all of them to convergence
  // after each one made it cost 100× the layers it replaced.
  int evaluations_per_round = 50;
};

struct NestedOptions {
  StepSize step;
  StepControl step_control;
  FidelityTargetRule fidelity_target;
  SynthesisOptions synthesis;
  StoppingRules stop;
  // Pre-train the start circuit's parameters until they stall (e.g. COBYLA with ftol_rel).
  std::optional<LocalMinimizerOptions> warm_start;
  HandBack hand_back = HandBack::kNever;
  double hand_back_ratio = 0.1;  // kWhenFavourable only
  LocalMinimizerOptions hand_back_minimizer;  // L-BFGS by default
  Recompression recompression;
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateNestedOptions(const NestedOptions& options, int num_qubits);

struct IterationEvent {
  int iteration = 0;           // 0-based outer iteration
  double cost = 0.0;           // f(ψ_t) before this iteration's layer
  double guided_cost = 0.0;    // f(ψ_{t+1}) of the guided state
  double indicator = 0.0;      // I_t
  double eta = 0.0;            // absolute step actually used
  double fidelity_target = 0.0;
  double fidelity = 0.0;       // F reached by the new layer
  int layer_gates = 0;         // gates in the new layer
  int layers = 0;              // learned layers so far
  int num_params = 0;
  int two_qubit_gates = 0;     // whole circuit, gates on exactly two qubits
  int cnot_count = 0;          // whole circuit, CNOT-equivalent (baseline.h: CnotCount)
  double elapsed_seconds = 0.0;
  bool handed_back = false;    // kWhenFavourable re-optimized all parameters first
  int refused_layers = 0;      // layers synthesized but refused: they raised the cost
  bool recompressed = false;   // the learned part was replaced by one synthesis from the start
  // This iteration's estimates (step shrinks included): circuits and shots summed, the
  // intervals of the estimate the layer was synthesized for.
  EstimationReport estimation;
};

enum class StopReason {
  kConverged,        // indicator below threshold
  kMaxIterations,
  kMaxLayers,
  kTwoQubitBudget,
  kWallClock,
  kNoProgress,       // the synthesis could not move the state towards the guided state
  kFidelityTargetMet,  // F₀ = 1 − I_t already meets F_th: the step is below the rule's reach
  kShotBudget,       // stop.max_shots exceeded
  kNoDescent,        // the step control could not make the step downhill: refused
};
std::string_view StopReasonName(StopReason reason);

// Measured runs: the state whose cost estimate was the lowest of the run, kept so that a run
// whose last state is shown worse returns it instead. Layers follow noisy targets, so a
// measured run can climb; exact runs refuse such layers and need no copy.
struct BestMeasuredState {
  int iteration = -1;  // the outer iteration whose estimate measured it; −1: none yet
  double cost = 0.0;   // that estimate
  Interval cost_interval;
  Circuit circuit;
  std::vector<double> params;
};

struct NestedResult {
  double start_cost = 0.0;       // f of the given circuit and params
  double warm_start_cost = 0.0;  // after the warm start (= start_cost without one)
  double final_cost = 0.0;
  double final_indicator = 0.0;  // I of the final state at the last η
  Circuit circuit;               // start circuit + learned layers
  std::vector<double> params;
  std::vector<IterationEvent> history;
  int layers = 0;
  int two_qubit_gates = 0;
  int added_two_qubit_gates = 0;
  int added_cnot_count = 0;      // CNOT-equivalent cost of the learned layers
  int fidelity_evaluations = 0;
  int hand_backs = 0;
  int recompressions = 0;
  // The start circuit (after the warm start) is the first start_gates gates of `circuit`,
  // with parameters 0 … start_params − 1; the rest was learned.
  int start_gates = 0;
  int start_params = 0;
  // Every estimate of the run (the final one included once finished): circuits and shots
  // summed, the intervals of the latest estimate.
  EstimationReport estimation;
  StopReason stop_reason = StopReason::kMaxIterations;
  BestMeasuredState best;  // measured runs only
  // The outer iteration whose state the result holds, when the last state was shown worse
  // than it (its final cost interval wholly above the best's): circuit, params, final_cost
  // and final_indicator are then that state's, freshly estimated. −1: the last state.
  int returned_iteration = -1;
};

// How far the warm start has got: it runs before the first outer iteration, and on a large
// register it can take minutes with no other sign of life.
struct WarmStartProgress {
  int evaluations = 0;      // cost evaluations so far
  int max_evaluations = 0;  // the warm start's budget
  double best_cost = 0.0;   // lowest cost evaluated so far
  double elapsed_seconds = 0.0;  // since the run began
};

struct NestedCallbacks {
  // One progress event per outer iteration that appended a layer — and, for measured
  // estimates, per iteration whose noisy target gave no layer (its shots were spent).
  std::function<void(const IterationEvent&)> on_iteration = nullptr;
  // After each such iteration: the run so far (final_cost / final_indicator not yet set).
  // Saving it is enough to ResumeNested later with the same outcome.
  std::function<void(const NestedResult&)> on_checkpoint = nullptr;
  // Polled before every outer iteration, gradient-state estimate (step shrinking included),
  // synthesis round, pool candidate and minimizer evaluation (warm start, synthesis,
  // hand-back): when it fires the run returns CANCELLED within one such step, and the last
  // checkpoint handed out stays a valid point to resume from.
  StopCheck should_stop = nullptr;
  // During the warm start, after every cost evaluation (often: throttle before printing).
  // A resumed run repeats no warm start, so it never calls this.
  std::function<void(const WarmStartProgress&)> on_warm_start = nullptr;
};

// Runs the nested optimizer from `circuit` (fixed gates such as state preparation and any
// parameterized ansatz) at `params`. The estimator defaults to the exact one for `cost`;
// a given one must estimate the same cost.
absl::StatusOr<NestedResult> RunNested(const sv::Simulator& simulator, const Cost& cost,
                                       Circuit circuit, std::vector<double> params,
                                       const NestedOptions& options,
                                       const NestedCallbacks& callbacks = {},
                                       GradientStateEstimator* estimator = nullptr);

// Continues a run from a checkpoint (on_checkpoint's argument) with the same options: the
// outer iterations go on from checkpoint.history.size() and, the loop being deterministic,
// end as the uninterrupted run would (elapsed times restart). No warm start is repeated.
absl::StatusOr<NestedResult> ResumeNested(const sv::Simulator& simulator, const Cost& cost,
                                          NestedResult checkpoint, const NestedOptions& options,
                                          const NestedCallbacks& callbacks = {},
                                          GradientStateEstimator* estimator = nullptr);

// Appends `layer` (parameters 0..k−1) to `circuit`, its parameters renumbered after the
// circuit's existing `params`, which grow by `layer_params`.
absl::Status AppendLayer(const Circuit& layer, absl::Span<const double> layer_params,
                         Circuit& circuit, std::vector<double>& params);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_NESTED_H_
