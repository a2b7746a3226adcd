// The shot-based gradient-state estimator (estimation mode `shadows`): everything one outer
// step needs, from measurement data only, through a backends::Backend that receives
// OpenQASM 3 text as a device would.
//
// One Estimate(circuit, θ, step):
//  1. The Pauli strings of the cost measured on ψ_t: the current circuit with derandomized
//     Pauli settings for those strings (Huang, Kueng & Preskill 2021; for Max-Cut every
//     setting measures all qubits in Z), half of the shots, estimated by the matched
//     estimator. It gives f(ψ_t), ⟨D⟩ for the centered step and, for polynomial costs, the
//     expectations D's coefficients are made of (so D itself is an estimate there).
//  2. A shadow of the guided state: the gradient-state circuit (gradient_state_circuit.h)
//     with the same kind of suffixes, the other half of the shots, post-selected on the
//     ancillas reading 0. It gives the indicator I_t = 1 − ⟨ψ_t|ρ̂|ψ_t⟩ (ψ_t is the
//     current circuit's state, known classically), f(ψ_{t+1}) and the synthesis target
//     ⟨χ|ρ̂|χ⟩ (shadow_target.h).
// A second call in the same stream at the same circuit and parameters (step-size shrinking)
// reuses step 1's shadow and measures only the new guided state.
//
// Randomness: settings and the backend's shot seeds derive from (seed, stream, call
// number, part) — never from the clock — so a run resumed at an iteration draws exactly
// what the uninterrupted run drew there.
//
// Readout mitigation: the calibration runs at the first estimate of the object's life.
// Its shots are reported in stream 0 only, so that a run resumed at a later iteration
// (which calibrates again) reports what the uninterrupted run reported.
//
// Intervals: the cost's is Σ|c_j| times each term's half-width (conservative: terms
// measured by the same settings are correlated); the guided cost's is the shadow's
// median-of-means interval; the
// indicator's interval is 1 − the fidelity's. The indicator itself is 1 − ⟨ψ_t|ρ̂|ψ_t⟩ with
// ρ̂'s plain mean, the value the synthesis starts from (so its fidelity rule F_th > F₀
// holds exactly). Polynomial costs are products of estimates: their cost intervals are the
// point values.
//
// Thread-safety: one thread at a time (Estimate and BeginStream mutate).
#ifndef QGRAD_ESTIMATION_SHADOW_ESTIMATOR_H_
#define QGRAD_ESTIMATION_SHADOW_ESTIMATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/statevector/statevector.h"
#include "estimation/shadow_measurement.h"
#include "optimizer/cost.h"
#include "optimizer/estimator.h"
#include "shadows/shadow.h"

namespace qgrad::estimation {

struct ShadowEstimatorOptions {
  shadows::Ensemble ensemble = shadows::Ensemble::kPauli;
  int64_t shots_per_estimate = 10'000;  // split evenly between the two shadows
  int64_t shots_per_setting = 100;      // one program per setting
  shadows::EstimatorOptions estimator;  // groups, confidence
  uint64_t seed = 0;
  // Readout-error mitigation: before the first estimate, calibration programs of
  // `calibration_shots` shots each (readout_calibration.h); both shadows then carry the
  // per-qubit errors and every estimate is mitigated.
  bool mitigate_readout = false;
  int64_t calibration_shots = 10'000;
  // Depolarizing-noise rescaling of the guided-state shadow: its visibility v is estimated
  // from the shadow's purity (shadows::EstimatePurity, model ρ = v σ + (1 − v) I/2^n) and
  // every guided estimate — indicator, guided cost, the synthesis target — reads σ.
  bool rescale_visibility = false;
  // Names the job for device backends: each batch's idempotency key is this plus the
  // batch's seed, so a job resumed after a crash resubmits under the same keys (and a
  // device returns the jobs it already has). Empty: the backend picks fresh keys.
  std::string job_key;
  // Polled while the backend runs; when it fires, the batch is cancelled and Estimate
  // returns CANCELLED.
  std::function<bool()> should_stop = nullptr;
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateShadowEstimatorOptions(const ShadowEstimatorOptions& options);

// The Pauli strings the cost needs from ψ_t: H's terms, or the factors of a polynomial's A,
// weighted by |coefficient|.
PauliSum CostStrings(const optimizer::Cost& cost);

class ShadowGradientStateEstimator : public optimizer::GradientStateEstimator {
 public:
  // `backend` and `simulator` (classical states for the indicator) must outlive this.
  // REQUIRES: ValidateShadowEstimatorOptions(options).ok().
  ShadowGradientStateEstimator(backends::Backend* backend, const sv::Simulator* simulator,
                               optimizer::Cost cost, ShadowEstimatorOptions options)
      : backend_(backend), simulator_(simulator), cost_(std::move(cost)),
        cost_strings_(CostStrings(cost_)), options_(std::move(options)) {}

  void BeginStream(uint64_t stream) override;
  absl::StatusOr<optimizer::GradientStateEstimate> Estimate(
      const Circuit& circuit, absl::Span<const double> params,
      const optimizer::StepSize& step) override;

 private:
  struct StateShadow {
    Circuit circuit;
    std::vector<double> params;
    shadows::Shadow shadow;
  };
  // The shadow of ψ_t for this stream, measured unless the last call had the same circuit.
  absl::StatusOr<const shadows::Shadow*> StateShadowFor(const Circuit& circuit,
                                                        absl::Span<const double> params,
                                                        uint64_t call_seed,
                                                        optimizer::EstimationReport& report);

  ShadowRequest Request(uint64_t settings_seed, uint64_t shots_seed) const;
  // Measures the readout errors once, when mitigation is on.
  absl::Status CalibrateOnce(int num_qubits, optimizer::EstimationReport& report);
  std::string BatchKey(uint64_t batch_seed) const;
  // Sets the guided shadow's visibility from its purity (rescale_visibility) and reports it.
  absl::Status RescaleVisibility(shadows::Shadow& guided, optimizer::EstimationReport& report) const;

  backends::Backend* backend_;
  const sv::Simulator* simulator_;
  optimizer::Cost cost_;
  PauliSum cost_strings_;  // what the ψ_t shadow measures (derandomized settings)
  ShadowEstimatorOptions options_;
  std::vector<shadows::Setting> state_settings_;  // made at the first estimate
  uint64_t stream_ = 0;
  uint64_t calls_ = 0;
  std::optional<StateShadow> state_;
  std::optional<std::vector<shadows::ReadoutError>> readout_;  // once calibrated
};

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_SHADOW_ESTIMATOR_H_
