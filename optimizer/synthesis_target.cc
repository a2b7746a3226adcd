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

sv::StateVector PureStateTarget::Apply(const sv::StateVector& chi) const {
  sv::StateVector out = phi_.Copy();
  out.Scale(sv::InnerProduct(phi_, chi));
  return out;
}

}  // namespace qgrad::optimizer
