// Cooperative stopping of long optimizer runs: a caller-supplied predicate that the inner
// loops poll (before every objective evaluation of a local minimization, before every
// synthesis round, before every outer or baseline iteration). When it returns true the run
// ends with CANCELLED within one such step; what the run had reported through its
// callbacks (events, checkpoints) stays valid, so a stopped run can be resumed later.
//
// The predicate is how the job service implements cancellation, deadlines and graceful
// shutdown without the optimizer knowing about any of them.
//
// Thread-safety: the predicate is called on the optimizing thread; if other threads
// request the stop it must read shared state safely (e.g. a std::atomic).
#ifndef QGRAD_OPTIMIZER_STOP_H_
#define QGRAD_OPTIMIZER_STOP_H_

#include <functional>

#include "absl/status/status.h"

namespace qgrad::optimizer {

// Empty: never stop.
using StopCheck = std::function<bool()>;

inline bool StopRequested(const StopCheck& check) { return check && check(); }

// The status a stopped run returns.
inline absl::Status StoppedError() { return absl::CancelledError("stopped on request"); }

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_STOP_H_
