// Diagonal matrix elements of Pauli sums in the computational basis: energies of basis
// states (Hartree–Fock determinants, Max-Cut assignments, classical spin configurations).
//
// Thread-safety: free functions only.
#ifndef QGRAD_PROBLEMS_DIAGONAL_H_
#define QGRAD_PROBLEMS_DIAGONAL_H_

#include <cstdint>

#include "core/pauli.h"

namespace qgrad {

// ⟨b|H|b⟩ for the basis state with bits b (bit q = qubit q): only I/Z strings contribute,
// each as c·(−1)^{|z ∧ b|}. Real parts only, so REQUIRES H Hermitian.
double DiagonalElement(const PauliSum& hamiltonian, uint64_t basis_state);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_DIAGONAL_H_
