// The layer synthesis's target in shadows mode: F(χ) = ⟨χ|ρ̂|χ⟩ with ρ̂ the classical
// shadow of the guided state (DESIGN.md §3). ρ̂ is Hermitian but not positive, so F may
// leave [0, 1] by the shadow's noise; the synthesis only needs its value and gradient.
//
// Gradient: with λ = ρ̂χ at θ, ∂F/∂θ = 2 Re⟨λ|∂χ⟩. That is the gradient of |⟨t|χ(θ)⟩|² at θ
// for t = λ/√|F| times sign(F), so the simulator's adjoint fidelity gradient computes it
// with one application of ρ̂ per evaluation.
//
// Thread-safety: immutable after construction; const methods may be called concurrently.
#ifndef QGRAD_ESTIMATION_SHADOW_TARGET_H_
#define QGRAD_ESTIMATION_SHADOW_TARGET_H_

#include "optimizer/synthesis_target.h"
#include "shadows/shadow.h"

namespace qgrad::estimation {

class ShadowTarget : public optimizer::SynthesisTarget {
 public:
  // REQUIRES: a non-empty shadow.
  explicit ShadowTarget(shadows::Shadow shadow) : shadow_(std::move(shadow)) {}
  const shadows::Shadow& shadow() const { return shadow_; }

  int num_qubits() const override { return shadow_.num_qubits; }
  absl::StatusOr<sv::ValueAndGradient> Fidelity(const sv::Simulator& simulator,
                                                const Circuit& layer,
                                                absl::Span<const double> params,
                                                const sv::StateVector& initial) const override;
  absl::StatusOr<sv::StateVector> Apply(const sv::StateVector& chi) const override;

 private:
  shadows::Shadow shadow_;
};

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_SHADOW_TARGET_H_
