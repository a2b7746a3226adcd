// Tests of DerandomizedPauliSettings: validation, determinism, how evenly the settings
// hit the observable's terms compared with random settings, and the accuracy of the
// matched estimator on data measured in those settings.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "gtest/gtest.h"
#include "shadows/shadow.h"
#include "shadows/test_util.h"

namespace qgrad::shadows {
namespace {

bool Hits(const PauliString& basis, const PauliString& p) {
  const uint64_t support = p.x | p.z;
  return (basis.x & support) == p.x && (basis.z & support) == p.z;
}

std::vector<int> HitCounts(const PauliSum& sum, const std::vector<Setting>& settings) {
  std::vector<int> hits;
  for (const PauliTerm& t : sum.terms()) {
    if (t.string.is_identity()) continue;
    int h = 0;
    for (const Setting& s : settings) h += Hits(s.basis, t.string);
    hits.push_back(h);
  }
  return hits;
}

PauliSum MaxCutRing(int n) {
  PauliSum sum;
  for (int q = 0; q < n; ++q) {
    PauliString p;
    p.set(q, PauliLetter::kZ);
    p.set((q + 1) % n, PauliLetter::kZ);
    sum.AddTerm(0.5, p);
  }
  PauliString chord;
  chord.set(0, PauliLetter::kZ);
  chord.set(n / 2, PauliLetter::kZ);
  sum.AddTerm(0.5, chord);
  sum.AddTerm(-0.5 * (n + 1), PauliString{});
  return sum;
}

PauliSum Mixed(int n, int terms, uint64_t seed, bool equal_weights = false) {
  std::mt19937_64 rng(seed);
  PauliSum sum;
  while (static_cast<int>(sum.size()) < terms) {
    PauliString p;
    const int weight = 1 + static_cast<int>(rng() % 3);
    for (int w = 0; w < weight; ++w) p.set(static_cast<int>(rng() % n), static_cast<PauliLetter>(1 + rng() % 3));
    const double c = 0.5 + testing::Uniform(rng);
    sum.AddTerm(equal_weights ? 1.0 : c, p);
    sum.Simplify();
  }
  return sum;
}

TEST(DerandomizeTest, Validation) {
  const PauliSum sum = MaxCutRing(4);
  EXPECT_EQ(DerandomizedPauliSettings(sum, 4, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DerandomizedPauliSettings(sum, 3, 5).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(DerandomizedPauliSettings(sum, 6, 5).ok());
}

TEST(DerandomizeTest, DeterministicFullBases) {
  const PauliSum sum = Mixed(6, 12, 3);
  auto a = DerandomizedPauliSettings(sum, 6, 40);
  auto b = DerandomizedPauliSettings(sum, 6, 40);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 40u);
  for (size_t k = 0; k < a->size(); ++k) {
    EXPECT_EQ((*a)[k].basis, (*b)[k].basis);
    EXPECT_EQ((*a)[k].basis.x | (*a)[k].basis.z, 0x3fu);
  }
}

TEST(DerandomizeTest, MaxCutSettingsHitEveryTermEveryTime) {
  const int n = 8, count = 60;
  const PauliSum sum = MaxCutRing(n);
  auto settings = DerandomizedPauliSettings(sum, n, count);
  ASSERT_TRUE(settings.ok());
  const std::vector<int> hits = HitCounts(sum, *settings);
  const std::vector<int> random = HitCounts(sum, RandomSettings(Ensemble::kPauli, n, count, 1));
  EXPECT_EQ(*std::min_element(hits.begin(), hits.end()), count);
  EXPECT_GE(*std::min_element(hits.begin(), hits.end()), *std::min_element(random.begin(), random.end()));
}

TEST(DerandomizeTest, MixedSumHitsMoreAndMoreEvenlyThanRandom) {
  for (uint64_t seed : {1, 2, 3}) {
    const int n = 8, count = 200;
    const PauliSum sum = Mixed(n, 25, seed, /*equal_weights=*/true);
    auto settings = DerandomizedPauliSettings(sum, n, count);
    ASSERT_TRUE(settings.ok());
    const std::vector<int> hits = HitCounts(sum, *settings);
    const std::vector<int> random = HitCounts(sum, RandomSettings(Ensemble::kPauli, n, count, seed));
    const int min_hits = *std::min_element(hits.begin(), hits.end());
    const int min_random = *std::min_element(random.begin(), random.end());
    // Weight-3 terms are hit by 1/27 of random settings (≈ 7 of 200).
    std::printf("seed %d min hits %d random %d\n", static_cast<int>(seed), min_hits, min_random);
    EXPECT_GE(min_hits, min_random) << seed;
    EXPECT_GE(min_hits, 15) << seed;
    long total = 0, total_random = 0;
    for (int h : hits) total += h;
    for (int h : random) total_random += h;
    // More evenly: the least-hit term gets a larger share of the mean hits.
    EXPECT_GT(static_cast<double>(min_hits) / total, static_cast<double>(min_random) / total_random)
        << seed;
    EXPECT_GT(total, total_random) << seed;
  }
}

TEST(DerandomizeTest, HitsFollowTheWeights) {
  // X0 (weight 3) and Z0 (weight 1) compete for qubit 0: hits in about a 3 : 1 ratio.
  PauliSum sum;
  PauliString x0, z0;
  x0.set(0, PauliLetter::kX);
  z0.set(0, PauliLetter::kZ);
  sum.AddTerm(-3.0, x0);
  sum.AddTerm(1.0, z0);
  auto settings = DerandomizedPauliSettings(sum, 2, 400);
  ASSERT_TRUE(settings.ok());
  int hits_x = 0, hits_z = 0;
  for (const Setting& s : *settings) {
    hits_x += Hits(s.basis, x0);
    hits_z += Hits(s.basis, z0);
  }
  EXPECT_EQ(hits_x + hits_z, 400);
  EXPECT_NEAR(static_cast<double>(hits_x) / hits_z, 3.0, 0.2);
}

TEST(DerandomizeTest, MatchedEstimatesAreAccurate) {
  // A random 5-qubit state measured 20 times in each of 150 derandomized settings: each
  // term's matched estimate within 4 standard errors of the exact value, and the 95 %
  // intervals cover at least 85 % of the terms (over all seeds).
  const int n = 5;
  int covered = 0, total = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    std::mt19937_64 rng(seed);
    const testing::Vec psi = testing::RandomState(n, rng);
    const PauliSum sum = Mixed(n, 15, 10 + seed);
    auto settings = DerandomizedPauliSettings(sum, n, 150);
    ASSERT_TRUE(settings.ok());
    const Shadow shadow = testing::SimulateShadow(Ensemble::kPauli, psi, n, *settings, 20, rng);
    std::vector<PauliString> strings;
    for (const PauliTerm& t : sum.terms()) strings.push_back(t.string);
    auto est = EstimateMatchedPauliExpectations(shadow, strings);
    ASSERT_TRUE(est.ok()) << est.status();
    for (size_t j = 0; j < strings.size(); ++j) {
      const testing::DenseMatrix p = testing::PauliMatrix(strings[j], n);
      const double truth = testing::Dot(psi, testing::Apply(p, psi)).real();
      ASSERT_TRUE(std::isfinite((*est)[j].std_error));
      EXPECT_LE(std::abs((*est)[j].value - truth), 4 * (*est)[j].std_error + 1e-12) << strings[j].ToString();
      covered += (*est)[j].low <= truth && truth <= (*est)[j].high;
      ++total;
    }
  }
  EXPECT_GE(covered, 0.85 * total);
}

TEST(DerandomizeTest, MatchedEstimatorOnRandomSettingsAndUnhitStrings) {
  std::mt19937_64 rng(4);
  const testing::Vec psi = testing::RandomState(3, rng);
  std::vector<Setting> z(6);
  for (Setting& s : z) s.basis.z = 0x7;
  const Shadow shadow = testing::SimulateShadow(Ensemble::kPauli, psi, 3, z, 10, rng);
  PauliString x0;
  x0.set(0, PauliLetter::kX);
  auto est = EstimateMatchedPauliExpectations(shadow, {x0, PauliString{}});
  ASSERT_TRUE(est.ok());
  EXPECT_TRUE(std::isinf((*est)[0].std_error));
  EXPECT_EQ((*est)[0].low, -1.0);
  EXPECT_EQ((*est)[1].value, 1.0);
  EXPECT_EQ((*est)[1].std_error, 0.0);
}

}  // namespace
}  // namespace qgrad::shadows
