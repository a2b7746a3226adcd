// The start circuit of a run from a spec's `initial_state`: a preparation (|0⟩, |+⟩^⊗n,
// Hartree–Fock, exact amplitudes) followed by a named ansatz, or an OpenQASM 3 program,
// with the start values of its parameters.
//
// Named ansätze use the paper's convention: every rotation is exp(−iθP) (the IR's Pauli
// rotation exp(−iθ'P/2) with θ' = 2θ).
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_RUNNER_START_H_
#define QGRAD_RUNNER_START_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/circuit.h"
#include "qgrad/v1/job.pb.h"
#include "runner/problem.h"

namespace qgrad::runner {

struct StartCircuit {
  Circuit circuit;
  std::vector<double> params;
};

// INVALID_ARGUMENT naming the field ("initial_state.ansatz.name: ...").
absl::StatusOr<StartCircuit> BuildStart(const v1::InitialState& spec, const BuiltProblem& problem,
                                        uint64_t seed);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_START_H_
