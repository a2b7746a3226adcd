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
#include "runner/checkpoint.h"
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

bool IsNested(const v1::JobSpec& spec) {
  const v1::Method::KindCase kind = spec.method().kind_case();
  return kind == v1::Method::kNested || kind == v1::Method::KIND_NOT_SET;
}

// Shots the result's Max-Cut report draws (job.proto: default 1024, 0 disables).
int64_t MaxCutShots(const v1::Problem& problem) {
  if (!problem.has_maxcut()) return 0;
  return problem.maxcut().has_shots() ? problem.maxcut().shots() : 1024;
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
  if (options.on_checkpoint) {
    callbacks.on_checkpoint = [&](const optimizer::NestedResult& run) {
      options.on_checkpoint(EncodeNestedCheckpoint(run, spec.seed()));
    };
  }
  callbacks.should_stop = options.should_stop;
  absl::StatusOr<optimizer::NestedResult> run;
  if (options.resume_checkpoint.empty()) {
    run = optimizer::RunNested(simulator, problem.cost, std::move(start.circuit),
                               std::move(start.params), *nested, callbacks);
  } else {
    absl::StatusOr<optimizer::NestedResult> saved =
        DecodeNestedCheckpoint(options.resume_checkpoint, spec.seed());
    if (!saved.ok()) return saved.status();
    run = optimizer::ResumeNested(simulator, problem.cost, *std::move(saved), *nested, callbacks);
  }
  if (!run.ok()) return WithPath(run.status(), "method.nested");
  return SummarizeNested(*run);
}

}  // namespace

absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options) {
  const auto begin = std::chrono::steady_clock::now();
  absl::StatusOr<BuiltProblem> problem =
      BuildProblem(spec.problem(), options.base_dir, /*with_exact_reference=*/true,
                   options.should_stop);
  if (!problem.ok()) return problem.status();
  if (absl::Status s = CheckLimits(spec.limits(), problem->num_qubits); !s.ok()) return s;
  absl::StatusOr<StartCircuit> start = BuildStart(spec.initial_state(), *problem, spec.seed());
  if (!start.ok()) return start.status();
  const sv::Simulator simulator;
  absl::StatusOr<RunSummary> run =
      IsNested(spec)
          ? RunNestedJob(simulator, spec, *problem, *std::move(start), options)
          : RunBaseline(simulator, spec, *problem, *std::move(start), options);
  if (!run.ok()) return run.status();
  absl::StatusOr<v1::JobResult> result = MakeResult(simulator, *problem, spec, *run);
  if (result.ok()) {
    result->set_wall_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  }
  return result;
}

absl::StatusOr<JobShape> ValidateJob(const v1::JobSpec& spec, const std::string& base_dir) {
  absl::StatusOr<BuiltProblem> problem =
      BuildProblem(spec.problem(), base_dir, /*with_exact_reference=*/false);
  if (!problem.ok()) return problem.status();
  if (absl::Status s = CheckLimits(spec.limits(), problem->num_qubits); !s.ok()) return s;
  absl::StatusOr<StartCircuit> start = BuildStart(spec.initial_state(), *problem, spec.seed());
  if (!start.ok()) return start.status();
  JobShape shape;
  shape.num_qubits = problem->num_qubits;
  shape.shots = MaxCutShots(spec.problem());
  if (IsNested(spec)) {
    absl::StatusOr<optimizer::NestedOptions> nested =
        ToNestedOptions(spec.method().nested(), spec.limits(), problem->num_qubits);
    if (!nested.ok()) return nested.status();
    shape.method = "nested";
    shape.resumable = true;
  } else {
    absl::StatusOr<std::string> name = ValidateBaseline(spec, *problem, *start);
    if (!name.ok()) return name.status();
    shape.method = *std::move(name);
    shape.resumable = BaselineResumable(shape.method);
  }
  return shape;
}

}  // namespace qgrad::runner
