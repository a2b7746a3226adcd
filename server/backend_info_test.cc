// Tests of the backend description: the memory-derived qubit limit and the fields the API
// reports.
//
// Thread-safety: single-threaded tests.
#include "server/backend_info.h"

#include "base/memory.h"
#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

TEST(BackendInfoTest, QubitLimitFollowsMemoryPerRunningJob) {
  // 8 vectors × 16 bytes × 2^n: 2^20 amplitudes need 128 MiB.
  const uint64_t mib = uint64_t{1} << 20;
  EXPECT_EQ(MemoryQubitLimit(128 * mib, 1), 20);
  EXPECT_EQ(MemoryQubitLimit(128 * mib - 1, 1), 19);
  EXPECT_EQ(MemoryQubitLimit(256 * mib, 2), 20);
  EXPECT_EQ(MemoryQubitLimit(0, 1), 0);
  EXPECT_GE(MemoryQubitLimit(base::MemoryBytes(), 1), 10);  // any machine that runs the tests
}

TEST(BackendInfoTest, DescribesTheStatevectorBackend) {
  const v1::Backend backend = DescribeStatevectorBackend({18, 5000, 3});
  EXPECT_EQ(backend.name(), "statevector");
  EXPECT_EQ(backend.max_qubits(), 18);
  EXPECT_EQ(backend.max_shots(), 5000);
  EXPECT_EQ(backend.max_running_jobs(), 3);
  EXPECT_EQ(backend.status(), v1::BACKEND_STATUS_ONLINE);
  EXPECT_TRUE(backend.exact());
  EXPECT_EQ(backend.native_gates(0), "x");
  EXPECT_EQ(backend.native_gates(backend.native_gates_size() - 1), "gphase");
}

}  // namespace
}  // namespace qgrad::server
