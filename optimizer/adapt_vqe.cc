// ADAPT-VQE baseline (see adapt_vqe.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/adapt_vqe.h"

#include <bit>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "optimizer/cost_minimizer.h"

namespace qgrad::optimizer {
namespace {

struct Pick {
  int index = -1;
  double gradient = 0.0;  // |∂f/∂θ| at 0
  double norm = 0.0;      // over the whole pool
};

Pick BestCandidate(const std::vector<double>& gradients) {
  Pick best;
  double norm2 = 0.0;
  for (size_t i = 0; i < gradients.size(); ++i) {
    norm2 += gradients[i] * gradients[i];
    if (std::abs(gradients[i]) > best.gradient) {
      best.index = int(i);
      best.gradient = std::abs(gradients[i]);
    }
  }
  best.norm = std::sqrt(norm2);
  return best;
}

class AdaptLoop {
 public:
  AdaptLoop(const sv::Simulator& simulator, const Cost& cost, const AdaptOptions& options,
            const BaselineCallback& callback, const BaselineCheckpointCallback& on_checkpoint)
      : simulator_(simulator), cost_(cost), options_(options), callback_(callback),
        on_checkpoint_(on_checkpoint) {}

  absl::StatusOr<BaselineResult> Start(Circuit reference, std::vector<double> params);
  absl::StatusOr<BaselineResult> Resume(BaselineResult checkpoint);

 private:
  // The iterations from result_.history.size() on.
  absl::StatusOr<BaselineResult> Continue();
  // Why the run stops before iteration result_.history.size(), if it does.
  std::optional<BaselineStop> StopBeforeNext() const;
  // Appends the best operator and re-optimizes; false when converged.
  absl::StatusOr<bool> Step(int iteration, const std::vector<PauliString>& pool);

  const sv::Simulator& simulator_;
  const Cost& cost_;
  const AdaptOptions& options_;
  const BaselineCallback& callback_;
  const BaselineCheckpointCallback& on_checkpoint_;
  Stopwatch clock_;
  BaselineResult result_;
};

absl::StatusOr<bool> AdaptLoop::Step(int iteration, const std::vector<PauliString>& pool) {
  auto psi = simulator_.Prepare(result_.circuit, result_.params);
  if (!psi.ok()) return psi.status();
  sv::StateVector d_psi = psi->Copy();
  sv::ApplyPauliSum(cost_.GradientOperator(*psi), *psi, d_psi);
  auto gradients = PoolGradients(*psi, d_psi, pool, options_.minimizer.should_stop);
  if (!gradients.ok()) return gradients.status();
  const Pick pick = BestCandidate(*gradients);
  const double measure =
      options_.criterion == AdaptOptions::Criterion::kNorm ? pick.norm : pick.gradient;
  if (pick.index < 0 || measure < options_.gradient_threshold) return false;

  const PauliString& p = pool[pick.index];
  if (absl::Status s = result_.circuit.AddPauliRotation(
          p, Angle::Param(int(result_.params.size())));
      !s.ok()) {
    return s;
  }
  result_.params.push_back(0.0);
  auto best = MinimizeCost(simulator_, cost_, result_.circuit, result_.params, options_.minimizer);
  if (!best.ok()) return best.status();
  result_.params = std::move(best->x);
  result_.final_cost = best->value;
  result_.cost_evaluations += best->evaluations;
  BaselineEvent event;
  event.iteration = iteration;
  event.cost = best->value;
  event.gradient_norm = pick.gradient;
  event.added_operator = p.ToString();
  EmitEvent(std::move(event), clock_, callback_, result_);
  return true;
}

absl::StatusOr<BaselineResult> AdaptLoop::Start(Circuit reference, std::vector<double> params) {
  if (absl::Status s = ValidateBaselineStart(cost_, reference, params); !s.ok()) return s;
  if (absl::Status s = ValidateAdaptOptions(options_, reference.num_qubits()); !s.ok()) return s;
  result_.circuit = std::move(reference);
  result_.params = std::move(params);
  auto psi = simulator_.Prepare(result_.circuit, result_.params);
  if (!psi.ok()) return psi.status();
  result_.start_cost = result_.final_cost = cost_.Value(*psi);
  return Continue();
}

absl::StatusOr<BaselineResult> AdaptLoop::Resume(BaselineResult checkpoint) {
  if (absl::Status s = ValidateBaselineStart(cost_, checkpoint.circuit, checkpoint.params);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateAdaptOptions(options_, checkpoint.circuit.num_qubits()); !s.ok()) {
    return s;
  }
  result_ = std::move(checkpoint);
  CountCircuit(result_);
  return Continue();
}

std::optional<BaselineStop> AdaptLoop::StopBeforeNext() const {
  if (result_.history.empty()) return std::nullopt;
  if ((options_.max_two_qubit_gates >= 0 &&
       result_.two_qubit_gates > options_.max_two_qubit_gates) ||
      (options_.max_cnot_count >= 0 && result_.cnot_count > options_.max_cnot_count)) {
    return BaselineStop::kTwoQubitBudget;
  }
  if (options_.max_seconds > 0 && clock_.Seconds() > options_.max_seconds) {
    return BaselineStop::kWallClock;
  }
  return std::nullopt;
}

absl::StatusOr<BaselineResult> AdaptLoop::Continue() {
  std::vector<PauliString> pool =
      MakePool(options_.pool, result_.circuit.num_qubits(), options_.coupling);
  if (options_.qubit_excitations) {
    for (const PauliString& p : QubitExcitationStrings(result_.circuit.num_qubits())) {
      pool.push_back(p);
    }
  }
  result_.stop_reason = BaselineStop::kMaxIterations;
  for (int t = int(result_.history.size());; ++t) {
    if (std::optional<BaselineStop> stop = StopBeforeNext()) {
      result_.stop_reason = *stop;
      break;
    }
    if (t >= options_.max_iterations) break;
    if (StopRequested(options_.minimizer.should_stop)) return StoppedError();
    auto added = Step(t, pool);
    if (!added.ok()) return added.status();
    if (!*added) {
      result_.stop_reason = BaselineStop::kConverged;
      break;
    }
    if (on_checkpoint_) on_checkpoint_(result_);
  }
  CountCircuit(result_);
  return std::move(result_);
}

}  // namespace

absl::Status ValidateAdaptOptions(const AdaptOptions& options, int num_qubits) {
  if (absl::Status s = ValidateCoupling(options.coupling, num_qubits,
                                        options.pool == PoolKind::kCouplingGraph);
      !s.ok()) {
    return s;
  }
  if (!(options.gradient_threshold >= 0) || !std::isfinite(options.gradient_threshold)) {
    return absl::InvalidArgumentError("gradient_threshold: must be finite and >= 0");
  }
  if (options.max_iterations < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: ", options.max_iterations, " (need >= 0)"));
  }
  if (!std::isfinite(options.max_seconds)) {
    return absl::InvalidArgumentError("max_seconds: must be finite");
  }
  return ValidateLocalMinimizerOptions(options.minimizer, "minimizer");
}

absl::StatusOr<std::vector<double>> PoolGradients(const sv::StateVector& psi,
                                                  const sv::StateVector& d_psi,
                                                  absl::Span<const PauliString> pool,
                                                  const StopCheck& should_stop) {
  std::vector<double> gradients;
  gradients.reserve(pool.size());
  for (const PauliString& p : pool) {
    if (StopRequested(should_stop)) return StoppedError();
    gradients.push_back(PauliMatrixElement(d_psi, p, psi).imag());
  }
  return gradients;
}

absl::StatusOr<BaselineResult> RunAdaptVqe(const sv::Simulator& simulator, const Cost& cost,
                                           Circuit reference, std::vector<double> params,
                                           const AdaptOptions& options,
                                           const BaselineCallback& callback,
                                           const BaselineCheckpointCallback& on_checkpoint) {
  AdaptLoop loop(simulator, cost, options, callback, on_checkpoint);
  return loop.Start(std::move(reference), std::move(params));
}

absl::StatusOr<BaselineResult> ResumeAdaptVqe(const sv::Simulator& simulator, const Cost& cost,
                                              BaselineResult checkpoint,
                                              const AdaptOptions& options,
                                              const BaselineCallback& callback,
                                              const BaselineCheckpointCallback& on_checkpoint) {
  AdaptLoop loop(simulator, cost, options, callback, on_checkpoint);
  return loop.Resume(std::move(checkpoint));
}

}  // namespace qgrad::optimizer
