// Backend description; see backend_info.h.
//
// Thread-safety: no shared state.
#include "server/backend_info.h"

#include <algorithm>
#include <string>

#include "core/circuit.h"
#include "server/validation.h"

namespace qgrad::server {
int MemoryQubitLimit(uint64_t memory_bytes, int max_running_jobs) {
  const uint64_t per_job = memory_bytes / uint64_t(std::max(1, max_running_jobs));
  int n = 0;
  // 16 bytes per amplitude; stop before the shift could overflow.
  while (n < 50 && (uint64_t{16} * kStateVectorsPerJob << (n + 1)) <= per_job) ++n;
  return n;
}

v1::Backend DescribeStatevectorBackend(const BackendLimits& limits) {
  v1::Backend backend;
  backend.set_name(kBackendName);
  backend.set_description(
      "in-process exact state-vector simulator (complex double, SIMD kernels, gate fusion)");
  backend.set_max_qubits(limits.max_qubits);
  for (int k = 0; k <= static_cast<int>(GateKind::kGPhase); ++k) {
    backend.add_native_gates(std::string(Info(static_cast<GateKind>(k)).name));
  }
  backend.set_max_shots(limits.max_shots);
  backend.set_max_running_jobs(limits.max_running_jobs);
  backend.set_status(v1::BACKEND_STATUS_ONLINE);
  backend.set_exact(true);
  return backend;
}

}  // namespace qgrad::server
