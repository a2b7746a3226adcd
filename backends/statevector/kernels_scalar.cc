// Scalar reference kernels: the plain definition of every operation, used as the oracle
// for the SIMD kernels and selectable with KernelChoice::kScalar.
// Thread-safety: see kernels.h.
#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/pass_runner.h"

namespace qgrad::sv::internal {

uint64_t Op::QubitMask() const {
  uint64_t mask = cmask | x | z;
  for (int q : qubits) mask |= uint64_t{1} << q;
  return mask;
}

bool Op::HasRealMatrix() const {
  for (const Amplitude& v : matrix) {
    if (v.imag() != 0.0) return false;
  }
  return true;
}

namespace {

std::vector<int> SortedBits(uint64_t mask) {
  std::vector<int> bits;
  for (; mask != 0; mask &= mask - 1) bits.push_back(std::countr_zero(mask));
  return bits;
}

// The index offset of each of the op's 2^k block rows (bit b of the row on op.qubits[b]).
std::vector<uint64_t> BlockOffsets(const Op& op) {
  const int k = static_cast<int>(op.qubits.size());
  std::vector<uint64_t> offset(uint64_t{1} << k);
  for (uint64_t j = 0; j < offset.size(); ++j) {
    for (int b = 0; b < k; ++b) offset[j] |= ((j >> b) & 1) << op.qubits[b];
  }
  return offset;
}

void DenseScalar(Amplitude* psi, int n, const Op& op, int threads) {
  const int k = static_cast<int>(op.qubits.size());
  const uint64_t dim = uint64_t{1} << k;
  const std::vector<int> fixed = SortedBits(op.QubitMask());
  const std::vector<uint64_t> offset = BlockOffsets(op);
  const uint64_t count = uint64_t{1} << (n - static_cast<int>(fixed.size()));
  const Amplitude* m = op.matrix.data();
  ParallelFor(count, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<Amplitude> in(dim);
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t base =
          InsertZeroBits(r, fixed.data(), static_cast<int>(fixed.size())) | op.cval;
      for (uint64_t j = 0; j < dim; ++j) in[j] = psi[base + offset[j]];
      for (uint64_t i = 0; i < dim; ++i) {
        Amplitude acc = 0.0;
        for (uint64_t j = 0; j < dim; ++j) acc += m[i * dim + j] * in[j];
        psi[base + offset[i]] = acc;
      }
    }
  });
}

// A real matrix acts on the real and the imaginary parts separately: the reference for the
// SIMD real kernel (half the multiplications of the complex product).
void DenseRealScalar(Amplitude* psi, int n, const Op& op, int threads) {
  const int k = static_cast<int>(op.qubits.size());
  const uint64_t dim = uint64_t{1} << k;
  const std::vector<int> fixed = SortedBits(op.QubitMask());
  const std::vector<uint64_t> offset = BlockOffsets(op);
  std::vector<double> m(dim * dim);
  for (uint64_t e = 0; e < dim * dim; ++e) m[e] = op.matrix[e].real();
  const uint64_t count = uint64_t{1} << (n - static_cast<int>(fixed.size()));
  ParallelFor(count, threads, [&](uint64_t begin, uint64_t end) {
    std::vector<double> re(dim), im(dim);
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t base =
          InsertZeroBits(r, fixed.data(), static_cast<int>(fixed.size())) | op.cval;
      for (uint64_t j = 0; j < dim; ++j) {
        re[j] = psi[base + offset[j]].real();
        im[j] = psi[base + offset[j]].imag();
      }
      for (uint64_t i = 0; i < dim; ++i) {
        double acc_re = 0.0, acc_im = 0.0;
        for (uint64_t j = 0; j < dim; ++j) {
          acc_re += m[i * dim + j] * re[j];
          acc_im += m[i * dim + j] * im[j];
        }
        psi[base + offset[i]] = {acc_re, acc_im};
      }
    }
  });
}

void DiagonalScalar(Amplitude* psi, int n, const Op& op, int threads) {
  const int k = static_cast<int>(op.qubits.size());
  const std::vector<int> fixed = SortedBits(op.cmask);
  const int nfixed = static_cast<int>(fixed.size());
  ParallelFor(uint64_t{1} << (n - nfixed), threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t i = InsertZeroBits(r, fixed.data(), nfixed) | op.cval;
      psi[i] *= op.matrix[ExtractBits(i, op.qubits.data(), k)];
    }
  });
}

// (−1)^{popcount(v)}
inline double ParitySign(uint64_t v) { return (std::popcount(v) & 1) ? -1.0 : 1.0; }

// P = i^{popcount(x&z)} X^x Z^z, so (Pψ)[i] = i^c (−1)^{|(i^x)&z|} ψ[i^x]; the rotation
// mixes each pair (i, i^x) with cos(θ/2) and −i sin(θ/2) times that phase.
void PauliRotationScalar(Amplitude* psi, int n, const Op& op, int threads) {
  const double c = std::cos(op.theta / 2);
  const Amplitude phase = Amplitude(0, -std::sin(op.theta / 2)) *
                          std::pow(Amplitude(0, 1), std::popcount(op.x & op.z) & 3);
  if (op.x == 0) {
    ParallelFor(uint64_t{1} << n, threads, [&](uint64_t begin, uint64_t end) {
      for (uint64_t i = begin; i < end; ++i) {
        if ((i & op.cmask) != op.cval) continue;
        psi[i] *= c + phase * ParitySign(i & op.z);
      }
    });
    return;
  }
  const std::vector<int> fixed =
      SortedBits(op.cmask | (uint64_t{1} << std::countr_zero(op.x)));
  const uint64_t count = uint64_t{1} << (n - static_cast<int>(fixed.size()));
  ParallelFor(count, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t i =
          InsertZeroBits(r, fixed.data(), static_cast<int>(fixed.size())) | op.cval;
      const uint64_t j = i ^ op.x;
      const Amplitude a = psi[i];
      const Amplitude b = psi[j];
      psi[i] = c * a + phase * ParitySign(j & op.z) * b;
      psi[j] = c * b + phase * ParitySign(i & op.z) * a;
    }
  });
}

// R[c][r] += Σ φ_c conj(λ_r): see Op::Kind::kReduce. The sum runs over fixed chunks
// (ParallelSumT) so that it does not depend on the thread count.
using ReducedSum = ElementwiseSum<Amplitude>;

void ReduceScalar(const Amplitude* psi, int n, const Op& op, int threads, uint64_t slot) {
  const int k = static_cast<int>(op.qubits.size());
  const uint64_t dim = uint64_t{1} << k;
  const std::vector<uint64_t> offset = BlockOffsets(op);
  const std::vector<int> fixed = SortedBits(op.QubitMask() | 1);
  const uint64_t count = uint64_t{1} << (n - static_cast<int>(fixed.size()));
  const ReducedSum sum = ParallelSumT<ReducedSum>(count, threads, [&](uint64_t begin,
                                                                      uint64_t end) {
    ReducedSum part;
    part.values.assign(dim * dim, 0.0);
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t base = InsertZeroBits(r, fixed.data(), static_cast<int>(fixed.size()));
      for (uint64_t c = 0; c < dim; ++c) {
        const Amplitude phi = psi[base + offset[c]];
        for (uint64_t l = 0; l < dim; ++l) {
          part.values[c * dim + l] += phi * std::conj(psi[base + offset[l] + 1]);
        }
      }
    }
    return part;
  });
  Amplitude* out = op.reduce_out + slot * dim * dim;
  for (uint64_t i = 0; i < sum.values.size(); ++i) out[i] += sum.values[i];
}

void ReduceDiagonalScalar(const Amplitude* psi, int n, const Op& op, int threads,
                          uint64_t slot) {
  const int k = static_cast<int>(op.qubits.size());
  const uint64_t dim = uint64_t{1} << k;
  const ReducedSum sum = ParallelSumT<ReducedSum>(uint64_t{1} << (n - 1), threads,
                                                  [&](uint64_t begin, uint64_t end) {
    ReducedSum part;
    part.values.assign(dim, 0.0);
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t i = 2 * r;
      part.values[ExtractBits(i, op.qubits.data(), k)] += psi[i] * std::conj(psi[i + 1]);
    }
    return part;
  });
  Amplitude* out = op.reduce_out + slot * dim;
  for (uint64_t i = 0; i < dim; ++i) out[i] += sum.values[i];
}

// (Pφ)[i] = i^{|x&z|} (−1)^{|(i^x)&z|} φ[i^x]; the pairs of the paired state are (2i, 2i+1).
void ReducePauliScalar(const Amplitude* psi, int n, const Op& op, int threads,
                       uint64_t slot) {
  const Amplitude phase = std::pow(Amplitude(0, 1), std::popcount(op.x & op.z) & 3);
  const Amplitude sum = ParallelSumT<Amplitude>(uint64_t{1} << (n - 1), threads,
                                                [&](uint64_t begin, uint64_t end) {
    Amplitude part = 0.0;
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t i = 2 * r;
      if ((i & op.cmask) != op.cval) continue;
      const uint64_t j = i ^ op.x;
      part += std::conj(psi[i + 1]) * ParitySign(j & op.z) * psi[j];
    }
    return part;
  });
  op.reduce_out[slot] += phase * sum;
}

}  // namespace

void ApplyOpScalar(Amplitude* psi, int num_qubits, const Op& op, int threads, uint64_t slot) {
  switch (op.kind) {
    case Op::Kind::kDense:
      if (op.HasRealMatrix()) {
        DenseRealScalar(psi, num_qubits, op, threads);
      } else {
        DenseScalar(psi, num_qubits, op, threads);
      }
      return;
    case Op::Kind::kDiagonal:
      DiagonalScalar(psi, num_qubits, op, threads);
      return;
    case Op::Kind::kPauliRotation:
      PauliRotationScalar(psi, num_qubits, op, threads);
      return;
    case Op::Kind::kScale:
      ParallelFor(uint64_t{1} << num_qubits, threads, [&](uint64_t begin, uint64_t end) {
        for (uint64_t i = begin; i < end; ++i) psi[i] *= op.scale;
      });
      return;
    case Op::Kind::kReduce:
      ReduceScalar(psi, num_qubits, op, threads, slot);
      return;
    case Op::Kind::kReduceDiagonal:
      ReduceDiagonalScalar(psi, num_qubits, op, threads, slot);
      return;
    case Op::Kind::kReducePauli:
      ReducePauliScalar(psi, num_qubits, op, threads, slot);
      return;
  }
}

void AccumulatePauliGroupScalar(Amplitude* out, const Amplitude* src, const Amplitude* table,
                                Amplitude constant, uint64_t x, uint64_t len) {
  for (uint64_t i = 0; i < len; ++i) {
    const uint64_t j = i ^ x;
    out[i] += (table != nullptr ? table[j] : constant) * src[j];
  }
}

void SquaredDotsScalar(const double* x, int len, const double* const* t, double* dots) {
  for (int j = 0; j < kSquaredDotTables; ++j) {
    double sum = 0.0;
    for (int k = 0; k < len; ++k) sum += x[k] * x[k] * t[j][k];
    dots[j] = sum;
  }
}

void ApplyPassScalar(Amplitude* psi, int num_qubits, const Pass& pass, int threads) {
  RunPass(psi, num_qubits, pass, threads,
          [&](int i, Amplitude* amps, int n, int t, uint64_t slot) {
            ApplyOpScalar(amps, n, pass.ops[i], t, slot);
          });
}

}  // namespace qgrad::sv::internal
