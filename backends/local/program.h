// One program of a batch on the local backend: checked and parsed once at submission
// (PrepareProgram), executed later by a worker (RunProgram).
//
// Execution: a dynamic program (control flow on measurement outcomes) runs every shot as
// an interpreter on its own state (dynamic.h); a program whose measurements are all terminal (no gate or reset on a qubit
// after it was measured) is simulated once and its shots are drawn from the final state
// by inverse-CDF sampling (std::mt19937_64, one binary search per shot); otherwise each
// shot is a seeded trajectory with state collapse (sv::RunShots).
// Shots are taken in chunks — kSampleChunkShots sampled shots, or up to
// kMaxTrajectoryChunkShots trajectories (fewer for more qubits) — with ChunkSeed(seed, c)
// for chunk c (seeds.h), and the cancel flag is read between chunks, so a cancelled
// program stops within one chunk. One simulation of the circuit is not interruptible.
//
// Thread-safety: PreparedProgram is immutable once prepared; the functions are pure apart
// from reading the cancel flag.
#ifndef QGRAD_BACKENDS_LOCAL_PROGRAM_H_
#define QGRAD_BACKENDS_LOCAL_PROGRAM_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "backends/backend.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"

namespace qgrad::backends::local {

inline constexpr int64_t kSampleChunkShots = int64_t{1} << 16;
inline constexpr int64_t kMaxTrajectoryChunkShots = 256;

struct ProgramLimits {
  int max_qubits = 24;
  int64_t max_shots = int64_t{1} << 20;
  size_t max_operations = 1'000'000;  // qasm::ParseOptions::max_operations
  // Shots of a program with mid-circuit measurement or reset (each a whole simulation).
  int64_t max_trajectory_shots = 100'000;
};

struct PreparedProgram {
  Circuit circuit;  // every input bound: no parameters left
  int64_t shots = 0;
  // A program whose control flow depends on measurement outcomes (qasm
  // ParsedProgram::dynamic) has no single circuit: its text runs shot by shot
  // (dynamic.h), and `circuit` holds only the qubits and bits declared before the first
  // such step.
  bool dynamic = false;
  std::string source{};
  std::map<std::string, double> inputs{};
  ProgramLimits limits{};
};

// Parses `program` with its input bindings and checks it against `limits`. Errors name the
// program: INVALID_ARGUMENT "program K: LINE:COLUMN: ..." for OpenQASM errors,
// "program K: ..." for a missing or unknown input binding or shots < 1;
// RESOURCE_EXHAUSTED "program K: ..." for more qubits, shots, classical bits
// (kMaxShotBits) or trajectory shots than allowed, or a parser limit.
absl::StatusOr<PreparedProgram> PrepareProgram(const Program& program, int64_t index,
                                               const ProgramLimits& limits);

// A worker's reusable state vector: states of at most kReusedStateQubits qubits are kept
// between programs, which saves an allocation and the memory probe per program (a third
// of a 12-qubit program's time); larger ones are allocated, and checked, each time.
inline constexpr int kReusedStateQubits = 16;
struct Workspace {
  sv::StateVector state;
};

// Takes the program's shots with generator seed `seed` (ProgramSeed of the batch seed and
// the program's index). CANCELLED when `cancelled` becomes true; RESOURCE_EXHAUSTED when
// the state does not fit into memory. `memory`: keep every shot in ProgramResult::memory.
// `workspace` (optional) is used by one caller at a time.
absl::StatusOr<ProgramResult> RunProgram(const sv::Simulator& simulator,
                                         const PreparedProgram& program, uint64_t seed,
                                         bool memory, const std::atomic<bool>& cancelled,
                                         Workspace* workspace = nullptr);

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_PROGRAM_H_
