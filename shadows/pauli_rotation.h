// Internal to shadows/: the O(n·2^n) kernels of the Pauli-shadow estimators — rotating a
// state into a Pauli setting's measurement basis and back, and the per-qubit butterfly
// with [[2,−1],[−1,2]] that turns outcome weights into snapshot diagonals.
// Thread-safety: pure functions on caller-owned buffers.
#ifndef QGRAD_SHADOWS_PAULI_ROTATION_H_
#define QGRAD_SHADOWS_PAULI_ROTATION_H_

#include <complex>
#include <cstdint>

#include "core/pauli.h"

namespace qgrad::shadows::internal {

// a ← 2^{k/2} · U a for the setting's basis rotation U = ⊗_q U_q (U_q = H for X,
// H·S† for Y, I for Z) and k = popcount(basis.x) (the X and Y qubits): the Hadamards are
// applied without their 1/√2 so that callers fold 2^{−k} into a later pass.
void RotateIntoBasisUnnormalized(const PauliString& basis, int num_qubits, std::complex<double>* a);
// a ← 2^{k/2} · U† a.
void RotateFromBasisUnnormalized(const PauliString& basis, int num_qubits, std::complex<double>* a);
// v ← M^{⊗n} v with M = [[2,−1],[−1,2]] acting on bit q of the index for each qubit q.
void SnapshotButterfly(int num_qubits, double* v);

}  // namespace qgrad::shadows::internal

#endif  // QGRAD_SHADOWS_PAULI_ROTATION_H_
