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

// Merges each uncontrolled diagonal op into an earlier one when every op between them
// commutes with it (a diagonal op, or one on other qubits) and the union of their qubits
// stays within `max_qubits`; among several, the one sharing most qubits. For gate ops
// only: moving a diagonal past a kReduce op would change what the reduce reads.
void MergeDiagonals(std::vector<Op>& ops, int max_qubits);

// Runs the passes of `ops`; unless fusion is off (max_fused_qubits 0), the diagonal ops
// of each pass (of the whole list when the state is not blocked) are merged first.
void ExecuteOps(std::vector<Op> ops, const SimulatorOptions& options, StateVector& state);

}  // namespace qgrad::sv::internal

#endif  // QGRAD_BACKENDS_STATEVECTOR_SCHEDULE_H_
