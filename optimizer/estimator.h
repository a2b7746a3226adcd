// Gradient-state estimation: everything one outer step of the nested optimizer needs from
// the current circuit — the cost f(ψ_t), the gradient operator D, the step η, the guided
// state |ψ_{t+1}⟩ = (I − ηD)|ψ_t⟩ / ‖·‖ and the indicator I_t = 1 − |⟨ψ_t|ψ_{t+1}⟩|².
//
// The interface is what the outer loop sees; ExactGradientStateEstimator computes all of it
// on a state vector. A shot-based estimator (shadows of the guided state) will implement the
// same interface and hand the synthesis a different SynthesisTarget.
//
// Thread-safety: an estimator is used by one thread at a time (Estimate is non-const).
// ExactGradientStateEstimator keeps no state between calls.
#ifndef QGRAD_OPTIMIZER_ESTIMATOR_H_
#define QGRAD_OPTIMIZER_ESTIMATOR_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "core/pauli.h"
#include "optimizer/cost.h"
#include "optimizer/synthesis_target.h"

namespace qgrad::optimizer {

// How η is chosen from D.
struct StepSize {
  enum class Mode {
    kAbsolute,       // η = value
    kRelativeOneNorm,  // η = value / ‖D‖₁ (‖D‖₁ = Σ|d_j| ≥ spectral norm, so value < 1
                       // keeps I − ηD positive definite)
  };
  Mode mode = Mode::kAbsolute;
  double value = 0.25;
  // Step along D − ⟨D⟩ instead of D: the guided state (I − η(D − ⟨D⟩))ψ moves ψ by η along
  // the state-space gradient whatever constant the cost carries. The paper's (I − ηD)ψ
  // equals ψ − η/(1 − η⟨D⟩)·(D − ⟨D⟩)ψ up to normalization, an effective step that can
  // never exceed 1/|⟨D⟩| (a molecule's core energy caps it near 0.13 Ha⁻¹). With
  // kRelativeOneNorm the 1-norm then leaves out D's identity coefficient.
  bool centered = false;
};
// INVALID_ARGUMENT ("step_size: ...") unless value is finite and > 0.
absl::Status ValidateStepSize(const StepSize& step);
// The absolute η for `d`. REQUIRES: ValidateStepSize(step).ok().
double ResolveStep(const StepSize& step, const PauliSum& d);

// A range [low, high] at the report's confidence; low = high = the value for exact numbers.
struct Interval {
  double low = 0.0;
  double high = 0.0;
  static Interval Exact(double value) { return Interval{value, value}; }
};

// What an estimate cost on a device and how sure it is. Exact estimates take no shots and
// have point intervals; the loop compares intervals (step control, convergence), so exact
// and measured estimates share one code path.
struct EstimationReport {
  int64_t circuits = 0;             // programs submitted
  int64_t shots = 0;                // shots taken (all programs)
  int64_t guided_shots = 0;         // shots of the gradient-state programs
  int64_t post_selected_shots = 0;  // of those, the ones whose ancillas read 0
  double confidence = 0.0;          // of the intervals; 0 for exact estimates
  Interval cost;                    // f(ψ_t)
  Interval guided_cost;             // f(ψ_{t+1})
  Interval indicator;               // I_t
  // The guided state's visibility v, when its estimates were rescaled for depolarizing
  // noise (ShadowEstimatorOptions::rescale_visibility): the value used, and its interval
  // from the purity's. 0 and [0, 0] when not rescaled.
  double visibility = 0.0;
  Interval visibility_interval;
  // post_selected_shots / guided_shots, 0 when no gradient-state program ran.
  double PostSelectionRate() const;
  // Adds `other`'s counts (circuits, shots); the intervals become other's.
  void Accumulate(const EstimationReport& other);
};

struct GradientStateEstimate {
  double cost = 0.0;          // f(ψ_t)
  PauliSum gradient_operator;  // D(ψ_t)
  double eta = 0.0;           // the absolute step used
  double indicator = 0.0;     // I_t
  double guided_cost = 0.0;   // f(ψ_{t+1}) (exact here; an estimate in shot modes)
  std::unique_ptr<SynthesisTarget> target;  // what the layer synthesis should reach
  EstimationReport report;
};

class GradientStateEstimator {
 public:
  virtual ~GradientStateEstimator() = default;
  // One estimate at (circuit, params) with the given step. INVALID_ARGUMENT for a bad step,
  // a qubit-count mismatch or short params. Non-const: sampling estimators advance their
  // seeded generators (and count shots) here.
  virtual absl::StatusOr<GradientStateEstimate> Estimate(const Circuit& circuit,
                                                         absl::Span<const double> params,
                                                         const StepSize& step) = 0;
  // Names the random stream of the estimates that follow: the nested loop calls it with the
  // outer iteration t before that iteration's estimates and with kFinalStream before the
  // final one, so that shot randomness derives from (seed, stream, call) and a resumed run
  // draws exactly what the uninterrupted run drew. Exact estimators ignore it.
  static constexpr uint64_t kFinalStream = uint64_t{1} << 40;
  // The fresh estimate of an earlier, better state that a measured run returns instead of
  // its last one (NestedResult::returned_iteration).
  static constexpr uint64_t kBestStream = kFinalStream + 1;
  virtual void BeginStream(uint64_t stream) {}
};

// The guided state of `psi` for operator d and absolute step eta ((I − ηD)ψ, or
// (I − η(D − ⟨D⟩))ψ when centered, normalized), with the indicator computed from the
// component orthogonal to ψ (no 1 − (1 − ε) cancellation).
struct GuidedState {
  sv::StateVector state;
  double indicator = 0.0;
};
absl::StatusOr<GuidedState> MakeGuidedState(const sv::StateVector& psi, const PauliSum& d,
                                            double eta, bool centered = false);

class ExactGradientStateEstimator : public GradientStateEstimator {
 public:
  // `simulator` must outlive this object.
  ExactGradientStateEstimator(const sv::Simulator* simulator, Cost cost)
      : simulator_(simulator), cost_(std::move(cost)) {}

  const Cost& cost() const { return cost_; }

  absl::StatusOr<GradientStateEstimate> Estimate(const Circuit& circuit,
                                                 absl::Span<const double> params,
                                                 const StepSize& step) override;

 private:
  const sv::Simulator* simulator_;
  Cost cost_;
};

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_ESTIMATOR_H_
