// Job runner; see runner.h.
//
// Thread-safety: no shared state.
#include "runner/runner.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/statevector/statevector.h"
#include "optimizer/nested.h"
#include "runner/baselines.h"
#include "runner/nested_options.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/start.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

absl::Status CheckLimits(const v1::Limits& limits, int num_qubits) {
  if (limits.max_qubits() < 0) return FieldError("limits.max_qubits", "must be >= 0");
  if (!(limits.max_wall_seconds() >= 0)) {
    return FieldError("limits.max_wall_seconds", "must be >= 0");
  }
  const int max_qubits = limits.max_qubits() > 0 ? limits.max_qubits() : kDefaultMaxQubits;
  if (num_qubits > max_qubits) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "problem: ", num_qubits, " qubits exceed limits.max_qubits = ", max_qubits));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunSummary> RunNestedJob(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                        const BuiltProblem& problem, StartCircuit start,
                                        const RunOptions& options) {
  absl::StatusOr<optimizer::NestedOptions> nested =
      ToNestedOptions(spec.method().nested(), spec.limits(), problem.num_qubits);
  if (!nested.ok()) return nested.status();
  optimizer::NestedCallbacks callbacks;
  if (options.on_iteration) {
    callbacks.on_iteration = [&](const optimizer::IterationEvent& e) {
      options.on_iteration(ToProto(e));
    };
  }
  absl::StatusOr<optimizer::NestedResult> run =
      optimizer::RunNested(simulator, problem.cost, std::move(start.circuit),
                           std::move(start.params), *nested, callbacks);
  if (!run.ok()) return WithPath(run.status(), "method.nested");
  return SummarizeNested(*run);
}

}  // namespace

absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options) {
  const auto begin = std::chrono::steady_clock::now();
  absl::StatusOr<BuiltProblem> problem = BuildProblem(spec.problem(), options.base_dir);
  if (!problem.ok()) return problem.status();
  if (absl::Status s = CheckLimits(spec.limits(), problem->num_qubits); !s.ok()) return s;
  absl::StatusOr<StartCircuit> start = BuildStart(spec.initial_state(), *problem, spec.seed());
  if (!start.ok()) return start.status();
  const sv::Simulator simulator;
  const v1::Method::KindCase kind = spec.method().kind_case();
  absl::StatusOr<RunSummary> run =
      kind == v1::Method::kNested || kind == v1::Method::KIND_NOT_SET
          ? RunNestedJob(simulator, spec, *problem, *std::move(start), options)
          : RunBaseline(simulator, spec, *problem, *std::move(start), options.on_iteration);
  if (!run.ok()) return run.status();
  absl::StatusOr<v1::JobResult> result = MakeResult(simulator, *problem, spec, *run);
  if (result.ok()) {
    result->set_wall_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  }
  return result;
}

}  // namespace qgrad::runner
