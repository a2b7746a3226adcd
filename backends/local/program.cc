// Preparing and executing one program; see program.h.
//
// Thread-safety: pure functions (the cancel flag is only read).
#include "backends/local/program.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/local/dynamic.h"
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

// Inverse-CDF sampling from a final state: the state's memory becomes its cumulative
// distribution (entry i = Σ_{j ≤ i} |ψ_j|², the amplitudes read as an array of doubles,
// which std::complex allows), then each shot is one binary search: O(2^n + shots·n), no
// extra memory. (sv::Sample sorts the draws instead: O(shots·log shots) and a copy.)
// Entry i occupies bytes [8i, 8i+8), which held amplitudes already read, so one forward
// pass converts in place. The state is garbage afterwards.
class InPlaceCdf {
 public:
  explicit InPlaceCdf(sv::StateVector& state)
      : cdf_(reinterpret_cast<double*>(state.data())), size_(state.size()) {
    const sv::Amplitude* amplitudes = state.data();
    double sum = 0;
    for (uint64_t i = 0; i < size_; ++i) {
      sum += std::norm(amplitudes[i]);
      cdf_[i] = sum;
    }
    total_ = sum;
    // The first index reaching the total has a nonzero probability: the answer for draws
    // that rounding puts at or above the total.
    last_ = uint64_t(std::lower_bound(cdf_, cdf_ + size_, total_) - cdf_);
  }

  uint64_t Draw(std::mt19937_64& gen) const {
    const double u = double(gen() >> 11) * 0x1.0p-53 * total_;
    const uint64_t i = uint64_t(std::upper_bound(cdf_, cdf_ + size_, u) - cdf_);
    return std::min(i, last_);
  }

 private:
  double* cdf_;
  uint64_t size_;
  double total_ = 0;
  uint64_t last_ = 0;
};

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
  const InPlaceCdf cdf(*state);
  shots.reserve(size_t(program.shots));
  for (int64_t done = 0, chunk = 0; done < program.shots; ++chunk) {
    if (absl::Status s = Cancelled(cancelled); !s.ok()) return s;
    const int64_t n = std::min(kSampleChunkShots, program.shots - done);
    std::mt19937_64 gen(ChunkSeed(seed, uint64_t(chunk)));
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t index = cdf.Draw(gen);
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

// Every shot an interpreter run of the program's text, in trajectory-sized chunks.
absl::Status RunDynamic(const sv::Simulator& simulator, const PreparedProgram& program,
                        uint64_t seed, const std::atomic<bool>& cancelled,
                        std::vector<uint64_t>& shots, int& num_clbits) {
  const int64_t chunk_shots = TrajectoryChunk(program.circuit.num_qubits());
  DynamicShotOptions options;
  options.bindings = program.inputs;
  options.max_operations = program.limits.max_operations;
  options.max_qubits = program.limits.max_qubits;
  shots.reserve(size_t(program.shots));
  for (int64_t done = 0, chunk = 0; done < program.shots; ++chunk) {
    if (absl::Status s = Cancelled(cancelled); !s.ok()) return s;
    const int64_t n = std::min(chunk_shots, program.shots - done);
    absl::StatusOr<DynamicShots> taken = RunDynamicShots(
        simulator, program.source, options, n, ChunkSeed(seed, uint64_t(chunk)));
    if (!taken.ok()) return taken.status();
    num_clbits = taken->num_clbits;
    shots.insert(shots.end(), taken->bits.begin(), taken->bits.end());
    done += n;
  }
  return absl::OkStatus();
}

// CountShots, by a tally over every value when there are few possible values.
std::vector<std::pair<uint64_t, int64_t>> Count(const std::vector<uint64_t>& shots,
                                                int num_clbits) {
  if (num_clbits > 20 || (uint64_t{1} << num_clbits) > 4 * shots.size()) {
    return CountShots(shots);
  }
  std::vector<int64_t> tally(size_t{1} << num_clbits, 0);
  for (uint64_t shot : shots) ++tally[shot];  // shots only set bits below num_clbits
  std::vector<std::pair<uint64_t, int64_t>> counts;
  for (uint64_t v = 0; v < tally.size(); ++v) {
    if (tally[v] > 0) counts.emplace_back(v, tally[v]);
  }
  return counts;
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
  // A dynamic program's parse stopped early, so it may declare inputs not seen yet.
  for (const std::string& name : parsed->param_names) {
    if (!program.inputs.contains(name)) {
      return Prefixed(absl::InvalidArgumentError(
                          absl::StrCat("input '", name, "' has no value")),
                      index);
    }
  }
  for (const auto& [name, value] : program.inputs) {
    if (!declared.contains(name) && !parsed->dynamic) {
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
  if ((parsed->dynamic || !SampledFromFinalState(circuit)) &&
      program.shots > limits.max_trajectory_shots) {
    return Prefixed(
        absl::ResourceExhaustedError(absl::StrCat(
            program.shots, " shots of a program with mid-circuit measurement or reset exceed "
            "the limit of ", limits.max_trajectory_shots, " (each shot is a full simulation)")),
        index);
  }
  PreparedProgram prepared{std::move(parsed->circuit), program.shots};
  if (parsed->dynamic) {
    prepared.dynamic = true;
    prepared.source = program.qasm;
    prepared.inputs = program.inputs;
    prepared.limits = limits;
  }
  return prepared;
}

absl::StatusOr<ProgramResult> RunProgram(const sv::Simulator& simulator,
                                         const PreparedProgram& program, uint64_t seed,
                                         bool memory, const std::atomic<bool>& cancelled,
                                         Workspace* workspace) {
  std::vector<uint64_t> shots;
  int num_clbits = program.circuit.num_clbits();
  absl::Status status =
      program.dynamic ? RunDynamic(simulator, program, seed, cancelled, shots, num_clbits)
      : SampledFromFinalState(program.circuit)
          ? SampleTerminal(simulator, program, seed, cancelled, workspace, shots)
          : RunTrajectories(simulator, program, seed, cancelled, shots);
  if (!status.ok()) return status;
  ProgramResult result;
  result.num_clbits = num_clbits;
  result.shots = program.shots;
  result.counts = Count(shots, result.num_clbits);
  if (memory) result.memory = std::move(shots);
  return result;
}

}  // namespace qgrad::backends::local
