// Fixed-depth hardware-efficient VQE baseline: `layers` blocks of RY and RZ on every qubit
// followed by CZ (or CX) entanglers on a chain or coupling graph, then a final RY/RZ
// layer, appended to a reference circuit; all angles trained by L-BFGS on adjoint
// gradients from zero or seeded random angles.
//
// Thread-safety: pure functions of their arguments; the callback runs on the caller's thread.
#ifndef QGRAD_OPTIMIZER_HEA_VQE_H_
#define QGRAD_OPTIMIZER_HEA_VQE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "optimizer/baseline.h"
#include "optimizer/cost.h"
#include "optimizer/local_minimizer.h"
#include "optimizer/pool.h"

namespace qgrad::optimizer {

struct HeaOptions {
  enum class Entangler { kCz, kCx };
  int layers = 2;                 // entangling blocks; 2·n·(layers + 1) angles
  Entangler entangler = Entangler::kCz;
  Coupling coupling;              // empty: the chain (q, q+1)
  bool random_init = true;        // else all angles 0
  double init_scale = 3.141592653589793;  // uniform in [−scale, scale]
  uint64_t seed = 1;
  LocalMinimizerOptions minimizer;  // L-BFGS by default; max_evaluations bounds the events
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateHeaOptions(const HeaOptions& options, int num_qubits);

// The ansatz alone (parameters 0 … 2n(layers+1) − 1). REQUIRES: validated options.
Circuit HardwareEfficientAnsatz(int num_qubits, const HeaOptions& options);

// Appends the ansatz to `reference` (fixed gates only, e.g. Hartree–Fock X gates) and
// minimizes the cost. One event per L-BFGS evaluation (cost and gradient norm there);
// stop reason kConverged when L-BFGS stopped on its tolerances, kMaxIterations when it
// used all minimizer.max_evaluations.
absl::StatusOr<BaselineResult> RunHardwareEfficientVqe(const sv::Simulator& simulator,
                                                       const Cost& cost, Circuit reference,
                                                       const HeaOptions& options,
                                                       const BaselineCallback& callback = nullptr);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_HEA_VQE_H_
