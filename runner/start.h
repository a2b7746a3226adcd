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

// Exact amplitude preparation builds (and Circuit::Append checks, in O(8^n)) one dense
// unitary; at 8 qubits that check takes milliseconds, at 10 seconds.
inline constexpr int kMaxAmplitudeQubits = 8;

// INVALID_ARGUMENT naming the field ("initial_state.ansatz.name: ...");
// RESOURCE_EXHAUSTED naming the field and limit when the circuit (counted before it is
// built: ansatz layers, OpenQASM expansion) or the params exceed limits.max_start_gates.
absl::StatusOr<StartCircuit> BuildStart(const v1::InitialState& spec, const BuiltProblem& problem,
                                        uint64_t seed, const JobLimits& limits = {});

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_START_H_
