// The graph of a spec's `problem.maxcut` (edge list text, inline edges or a generator) and
// its shot count, each size checked against the job's limits before the graph is built.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_MAXCUT_GRAPH_H_
#define QGRAD_RUNNER_MAXCUT_GRAPH_H_

#include "absl/status/statusor.h"
#include "problems/maxcut.h"
#include "qgrad/v1/job.pb.h"
#include "runner/limits.h"

namespace qgrad::runner {

// INVALID_ARGUMENT naming the field ("problem.maxcut.edges.edges[3]: self loop on node 2",
// "problem.maxcut.edge_list: edge list line 2: ..."); RESOURCE_EXHAUSTED naming the field
// when node ids, node counts or edge counts exceed what the register limit allows.
absl::StatusOr<Graph> MaxCutGraph(const v1::MaxCutProblem& maxcut, const JobLimits& limits);

// problem.maxcut.shots in [0, limits.max_shots] (RESOURCE_EXHAUSTED above).
absl::Status CheckMaxCutShots(const v1::MaxCutProblem& maxcut, const JobLimits& limits);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_MAXCUT_GRAPH_H_
