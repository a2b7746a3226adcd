// Shot execution of circuits with measurements: the part of a device's job the local
// simulator does. Circuits whose measurements are terminal are simulated once and
// sampled; mid-circuit measurement and reset fall back to one seeded trajectory per shot
// (state collapse), so every program is executed faithfully.
//
// Thread-safety: pure functions of their arguments.
#ifndef QGRAD_BACKENDS_STATEVECTOR_SHOTS_H_
#define QGRAD_BACKENDS_STATEVECTOR_SHOTS_H_

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"

namespace qgrad::sv {

inline constexpr int kMaxClassicalBits = 64;

struct ShotOptions {
  int64_t shots = 1024;
  uint64_t seed = 1;
  // Shots above this count with mid-circuit measurement are refused (each is a whole
  // state-vector simulation).
  int64_t max_trajectory_shots = 100'000;
};

// Classical registers per shot: bit b of an entry is classical bit b (never-written bits
// are 0). The same seed gives the same shots. INVALID_ARGUMENT for shots < 0, more than
// 64 classical bits, short params; RESOURCE_EXHAUSTED for too many trajectory shots.
absl::StatusOr<std::vector<uint64_t>> RunShots(const Simulator& simulator,
                                               const Circuit& circuit,
                                               absl::Span<const double> params,
                                               const ShotOptions& options);

// Measures `qubit` with a draw from `rng`, collapsing and renormalizing the state; the
// outcome, 0 or 1. (What each trajectory does at a measurement or reset.)
int CollapseQubit(StateVector& state, int qubit, std::mt19937_64& rng);

// Shots grouped into counts keyed by the register value.
std::map<uint64_t, int64_t> CountShots(absl::Span<const uint64_t> shots);

}  // namespace qgrad::sv

#endif  // QGRAD_BACKENDS_STATEVECTOR_SHOTS_H_
