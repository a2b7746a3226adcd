// Pauli trajectories and readout error; see noise.h.
//
// Thread-safety: pure functions.
#include "backends/emulator/noise.h"

#include <random>

#include "backends/local/program.h"
#include "base/seed_mix.h"

namespace qgrad::backends::emulator {
namespace {

// A uniform double in [0, 1) from 53 bits of the generator.
double Uniform(std::mt19937_64& gen) { return double(gen() >> 11) * 0x1.0p-53; }

constexpr GateKind kPaulis[] = {GateKind::kX, GateKind::kY, GateKind::kZ};

// Appends one of the 4^k − 1 non-identity Paulis on `qubits`, uniformly.
void AppendRandomPauli(const std::vector<int>& qubits, std::mt19937_64& gen, Circuit& out) {
  const uint64_t choices = (uint64_t{1} << (2 * qubits.size())) - 1;
  uint64_t code = 1 + std::uniform_int_distribution<uint64_t>(0, choices - 1)(gen);
  for (int q : qubits) {
    const int letter = int(code & 3);  // 0 = I, 1 = X, 2 = Y, 3 = Z
    code >>= 2;
    if (letter != 0) (void)out.Add(kPaulis[letter - 1], {q});
  }
}

}  // namespace

std::vector<int> MeasuredQubits(const Circuit& circuit) {
  std::vector<int> qubit_of(size_t(circuit.num_clbits()), -1);
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kMeasure) qubit_of[size_t(g.clbit)] = g.qubits[0];
  }
  return qubit_of;
}

Circuit NoisyTrajectory(const Circuit& circuit, const NoiseModel& noise, uint64_t seed,
                        bool* any_error) {
  std::mt19937_64 gen(seed);
  Circuit out(circuit.num_qubits(), circuit.num_clbits());
  for (const Gate& g : circuit.gates()) {
    (void)out.Append(g);  // valid: it was appended to `circuit`
    if (!Info(g.kind).is_unitary) continue;
    const std::vector<int> qubits = g.AllQubits();
    if (qubits.empty()) continue;  // gphase
    const double p = qubits.size() == 1 ? noise.depolarizing_1q : noise.depolarizing_2q;
    if (p > 0 && Uniform(gen) < p) {
      AppendRandomPauli(qubits, gen, out);
      if (any_error != nullptr) *any_error = true;
    }
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> RunNoisy(const sv::Simulator& simulator,
                                               const Circuit& circuit, int64_t shots,
                                               const NoiseModel& noise, uint64_t seed,
                                               const std::atomic<bool>* cancelled) {
  const std::atomic<bool> never{false};
  const std::atomic<bool>& stop = cancelled != nullptr ? *cancelled : never;
  const int64_t trajectories =
      noise.HasGateNoise() ? std::max<int64_t>(1, std::min(shots, noise.max_trajectories)) : 1;
  local::Workspace workspace;  // one state vector reused by every trajectory
  std::vector<uint64_t> result;
  result.reserve(size_t(shots));
  // Runs `shots` shots of `c` with generator seed `s` and appends them.
  auto take = [&](const Circuit& c, int64_t n, uint64_t s) -> absl::Status {
    if (n == 0) return absl::OkStatus();
    local::PreparedProgram program{c, n};
    absl::StatusOr<ProgramResult> taken =
        local::RunProgram(simulator, program, s, /*memory=*/true, stop, &workspace);
    if (!taken.ok()) return taken.status();
    result.insert(result.end(), taken->memory.begin(), taken->memory.end());
    return absl::OkStatus();
  };
  // Trajectories that drew no error all run the circuit itself: their shots are pooled
  // into one run at the end (same distribution, far fewer simulations at low noise).
  int64_t clean_shots = 0;
  for (int64_t t = 0; t < trajectories && noise.HasGateNoise(); ++t) {
    if (stop.load(std::memory_order_relaxed)) return absl::CancelledError("job cancelled");
    const int64_t n = shots / trajectories + (t < shots % trajectories ? 1 : 0);
    bool any_error = false;
    Circuit noisy = NoisyTrajectory(circuit, noise, base::DeriveSeed(seed, 2 * t), &any_error);
    if (!any_error) {
      clean_shots += n;
      continue;
    }
    if (absl::Status s = take(noisy, n, base::DeriveSeed(seed, 2 * t + 1)); !s.ok()) return s;
  }
  if (!noise.HasGateNoise()) clean_shots = shots;
  if (absl::Status s = take(circuit, clean_shots, base::DeriveSeed(seed, 2 * trajectories + 1));
      !s.ok()) {
    return s;
  }
  // Readout error, from a generator of its own so that it does not depend on T.
  const std::vector<int> measured = MeasuredQubits(circuit);
  std::vector<std::pair<int, ReadoutError>> flips;  // (clbit, error) with a nonzero rate
  for (size_t c = 0; c < measured.size(); ++c) {
    if (measured[c] < 0) continue;
    const ReadoutError e = noise.ReadoutFor(measured[c]);
    if (e.p01 > 0 || e.p10 > 0) flips.emplace_back(int(c), e);
  }
  if (!flips.empty()) {
    std::mt19937_64 gen(base::DeriveSeed(seed, ~uint64_t{0}));
    for (uint64_t& shot : result) {
      for (const auto& [c, e] : flips) {
        const bool one = (shot >> c) & 1;
        if (Uniform(gen) < (one ? e.p10 : e.p01)) shot ^= uint64_t{1} << c;
      }
    }
  }
  return result;
}

}  // namespace qgrad::backends::emulator
