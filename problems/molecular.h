// Molecular Hamiltonians: frozen-core / frozen-virtual active spaces and the qubit
// Hamiltonian by Jordan–Wigner, with the Hartree–Fock reference state.
//
// Qubit ordering (interleaved spin): spatial orbital p of the active space, spin σ, is qubit
//   2p     for p↑ (α),
//   2p + 1 for p↓ (β),
// so the lowest qubits are the lowest-energy orbitals, and for MS2 = 0 the Hartree–Fock
// determinant is simply "the lowest N qubits occupied" (basis index 2^N − 1).
//
// H = E_const + Σ_{pq,σ} h_pq a†_{pσ} a_{qσ} + ½ Σ_{pqrs,στ} (pq|rs) a†_{pσ} a†_{rτ} a_{sτ} a_{qσ}
// with chemists' (pq|rs); E_const is the file's core energy plus the frozen-core energy.
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_PROBLEMS_MOLECULAR_H_
#define QGRAD_PROBLEMS_MOLECULAR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/pauli.h"
#include "problems/fcidump.h"

namespace qgrad {

struct ActiveSpace {
  int frozen_core = 0;     // k lowest spatial orbitals, doubly occupied
  int frozen_virtual = 0;  // m highest spatial orbitals, empty (dropped)
};

// The integrals of the active orbitals [k, N − m), renumbered from 0, with the frozen core
// folded in:  E' = E + Σ_c 2h_cc + Σ_{c,d} (2(cc|dd) − (cd|dc)),
//             h'_pq = h_pq + Σ_c (2(pq|cc) − (pc|cq)),   NELEC' = NELEC − 2k.
// INVALID_ARGUMENT (naming frozen_core / frozen_virtual) when k or m is negative, no active
// orbital is left, or the electrons do not fit the active space.
absl::StatusOr<MolecularIntegrals> FreezeOrbitals(const MolecularIntegrals& integrals,
                                                  const ActiveSpace& space);

struct MolecularHamiltonian {
  PauliSum hamiltonian;           // Hermitian: real coefficients, simplified
  int num_qubits = 0;             // 2 × active orbitals
  int num_electrons = 0;          // active electrons
  int ms2 = 0;
  double constant_energy = 0.0;   // E_const (core + frozen-core energy)
  // Lowest (N + MS2)/2 α and (N − MS2)/2 β spin orbitals occupied; bit q = qubit q.
  uint64_t hartree_fock_state = 0;
  double hartree_fock_energy = 0.0;  // ⟨HF|H|HF⟩
};

// Jordan–Wigner Hamiltonian of an active space. Terms with |c| ≤ 1e-14 (cancellation
// round-off) are dropped. RESOURCE_EXHAUSTED above 64 qubits (32 active orbitals);
// INTERNAL if imaginary parts above 1e-12 survive, which would mean non-real integrals.
absl::StatusOr<MolecularHamiltonian> BuildMolecularHamiltonian(
    const MolecularIntegrals& integrals, const ActiveSpace& space = {});

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_MOLECULAR_H_
