// Memory probes: parsing of cgroup v1/v2 and meminfo files written to a temporary
// directory, and sanity of the real probes on this machine.
//
// Thread-safety: single-threaded tests.
#include "base/memory.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace qgrad::base {
namespace {

class MemoryProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/base_memory_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // Every file absent to begin with.
    files_.meminfo = dir_ + "/meminfo";
    files_.cgroup_v2_max = dir_ + "/memory.max";
    files_.cgroup_v2_current = dir_ + "/memory.current";
    files_.cgroup_v1_limit = dir_ + "/memory.limit_in_bytes";
    files_.cgroup_v1_usage = dir_ + "/memory.usage_in_bytes";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  std::string dir_;
  MemoryProbeFiles files_;
};

TEST_F(MemoryProbeTest, NoFilesMeansNoLimitKnown) {
  EXPECT_EQ(CgroupLimitBytes(files_), kUnknownBytes);
  EXPECT_EQ(CgroupRoomBytes(files_), kUnknownBytes);
  EXPECT_EQ(MemAvailableBytes(files_), kUnknownBytes);
  EXPECT_EQ(MemoryBytes(files_), PhysicalMemoryBytes());
}

TEST_F(MemoryProbeTest, CgroupV2LimitAndRoom) {
  Write(files_.cgroup_v2_max, "1073741824\n");
  Write(files_.cgroup_v2_current, "73741824\n");
  EXPECT_EQ(CgroupLimitBytes(files_), 1073741824u);
  EXPECT_EQ(CgroupRoomBytes(files_), 1000000000u);
  EXPECT_EQ(MemoryBytes(files_), std::min<uint64_t>(PhysicalMemoryBytes(), 1073741824u));
}

TEST_F(MemoryProbeTest, CgroupV2MaxFallsBackToV1) {
  Write(files_.cgroup_v2_max, "max\n");
  EXPECT_EQ(CgroupLimitBytes(files_), kUnknownBytes);
  Write(files_.cgroup_v1_limit, "5000\n");
  Write(files_.cgroup_v1_usage, "1200\n");
  EXPECT_EQ(CgroupLimitBytes(files_), 5000u);
  EXPECT_EQ(CgroupRoomBytes(files_), 3800u);
}

TEST_F(MemoryProbeTest, UsageOverTheLimitLeavesNoRoomAndMissingUsageCountsAsZero) {
  Write(files_.cgroup_v2_max, "100\n");
  EXPECT_EQ(CgroupRoomBytes(files_), 100u);  // no memory.current
  Write(files_.cgroup_v2_current, "150\n");
  EXPECT_EQ(CgroupRoomBytes(files_), 0u);
}

TEST_F(MemoryProbeTest, GarbageIsNoLimit) {
  Write(files_.cgroup_v2_max, "lots\n");
  EXPECT_EQ(CgroupLimitBytes(files_), kUnknownBytes);
  Write(files_.cgroup_v2_max, "12abc\n");
  EXPECT_EQ(CgroupLimitBytes(files_), kUnknownBytes);
}

TEST_F(MemoryProbeTest, MemAvailableIsFoundPastLinesWithoutUnit) {
  Write(files_.meminfo,
        "MemTotal:       16000000 kB\n"
        "HugePages_Total:       0\n"
        "HugePages_Free:        0\n"
        "MemAvailable:    4000000 kB\n");
  EXPECT_EQ(MemAvailableBytes(files_), uint64_t{4000000} * 1024);
  Write(files_.cgroup_v2_max, "3000000000\n");
  Write(files_.cgroup_v2_current, "1000000000\n");
  EXPECT_EQ(AvailableMemoryBytes(files_), uint64_t{2000000000});
}

TEST(RealMemoryProbeTest, AnswersAreSaneOnThisMachine) {
  const uint64_t physical = PhysicalMemoryBytes();
  EXPECT_NE(physical, kUnknownBytes);
  EXPECT_GT(physical, uint64_t{64} << 20);  // any machine that runs the tests
  EXPECT_LE(MemoryBytes(), physical);
  EXPECT_GT(MemoryBytes(), 0u);
  const uint64_t available = MemAvailableBytes();
  EXPECT_NE(available, kUnknownBytes);  // Linux has had MemAvailable since 3.14
  EXPECT_LE(available, physical);
  EXPECT_LE(AvailableMemoryBytes(), available);
}

}  // namespace
}  // namespace qgrad::base
