// Parameter-shift gradients and plain gradient descent: the barren-plateau baseline
// (θ ← θ − lr·∇f with a fixed learning rate and a fixed number of iterations; lr 0.5 and
// 20 iterations in the paper), using circuit evaluations only, as on hardware.
//
// The two-term rule ∂f/∂x = [f(x + π/2) − f(x − π/2)]/2 is exact for a gate exp(−ixG) whose
// generator G has eigenvalues ±1/2: RX, RY, RZ, Pauli rotations exp(−ixP/2), and the phase
// gate P(x) (= RZ(x) up to a global phase). A parameter used by several gates, or through
// an angle x = scale·θ + offset, is handled by the chain rule: every use is shifted on its
// own (2 circuit runs per use) and the terms are summed with their scales.
//
// Thread-safety: pure functions of their arguments; the callback runs on the caller's thread.
#ifndef QGRAD_OPTIMIZER_PARAMETER_SHIFT_H_
#define QGRAD_OPTIMIZER_PARAMETER_SHIFT_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "core/pauli.h"
#include "optimizer/baseline.h"
#include "optimizer/cost.h"
#include "optimizer/stop.h"

namespace qgrad::optimizer {

struct ShiftGradient {
  double value = 0.0;             // f(θ)
  std::vector<double> gradient;   // one entry per circuit parameter
  int64_t circuit_evaluations = 0;  // 1 + 2 × parameterized angle uses
};

// f(θ) = ⟨ψ(θ)|H|ψ(θ)⟩ and its parameter-shift gradient. INVALID_ARGUMENT ("circuit: ...")
// for a parameterized gate without a two-term rule, plus the usual qubit / params checks;
// CANCELLED when `should_stop` (polled before every circuit run) fired.
absl::StatusOr<ShiftGradient> ParameterShiftGradient(const sv::Simulator& simulator,
                                                     const PauliSum& observable,
                                                     const Circuit& circuit,
                                                     absl::Span<const double> params,
                                                     const StopCheck& should_stop = nullptr);

struct ParameterShiftOptions {
  double learning_rate = 0.5;
  int iterations = 20;
  double max_seconds = 0.0;  // <= 0: unlimited
  // Polled before every iteration and circuit run; fires → CANCELLED.
  StopCheck should_stop = nullptr;
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateParameterShiftOptions(const ParameterShiftOptions& options);

// Fixed-step descent from `params`; one event per iteration (cost and gradient at the point
// before its step), each followed by a checkpoint (baseline.h). The cost must be an
// observable (the shift rule is linear in ⟨H⟩); `cost_evaluations` counts circuit runs.
absl::StatusOr<BaselineResult> RunParameterShiftDescent(
    const sv::Simulator& simulator, const Cost& cost, Circuit circuit, std::vector<double> params,
    const ParameterShiftOptions& options, const BaselineCallback& callback = nullptr,
    const BaselineCheckpointCallback& on_checkpoint = nullptr);

// Continues a descent from one of its checkpoints with the same options; the result equals
// the uninterrupted run's except for elapsed times.
absl::StatusOr<BaselineResult> ResumeParameterShiftDescent(
    const sv::Simulator& simulator, const Cost& cost, BaselineResult checkpoint,
    const ParameterShiftOptions& options, const BaselineCallback& callback = nullptr,
    const BaselineCheckpointCallback& on_checkpoint = nullptr);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_PARAMETER_SHIFT_H_
