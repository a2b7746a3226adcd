// Exact gradient-state estimation (see estimator.h).
//
// Thread-safety: immutable values; no shared mutable state.
#include "optimizer/estimator.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {

absl::Status ValidateStepSize(const StepSize& step) {
  if (!std::isfinite(step.value) || step.value <= 0.0) {
    return absl::InvalidArgumentError(
        absl::StrCat("step_size: must be finite and > 0, got ", step.value));
  }
  if (step.mode != StepSize::Mode::kAbsolute && step.mode != StepSize::Mode::kRelativeOneNorm) {
    return absl::InvalidArgumentError("step_size: unknown mode");
  }
  return absl::OkStatus();
}

double ResolveStep(const StepSize& step, const PauliSum& d) {
  if (step.mode == StepSize::Mode::kAbsolute) return step.value;
  const double norm =
      step.centered ? d.OneNorm() - std::abs(d.IdentityCoefficient()) : d.OneNorm();
  // D = 0 means every state is stationary; any η gives the same guided state.
  return norm > 0.0 ? step.value / norm : step.value;
}

double EstimationReport::PostSelectionRate() const {
  return guided_shots > 0 ? double(post_selected_shots) / double(guided_shots) : 0.0;
}

void EstimationReport::Accumulate(const EstimationReport& other) {
  circuits += other.circuits;
  shots += other.shots;
  guided_shots += other.guided_shots;
  post_selected_shots += other.post_selected_shots;
  confidence = other.confidence;
  cost = other.cost;
  guided_cost = other.guided_cost;
  indicator = other.indicator;
  visibility = other.visibility;
  visibility_interval = other.visibility_interval;
}

absl::StatusOr<GuidedState> MakeGuidedState(const sv::StateVector& psi, const PauliSum& d,
                                            double eta, bool centered) {
  auto dpsi = sv::StateVector::Create(psi.num_qubits());
  if (!dpsi.ok()) return dpsi.status();
  sv::ApplyPauliSum(d, psi, *dpsi);
  // r = Dψ − ⟨ψ|Dψ⟩ψ is the part of the step orthogonal to ψ; I_t = η²‖r‖² / ‖(I − ηD)ψ‖².
  const sv::Amplitude mean = sv::InnerProduct(psi, *dpsi);
  const sv::Amplitude* p = psi.data();
  sv::Amplitude* q = dpsi->data();
  double orthogonal = 0.0;
  for (size_t i = 0; i < psi.size(); ++i) orthogonal += std::norm(q[i] - mean * p[i]);
  const sv::Amplitude shift = centered ? mean : sv::Amplitude(0.0);
  for (size_t i = 0; i < psi.size(); ++i) q[i] = p[i] - eta * (q[i] - shift * p[i]);
  const double norm_squared = dpsi->NormSquared();
  if (!(norm_squared > 0.0)) {
    return absl::InvalidArgumentError(
        "step_size: (I − ηD)ψ vanishes; η equals 1/λ for an eigenvalue λ of D");
  }
  dpsi->Scale(1.0 / std::sqrt(norm_squared));
  return GuidedState{std::move(*dpsi), eta * eta * orthogonal / norm_squared};
}

absl::StatusOr<GradientStateEstimate> ExactGradientStateEstimator::Estimate(
    const Circuit& circuit, absl::Span<const double> params, const StepSize& step) {
  if (absl::Status s = ValidateStepSize(step); !s.ok()) return s;
  if (absl::Status s = cost_.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  auto psi = sv::StateVector::Create(circuit.num_qubits());
  if (!psi.ok()) return psi.status();
  if (absl::Status s = simulator_->Run(circuit, params, *psi); !s.ok()) return s;

  GradientStateEstimate estimate;
  estimate.cost = cost_.Value(*psi);
  estimate.gradient_operator = cost_.GradientOperator(*psi);
  estimate.eta = ResolveStep(step, estimate.gradient_operator);
  auto guided = MakeGuidedState(*psi, estimate.gradient_operator, estimate.eta, step.centered);
  if (!guided.ok()) return guided.status();
  estimate.indicator = guided->indicator;
  estimate.guided_cost = cost_.Value(guided->state);
  estimate.target = std::make_unique<PureStateTarget>(std::move(guided->state));
  estimate.report.cost = Interval::Exact(estimate.cost);
  estimate.report.guided_cost = Interval::Exact(estimate.guided_cost);
  estimate.report.indicator = Interval::Exact(estimate.indicator);
  return estimate;
}

}  // namespace qgrad::optimizer
