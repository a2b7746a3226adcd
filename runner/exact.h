// Exact minima of costs on small registers, for reporting a run's error: the lowest
// eigenvalue of an observable (optimizer/exact_reference.h: a diagonal shortcut or
// Lanczos), within the Hartree–Fock determinant's particle-number / S_z sector for
// molecules. Polynomial costs have no cheap exact minimum.
//
// Thread-safety: pure functions.
#ifndef QGRAD_RUNNER_EXACT_H_
#define QGRAD_RUNNER_EXACT_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "optimizer/cost.h"
#include "optimizer/stop.h"

namespace qgrad::runner {

// Registers above this size get no automatic reference (a spec may still give one).
inline constexpr int kMaxExactQubits = 16;

// The minimum of `cost` over `num_qubits`-qubit states (restricted to the sector of
// `determinant` when given), or nullopt when unavailable. CANCELLED when should_stop (polled
// before every matrix-vector product) fired.
absl::StatusOr<std::optional<double>> ExactMinimum(const optimizer::Cost& cost, int num_qubits,
                                                   std::optional<uint64_t> determinant,
                                                   const optimizer::StopCheck& should_stop);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_EXACT_H_
