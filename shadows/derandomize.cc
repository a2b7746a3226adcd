// Derandomized Pauli settings (Huang, Kueng & Preskill, PRL 127, 030503 (2021)), written
// from the paper's description. Thread-safe: a pure function.
//
// The method of conditional expectations on the paper's confidence bound. With η = ε²/2,
// an observable O_ℓ of relative weight w_ℓ = |c_ℓ|/max|c| gets η_ℓ = η/w_ℓ and
// ν_ℓ = 1 − e^{−η_ℓ} (so a term with a larger coefficient needs proportionally more hits:
// its hits grow ∝ w_ℓ, the allocation that minimizes Σ c_ℓ²/hits_ℓ); the bound after
// settings P_1..P_M is Σ_ℓ Π_m (1 − ν_ℓ·[P_m hits O_ℓ]), where P hits O when it measures
// every qubit of O's support in O's letter. With the settings before m fixed, setting m
// decided on qubits < k and everything else uniformly random, its expectation is
//   Σ_ℓ e^{−η_ℓ h_ℓ} (1 − ν_ℓ p_ℓ) (1 − ν_ℓ 3^{−|O_ℓ|})^{M−m−1},
// h_ℓ the hits so far and p_ℓ the chance that setting m hits O_ℓ (0 after a mismatch,
// else 3^{−undecided support}). Each qubit letter is chosen to minimize it, which only
// involves the still-possible observables supported on that qubit. (With equal weights
// this is the unweighted bound of the paper.)
#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "shadows/shadow.h"

namespace qgrad::shadows {
namespace {

// ε² of the bound. A tuning constant: larger values favour spreading hits evenly.
constexpr double kEpsilonSquared = 0.9;

struct Target {
  PauliString string;
  double eta;         // η_ℓ
  double log_nu;      // log ν_ℓ
  double log_future;  // log(1 − ν_ℓ 3^{−|O_ℓ|}), once per setting still to come
  int hits = 0;
};

}  // namespace

absl::StatusOr<std::vector<Setting>> DerandomizedPauliSettings(const PauliSum& observables,
                                                               int num_qubits, int count) {
  if (count < 1) return absl::InvalidArgumentError(absl::StrCat("count must be >= 1, got ", count));
  if (num_qubits < 1 || num_qubits > kMaxPauliQubits) {
    return absl::InvalidArgumentError(absl::StrCat("num_qubits must be 1..64, got ", num_qubits));
  }
  if (observables.NumQubits() > num_qubits) {
    return absl::InvalidArgumentError(absl::StrCat("observables act on ", observables.NumQubits(),
                                                   " qubits, more than ", num_qubits));
  }
  const double eta = kEpsilonSquared / 2.0;

  PauliSum combined = observables;
  combined.Simplify();
  double top_weight = 0.0;
  for (const PauliTerm& t : combined.terms()) {
    if (!t.string.is_identity()) top_weight = std::max(top_weight, std::abs(t.coeff));
  }
  std::vector<Target> targets;
  for (const PauliTerm& t : combined.terms()) {
    if (t.string.is_identity() || std::abs(t.coeff) == 0.0) continue;
    const double eta_l = eta * top_weight / std::abs(t.coeff);
    const double nu_l = -std::expm1(-eta_l);
    targets.push_back({t.string, eta_l, std::log(nu_l),
                       std::log1p(-nu_l * std::pow(3.0, -t.string.weight())), 0});
  }
  // by_qubit[k]: the targets supported on qubit k.
  std::vector<std::vector<int>> by_qubit(num_qubits);
  for (int i = 0; i < static_cast<int>(targets.size()); ++i) {
    const uint64_t support = targets[i].string.x | targets[i].string.z;
    for (int k = 0; k < num_qubits; ++k) {
      if ((support >> k) & 1) by_qubit[k].push_back(i);
    }
  }

  static constexpr PauliLetter kLetters[] = {PauliLetter::kX, PauliLetter::kY, PauliLetter::kZ};
  std::vector<Setting> settings(count);
  std::vector<char> possible(targets.size());
  std::vector<double> log_a;
  for (int m = 0; m < count; ++m) {
    std::fill(possible.begin(), possible.end(), 1);
    PauliString& basis = settings[m].basis;
    for (int k = 0; k < num_qubits; ++k) {
      // Minimizing Σ a_ℓ (1 − ν_ℓ p_ℓ) is maximizing Σ a_ℓ ν_ℓ p_ℓ over the letter; the
      // terms are taken relative to the largest one so that long runs cannot underflow.
      const std::vector<int>& relevant = by_qubit[k];
      log_a.clear();
      double top = -INFINITY;
      for (int i : relevant) {
        const Target& t = targets[i];
        const uint64_t undecided = (t.string.x | t.string.z) >> k;  // includes qubit k
        // log of e^{−η_ℓ h_ℓ} (future factor) · ν_ℓ · 3^{−(undecided − 1)}: the weight of
        // O_ℓ in Σ ν_ℓ p_ℓ e^{...} if this qubit gets O_ℓ's letter.
        const double v = possible[i] ? -t.eta * t.hits + (count - m - 1) * t.log_future +
                                           t.log_nu -
                                           (std::popcount(undecided) - 1) * std::log(3.0)
                                     : -INFINITY;
        log_a.push_back(v);
        top = std::max(top, v);
      }
      double score[3] = {0.0, 0.0, 0.0};
      if (top > -INFINITY) {
        for (size_t j = 0; j < relevant.size(); ++j) {
          if (log_a[j] == -INFINITY) continue;
          const PauliLetter want = targets[relevant[j]].string.letter(k);
          for (int l = 0; l < 3; ++l) {
            if (kLetters[l] == want) score[l] += std::exp(log_a[j] - top);
          }
        }
      }
      int best = 0;  // ties go to the earliest of X, Y, Z
      for (int l = 1; l < 3; ++l) {
        if (score[l] > score[best]) best = l;
      }
      basis.set(k, kLetters[best]);
      for (int i : relevant) {
        if (targets[i].string.letter(k) != kLetters[best]) possible[i] = 0;
      }
    }
    for (size_t i = 0; i < targets.size(); ++i) targets[i].hits += possible[i];
  }
  return settings;
}

}  // namespace qgrad::shadows
