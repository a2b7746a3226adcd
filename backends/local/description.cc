// Backend facts of the local simulator; see description.h.
//
// Thread-safety: pure functions.
#include "backends/local/description.h"

#include <algorithm>

#include "core/circuit.h"

namespace qgrad::backends::local {

int MemoryQubitLimit(uint64_t memory_bytes, int max_running_jobs) {
  const uint64_t per_job = memory_bytes / uint64_t(std::max(1, max_running_jobs));
  int n = 0;
  // 16 bytes per amplitude; stop before the shift could overflow.
  while (n < 50 && (uint64_t{16} * kStateVectorsPerJob << (n + 1)) <= per_job) ++n;
  return n;
}

std::vector<std::string> NativeGates() { return OpenQasmGateNames(); }

}  // namespace qgrad::backends::local
