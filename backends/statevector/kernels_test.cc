// The read-only kernels of the adjoint sweep (kReduce, kReduceDiagonal, kReducePauli), the
// H·ψ group kernel, the real dense path and controlled diagonals: SIMD against scalar, and
// both against sums written out here. Also the passes Run() makes of a hardware-efficient
// layer (fusion.cc, schedule.cc).
//
// Thread-safety: tests only.
#include <algorithm>
#include <bit>
#include <complex>
#include <random>
#include <vector>

#include "backends/statevector/fusion.h"
#include "backends/statevector/kernels.h"
#include "backends/statevector/schedule.h"
#include "gtest/gtest.h"

namespace qgrad::sv::internal {
namespace {

constexpr double kTol = 1e-12;

std::vector<Amplitude> RandomAmplitudes(size_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<Amplitude> v(count);
  for (Amplitude& a : v) a = {normal(rng), normal(rng)};
  return v;
}

// k distinct qubits in [1, n) (bit 0 is the φ/λ selector of the paired state).
std::vector<int> RandomQubits(int n, int k, std::mt19937_64& rng) {
  std::vector<int> all;
  for (int q = 1; q < n; ++q) all.push_back(q);
  std::shuffle(all.begin(), all.end(), rng);
  return {all.begin(), all.begin() + k};
}

uint64_t LocalIndex(uint64_t i, const std::vector<int>& qubits) {
  uint64_t t = 0;
  for (size_t b = 0; b < qubits.size(); ++b) t |= ((i >> qubits[b]) & 1) << b;
  return t;
}

// R[c][r] = Σ φ_c conj(λ_r): every (i, j) pair of φ and λ indices that agree off `qubits`.
std::vector<Amplitude> ReduceByDefinition(const std::vector<Amplitude>& psi,
                                          const std::vector<int>& qubits) {
  const size_t dim = size_t{1} << qubits.size();
  uint64_t mask = 1;
  for (int q : qubits) mask |= uint64_t{1} << q;
  std::vector<Amplitude> r(dim * dim, 0.0);
  for (uint64_t i = 0; i < psi.size(); i += 2) {
    for (uint64_t j = 1; j < psi.size(); j += 2) {
      if ((i & ~mask) != (j & ~mask)) continue;
      r[LocalIndex(i, qubits) * dim + LocalIndex(j, qubits)] += psi[i] * std::conj(psi[j]);
    }
  }
  return r;
}

// The kernels expect the simulator's 64-byte aligned amplitudes.
std::vector<Amplitude> RunReduce(Op op, const std::vector<Amplitude>& psi, int n, size_t size,
                                 KernelChoice kernel) {
  StateVector state = *StateVector::CreateForOverwrite(n);
  std::copy(psi.begin(), psi.end(), state.data());
  std::vector<Amplitude> out(size, 0.0);
  op.reduce_out = out.data();
  Pass pass;
  pass.ops.push_back(op);
  ApplyPass(state.data(), n, pass, kernel, 1);
  return out;
}

double MaxDiff(const std::vector<Amplitude>& a, const std::vector<Amplitude>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

TEST(ReduceKernels, DenseReduceMatchesDefinition) {
  std::mt19937_64 rng(5);
  for (int n : {3, 4, 6, 9}) {
    for (int k = 1; k <= std::min(n - 1, 4); ++k) {
      for (int rep = 0; rep < 4; ++rep) {
        const std::vector<Amplitude> psi = RandomAmplitudes(size_t{1} << n, rng);
        Op op;
        op.kind = Op::Kind::kReduce;
        op.qubits = RandomQubits(n, k, rng);
        const std::vector<Amplitude> expected = ReduceByDefinition(psi, op.qubits);
        for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kSimd}) {
          EXPECT_LT(MaxDiff(RunReduce(op, psi, n, expected.size(), kernel), expected), kTol)
              << "n=" << n << " k=" << k;
        }
      }
    }
  }
}

TEST(ReduceKernels, DiagonalReduceMatchesDefinition) {
  std::mt19937_64 rng(6);
  for (int n : {2, 5, 8}) {
    for (int k = 1; k <= std::min(n - 1, 4); ++k) {
      const std::vector<Amplitude> psi = RandomAmplitudes(size_t{1} << n, rng);
      Op op;
      op.kind = Op::Kind::kReduceDiagonal;
      op.qubits = RandomQubits(n, k, rng);
      std::vector<Amplitude> expected(size_t{1} << k, 0.0);
      for (uint64_t i = 0; i < psi.size(); i += 2) {
        expected[LocalIndex(i, op.qubits)] += psi[i] * std::conj(psi[i + 1]);
      }
      for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kSimd}) {
        EXPECT_LT(MaxDiff(RunReduce(op, psi, n, expected.size(), kernel), expected), kTol);
      }
    }
  }
}

TEST(ReduceKernels, PauliReduceMatchesDefinition) {
  std::mt19937_64 rng(7);
  const Amplitude kI(0, 1);
  for (int n : {3, 6}) {
    for (int rep = 0; rep < 8; ++rep) {
      const std::vector<Amplitude> psi = RandomAmplitudes(size_t{1} << n, rng);
      Op op;
      op.kind = Op::Kind::kReducePauli;
      op.x = (rng() & ((uint64_t{1} << n) - 1)) & ~uint64_t{1};
      op.z = (rng() & ((uint64_t{1} << n) - 1)) & ~uint64_t{1};
      const int control = 1 + int(rng() % (n - 1));
      if ((((op.x | op.z) >> control) & 1) == 0 && rep % 2 == 0) {
        op.cmask = uint64_t{1} << control;
        op.cval = rep % 4 == 0 ? op.cmask : 0;
      }
      // ⟨λ|P|φ⟩ with P = Π over qubits of the letter matrices (Y = iXZ), where controls hold.
      Amplitude expected = 0;
      for (uint64_t i = 0; i < psi.size(); i += 2) {
        if ((i & op.cmask) != op.cval) continue;
        // (Pφ)[i]: P maps basis j = i ^ x to i with the letters' phases.
        const uint64_t j = i ^ op.x;
        Amplitude phase = 1;
        for (int q = 1; q < n; ++q) {
          const bool x = (op.x >> q) & 1, z = (op.z >> q) & 1, bit = (j >> q) & 1;
          if (x && z) phase *= bit ? -kI : kI;  // Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩
          if (!x && z && bit) phase *= -1.0;
        }
        expected += std::conj(psi[i + 1]) * phase * psi[j];
      }
      for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kSimd}) {
        EXPECT_LT(std::abs(RunReduce(op, psi, n, 1, kernel)[0] - expected), kTol);
      }
    }
  }
}

// Applies `op` (a gate op) to a copy of psi with the given kernels, one thread.
std::vector<Amplitude> RunGate(const Op& op, const std::vector<Amplitude>& psi, int n,
                               KernelChoice kernel) {
  StateVector state = *StateVector::CreateForOverwrite(n);
  std::copy(psi.begin(), psi.end(), state.data());
  ApplyOp(state.data(), n, op, kernel, 1);
  return {state.data(), state.data() + state.size()};
}

// k distinct qubits in [0, n), and up to one control among the others.
void RandomTargets(Op& op, int n, int k, std::mt19937_64& rng) {
  std::vector<int> all(n);
  for (int q = 0; q < n; ++q) all[q] = q;
  std::shuffle(all.begin(), all.end(), rng);
  op.qubits.assign(all.begin(), all.begin() + k);
  if (k < n && rng() % 2 == 0) {
    op.cmask = uint64_t{1} << all[k];
    op.cval = rng() % 2 == 0 ? op.cmask : 0;
  }
}

// The real path (Op::HasRealMatrix) of both kernel sets against the matrix product
// written out, on low (in-vector) and high qubits, with and without a control.
TEST(DenseKernels, RealMatrixMatchesDefinition) {
  std::mt19937_64 rng(10);
  std::normal_distribution<double> normal;
  for (int n : {3, 6, 9}) {
    for (int k = 1; k <= std::min(n, 4); ++k) {
      for (int rep = 0; rep < 6; ++rep) {
        const std::vector<Amplitude> psi = RandomAmplitudes(size_t{1} << n, rng);
        Op op;
        op.kind = Op::Kind::kDense;
        RandomTargets(op, n, k, rng);
        const uint64_t dim = uint64_t{1} << k;
        for (uint64_t e = 0; e < dim * dim; ++e) op.matrix.push_back(normal(rng));
        ASSERT_TRUE(op.HasRealMatrix());
        std::vector<Amplitude> expected = psi;
        for (uint64_t i = 0; i < psi.size(); ++i) {
          if ((i & op.cmask) != op.cval) continue;
          const uint64_t row = LocalIndex(i, op.qubits);
          Amplitude sum = 0;
          for (uint64_t col = 0; col < dim; ++col) {
            uint64_t j = i;
            for (int b = 0; b < k; ++b) {
              j = (j & ~(uint64_t{1} << op.qubits[b])) | (((col >> b) & 1) << op.qubits[b]);
            }
            sum += op.matrix[row * dim + col] * psi[j];
          }
          expected[i] = sum;
        }
        for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kSimd}) {
          EXPECT_LT(MaxDiff(RunGate(op, psi, n, kernel), expected), kTol)
              << "n=" << n << " k=" << k << " rep=" << rep;
        }
      }
    }
  }
}

// Diagonal ops honor cmask/cval in both kernel sets.
TEST(DiagonalKernels, ControlledDiagonalMatchesDefinition) {
  std::mt19937_64 rng(11);
  for (int n : {2, 5, 10}) {
    for (int k = 1; k <= std::min(n - 1, 5); ++k) {
      for (int rep = 0; rep < 4; ++rep) {
        const std::vector<Amplitude> psi = RandomAmplitudes(size_t{1} << n, rng);
        Op op;
        op.kind = Op::Kind::kDiagonal;
        RandomTargets(op, n, k, rng);
        op.matrix = RandomAmplitudes(size_t{1} << k, rng);
        std::vector<Amplitude> expected = psi;
        for (uint64_t i = 0; i < psi.size(); ++i) {
          if ((i & op.cmask) == op.cval) expected[i] *= op.matrix[LocalIndex(i, op.qubits)];
        }
        for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kSimd}) {
          EXPECT_LT(MaxDiff(RunGate(op, psi, n, kernel), expected), kTol)
              << "n=" << n << " k=" << k << " rep=" << rep;
        }
      }
    }
  }
}

// RY on every qubit, RZ on every qubit, a CZ chain: the layer of statevector_bench.
Circuit HardwareEfficientLayer(int n) {
  Circuit c(n);
  for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRY, {q}, {Angle::Param(q)});
  for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRZ, {q}, {Angle::Param(n + q)});
  for (int q = 0; q + 1 < n; ++q) (void)c.Add(GateKind::kCZ, {q, q + 1});
  return c;
}

// What the layer costs at n = 24 with the defaults: real 2-qubit blocks (the RYs; the
// RZs stay out of them), two cache-blocked passes (two memory sweeps), and after the
// per-pass merge at most two diagonal tables per pass.
TEST(Schedule, HardwareEfficientLayerIsTwoPassesOfRealBlocksAndFewDiagonals) {
  const int n = 24;
  std::vector<double> params(2 * n);
  for (int i = 0; i < 2 * n; ++i) params[i] = 0.1 + 0.37 * i;
  const SimulatorOptions defaults;
  const std::vector<Op> ops =
      CompileGates(HardwareEfficientLayer(n).gates(), params, defaults.max_fused_qubits);
  int dense = 0;
  for (const Op& op : ops) {
    if (op.kind != Op::Kind::kDense) continue;
    ++dense;
    EXPECT_TRUE(op.HasRealMatrix());
    EXPECT_LE(op.qubits.size(), 2u);
  }
  EXPECT_EQ(dense, n / 2);
  std::vector<Pass> passes = MakePasses(ops, n, defaults.cache_block_qubits);
  ASSERT_EQ(passes.size(), 2u);
  for (Pass& pass : passes) {
    EXPECT_TRUE(pass.blocked);
    MergeDiagonals(pass.ops, kMaxDiagonalQubits);
    int diagonals = 0;
    for (const Op& op : pass.ops) diagonals += op.kind == Op::Kind::kDiagonal;
    EXPECT_GE(diagonals, 1);
    EXPECT_LE(diagonals, 2);
  }
}

// MergeDiagonals moves a diagonal back only past ops it commutes with.
TEST(Schedule, MergeDiagonalsKeepsOrderAgainstDenseOps) {
  auto diagonal = [](std::vector<int> qubits) {
    Op op;
    op.kind = Op::Kind::kDiagonal;
    op.qubits = std::move(qubits);
    op.matrix.assign(size_t{1} << op.qubits.size(), Amplitude(0, 1));
    return op;
  };
  Op dense;
  dense.kind = Op::Kind::kDense;
  dense.qubits = {1};
  dense.matrix = {0, 1, 1, 0};
  std::vector<Op> ops = {diagonal({0}), dense, diagonal({1}), diagonal({2})};
  MergeDiagonals(ops, 10);
  // diag{1} cannot pass the dense op on qubit 1; diag{2} may join either diagonal (it
  // shares no qubit with them): the nearer one is taken.
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].qubits, std::vector<int>({0}));
  EXPECT_EQ(ops[1].kind, Op::Kind::kDense);
  EXPECT_EQ(ops[2].qubits, std::vector<int>({1, 2}));
  EXPECT_EQ(ops[2].matrix.size(), 4u);
  EXPECT_EQ(ops[2].matrix[3], Amplitude(-1, 0));  // i · i
}

TEST(PauliGroupKernel, SimdMatchesScalar) {
  std::mt19937_64 rng(8);
  for (uint64_t len : {1, 2, 4, 8, 64, 1024}) {
    for (int rep = 0; rep < 6; ++rep) {
      const uint64_t x = rng() % len;
      const std::vector<Amplitude> src = RandomAmplitudes(len, rng);
      const std::vector<Amplitude> table = RandomAmplitudes(len, rng);
      const Amplitude constant(0.3, -0.7);
      for (bool with_table : {false, true}) {
        std::vector<Amplitude> scalar = RandomAmplitudes(len, rng), simd = scalar;
        std::vector<Amplitude> expected = scalar;
        for (uint64_t i = 0; i < len; ++i) {
          expected[i] += (with_table ? table[i ^ x] : constant) * src[i ^ x];
        }
        const Amplitude* t = with_table ? table.data() : nullptr;
        AccumulatePauliGroupScalar(scalar.data(), src.data(), t, constant, x, len);
        AccumulatePauliGroupSimd(simd.data(), src.data(), t, constant, x, len);
        EXPECT_LT(MaxDiff(scalar, expected), kTol);
        EXPECT_LT(MaxDiff(simd, expected), kTol) << "len=" << len << " x=" << x;
      }
    }
  }
}

TEST(SquaredDotsKernel, SimdMatchesScalar) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  for (int len : {2, 6, 16, 64, 2048}) {
    std::vector<double> x(len);
    std::vector<std::vector<double>> tables(kSquaredDotTables, std::vector<double>(len));
    for (double& v : x) v = normal(rng);
    for (auto& table : tables)
      for (double& v : table) v = normal(rng);
    const double* t[kSquaredDotTables];
    for (int j = 0; j < kSquaredDotTables; ++j) t[j] = tables[j].data();
    double scalar[kSquaredDotTables], simd[kSquaredDotTables];
    SquaredDotsScalar(x.data(), len, t, scalar);
    SquaredDotsSimd(x.data(), len, t, simd);
    for (int j = 0; j < kSquaredDotTables; ++j) {
      double expected = 0;
      for (int k = 0; k < len; ++k) expected += x[k] * x[k] * tables[j][k];
      EXPECT_NEAR(scalar[j], expected, 1e-10 * len);
      EXPECT_NEAR(simd[j], expected, 1e-10 * len) << "len=" << len;
    }
  }
}

}  // namespace
}  // namespace qgrad::sv::internal
