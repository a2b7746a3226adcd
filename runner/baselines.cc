// Baseline methods; see baselines.h.
//
// Thread-safety: free functions only.
#include "runner/baselines.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "optimizer/adapt_vqe.h"
#include "optimizer/baseline.h"
#include "optimizer/hea_vqe.h"
#include "optimizer/parameter_shift.h"
#include "runner/checkpoint.h"
#include "runner/limits.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

using optimizer::BaselineResult;

RunSummary Summarize(const std::string& method, const BaselineResult& run) {
  RunSummary s{method, run.start_cost, run.start_cost, run.final_cost, 0.0, run.circuit,
               run.params, {}, {}, std::string(optimizer::BaselineStopName(run.stop_reason)),
               std::nullopt, std::nullopt, std::nullopt};
  for (const optimizer::BaselineEvent& e : run.history) s.history.push_back(ToProto(e));
  s.counts.set_two_qubit_gates(run.two_qubit_gates);
  s.counts.set_cost_evaluations(run.cost_evaluations);
  return s;
}

optimizer::Coupling ToCoupling(const google::protobuf::RepeatedPtrField<v1::CouplingEdge>& edges) {
  optimizer::Coupling c;
  for (const v1::CouplingEdge& e : edges) c.emplace_back(e.a(), e.b());
  return c;
}

// Upper bounds of the knobs (job.proto).
constexpr int kMaxAdaptIterations = 10'000;
constexpr double kMaxLearningRate = 1e3;

// The ansatz's gates, (layers + 1)·2n rotations and layers·edges entanglers, within the
// start-gate budget (64-bit: no layer count wraps it).
absl::Status CheckHeaSize(const v1::HeaVqeMethod& m, const optimizer::HeaOptions& o, int n,
                          const JobLimits& limits) {
  const std::string path = "method.hea_vqe";
  if (absl::Status s = CheckRange(path + ".layers", o.layers, 0, INT32_MAX); !s.ok()) return s;
  if (absl::Status s = CheckCouplingCount(path + ".coupling", m.coupling_size(), n); !s.ok()) {
    return s;
  }
  const int64_t edges = m.coupling_size() > 0 ? m.coupling_size() : std::max(n - 1, 0);
  const int64_t gates = (int64_t{o.layers} + 1) * 2 * n + int64_t{o.layers} * edges;
  return CheckCount(path + ".layers", gates, "ansatz gates", limits.max_start_gates,
                    "max_start_gates");
}

absl::StatusOr<optimizer::HeaOptions> HeaOptions(const v1::HeaVqeMethod& m, uint64_t seed,
                                                 int n, const JobLimits& limits) {
  optimizer::HeaOptions o;
  if (m.layers() != 0) o.layers = m.layers();
  if (absl::Status s = CheckHeaSize(m, o, n, limits); !s.ok()) return s;
  if (absl::Status s = CheckRangeIfSet(m.has_max_evaluations(), "method.hea_vqe.max_evaluations",
                                       m.max_evaluations(), 1,
                                       optimizer::kMaxMinimizerEvaluations);
      !s.ok()) {
    return s;
  }
  if (m.entangler() == "cx") {
    o.entangler = optimizer::HeaOptions::Entangler::kCx;
  } else if (!m.entangler().empty() && m.entangler() != "cz") {
    return FieldError("method.hea_vqe.entangler", "must be cz or cx");
  }
  o.coupling = ToCoupling(m.coupling());
  o.random_init = !m.zero_init();
  o.seed = seed;
  if (m.optimizer() == "cobyla") {
    o.minimizer.algorithm = optimizer::LocalMinimizerOptions::Algorithm::kCobyla;
  } else if (!m.optimizer().empty() && m.optimizer() != "lbfgs") {
    return FieldError("method.hea_vqe.optimizer", "must be lbfgs or cobyla");
  }
  if (m.has_max_evaluations()) o.minimizer.max_evaluations = m.max_evaluations();
  if (absl::Status s = optimizer::ValidateHeaOptions(o, n); !s.ok()) {
    return WithParent(s, "method.hea_vqe");
  }
  return o;
}

absl::Status CheckAdaptBounds(const v1::AdaptVqeMethod& m, int n) {
  const std::string path = "method.adapt_vqe.";
  for (absl::Status s :
       {CheckCouplingCount(path + "coupling", m.coupling_size(), n),
        CheckRealRangeIfSet(m.has_gradient_threshold(), path + "gradient_threshold",
                            m.gradient_threshold(), 0, kMaxCoefficient),
        CheckRangeIfSet(m.has_max_iterations(), path + "max_iterations", m.max_iterations(), 0,
                        kMaxAdaptIterations),
        CheckRangeIfSet(m.has_max_two_qubit_gates(), path + "max_two_qubit_gates",
                        m.max_two_qubit_gates(), 0, INT32_MAX),
        CheckRangeIfSet(m.has_max_cnot_count(), path + "max_cnot_count", m.max_cnot_count(), 0,
                        INT32_MAX)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<optimizer::AdaptOptions> AdaptOptions(const v1::AdaptVqeMethod& m,
                                                     const v1::Limits& limits, int n) {
  if (absl::Status s = CheckAdaptBounds(m, n); !s.ok()) return s;
  optimizer::AdaptOptions o;
  if (!m.pool().empty()) {
    absl::StatusOr<optimizer::PoolKind> pool = optimizer::ParsePoolKind(m.pool());
    if (!pool.ok()) return WithParent(pool.status(), "method.adapt_vqe");
    o.pool = *pool;
  }
  o.coupling = ToCoupling(m.coupling());
  o.qubit_excitations = m.qubit_excitations();
  if (m.has_gradient_threshold()) o.gradient_threshold = m.gradient_threshold();
  if (m.has_max_iterations()) o.max_iterations = m.max_iterations();
  if (m.has_max_two_qubit_gates()) o.max_two_qubit_gates = m.max_two_qubit_gates();
  if (m.has_max_cnot_count()) o.max_cnot_count = m.max_cnot_count();
  o.max_seconds = limits.max_wall_seconds();
  if (absl::Status s = optimizer::ValidateAdaptOptions(o, n); !s.ok()) {
    return WithParent(s, "method.adapt_vqe");
  }
  return o;
}

absl::StatusOr<optimizer::ParameterShiftOptions> ShiftOptions(const v1::ParameterShiftMethod& m,
                                                              const v1::Limits& limits) {
  const std::string path = "method.parameter_shift.";
  if (m.has_learning_rate()) {
    absl::Status s = CheckPositive(path + "learning_rate", m.learning_rate(), kMaxLearningRate);
    if (!s.ok()) return s;
  }
  if (absl::Status s = CheckRangeIfSet(m.has_iterations(), path + "iterations", m.iterations(), 0,
                                       kMaxIterations);
      !s.ok()) {
    return s;
  }
  optimizer::ParameterShiftOptions o;
  if (m.has_learning_rate()) o.learning_rate = m.learning_rate();
  if (m.has_iterations()) o.iterations = m.iterations();
  o.max_seconds = limits.max_wall_seconds();
  if (absl::Status s = optimizer::ValidateParameterShiftOptions(o); !s.ok()) {
    return WithParent(s, "method.parameter_shift");
  }
  return o;
}

// A baseline's options, checked against the problem and start.
struct BaselinePlan {
  std::string name;
  optimizer::HeaOptions hea;
  optimizer::AdaptOptions adapt;
  optimizer::ParameterShiftOptions shift;
};

absl::StatusOr<BaselinePlan> PlanBaseline(const v1::JobSpec& spec, const BuiltProblem& problem,
                                          const StartCircuit& start, const JobLimits& limits) {
  const v1::Method& method = spec.method();
  const int n = problem.num_qubits;
  BaselinePlan plan;
  if (method.has_hea_vqe()) {
    plan.name = "hea_vqe";
    if (start.circuit.num_params() > 0) {
      return FieldError("initial_state", "hea_vqe builds its own ansatz; give a preparation only");
    }
    absl::StatusOr<optimizer::HeaOptions> o =
        HeaOptions(method.hea_vqe(), spec.seed(), n, limits);
    if (!o.ok()) return o.status();
    plan.hea = *std::move(o);
  } else if (method.has_adapt_vqe()) {
    plan.name = "adapt_vqe";
    absl::StatusOr<optimizer::AdaptOptions> o = AdaptOptions(method.adapt_vqe(), spec.limits(), n);
    if (!o.ok()) return o.status();
    plan.adapt = *std::move(o);
  } else {
    plan.name = "parameter_shift";
    absl::StatusOr<optimizer::ParameterShiftOptions> o =
        ShiftOptions(method.parameter_shift(), spec.limits());
    if (!o.ok()) return o.status();
    plan.shift = *std::move(o);
    if (problem.cost.observable() == nullptr) {
      return FieldError("method.parameter_shift", "needs an observable (degree-1) cost");
    }
  }
  if (absl::Status s = optimizer::ValidateBaselineStart(problem.cost, start.circuit, start.params);
      !s.ok()) {
    return WithPath(s, absl::StrCat("method.", plan.name));
  }
  return plan;
}

}  // namespace

absl::StatusOr<std::string> ValidateBaseline(const v1::JobSpec& spec,
                                             const BuiltProblem& problem,
                                             const StartCircuit& start, const JobLimits& limits) {
  absl::StatusOr<BaselinePlan> plan = PlanBaseline(spec, problem, start, limits);
  if (!plan.ok()) return plan.status();
  return plan->name;
}

bool BaselineResumable(const std::string& method) { return method != "hea_vqe"; }

absl::StatusOr<RunSummary> RunBaseline(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                       const BuiltProblem& problem, StartCircuit start,
                                       const RunOptions& options) {
  absl::StatusOr<BaselinePlan> plan =
      PlanBaseline(spec, problem, start, ResolveLimits(spec.limits(), options.limits));
  if (!plan.ok()) return plan.status();
  const std::string& method = plan->name;
  optimizer::BaselineCallback on_event = nullptr;
  if (options.on_iteration) {
    on_event = [&](const optimizer::BaselineEvent& e) { options.on_iteration(ToProto(e)); };
  }
  optimizer::BaselineCheckpointCallback on_checkpoint = nullptr;
  if (options.on_checkpoint && BaselineResumable(method)) {
    on_checkpoint = [&](const BaselineResult& run) {
      options.on_checkpoint(EncodeBaselineCheckpoint(run, method, spec.seed()));
    };
  }
  std::optional<BaselineResult> saved;
  if (!options.resume_checkpoint.empty()) {
    if (!BaselineResumable(method)) {
      return absl::InvalidArgumentError(absl::StrCat("checkpoint: ", method, " is not resumable"));
    }
    absl::StatusOr<BaselineResult> decoded =
        DecodeBaselineCheckpoint(options.resume_checkpoint, method, spec.seed());
    if (!decoded.ok()) return decoded.status();
    saved = *std::move(decoded);
  }
  absl::StatusOr<BaselineResult> run;
  if (method == "hea_vqe") {
    plan->hea.minimizer.should_stop = options.should_stop;
    run = optimizer::RunHardwareEfficientVqe(simulator, problem.cost, std::move(start.circuit),
                                             plan->hea, on_event);
  } else if (method == "adapt_vqe") {
    plan->adapt.minimizer.should_stop = options.should_stop;
    run = saved ? optimizer::ResumeAdaptVqe(simulator, problem.cost, *std::move(saved),
                                            plan->adapt, on_event, on_checkpoint)
                : optimizer::RunAdaptVqe(simulator, problem.cost, std::move(start.circuit),
                                         std::move(start.params), plan->adapt, on_event,
                                         on_checkpoint);
  } else {
    plan->shift.should_stop = options.should_stop;
    run = saved ? optimizer::ResumeParameterShiftDescent(simulator, problem.cost,
                                                         *std::move(saved), plan->shift,
                                                         on_event, on_checkpoint)
                : optimizer::RunParameterShiftDescent(simulator, problem.cost,
                                                      std::move(start.circuit),
                                                      std::move(start.params), plan->shift,
                                                      on_event, on_checkpoint);
  }
  if (!run.ok()) return WithPath(run.status(), absl::StrCat("method.", method));
  return Summarize(method, *run);
}

}  // namespace qgrad::runner
