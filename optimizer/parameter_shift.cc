// Parameter-shift gradients and gradient descent (see parameter_shift.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/parameter_shift.h"

#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "optimizer/cost_minimizer.h"

namespace qgrad::optimizer {
namespace {

bool HasTwoTermRule(GateKind kind) {
  return kind == GateKind::kRX || kind == GateKind::kRY || kind == GateKind::kRZ ||
         kind == GateKind::kP || kind == GateKind::kPauliRotation;
}

// The circuit with every parameterized angle given its own parameter (the gate angle
// itself), and for each use the original parameter and its scale.
struct ExpandedCircuit {
  Circuit circuit;
  std::vector<double> angles;  // gate angles at the given params
  std::vector<int> source;     // original parameter of each use
  std::vector<double> scale;
};

absl::StatusOr<ExpandedCircuit> Expand(const Circuit& circuit, absl::Span<const double> params) {
  ExpandedCircuit out{Circuit(circuit.num_qubits()), {}, {}, {}};
  const std::vector<Gate>& gates = circuit.gates();
  for (size_t g = 0; g < gates.size(); ++g) {
    Gate gate = gates[g];
    for (Angle& angle : gate.angles) {
      if (angle.is_fixed()) continue;
      if (!HasTwoTermRule(gate.kind) || !gate.controls.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "circuit: gate ", g, " (", std::string(Info(gate.kind).name),
            ") has no two-term parameter-shift rule (use RX/RY/RZ/P or Pauli rotations)"));
      }
      out.angles.push_back(angle.Value(params));
      out.source.push_back(angle.index);
      out.scale.push_back(angle.scale);
      angle = Angle::Param(int(out.angles.size()) - 1);
    }
    if (absl::Status s = out.circuit.Append(std::move(gate)); !s.ok()) return s;
  }
  return out;
}

absl::StatusOr<double> Evaluate(const sv::Simulator& simulator, const PauliSum& observable,
                                const Circuit& circuit, absl::Span<const double> params,
                                const StopCheck& should_stop = nullptr) {
  if (StopRequested(should_stop)) return StoppedError();
  auto psi = simulator.Prepare(circuit, params);
  if (!psi.ok()) return psi.status();
  return sv::Expectation(*psi, observable);
}

}  // namespace

absl::StatusOr<ShiftGradient> ParameterShiftGradient(const sv::Simulator& simulator,
                                                     const PauliSum& observable,
                                                     const Circuit& circuit,
                                                     absl::Span<const double> params,
                                                     const StopCheck& should_stop) {
  auto cost = Cost::Observable(observable);
  if (!cost.ok()) return cost.status();
  if (absl::Status s = ValidateBaselineStart(*cost, circuit, params); !s.ok()) return s;
  auto expanded = Expand(circuit, params);
  if (!expanded.ok()) return expanded.status();
  ShiftGradient out;
  out.gradient.assign(circuit.num_params(), 0.0);
  std::vector<double> x = expanded->angles;
  auto value = Evaluate(simulator, observable, expanded->circuit, x, should_stop);
  if (!value.ok()) return value.status();
  out.value = *value;
  out.circuit_evaluations = 1;
  constexpr double kShift = std::numbers::pi / 2;
  for (size_t u = 0; u < x.size(); ++u) {
    const double x0 = x[u];
    x[u] = x0 + kShift;
    auto plus = Evaluate(simulator, observable, expanded->circuit, x, should_stop);
    if (!plus.ok()) return plus.status();
    x[u] = x0 - kShift;
    auto minus = Evaluate(simulator, observable, expanded->circuit, x, should_stop);
    if (!minus.ok()) return minus.status();
    x[u] = x0;
    out.gradient[expanded->source[u]] += expanded->scale[u] * 0.5 * (*plus - *minus);
    out.circuit_evaluations += 2;
  }
  return out;
}

absl::Status ValidateParameterShiftOptions(const ParameterShiftOptions& options) {
  if (!(options.learning_rate > 0) || !std::isfinite(options.learning_rate)) {
    return absl::InvalidArgumentError("learning_rate: must be finite and > 0");
  }
  if (options.iterations < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: ", options.iterations, " (need >= 0)"));
  }
  if (!std::isfinite(options.max_seconds)) {
    return absl::InvalidArgumentError("max_seconds: must be finite");
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckDescent(const Cost& cost, const Circuit& circuit,
                          absl::Span<const double> params,
                          const ParameterShiftOptions& options) {
  if (absl::Status s = ValidateParameterShiftOptions(options); !s.ok()) return s;
  if (cost.observable() == nullptr) {
    return absl::InvalidArgumentError(
        "cost: parameter-shift descent needs an observable (degree-1) cost");
  }
  return ValidateBaselineStart(cost, circuit, params);
}

// The iterations from result.history.size() on. REQUIRES: CheckDescent passed.
absl::StatusOr<BaselineResult> ContinueDescent(const sv::Simulator& simulator, const Cost& cost,
                                               BaselineResult result,
                                               const ParameterShiftOptions& options,
                                               const BaselineCallback& callback,
                                               const BaselineCheckpointCallback& on_checkpoint) {
  const PauliSum& h = *cost.observable();
  Stopwatch clock;
  result.stop_reason = BaselineStop::kMaxIterations;
  for (int t = int(result.history.size()); t < options.iterations; ++t) {
    if (StopRequested(options.should_stop)) return StoppedError();
    if (options.max_seconds > 0 && clock.Seconds() > options.max_seconds) {
      result.stop_reason = BaselineStop::kWallClock;
      break;
    }
    auto g = ParameterShiftGradient(simulator, h, result.circuit, result.params,
                                    options.should_stop);
    if (!g.ok()) return g.status();
    if (t == 0) result.start_cost = g->value;
    result.cost_evaluations += g->circuit_evaluations;
    double norm2 = 0.0;
    for (size_t k = 0; k < g->gradient.size(); ++k) {
      result.params[k] -= options.learning_rate * g->gradient[k];
      norm2 += g->gradient[k] * g->gradient[k];
    }
    BaselineEvent event;
    event.iteration = t;
    event.cost = g->value;
    event.gradient_norm = std::sqrt(norm2);
    EmitEvent(std::move(event), clock, callback, result);
    if (on_checkpoint) on_checkpoint(result);
  }
  auto final_value = Evaluate(simulator, h, result.circuit, result.params);
  if (!final_value.ok()) return final_value.status();
  ++result.cost_evaluations;
  result.final_cost = *final_value;
  if (result.history.empty()) result.start_cost = result.final_cost;
  CountCircuit(result);
  return result;
}

}  // namespace

absl::StatusOr<BaselineResult> RunParameterShiftDescent(
    const sv::Simulator& simulator, const Cost& cost, Circuit circuit, std::vector<double> params,
    const ParameterShiftOptions& options, const BaselineCallback& callback,
    const BaselineCheckpointCallback& on_checkpoint) {
  if (absl::Status s = CheckDescent(cost, circuit, params, options); !s.ok()) return s;
  BaselineResult result;
  result.circuit = std::move(circuit);
  result.params = std::move(params);
  return ContinueDescent(simulator, cost, std::move(result), options, callback, on_checkpoint);
}

absl::StatusOr<BaselineResult> ResumeParameterShiftDescent(
    const sv::Simulator& simulator, const Cost& cost, BaselineResult checkpoint,
    const ParameterShiftOptions& options, const BaselineCallback& callback,
    const BaselineCheckpointCallback& on_checkpoint) {
  if (absl::Status s = CheckDescent(cost, checkpoint.circuit, checkpoint.params, options);
      !s.ok()) {
    return s;
  }
  return ContinueDescent(simulator, cost, std::move(checkpoint), options, callback,
                         on_checkpoint);
}

}  // namespace qgrad::optimizer
