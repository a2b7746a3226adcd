// The job runner: turns a qgrad.v1.JobSpec into a problem, a start circuit and a method
// run on the exact state-vector simulator, reporting one progress event per outer
// iteration (and progress during a warm start), and returns the JobResult message.
//
// Thread-safety: RunJob is a pure function of its arguments (the callback runs on the
// caller's thread); concurrent RunJob calls are independent.
#ifndef QGRAD_RUNNER_RUNNER_H_
#define QGRAD_RUNNER_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "backends/backend.h"
#include "qgrad/v1/job.pb.h"
#include "runner/limits.h"

namespace qgrad::runner {

// Progress during a nested run's warm start (method.nested.warm_start), which runs before
// the first outer iteration and so before the first on_iteration.
struct WarmStartProgress {
  int evaluations = 0;           // cost evaluations so far
  int max_evaluations = 0;       // warm_start.max_evaluations
  double best_cost = 0.0;        // lowest cost so far
  double elapsed_seconds = 0.0;  // since the nested run began
};

struct RunOptions {
  // Relative paths in the spec (FCIDUMP files) are resolved against this directory.
  std::string base_dir;
  std::function<void(const v1::IterationEvent&)> on_iteration = nullptr;
  // After every cost evaluation of a nested run's warm start (often: throttle before
  // printing). Not called when resuming: the warm start is not repeated.
  std::function<void(const WarmStartProgress&)> on_warm_start = nullptr;
  // Resumable methods (nested, adapt_vqe, parameter_shift) only: after every outer
  // iteration, right after that iteration's on_iteration, the run so far as a serialized
  // qgrad.v1.Checkpoint. hea_vqe never calls it (a restarted hea_vqe job runs again from its
  // seeded start).
  std::function<void(const std::string& checkpoint)> on_checkpoint = nullptr;
  // Non-empty: continue the run from this checkpoint (an on_checkpoint argument of a run of
  // the same spec) instead of starting over; the result then equals the
  // uninterrupted run's except for wall-clock fields, and on_iteration reports only the
  // iterations after the checkpoint.
  std::string resume_checkpoint;
  // Polled inside the optimizers and the exact reference (every cost or fidelity
  // evaluation, pool candidate, synthesis round, iteration, Lanczos product, 2^16 exact
  // cuts): when it returns true the run ends with CANCELLED within one such step.
  std::function<bool()> should_stop = nullptr;
  // What the caller allows the spec (ValidateJob's limits; the same for a resumed job).
  SpecLimits limits;
  // Where shadows-mode jobs find the backend they name. Null: a private local backend
  // (backends/local) serves the name "local" and other names are NOT_FOUND.
  const backends::Registry* backends = nullptr;
  // Names the run for device backends (the server passes the job id): shadows-mode batches
  // get idempotency keys derived from it and their seeds, the same after a resume, so a
  // device never runs one logical batch twice. Empty: fresh keys.
  std::string job_key;
};

// Validates the spec as ValidateJob does, then computes the exact reference and runs the
// method. Errors: ValidateJob's; INVALID_ARGUMENT for a corrupt resume_checkpoint, or when
// the cost becomes non-finite during the run; CANCELLED when should_stop fired.
absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options = {});

// What a valid spec will run.
struct JobShape {
  int num_qubits = 0;
  std::string method;      // "nested", "hea_vqe", "adapt_vqe", "parameter_shift"
  bool resumable = false;  // checkpoints through RunOptions::on_checkpoint
  int64_t shots = 0;       // shots the run draws (Max-Cut sampling)
};

// Checks everything RunJob checks before it starts optimizing, without running anything
// expensive (no exact reference, no simulation), with the same errors: every double finite
// (CheckAllFinite), every field within its documented bounds (job.proto), and every size that
// decides an allocation or a loop length (registers, graphs, Pauli sums, FCIDUMP active
// spaces, ansatz layers, OpenQASM expansion, params, shots, iteration budgets) compared in
// 64-bit arithmetic with `limits` before anything of that size is built. Time and memory
// are linear in the spec's size (FCIDUMP tables aside: at most 48^4 doubles).
// INVALID_ARGUMENT naming the field ("initial_state.params[0]: must be finite, got nan");
// RESOURCE_EXHAUSTED naming the field, the size and the limit ("problem.model.num_qubits:
// 30 qubits exceed max_qubits = 20"); NOT_FOUND for a missing FCIDUMP file.
absl::StatusOr<JobShape> ValidateJob(const v1::JobSpec& spec, const std::string& base_dir = "",
                                     const SpecLimits& limits = {});

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_RUNNER_H_
