// Internal to backends/statevector: executes a compiled op list on a state, choosing the
// kernel implementation and thread count from the simulator options.
// Thread-safety: writes only `state`.
#ifndef QGRAD_BACKENDS_STATEVECTOR_SCHEDULE_H_
#define QGRAD_BACKENDS_STATEVECTOR_SCHEDULE_H_

#include <vector>

#include "backends/statevector/kernels.h"

namespace qgrad::sv::internal {

// The cache-blocked passes ExecuteOps runs (schedule.cc), for callers that need to act
// between passes. `block`: SimulatorOptions::cache_block_qubits.
std::vector<Pass> MakePasses(const std::vector<Op>& ops, int n, int block);

void ExecuteOps(const std::vector<Op>& ops, const SimulatorOptions& options,
                StateVector& state);

}  // namespace qgrad::sv::internal

#endif  // QGRAD_BACKENDS_STATEVECTOR_SCHEDULE_H_
