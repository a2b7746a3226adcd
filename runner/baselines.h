// The baseline methods of a spec (method.hea_vqe, method.adapt_vqe,
// method.parameter_shift) run through optimizer/ and summarized like a nested run, so that
// results can be compared under matched settings.
//
// Thread-safety: free functions; callbacks run on the caller's thread.
#ifndef QGRAD_RUNNER_BASELINES_H_
#define QGRAD_RUNNER_BASELINES_H_

#include <string>

#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "qgrad/v1/job.pb.h"
#include "runner/limits.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/runner.h"
#include "runner/start.h"

namespace qgrad::runner {

// The method name ("hea_vqe", "adapt_vqe", "parameter_shift") after checking the baseline's
// options and start against the problem, without running it. REQUIRES: spec.method() holds
// a baseline. INVALID_ARGUMENT naming "method.<baseline>..." or "initial_state".
// RESOURCE_EXHAUSTED ("method.hea_vqe.layers: ...") when the hardware-efficient ansatz
// exceeds limits.max_start_gates.
absl::StatusOr<std::string> ValidateBaseline(const v1::JobSpec& spec,
                                             const BuiltProblem& problem,
                                             const StartCircuit& start, const JobLimits& limits);

// Whether the method checkpoints after every iteration (ADAPT-VQE, parameter-shift descent).
// Hardware-efficient VQE is one L-BFGS minimization whose internal state NLopt does not
// expose: it has no checkpoints and a restarted job runs it again from its seeded start.
bool BaselineResumable(const std::string& method);

// REQUIRES: spec.method() holds a baseline. Uses options' callbacks, checkpoint and stop
// check as RunJob documents them. Errors as ValidateBaseline; INVALID_ARGUMENT
// ("checkpoint: ...") for a checkpoint of another method or seed; CANCELLED when
// should_stop (polled before every iteration and cost evaluation) fired.
absl::StatusOr<RunSummary> RunBaseline(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                       const BuiltProblem& problem, StartCircuit start,
                                       const RunOptions& options);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_BASELINES_H_
