// Helpers for the optimizer's tests: seeded random states and Hermitian Pauli sums, and a
// state vector from explicit amplitudes.
//
// Thread-safety: free functions; the generator is the caller's.
#ifndef QGRAD_OPTIMIZER_TEST_UTIL_H_
#define QGRAD_OPTIMIZER_TEST_UTIL_H_

#include <random>
#include <vector>

#include "backends/statevector/statevector.h"
#include "core/pauli.h"

namespace qgrad::optimizer::test {

sv::StateVector RandomState(int num_qubits, std::mt19937_64& rng);
// `terms` random strings on `num_qubits` qubits with Gaussian real coefficients.
PauliSum RandomHermitian(int num_qubits, int terms, std::mt19937_64& rng);
sv::StateVector FromAmplitudes(const std::vector<sv::Amplitude>& amplitudes);

}  // namespace qgrad::optimizer::test

#endif  // QGRAD_OPTIMIZER_TEST_UTIL_H_
