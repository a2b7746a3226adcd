// Dense test oracles (see dense_test_util.h).
//
// Thread-safety: free functions only.
#include "problems/dense_test_util.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

namespace qgrad::testing_util {
namespace {

Complex ITimes(int k) {
  static const Complex kPowers[] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  return kPowers[k & 3];
}

// Coefficient of P|b⟩ on |b ⊕ x⟩.
Complex PauliAmplitude(const PauliString& p, uint64_t b) {
  Complex a = ITimes(std::popcount(p.x & p.z));
  return std::popcount(p.z & b) % 2 ? -a : a;
}

void Rotate(std::vector<double>& a, int n, int p, int q) {
  const double apq = a[p * n + q];
  if (std::abs(apq) < 1e-300) return;
  const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
  const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
  const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
  for (int k = 0; k < n; ++k) {  // columns p, q
    const double akp = a[k * n + p], akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (int k = 0; k < n; ++k) {  // rows p, q
    const double apk = a[p * n + k], aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
}

double OffDiagonalNorm(const std::vector<double>& a, int n) {
  double off = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i != j) off += a[i * n + j] * a[i * n + j];
    }
  }
  return std::sqrt(off);
}

}  // namespace

State ApplyPauliSum(const PauliSum& op, const State& psi) {
  State out(psi.size());
  for (const PauliTerm& t : op.terms()) {
    for (uint64_t b = 0; b < psi.size(); ++b) {
      out[b ^ t.string.x] += t.coeff * PauliAmplitude(t.string, b) * psi[b];
    }
  }
  return out;
}

Complex Inner(const State& a, const State& b) {
  Complex s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::conj(a[i]) * b[i];
  return s;
}

Complex Expectation(const PauliSum& op, const State& psi) { return Inner(psi, ApplyPauliSum(op, psi)); }

Complex Expectation(const PauliString& p, const State& psi) {
  return Expectation(PauliSum({{Complex(1, 0), p}}), psi);
}

std::vector<uint64_t> SectorStates(int num_orbitals, int n_alpha, int n_beta) {
  std::vector<uint64_t> states;
  for (uint64_t b = 0; b < (uint64_t{1} << (2 * num_orbitals)); ++b) {
    const int up = std::popcount(b & 0x5555555555555555ULL);
    const int down = std::popcount(b & 0xAAAAAAAAAAAAAAAAULL);
    if (up == n_alpha && down == n_beta) states.push_back(b);
  }
  return states;
}

std::vector<double> SectorMatrix(const PauliSum& op, const std::vector<uint64_t>& basis,
                                 double* leak, double* max_imag) {
  const int n = static_cast<int>(basis.size());
  std::unordered_map<uint64_t, int> index;
  for (int i = 0; i < n; ++i) index[basis[i]] = i;
  std::vector<Complex> m(static_cast<size_t>(n) * n);
  std::unordered_map<uint64_t, Complex> outside;
  for (int col = 0; col < n; ++col) {
    outside.clear();
    for (const PauliTerm& t : op.terms()) {
      const uint64_t target = basis[col] ^ t.string.x;
      const Complex amp = t.coeff * PauliAmplitude(t.string, basis[col]);
      auto it = index.find(target);
      if (it == index.end()) {
        outside[target] += amp;
      } else {
        m[static_cast<size_t>(it->second) * n + col] += amp;
      }
    }
    for (const auto& [b, amp] : outside) *leak = std::max(*leak, std::abs(amp));
  }
  std::vector<double> real(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    real[i] = m[i].real();
    *max_imag = std::max(*max_imag, std::abs(m[i].imag()));
  }
  return real;
}

std::vector<double> SymmetricEigenvalues(std::vector<double> a, int n) {
  double frobenius = 0;
  for (double v : a) frobenius += v * v;
  // Eigenvalue errors are O(off²/gap), so stopping at round-off level of the norm suffices.
  const double tolerance = 1e-13 * (1.0 + std::sqrt(frobenius));
  for (int sweep = 0; sweep < 30 && OffDiagonalNorm(a, n) > tolerance; ++sweep) {
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) Rotate(a, n, p, q);
    }
  }
  std::vector<double> eig(n);
  for (int i = 0; i < n; ++i) eig[i] = a[i * n + i];
  std::sort(eig.begin(), eig.end());
  return eig;
}

}  // namespace qgrad::testing_util
