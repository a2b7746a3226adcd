// Tests for the built-in models against closed forms and Kronecker-product matrices, and
// the barren-plateau costs at known states.
// Thread-safety: single-threaded tests.
#include "problems/models.h"

#include <array>
#include <cmath>
#include <numbers>

#include "gtest/gtest.h"
#include "problems/dense_test_util.h"
#include "problems/diagonal.h"

namespace qgrad {
namespace {

using testing_util::SectorMatrix;
using testing_util::SymmetricEigenvalues;
using Mat = std::vector<Complex>;  // square, row-major

Mat Kron(const Mat& a, const Mat& b) {
  const int na = static_cast<int>(std::sqrt(a.size())), nb = static_cast<int>(std::sqrt(b.size()));
  Mat out(a.size() * b.size());
  for (int i = 0; i < na; ++i)
    for (int j = 0; j < na; ++j)
      for (int k = 0; k < nb; ++k)
        for (int l = 0; l < nb; ++l) out[(i * nb + k) * na * nb + j * nb + l] = a[i * na + j] * b[k * nb + l];
  return out;
}

const Mat kI = {1, 0, 0, 1}, kX = {0, 1, 1, 0}, kY = {0, Complex(0, -1), Complex(0, 1), 0}, kZ = {1, 0, 0, -1};

// ⊗ of one-site matrices, qubit 0 least significant: ops[n−1] ⊗ … ⊗ ops[0].
Mat Product(const std::vector<Mat>& ops) {
  Mat m = {1};
  for (const Mat& op : ops) m = Kron(op, m);
  return m;
}

Mat Sites(int n, std::initializer_list<std::pair<int, const Mat*>> placed) {
  std::vector<Mat> ops(n, kI);
  for (auto [q, m] : placed) ops[q] = *m;
  return Product(ops);
}

void AddScaled(Mat& acc, double c, const Mat& m) {
  if (acc.empty()) acc.assign(m.size(), 0);
  for (size_t i = 0; i < m.size(); ++i) acc[i] += c * m[i];
}

std::vector<double> FullMatrix(const PauliSum& op, int n) {
  std::vector<uint64_t> all(1u << n);
  for (uint64_t b = 0; b < all.size(); ++b) all[b] = b;
  double leak = 0, imag = 0;
  std::vector<double> m = SectorMatrix(op, all, &leak, &imag);
  EXPECT_EQ(imag, 0.0);
  return m;
}

void ExpectSameMatrix(const PauliSum& op, const Mat& expected, int n) {
  const std::vector<double> m = FullMatrix(op, n);
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_NEAR(m[i], expected[i].real(), 1e-14) << i;
    EXPECT_EQ(expected[i].imag(), 0.0);
  }
}

TEST(ModelsTest, IsingMatchesKroneckerMatrix) {
  for (bool periodic : {false, true}) {
    const int n = 3;
    const double j = 0.7, h = 1.3;
    Mat expected;
    AddScaled(expected, -j, Sites(n, {{0, &kZ}, {1, &kZ}}));
    AddScaled(expected, -j, Sites(n, {{1, &kZ}, {2, &kZ}}));
    if (periodic) AddScaled(expected, -j, Sites(n, {{2, &kZ}, {0, &kZ}}));
    for (int q = 0; q < n; ++q) AddScaled(expected, -h, Sites(n, {{q, &kX}}));
    ExpectSameMatrix(*TransverseFieldIsing(n, j, h, periodic), expected, n);
  }
}

TEST(ModelsTest, IsingGroundEnergiesMatchClosedForms) {
  const double j = 1.0, h = 0.6;
  // Two open sites: E0 = −sqrt(J² + 4h²).
  std::vector<double> e2 = SymmetricEigenvalues(FullMatrix(*TransverseFieldIsing(2, j, h, false), 2), 4);
  EXPECT_NEAR(e2[0], -std::sqrt(j * j + 4 * h * h), 1e-12);
  // Periodic ring of 4 (free fermions, antiperiodic momenta ±π/4, ±3π/4):
  // E0 = −Σ_k sqrt(J² + h² − 2Jh cos k).
  double e0 = 0;
  for (double k : {0.25, 0.75, -0.25, -0.75}) {
    e0 -= std::sqrt(j * j + h * h - 2 * j * h * std::cos(k * std::numbers::pi));
  }
  std::vector<double> e4 = SymmetricEigenvalues(FullMatrix(*TransverseFieldIsing(4, j, h, true), 4), 16);
  EXPECT_NEAR(e4[0], e0, 1e-12);
}

TEST(ModelsTest, XxzMatchesKroneckerMatrixAndTwoSiteSpectrum) {
  const XxzCouplings c{0.5, -0.8, 1.1, 0.3};
  const int n = 3;
  Mat expected;
  for (auto [a, b] : {std::pair{0, 1}, {1, 2}, {2, 0}}) {
    AddScaled(expected, c.jx, Sites(n, {{a, &kX}, {b, &kX}}));
    AddScaled(expected, c.jy, Sites(n, {{a, &kY}, {b, &kY}}));
    AddScaled(expected, c.jz, Sites(n, {{a, &kZ}, {b, &kZ}}));
  }
  for (int q = 0; q < n; ++q) AddScaled(expected, c.field, Sites(n, {{q, &kZ}}));
  ExpectSameMatrix(*HeisenbergXxz(n, c, true), expected, n);
  // Two sites, J_x = J_y = 1: {Δ ± 2h} on |00⟩, |11⟩ and −Δ ± 2 on the flip-flop block.
  const double delta = 0.4, h = 0.25;
  std::vector<double> e = SymmetricEigenvalues(FullMatrix(*HeisenbergXxz(2, {1, 1, delta, h}, false), 2), 4);
  std::vector<double> want = {delta + 2 * h, delta - 2 * h, -delta + 2, -delta - 2};
  std::sort(want.begin(), want.end());
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(e[i], want[i], 1e-12);
  EXPECT_EQ(TransverseFieldIsing(0, 1, 1, false).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HeisenbergXxz(65, {}, false).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ModelsTest, BarrenPlateauCostsAtKnownStates) {
  const int n = 5;
  const PauliSum local = *LocalZCost(n), global = *GlobalZCost(n);
  EXPECT_EQ(DiagonalElement(local, 0b00000), 0.0);
  EXPECT_EQ(DiagonalElement(local, 0b00001), 1.0);
  EXPECT_EQ(DiagonalElement(local, 0b10000), 0.0);
  EXPECT_EQ(DiagonalElement(global, 0b00000), 0.0);
  EXPECT_EQ(DiagonalElement(global, 0b10000), 1.0);
  EXPECT_EQ(DiagonalElement(global, 0b10001), 0.0);
  EXPECT_EQ(global.ToString(), "0.5 - 0.5 * Z0 Z1 Z2 Z3 Z4");
  // |+⟩^⊗n: every Z string averages to zero, so both costs are 1/2.
  EXPECT_EQ(local.IdentityCoefficient(), Complex(0.5, 0));
}

TEST(ModelsTest, RingEnergyExtremesMatchEnumeration) {
  for (int n = 2; n <= 10; ++n) {
    absl::StatusOr<RingEnergyCost> r = RingEnergy(n);
    ASSERT_TRUE(r.ok());
    double lo = 1e300, hi = -1e300, cost_lo = 1e300, cost_hi = -1e300;
    for (uint64_t b = 0; b < (1u << n); ++b) {
      lo = std::min(lo, DiagonalElement(r->hamiltonian, b));
      hi = std::max(hi, DiagonalElement(r->hamiltonian, b));
      cost_lo = std::min(cost_lo, DiagonalElement(r->cost, b));
      cost_hi = std::max(cost_hi, DiagonalElement(r->cost, b));
    }
    EXPECT_DOUBLE_EQ(r->e0, lo) << n;
    EXPECT_DOUBLE_EQ(r->emax, hi) << n;
    EXPECT_NEAR(cost_lo, 0.0, 1e-14) << n;
    EXPECT_NEAR(cost_hi, 1.0, 1e-14) << n;
  }
  EXPECT_EQ(RingEnergy(4)->hamiltonian.ToString(),
            PauliSum::Parse("-0.5 Z0 Z1 - 0.5 Z0 Z3 - 0.5 Z1 Z2 - 0.5 Z2 Z3")->ToString());
  EXPECT_EQ(RingEnergy(1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qgrad
