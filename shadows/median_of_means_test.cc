// Tests of the median-of-means internals: c_K, the normal quantile and the estimate.
#include "shadows/median_of_means.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "gtest/gtest.h"

namespace qgrad::shadows::internal {
namespace {

TEST(MedianOfMeansTest, ConstantKnownValuesAndLimit) {
  EXPECT_DOUBLE_EQ(MedianOfMeansConstant(1), 1.0);
  // Var(median of 3 standard normals) = 0.448671...
  EXPECT_NEAR(MedianOfMeansConstant(3), 1.346, 1e-3);
  double previous = 1.0;
  for (int k = 3; k <= 101; k += 2) {
    const double c = MedianOfMeansConstant(k);
    EXPECT_GT(c, previous) << k;
    EXPECT_LT(c, std::numbers::pi / 2) << k;
    previous = c;
  }
  EXPECT_NEAR(MedianOfMeansConstant(2001), std::numbers::pi / 2, 2e-3);
  EXPECT_EQ(MedianOfMeansConstant(5), MedianOfMeansConstant(5));  // cached, deterministic
}

TEST(MedianOfMeansTest, ConstantMatchesMonteCarlo) {
  // An independent oracle: K · the sample variance of medians of K seeded normals.
  for (int k : {3, 5, 9}) {
    std::mt19937_64 rng(k);
    std::normal_distribution<double> normal;
    const int trials = 100000;
    double sum = 0.0, sq = 0.0;
    std::vector<double> x(k);
    for (int t = 0; t < trials; ++t) {
      for (double& v : x) v = normal(rng);
      std::nth_element(x.begin(), x.begin() + k / 2, x.end());
      sum += x[k / 2];
      sq += x[k / 2] * x[k / 2];
    }
    const double var = sq / trials - (sum / trials) * (sum / trials);
    // Relative standard error of a sample variance ≈ sqrt(2/trials) ≈ 0.45 %.
    EXPECT_NEAR(k * var / MedianOfMeansConstant(k), 1.0, 0.02) << k;
  }
}

TEST(MedianOfMeansTest, NormalQuantileKnownValues) {
  EXPECT_EQ(NormalQuantile(0.5), 0.0);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.9), 1.2815515655446004, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.95), 1.6448536269514722, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.995), 2.5758293035489004, 1e-14);
  EXPECT_NEAR(NormalQuantile(0.025), -1.959963984540054, 1e-14);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-12);
  for (double p = 0.001; p < 1.0; p += 0.0137) {
    const double x = NormalQuantile(p);
    EXPECT_NEAR(0.5 * std::erfc(-x / std::numbers::sqrt2), p, 1e-15) << p;
  }
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
}

TEST(MedianOfMeansTest, MedianOfShotWeightedGroupMeans) {
  // Groups k mod 3: {0, 3} {1, 4} {2}.
  const std::vector<double> values = {1.0, 10.0, 5.0, 3.0, 20.0};
  const std::vector<int64_t> shots = {1, 1, 2, 3, 1};
  const Estimate e = MedianOfMeans(values, shots, {.groups = 3, .confidence = 0.9});
  // Group means: (1 + 9)/4 = 2.5, (10 + 20)/2 = 15, 5 → median 5.
  EXPECT_DOUBLE_EQ(e.value, 5.0);
  double mean = 7.8, sq = 0.0;
  for (double v : values) sq += (v - mean) * (v - mean);
  const double se = std::sqrt(MedianOfMeansConstant(3) * sq / 4 / 5);
  EXPECT_NEAR(e.std_error, se, 1e-12);
  EXPECT_NEAR(e.low, 5.0 - 1.6448536269514722 * se, 1e-12);
  EXPECT_NEAR(e.high, 5.0 + 1.6448536269514722 * se, 1e-12);
  EXPECT_EQ(e.snapshots, 8);
  EXPECT_EQ(e.confidence, 0.9);
  // K = 1 is the shot-weighted mean.
  EXPECT_NEAR(MedianOfMeans(values, shots, {.groups = 1}).value, (1 + 10 + 10 + 9 + 20) / 8.0, 1e-15);
  const std::vector<double> one_value = {2.0};
  const std::vector<int64_t> one_shots = {4};
  EXPECT_TRUE(std::isinf(MedianOfMeans(one_value, one_shots, {.groups = 1}).std_error));
}

}  // namespace
}  // namespace qgrad::shadows::internal
