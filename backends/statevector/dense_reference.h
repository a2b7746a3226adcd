// Test support: an independent dense-matrix model of circuits (textbook gate matrices,
// Kronecker products, plain matrix-vector products) and random-circuit generation.
// Nothing here calls the simulator or core's GateMatrix. Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_STATEVECTOR_DENSE_REFERENCE_H_
#define QGRAD_BACKENDS_STATEVECTOR_DENSE_REFERENCE_H_

#include <complex>
#include <random>
#include <vector>

#include "core/circuit.h"
#include "core/pauli.h"

namespace qgrad::sv::testing {

using C = std::complex<double>;

// Square matrix, row-major.
struct Dense {
  size_t dim = 0;
  std::vector<C> a;
  C& at(size_t r, size_t c) { return a[r * dim + c]; }
  C at(size_t r, size_t c) const { return a[r * dim + c]; }
};

Dense Identity(size_t dim);
Dense Kron(const Dense& a, const Dense& b);  // a ⊗ b (b acts on the low bits)
Dense Multiply(const Dense& a, const Dense& b);

// The textbook matrix of the gate's own qubits (qubits[0] = least significant bit).
Dense TextbookMatrix(const Gate& gate, const std::vector<double>& params);
// The full 2^n × 2^n operator of the gate, controls included.
Dense FullMatrix(const Gate& gate, const std::vector<double>& params, int n);
// The full matrix of a Pauli string on n qubits, as a Kronecker product of 2×2 letters.
Dense PauliMatrix(const PauliString& p, int n);

std::vector<C> Apply(const Dense& m, const std::vector<C>& v);
// U_circuit |0…0⟩ (or `initial`) by dense products, gate by gate.
std::vector<C> ReferenceRun(const Circuit& circuit, const std::vector<double>& params,
                            std::vector<C> initial = {});

// A random circuit on n qubits using every unitary gate kind, extra ctrl/negctrl
// controls, kUnitary and Pauli rotations; angles partly bound to `num_params` parameters.
Circuit RandomCircuit(int n, int num_gates, int num_params, std::mt19937_64& rng);
std::vector<C> RandomState(int n, std::mt19937_64& rng);  // normalized

}  // namespace qgrad::sv::testing

#endif  // QGRAD_BACKENDS_STATEVECTOR_DENSE_REFERENCE_H_
