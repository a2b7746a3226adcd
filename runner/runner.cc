// Job runner; see runner.h.
//
// Thread-safety: no shared state.
#include "runner/runner.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/local/local_backend.h"
#include "backends/statevector/statevector.h"
#include "estimation/shadow_estimator.h"
#include "optimizer/nested.h"
#include "runner/baselines.h"
#include "runner/checkpoint.h"
#include "runner/estimation_plan.h"
#include "runner/finite.h"
#include "runner/limits.h"
#include "runner/nested_options.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/start.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

absl::Status CheckLimitsFields(const v1::Limits& limits) {
  if (absl::Status s = CheckRange("limits.max_qubits", limits.max_qubits(), 0, kMaxPauliQubits);
      !s.ok()) {
    return s;
  }
  return CheckRealRange("limits.max_wall_seconds", limits.max_wall_seconds(), 0,
                        kMaxWallSeconds);
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

// A validated spec: what ValidateJob reports and RunJob runs.
struct PreparedJob {
  BuiltProblem problem;
  StartCircuit start;
  JobShape shape;
  optimizer::NestedOptions nested;  // nested method only
  EstimationPlan estimation;
};

// Every check of ValidateJob, cheapest first, so that nothing is built before the sizes it
// depends on are known to be within the limits.
absl::StatusOr<PreparedJob> Prepare(const v1::JobSpec& spec, const std::string& base_dir,
                                    const SpecLimits& caller_limits) {
  if (absl::Status s = CheckAllFinite(spec); !s.ok()) return s;
  if (absl::Status s = CheckLimitsFields(spec.limits()); !s.ok()) return s;
  const JobLimits limits = ResolveLimits(spec.limits(), caller_limits);
  absl::StatusOr<BuiltProblem> problem = BuildProblem(
      spec.problem(), base_dir, {.with_exact_reference = false, .limits = limits});
  if (!problem.ok()) return problem.status();
  absl::StatusOr<StartCircuit> start =
      BuildStart(spec.initial_state(), *problem, spec.seed(), limits);
  if (!start.ok()) return start.status();
  absl::StatusOr<EstimationPlan> estimation =
      ToEstimationPlan(spec, caller_limits, problem->num_qubits);
  if (!estimation.ok()) return estimation.status();
  PreparedJob job{*std::move(problem), *std::move(start), {}, {}, *std::move(estimation)};
  job.shape.num_qubits = job.problem.num_qubits;
  job.shape.shots = MaxCutShots(spec.problem());
  if (IsNested(spec)) {
    absl::StatusOr<optimizer::NestedOptions> nested =
        ToNestedOptions(spec.method().nested(), spec.limits(), job.problem.num_qubits);
    if (!nested.ok()) return nested.status();
    job.nested = *std::move(nested);
    job.nested.stop.max_shots = job.estimation.total_shots;
    job.shape.method = "nested";
    job.shape.resumable = true;
  } else {
    absl::StatusOr<std::string> name = ValidateBaseline(spec, job.problem, job.start, limits);
    if (!name.ok()) return name.status();
    job.shape.method = *std::move(name);
    job.shape.resumable = BaselineResumable(job.shape.method);
  }
  return job;
}

// The backend a shadows-mode job names: from the caller's registry, or a private local
// backend (held in `own`) for the name "local".
absl::StatusOr<std::shared_ptr<backends::Backend>> FindBackend(
    const std::string& name, const RunOptions& options) {
  if (options.backends) return options.backends->Find(name);
  if (name != "local") {
    return absl::NotFoundError(absl::StrCat(
        "estimation.shadows.backend: no backend \"", name,
        "\" (this runner has only \"local\"; devices are declared in qgradd's configuration: "
        "submit the job to that server)"));
  }
  return std::shared_ptr<backends::Backend>(std::make_shared<backends::local::LocalBackend>());
}

absl::StatusOr<RunSummary> RunNestedJob(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                        const BuiltProblem& problem, StartCircuit start,
                                        const PreparedJob& job, const RunOptions& options) {
  const optimizer::NestedOptions& nested = job.nested;
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
  if (options.on_warm_start) {
    callbacks.on_warm_start = [&](const optimizer::WarmStartProgress& p) {
      options.on_warm_start({p.evaluations, p.max_evaluations, p.best_cost, p.elapsed_seconds});
    };
  }
  callbacks.should_stop = options.should_stop;
  std::shared_ptr<backends::Backend> backend;
  std::unique_ptr<estimation::ShadowGradientStateEstimator> shadows;
  if (job.estimation.shadows) {
    auto found = FindBackend(job.estimation.backend, options);
    if (!found.ok()) return found.status();
    backend = *std::move(found);
    estimation::ShadowEstimatorOptions estimator = job.estimation.options;
    estimator.should_stop = options.should_stop;
    estimator.job_key = options.job_key;
    shadows = std::make_unique<estimation::ShadowGradientStateEstimator>(
        backend.get(), &simulator, problem.cost, std::move(estimator));
  }
  absl::StatusOr<optimizer::NestedResult> run;
  if (options.resume_checkpoint.empty()) {
    run = optimizer::RunNested(simulator, problem.cost, std::move(start.circuit),
                               std::move(start.params), nested, callbacks, shadows.get());
  } else {
    absl::StatusOr<optimizer::NestedResult> saved =
        DecodeNestedCheckpoint(options.resume_checkpoint, spec.seed());
    if (!saved.ok()) return saved.status();
    run = optimizer::ResumeNested(simulator, problem.cost, *std::move(saved), nested, callbacks,
                                  shadows.get());
  }
  if (!run.ok()) return WithPath(run.status(), "method.nested");
  RunSummary summary = SummarizeNested(*run);
  if (shadows) {
    auto final_state = simulator.Prepare(run->circuit, run->params);
    if (final_state.ok()) summary.exact_final_cost = problem.cost.Value(*final_state);
  }
  return summary;
}

}  // namespace

absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options) {
  const auto begin = std::chrono::steady_clock::now();
  absl::StatusOr<PreparedJob> job = Prepare(spec, options.base_dir, options.limits);
  if (!job.ok()) return job.status();
  BuiltProblem& problem = job->problem;
  if (absl::Status s = AddExactReference(spec.problem(), options.should_stop, problem);
      !s.ok()) {
    return s;
  }
  const sv::Simulator simulator;
  absl::StatusOr<RunSummary> run =
      IsNested(spec)
          ? RunNestedJob(simulator, spec, problem, std::move(job->start), *job, options)
          : RunBaseline(simulator, spec, problem, std::move(job->start), options);
  if (!run.ok()) return run.status();
  absl::StatusOr<v1::JobResult> result = MakeResult(simulator, problem, spec, *run);
  if (result.ok()) {
    result->set_wall_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  }
  return result;
}

absl::StatusOr<JobShape> ValidateJob(const v1::JobSpec& spec, const std::string& base_dir,
                                     const SpecLimits& limits) {
  absl::StatusOr<PreparedJob> job = Prepare(spec, base_dir, limits);
  if (!job.ok()) return job.status();
  return std::move(job->shape);
}

}  // namespace qgrad::runner
