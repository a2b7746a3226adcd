// Pauli-basis rotation and snapshot butterfly kernels. Thread-safe (pure functions).
#include "shadows/pauli_rotation.h"

#include <bit>

namespace qgrad::shadows::internal {
namespace {

// Multiplies amplitude i by phase^{popcount(i & mask)} with phase = −i (S†) or +i (S).
void ApplyPhase(uint64_t mask, bool conjugate, uint64_t size, std::complex<double>* a) {
  if (mask == 0) return;
  for (uint64_t i = 0; i < size; ++i) {
    const int r = std::popcount(i & mask) & 3;
    if (r == 0) continue;
    const double re = a[i].real();
    const double im = a[i].imag();
    if (r == 2) {
      a[i] = {-re, -im};
    } else if ((r == 1) != conjugate) {  // multiply by +i
      a[i] = {-im, re};
    } else {  // multiply by −i
      a[i] = {im, -re};
    }
  }
}

// (a, b) ← (a + b, a − b) on bit q of the index for every q in mask.
void ApplyHadamards(uint64_t mask, int num_qubits, std::complex<double>* a) {
  const uint64_t size = uint64_t{1} << num_qubits;
  for (int q = 0; q < num_qubits; ++q) {
    if (!((mask >> q) & 1)) continue;
    const uint64_t stride = uint64_t{1} << q;
    for (uint64_t base = 0; base < size; base += 2 * stride) {
      std::complex<double>* lo = a + base;
      std::complex<double>* hi = lo + stride;
      for (uint64_t j = 0; j < stride; ++j) {
        const std::complex<double> u = lo[j];
        const std::complex<double> v = hi[j];
        lo[j] = u + v;
        hi[j] = u - v;
      }
    }
  }
}

}  // namespace

void RotateIntoBasisUnnormalized(const PauliString& basis, int num_qubits, std::complex<double>* a) {
  const uint64_t size = uint64_t{1} << num_qubits;
  ApplyPhase(basis.x & basis.z, /*conjugate=*/true, size, a);  // S† on the Y qubits
  ApplyHadamards(basis.x, num_qubits, a);
}

void RotateFromBasisUnnormalized(const PauliString& basis, int num_qubits, std::complex<double>* a) {
  const uint64_t size = uint64_t{1} << num_qubits;
  ApplyHadamards(basis.x, num_qubits, a);
  ApplyPhase(basis.x & basis.z, /*conjugate=*/false, size, a);  // S on the Y qubits
}

void SnapshotButterfly(int num_qubits, double* v) {
  const uint64_t size = uint64_t{1} << num_qubits;
  for (int q = 0; q < num_qubits; ++q) {
    const uint64_t stride = uint64_t{1} << q;
    for (uint64_t base = 0; base < size; base += 2 * stride) {
      double* lo = v + base;
      double* hi = lo + stride;
      for (uint64_t j = 0; j < stride; ++j) {
        const double u = lo[j];
        const double w = hi[j];
        lo[j] = 2.0 * u - w;
        hi[j] = 2.0 * w - u;
      }
    }
  }
}

}  // namespace qgrad::shadows::internal
