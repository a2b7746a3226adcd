// Exact derivatives of gate matrices and dense Pauli-string matrices (GateMatrix itself is
// declared in core/circuit.h).
//
// Thread-safety: pure functions.
#ifndef QGRAD_CORE_GATE_MATRIX_H_
#define QGRAD_CORE_GATE_MATRIX_H_

#include <complex>
#include <vector>

#include "absl/types/span.h"
#include "core/circuit.h"
#include "core/pauli.h"

namespace qgrad {

// ∂GateMatrix(gate, params)/∂(value of gate.angles[angle]) — the derivative with respect to
// the angle's value, not to θ[index] (multiply by Angle::scale for that). Same layout as
// GateMatrix. REQUIRES: unitary gate, 0 <= angle < number of angles.
std::vector<Complex> GateMatrixDerivative(const Gate& gate, absl::Span<const double> params,
                                          int angle);

// The 2^k × 2^k matrix of `pauli` restricted to qubits 0..k-1 (qubit 0 = least significant
// bit of the index).
std::vector<Complex> PauliStringMatrixOn(const PauliString& pauli, int num_qubits);

}  // namespace qgrad

#endif  // QGRAD_CORE_GATE_MATRIX_H_
