// Tests of the API view of a backend and of the memory probe the qubit limit comes from.
//
// Thread-safety: single-threaded tests.
#include "server/backend_info.h"

#include "backends/local/description.h"
#include "backends/local/local_backend.h"
#include "base/memory.h"
#include "gtest/gtest.h"

namespace qgrad::server {
namespace {

TEST(BackendInfoTest, MemoryHoldsAtLeastTenQubits) {
  // Any machine that runs the tests.
  EXPECT_GE(backends::local::MemoryQubitLimit(base::MemoryBytes(), 1), 10);
}

TEST(BackendInfoTest, DescribesABackend) {
  backends::local::LocalBackendOptions options;
  options.name = "statevector";
  options.limits.max_qubits = 18;
  options.limits.max_shots = 5000;
  backends::local::LocalBackend local(options);
  const v1::Backend backend = BackendProto(local.Describe(), 3);
  EXPECT_EQ(backend.name(), "statevector");
  EXPECT_EQ(backend.description(), backends::local::kLocalDescription);
  EXPECT_EQ(backend.max_qubits(), 18);
  EXPECT_EQ(backend.max_shots(), 5000);
  EXPECT_EQ(backend.max_running_jobs(), 3);
  EXPECT_EQ(backend.status(), v1::BACKEND_STATUS_ONLINE);
  EXPECT_TRUE(backend.exact());
  EXPECT_EQ(backend.native_gates(0), "x");
  EXPECT_EQ(backend.native_gates(backend.native_gates_size() - 1), "gphase");

  backends::Description offline;
  offline.name = "device";
  EXPECT_EQ(BackendProto(offline, 1).status(), v1::BACKEND_STATUS_ONLINE);
  offline.online = false;
  EXPECT_EQ(BackendProto(offline, 1).status(), v1::BACKEND_STATUS_OFFLINE);
  EXPECT_FALSE(BackendProto(offline, 1).exact());
}

}  // namespace
}  // namespace qgrad::server
