// Tests of seed derivation: splitmix64 against the published outputs of the generator
// seeded with 0, and labels giving unrelated seeds.
//
// Thread-safety: single-threaded tests.
#include "base/seed_mix.h"

#include <bit>
#include <set>

#include "gtest/gtest.h"

namespace qgrad::base {
namespace {

TEST(SeedMixTest, SplitMix64MatchesThePublishedSequence) {
  // splitmix64 seeded with 0: state s advances by 0x9E3779B97F4A7C15 per output, and
  // SplitMix64(s) is the output for the state before the advance.
  EXPECT_EQ(SplitMix64(0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(SplitMix64(0x9E3779B97F4A7C15ULL), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(SplitMix64(2 * 0x9E3779B97F4A7C15ULL), 0x06C45D188009454FULL);
}

TEST(SeedMixTest, NeighbouringLabelsGiveUnrelatedSeeds) {
  std::set<uint64_t> seeds;
  for (uint64_t label = 0; label < 1000; ++label) {
    const uint64_t a = DeriveSeed(7, label);
    const uint64_t b = DeriveSeed(7, label + 1);
    // About half of 64 bits differ; 12 is far in the tail for unrelated values.
    EXPECT_GT(std::popcount(a ^ b), 12) << label;
    seeds.insert(a);
  }
  EXPECT_EQ(seeds.size(), 1000u);
  EXPECT_NE(DeriveSeed(7, 1), DeriveSeed(8, 1));
  EXPECT_EQ(DeriveSeed(7, 1), DeriveSeed(7, 1));
}

}  // namespace
}  // namespace qgrad::base
