// Classical shadows (Huang, Kueng & Preskill, Nat. Phys. 16, 1050 (2020)): random
// measurement settings, the measurement data grouped by setting, and estimators with
// median-of-means confidence intervals. Pure statistics on classical data: seeded, no
// backend calls, no state-vector simulator; depends on core/ only.
//
// Conventions:
// - Qubit q of the measured register is bit q of an outcome (and of amplitude indices).
// - A Pauli setting measures qubit q in the eigenbasis of basis.letter(q) ∈ {X, Y, Z}:
//   the suffix applies h (X) or sdg; h (Y) before a Z measurement, so outcome bit 1 means
//   eigenvalue −1.
// - A Clifford setting applies a Clifford unitary U, then measures every qubit in Z.
// - A snapshot is one shot; the shadow ρ̂ is the mean of the snapshots' inverted channels:
//   Pauli ⊗_q (3 U_q†|b_q⟩⟨b_q|U_q − I), Clifford (2^n + 1) U†|b⟩⟨b|U − I.
//
// Thread-safety: values and pure functions; a Shadow is immutable once built and may be
// read from several threads.
#ifndef QGRAD_SHADOWS_SHADOW_H_
#define QGRAD_SHADOWS_SHADOW_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/pauli.h"
#include "shadows/clifford.h"

namespace qgrad::shadows {

enum class Ensemble { kPauli, kClifford };
const char* EnsembleName(Ensemble ensemble);  // "pauli", "clifford"

struct Setting {
  PauliString basis;                        // kPauli: a non-identity letter on every qubit
  std::shared_ptr<const Clifford> clifford;  // kClifford
};

// `count` settings drawn from std::mt19937_64(seed): Pauli bases uniform per qubit;
// Cliffords uniform over the n-qubit Clifford group (clifford.h).
std::vector<Setting> RandomSettings(Ensemble ensemble, int num_qubits, int count, uint64_t seed);

// Derandomized Pauli settings (Huang, Kueng & Preskill, PRL 127, 030503 (2021)): `count`
// settings chosen greedily, qubit by qubit, to minimize the confidence-bound cost function
// for estimating every term of `observables` (weights ∝ |coefficient|, identity terms
// ignored). Deterministic. INVALID_ARGUMENT for count < 1 or observables beyond num_qubits.
absl::StatusOr<std::vector<Setting>> DerandomizedPauliSettings(const PauliSum& observables,
                                                               int num_qubits, int count);

// OpenQASM 3 statements that rotate into the setting's basis and measure: qubit q is
// qubits[q], its outcome goes to bits[q] (operand texts such as "q[3]" and "s[3]"). Only
// stdgates.inc gates (h, sdg, s, cx, x, y, z).
std::string QasmSuffix(Ensemble ensemble, const Setting& setting,
                       absl::Span<const std::string> qubits, absl::Span<const std::string> bits);

// One setting's measurement data: outcome value (bit q = qubit q) and count, sorted by
// value, with shots = Σ counts.
struct SettingData {
  Setting setting;
  std::vector<std::pair<uint64_t, int64_t>> counts;
  int64_t shots = 0;
};

// A qubit's readout (measurement) error: prepared in |0⟩ it reads 1 with probability p01;
// prepared in |1⟩ it reads 0 with probability p10.
struct ReadoutError {
  double p01 = 0.0;
  double p10 = 0.0;
};

struct Shadow {
  Ensemble ensemble = Ensemble::kPauli;
  int num_qubits = 0;
  std::vector<SettingData> settings;
  // Readout-error mitigation: empty, or one entry per qubit. The estimators then invert
  // each qubit's confusion matrix A_q = [[1−p01, p10], [p01, 1−p10]] on the outcomes, which
  // makes them unbiased under independent readout errors. The intervals come from the
  // mitigated snapshots' own spread, so they widen by about 1/(1 − p01 − p10) per qubit an
  // estimate reads (a weight-k Pauli: k factors; a Clifford fidelity: all n).
  std::vector<ReadoutError> readout;
  // Global-depolarizing rescaling: with visibility v < 1 every estimator reads
  // ρ̂' = (ρ̂ − (1 − v) I/2^n) / v instead of ρ̂, the state σ of the model
  // ρ = v σ + (1 − v) I/2^n (v from VisibilityFromPurity). Traceless observables scale by
  // 1/v, fidelities map F ↦ (F − (1 − v)/2^n)/v; the intervals treat v as exact. In (0, 1].
  double visibility = 1.0;
  int64_t TotalShots() const;
};

struct EstimatorOptions {
  // Median of means over `groups` groups (odd, ≥ 1); setting k belongs to group k mod
  // groups, and a group's mean weighs its settings by their shots.
  int groups = 5;
  double confidence = 0.95;  // of the interval, in (0, 1)
  // OpenMP threads for the per-setting work (0 = the OpenMP default). Results are the same
  // bits for every thread count.
  int threads = 0;
};

// An estimate with a two-sided confidence interval. The standard error is that of the
// median of means: sqrt(c_K · s² / S) with s² the sample variance of the S per-setting
// means and c_K = K · Var(median of K standard normals), so the interval
// value ± z_{(1+confidence)/2} · std_error is calibrated for approximately normal group
// means (a few dozen snapshots per group).
struct Estimate {
  double value = 0.0;
  double std_error = 0.0;
  double low = 0.0;
  double high = 0.0;
  double confidence = 0.0;
  int64_t snapshots = 0;
};

// The median is biased when the group means are skewed (by a fraction of std_error in
// the tests); groups = 1 gives the plain shot-weighted mean, which is unbiased.
//
// INVALID_ARGUMENT for invalid options, an empty shadow, fewer settings than groups, or a
// shape mismatch (observable beyond the register, state of the wrong size).
absl::Status ValidateEstimatorOptions(const EstimatorOptions& options);
// The shadow's own consistency: 1 ≤ num_qubits ≤ 64, at least one setting, Pauli bases
// with a letter on exactly the register's qubits, Cliffords of the register's size,
// outcomes below 2^n, counts ≥ 0 summing to shots > 0, readout empty or one entry per qubit
// with p01, p10 in [0, 0.5). INVALID_ARGUMENT otherwise.
absl::Status ValidateShadow(const Shadow& shadow);

// Tr(O ρ̂) for a Hermitian Pauli sum O (the identity term counts exactly).
absl::StatusOr<Estimate> EstimateExpectation(const Shadow& shadow, const PauliSum& observable,
                                             const EstimatorOptions& options = {});
// One estimate per term (coefficient 1 each), sharing the snapshots.
absl::StatusOr<std::vector<Estimate>> EstimatePauliExpectations(
    const Shadow& shadow, absl::Span<const PauliString> strings,
    const EstimatorOptions& options = {});

// ⟨P⟩ per string from Pauli-ensemble data by the estimator of derandomized shadows
// (Huang, Kueng & Preskill 2021): the mean eigenvalue (−1)^{Σ_{q∈supp P} b_q} over the
// snapshots whose setting measures every qubit of P in P's letter ("hits" P), median of
// means over those settings only (setting j of the hitting ones in group j mod K, K
// lowered to the largest odd number ≤ their count). Unbiased for any fixed settings, so
// this — not EstimatePauliExpectations, whose 3^{|P|} weights assume uniformly random
// bases — is the estimator for DerandomizedPauliSettings data. A string no setting hits
// gets value 0, infinite std_error and the interval [−1, 1]; the identity is exact.
// `snapshots` counts those of the hitting settings.
// INVALID_ARGUMENT for a Clifford shadow and as EstimatePauliExpectations.
absl::StatusOr<std::vector<Estimate>> EstimateMatchedPauliExpectations(
    const Shadow& shadow, absl::Span<const PauliString> strings,
    const EstimatorOptions& options = {});

// ⟨φ|ρ̂|φ⟩ for a normalized state φ of 2^n amplitudes, O(n·2^n) per distinct setting
// (Pauli: rotate φ into the basis, then a per-qubit butterfly with [[2,−1],[−1,2]] over
// the outcome probabilities; Clifford: (2^n+1)|⟨b|U|φ⟩|² − 1 through the stabilizer state
// U†|b⟩).
absl::StatusOr<Estimate> EstimateFidelity(const Shadow& shadow,
                                          absl::Span<const std::complex<double>> phi,
                                          const EstimatorOptions& options = {});

// Tr ρ² of the measured state (readout mitigation applied; `visibility` ignored): the
// U-statistic of Tr(ρ̂_i ρ̂_j) over snapshot pairs from different settings, which is
// unbiased for independently drawn settings (random ones, not derandomized). Pauli:
// per-qubit factors over pairs of distinct outcomes; Clifford: a 4^n matrix per setting,
// so n ≤ 8. Settings beyond a work bound (5·10^7 outcome pairs; 2^22 Clifford amplitudes
// kept, 64 settings at n = 8) are left out. The standard error is 2·sd(u_i)/√S over the
// per-setting pair means u_i (first Hoeffding projection); `groups` is not used.
// INVALID_ARGUMENT as ValidateShadow, or fewer than two usable settings.
inline constexpr int kMaxCliffordPurityQubits = 8;
absl::StatusOr<Estimate> EstimatePurity(const Shadow& shadow, const EstimatorOptions& options = {});

// v of ρ = v σ + (1 − v) I/2^n with σ pure: Tr ρ² = v²(1 − 1/2^n) + 1/2^n solved for v,
// clamped to [0, 1].
double VisibilityFromPurity(double purity, int num_qubits);

// ρ̂|χ⟩ with ρ̂ the mean snapshot (so ⟨χ|ρ̂|χ⟩ is the fidelity estimate's plain mean and
// ∂/∂θ ⟨χ(θ)|ρ̂|χ(θ)⟩ = 2 Re⟨ρ̂χ|∂χ⟩). O(n·2^n) per distinct setting. `threads` as in
// EstimatorOptions (the same bits for every thread count).
absl::StatusOr<std::vector<std::complex<double>>> ApplyShadow(
    const Shadow& shadow, absl::Span<const std::complex<double>> chi, int threads = 0);

}  // namespace qgrad::shadows

#endif  // QGRAD_SHADOWS_SHADOW_H_
