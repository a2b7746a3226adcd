// Adjoint-method gradients (Jones & Gacon, arXiv:2009.02823) of an expectation value
// ⟨ψ(θ)|H|ψ(θ)⟩ and of a fidelity |⟨φ|U(θ)|ψ0⟩|² with respect to every circuit parameter,
// for the cost of a few state-vector passes instead of one circuit run per parameter.
//
// Two sweeps share the same bookkeeping: kGateByGate undoes one gate at a time (the
// reference), kBlocked groups gates on at most `max_block_qubits` qubits (a gate may move
// past earlier gates on other qubits) and undoes each group in ONE pass over both vectors,
// accumulating the reduced operator R = Σ φ λ† on the group's qubits, from which every
// parameter's term in the group follows as a trace.
//
// Thread-safety: pure functions of their arguments (they allocate their own work states).
#ifndef QGRAD_BACKENDS_STATEVECTOR_ADJOINT_H_
#define QGRAD_BACKENDS_STATEVECTOR_ADJOINT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "core/pauli.h"

namespace qgrad::sv {

struct ValueAndGradient {
  double value = 0;
  std::vector<double> gradient;  // one entry per circuit parameter (num_params())
};

enum class AdjointSweep { kBlocked, kGateByGate };

struct AdjointOptions {
  AdjointSweep sweep = AdjointSweep::kBlocked;
  int max_block_qubits = 2;  // 1..5; 2 measured fastest (bench/adjoint_bench)
};

// f(θ) = ⟨ψ|H|ψ⟩ with ψ = U(θ)|initial⟩ (|0…0⟩ when `initial` is null) and ∂f/∂θ.
// INVALID_ARGUMENT for a non-Hermitian H, an H on more qubits than the circuit, short
// params or a mismatched initial state; FAILED_PRECONDITION for measure / reset.
absl::StatusOr<ValueAndGradient> ExpectationGradient(const Simulator& simulator,
                                                     const Circuit& circuit,
                                                     absl::Span<const double> params,
                                                     const PauliSum& observable,
                                                     const StateVector* initial = nullptr,
                                                     const AdjointOptions& options = {});

// F(θ) = |⟨target|U(θ)|initial⟩|² and ∂F/∂θ. `target` need not be normalized (F is then
// scaled by its squared norm).
absl::StatusOr<ValueAndGradient> FidelityGradient(const Simulator& simulator,
                                                  const Circuit& circuit,
                                                  absl::Span<const double> params,
                                                  const StateVector& target,
                                                  const StateVector* initial = nullptr,
                                                  const AdjointOptions& options = {});

}  // namespace qgrad::sv

#endif  // QGRAD_BACKENDS_STATEVECTOR_ADJOINT_H_
