// Bounds on a job spec that are known before any work starts: the caller's SpecLimits (the
// register, shots, start-circuit and Pauli-sum sizes), the magnitude bounds that keep the
// optimizers' arithmetic finite, and the checks that compare a size with them in 64-bit
// arithmetic before anything of that size is allocated.
//
// Thread-safety: values and pure functions.
#ifndef QGRAD_RUNNER_LIMITS_H_
#define QGRAD_RUNNER_LIMITS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

// The register bound of a spec without limits.max_qubits.
inline constexpr int kDefaultMaxQubits = 20;

// What the caller allows any spec (job.proto documents each where it applies).
struct SpecLimits {
  // Largest register; a spec's limits.max_qubits (default kDefaultMaxQubits) can only lower
  // it. 30 qubits are a 16 GiB state vector.
  int max_qubits = 30;
  // Shots one job may draw (Max-Cut sampling keeps each sample: 8 bytes a shot).
  int64_t max_shots = 1'000'000;
  // Gates of a start circuit (named ansatz, OpenQASM program after expansion, the
  // hardware-efficient baseline's ansatz), and so also its parameters: each gate is
  // simulated at every cost evaluation.
  int64_t max_start_gates = 10'000;
  // Terms of a Pauli sum, given as text or built from a molecule: each distinct X mask is
  // one pass over the state per evaluation.
  int64_t max_pauli_terms = 100'000;
};

// Magnitudes. Coefficients of costs (Pauli-sum and polynomial coefficients, Max-Cut weights,
// model couplings, the Hamiltonian built from an FCIDUMP): larger values would make the
// absolute tolerances meaningless; the bound keeps every sum and step (η·‖D‖) far from
// overflow.
inline constexpr double kMaxCoefficient = 1e6;
// Start parameters: angles are 2π-periodic; see optimizer::kMaxStartMagnitude.
inline constexpr double kMaxStartParam = 1e4;
// Absolute and relative nested step sizes.
inline constexpr double kMaxStepSize = 1e6;
// Outer iterations, layers, parameter-shift iterations.
inline constexpr int kMaxIterations = 100'000;
// limits.max_wall_seconds: one year.
inline constexpr double kMaxWallSeconds = 366.0 * 24 * 3600;

// The register bound a spec runs under: the smaller of its limits.max_qubits and the
// caller's max_qubits, with the name its errors report.
struct QubitLimit {
  int value = kDefaultMaxQubits;
  absl::string_view name;  // "limits.max_qubits" or "max_qubits"
};

// The caller's limits with the spec's register bound applied: what one job runs under.
// Defaults: a spec without limits under the default SpecLimits.
struct JobLimits {
  QubitLimit qubits = {kDefaultMaxQubits, "limits.max_qubits"};
  int64_t max_shots = SpecLimits{}.max_shots;
  int64_t max_start_gates = SpecLimits{}.max_start_gates;
  int64_t max_pauli_terms = SpecLimits{}.max_pauli_terms;
};
JobLimits ResolveLimits(const v1::Limits& spec_limits, const SpecLimits& limits);

// INVALID_ARGUMENT "path: must be >= lo, got v" (or "<= hi"; "in [lo, hi]" for a NaN).
absl::Status CheckRange(absl::string_view path, int64_t value, int64_t lo, int64_t hi);
absl::Status CheckRealRange(absl::string_view path, double value, double lo, double hi);
// The same for an optional field, which is fine when absent (it keeps its default).
absl::Status CheckRangeIfSet(bool has, absl::string_view path, int64_t value, int64_t lo,
                             int64_t hi);
absl::Status CheckRealRangeIfSet(bool has, absl::string_view path, double value, double lo,
                                 double hi);
// INVALID_ARGUMENT unless value is in (0, hi]: "path: must be > 0" or "must be <= hi, got v".
absl::Status CheckPositive(absl::string_view path, double value, double hi);
// INVALID_ARGUMENT unless |value| <= kMaxCoefficient.
absl::Status CheckCoefficient(absl::string_view path, double value);

// RESOURCE_EXHAUSTED "path: COUNT WHAT exceed LIMIT_NAME = LIMIT" when count > limit.
absl::Status CheckCount(absl::string_view path, int64_t count, absl::string_view what,
                        int64_t limit, absl::string_view limit_name);
// RESOURCE_EXHAUSTED "path: N qubits exceed max_qubits = M" when qubits > limit.value.
absl::Status CheckQubits(absl::string_view path, int64_t qubits, const QubitLimit& limit);
// INVALID_ARGUMENT when a coupling graph lists more edges than the n(n − 1)/2 distinct
// pairs of the problem's `num_qubits` (checked before the edges are copied).
absl::Status CheckCouplingCount(absl::string_view path, int64_t count, int num_qubits);
// RESOURCE_EXHAUSTED when `count` edges exceed the n(n − 1)/2 a simple graph on the limit's
// n qubits can have.
absl::Status CheckEdgeCount(absl::string_view path, int64_t count, const QubitLimit& limit);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_LIMITS_H_
