// The machine's memory (which caps the qubits, backends/local/description.h) and the API
// message for a backend: backends::Description → v1::Backend. The backend facts themselves
// (names, native gates, the memory-derived qubit limit) live in backends/local.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_BACKEND_INFO_H_
#define QGRAD_SERVER_BACKEND_INFO_H_

#include <cstdint>

#include "backends/backend.h"
#include "qgrad/v1/service.pb.h"

namespace qgrad::server {

// Physical memory, or the cgroup limit when lower.
uint64_t MemoryBytes();

// The API's view of a backend; `max_running_jobs` is the server's (jobs at once).
v1::Backend BackendProto(const backends::Description& description, int max_running_jobs);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_BACKEND_INFO_H_
