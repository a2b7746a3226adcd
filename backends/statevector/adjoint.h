// Adjoint-method gradients (Jones & Gacon, arXiv:2009.02823) of an expectation value
// ⟨ψ(θ)|H|ψ(θ)⟩ and of a fidelity |⟨φ|U(θ)|ψ0⟩|² with respect to every circuit parameter,
// for the cost of a few state-vector passes instead of one circuit run per parameter.
//
// Three sweeps:
//  - kPaired (the default) undoes the simulator's own fused ops (at most
//    `max_block_qubits` qubits each) on φ and λ interleaved in one state of n+1 qubits, so
//    the backward sweep runs through the same cache-blocked passes and SIMD kernels as a
//    forward run; before undoing an op with parameters it reads the reduced operator
//    R = Σ φ λ† on the op's qubits, from which each parameter's term follows as a trace.
//    It needs one state of n+1 qubits (twice the memory of the forward state).
//  - kBlocked groups gates on at most `max_block_qubits` qubits and undoes each group in
//    one scalar pass over both vectors with the same reduced operator. kPaired falls back
//    to it when a parameterized gate sits in an op it cannot differentiate (a controlled
//    gate wider than `max_block_qubits`, or a Pauli rotation with identity letters; see
//    UsesPairedSweep).
//  - kGateByGate undoes one gate at a time: the reference.
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

enum class AdjointSweep { kPaired, kBlocked, kGateByGate };

struct AdjointOptions {
  AdjointSweep sweep = AdjointSweep::kPaired;
  int max_block_qubits = 2;  // 1..5; 2 measured fastest (bench/adjoint_bench)
};

// Whether `options` run the paired sweep for this circuit (else the blocked one).
bool UsesPairedSweep(const Circuit& circuit, absl::Span<const double> params,
                     const AdjointOptions& options = {});

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
