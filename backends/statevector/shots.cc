// Shot execution; see shots.h.
//
// Thread-safety: pure functions.
#include "backends/statevector/shots.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"

namespace qgrad::sv {
namespace {

// The circuit without measure, reset and barrier.
Circuit UnitaryPart(const Circuit& circuit) {
  Circuit u(circuit.num_qubits());
  u.DeclareParams(circuit.num_params());
  for (const Gate& g : circuit.gates()) {
    if (Info(g.kind).is_unitary) (void)u.Append(g);  // already validated
  }
  return u;
}

uint64_t SetBit(uint64_t reg, int bit, int value) {
  const uint64_t mask = uint64_t{1} << bit;
  return value ? (reg | mask) : (reg & ~mask);
}

absl::StatusOr<std::vector<uint64_t>> SampleTerminal(const Simulator& sim,
                                                     const Circuit& circuit,
                                                     absl::Span<const double> params,
                                                     const ShotOptions& options) {
  absl::StatusOr<StateVector> state = StateVector::Create(circuit.num_qubits());
  if (!state.ok()) return state.status();
  if (absl::Status s = sim.Run(UnitaryPart(circuit), params, *state); !s.ok()) return s;
  absl::StatusOr<std::vector<uint64_t>> basis = Sample(*state, options.shots, options.seed);
  if (!basis.ok()) return basis.status();
  std::vector<std::pair<int, int>> measure_map;  // (qubit, clbit), later writes win
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kMeasure) measure_map.emplace_back(g.qubits[0], g.clbit);
  }
  for (uint64_t& shot : *basis) {
    uint64_t reg = 0;
    for (auto [q, c] : measure_map) reg = SetBit(reg, c, int((shot >> q) & 1));
    shot = reg;
  }
  return basis;
}

absl::StatusOr<std::vector<uint64_t>> RunTrajectories(const Simulator& sim,
                                                      const Circuit& circuit,
                                                      absl::Span<const double> params,
                                                      const ShotOptions& options) {
  if (options.shots > options.max_trajectory_shots) {
    return absl::ResourceExhaustedError(absl::StrCat(
        options.shots, " shots of a circuit with mid-circuit measurement or reset exceed the "
        "limit of ", options.max_trajectory_shots, " (each shot is a full simulation)"));
  }
  // Unitary segments between non-unitary operations, fused once and reused every shot.
  struct Step {
    Circuit segment;
    const Gate* op = nullptr;  // measure or reset after the segment, if any
  };
  std::vector<Step> steps(1, Step{Circuit(circuit.num_qubits())});
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kBarrier) continue;
    if (Info(g.kind).is_unitary) {
      (void)steps.back().segment.Append(g);
      continue;
    }
    steps.back().op = &g;
    steps.push_back(Step{Circuit(circuit.num_qubits())});
  }
  absl::StatusOr<StateVector> state = StateVector::Create(circuit.num_qubits());
  if (!state.ok()) return state.status();
  std::mt19937_64 rng(options.seed);
  std::vector<uint64_t> shots(options.shots);
  for (uint64_t& reg : shots) {
    state->SetBasisState(0);
    reg = 0;
    for (const Step& step : steps) {
      if (absl::Status s = sim.Run(step.segment, params, *state); !s.ok()) return s;
      if (step.op == nullptr) continue;
      const int outcome = CollapseQubit(*state, step.op->qubits[0], rng);
      if (step.op->kind == GateKind::kMeasure) {
        reg = SetBit(reg, step.op->clbit, outcome);
      } else if (outcome == 1) {  // reset: flip back to |0⟩
        Gate x;
        x.kind = GateKind::kX;
        x.qubits = step.op->qubits;
        sim.ApplyGate(x, params, *state);
      }
    }
  }
  return shots;
}

}  // namespace

int CollapseQubit(StateVector& state, int qubit, std::mt19937_64& rng) {
  const uint64_t bit = uint64_t{1} << qubit;
  Amplitude* a = state.data();
  const uint64_t size = state.size();
  double p1 = 0;
  for (uint64_t i = 0; i < size; ++i) {
    if (i & bit) p1 += std::norm(a[i]);
  }
  const double total = state.NormSquared();
  const int outcome = std::uniform_real_distribution<double>(0, total)(rng) < p1 ? 1 : 0;
  const double kept = outcome ? p1 : total - p1;
  const double scale = kept > 0 ? 1 / std::sqrt(kept) : 0;
  for (uint64_t i = 0; i < size; ++i) {
    a[i] = (((i & bit) != 0) == (outcome == 1)) ? a[i] * scale : Amplitude(0);
  }
  return outcome;
}

absl::StatusOr<std::vector<uint64_t>> RunShots(const Simulator& simulator,
                                               const Circuit& circuit,
                                               absl::Span<const double> params,
                                               const ShotOptions& options) {
  if (options.shots < 0) return absl::InvalidArgumentError("shots must be >= 0");
  if (circuit.num_clbits() > kMaxClassicalBits) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxClassicalBits,
                                                   " classical bits, got ", circuit.num_clbits()));
  }
  if (int(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrCat("circuit has ", circuit.num_params(),
                                                   " parameters, got ", params.size()));
  }
  if (circuit.MeasurementsAreTerminal() &&
      std::none_of(circuit.gates().begin(), circuit.gates().end(),
                   [](const Gate& g) { return g.kind == GateKind::kReset; })) {
    return SampleTerminal(simulator, circuit, params, options);
  }
  return RunTrajectories(simulator, circuit, params, options);
}

std::map<uint64_t, int64_t> CountShots(absl::Span<const uint64_t> shots) {
  std::map<uint64_t, int64_t> counts;
  for (uint64_t s : shots) ++counts[s];
  return counts;
}

}  // namespace qgrad::sv
