// Noisy execution of one parsed program: depolarizing noise after every gate, simulated by
// Pauli trajectories, and per-qubit readout error on the measured bits.
//
// Gate noise: after each unitary gate of the circuit (the parser has inlined `gate`
// definitions, so these are primitive gates: a program's `ms` or `ecr` counts as the
// primitive gates its definition expands to), with probability depolarizing_1q (gate on
// one qubit) or depolarizing_2q (two or more qubits, controls included) one of the 4^k − 1
// non-identity Paulis on the gate's k qubits, uniformly. The shots are split into
// T = min(shots, max_trajectories) trajectories (T = 1 without gate noise); trajectory t
// draws its Paulis from a generator seeded by (seed, t), and takes ⌊shots/T⌋ or one more
// shots from that noisy circuit. Trajectories that drew no error are pooled into one run of
// the circuit itself. Shots of one trajectory share its error pattern, so the spread of
// estimates grows when T is small; the expected distribution is exact. Each run goes
// through the local backend's program runner (local/program.h: one simulation and
// sampling for terminal measurements, a trajectory per shot otherwise, a reused state).
//
// Readout error: each classical bit written by a measurement (the last one that writes it)
// flips 0→1 with p01 and 1→0 with p10 of the measured qubit, drawn per shot.
//
// Thread-safety: pure functions apart from reading the cancel flag.
#ifndef QGRAD_BACKENDS_EMULATOR_NOISE_H_
#define QGRAD_BACKENDS_EMULATOR_NOISE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/emulator/options.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"

namespace qgrad::backends::emulator {

// The qubit measured last into classical bit i, or -1 when none is: entry i for bit i.
std::vector<int> MeasuredQubits(const Circuit& circuit);

// The circuit with one trajectory's Pauli errors inserted (generator seeded by `seed`);
// `any_error` (optional) is set when at least one was.
Circuit NoisyTrajectory(const Circuit& circuit, const NoiseModel& noise, uint64_t seed,
                        bool* any_error = nullptr);

// `shots` shot values (bit i = classical bit i) of `circuit` (no unbound inputs) under
// `noise`. CANCELLED when `cancelled` becomes true (checked between trajectories); the
// simulator's errors otherwise.
absl::StatusOr<std::vector<uint64_t>> RunNoisy(const sv::Simulator& simulator,
                                               const Circuit& circuit, int64_t shots,
                                               const NoiseModel& noise, uint64_t seed,
                                               const std::atomic<bool>* cancelled = nullptr);

}  // namespace qgrad::backends::emulator

#endif  // QGRAD_BACKENDS_EMULATOR_NOISE_H_
