// ShadowTarget (see shadow_target.h).
//
// Thread-safety: immutable values; no shared mutable state.
#include "estimation/shadow_target.h"

#include <cmath>
#include <utility>

#include "backends/statevector/adjoint.h"

namespace qgrad::estimation {
namespace {

// REQUIRES: ApplyShadow succeeds (matching sizes, checked by the caller's shapes).
absl::StatusOr<sv::StateVector> ApplyToState(const shadows::Shadow& shadow,
                                             const sv::StateVector& chi) {
  auto applied = shadows::ApplyShadow(shadow, chi.amplitudes());
  if (!applied.ok()) return applied.status();
  auto out = sv::StateVector::CreateForOverwrite(chi.num_qubits());
  if (!out.ok()) return out.status();
  std::copy(applied->begin(), applied->end(), out->data());
  return out;
}

}  // namespace

absl::StatusOr<sv::ValueAndGradient> ShadowTarget::Fidelity(
    const sv::Simulator& simulator, const Circuit& layer, absl::Span<const double> params,
    const sv::StateVector& initial) const {
  auto chi = simulator.Prepare(layer, params, &initial);
  if (!chi.ok()) return chi.status();
  auto lambda = ApplyToState(shadow_, *chi);
  if (!lambda.ok()) return lambda.status();
  const double value = sv::InnerProduct(*chi, *lambda).real();
  sv::ValueAndGradient out;
  out.value = value;
  if (value == 0.0) {
    // ⟨χ|ρ̂|χ⟩ = 0 exactly: the rescaling below is undefined; a measure-zero point whose
    // zero gradient only costs the minimizer one step.
    out.gradient.assign(layer.num_params(), 0.0);
    return out;
  }
  lambda->Scale(1.0 / std::sqrt(std::abs(value)));
  auto rescaled = sv::FidelityGradient(simulator, layer, params, *lambda, &initial);
  if (!rescaled.ok()) return rescaled.status();
  out.gradient = std::move(rescaled->gradient);
  if (value < 0.0) {
    for (double& g : out.gradient) g = -g;
  }
  return out;
}

absl::StatusOr<sv::StateVector> ShadowTarget::Apply(const sv::StateVector& chi) const {
  return ApplyToState(shadow_, chi);
}

}  // namespace qgrad::estimation
