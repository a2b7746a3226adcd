// Assembly of a JobResult message from a finished nested run: costs, exact reference and
// error, the Max-Cut report (expected cut, approximation ratio, best sampled cut), the final
// circuit as OpenQASM 3 with its parameter values, history and counts, and what produced it
// (spec, seed, backend, software version).
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_RESULT_H_
#define QGRAD_RUNNER_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "optimizer/baseline.h"
#include "optimizer/nested.h"
#include "qgrad/v1/job.pb.h"
#include "runner/problem.h"

namespace qgrad::runner {

v1::IterationEvent ToProto(const optimizer::IterationEvent& event);
v1::IterationEvent ToProto(const optimizer::BaselineEvent& event);
v1::EstimationReport ToProto(const optimizer::EstimationReport& report);
optimizer::EstimationReport ReportFromProto(const v1::EstimationReport& report);

// What every method reports, before the problem-specific parts are added.
struct RunSummary {
  std::string method;
  double start_cost = 0.0;
  double warm_start_cost = 0.0;
  double final_cost = 0.0;
  double final_indicator = 0.0;
  Circuit circuit;
  std::vector<double> params;
  std::vector<v1::IterationEvent> history;
  v1::Counts counts;  // method counters; gates, depth and parameters are filled in
  std::string stop_reason;
  // Shadows mode: the run's estimation totals, and the final circuit's cost evaluated
  // exactly (MakeResult fills it in when absent).
  std::optional<v1::EstimationReport> estimation;
  std::optional<double> exact_final_cost;
  // Nested, measured: the iteration whose state the run returned instead of its last one.
  std::optional<int> returned_iteration;
};
RunSummary SummarizeNested(const optimizer::NestedResult& run);

// The full result, the only place a JobResult is assembled (for every method; `qgrad run`
// and the server alike), so every result carries its spec, seed, backend and software
// version. Sampling for the Max-Cut report uses the spec's seed; INTERNAL only if
// the final circuit cannot be simulated.
absl::StatusOr<v1::JobResult> MakeResult(const sv::Simulator& simulator,
                                         const BuiltProblem& problem, const v1::JobSpec& spec,
                                         const RunSummary& run);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_RESULT_H_
