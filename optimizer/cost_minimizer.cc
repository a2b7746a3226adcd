// Classical cost minimization (see cost_minimizer.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/cost_minimizer.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
absl::StatusOr<sv::ValueAndGradient> CostAndGradient(const sv::Simulator& simulator,
                                                     const Cost& cost, const Circuit& circuit,
                                                     absl::Span<const double> params) {
  if (absl::Status s = cost.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  if (const PauliSum* h = cost.observable()) {
    return sv::ExpectationGradient(simulator, circuit, params, *h);
  }
  auto psi = simulator.Prepare(circuit, params);
  if (!psi.ok()) return psi.status();
  auto result = sv::ExpectationGradient(simulator, circuit, params, cost.GradientOperator(*psi));
  if (!result.ok()) return result.status();
  result->value = cost.Value(*psi);
  return result;
}

absl::StatusOr<LocalMinimum> MinimizeCost(const sv::Simulator& simulator, const Cost& cost,
                                          const Circuit& circuit, std::vector<double> params,
                                          const LocalMinimizerOptions& options) {
  if (absl::Status s = cost.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  if (int(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrCat("params: ", params.size(),
                                                   " values for ", circuit.num_params(),
                                                   " circuit parameters"));
  }
  if (params.empty()) {
    auto psi = simulator.Prepare(circuit, params);
    if (!psi.ok()) return psi.status();
    return LocalMinimum{{}, cost.Value(*psi), 1};
  }
  Objective objective = [&](absl::Span<const double> x,
                            absl::Span<double> gradient) -> absl::StatusOr<double> {
    if (gradient.empty()) {
      auto psi = simulator.Prepare(circuit, x);
      if (!psi.ok()) return psi.status();
      return cost.Value(*psi);
    }
    auto f = CostAndGradient(simulator, cost, circuit, x);
    if (!f.ok()) return f.status();
    // Parameters beyond the circuit's num_params() do not change the state.
    for (size_t i = 0; i < gradient.size(); ++i) {
      gradient[i] = i < f->gradient.size() ? f->gradient[i] : 0.0;
    }
    return f->value;
  };
  return Minimize(objective, std::move(params), options);
}

}  // namespace qgrad::optimizer
