// Named start ansätze (spec field initial_state.ansatz), appended to a circuit with their
// parameters numbered after the circuit's existing ones. Rotations are exp(−iθP).
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_ANSATZ_H_
#define QGRAD_RUNNER_ANSATZ_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "core/circuit.h"
#include "qgrad/v1/job.pb.h"
#include "runner/problem.h"

namespace qgrad::runner {

// Appends the ansatz to `circuit` and its default start values to `params` (zeros, or the
// random angles of random_layers drawn from `seed`). INVALID_ARGUMENT naming
// "initial_state.ansatz.*"; RESOURCE_EXHAUSTED ("initial_state.ansatz.layers: ...") when the
// circuit would exceed limits.max_start_gates, counted before anything is built.
absl::Status AppendAnsatz(const v1::Ansatz& ansatz, const BuiltProblem& problem, uint64_t seed,
                          const JobLimits& limits, Circuit& circuit, std::vector<double>& params);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_ANSATZ_H_
