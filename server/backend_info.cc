// Backend description; see backend_info.h.
//
// Thread-safety: no shared state.
#include "server/backend_info.h"

#include <string>

namespace qgrad::server {

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
