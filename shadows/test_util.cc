// Test helpers for shadows/ tests: dense oracles and simulated measurement data.
#include "shadows/test_util.h"

#include <cmath>
#include <map>

namespace qgrad::shadows::testing {

using C = std::complex<double>;

DenseMatrix Zero(int dim) { return {dim, Vec(static_cast<size_t>(dim) * dim)}; }
DenseMatrix Identity(int dim) {
  DenseMatrix m = Zero(dim);
  for (int i = 0; i < dim; ++i) m.at(i, i) = 1.0;
  return m;
}
DenseMatrix Kron(const DenseMatrix& a, const DenseMatrix& b) {
  DenseMatrix m = Zero(a.dim * b.dim);
  for (int i = 0; i < a.dim; ++i)
    for (int j = 0; j < a.dim; ++j)
      for (int k = 0; k < b.dim; ++k)
        for (int l = 0; l < b.dim; ++l) m.at(i * b.dim + k, j * b.dim + l) = a.at(i, j) * b.at(k, l);
  return m;
}
DenseMatrix Add(const DenseMatrix& a, const DenseMatrix& b, C scale_b) {
  DenseMatrix m = a;
  for (size_t i = 0; i < m.a.size(); ++i) m.a[i] += scale_b * b.a[i];
  return m;
}
Vec Apply(const DenseMatrix& m, const Vec& v) {
  Vec out(m.dim);
  for (int r = 0; r < m.dim; ++r)
    for (int c = 0; c < m.dim; ++c) out[r] += m.at(r, c) * v[c];
  return out;
}
C Dot(const Vec& a, const Vec& b) {
  C s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += std::conj(a[i]) * b[i];
  return s;
}

namespace {
DenseMatrix OneQubit(C a, C b, C c, C d) { return {2, {a, b, c, d}}; }
DenseMatrix LetterMatrix(PauliLetter l) {
  switch (l) {
    case PauliLetter::kX:
      return OneQubit(0, 1, 1, 0);
    case PauliLetter::kY:
      return OneQubit(0, C(0, -1), C(0, 1), 0);
    case PauliLetter::kZ:
      return OneQubit(1, 0, 0, -1);
    default:
      return Identity(2);
  }
}
DenseMatrix LetterRotation(PauliLetter l) {
  const double r = 1.0 / std::sqrt(2.0);
  if (l == PauliLetter::kX) return OneQubit(r, r, r, -r);
  if (l == PauliLetter::kY) return OneQubit(r, C(0, -r), r, C(0, r));  // H·S†
  return Identity(2);
}
// Kronecker product of per-qubit factors, qubit 0 on the lowest index bit.
template <typename Fn>
DenseMatrix PerQubit(int n, const Fn& factor) {
  DenseMatrix m = factor(0);
  for (int q = 1; q < n; ++q) m = Kron(factor(q), m);
  return m;
}
}  // namespace

DenseMatrix PauliMatrix(const PauliString& p, int n) {
  return PerQubit(n, [&](int q) { return LetterMatrix(p.letter(q)); });
}
DenseMatrix SumMatrix(const PauliSum& sum, int n) {
  DenseMatrix m = Zero(1 << n);
  for (const PauliTerm& t : sum.terms()) m = Add(m, PauliMatrix(t.string, n), t.coeff);
  return m;
}
DenseMatrix BasisRotation(const PauliString& basis, int n) {
  return PerQubit(n, [&](int q) { return LetterRotation(basis.letter(q)); });
}
DenseMatrix PauliSnapshot(const PauliString& basis, uint64_t outcome, int n) {
  return PerQubit(n, [&](int q) {
    const DenseMatrix u = LetterRotation(basis.letter(q));
    const int b = (outcome >> q) & 1;
    DenseMatrix m = Zero(2);  // 3 U†|b⟩⟨b|U − I
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) m.at(i, j) = 3.0 * std::conj(u.at(b, i)) * u.at(b, j) - (i == j ? 1.0 : 0.0);
    return m;
  });
}
DenseMatrix DenseShadow(const Shadow& shadow) {
  const int n = shadow.num_qubits;
  const int dim = 1 << n;
  DenseMatrix rho = Zero(dim);
  const double total = static_cast<double>(shadow.TotalShots());
  for (const SettingData& s : shadow.settings) {
    for (const auto& [read, count] : s.counts) {
      // Mitigation spreads a read outcome over the prepared ones.
      for (int b = 0; b < dim; ++b) {
        const double weight = PreparedWeight(shadow.readout, b, read);
        if (weight == 0.0) continue;
        DenseMatrix snap;
        if (shadow.ensemble == Ensemble::kPauli) {
          snap = PauliSnapshot(s.setting.basis, b, n);
        } else {
          const Vec st = s.setting.clifford->StabilizerState(b);
          snap = Zero(dim);
          for (int i = 0; i < dim; ++i)
            for (int j = 0; j < dim; ++j)
              snap.at(i, j) = (dim + 1.0) * st[i] * std::conj(st[j]) - (i == j ? 1.0 : 0.0);
        }
        rho = Add(rho, snap, weight * static_cast<double>(count) / total);
      }
    }
  }
  const double v = shadow.visibility;
  if (v == 1.0) return rho;
  rho = Add(rho, Identity(dim), -(1.0 - v) / dim);
  return Add(Zero(dim), rho, 1.0 / v);
}

double PreparedWeight(const std::vector<ReadoutError>& readout, uint64_t prepared, uint64_t read) {
  if (readout.empty()) return prepared == read ? 1.0 : 0.0;
  double weight = 1.0;
  for (size_t q = 0; q < readout.size(); ++q) {
    // The inverse of the confusion matrix [[a, b], [c, d]] = [[1−p01, p10], [p01, 1−p10]].
    const double a = 1.0 - readout[q].p01, b = readout[q].p10;
    const double c = readout[q].p01, d = 1.0 - readout[q].p10;
    const double det = a * d - b * c;
    const double inverse[2][2] = {{d / det, -b / det}, {-c / det, a / det}};
    weight *= inverse[(prepared >> q) & 1][(read >> q) & 1];
  }
  return weight;
}

void AddReadoutErrors(const std::vector<ReadoutError>& readout, std::mt19937_64& rng,
                      Shadow& shadow) {
  for (SettingData& s : shadow.settings) {
    std::map<uint64_t, int64_t> flipped;
    for (const auto& [outcome, count] : s.counts) {
      for (int64_t shot = 0; shot < count; ++shot) {
        uint64_t read = outcome;
        for (size_t q = 0; q < readout.size(); ++q) {
          const bool one = (outcome >> q) & 1;
          if (Uniform(rng) < (one ? readout[q].p10 : readout[q].p01)) read ^= uint64_t{1} << q;
        }
        ++flipped[read];
      }
    }
    s.counts.assign(flipped.begin(), flipped.end());
  }
}

double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

Vec RandomState(int n, std::mt19937_64& rng) {
  Vec v(size_t{1} << n);
  double norm = 0.0;
  for (C& a : v) {
    // Box–Muller normals give a Haar-random direction.
    const double r = std::sqrt(-2.0 * std::log(1.0 - Uniform(rng)));
    const double t = 2.0 * M_PI * Uniform(rng);
    a = C(r * std::cos(t), r * std::sin(t));
    norm += std::norm(a);
  }
  for (C& a : v) a /= std::sqrt(norm);
  return v;
}

PauliSum RandomPauliSum(int n, int terms, std::mt19937_64& rng, int max_weight) {
  PauliSum sum;
  sum.AddTerm(Uniform(rng) - 0.5, PauliString{});
  for (int t = 0; t < terms; ++t) {
    PauliString p;
    const int weight = 1 + static_cast<int>(rng() % std::min(n, max_weight));
    for (int w = 0; w < weight; ++w) p.set(static_cast<int>(rng() % n), static_cast<PauliLetter>(1 + rng() % 3));
    if (p.is_identity()) p.set(0, PauliLetter::kZ);
    sum.AddTerm(2.0 * Uniform(rng) - 1.0, p);
  }
  return sum;
}

Shadow SimulateShadow(Ensemble ensemble, const Vec& psi, int n, const std::vector<Setting>& settings,
                      int shots, std::mt19937_64& rng, double visibility) {
  Shadow shadow;
  shadow.ensemble = ensemble;
  shadow.num_qubits = n;
  const int dim = 1 << n;
  for (const Setting& s : settings) {
    std::vector<double> prob(dim);
    if (ensemble == Ensemble::kPauli) {
      // ⊗_q U_q one qubit at a time (the Kronecker product of BasisRotation, without
      // building it: this runs for every setting of every seed).
      Vec rotated = psi;
      for (int q = 0; q < n; ++q) {
        const DenseMatrix u = LetterRotation(s.basis.letter(q));
        for (int i = 0; i < dim; ++i) {
          if ((i >> q) & 1) continue;
          const C a0 = rotated[i], a1 = rotated[i | (1 << q)];
          rotated[i] = u.at(0, 0) * a0 + u.at(0, 1) * a1;
          rotated[i | (1 << q)] = u.at(1, 0) * a0 + u.at(1, 1) * a1;
        }
      }
      for (int b = 0; b < dim; ++b) prob[b] = std::norm(rotated[b]);
    } else {
      for (int b = 0; b < dim; ++b) prob[b] = std::norm(Dot(s.clifford->StabilizerState(b), psi));
    }
    std::map<uint64_t, int64_t> counts;
    for (int k = 0; k < shots; ++k) {
      if (visibility < 1.0 && Uniform(rng) >= visibility) {  // the maximally mixed part
        ++counts[static_cast<uint64_t>(Uniform(rng) * dim)];
        continue;
      }
      double u = Uniform(rng);
      int b = 0;
      while (b < dim - 1 && u >= prob[b]) u -= prob[b++];
      ++counts[b];
    }
    SettingData data{s, {counts.begin(), counts.end()}, shots};
    shadow.settings.push_back(std::move(data));
  }
  return shadow;
}

}  // namespace qgrad::shadows::testing
