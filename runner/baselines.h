// The baseline methods of a spec (method.hea_vqe, method.adapt_vqe,
// method.parameter_shift) run through optimizer/ and summarized like a nested run, so that
// results can be compared under matched settings.
//
// Thread-safety: free functions; callbacks run on the caller's thread.
#ifndef QGRAD_RUNNER_BASELINES_H_
#define QGRAD_RUNNER_BASELINES_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "optimizer/stop.h"
#include "qgrad/v1/job.pb.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/start.h"

namespace qgrad::runner {

using EventSink = std::function<void(const v1::IterationEvent&)>;

// The method name ("hea_vqe", "adapt_vqe", "parameter_shift") after checking the baseline's
// options and start against the problem, without running it. REQUIRES: spec.method() holds
// a baseline. INVALID_ARGUMENT naming "method.<baseline>..." or "initial_state".
absl::StatusOr<std::string> ValidateBaseline(const v1::JobSpec& spec,
                                             const BuiltProblem& problem,
                                             const StartCircuit& start);

// REQUIRES: spec.method() holds a baseline. Errors as ValidateBaseline; CANCELLED when
// should_stop (polled before every iteration and cost evaluation) fired.
absl::StatusOr<RunSummary> RunBaseline(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                       const BuiltProblem& problem, StartCircuit start,
                                       const EventSink& on_event,
                                       const optimizer::StopCheck& should_stop = nullptr);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_BASELINES_H_
