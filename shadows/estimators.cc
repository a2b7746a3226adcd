// The shadow estimators (shadow.h): per-setting means combined by median of means, and
// ρ̂|χ⟩. Per-setting work runs on OpenMP threads; every per-setting value is computed
// independently and every sum is taken in a fixed order, so results do not depend on the
// thread count. Thread-safe: pure functions.
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "shadows/median_of_means.h"
#include "shadows/pauli_rotation.h"
#include "shadows/readout.h"
#include "shadows/shadow.h"

namespace qgrad::shadows {
namespace {

using Amplitude = std::complex<double>;

// Largest register whose 2^n amplitudes a state argument may have.
constexpr int kMaxStateQubits = 40;

uint64_t RegisterMask(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

int ResolveThreads(int threads, uint64_t work) {
  // Below ~64k amplitude operations a parallel region costs more than it saves.
  if (work < (uint64_t{1} << 16)) return 1;
  return threads > 0 ? threads : omp_get_max_threads();
}

// 2^n + 1 for the Clifford inverse channel, as a double for any n ≤ 64.
double CliffordFactor(int n) { return std::ldexp(1.0, n) + 1.0; }

absl::Status ValidateEstimate(const Shadow& shadow, const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimatorOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateShadow(shadow); !s.ok()) return s;
  if (static_cast<int64_t>(shadow.settings.size()) < options.groups) {
    return absl::InvalidArgumentError(absl::StrCat("shadow has ", shadow.settings.size(),
                                                   " settings, fewer than the ",
                                                   options.groups, " median-of-means groups"));
  }
  return absl::OkStatus();
}

absl::Status ValidateState(const Shadow& shadow, size_t size, const char* what) {
  if (shadow.num_qubits > kMaxStateQubits || size != (size_t{1} << shadow.num_qubits)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " has ", size, " amplitudes; the ",
                                                   shadow.num_qubits,
                                                   "-qubit shadow needs 2^", shadow.num_qubits));
  }
  return absl::OkStatus();
}

std::vector<int64_t> SettingShots(const Shadow& shadow) {
  std::vector<int64_t> shots;
  shots.reserve(shadow.settings.size());
  for (const SettingData& s : shadow.settings) shots.push_back(s.shots);
  return shots;
}

// The settings grouped by equal Pauli basis, in order of first appearance.
std::vector<std::vector<size_t>> DistinctBases(const Shadow& shadow) {
  std::map<std::pair<uint64_t, uint64_t>, size_t> index;
  std::vector<std::vector<size_t>> groups;
  for (size_t k = 0; k < shadow.settings.size(); ++k) {
    const PauliString& b = shadow.settings[k].setting.basis;
    auto [it, inserted] = index.emplace(std::make_pair(b.x, b.z), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(k);
  }
  return groups;
}

// Σ_shots Π_{q∈mask} (−1)^{b_q} over a setting's outcomes; with readout mitigation each
// factor is the qubit's mitigated sign instead.
double SignedSum(const Shadow& shadow, const SettingData& data, uint64_t mask) {
  if (shadow.readout.empty()) {
    int64_t signed_count = 0;
    for (const auto& [outcome, count] : data.counts) {
      signed_count += (std::popcount(outcome & mask) & 1) ? -count : count;
    }
    return static_cast<double>(signed_count);
  }
  double sum = 0.0;
  for (const auto& [outcome, count] : data.counts) {
    double product = static_cast<double>(count);
    for (uint64_t m = mask; m != 0; m &= m - 1) {
      const int q = std::countr_zero(m);
      product *= internal::MitigatedSign(shadow.readout[q], (outcome >> q) & 1);
    }
    sum += product;
  }
  return sum;
}

// Mean over a Pauli setting's snapshots of Π_{q∈supp P} 3·[basis_q = P_q]·(−1)^{b_q}.
double PauliSnapshotMean(const Shadow& shadow, const SettingData& data, const PauliString& p) {
  const uint64_t support = p.x | p.z;
  const PauliString& basis = data.setting.basis;
  if ((basis.x & support) != p.x || (basis.z & support) != p.z) return 0.0;
  double scale = 1.0;
  for (int w = std::popcount(support); w > 0; --w) scale *= 3.0;
  return scale * SignedSum(shadow, data, support) / static_cast<double>(data.shots);
}

// Mean over a Clifford setting's snapshots of Tr(P ρ̂_b) = (2^n+1)·⟨b|U P U†|b⟩ (P ≠ I).
// U P U† is ±Z_S for some set S or has an X part (every value 0); the value at outcome b
// is then ⟨0|U P U†|0⟩·(−1)^{|b∩S|}, and S is read off the unit outcomes.
double CliffordSnapshotMean(const Shadow& shadow, const SettingData& data, const PauliString& p) {
  const Clifford& clifford = *data.setting.clifford;
  const int n = shadow.num_qubits;
  const int sign = clifford.PauliValue(0, p);
  if (sign == 0) return 0.0;
  uint64_t z_set = 0;
  for (int q = 0; q < n; ++q) {
    if (clifford.PauliValue(uint64_t{1} << q, p) != sign) z_set |= uint64_t{1} << q;
  }
  return CliffordFactor(n) * sign * SignedSum(shadow, data, z_set) /
         static_cast<double>(data.shots);
}

double SnapshotMean(const Shadow& shadow, const SettingData& data, const PauliString& p) {
  if (p.is_identity()) return 1.0;
  return shadow.ensemble == Ensemble::kPauli ? PauliSnapshotMean(shadow, data, p)
                                             : CliffordSnapshotMean(shadow, data, p);
}

absl::Status CheckStringInRegister(const PauliString& p, int n) {
  if (p.max_qubit() >= n) {
    return absl::InvalidArgumentError(absl::StrCat("Pauli string ", p.ToString(),
                                                   " acts beyond the ", n, "-qubit register"));
  }
  return absl::OkStatus();
}

// Per-setting fidelity means for a Pauli shadow: for each distinct basis, rotate φ into
// it, butterfly the outcome probabilities into g(b) = ⟨φ|snapshot(b)|φ⟩, and read g at
// every observed outcome of the settings with that basis.
void PauliFidelityValues(const Shadow& shadow, absl::Span<const Amplitude> phi, int threads,
                         std::vector<double>& values) {
  const int n = shadow.num_qubits;
  const uint64_t size = uint64_t{1} << n;
  const std::vector<std::vector<size_t>> bases = DistinctBases(shadow);
  const int64_t count = static_cast<int64_t>(bases.size());
  const int nt = ResolveThreads(threads, static_cast<uint64_t>(count) * size * n);
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    std::vector<Amplitude> rotated(size);
    std::vector<double> g(size);
#pragma omp for schedule(dynamic, 4)
    for (int64_t i = 0; i < count; ++i) {
      const PauliString& basis = shadow.settings[bases[i].front()].setting.basis;
      std::copy(phi.begin(), phi.end(), rotated.begin());
      internal::RotateIntoBasisUnnormalized(basis, n, rotated.data());
      const double scale = std::ldexp(1.0, -std::popcount(basis.x));
      for (uint64_t x = 0; x < size; ++x) g[x] = std::norm(rotated[x]) * scale;
      internal::SnapshotButterfly(n, g.data());
      if (!shadow.readout.empty()) {
        internal::ApplyInverseConfusionTransposed(shadow.readout, g.data());
      }
      for (size_t k : bases[i]) {
        const SettingData& data = shadow.settings[k];
        double sum = 0.0;
        for (const auto& [outcome, c] : data.counts) sum += static_cast<double>(c) * g[outcome];
        values[k] = sum / static_cast<double>(data.shots);
      }
    }
  }
}

// With readout mitigation every outcome's overlap is needed: F(b) = (2^n+1)|⟨b|U|φ⟩|² − 1
// for all b from the state U|φ⟩, then (A⁻¹)ᵀ F read at the observed outcomes.
void MitigatedCliffordFidelityValues(const Shadow& shadow, absl::Span<const Amplitude> phi,
                                     int threads, std::vector<double>& values) {
  const int n = shadow.num_qubits;
  const uint64_t size = uint64_t{1} << n;
  const int64_t count = static_cast<int64_t>(shadow.settings.size());
  const double factor = CliffordFactor(n);
  const int nt = ResolveThreads(threads, static_cast<uint64_t>(count) * size * n);
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    std::vector<Amplitude> rotated(size);
    std::vector<double> f(size);
#pragma omp for schedule(dynamic, 4)
    for (int64_t k = 0; k < count; ++k) {
      const SettingData& data = shadow.settings[k];
      std::copy(phi.begin(), phi.end(), rotated.begin());
      internal::ApplyClifford(*data.setting.clifford, /*adjoint=*/false, rotated.data());
      for (uint64_t x = 0; x < size; ++x) f[x] = factor * std::norm(rotated[x]) - 1.0;
      internal::ApplyInverseConfusionTransposed(shadow.readout, f.data());
      double sum = 0.0;
      for (const auto& [outcome, c] : data.counts) sum += static_cast<double>(c) * f[outcome];
      values[k] = sum / static_cast<double>(data.shots);
    }
  }
}

void CliffordFidelityValues(const Shadow& shadow, absl::Span<const Amplitude> phi, int threads,
                            std::vector<double>& values) {
  if (!shadow.readout.empty()) {
    return MitigatedCliffordFidelityValues(shadow, phi, threads, values);
  }
  const int n = shadow.num_qubits;
  const int64_t count = static_cast<int64_t>(shadow.settings.size());
  const double factor = CliffordFactor(n);
  const int nt = ResolveThreads(threads, static_cast<uint64_t>(count) << n);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4) if (nt > 1)
  for (int64_t k = 0; k < count; ++k) {
    const SettingData& data = shadow.settings[k];
    double sum = 0.0;
    for (const auto& [outcome, c] : data.counts) {
      const double overlap = std::norm(data.setting.clifford->Overlap(outcome, phi));
      sum += static_cast<double>(c) * (factor * overlap - 1.0);
    }
    values[k] = sum / static_cast<double>(data.shots);
  }
}

// acc += scale · U† diag(A⁻¹ h) U χ for the setting's histogram h: the projector part of
// ρ̂|χ⟩ with every prepared outcome weighted by its mitigated quasi-count.
void AddMitigatedCliffordTerm(const Shadow& shadow, const SettingData& data,
                              absl::Span<const Amplitude> chi, double scale,
                              std::vector<Amplitude>& acc) {
  const uint64_t size = uint64_t{1} << shadow.num_qubits;
  std::vector<double> h(size, 0.0);
  for (const auto& [outcome, c] : data.counts) h[outcome] += static_cast<double>(c);
  internal::ApplyInverseConfusion(shadow.readout, h.data());
  std::vector<Amplitude> v(chi.begin(), chi.end());
  internal::ApplyClifford(*data.setting.clifford, /*adjoint=*/false, v.data());
  for (uint64_t x = 0; x < size; ++x) v[x] *= h[x] * scale;
  internal::ApplyClifford(*data.setting.clifford, /*adjoint=*/true, v.data());
  for (uint64_t x = 0; x < size; ++x) acc[x] += v[x];
}

// Runs add(unit, out) for units [0, count) into `chunks` accumulators (a chunk takes a
// contiguous run of units, in order) and returns their sum in chunk order: the same bits
// for every thread count.
template <typename AddFn>
std::vector<Amplitude> ChunkedSum(int64_t count, uint64_t size, int threads, const AddFn& add) {
  // Chunk count from the problem alone (≤ 64, ≤ 128 MiB of accumulators).
  const int64_t by_memory =
      std::max<int64_t>(1, static_cast<int64_t>((uint64_t{1} << 27) / (size * sizeof(Amplitude))));
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>({count, 64, by_memory}));
  std::vector<std::vector<Amplitude>> partial(chunks);
  const int nt = std::min<int>(threads, static_cast<int>(chunks));
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1)
  for (int64_t c = 0; c < chunks; ++c) {
    partial[c].assign(size, Amplitude{});
    for (int64_t u = count * c / chunks; u < count * (c + 1) / chunks; ++u) add(u, partial[c]);
  }
  std::vector<Amplitude> total = std::move(partial[0]);
  for (int64_t c = 1; c < chunks; ++c) {
    for (uint64_t i = 0; i < size; ++i) total[i] += partial[c][i];
    std::vector<Amplitude>().swap(partial[c]);
  }
  return total;
}

// ρ̂'χ = (ρ̂χ − χ/2^n)/v + χ/2^n from ρ̂χ (the visibility rescaling, shadow.h).
std::vector<Amplitude> RescaledApplication(const Shadow& shadow, absl::Span<const Amplitude> chi,
                                           std::vector<Amplitude> applied) {
  const double v = shadow.visibility;
  if (v == 1.0) return applied;
  const double mixed = std::ldexp(1.0, -shadow.num_qubits);
  for (size_t x = 0; x < applied.size(); ++x) {
    applied[x] = (applied[x] - mixed * chi[x]) / v + mixed * chi[x];
  }
  return applied;
}

// An estimate of Tr(O ρ̂) read under the shadow's visibility rescaling (shadow.h): the
// part of O along the identity, `identity` = Tr(O)/2^n, is exact; the rest scales by 1/v.
Estimate Rescaled(const Shadow& shadow, Estimate e, double identity) {
  const double v = shadow.visibility;
  if (v == 1.0) return e;
  auto map = [&](double x) { return identity + (x - identity) / v; };
  e.value = map(e.value);
  e.low = map(e.low);
  e.high = map(e.high);
  e.std_error /= v;
  return e;
}

absl::Status ValidateReadout(const Shadow& shadow) {
  if (shadow.readout.empty()) return absl::OkStatus();
  if (static_cast<int>(shadow.readout.size()) != shadow.num_qubits) {
    return absl::InvalidArgumentError(absl::StrCat("readout errors given for ",
                                                   shadow.readout.size(), " qubits; the shadow has ",
                                                   shadow.num_qubits));
  }
  for (size_t q = 0; q < shadow.readout.size(); ++q) {
    const ReadoutError& e = shadow.readout[q];
    if (!(e.p01 >= 0.0 && e.p01 < 0.5 && e.p10 >= 0.0 && e.p10 < 0.5)) {
      return absl::InvalidArgumentError(absl::StrCat("qubit ", q, ": readout error p01 = ", e.p01,
                                                     ", p10 = ", e.p10, " (each must lie in [0, 0.5))"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEstimatorOptions(const EstimatorOptions& options) {
  if (options.groups < 1 || options.groups % 2 == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("median-of-means groups must be odd and >= 1, got ", options.groups));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("confidence must lie in (0, 1), got ", options.confidence));
  }
  if (options.threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat("threads must be >= 0, got ", options.threads));
  }
  return absl::OkStatus();
}

absl::Status ValidateShadow(const Shadow& shadow) {
  const int n = shadow.num_qubits;
  if (n < 1 || n > kMaxPauliQubits) {
    return absl::InvalidArgumentError(absl::StrCat("shadow has ", n, " qubits; need 1..64"));
  }
  if (shadow.settings.empty()) return absl::InvalidArgumentError("shadow has no settings");
  const uint64_t mask = RegisterMask(n);
  for (size_t k = 0; k < shadow.settings.size(); ++k) {
    const SettingData& data = shadow.settings[k];
    if (shadow.ensemble == Ensemble::kPauli) {
      if ((data.setting.basis.x | data.setting.basis.z) != mask) {
        return absl::InvalidArgumentError(absl::StrCat("setting ", k, ": Pauli basis ",
                                                       data.setting.basis.ToString(),
                                                       " is not a letter on each of ", n, " qubits"));
      }
    } else if (data.setting.clifford == nullptr || data.setting.clifford->num_qubits() != n) {
      return absl::InvalidArgumentError(
          absl::StrCat("setting ", k, ": missing Clifford or not on ", n, " qubits"));
    }
    int64_t total = 0;
    for (const auto& [outcome, count] : data.counts) {
      if ((outcome & ~mask) != 0 || count < 0) {
        return absl::InvalidArgumentError(absl::StrCat("setting ", k, ": bad outcome ", outcome,
                                                       " or count ", count));
      }
      total += count;
    }
    if (total != data.shots || data.shots <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("setting ", k, ": counts sum to ", total,
                                                     ", shots is ", data.shots,
                                                     " (must be equal and > 0)"));
    }
  }
  if (!(shadow.visibility > 0.0 && shadow.visibility <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("visibility must lie in (0, 1], got ", shadow.visibility));
  }
  return ValidateReadout(shadow);
}

absl::StatusOr<Estimate> EstimateExpectation(const Shadow& shadow, const PauliSum& observable,
                                             const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimate(shadow, options); !s.ok()) return s;
  if (!observable.IsHermitian()) {
    return absl::InvalidArgumentError("observable has non-real coefficients (not Hermitian)");
  }
  for (const PauliTerm& t : observable.terms()) {
    if (absl::Status s = CheckStringInRegister(t.string, shadow.num_qubits); !s.ok()) return s;
  }
  // The whole sum per setting, so that the interval sees the terms' covariances.
  std::vector<double> values(shadow.settings.size(), 0.0);
  for (size_t k = 0; k < shadow.settings.size(); ++k) {
    double v = 0.0;
    for (const PauliTerm& t : observable.terms()) {
      v += t.coeff.real() * SnapshotMean(shadow, shadow.settings[k], t.string);
    }
    values[k] = v;
  }
  double identity = 0.0;
  for (const PauliTerm& t : observable.terms()) {
    if (t.string.is_identity()) identity += t.coeff.real();
  }
  return Rescaled(shadow, internal::MedianOfMeans(values, SettingShots(shadow), options),
                  identity);
}

absl::StatusOr<std::vector<Estimate>> EstimatePauliExpectations(
    const Shadow& shadow, absl::Span<const PauliString> strings, const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimate(shadow, options); !s.ok()) return s;
  for (const PauliString& p : strings) {
    if (absl::Status s = CheckStringInRegister(p, shadow.num_qubits); !s.ok()) return s;
  }
  const std::vector<int64_t> shots = SettingShots(shadow);
  std::vector<Estimate> out;
  out.reserve(strings.size());
  std::vector<double> values(shadow.settings.size());
  for (const PauliString& p : strings) {
    for (size_t k = 0; k < shadow.settings.size(); ++k) {
      values[k] = SnapshotMean(shadow, shadow.settings[k], p);
    }
    out.push_back(Rescaled(shadow, internal::MedianOfMeans(values, shots, options),
                           p.is_identity() ? 1.0 : 0.0));
  }
  return out;
}

absl::StatusOr<std::vector<Estimate>> EstimateMatchedPauliExpectations(
    const Shadow& shadow, absl::Span<const PauliString> strings, const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimatorOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateShadow(shadow); !s.ok()) return s;
  if (shadow.ensemble != Ensemble::kPauli) {
    return absl::InvalidArgumentError("matched Pauli estimates need a Pauli-ensemble shadow");
  }
  for (const PauliString& p : strings) {
    if (absl::Status s = CheckStringInRegister(p, shadow.num_qubits); !s.ok()) return s;
  }
  std::vector<Estimate> out;
  out.reserve(strings.size());
  std::vector<double> values;
  std::vector<int64_t> shots;
  for (const PauliString& p : strings) {
    values.clear();
    shots.clear();
    const uint64_t support = p.x | p.z;
    for (const SettingData& data : shadow.settings) {
      const PauliString& basis = data.setting.basis;
      if ((basis.x & support) != p.x || (basis.z & support) != p.z) continue;
      values.push_back(SignedSum(shadow, data, support) / static_cast<double>(data.shots));
      shots.push_back(data.shots);
    }
    if (values.empty()) {
      out.push_back({.value = 0.0, .std_error = INFINITY, .low = -1.0, .high = 1.0,
                     .confidence = options.confidence, .snapshots = 0});
      continue;
    }
    EstimatorOptions adjusted = options;
    const int available = static_cast<int>(std::min<size_t>(values.size(), options.groups));
    adjusted.groups = available % 2 == 1 ? available : available - 1;
    out.push_back(Rescaled(shadow, internal::MedianOfMeans(values, shots, adjusted),
                           p.is_identity() ? 1.0 : 0.0));
  }
  return out;
}

absl::StatusOr<Estimate> EstimateFidelity(const Shadow& shadow, absl::Span<const Amplitude> phi,
                                          const EstimatorOptions& options) {
  if (absl::Status s = ValidateEstimate(shadow, options); !s.ok()) return s;
  if (absl::Status s = ValidateState(shadow, phi.size(), "state"); !s.ok()) return s;
  std::vector<double> values(shadow.settings.size(), 0.0);
  if (shadow.ensemble == Ensemble::kPauli) {
    PauliFidelityValues(shadow, phi, options.threads, values);
  } else {
    CliffordFidelityValues(shadow, phi, options.threads, values);
  }
  return Rescaled(shadow, internal::MedianOfMeans(values, SettingShots(shadow), options),
                  std::ldexp(1.0, -shadow.num_qubits));
}

absl::StatusOr<std::vector<Amplitude>> ApplyShadow(const Shadow& shadow,
                                                   absl::Span<const Amplitude> chi, int threads) {
  if (absl::Status s = ValidateShadow(shadow); !s.ok()) return s;
  if (absl::Status s = ValidateState(shadow, chi.size(), "chi"); !s.ok()) return s;
  if (threads < 0) return absl::InvalidArgumentError("threads must be >= 0");
  const int n = shadow.num_qubits;
  const uint64_t size = uint64_t{1} << n;
  const double total_shots = static_cast<double>(shadow.TotalShots());

  if (shadow.ensemble == Ensemble::kPauli) {
    // ρ̂ = (1/N) Σ_bases U† diag(h) U with h = M^{⊗n}(the basis's outcome histogram).
    const std::vector<std::vector<size_t>> bases = DistinctBases(shadow);
    const int64_t count = static_cast<int64_t>(bases.size());
    const int nt = ResolveThreads(threads, static_cast<uint64_t>(count) * size * n);
    std::vector<Amplitude> applied = ChunkedSum(count, size, nt, [&](int64_t i, std::vector<Amplitude>& out) {
      const PauliString& basis = shadow.settings[bases[i].front()].setting.basis;
      std::vector<double> h(size, 0.0);
      for (size_t k : bases[i]) {
        for (const auto& [outcome, c] : shadow.settings[k].counts) {
          h[outcome] += static_cast<double>(c);
        }
      }
      if (!shadow.readout.empty()) internal::ApplyInverseConfusion(shadow.readout, h.data());
      internal::SnapshotButterfly(n, h.data());
      std::vector<Amplitude> v(chi.begin(), chi.end());
      internal::RotateIntoBasisUnnormalized(basis, n, v.data());
      // Each unnormalized rotation scales by 2^{k/2}.
      const double scale = std::ldexp(1.0, -std::popcount(basis.x)) / total_shots;
      for (uint64_t x = 0; x < size; ++x) v[x] *= h[x] * scale;
      internal::RotateFromBasisUnnormalized(basis, n, v.data());
      for (uint64_t x = 0; x < size; ++x) out[x] += v[x];
    });
    return RescaledApplication(shadow, chi, std::move(applied));
  }

  // Clifford: (1/N) Σ_snapshots [(2^n+1)|s⟩⟨s|χ⟩ − χ] with s = U†|b⟩; the −χ terms sum to −χ
  // (mitigated quasi-counts sum to the shots too).
  const int64_t count = static_cast<int64_t>(shadow.settings.size());
  const double factor = CliffordFactor(n);
  const bool mitigated = !shadow.readout.empty();
  const int nt = ResolveThreads(threads, static_cast<uint64_t>(count) << n);
  std::vector<Amplitude> out =
      ChunkedSum(count, size, nt, [&](int64_t k, std::vector<Amplitude>& acc) {
        const SettingData& data = shadow.settings[k];
        if (mitigated) return AddMitigatedCliffordTerm(shadow, data, chi, factor / total_shots, acc);
        for (const auto& [outcome, c] : data.counts) {
          data.setting.clifford->AddProjection(outcome, chi,
                                               factor * static_cast<double>(c) / total_shots,
                                               absl::MakeSpan(acc));
        }
      });
  for (uint64_t x = 0; x < size; ++x) out[x] -= chi[x];
  return RescaledApplication(shadow, chi, std::move(out));
}

}  // namespace qgrad::shadows
