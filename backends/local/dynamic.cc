// Per-shot execution of dynamic programs; see dynamic.h.
//
// Thread-safety: pure functions; a TrajectoryState belongs to one call.
#include "backends/local/dynamic.h"

#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "backends/statevector/shots.h"
#include "qasm/qasm.h"

namespace qgrad::backends::local {
namespace {

// The state one shot runs on: grows as the program declares qubits (new qubits are the
// high bits of the index, so the old amplitudes keep their places), applies the gates the
// interpreter hands over, and draws measurement and reset outcomes from `rng`.
class TrajectoryState : public qasm::QuantumState {
 public:
  TrajectoryState(const sv::Simulator& simulator, int max_qubits, std::mt19937_64& rng)
      : simulator_(simulator), max_qubits_(max_qubits), rng_(rng) {}

  // A shot starts in |0...0>; a state kept from an earlier shot is reused: the qubits it
  // has beyond those the program declared so far stay |0> and untouched.
  absl::Status Start() {
    if (state_.data() != nullptr) {
      state_.SetBasisState(0);
      return absl::OkStatus();
    }
    absl::StatusOr<sv::StateVector> empty = sv::StateVector::Create(0);
    if (!empty.ok()) return empty.status();
    state_ = *std::move(empty);
    return absl::OkStatus();
  }

  absl::Status Apply(const Circuit& segment) override {
    if (absl::Status s = Grow(segment.num_qubits()); !s.ok()) return s;
    Circuit unitary(state_.num_qubits());
    for (const Gate& g : segment.gates()) {
      for (const Angle& a : g.angles) {
        if (!a.is_fixed()) return absl::InvalidArgumentError("an input has no value");
      }
      if (Info(g.kind).is_unitary) {
        if (absl::Status s = unitary.Append(g); !s.ok()) return s;
      } else if (g.kind == GateKind::kReset) {
        if (absl::Status s = Flush(unitary); !s.ok()) return s;
        if (sv::CollapseQubit(state_, g.qubits[0], rng_) == 1) {
          Gate x;
          x.kind = GateKind::kX;
          x.qubits = g.qubits;
          simulator_.ApplyGate(x, {}, state_);
        }
      }
    }
    return Flush(unitary);
  }

  int num_qubits() const { return state_.num_qubits(); }

  absl::StatusOr<int> Measure(int qubit) override {
    if (qubit >= state_.num_qubits()) return absl::InternalError("measured an unknown qubit");
    return sv::CollapseQubit(state_, qubit, rng_);
  }

 private:
  absl::Status Flush(Circuit& unitary) {
    if (unitary.gates().empty()) return absl::OkStatus();
    absl::Status status = simulator_.Run(unitary, {}, state_);
    unitary = Circuit(state_.num_qubits());
    return status;
  }

  absl::Status Grow(int num_qubits) {
    if (num_qubits <= state_.num_qubits()) return absl::OkStatus();
    if (num_qubits > max_qubits_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          num_qubits, " qubits exceed the backend's limit of ", max_qubits_));
    }
    absl::StatusOr<sv::StateVector> grown = sv::StateVector::Create(num_qubits);
    if (!grown.ok()) return grown.status();
    for (size_t i = 0; i < state_.size(); ++i) grown->amplitudes()[i] = state_.amplitudes()[i];
    state_ = *std::move(grown);
    return absl::OkStatus();
  }

  const sv::Simulator& simulator_;
  int max_qubits_;
  std::mt19937_64& rng_;
  sv::StateVector state_;
};

}  // namespace

absl::StatusOr<DynamicShots> RunDynamicShots(const sv::Simulator& simulator,
                                             std::string_view source,
                                             const DynamicShotOptions& options,
                                             int64_t shots, uint64_t seed) {
  qasm::ParseOptions parse;
  parse.bindings = options.bindings;
  parse.max_operations = options.max_operations;
  parse.max_qubits = std::max(parse.max_qubits, options.max_qubits);
  std::mt19937_64 rng(seed);
  TrajectoryState state(simulator, options.max_qubits, rng);
  DynamicShots result;
  result.bits.reserve(static_cast<size_t>(std::max<int64_t>(shots, 0)));
  for (int64_t shot = 0; shot < shots; ++shot) {
    if (absl::Status s = state.Start(); !s.ok()) return s;
    absl::StatusOr<std::vector<int>> bits = qasm::RunShot(source, parse, state);
    if (!bits.ok()) return bits.status();
    if (bits->size() > 64) {
      return absl::ResourceExhaustedError(
          absl::StrCat(bits->size(), " classical bits exceed the limit of 64"));
    }
    result.num_qubits = state.num_qubits();
    result.num_clbits = static_cast<int>(bits->size());
    uint64_t value = 0;
    for (size_t b = 0; b < bits->size(); ++b) value |= uint64_t((*bits)[b] != 0) << b;
    result.bits.push_back(value);
  }
  return result;
}

}  // namespace qgrad::backends::local
