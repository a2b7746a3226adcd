// Polynomial costs (see polynomial.h).
//
// Thread-safety: immutable values; no shared mutable state.
#include "problems/polynomial.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad {
namespace {

constexpr size_t kMaxSymmetrizedTerms = 1000000;

uint64_t LowMask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

std::vector<PauliString> SplitRegisters(const PauliString& s, int degree, int n) {
  std::vector<PauliString> factors(degree);
  for (int k = 0; k < degree; ++k) {
    factors[k] = {(s.x >> (k * n)) & LowMask(n), (s.z >> (k * n)) & LowMask(n)};
  }
  return factors;
}

// Tuples of register strings ordered lexicographically, for maps keyed by a term's factors.
struct TupleLess {
  bool operator()(const std::vector<PauliString>& a, const std::vector<PauliString>& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
};
using TupleMap = std::map<std::vector<PauliString>, double, TupleLess>;

// Memoizes the callback: a shadow estimate may be expensive, and the same register string
// appears in many terms.
class CachedExpectation {
 public:
  explicit CachedExpectation(const PolynomialCost::Expectation& f) : f_(f) {}
  double operator()(const PauliString& s) {
    auto [it, inserted] = cache_.try_emplace(std::make_pair(s.x, s.z), 0.0);
    if (inserted) it->second = f_(s);
    return it->second;
  }

 private:
  const PolynomialCost::Expectation& f_;
  absl::flat_hash_map<std::pair<uint64_t, uint64_t>, double> cache_;
};

size_t Arrangements(const std::vector<PauliString>& sorted) {
  // Distinct orderings of a multiset: p! / Π m_i!, computed incrementally to stay exact.
  size_t count = 1, run = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    run = (i > 0 && sorted[i] == sorted[i - 1]) ? run + 1 : 1;
    count = count * (i + 1) / run;
  }
  return count;
}

}  // namespace

absl::StatusOr<PolynomialCost> PolynomialCost::Create(const PauliSum& a, int degree, int n) {
  if (degree < 2) return absl::InvalidArgumentError(absl::StrCat("degree=", degree, " must be >= 2"));
  if (n < 1) return absl::InvalidArgumentError(absl::StrCat("num_qubits=", n, " must be >= 1"));
  if (int64_t{degree} * n > kMaxPauliQubits) {  // 64-bit: a 32-bit product can wrap
    return absl::InvalidArgumentError(absl::StrCat("degree=", degree, " x num_qubits=", n,
                                                   " exceeds ", kMaxPauliQubits, " qubits"));
  }
  PauliSum simplified = a;
  simplified.Simplify();
  std::vector<Term> terms;
  for (const PauliTerm& t : simplified.terms()) {
    if (t.string.max_qubit() >= degree * n) {
      return absl::InvalidArgumentError(absl::StrCat("A's term ", t.string.ToString(), " acts beyond the ",
                                                     degree * n, " qubits of degree x num_qubits"));
    }
    if (!(std::abs(t.coeff.imag()) <= 1e-12 * std::max(1.0, std::abs(t.coeff)))) {
      return absl::InvalidArgumentError(absl::StrCat("A's term ", t.string.ToString(),
                                                     " has a complex coefficient; A must be Hermitian"));
    }
    terms.push_back({t.coeff.real(), SplitRegisters(t.string, degree, n)});
  }
  return PolynomialCost(degree, n, std::move(terms));
}

bool PolynomialCost::IsSymmetric(double tolerance) const {
  TupleMap coeffs;
  for (const Term& t : terms_) coeffs[t.factors] += t.coeff;
  // Adjacent transpositions generate all permutations.
  for (const auto& [factors, c] : coeffs) {
    for (int k = 0; k + 1 < degree_; ++k) {
      std::vector<PauliString> swapped = factors;
      std::swap(swapped[k], swapped[k + 1]);
      auto it = coeffs.find(swapped);
      const double other = it == coeffs.end() ? 0.0 : it->second;
      if (!(std::abs(other - c) <= tolerance)) return false;
    }
  }
  return true;
}

absl::StatusOr<PolynomialCost> PolynomialCost::Symmetrized() const {
  // Averaging over permutations spreads each multiset's total weight evenly over its
  // distinct arrangements.
  TupleMap orbit_weight;
  for (const Term& t : terms_) {
    std::vector<PauliString> sorted = t.factors;
    std::sort(sorted.begin(), sorted.end());
    orbit_weight[sorted] += t.coeff;
  }
  std::vector<Term> terms;
  for (auto& [sorted, weight] : orbit_weight) {
    const size_t count = Arrangements(sorted);
    if (terms.size() + count > kMaxSymmetrizedTerms) {
      return absl::ResourceExhaustedError(
          absl::StrCat("symmetrized A would have more than ", kMaxSymmetrizedTerms, " terms"));
    }
    std::vector<PauliString> arrangement = sorted;
    do {
      terms.push_back({weight / static_cast<double>(count), arrangement});
    } while (std::next_permutation(arrangement.begin(), arrangement.end()));
  }
  return PolynomialCost(degree_, num_qubits_, std::move(terms));
}

PauliSum PolynomialCost::ToPauliSum() const {
  PauliSum a;
  for (const Term& t : terms_) {
    PauliString s;
    for (int k = 0; k < degree_; ++k) {
      s.x |= t.factors[k].x << (k * num_qubits_);
      s.z |= t.factors[k].z << (k * num_qubits_);
    }
    a.AddTerm(t.coeff, s);
  }
  a.Simplify();
  return a;
}

double PolynomialCost::Value(const Expectation& expectation) const {
  CachedExpectation e(expectation);
  double f = 0.0;
  for (const Term& t : terms_) {
    double product = t.coeff;
    for (const PauliString& p : t.factors) product *= e(p);
    f += product;
  }
  return f;
}

PauliSum PolynomialCost::GradientOperator(const Expectation& expectation) const {
  CachedExpectation e(expectation);
  PauliSum d;
  std::vector<double> values(degree_);
  for (const Term& t : terms_) {
    for (int i = 0; i < degree_; ++i) values[i] = e(t.factors[i]);
    for (int k = 0; k < degree_; ++k) {
      // Π_{i≠k} directly rather than Π/⟨P^(k)⟩: the latter fails when ⟨P^(k)⟩ = 0.
      double product = t.coeff;
      for (int i = 0; i < degree_; ++i) {
        if (i != k) product *= values[i];
      }
      d.AddTerm(product, t.factors[k]);
    }
  }
  d.Simplify();
  return d;
}

PolynomialCost PaperQuarticPolynomial(bool include_y) {
  PauliSum a;
  const uint64_t all = 0xF;
  a.AddTerm(1.0, PauliString{all, 0});  // X⊗X⊗X⊗X
  a.AddTerm(1.0, PauliString{0, all});  // Z⊗Z⊗Z⊗Z
  if (include_y) a.AddTerm(1.0, PauliString{all, all});  // (x, z) = (1, 1) is the letter Y
  return *PolynomialCost::Create(a, /*degree=*/2, /*num_qubits=*/2);
}

double PaperNormalizedCost(double f, std::complex<double> x0) {
  const double n2 = std::norm(x0);
  return f / (n2 * n2);
}

}  // namespace qgrad
