// The job runner: turns a qgrad.v1.JobSpec into a problem, a start circuit and a method
// run on the exact state-vector simulator, reporting one progress event per outer
// iteration, and returns the JobResult message.
//
// Thread-safety: RunJob is a pure function of its arguments (the callback runs on the
// caller's thread); concurrent RunJob calls are independent.
#ifndef QGRAD_RUNNER_RUNNER_H_
#define QGRAD_RUNNER_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

// Registers above this many qubits are refused unless limits.max_qubits says otherwise.
inline constexpr int kDefaultMaxQubits = 20;

struct RunOptions {
  // Relative paths in the spec (FCIDUMP files) are resolved against this directory.
  std::string base_dir;
  std::function<void(const v1::IterationEvent&)> on_iteration = nullptr;
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
  // Polled inside the optimizers (every cost or fidelity evaluation, synthesis round and
  // iteration): when it returns true the run ends with CANCELLED within one such step.
  std::function<bool()> should_stop = nullptr;
};

// Errors: INVALID_ARGUMENT naming the spec field for a bad spec (or a corrupt
// resume_checkpoint); RESOURCE_EXHAUSTED for a register above limits.max_qubits;
// CANCELLED when should_stop fired.
absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options = {});

// What a valid spec will run.
struct JobShape {
  int num_qubits = 0;
  std::string method;      // "nested", "hea_vqe", "adapt_vqe", "parameter_shift"
  bool resumable = false;  // checkpoints through RunOptions::on_checkpoint
  int64_t shots = 0;       // shots the run draws (Max-Cut sampling)
};

// Checks everything RunJob checks before it starts optimizing (problem, start circuit,
// method options, limits) without running anything expensive (no exact reference, no
// simulation), with the same errors.
absl::StatusOr<JobShape> ValidateJob(const v1::JobSpec& spec, const std::string& base_dir = "");

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_RUNNER_H_
