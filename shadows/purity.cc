// EstimatePurity and VisibilityFromPurity (see shadow.h).
//
// Tr ρ² from a shadow is the U-statistic over pairs of snapshots taken in different
// settings: E Tr(ρ̂_i ρ̂_j) = Tr ρ² only when the two settings were drawn independently
// (two shots of one setting share its basis, so their pair is biased).
//
// Thread-safety: pure functions; OpenMP threads over settings write disjoint rows.
#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "omp.h"
#include "shadows/median_of_means.h"
#include "shadows/readout.h"
#include "shadows/shadow.h"

namespace qgrad::shadows {
namespace {

using Amplitude = std::complex<double>;

// Work bounds: pairs of distinct outcomes across settings (Pauli) or setting pairs × 4^n
// (Clifford); the estimate uses the first settings that fit, which are as random as all.
// Each pair is evaluated from both sides (per-setting sums, no S × S matrix).
constexpr double kMaxPairWork = 5e7;
constexpr double kMaxCliffordMemory = double(int64_t{1} << 22);  // amplitudes kept

int UsablePauliSettings(const Shadow& shadow) {
  double outcomes = 0.0, pairs = 0.0;
  int used = 0;
  for (const SettingData& data : shadow.settings) {
    const double k = static_cast<double>(data.counts.size());
    if (pairs + outcomes * k > kMaxPairWork) break;
    pairs += outcomes * k;
    outcomes += k;
    ++used;
  }
  return used;
}

int UsableCliffordSettings(const Shadow& shadow) {
  const double d2 = std::ldexp(1.0, 2 * shadow.num_qubits);
  const double fit = std::min(std::sqrt(2.0 * kMaxPairWork / d2) + 1.0, kMaxCliffordMemory / d2);
  return static_cast<int>(std::min<double>(static_cast<double>(shadow.settings.size()), fit));
}

// Pauli: per qubit Tr(ρ̂_a ρ̂_b) = 1/2 + 9/2 · [same basis] · s_a s_b with s = ±1 the
// outcome's eigenvalue (or its mitigated value), so a pair of snapshots contributes
// (1/2)^{n−|A|} Π_{q∈A} (1/2 + 9/2 s_a(q) s_b(q)) over the qubits A measured alike.
double PauliPairSum(const Shadow& shadow, const SettingData& a, const SettingData& b) {
  const int n = shadow.num_qubits;
  const uint64_t same = ~((a.setting.basis.x ^ b.setting.basis.x) |
                          (a.setting.basis.z ^ b.setting.basis.z)) &
                        (n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1);
  const int alike = std::popcount(same);
  // 5^(alike − k) · (−4)^k for k qubits measured alike that read differently.
  double by_differing[65];
  by_differing[0] = std::ldexp(std::pow(5.0, alike), -(n - alike));
  for (int k = 1; k <= alike; ++k) by_differing[k] = by_differing[k - 1] * (-4.0 / 5.0);
  double sum = 0.0;
  for (const auto& [x, cx] : a.counts) {
    for (const auto& [y, cy] : b.counts) {
      double product;
      if (shadow.readout.empty()) {
        product = by_differing[std::popcount((x ^ y) & same)];
      } else {
        product = std::ldexp(1.0, -(n - alike));
        for (uint64_t m = same; m != 0; m &= m - 1) {
          const int q = std::countr_zero(m);
          const ReadoutError& e = shadow.readout[q];
          product *= 0.5 + 4.5 * internal::MitigatedSign(e, (x >> q) & 1) *
                               internal::MitigatedSign(e, (y >> q) & 1);
        }
      }
      sum += product * static_cast<double>(cx) * static_cast<double>(cy);
    }
  }
  return sum;
}

// Clifford: a setting's snapshots sum to (2^n+1) P − N·I with P = U† diag(h) U (h the
// histogram, or its mitigated quasi-counts), so a pair of settings contributes
// (d+1)² Tr(P_a P_b) − 2(d+1) N_a N_b + d N_a N_b.
std::vector<Amplitude> CliffordProjectorSum(const Shadow& shadow, const SettingData& data) {
  const uint64_t d = uint64_t{1} << shadow.num_qubits;
  std::vector<double> h(d, 0.0);
  for (const auto& [outcome, c] : data.counts) h[outcome] += static_cast<double>(c);
  if (!shadow.readout.empty()) internal::ApplyInverseConfusion(shadow.readout, h.data());
  std::vector<Amplitude> p(d * d, 0.0);
  for (uint64_t x = 0; x < d; ++x) {
    if (h[x] == 0.0) continue;
    const std::vector<Amplitude> s = data.setting.clifford->StabilizerState(x);
    for (uint64_t r = 0; r < d; ++r) {
      for (uint64_t c = 0; c < d; ++c) p[r * d + c] += h[x] * s[r] * std::conj(s[c]);
    }
  }
  return p;
}

}  // namespace

absl::StatusOr<Estimate> EstimatePurity(const Shadow& shadow, const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimatorOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateShadow(shadow); !s.ok()) return s;
  const int n = shadow.num_qubits;
  const bool pauli = shadow.ensemble == Ensemble::kPauli;
  if (!pauli && n > kMaxCliffordPurityQubits) {
    return absl::InvalidArgumentError(
        absl::StrCat("purity of a Clifford shadow needs 4^n memory per setting; n = ", n));
  }
  const double d = std::ldexp(1.0, n);
  const int used = pauli ? UsablePauliSettings(shadow) : UsableCliffordSettings(shadow);
  if (used < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "purity needs snapshots from two settings that fit the work bound; the shadow has ",
        shadow.settings.size(), " settings of ", n, " qubits"));
  }
  std::vector<std::vector<Amplitude>> projectors(pauli ? 0 : used);
  // Per setting i: Σ_{j≠i} of the pair sums, in order of j (the same bits for any thread
  // count).
  std::vector<double> row_sums(used, 0.0);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
#pragma omp parallel num_threads(threads)
  {
    if (!pauli) {
#pragma omp for schedule(dynamic, 1)
      for (int i = 0; i < used; ++i) projectors[i] = CliffordProjectorSum(shadow, shadow.settings[i]);
    }
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < used; ++i) {
      const SettingData& a = shadow.settings[i];
      double row = 0.0;
      for (int j = 0; j < used; ++j) {
        if (j == i) continue;
        const SettingData& b = shadow.settings[j];
        if (pauli) {
          row += PauliPairSum(shadow, a, b);
          continue;
        }
        double trace = 0.0;  // Tr(P_a P_b) = Σ P_a[r][c] · conj(P_b[r][c]) for Hermitian P
        for (size_t k = 0; k < projectors[i].size(); ++k) {
          trace += (projectors[i][k] * std::conj(projectors[j][k])).real();
        }
        const double shots = static_cast<double>(a.shots) * static_cast<double>(b.shots);
        row += (d + 1) * (d + 1) * trace - 2 * (d + 1) * shots + d * shots;
      }
      row_sums[i] = row;
    }
  }
  // The U-statistic, and its standard error from the first Hoeffding projection:
  // Var(U) ≈ 4 Var(u_i) / S with u_i the mean over the pairs of setting i.
  double total = 0.0, total_weight = 0.0, shots_used = 0.0;
  for (int i = 0; i < used; ++i) shots_used += static_cast<double>(shadow.settings[i].shots);
  std::vector<double> u(used);
  for (int i = 0; i < used; ++i) {
    const double shots = static_cast<double>(shadow.settings[i].shots);
    const double weight = shots * (shots_used - shots);
    u[i] = row_sums[i] / weight;
    total += row_sums[i];
    total_weight += weight;
  }
  Estimate out;
  out.value = total / total_weight;
  double spread = 0.0;
  for (double x : u) spread += (x - out.value) * (x - out.value);
  out.std_error = 2.0 * std::sqrt(spread / (used - 1) / used);
  const double z = internal::NormalQuantile(0.5 + options.confidence / 2.0);
  out.low = out.value - z * out.std_error;
  out.high = out.value + z * out.std_error;
  out.confidence = options.confidence;
  for (int i = 0; i < used; ++i) out.snapshots += shadow.settings[i].shots;
  return out;
}

double VisibilityFromPurity(double purity, int num_qubits) {
  const double d = std::ldexp(1.0, num_qubits);
  const double v2 = (purity - 1.0 / d) / (1.0 - 1.0 / d);
  return std::sqrt(std::clamp(v2, 0.0, 1.0));
}

}  // namespace qgrad::shadows
