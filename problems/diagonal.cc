// Diagonal matrix elements (see diagonal.h).
//
// Thread-safety: free functions only.
#include "problems/diagonal.h"

#include <bit>

namespace qgrad {

double DiagonalElement(const PauliSum& hamiltonian, uint64_t basis_state) {
  double value = 0.0;
  for (const PauliTerm& t : hamiltonian.terms()) {
    if (!t.string.is_diagonal()) continue;
    const bool odd = std::popcount(t.string.z & basis_state) % 2 != 0;
    value += odd ? -t.coeff.real() : t.coeff.real();
  }
  return value;
}

}  // namespace qgrad
