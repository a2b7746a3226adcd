// The job runner: turns a qgrad.v1.JobSpec into a problem, a start circuit and a method
// run on the exact state-vector simulator, reporting one progress event per outer
// iteration, and returns the JobResult message.
//
// Thread-safety: RunJob is a pure function of its arguments (the callback runs on the
// caller's thread); concurrent RunJob calls are independent.
#ifndef QGRAD_RUNNER_RUNNER_H_
#define QGRAD_RUNNER_RUNNER_H_

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
};

// Errors: INVALID_ARGUMENT naming the spec field for a bad spec; RESOURCE_EXHAUSTED for a
// register above limits.max_qubits.
absl::StatusOr<v1::JobResult> RunJob(const v1::JobSpec& spec, const RunOptions& options = {});

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_RUNNER_H_
