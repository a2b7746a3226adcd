// Dense linear algebra for problems tests: applying Pauli sums to state vectors by bit
// masks, sector matrices, and a Jacobi eigensolver. Test oracles only — deliberately
// independent of the library code under test except for the PauliSum container.
//
// Thread-safety: free functions only.
#ifndef QGRAD_PROBLEMS_DENSE_TEST_UTIL_H_
#define QGRAD_PROBLEMS_DENSE_TEST_UTIL_H_

#include <cstdint>
#include <vector>

#include "core/pauli.h"

namespace qgrad::testing_util {

using State = std::vector<Complex>;

// P|b⟩ = i^{|x∧z|} (−1)^{|z∧b|} |b ⊕ x⟩ for P = i^{|x∧z|} X^x Z^z.
State ApplyPauliSum(const PauliSum& op, const State& psi);
Complex Expectation(const PauliSum& op, const State& psi);  // ⟨ψ|op|ψ⟩ (ψ not normalized)
Complex Expectation(const PauliString& p, const State& psi);
Complex Inner(const State& a, const State& b);  // ⟨a|b⟩

// Basis states (interleaved spin ordering, qubit 2p = p↑) with n_alpha ↑ and n_beta ↓
// electrons among num_orbitals orbitals, in increasing index order.
std::vector<uint64_t> SectorStates(int num_orbitals, int n_alpha, int n_beta);

// Real symmetric matrix of op restricted to `basis` (row-major). Sets *leak to the largest
// amplitude op sends outside the sector, and *max_imag to the largest imaginary element.
std::vector<double> SectorMatrix(const PauliSum& op, const std::vector<uint64_t>& basis,
                                 double* leak, double* max_imag);

// Eigenvalues (ascending) of a real symmetric n×n matrix by cyclic Jacobi rotations.
std::vector<double> SymmetricEigenvalues(std::vector<double> a, int n);

}  // namespace qgrad::testing_util

#endif  // QGRAD_PROBLEMS_DENSE_TEST_UTIL_H_
