// Random circuits for tests: every unitary gate kind, extra (neg)controls, Pauli rotations
// of any width, parameters shared between gates with scales and offsets. Seeded.
//
// Thread-safety: pure functions of their arguments (the generator is the caller's).
#ifndef QGRAD_TESTING_RANDOM_CIRCUIT_H_
#define QGRAD_TESTING_RANDOM_CIRCUIT_H_

#include <random>
#include <vector>

#include "core/circuit.h"

namespace qgrad::testing {

struct RandomCircuitOptions {
  int num_qubits = 4;
  int num_gates = 40;
  int num_params = 0;           // 0: every angle is a fixed number
  double control_probability = 0.25;  // chance of one extra ctrl/negctrl qubit
  bool include_unitary = true;  // kUnitary gates (random 1- and 2-qubit unitaries)
  std::vector<GateKind> kinds;  // empty: every unitary kind
};

Circuit RandomCircuit(const RandomCircuitOptions& options, std::mt19937_64& rng);

// Uniform values in [−π, π).
std::vector<double> RandomParams(int count, std::mt19937_64& rng);

// A random k-qubit unitary (QR of a complex Gaussian matrix, Gram–Schmidt).
std::vector<Complex> RandomUnitary(int num_qubits, std::mt19937_64& rng);

}  // namespace qgrad::testing

#endif  // QGRAD_TESTING_RANDOM_CIRCUIT_H_
