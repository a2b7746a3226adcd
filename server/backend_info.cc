// Backend description; see backend_info.h.
//
// Thread-safety: no shared state.
#include "server/backend_info.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <string>

namespace qgrad::server {
namespace {

uint64_t CgroupLimitBytes() {
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") continue;
    try {
      return std::stoull(text);
    } catch (...) {
      continue;
    }
  }
  return std::numeric_limits<uint64_t>::max();
}

}  // namespace

uint64_t MemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  uint64_t physical = pages > 0 && page_size > 0 ? uint64_t(pages) * uint64_t(page_size)
                                                 : std::numeric_limits<uint64_t>::max();
  return std::min(physical, CgroupLimitBytes());
}

v1::Backend BackendProto(const backends::Description& description, int max_running_jobs) {
  v1::Backend backend;
  backend.set_name(description.name);
  backend.set_description(description.description);
  backend.set_max_qubits(description.max_qubits);
  for (const std::string& gate : description.native_gates) backend.add_native_gates(gate);
  backend.set_max_shots(description.max_shots);
  backend.set_max_running_jobs(max_running_jobs);
  backend.set_status(description.online ? v1::BACKEND_STATUS_ONLINE
                                        : v1::BACKEND_STATUS_OFFLINE);
  backend.set_exact(description.exact_amplitudes);
  return backend;
}

}  // namespace qgrad::server
