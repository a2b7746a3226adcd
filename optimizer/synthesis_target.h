// What a layer synthesis maximizes: a fidelity F(χ) = ⟨χ|ρ|χ⟩ with a target ρ — a pure
// guided state in exact mode, later an estimate (e.g. a classical shadow). The synthesis
// only needs F with its parameter gradient and the vector ρ|χ⟩ (for scoring pool gates).
//
// Thread-safety: PureStateTarget is immutable after construction; const methods may be
// called concurrently.
#ifndef QGRAD_OPTIMIZER_SYNTHESIS_TARGET_H_
#define QGRAD_OPTIMIZER_SYNTHESIS_TARGET_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/adjoint.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"

namespace qgrad::optimizer {

class SynthesisTarget {
 public:
  virtual ~SynthesisTarget() = default;
  virtual int num_qubits() const = 0;
  // F(θ) = ⟨χ|ρ|χ⟩ with χ = layer(θ)|initial⟩, and ∂F/∂θ.
  virtual absl::StatusOr<sv::ValueAndGradient> Fidelity(const sv::Simulator& simulator,
                                                        const Circuit& layer,
                                                        absl::Span<const double> params,
                                                        const sv::StateVector& initial) const = 0;
  // ρ|chi⟩ (so that F = ⟨χ|ρ|χ⟩ and ∂F/∂θ of an appended exp(−iθP/2) is Im⟨ρχ|P|χ⟩).
  // INVALID_ARGUMENT when chi is not on the target's qubits.
  virtual absl::StatusOr<sv::StateVector> Apply(const sv::StateVector& chi) const = 0;
};

// ρ = |φ⟩⟨φ| for a normalized state φ.
class PureStateTarget : public SynthesisTarget {
 public:
  explicit PureStateTarget(sv::StateVector phi) : phi_(std::move(phi)) {}
  const sv::StateVector& state() const { return phi_; }

  int num_qubits() const override { return phi_.num_qubits(); }
  absl::StatusOr<sv::ValueAndGradient> Fidelity(const sv::Simulator& simulator,
                                                const Circuit& layer,
                                                absl::Span<const double> params,
                                                const sv::StateVector& initial) const override;
  absl::StatusOr<sv::StateVector> Apply(const sv::StateVector& chi) const override;

 private:
  sv::StateVector phi_;
};

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_SYNTHESIS_TARGET_H_
