// Retry delays: growth, cap and jitter bounds.
//
// Thread-safety: single-threaded tests.
#include "base/backoff.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace qgrad::base {
namespace {

TEST(BackoffTest, GrowsGeometricallyUpToTheCap) {
  BackoffPolicy p{absl::Milliseconds(100), absl::Seconds(1), 2.0};
  // unit_random = 1: the full delay.
  EXPECT_EQ(BackoffDelay(p, 1, 1.0), absl::Milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 2, 1.0), absl::Milliseconds(200));
  EXPECT_EQ(BackoffDelay(p, 4, 1.0), absl::Milliseconds(800));
  EXPECT_EQ(BackoffDelay(p, 5, 1.0), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(p, 1000000, 1.0), absl::Seconds(1));
}

TEST(BackoffTest, OtherMultipliersGrowByThatFactor) {
  BackoffPolicy p{absl::Milliseconds(10), absl::Seconds(100), 3.0};
  EXPECT_EQ(BackoffDelay(p, 3, 1.0), absl::Milliseconds(90));
  BackoffPolicy flat{absl::Milliseconds(10), absl::Seconds(100), 1.0};
  EXPECT_EQ(BackoffDelay(flat, 50, 1.0), absl::Milliseconds(10));
}

TEST(BackoffTest, JitterKeepsAtLeastHalfTheDelay) {
  BackoffPolicy p{absl::Milliseconds(100), absl::Seconds(1), 2.0};
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), absl::Milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 2, 0.5), absl::Milliseconds(150));
  EXPECT_EQ(BackoffDelay(p, 2, 7.0), absl::Milliseconds(200));   // clamped to [0, 1]
  EXPECT_EQ(BackoffDelay(p, 2, -3.0), absl::Milliseconds(100));  // clamped to [0, 1]
}

// Random units spread the delay over [d/2, d], linearly: the oracle is d · (1 + u) / 2.
TEST(BackoffTest, RandomJitterStaysInTheUpperHalfAndFollowsTheUnit) {
  BackoffPolicy p{absl::Milliseconds(100), absl::Seconds(5), 2.0};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> attempt(1, 12);
  for (int i = 0; i < 1000; ++i) {
    const int a = attempt(rng);
    const double u = unit(rng);
    const double full_ms = std::min(100.0 * std::pow(2.0, a - 1), 5000.0);
    const double got_ms = absl::ToDoubleMilliseconds(BackoffDelay(p, a, u));
    EXPECT_GE(got_ms, full_ms / 2 - 1e-6);
    EXPECT_LE(got_ms, full_ms + 1e-6);
    EXPECT_NEAR(got_ms, full_ms * (1 + u) / 2, 1e-6);
  }
}

}  // namespace
}  // namespace qgrad::base
