// Translation of a spec's `problem` into a cost: parses Pauli sums, Max-Cut graphs,
// FCIDUMP molecules (active space, Hartree–Fock state), built-in models and polynomial
// costs, and finds the exact minimum where that is cheap.
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_RUNNER_PROBLEM_H_
#define QGRAD_RUNNER_PROBLEM_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "optimizer/cost.h"
#include "optimizer/stop.h"
#include "problems/maxcut.h"
#include "qgrad/v1/job.pb.h"
#include "runner/limits.h"

namespace qgrad::runner {

struct BuiltProblem {
  optimizer::Cost cost;
  int num_qubits = 0;
  std::optional<Graph> graph;                 // Max-Cut only
  std::optional<double> max_cut;              // Max-Cut with the exact reference only
  std::optional<uint64_t> hartree_fock_state; // molecules only
  std::optional<double> exact_cost;           // exact minimum when known
};

struct BuildOptions {
  // Without it no exact minimum is computed (only a spec's own exact_cost is kept):
  // validation stays cheap.
  bool with_exact_reference = true;
  // Polled during the exact reference (AddExactReference).
  optimizer::StopCheck should_stop = nullptr;
  // Every size is checked against these before anything of that size is built.
  JobLimits limits;
};

// INVALID_ARGUMENT naming the field ("problem.maxcut.edges.edges[3]: self loop on node 2",
// "problem.molecule.fcidump_text: FCIDUMP line 1: ..."); RESOURCE_EXHAUSTED naming the field
// and the limit for a size above options.limits ("problem.model.num_qubits: 30 qubits exceed
// limits.max_qubits = 20"). Relative FCIDUMP paths are read from `base_dir` (empty: the
// working directory). CANCELLED when should_stop fired during the exact reference.
absl::StatusOr<BuiltProblem> BuildProblem(const v1::Problem& problem,
                                          const std::string& base_dir,
                                          const BuildOptions& options = {});

// The exact minimum (and a Max-Cut graph's maximum cut) of a problem built without it: a
// spec's exact_cost is kept, otherwise the Lanczos or diagonal reference where it is cheap.
// CANCELLED when should_stop (polled every matrix-vector product, every 2^16 cuts) fired.
absl::Status AddExactReference(const v1::Problem& problem, const optimizer::StopCheck& should_stop,
                               BuiltProblem& built);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_PROBLEM_H_
