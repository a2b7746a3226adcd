// Classical (VQE-style) minimization of a cost over all parameters of a fixed circuit: the
// warm start of a nested run (pre-train a small ansatz until it stalls) and the hand-back
// (re-optimize every parameter once layers have been added).
//
// L-BFGS uses adjoint gradients: ∂f/∂θ = ∂⟨ψ(θ)|D|ψ(θ)⟩/∂θ with D frozen at the current
// state, which is exact for polynomial costs too because D|ψ⟩ = ∂f/∂⟨ψ|.
//
// Thread-safety: pure functions of their arguments.
#ifndef QGRAD_OPTIMIZER_COST_MINIMIZER_H_
#define QGRAD_OPTIMIZER_COST_MINIMIZER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/adjoint.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "optimizer/cost.h"
#include "optimizer/local_minimizer.h"

namespace qgrad::optimizer {

// f(θ) and ∂f/∂θ for the state circuit(θ)|0⟩.
absl::StatusOr<sv::ValueAndGradient> CostAndGradient(const sv::Simulator& simulator,
                                                     const Cost& cost, const Circuit& circuit,
                                                     absl::Span<const double> params);

// Minimizes f over all circuit parameters from `params` (ftol_rel is the stall criterion:
// stop once an iteration improves f by less than that fraction). A circuit without
// parameters returns its value unchanged. INVALID_ARGUMENT for a qubit-count mismatch or
// short params.
absl::StatusOr<LocalMinimum> MinimizeCost(const sv::Simulator& simulator, const Cost& cost,
                                          const Circuit& circuit, std::vector<double> params,
                                          const LocalMinimizerOptions& options);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_COST_MINIMIZER_H_
