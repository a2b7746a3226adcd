// The backend the server runs jobs on (today: the in-process exact state-vector
// simulator) as the API describes it, and the qubit limit its memory implies: every
// running job may hold kStateVectorsPerJob state vectors of 16·2^n bytes at once (state,
// guided state, synthesis and adjoint work vectors), and max_running_jobs jobs run at
// once, so n is capped where that no longer fits into the machine's (or cgroup's) memory.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_BACKEND_INFO_H_
#define QGRAD_SERVER_BACKEND_INFO_H_

#include <cstdint>

#include "qgrad/v1/service.pb.h"

namespace qgrad::server {

inline constexpr int kStateVectorsPerJob = 8;

// The largest n whose working set fits `memory_bytes` with `max_running_jobs` jobs at once.
int MemoryQubitLimit(uint64_t memory_bytes, int max_running_jobs);

struct BackendLimits {
  int max_qubits = 20;       // the effective limit (configured and memory)
  int64_t max_shots = 0;
  int max_running_jobs = 0;
};
v1::Backend DescribeStatevectorBackend(const BackendLimits& limits);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_BACKEND_INFO_H_
