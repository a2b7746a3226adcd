// The baseline methods of a spec (method.hea_vqe, method.adapt_vqe,
// method.parameter_shift) run through optimizer/ and summarized like a nested run, so that
// results can be compared under matched settings.
//
// Thread-safety: free functions; callbacks run on the caller's thread.
#ifndef QGRAD_RUNNER_BASELINES_H_
#define QGRAD_RUNNER_BASELINES_H_

#include <functional>

#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "qgrad/v1/job.pb.h"
#include "runner/problem.h"
#include "runner/result.h"
#include "runner/start.h"

namespace qgrad::runner {

using EventSink = std::function<void(const v1::IterationEvent&)>;

// REQUIRES: spec.method() holds a baseline. INVALID_ARGUMENT naming "method.<baseline>...".
absl::StatusOr<RunSummary> RunBaseline(const sv::Simulator& simulator, const v1::JobSpec& spec,
                                       const BuiltProblem& problem, StartCircuit start,
                                       const EventSink& on_event);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_BASELINES_H_
