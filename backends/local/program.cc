// Preparing and executing one program; see program.h.
//
// Thread-safety: pure functions (the cancel flag is only read).
#include "backends/local/program.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/local/seeds.h"
#include "backends/statevector/shots.h"
#include "qasm/qasm.h"

namespace qgrad::backends::local {
namespace {

absl::Status Prefixed(const absl::Status& status, int64_t index) {
  return absl::Status(status.code(), absl::StrCat("program ", index, ": ", status.message()));
}

bool HasReset(const Circuit& circuit) {
  return std::any_of(circuit.gates().begin(), circuit.gates().end(),
                     [](const Gate& g) { return g.kind == GateKind::kReset; });
}

bool SampledFromFinalState(const Circuit& circuit) {
  return circuit.MeasurementsAreTerminal() && !HasReset(circuit);
}

// Trajectories per chunk: about 2^16 amplitude updates per gate, so that a chunk takes
// milliseconds whatever the qubit count.
int64_t TrajectoryChunk(int num_qubits) {
  if (num_qubits >= 16) return 1;
  return std::clamp<int64_t>((int64_t{1} << 16) >> num_qubits, 1, kMaxTrajectoryChunkShots);
}

absl::Status Cancelled(const std::atomic<bool>& cancelled) {
  return cancelled.load(std::memory_order_relaxed) ? absl::CancelledError("batch cancelled")
                                                   : absl::OkStatus();
}

// Simulates the unitary part once, then samples chunk by chunk and maps qubits to bits.
absl::Status SampleTerminal(const sv::Simulator& simulator, const PreparedProgram& program,
                            uint64_t seed, const std::atomic<bool>& cancelled,
                            Workspace* workspace, std::vector<uint64_t>& shots) {
  const Circuit& circuit = program.circuit;
  std::vector<std::pair<int, int>> measure_map;  // (qubit, clbit); a later write wins
  Circuit unitary(circuit.num_qubits());
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kMeasure) {
      measure_map.emplace_back(g.qubits[0], g.clbit);
    } else if (Info(g.kind).is_unitary) {
      if (absl::Status s = unitary.Append(g); !s.ok()) return s;
    }
  }
  if (measure_map.empty()) {  // nothing measured: every shot reads all-zero bits
    shots.assign(size_t(program.shots), 0);
    return absl::OkStatus();
  }
  sv::StateVector fresh;
  sv::StateVector* state = &fresh;
  const int num_qubits = circuit.num_qubits();
  if (workspace != nullptr && num_qubits <= kReusedStateQubits) state = &workspace->state;
  if (state->data() != nullptr && state->num_qubits() == num_qubits) {
    state->SetBasisState(0);
  } else {
    absl::StatusOr<sv::StateVector> created = sv::StateVector::Create(num_qubits);
    if (!created.ok()) return created.status();
    *state = *std::move(created);
  }
  if (absl::Status s = simulator.Run(unitary, {}, *state); !s.ok()) return s;
  shots.reserve(size_t(program.shots));
  for (int64_t done = 0, chunk = 0; done < program.shots; ++chunk) {
    if (absl::Status s = Cancelled(cancelled); !s.ok()) return s;
    const int64_t n = std::min(kSampleChunkShots, program.shots - done);
    absl::StatusOr<std::vector<uint64_t>> basis =
        sv::Sample(*state, n, ChunkSeed(seed, uint64_t(chunk)));
    if (!basis.ok()) return basis.status();
    for (uint64_t index : *basis) {
      uint64_t bits = 0;
      for (auto [q, c] : measure_map) {
        bits = (bits & ~(uint64_t{1} << c)) | (((index >> q) & 1) << c);
      }
      shots.push_back(bits);
    }
    done += n;
  }
  return absl::OkStatus();
}

absl::Status RunTrajectories(const sv::Simulator& simulator, const PreparedProgram& program,
                             uint64_t seed, const std::atomic<bool>& cancelled,
                             std::vector<uint64_t>& shots) {
  const int64_t chunk_shots = TrajectoryChunk(program.circuit.num_qubits());
  shots.reserve(size_t(program.shots));
  for (int64_t done = 0, chunk = 0; done < program.shots; ++chunk) {
    if (absl::Status s = Cancelled(cancelled); !s.ok()) return s;
    sv::ShotOptions options;
    options.shots = std::min(chunk_shots, program.shots - done);
    options.seed = ChunkSeed(seed, uint64_t(chunk));
    options.max_trajectory_shots = options.shots;  // the program's total was checked
    absl::StatusOr<std::vector<uint64_t>> taken =
        sv::RunShots(simulator, program.circuit, {}, options);
    if (!taken.ok()) return taken.status();
    shots.insert(shots.end(), taken->begin(), taken->end());
    done += options.shots;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PreparedProgram> PrepareProgram(const Program& program, int64_t index,
                                               const ProgramLimits& limits) {
  if (program.shots < 1) {
    return Prefixed(absl::InvalidArgumentError(
                        absl::StrCat("shots must be at least 1, got ", program.shots)),
                    index);
  }
  if (program.shots > limits.max_shots) {
    return Prefixed(absl::ResourceExhaustedError(absl::StrCat(
                        program.shots, " shots exceed the backend's limit of ",
                        limits.max_shots)),
                    index);
  }
  qasm::ParseOptions options;
  options.bindings = program.inputs;
  options.max_operations = limits.max_operations;
  // The parser's declaration limit also bounds inputs and classical bits, which need not
  // be as few as the qubits; the qubit count is checked below instead.
  options.max_qubits = std::max(options.max_qubits, limits.max_qubits);
  absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(program.qasm, options);
  if (!parsed.ok()) return Prefixed(parsed.status(), index);

  const std::set<std::string> declared(parsed->param_names.begin(),
                                       parsed->param_names.end());
  for (const std::string& name : parsed->param_names) {
    if (!program.inputs.contains(name)) {
      return Prefixed(absl::InvalidArgumentError(
                          absl::StrCat("input '", name, "' has no value")),
                      index);
    }
  }
  for (const auto& [name, value] : program.inputs) {
    if (!declared.contains(name)) {
      return Prefixed(absl::InvalidArgumentError(
                          absl::StrCat("a value for '", name, "', which is not an input")),
                      index);
    }
  }
  const Circuit& circuit = parsed->circuit;
  if (circuit.num_qubits() > limits.max_qubits) {
    return Prefixed(absl::ResourceExhaustedError(absl::StrCat(
                        circuit.num_qubits(), " qubits exceed the backend's limit of ",
                        limits.max_qubits)),
                    index);
  }
  if (circuit.num_clbits() > kMaxShotBits) {
    return Prefixed(absl::ResourceExhaustedError(absl::StrCat(
                        circuit.num_clbits(), " classical bits exceed the limit of ",
                        kMaxShotBits)),
                    index);
  }
  if (!SampledFromFinalState(circuit) && program.shots > limits.max_trajectory_shots) {
    return Prefixed(
        absl::ResourceExhaustedError(absl::StrCat(
            program.shots, " shots of a program with mid-circuit measurement or reset exceed "
            "the limit of ", limits.max_trajectory_shots, " (each shot is a full simulation)")),
        index);
  }
  return PreparedProgram{std::move(parsed->circuit), program.shots};
}

absl::StatusOr<ProgramResult> RunProgram(const sv::Simulator& simulator,
                                         const PreparedProgram& program, uint64_t seed,
                                         bool memory, const std::atomic<bool>& cancelled,
                                         Workspace* workspace) {
  std::vector<uint64_t> shots;
  absl::Status status = SampledFromFinalState(program.circuit)
                            ? SampleTerminal(simulator, program, seed, cancelled, workspace, shots)
                            : RunTrajectories(simulator, program, seed, cancelled, shots);
  if (!status.ok()) return status;
  ProgramResult result;
  result.num_clbits = program.circuit.num_clbits();
  result.shots = program.shots;
  result.counts = CountShots(shots);
  if (memory) result.memory = std::move(shots);
  return result;
}

}  // namespace qgrad::backends::local
