// The cost a nested optimization minimizes: an observable ⟨ψ|H|ψ⟩ (degree 1) or a
// polynomial cost (degree ≥ 2, problems/polynomial.h), evaluated exactly on a state vector,
// together with its gradient operator D (D = H for degree 1).
//
// Thread-safety: immutable after Create; const methods may be called concurrently.
#ifndef QGRAD_OPTIMIZER_COST_H_
#define QGRAD_OPTIMIZER_COST_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "core/pauli.h"
#include "problems/polynomial.h"

namespace qgrad::optimizer {

class Cost {
 public:
  // INVALID_ARGUMENT ("observable: ...") for an empty or non-Hermitian H.
  static absl::StatusOr<Cost> Observable(PauliSum hamiltonian);
  static Cost Polynomial(PolynomialCost polynomial);

  int degree() const { return polynomial_ ? polynomial_->degree() : 1; }
  // The observable (degree 1) or nullptr.
  const PauliSum* observable() const { return polynomial_ ? nullptr : &hamiltonian_; }
  const PolynomialCost* polynomial() const { return polynomial_ ? &*polynomial_ : nullptr; }

  // INVALID_ARGUMENT ("num_qubits: ...") unless a circuit on `num_qubits` qubits can be
  // scored: H may act on fewer qubits, a polynomial needs exactly its register size.
  absl::Status CheckQubits(int num_qubits) const;

  // f(ψ) for a normalized ψ. REQUIRES: CheckQubits(state.num_qubits()).ok().
  double Value(const sv::StateVector& state) const;
  // D(ψ): a Hermitian Pauli sum with D|ψ⟩ = ∂f/∂⟨ψ|. REQUIRES as for Value.
  PauliSum GradientOperator(const sv::StateVector& state) const;

 private:
  Cost() = default;

  PauliSum hamiltonian_;
  std::optional<PolynomialCost> polynomial_;
};

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_COST_H_
