// Exact minima; see exact.h.
//
// Thread-safety: pure functions.
#include "runner/exact.h"

#include "optimizer/exact_reference.h"

namespace qgrad::runner {

absl::StatusOr<std::optional<double>> ExactMinimum(const optimizer::Cost& cost, int num_qubits,
                                                   std::optional<uint64_t> determinant,
                                                   const optimizer::StopCheck& should_stop) {
  const PauliSum* h = cost.observable();
  if (h == nullptr || num_qubits < 1 || num_qubits > kMaxExactQubits) return std::nullopt;
  optimizer::ExactReferenceOptions options;
  options.should_stop = should_stop;
  if (determinant) {
    options.start_basis_state = *determinant;
    options.sector = optimizer::SpinOrbitalSector(*determinant, num_qubits);
  }
  absl::StatusOr<optimizer::ExactReference> exact =
      optimizer::ExactGroundEnergy(*h, num_qubits, options);
  if (!exact.ok() && exact.status().code() == absl::StatusCode::kCancelled) return exact.status();
  if (!exact.ok() || !exact->converged) return std::nullopt;
  return exact->energy;
}

}  // namespace qgrad::runner
