// Reconnection delays: growth, cap and jitter bounds.
#include "client/backoff.h"

#include "gtest/gtest.h"

namespace qgrad::client {
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

TEST(BackoffTest, JitterKeepsAtLeastHalfTheDelay) {
  BackoffPolicy p{absl::Milliseconds(100), absl::Seconds(1), 2.0};
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), absl::Milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 2, 0.5), absl::Milliseconds(150));
  EXPECT_EQ(BackoffDelay(p, 2, 7.0), absl::Milliseconds(200));  // clamped to [0, 1]
}

}  // namespace
}  // namespace qgrad::client
