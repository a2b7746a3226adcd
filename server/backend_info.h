// The API message for a backend: backends::Description → v1::Backend. The backend facts
// themselves (names, native gates, the memory-derived qubit limit) live in backends/local;
// the machine's memory in base/memory.h.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_BACKEND_INFO_H_
#define QGRAD_SERVER_BACKEND_INFO_H_

#include "backends/backend.h"
#include "qgrad/v1/service.pb.h"

namespace qgrad::server {

// The API's view of a backend; `max_running_jobs` is the server's (jobs at once).
v1::Backend BackendProto(const backends::Description& description, int max_running_jobs);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_BACKEND_INFO_H_
