// PureStateTarget (see synthesis_target.h).
//
// Thread-safety: immutable values; no shared mutable state.
#include "optimizer/synthesis_target.h"

namespace qgrad::optimizer {

absl::StatusOr<sv::ValueAndGradient> PureStateTarget::Fidelity(
    const sv::Simulator& simulator, const Circuit& layer, absl::Span<const double> params,
    const sv::StateVector& initial) const {
  return sv::FidelityGradient(simulator, layer, params, phi_, &initial);
}

absl::StatusOr<sv::StateVector> PureStateTarget::Apply(const sv::StateVector& chi) const {
  if (chi.num_qubits() != phi_.num_qubits()) {
    return absl::InvalidArgumentError("chi and the target state differ in qubits");
  }
  sv::StateVector out = phi_.Copy();
  out.Scale(sv::InnerProduct(phi_, chi));
  return out;
}

}  // namespace qgrad::optimizer
