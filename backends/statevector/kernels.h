// Internal to backends/statevector: the operations the simulator executes (after fusion)
// and the kernels that apply them. Kernels are unchecked: callers (Simulator::Run,
// ApplyGate, ApplyMatrix) validate. Two implementations of every kernel exist: a plain
// scalar reference (kernels_scalar.cc) and a Highway SIMD one (kernels_simd.cc, one
// dynamic-dispatch point); the conformance tests compare them.
//
// Thread-safety: kernels write only the state they are given; `threads` > 1 runs them on
// an OpenMP team over disjoint index ranges.
#ifndef QGRAD_BACKENDS_STATEVECTOR_KERNELS_H_
#define QGRAD_BACKENDS_STATEVECTOR_KERNELS_H_

#include <cstdint>
#include <vector>

#include "backends/statevector/statevector.h"

namespace qgrad::sv::internal {

// One executable operation.
//  kDense:    `matrix` (2^k × 2^k, row-major, qubits[0] = least significant bit) on
//             `qubits`, only on indices i with (i & cmask) == cval. When every entry is
//             real (RY, H, CZ, CNOT blocks) both kernel sets take a real path: the real and
//             imaginary parts are transformed separately, half the multiplications.
//  kDiagonal: amplitude i is multiplied by diag[t], bit b of t = bit qubits[b] of i,
//             only where (i & cmask) == cval. (Fusion folds gate controls into the table
//             as entries equal to 1; cmask serves the tiling of blocked passes,
//             pass_runner.h.)
//  kPauliRotation: exp(−iθP/2), P = i^{popcount(x&z)} X^x Z^z, under cmask/cval.
//  kScale:    every amplitude times `scale` (a global phase).
//  kReduce:   reads only. The state is a pair (φ, λ) interleaved on bit 0 (φ where the
//             bit is 0, λ where it is 1); adds R[c][r] = Σ φ_c conj(λ_r) over the other
//             bits, c and r the local indices on `qubits` (none of them bit 0), into
//             reduce_out[slot·D² + c·D + r], D = 2^|qubits|. `slot` is the slice of a
//             blocked pass (0 otherwise), so that partial sums are added in a fixed order
//             whatever the thread count.
//  kReduceDiagonal: like kReduce, only the diagonal: adds Σ φ_i conj(λ_i) into
//             reduce_out[slot·2^|qubits| + t], t = the bits of i at `qubits`.
//  kReducePauli: like kReduce, adds ⟨λ|P|φ⟩ restricted to (i & cmask) == cval into
//             reduce_out[slot], P = i^{popcount(x&z)} X^x Z^z.
struct Op {
  enum class Kind {
    kDense, kDiagonal, kPauliRotation, kScale, kReduce, kReduceDiagonal, kReducePauli
  };
  Kind kind = Kind::kDense;
  std::vector<int> qubits;
  std::vector<Amplitude> matrix;  // kDense: the matrix; kDiagonal: the diagonal
  uint64_t cmask = 0;
  uint64_t cval = 0;
  uint64_t x = 0;
  uint64_t z = 0;
  double theta = 0.0;
  Amplitude scale = 1.0;
  Amplitude* reduce_out = nullptr;  // kReduce
  int tag = -1;                     // the caller's label (kReduce: which sum)

  uint64_t QubitMask() const;  // qubits and control bits (x|z for Pauli rotations)
  bool HasRealMatrix() const;  // every entry of `matrix` has imaginary part 0
};

// Inserts a zero bit at each of `sorted_positions` (ascending) into r: maps a counter
// over the free bits to an index whose fixed bits are zero.
inline uint64_t InsertZeroBits(uint64_t r, const int* sorted_positions, int count) {
  for (int b = 0; b < count; ++b) {
    const int p = sorted_positions[b];
    const uint64_t low = r & ((uint64_t{1} << p) - 1);
    r = ((r >> p) << (p + 1)) | low;
  }
  return r;
}

// Gathers the bits of i at `qubits` (bit b of the result = bit qubits[b] of i).
inline uint64_t ExtractBits(uint64_t i, const int* qubits, int count) {
  uint64_t t = 0;
  for (int b = 0; b < count; ++b) t |= ((i >> qubits[b]) & 1) << b;
  return t;
}

// A run of ops executed together. Unblocked (`blocked` false): each op sweeps the whole
// state with `threads`. Blocked: the ops' qubits are renumbered into a local space of
// run_bits + high.size() qubits — local bit b < run_bits is global bit b, local bit
// run_bits + t is global bit high[t] — and each thread gathers one 2^local slice of the
// state (runs of 2^run_bits contiguous amplitudes) into a cache-resident buffer, applies
// every op there, and scatters it back: one memory sweep for the whole pass.
struct Pass {
  std::vector<Op> ops;
  bool blocked = false;
  int run_bits = 0;
  std::vector<int> high;  // ascending
  int LocalQubits() const { return run_bits + static_cast<int>(high.size()); }
};

// Scalar reference kernels (ApplyOpScalar: one op; also the SIMD fallback).
void ApplyOpScalar(Amplitude* psi, int num_qubits, const Op& op, int threads,
                   uint64_t slot = 0);
void ApplyPassScalar(Amplitude* psi, int num_qubits, const Pass& pass, int threads);
// SIMD kernels (Highway dynamic dispatch: the one dispatch point of the simulator).
// Falls back to the scalar kernel for shapes it does not vectorize.
void ApplyPassSimd(Amplitude* psi, int num_qubits, const Pass& pass, int threads);

// out[i] += c(i ^ x) · src[i ^ x] for i in [0, len), c = table when non-null, else
// `constant`: one X-mask group of H·ψ on a block (len a power of two, x < len).
void AccumulatePauliGroupScalar(Amplitude* out, const Amplitude* src, const Amplitude* table,
                                Amplitude constant, uint64_t x, uint64_t len);
void AccumulatePauliGroupSimd(Amplitude* out, const Amplitude* src, const Amplitude* table,
                              Amplitude constant, uint64_t x, uint64_t len);

// dots[j] = Σ_k x[k]²·t[j][k] over k < len (len even) for kSquaredDotTables tables: the
// diagonal expectation sweep (expectation.cc).
inline constexpr int kSquaredDotTables = 4;
void SquaredDotsScalar(const double* x, int len, const double* const* t, double* dots);
void SquaredDotsSimd(const double* x, int len, const double* const* t, double* dots);

// The paired state of the adjoint sweep (adjoint.cc): pair[2i] = ψ[i], pair[2i+1] =
// (Hψ)[i]. Returns ⟨ψ|H|ψ⟩ (summed in a fixed order). `pair` has one qubit more than ψ.
double FillPairWithHamiltonian(const PauliSum& observable, const StateVector& psi,
                               StateVector& pair);

inline void ApplyPass(Amplitude* psi, int num_qubits, const Pass& pass, KernelChoice kernel,
                      int threads) {
  if (kernel == KernelChoice::kScalar) {
    ApplyPassScalar(psi, num_qubits, pass, threads);
  } else {
    ApplyPassSimd(psi, num_qubits, pass, threads);
  }
}

inline void ApplyOp(Amplitude* psi, int num_qubits, Op op, KernelChoice kernel, int threads) {
  Pass pass;
  pass.ops.push_back(std::move(op));
  ApplyPass(psi, num_qubits, pass, kernel, threads);
}

}  // namespace qgrad::sv::internal

#endif  // QGRAD_BACKENDS_STATEVECTOR_KERNELS_H_
