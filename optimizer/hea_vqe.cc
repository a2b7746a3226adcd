// Hardware-efficient VQE baseline (see hea_vqe.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/hea_vqe.h"

#include <cmath>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "optimizer/cost_minimizer.h"
#include "optimizer/nested.h"

namespace qgrad::optimizer {
namespace {

void AddRotationLayer(Circuit& circuit, int& next_param) {
  for (int q = 0; q < circuit.num_qubits(); ++q) {
    // Qubits are in range by construction, so the builders cannot fail.
    (void)circuit.Add(GateKind::kRY, {q}, {Angle::Param(next_param++)});
    (void)circuit.Add(GateKind::kRZ, {q}, {Angle::Param(next_param++)});
  }
}

std::vector<double> InitialAngles(int count, const HeaOptions& options) {
  std::vector<double> params(count, 0.0);
  if (!options.random_init) return params;
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> uniform(-options.init_scale, options.init_scale);
  for (double& p : params) p = uniform(rng);
  return params;
}

}  // namespace

absl::Status ValidateHeaOptions(const HeaOptions& options, int num_qubits) {
  if (options.layers < 0) {
    return absl::InvalidArgumentError(absl::StrCat("layers: ", options.layers, " (need >= 0)"));
  }
  if (absl::Status s = ValidateCoupling(options.coupling, num_qubits, false); !s.ok()) return s;
  if (!(options.init_scale >= 0) || !std::isfinite(options.init_scale)) {
    return absl::InvalidArgumentError("init_scale: must be finite and >= 0");
  }
  return ValidateLocalMinimizerOptions(options.minimizer, "minimizer");
}

Circuit HardwareEfficientAnsatz(int num_qubits, const HeaOptions& options) {
  Circuit ansatz(num_qubits);
  Coupling edges = options.coupling;
  if (edges.empty()) {
    for (int q = 0; q + 1 < num_qubits; ++q) edges.push_back({q, q + 1});
  }
  const GateKind entangler =
      options.entangler == HeaOptions::Entangler::kCz ? GateKind::kCZ : GateKind::kCX;
  int next = 0;
  for (int layer = 0; layer < options.layers; ++layer) {
    AddRotationLayer(ansatz, next);
    for (auto [a, b] : edges) (void)ansatz.Add(entangler, {a, b});
  }
  AddRotationLayer(ansatz, next);
  return ansatz;
}

absl::StatusOr<BaselineResult> RunHardwareEfficientVqe(const sv::Simulator& simulator,
                                                       const Cost& cost, Circuit reference,
                                                       const HeaOptions& options,
                                                       const BaselineCallback& callback) {
  if (absl::Status s = ValidateBaselineStart(cost, reference, {}); !s.ok()) return s;
  if (reference.num_params() > 0) {
    return absl::InvalidArgumentError("circuit: the reference must have no parameters");
  }
  const int n = reference.num_qubits();
  if (absl::Status s = ValidateHeaOptions(options, n); !s.ok()) return s;
  const Circuit ansatz = HardwareEfficientAnsatz(n, options);
  BaselineResult result;
  result.circuit = std::move(reference);
  if (absl::Status s = AppendLayer(ansatz, InitialAngles(ansatz.num_params(), options),
                                   result.circuit, result.params);
      !s.ok()) {
    return s;
  }
  Stopwatch clock;
  Objective objective = [&](absl::Span<const double> x,
                            absl::Span<double> gradient) -> absl::StatusOr<double> {
    auto f = CostAndGradient(simulator, cost, result.circuit, x);
    if (!f.ok()) return f.status();
    double norm2 = 0.0;
    for (size_t i = 0; i < gradient.size(); ++i) {
      gradient[i] = f->gradient[i];
      norm2 += gradient[i] * gradient[i];
    }
    ++result.cost_evaluations;
    if (result.cost_evaluations == 1) result.start_cost = f->value;
    BaselineEvent event;
    event.iteration = int(result.history.size());
    event.cost = f->value;
    event.gradient_norm = std::sqrt(norm2);
    EmitEvent(std::move(event), clock, callback, result);
    return f->value;
  };
  auto best = Minimize(objective, result.params, options.minimizer);
  if (!best.ok()) return best.status();
  result.params = std::move(best->x);
  result.final_cost = best->value;
  result.stop_reason = best->evaluations >= options.minimizer.max_evaluations
                           ? BaselineStop::kMaxIterations
                           : BaselineStop::kConverged;
  CountCircuit(result);
  return result;
}

}  // namespace qgrad::optimizer
