// Built-in model Hamiltonians and the barren-plateau benchmark costs.
//
// Qubit i is site i. Chains have bonds (i, i+1) for i < n−1; periodic chains (n ≥ 3) add
// (n−1, 0). All builders return simplified Hermitian Pauli sums, or INVALID_ARGUMENT when
// n is outside [1, 64] (naming `num_qubits`).
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_PROBLEMS_MODELS_H_
#define QGRAD_PROBLEMS_MODELS_H_

#include "absl/status/statusor.h"
#include "core/pauli.h"

namespace qgrad {

// H = −J Σ_bonds Z_i Z_{i+1} − h Σ_i X_i.
absl::StatusOr<PauliSum> TransverseFieldIsing(int num_qubits, double j, double h, bool periodic);

struct XxzCouplings {
  double jx = 1.0;
  double jy = 1.0;
  double jz = 1.0;
  double field = 0.0;  // h
};
// H = Σ_bonds (J_x X_i X_{i+1} + J_y Y_i Y_{i+1} + J_z Z_i Z_{i+1}) + h Σ_i Z_i.
absl::StatusOr<PauliSum> HeisenbergXxz(int num_qubits, const XxzCouplings& c, bool periodic);

// Barren-plateau costs (paper_results.md), each a Pauli sum whose expectation is the cost:
//   local Z:  C = (1 − ⟨Z_0⟩)/2          = 0.5 − 0.5 Z0
//   global Z: C = (1 − ⟨Z_0 … Z_{n−1}⟩)/2 = 0.5 − 0.5 Z0 Z1 … Z_{n−1}
absl::StatusOr<PauliSum> LocalZCost(int num_qubits);
absl::StatusOr<PauliSum> GlobalZCost(int num_qubits);

// Normalized ring energy C_eng = (⟨H⟩ − E0)/(Emax − E0), H = −0.5 Σ_ring Z_i Z_{i+1}
// (ring bonds (i, i+1 mod n); for n = 2 the single bond (0, 1)). H is diagonal, so its
// extremes are exact: E0 = −0.5·bonds (aligned spins), Emax = +0.5·bonds for even n
// (alternating spins) and 0.5·(n − 2) for odd n (one bond must stay aligned).
struct RingEnergyCost {
  PauliSum hamiltonian;  // H
  double e0 = 0.0;
  double emax = 0.0;
  PauliSum cost;         // (H − E0)/(Emax − E0), affine in H so ⟨cost⟩ = C_eng
};
// INVALID_ARGUMENT unless 2 ≤ n ≤ 64.
absl::StatusOr<RingEnergyCost> RingEnergy(int num_qubits);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_MODELS_H_
