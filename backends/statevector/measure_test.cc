// Sampling (goodness of fit, reproducibility), probabilities, overlaps.
#include <map>
#include <random>

#include "backends/statevector/dense_reference.h"
#include "backends/statevector/statevector.h"
#include "gtest/gtest.h"

namespace qgrad::sv {
namespace {

StateVector RandomStateVector(int n, uint64_t seed, bool with_zeros = false) {
  std::mt19937_64 rng(seed);
  std::vector<Amplitude> v = testing::RandomState(n, rng);
  if (with_zeros) {
    for (size_t i = 0; i < v.size(); i += 3) v[i] = 0.0;
  }
  StateVector s = *StateVector::Create(n);
  EXPECT_TRUE(s.SetAmplitudes(v, /*normalize=*/true).ok());
  return s;
}

TEST(Sample, FitsBornRuleByChiSquare) {
  const int n = 4;
  const StateVector state = RandomStateVector(n, 11, /*with_zeros=*/true);
  const std::vector<double> p = Probabilities(state);
  const int64_t shots = 200000;
  auto samples = Sample(state, shots, /*seed=*/1234);
  ASSERT_TRUE(samples.ok());
  std::vector<double> counts(p.size(), 0.0);
  for (uint64_t s : *samples) {
    ASSERT_LT(s, p.size());
    ASSERT_GT(p[s], 0.0) << "sampled an outcome of probability zero";
    counts[s] += 1;
  }
  double chi2 = 0;
  int cells = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0) continue;
    const double expected = p[i] * shots;
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    ++cells;
  }
  ASSERT_EQ(cells, 10);  // 16 outcomes, every third zeroed
  // Upper 0.001 quantile of chi-square with 9 degrees of freedom.
  EXPECT_LT(chi2, 27.877);
}

TEST(Sample, SameSeedSameShotsDifferentSeedDifferentShots) {
  const StateVector state = RandomStateVector(6, 5);
  auto a = Sample(state, 1000, 42);
  auto b = Sample(state, 1000, 42);
  auto c = Sample(state, 1000, 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(Sample, DoesNotDependOnThreadCountOrLargeState) {
  // 16 qubits is above the parallel threshold; the walk is sequential either way.
  const StateVector state = RandomStateVector(16, 9);
  auto a = Sample(state, 500, 3);
  auto b = Sample(state, 500, 3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(Sample, BasisStateAndErrors) {
  StateVector state = *StateVector::Create(3);
  state.SetBasisState(5);
  auto s = Sample(state, 10, 1);
  ASSERT_TRUE(s.ok());
  for (uint64_t v : *s) EXPECT_EQ(v, 5u);
  EXPECT_EQ(Sample(state, -1, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Sample(state, 0, 1)->empty());
}

TEST(Probabilities, InnerProductAndNorm) {
  const StateVector a = RandomStateVector(5, 1);
  const StateVector b = RandomStateVector(5, 2);
  std::vector<double> p = Probabilities(a);
  double sum = 0;
  for (double v : p) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(a.NormSquared(), 1.0, 1e-12);
  Amplitude expected = 0;
  for (size_t i = 0; i < a.size(); ++i) expected += std::conj(a.data()[i]) * b.data()[i];
  EXPECT_LT(std::abs(InnerProduct(a, b) - expected), 1e-13);
  EXPECT_LT(std::abs(InnerProduct(a, a) - 1.0), 1e-12);
}

}  // namespace
}  // namespace qgrad::sv
