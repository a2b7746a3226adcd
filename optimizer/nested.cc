// The nested quantum-gradient optimizer (see nested.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/nested.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "optimizer/baseline.h"
#include "optimizer/cost_minimizer.h"

namespace qgrad::optimizer {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whether the guided state is shown to raise the cost: for measured estimates, its cost's
// interval lies wholly above the current cost's (noise alone never counts as uphill).
bool GuidedUphill(const GradientStateEstimate& estimate, double tolerance) {
  return estimate.report.guided_cost.low > estimate.report.cost.high + tolerance;
}

// The step η·shrink^k as an absolute step (keeping `centered`).
StepSize Shrunk(const StepSize& step, double eta, double shrink) {
  StepSize shrunk = step;
  shrunk.mode = StepSize::Mode::kAbsolute;
  shrunk.value = eta * shrink;
  return shrunk;
}

// The estimate at `step`, shrunk while the guided state would raise the cost (for p = 1
// that never happens for η < 1/‖H‖, but an absolute η on a large H can overshoot, and
// polynomial costs have no such guarantee). `shrinks_left` counts down the shrinks that the
// iteration may still spend.
absl::StatusOr<GradientStateEstimate> EstimateWithStepControl(
    GradientStateEstimator& estimator, const Circuit& circuit,
    absl::Span<const double> params, const StepSize& step, const StepControl& control,
    const StopCheck& should_stop, int& shrinks_left, EstimationReport& spent) {
  auto estimate = estimator.Estimate(circuit, params, step);
  if (estimate.ok()) spent.Accumulate(estimate->report);
  while (shrinks_left > 0 && estimate.ok() && GuidedUphill(*estimate, control.tolerance)) {
    if (StopRequested(should_stop)) return StoppedError();
    --shrinks_left;
    estimate = estimator.Estimate(circuit, params, Shrunk(step, estimate->eta, control.shrink));
    if (estimate.ok()) spent.Accumulate(estimate->report);
  }
  return estimate;
}

// Whether the indicator is shown to be below `threshold`: its whole interval inside
// (−threshold, threshold). For an exact (point) indicator, which is ≥ 0, that is
// I_t < threshold; for a measured one, an interval reaching below −threshold shows noise
// (a fidelity estimate above 1), not convergence.
bool IndicatorBelow(const Interval& indicator, double threshold) {
  return indicator.high < threshold && indicator.low > -threshold;
}

int TwoQubitGates(const Circuit& circuit) { return circuit.Counts().two_qubit; }

std::optional<StopReason> BudgetStop(const NestedResult& result, const StoppingRules& stop,
                                     double elapsed) {
  if (result.layers >= stop.max_layers) return StopReason::kMaxLayers;
  if ((stop.max_added_two_qubit_gates >= 0 &&
       result.added_two_qubit_gates > stop.max_added_two_qubit_gates) ||
      (stop.max_added_cnot_count >= 0 && result.added_cnot_count > stop.max_added_cnot_count)) {
    return StopReason::kTwoQubitBudget;
  }
  if (stop.max_seconds > 0 && elapsed > stop.max_seconds) return StopReason::kWallClock;
  if (stop.max_shots >= 0 && result.estimation.shots > stop.max_shots) {
    return StopReason::kShotBudget;
  }
  return std::nullopt;
}

absl::Status HandBackNow(const sv::Simulator& simulator, const Cost& cost,
                         const NestedOptions& options, NestedResult& result) {
  auto best = MinimizeCost(simulator, cost, result.circuit, result.params,
                           options.hand_back_minimizer);
  if (!best.ok()) return best.status();
  if (!best->x.empty()) result.params = std::move(best->x);
  return absl::OkStatus();
}

// ‖(D − ⟨D⟩)ψ‖: the size of the state-space gradient on the sphere.
double StateGradientNorm(const sv::StateVector& psi, const PauliSum& d) {
  sv::StateVector dpsi = psi.Copy();
  sv::ApplyPauliSum(d, psi, dpsi);
  const sv::Amplitude mean = sv::InnerProduct(psi, dpsi);
  double sum = 0.0;
  for (size_t i = 0; i < psi.size(); ++i) sum += std::norm(dpsi.data()[i] - mean * psi.data()[i]);
  return std::sqrt(sum);
}

absl::StatusOr<bool> LandscapeFavourable(const sv::Simulator& simulator, const Cost& cost,
                                         const NestedResult& result, const PauliSum& d,
                                         double ratio) {
  if (result.params.empty()) return false;
  auto f = CostAndGradient(simulator, cost, result.circuit, result.params);
  if (!f.ok()) return f.status();
  double largest = 0.0;
  for (double g : f->gradient) largest = std::max(largest, std::abs(g));
  auto psi = simulator.Prepare(result.circuit, result.params);
  if (!psi.ok()) return psi.status();
  return largest > 0.0 && largest >= ratio * 2.0 * StateGradientNorm(*psi, d);
}

absl::Status ValidateStoppingRules(const StoppingRules& stop) {
  if (!(stop.indicator_threshold >= 0.0)) {
    return absl::InvalidArgumentError("indicator_threshold: must be >= 0");
  }
  if (stop.max_iterations < 0) return absl::InvalidArgumentError("max_iterations: must be >= 0");
  if (stop.max_layers < 0) return absl::InvalidArgumentError("max_layers: must be >= 0");
  if (!std::isfinite(stop.max_seconds)) {
    return absl::InvalidArgumentError("max_seconds: must be finite");
  }
  return absl::OkStatus();
}

absl::Status ValidateTargetRule(const FidelityTargetRule& rule) {
  if (rule.mode == FidelityTargetRule::Mode::kFixed) {
    if (!(rule.fixed > 0.0 && rule.fixed <= 1.0)) {
      return absl::InvalidArgumentError("fidelity_target: the fixed rule needs fixed in (0, 1]");
    }
    return absl::OkStatus();
  }
  if (rule.mode != FidelityTargetRule::Mode::kAdaptive) {
    return absl::InvalidArgumentError("fidelity_target: unknown rule");
  }
  if (!(rule.fixed >= 0.0 && rule.fixed <= 1.0)) {
    return absl::InvalidArgumentError("fidelity_target: fixed must be in [0, 1]");
  }
  if (!(rule.indicator_fraction >= 0.0 && rule.indicator_fraction <= 1.0)) {
    return absl::InvalidArgumentError("fidelity_target: indicator_fraction must be in [0, 1]");
  }
  if (!(rule.floor >= 0.0 && rule.floor <= rule.ceiling && rule.ceiling <= 1.0)) {
    return absl::InvalidArgumentError(
        "fidelity_target: need 0 <= floor <= ceiling <= 1");
  }
  return absl::OkStatus();
}

// The minimizers the options configure, each checked with its field name.
absl::Status ValidateMinimizers(const NestedOptions& options) {
  if (options.warm_start) {
    absl::Status s = ValidateLocalMinimizerOptions(*options.warm_start, "warm_start");
    if (!s.ok()) return s;
  }
  return ValidateLocalMinimizerOptions(options.hand_back_minimizer, "hand_back_minimizer");
}

}  // namespace

double FidelityTarget(const FidelityTargetRule& rule, double indicator) {
  if (rule.mode == FidelityTargetRule::Mode::kFixed) return rule.fixed;
  const double lower = rule.fixed > 0.0 ? rule.fixed : rule.floor;
  return std::min(std::max(1.0 - rule.indicator_fraction * indicator, lower), rule.ceiling);
}

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kConverged: return "converged";
    case StopReason::kMaxIterations: return "max_iterations";
    case StopReason::kMaxLayers: return "max_layers";
    case StopReason::kTwoQubitBudget: return "two_qubit_budget";
    case StopReason::kWallClock: return "wall_clock";
    case StopReason::kNoProgress: return "no_progress";
    case StopReason::kFidelityTargetMet: return "fidelity_target_met";
    case StopReason::kShotBudget: return "shot_budget";
    case StopReason::kNoDescent: return "no_descent";
  }
  return "unknown";
}

absl::Status ValidateNestedOptions(const NestedOptions& options, int num_qubits) {
  if (absl::Status s = ValidateStepSize(options.step); !s.ok()) return s;
  const StepControl& control = options.step_control;
  if (!(control.shrink > 0.0 && control.shrink < 1.0) || control.max_shrinks < 0) {
    return absl::InvalidArgumentError(
        "step_control: shrink must be in (0, 1) and max_shrinks >= 0");
  }
  if (absl::Status s = ValidateTargetRule(options.fidelity_target); !s.ok()) return s;
  if (absl::Status s = ValidateSynthesisOptions(options.synthesis, num_qubits); !s.ok()) return s;
  if (absl::Status s = ValidateStoppingRules(options.stop); !s.ok()) return s;
  if (absl::Status s = ValidateMinimizers(options); !s.ok()) return s;
  if (options.hand_back != HandBack::kNever && options.hand_back != HandBack::kAtEnd &&
      options.hand_back != HandBack::kEveryIteration &&
      options.hand_back != HandBack::kWhenFavourable) {
    return absl::InvalidArgumentError("hand_back: unknown mode");
  }
  if (!(options.hand_back_ratio >= 0.0) || !std::isfinite(options.hand_back_ratio)) {
    return absl::InvalidArgumentError("hand_back_ratio: must be finite and >= 0");
  }
  if (options.recompression.every < 0) {
    return absl::InvalidArgumentError("recompress_every: must be >= 0");
  }
  if (options.recompression.max_gates < 1) {
    return absl::InvalidArgumentError("recompress_max_gates: must be >= 1");
  }
  return absl::OkStatus();
}

absl::Status AppendLayer(const Circuit& layer, absl::Span<const double> layer_params,
                         Circuit& circuit, std::vector<double>& params) {
  const int offset = int(params.size());
  for (Gate gate : layer.gates()) {
    for (Angle& angle : gate.angles) {
      if (angle.index >= 0) angle.index += offset;
    }
    if (absl::Status s = circuit.Append(std::move(gate)); !s.ok()) return s;
  }
  params.insert(params.end(), layer_params.begin(), layer_params.end());
  circuit.DeclareParams(int(params.size()));
  return absl::OkStatus();
}

namespace {

// One run's state; RunNested drives Begin → Iterate … → Finish.
class NestedLoop {
 public:
  NestedLoop(const sv::Simulator& simulator, const Cost& cost, const NestedOptions& options,
             GradientStateEstimator& estimator, const NestedCallbacks& callbacks)
      : simulator_(simulator), cost_(cost), options_(options), estimator_(estimator),
        callbacks_(callbacks), start_(Clock::now()) {}

  absl::Status Begin(Circuit circuit, std::vector<double> params);
  void Resume(NestedResult checkpoint);
  int next_iteration() const { return int(result_.history.size()); }
  // One outer iteration; a value when the run must stop.
  absl::StatusOr<std::optional<StopReason>> Iterate(int t);
  absl::StatusOr<NestedResult> Finish();
  void SetStopReason(StopReason reason) { result_.stop_reason = reason; }

 private:
  // options_.warm_start, reporting each evaluation to callbacks_.on_warm_start.
  LocalMinimizerOptions WarmStartOptions() const;
  // What an iteration's step came to, when the run goes on.
  enum class StepOutcome {
    kLayerAdded,  // a layer was appended, or the learned part replaced by a shorter one
    kNoLayer,     // measured: the noisy target gave no layer
    kRefused,     // exact: the layer would raise the cost (FollowStep only)
  };
  // Estimates, decides and learns iteration t's layer; its estimates go to the event.
  absl::StatusOr<std::variant<StopReason, StepOutcome>> Step(int t, IterationEvent& event);
  void DescribeStep(int t, const GradientStateEstimate& estimate, IterationEvent& event) const;
  // Synthesizes the layer that follows `estimate` from psi and appends it unless it is
  // refused.
  absl::StatusOr<std::variant<StopReason, StepOutcome>> FollowStep(
      const sv::StateVector& psi, const GradientStateEstimate& estimate, bool measured,
      IterationEvent& event);
  // The estimate at `step` with the step control, its estimates added to the event's.
  absl::StatusOr<GradientStateEstimate> EstimateAt(const StepSize& step, IterationEvent& event,
                                                   int& shrinks_left);
  // The iteration's estimate, after a kWhenFavourable hand-back where one is due.
  absl::StatusOr<GradientStateEstimate> EstimateAndMaybeHandBack(IterationEvent& event,
                                                                 int& shrinks_left);
  // Whether iteration t first tries to learn the whole learned part anew.
  bool RecompressionDue(int t) const;
  // The start circuit with its current parameters.
  std::pair<Circuit, std::vector<double>> StartPart() const;
  // One synthesis from the start towards the estimate's target; true when it replaced the
  // learned layers (see Recompression).
  absl::StatusOr<bool> TryRecompress(const GradientStateEstimate& estimate, bool measured,
                                     IterationEvent& event);
  // f of `layer` applied to psi.
  absl::StatusOr<double> CostAfter(const sv::StateVector& psi,
                                   const SynthesizedLayer& layer) const;
  void CountGates();
  // Measured runs: keeps the current state when iteration t's estimate is the run's lowest.
  void RememberIfBest(int t, const GradientStateEstimate& estimate);
  // Measured runs: where `last` (the final estimate) shows the last state worse than the
  // best one seen, the result becomes that state and `last` its fresh estimate.
  absl::Status ReturnBestIfLastWorse(GradientStateEstimate& last);
  // After a layer was appended (or the learned part replaced): the every-iteration hand-back
  // and the event.
  absl::StatusOr<std::optional<StopReason>> AfterLayer(IterationEvent& event);
  // Appends the iteration's event (gate counts filled in), hands out progress and the
  // checkpoint, and says whether a budget stops the run.
  std::optional<StopReason> RecordIteration(IterationEvent& event);

  const sv::Simulator& simulator_;
  const Cost& cost_;
  const NestedOptions& options_;
  GradientStateEstimator& estimator_;
  const NestedCallbacks& callbacks_;
  const Clock::time_point start_;
  int start_two_qubit_ = 0;
  int start_cnot_count_ = 0;
  NestedResult result_;
};

absl::Status NestedLoop::Begin(Circuit circuit, std::vector<double> params) {
  auto psi = simulator_.Prepare(circuit, params);
  if (!psi.ok()) return psi.status();
  result_.start_cost = result_.warm_start_cost = cost_.Value(*psi);
  if (options_.warm_start && !params.empty()) {
    auto warm = MinimizeCost(simulator_, cost_, circuit, params, WarmStartOptions());
    if (!warm.ok()) return warm.status();
    params = std::move(warm->x);
    result_.warm_start_cost = warm->value;
  }
  result_.start_gates = int(circuit.gates().size());
  result_.start_params = int(params.size());
  result_.circuit = std::move(circuit);
  result_.params = std::move(params);
  start_two_qubit_ = TwoQubitGates(result_.circuit);
  start_cnot_count_ = CnotCount(result_.circuit);
  result_.stop_reason = StopReason::kMaxIterations;
  return absl::OkStatus();
}

LocalMinimizerOptions NestedLoop::WarmStartOptions() const {
  LocalMinimizerOptions warm = *options_.warm_start;
  if (callbacks_.on_warm_start) {
    warm.on_evaluation = [this, budget = warm.max_evaluations](int evaluations, double best) {
      callbacks_.on_warm_start({evaluations, budget, best, SecondsSince(start_)});
    };
  }
  return warm;
}

// Where a checkpoint predates the start fields: without recompression the learned gates are
// the events' layers, and their parameters follow the start circuit's.
void DeriveStartPart(NestedResult& run) {
  int learned = 0;
  for (const IterationEvent& e : run.history) learned += e.layer_gates;
  run.start_gates = int(run.circuit.gates().size()) - learned;
  run.start_params = int(run.params.size());
  for (size_t g = size_t(run.start_gates); g < run.circuit.gates().size(); ++g) {
    for (const Angle& a : run.circuit.gates()[g].angles) {
      if (a.index >= 0) run.start_params = std::min(run.start_params, a.index);
    }
  }
}

void NestedLoop::Resume(NestedResult checkpoint) {
  result_ = std::move(checkpoint);
  if (result_.recompressions == 0) DeriveStartPart(result_);
  start_two_qubit_ = result_.two_qubit_gates - result_.added_two_qubit_gates;
  start_cnot_count_ = CnotCount(result_.circuit) - result_.added_cnot_count;
  result_.stop_reason = StopReason::kMaxIterations;
}

absl::StatusOr<GradientStateEstimate> NestedLoop::EstimateAt(const StepSize& step,
                                                              IterationEvent& event,
                                                              int& shrinks_left) {
  return EstimateWithStepControl(estimator_, result_.circuit, result_.params, step,
                                 options_.step_control, callbacks_.should_stop, shrinks_left,
                                 event.estimation);
}

absl::StatusOr<GradientStateEstimate> NestedLoop::EstimateAndMaybeHandBack(
    IterationEvent& event, int& shrinks_left) {
  auto estimate = EstimateAt(options_.step, event, shrinks_left);
  if (!estimate.ok() || options_.hand_back != HandBack::kWhenFavourable ||
      IndicatorBelow(estimate->report.indicator, options_.stop.indicator_threshold)) {
    return estimate;
  }
  auto favourable = LandscapeFavourable(simulator_, cost_, result_,
                                        estimate->gradient_operator, options_.hand_back_ratio);
  if (!favourable.ok()) return favourable.status();
  if (!*favourable) return estimate;
  if (absl::Status s = HandBackNow(simulator_, cost_, options_, result_); !s.ok()) return s;
  ++result_.hand_backs;
  event.handed_back = true;
  shrinks_left = options_.step_control.max_shrinks;
  return EstimateAt(options_.step, event, shrinks_left);
}

bool NestedLoop::RecompressionDue(int t) const {
  const int every = options_.recompression.every;
  return every > 0 && result_.layers > 0 && (t + 1) % every == 0;
}

std::pair<Circuit, std::vector<double>> NestedLoop::StartPart() const {
  Circuit start(result_.circuit.num_qubits());
  for (int g = 0; g < result_.start_gates; ++g) {
    // The gates were valid in the full circuit, and the start's parameters come first.
    (void)start.Append(result_.circuit.gates()[size_t(g)]);
  }
  start.DeclareParams(result_.start_params);
  return {std::move(start), std::vector<double>(result_.params.begin(),
                                                result_.params.begin() + result_.start_params)};
}

absl::StatusOr<bool> NestedLoop::TryRecompress(const GradientStateEstimate& estimate,
                                               bool measured, IterationEvent& event) {
  auto [start, start_params] = StartPart();
  auto psi0 = simulator_.Prepare(start, start_params);
  if (!psi0.ok()) return psi0.status();
  SynthesisOptions synthesis = options_.synthesis;
  synthesis.max_gates = options_.recompression.max_gates;
  synthesis.minimizer.max_evaluations = std::min(synthesis.minimizer.max_evaluations,
                                                 options_.recompression.evaluations_per_round);
  const int learned_cnots = CnotCount(result_.circuit) - start_cnot_count_;
  // Only a shorter circuit can replace the layers: stop growing before reaching their count.
  synthesis.max_cnot_count = learned_cnots;
  auto whole = SynthesizeLayer(simulator_, *psi0, *estimate.target, event.fidelity_target,
                               synthesis);
  if (!whole.ok()) return whole.status();
  result_.fidelity_evaluations += whole->evaluations;
  if (whole->params.empty() || whole->fidelity < event.fidelity_target ||
      CnotCount(whole->layer) >= learned_cnots) {
    return false;
  }
  if (!measured) {
    auto after = CostAfter(*psi0, *whole);
    if (!after.ok()) return after.status();
    if (*after > estimate.cost + options_.step_control.tolerance) return false;
  }
  if (absl::Status s = AppendLayer(whole->layer, whole->params, start, start_params); !s.ok()) {
    return s;
  }
  result_.circuit = std::move(start);
  result_.params = std::move(start_params);
  ++result_.recompressions;
  event.recompressed = true;
  event.fidelity = whole->fidelity;
  event.layer_gates = int(whole->layer.gates().size());
  return true;
}

absl::StatusOr<double> NestedLoop::CostAfter(const sv::StateVector& psi,
                                             const SynthesizedLayer& layer) const {
  sv::StateVector chi = psi.Copy();
  if (absl::Status s = simulator_.Run(layer.layer, layer.params, chi); !s.ok()) return s;
  return cost_.Value(chi);
}

absl::StatusOr<std::optional<StopReason>> NestedLoop::Iterate(int t) {
  if (StopRequested(callbacks_.should_stop)) return StoppedError();
  IterationEvent event;
  estimator_.BeginStream(uint64_t(t));
  auto outcome = Step(t, event);
  // The iteration's estimates count whatever came of them, and before the checkpoint.
  result_.estimation.Accumulate(event.estimation);
  if (!outcome.ok()) return outcome.status();
  if (const StopReason* stop = std::get_if<StopReason>(&*outcome)) return *stop;
  return std::get<StepOutcome>(*outcome) == StepOutcome::kLayerAdded ? AfterLayer(event)
                                                                      : RecordIteration(event);
}

absl::StatusOr<std::variant<StopReason, NestedLoop::StepOutcome>> NestedLoop::Step(
    int t, IterationEvent& event) {
  int shrinks_left = options_.step_control.max_shrinks;
  auto estimate = EstimateAndMaybeHandBack(event, shrinks_left);
  if (!estimate.ok()) return estimate.status();
  auto psi = simulator_.Prepare(result_.circuit, result_.params);
  if (!psi.ok()) return psi.status();
  bool tried_recompression = false;
  for (;;) {
    if (IndicatorBelow(estimate->report.indicator, options_.stop.indicator_threshold)) {
      return StopReason::kConverged;
    }
    // The shrinks are spent and the guided state still raises the cost: refuse the step.
    if (GuidedUphill(*estimate, options_.step_control.tolerance)) return StopReason::kNoDescent;
    DescribeStep(t, *estimate, event);
    const bool measured = estimate->report.shots > 0;
    if (measured) RememberIfBest(t, *estimate);
    if (!tried_recompression && RecompressionDue(t)) {
      tried_recompression = true;
      auto replaced = TryRecompress(*estimate, measured, event);
      if (!replaced.ok()) return replaced.status();
      if (*replaced) return StepOutcome::kLayerAdded;
    }
    auto followed = FollowStep(*psi, *estimate, measured, event);
    if (!followed.ok()) return followed.status();
    if (const StepOutcome* outcome = std::get_if<StepOutcome>(&*followed);
        !outcome || *outcome != StepOutcome::kRefused) {
      return *followed;
    }
    // A layer follows its guided state only part of the way; where that part raises the
    // cost, the layer is refused and a shorter step is tried instead.
    ++event.refused_layers;
    if (shrinks_left == 0) return StopReason::kNoDescent;
    if (StopRequested(callbacks_.should_stop)) return StoppedError();
    --shrinks_left;
    estimate = EstimateAt(Shrunk(options_.step, estimate->eta, options_.step_control.shrink),
                          event, shrinks_left);
    if (!estimate.ok()) return estimate.status();
  }
}

void NestedLoop::DescribeStep(int t, const GradientStateEstimate& estimate,
                              IterationEvent& event) const {
  event.iteration = t;
  event.cost = estimate.cost;
  event.guided_cost = estimate.guided_cost;
  event.indicator = estimate.indicator;
  event.eta = estimate.eta;
  event.fidelity_target = FidelityTarget(options_.fidelity_target, estimate.indicator);
}

absl::StatusOr<std::variant<StopReason, NestedLoop::StepOutcome>> NestedLoop::FollowStep(
    const sv::StateVector& psi, const GradientStateEstimate& estimate, bool measured,
    IterationEvent& event) {
  auto layer = SynthesizeLayer(simulator_, psi, *estimate.target, event.fidelity_target,
                               options_.synthesis);
  if (!layer.ok()) return layer.status();
  result_.fidelity_evaluations += layer->evaluations;
  const bool target_met = layer->initial_fidelity >= event.fidelity_target;
  const bool no_progress = layer->params.empty() || !(layer->fidelity > layer->initial_fidelity);
  if (target_met || no_progress) {
    // An exact estimate would say the same again: stop. A measured one may only have failed
    // to resolve the step through its noise: record the iteration without a layer (its
    // shots are spent) and measure afresh in the next one.
    if (!measured) return target_met ? StopReason::kFidelityTargetMet : StopReason::kNoProgress;
    event.fidelity = layer->initial_fidelity;
    return StepOutcome::kNoLayer;
  }
  if (!measured) {
    auto after = CostAfter(psi, *layer);
    if (!after.ok()) return after.status();
    if (*after > estimate.cost + options_.step_control.tolerance) return StepOutcome::kRefused;
  }
  if (absl::Status s = AppendLayer(layer->layer, layer->params, result_.circuit, result_.params);
      !s.ok()) {
    return s;
  }
  event.fidelity = layer->fidelity;
  event.layer_gates = int(layer->layer.gates().size());
  return StepOutcome::kLayerAdded;
}

absl::StatusOr<std::optional<StopReason>> NestedLoop::AfterLayer(IterationEvent& event) {
  ++result_.layers;
  if (options_.hand_back == HandBack::kEveryIteration) {
    if (absl::Status s = HandBackNow(simulator_, cost_, options_, result_); !s.ok()) return s;
    ++result_.hand_backs;
  }
  return RecordIteration(event);
}

std::optional<StopReason> NestedLoop::RecordIteration(IterationEvent& event) {
  CountGates();
  event.layers = result_.layers;
  event.num_params = int(result_.params.size());
  event.two_qubit_gates = result_.two_qubit_gates;
  event.cnot_count = start_cnot_count_ + result_.added_cnot_count;
  event.elapsed_seconds = SecondsSince(start_);
  result_.history.push_back(event);
  if (callbacks_.on_iteration) callbacks_.on_iteration(event);
  if (callbacks_.on_checkpoint) callbacks_.on_checkpoint(result_);
  return BudgetStop(result_, options_.stop, event.elapsed_seconds);
}

void NestedLoop::RememberIfBest(int t, const GradientStateEstimate& estimate) {
  BestMeasuredState& best = result_.best;
  if (best.iteration >= 0 && !(estimate.cost < best.cost)) return;
  best = {t, estimate.cost, estimate.report.cost, result_.circuit, result_.params};
}

absl::Status NestedLoop::ReturnBestIfLastWorse(GradientStateEstimate& last) {
  const BestMeasuredState& best = result_.best;
  // Noise alone never counts: only intervals that do not overlap show the climb.
  if (last.report.shots == 0 || best.iteration < 0 ||
      !(last.report.cost.low > best.cost_interval.high + options_.step_control.tolerance)) {
    return absl::OkStatus();
  }
  result_.circuit = best.circuit;
  result_.params = best.params;
  result_.returned_iteration = best.iteration;
  estimator_.BeginStream(GradientStateEstimator::kBestStream);
  auto again = estimator_.Estimate(result_.circuit, result_.params, options_.step);
  if (!again.ok()) return again.status();
  result_.estimation.Accumulate(again->report);
  last = *std::move(again);
  return absl::OkStatus();
}

void NestedLoop::CountGates() {
  result_.two_qubit_gates = TwoQubitGates(result_.circuit);
  result_.added_two_qubit_gates = result_.two_qubit_gates - start_two_qubit_;
  result_.added_cnot_count = CnotCount(result_.circuit) - start_cnot_count_;
}

absl::StatusOr<NestedResult> NestedLoop::Finish() {
  if (options_.hand_back == HandBack::kAtEnd) {
    if (absl::Status s = HandBackNow(simulator_, cost_, options_, result_); !s.ok()) return s;
    ++result_.hand_backs;
  }
  estimator_.BeginStream(GradientStateEstimator::kFinalStream);
  auto last = estimator_.Estimate(result_.circuit, result_.params, options_.step);
  if (!last.ok()) return last.status();
  result_.estimation.Accumulate(last->report);
  if (absl::Status s = ReturnBestIfLastWorse(*last); !s.ok()) return s;
  result_.final_cost = last->cost;
  result_.final_indicator = last->indicator;
  CountGates();
  return std::move(result_);
}

absl::Status ValidateRun(const Cost& cost, const Circuit& circuit,
                         absl::Span<const double> params, const NestedOptions& options) {
  if (absl::Status s = cost.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  if (absl::Status s = ValidateNestedOptions(options, circuit.num_qubits()); !s.ok()) return s;
  if (int(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "params: ", params.size(), " values for ", circuit.num_params(), " circuit parameters"));
  }
  return absl::OkStatus();
}

// `options` with the stop check handed to every local minimization it configures.
NestedOptions WithStopCheck(const NestedOptions& options, const StopCheck& should_stop) {
  NestedOptions copy = options;
  copy.synthesis.minimizer.should_stop = should_stop;
  copy.hand_back_minimizer.should_stop = should_stop;
  if (copy.warm_start) copy.warm_start->should_stop = should_stop;
  return copy;
}

absl::StatusOr<NestedResult> Drive(NestedLoop& loop, const NestedOptions& options) {
  for (int t = loop.next_iteration(); t < options.stop.max_iterations; ++t) {
    auto stop = loop.Iterate(t);
    if (!stop.ok()) return stop.status();
    if (*stop) {
      loop.SetStopReason(**stop);
      break;
    }
  }
  return loop.Finish();
}

}  // namespace

absl::StatusOr<NestedResult> RunNested(const sv::Simulator& simulator, const Cost& cost,
                                       Circuit circuit, std::vector<double> params,
                                       const NestedOptions& given_options,
                                       const NestedCallbacks& callbacks,
                                       GradientStateEstimator* estimator) {
  if (absl::Status s = ValidateRun(cost, circuit, params, given_options); !s.ok()) return s;
  const NestedOptions options = WithStopCheck(given_options, callbacks.should_stop);
  ExactGradientStateEstimator exact(&simulator, cost);
  NestedLoop loop(simulator, cost, options, estimator ? *estimator : exact, callbacks);
  if (absl::Status s = loop.Begin(std::move(circuit), std::move(params)); !s.ok()) return s;
  return Drive(loop, options);
}

absl::StatusOr<NestedResult> ResumeNested(const sv::Simulator& simulator, const Cost& cost,
                                          NestedResult checkpoint,
                                          const NestedOptions& given_options,
                                          const NestedCallbacks& callbacks,
                                          GradientStateEstimator* estimator) {
  if (absl::Status s =
          ValidateRun(cost, checkpoint.circuit, checkpoint.params, given_options);
      !s.ok()) {
    return s;
  }
  const NestedOptions options = WithStopCheck(given_options, callbacks.should_stop);
  ExactGradientStateEstimator exact(&simulator, cost);
  NestedLoop loop(simulator, cost, options, estimator ? *estimator : exact, callbacks);
  loop.Resume(std::move(checkpoint));
  return Drive(loop, options);
}

}  // namespace qgrad::optimizer
