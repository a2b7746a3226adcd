// Tests of the local simulator's backend facts: the memory-derived qubit limit and the
// native gate list.
#include "backends/local/description.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace qgrad::backends::local {
namespace {

TEST(DescriptionTest, QubitLimitFollowsMemoryPerRunningJob) {
  // 8 vectors × 16 bytes × 2^n: 2^20 amplitudes need 128 MiB.
  const uint64_t mib = uint64_t{1} << 20;
  EXPECT_EQ(MemoryQubitLimit(128 * mib, 1), 20);
  EXPECT_EQ(MemoryQubitLimit(128 * mib - 1, 1), 19);
  EXPECT_EQ(MemoryQubitLimit(256 * mib, 2), 20);
  EXPECT_EQ(MemoryQubitLimit(0, 1), 0);
  EXPECT_EQ(MemoryQubitLimit(~uint64_t{0}, 0), 50);  // capped, no overflow
}

TEST(DescriptionTest, NativeGatesAreTheNamedGates) {
  const std::vector<std::string> gates = NativeGates();
  ASSERT_FALSE(gates.empty());
  EXPECT_EQ(gates.front(), "x");
  EXPECT_EQ(gates.back(), "gphase");
  for (const char* name : {"h", "cx", "ry", "rz", "U", "ccx", "cswap", "cu"}) {
    EXPECT_NE(std::find(gates.begin(), gates.end(), name), gates.end()) << name;
  }
  for (const std::string& name : gates) {
    EXPECT_NE(name, "measure");
    EXPECT_NE(name, "reset");
  }
}

}  // namespace
}  // namespace qgrad::backends::local
