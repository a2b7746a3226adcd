// Tests of shadows/clifford.h against independent dense oracles: the 2^n × 2^n unitary
// built in this file from textbook gate matrices, Pauli matrices as Kronecker products
// (backends/statevector/dense_reference.h), and the qasm parser followed by the dense
// reference simulation. Uniformity is checked by counting distinct Cliffords, identified
// by their dense matrices modulo global phase. Single-threaded.
#include "shadows/clifford.h"

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/statevector/dense_reference.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"

namespace qgrad::shadows {
namespace {

using C = std::complex<double>;
using Kind = CliffordGate::Kind;
using sv::testing::Dense;

constexpr double kTol = 1e-12;

// ---------------------------------------------------------------------------------------
// Test helpers: textbook dense model.

// The 2×2 textbook matrix of a one-qubit gate, row-major.
std::array<C, 4> TestOneQubitMatrix(Kind kind) {
  const double r = 1.0 / std::sqrt(2.0);
  const C i(0, 1);
  switch (kind) {
    case Kind::kH: return {r, r, r, -r};
    case Kind::kS: return {1, 0, 0, i};
    case Kind::kSdg: return {1, 0, 0, -i};
    case Kind::kX: return {0, 1, 1, 0};
    case Kind::kY: return {0, -i, i, 0};
    case Kind::kZ: return {1, 0, 0, -1};
    case Kind::kCx: break;
  }
  ADD_FAILURE() << "not a one-qubit gate";
  return {};
}

// The dense unitary U = G_m ⋯ G_1 of the gate list: every gate applied to every column
// (qubit q is bit q of the index).
Dense TestDenseUnitary(const Clifford& c) {
  const size_t dim = size_t{1} << c.num_qubits();
  std::vector<std::vector<C>> columns(dim, std::vector<C>(dim));
  for (size_t col = 0; col < dim; ++col) columns[col][col] = 1;
  for (const CliffordGate& g : c.gates()) {
    if (g.kind == Kind::kCx) {
      const size_t cbit = size_t{1} << g.control, tbit = size_t{1} << g.target;
      for (std::vector<C>& v : columns) {
        for (size_t k = 0; k < dim; ++k) {
          if ((k & cbit) && !(k & tbit)) std::swap(v[k], v[k | tbit]);
        }
      }
      continue;
    }
    const std::array<C, 4> m = TestOneQubitMatrix(g.kind);
    const size_t tbit = size_t{1} << g.target;
    for (std::vector<C>& v : columns) {
      for (size_t k = 0; k < dim; ++k) {
        if (k & tbit) continue;
        const C a = v[k], b = v[k | tbit];
        v[k] = m[0] * a + m[1] * b;
        v[k | tbit] = m[2] * a + m[3] * b;
      }
    }
  }
  Dense u{dim, std::vector<C>(dim * dim)};
  for (size_t col = 0; col < dim; ++col) {
    for (size_t row = 0; row < dim; ++row) u.at(row, col) = columns[col][row];
  }
  return u;
}

Dense TestAdjoint(const Dense& a) {
  Dense b{a.dim, std::vector<C>(a.a.size())};
  for (size_t r = 0; r < a.dim; ++r) {
    for (size_t c = 0; c < a.dim; ++c) b.at(c, r) = std::conj(a.at(r, c));
  }
  return b;
}

double TestMaxDiff(const Dense& a, const Dense& b) {
  double d = 0;
  for (size_t k = 0; k < a.a.size(); ++k) d = std::max(d, std::abs(a.a[k] - b.a[k]));
  return d;
}

// U†|b⟩: column b of U†.
std::vector<C> TestDenseStabilizerState(const Dense& u, uint64_t b) {
  std::vector<C> s(u.dim);
  for (size_t x = 0; x < u.dim; ++x) s[x] = std::conj(u.at(b, x));
  return s;
}

C TestInner(const std::vector<C>& a, const std::vector<C>& b) {  // ⟨a|b⟩
  C s = 0;
  for (size_t k = 0; k < a.size(); ++k) s += std::conj(a[k]) * b[k];
  return s;
}

std::vector<C> TestRandomState(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  std::vector<C> v(size_t{1} << n);
  double norm = 0;
  for (C& a : v) {
    a = C(g(rng), g(rng));
    norm += std::norm(a);
  }
  for (C& a : v) a /= std::sqrt(norm);
  return v;
}

PauliString TestRandomPauli(int n, std::mt19937_64& rng) {
  const uint64_t mask = (uint64_t{1} << n) - 1;
  return PauliString{rng() & mask, rng() & mask};
}

// A random gate list using every gate kind (not only the patterns Random() emits).
Clifford TestRandomGateList(int n, int count, std::mt19937_64& rng) {
  std::vector<CliffordGate> gates;
  for (int k = 0; k < count; ++k) {
    const int kind = static_cast<int>(rng() % (n > 1 ? 7 : 6));
    const int t = static_cast<int>(rng() % n);
    if (kind == 6) {
      int c = static_cast<int>(rng() % (n - 1));
      if (c >= t) ++c;
      gates.push_back({Kind::kCx, t, c});
    } else {
      static constexpr Kind kKinds[] = {Kind::kH, Kind::kS, Kind::kSdg,
                                        Kind::kX, Kind::kY, Kind::kZ};
      gates.push_back({kKinds[kind], t});
    }
  }
  return Clifford::FromGates(n, std::move(gates));
}

// Both kinds of Cliffords the dense checks run on.
std::vector<Clifford> TestCliffords(int n, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Clifford> out;
  for (int k = 0; k < count; ++k) {
    out.push_back(Clifford::Random(n, rng));
    out.push_back(TestRandomGateList(n, 8 * n, rng));
  }
  return out;
}

// ---------------------------------------------------------------------------------------

TEST(CliffordTest, HandWrittenTableaux) {
  // U = H: U† Z U = X.
  Clifford h = Clifford::FromGates(1, {{Kind::kH, 0}});
  EXPECT_EQ(h.ZHeisenberg(0).string.ToString(), "X0");
  EXPECT_FALSE(h.ZHeisenberg(0).negative);
  // U = H·S (S applied first): U† Z U = S† X S = −Y.
  Clifford sh = Clifford::FromGates(1, {{Kind::kS, 0}, {Kind::kH, 0}});
  EXPECT_EQ(sh.ZHeisenberg(0).string.ToString(), "Y0");
  EXPECT_TRUE(sh.ZHeisenberg(0).negative);
  // U = CX(0→1)·H_0: U†|00⟩ = H_0 CX |00⟩ = |+⟩ on qubit 0, |0⟩ on qubit 1.
  Clifford bell = Clifford::FromGates(2, {{Kind::kH, 0}, {Kind::kCx, 1, 0}});
  const std::vector<C> s = bell.StabilizerState(0);
  const double r = 1.0 / std::sqrt(2.0);
  EXPECT_NEAR(std::abs(s[0]), r, kTol);
  EXPECT_NEAR(std::abs(s[1]), r, kTol);
  EXPECT_NEAR(std::abs(s[2]), 0, kTol);
  EXPECT_NEAR(std::abs(s[3]), 0, kTol);
}

TEST(CliffordTest, IdentityGivesBasisStates) {
  const Clifford id = Clifford::FromGates(3, {});
  for (uint64_t b = 0; b < 8; ++b) {
    const std::vector<C> s = id.StabilizerState(b);
    for (uint64_t x = 0; x < 8; ++x) EXPECT_EQ(s[x], C(x == b ? 1.0 : 0.0));
    PauliString z0;
    z0.z = 1;
    EXPECT_EQ(id.PauliValue(b, z0), (b & 1) ? -1 : 1);
    PauliString x0;
    x0.x = 1;
    EXPECT_EQ(id.PauliValue(b, x0), 0);
  }
  EXPECT_EQ(id.Qasm({"a", "b", "c"}), "");
}

TEST(CliffordTest, ZHeisenbergMatchesDense) {
  for (int n = 1; n <= 5; ++n) {
    for (const Clifford& c : TestCliffords(n, 12, 100 + n)) {
      const Dense u = TestDenseUnitary(c);
      const Dense ud = TestAdjoint(u);
      for (int q = 0; q < n; ++q) {
        PauliString zq;
        zq.z = uint64_t{1} << q;
        const Dense got_dense = sv::testing::Multiply(
            ud, sv::testing::Multiply(sv::testing::PauliMatrix(zq, n), u));
        Dense want = sv::testing::PauliMatrix(c.ZHeisenberg(q).string, n);
        if (c.ZHeisenberg(q).negative) {
          for (C& a : want.a) a = -a;
        }
        ASSERT_LT(TestMaxDiff(got_dense, want), kTol) << "n=" << n << " q=" << q;
      }
    }
  }
}

TEST(CliffordTest, StabilizerStateOverlapProjectionMatchDense) {
  std::mt19937_64 rng(7);
  for (int n = 1; n <= 5; ++n) {
    const size_t dim = size_t{1} << n;
    for (const Clifford& c : TestCliffords(n, 10, 200 + n)) {
      const Dense u = TestDenseUnitary(c);
      const std::vector<C> phi = TestRandomState(n, rng);
      for (uint64_t b = 0; b < dim; ++b) {
        const std::vector<C> want = TestDenseStabilizerState(u, b);
        const std::vector<C> got = c.StabilizerState(b);
        // Equal up to a global phase: ⟨want|got⟩ has modulus 1 and got = ⟨want|got⟩ want.
        const C phase = TestInner(want, got);
        ASSERT_NEAR(std::abs(phase), 1.0, kTol);
        for (size_t x = 0; x < dim; ++x) ASSERT_LT(std::abs(got[x] - phase * want[x]), kTol);

        // Overlap: ⟨s|φ⟩ in the phase convention of StabilizerState, |⟨b|U|φ⟩| densely.
        const C overlap = c.Overlap(b, phi);
        EXPECT_LT(std::abs(overlap - TestInner(got, phi)), kTol);
        EXPECT_NEAR(std::abs(overlap), std::abs(TestInner(want, phi)), kTol);

        // AddProjection: out += w ⟨s|χ⟩ |s⟩, phase-free, so exactly the dense value.
        const C weight(0.7, -1.3);
        std::vector<C> out = TestRandomState(n, rng);
        std::vector<C> expected = out;
        const C proj = weight * TestInner(want, phi);
        for (size_t x = 0; x < dim; ++x) expected[x] += proj * want[x];
        c.AddProjection(b, phi, weight, absl::MakeSpan(out));
        for (size_t x = 0; x < dim; ++x) ASSERT_LT(std::abs(out[x] - expected[x]), kTol);
      }
    }
  }
}

TEST(CliffordTest, PauliValueMatchesDense) {
  std::mt19937_64 rng(11);
  int nonzero = 0;
  for (int n = 1; n <= 5; ++n) {
    const size_t dim = size_t{1} << n;
    for (const Clifford& c : TestCliffords(n, 8, 300 + n)) {
      const Dense u = TestDenseUnitary(c);
      for (int k = 0; k < 40; ++k) {
        PauliString p = TestRandomPauli(n, rng);
        if (k % 2 == 1) {
          // A product of the stabilizer generators' strings (phases dropped), so that the
          // expectation is ±1 far more often than for a uniform P.
          p = PauliString{};
          for (int q = 0; q < n; ++q) {
            if (rng() & 1) p = qgrad::Multiply(p, c.ZHeisenberg(q).string).string;
          }
        }
        const Dense pm = sv::testing::PauliMatrix(p, n);
        const uint64_t b = rng() % dim;
        const std::vector<C> s = TestDenseStabilizerState(u, b);
        const C want = TestInner(s, sv::testing::Apply(pm, s));
        const int got = c.PauliValue(b, p);
        ASSERT_NEAR(want.real(), got, 1e-12) << p.ToString() << " b=" << b;
        ASSERT_NEAR(want.imag(), 0, 1e-12);
        nonzero += got != 0;
      }
    }
  }
  EXPECT_GT(nonzero, 100);  // the ±1 branch is exercised
}

// Identifies a Clifford modulo global phase by its dense matrix: divide by the phase of
// the first nonzero entry, round to a fine grid.
std::string TestCanonicalKey(const Dense& u) {
  C phase = 0;
  for (const C& a : u.a) {
    if (std::abs(a) > 0.1) {
      phase = std::conj(a) / std::abs(a);
      break;
    }
  }
  std::string key;
  for (const C& a : u.a) {
    const C b = a * phase;
    absl::StrAppend(&key, std::llround(b.real() * 1e6), ",", std::llround(b.imag() * 1e6), ";");
  }
  return key;
}

// Pearson chi-square statistic of `counts` against equal frequencies over `cells` cells
// (cells never seen count as zero).
double TestChiSquare(const absl::flat_hash_map<std::string, int>& counts, int cells,
                     int samples) {
  const double expected = static_cast<double>(samples) / cells;
  double chi2 = 0;
  for (const auto& [key, count] : counts) chi2 += (count - expected) * (count - expected);
  chi2 /= expected;
  chi2 += (cells - static_cast<int>(counts.size())) * expected;
  return chi2;
}

TEST(CliffordTest, UniformOverOneQubitCliffords) {
  std::mt19937_64 rng(21);
  constexpr int kSamples = 24 * 1000;
  absl::flat_hash_map<std::string, int> counts;
  for (int k = 0; k < kSamples; ++k) ++counts[TestCanonicalKey(TestDenseUnitary(Clifford::Random(1, rng)))];
  ASSERT_EQ(counts.size(), 24u);
  // 23 degrees of freedom: mean 23, sd ≈ 6.8; 70 is p ≈ 1e-6.
  EXPECT_LT(TestChiSquare(counts, 24, kSamples), 70);
}

TEST(CliffordTest, UniformOverTwoQubitCliffords) {
  // |C_2 / U(1)| = 11520 = 16 Paulis × 720 symplectic matrices.
  std::mt19937_64 rng(22);
  constexpr int kCells = 11520;
  constexpr int kSamples = 150000;
  absl::flat_hash_map<std::string, int> counts;
  for (int k = 0; k < kSamples; ++k) ++counts[TestCanonicalKey(TestDenseUnitary(Clifford::Random(2, rng)))];
  EXPECT_EQ(counts.size(), static_cast<size_t>(kCells));
  // 11519 degrees of freedom: mean 11519, sd ≈ 152; 12400 is ≈ 5.8 sd.
  const double chi2 = TestChiSquare(counts, kCells, kSamples);
  EXPECT_LT(chi2, 12400);
  EXPECT_GT(chi2, 10640);  // too even is suspicious too
}

// The property that makes Clifford shadows unbiased: averaged over uniform U and
// b ~ ⟨b|UρU†|b⟩, the snapshot (2^n+1) U†|b⟩⟨b|U − I equals ρ.
TEST(CliffordTest, SnapshotAverageIsTheState) {
  constexpr int n = 2;
  constexpr size_t dim = 4;
  std::mt19937_64 rng(31);
  // A random mixed state ρ = A A† / Tr.
  std::normal_distribution<double> g;
  Dense a{dim, std::vector<C>(dim * dim)};
  for (C& e : a.a) e = C(g(rng), g(rng));
  Dense rho = sv::testing::Multiply(a, TestAdjoint(a));
  C trace = 0;
  for (size_t k = 0; k < dim; ++k) trace += rho.at(k, k);
  for (C& e : rho.a) e /= trace;

  constexpr int kCliffords = 20000;
  Dense mean{dim, std::vector<C>(dim * dim)};
  for (int k = 0; k < kCliffords; ++k) {
    const Clifford c = Clifford::Random(n, rng);
    for (uint64_t b = 0; b < dim; ++b) {
      const std::vector<C> s = c.StabilizerState(b);
      const double p = TestInner(s, sv::testing::Apply(rho, s)).real();  // ⟨b|UρU†|b⟩
      for (size_t r = 0; r < dim; ++r) {
        for (size_t col = 0; col < dim; ++col) {
          const C snapshot = (dim + 1.0) * s[r] * std::conj(s[col]) - (r == col ? 1.0 : 0.0);
          mean.at(r, col) += p * snapshot / static_cast<double>(kCliffords);
        }
      }
    }
  }
  // The observed maximum error is 0.003 (standard errors ~1e-3); a wrong inversion or a
  // non-2-design ensemble is off by ~0.1.
  EXPECT_LT(TestMaxDiff(mean, rho), 0.015);
}

TEST(CliffordTest, QasmTextAndParsedUnitary) {
  std::mt19937_64 rng(41);
  for (int n = 1; n <= 4; ++n) {
    for (const Clifford& c : TestCliffords(n, 4, 400 + n)) {
      std::vector<std::string> names;
      for (int q = 0; q < n; ++q) names.push_back(absl::StrCat("q[", q, "]"));
      const std::string text = c.Qasm(names);
      // One statement per gate, each "name operands;" with stdgates names.
      const std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
      ASSERT_EQ(lines.size(), c.gates().size());
      for (size_t k = 0; k < lines.size(); ++k) {
        const CliffordGate& gate = c.gates()[k];
        std::string want;
        switch (gate.kind) {
          case Kind::kH: want = "h"; break;
          case Kind::kS: want = "s"; break;
          case Kind::kSdg: want = "sdg"; break;
          case Kind::kX: want = "x"; break;
          case Kind::kY: want = "y"; break;
          case Kind::kZ: want = "z"; break;
          case Kind::kCx: want = absl::StrCat("cx q[", gate.control, "],"); break;
        }
        want = absl::StrCat(want, " q[", gate.target, "];");
        if (gate.kind == Kind::kCx) want = absl::StrCat("cx q[", gate.control, "], q[", gate.target, "];");
        EXPECT_EQ(lines[k], want);
      }
      // Parsed and simulated densely, the text is the unitary up to a global phase.
      const std::string program = absl::StrCat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[",
                                               n, "] q;\n", text);
      const auto parsed = qasm::Parse(program);
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      const Dense u = TestDenseUnitary(c);
      const size_t dim = size_t{1} << n;
      C phase = 0;
      for (size_t col = 0; col < dim; ++col) {
        std::vector<C> e(dim);
        e[col] = 1;
        const std::vector<C> v = sv::testing::ReferenceRun(parsed->circuit, {}, e);
        for (size_t r = 0; r < dim; ++r) {
          if (phase == C(0) && std::abs(u.at(r, col)) > 0.1) phase = v[r] / u.at(r, col);
          ASSERT_LT(std::abs(v[r] - phase * u.at(r, col)), kTol);
        }
      }
      EXPECT_NEAR(std::abs(phase), 1.0, kTol);
    }
  }
}

// Large registers: the generators commute and are independent, and each stabilizes the
// state with the sign of its outcome bit (no dense oracle at n = 64, only algebra).
TEST(CliffordTest, SixtyFourQubitsAreConsistent) {
  std::mt19937_64 rng(51);
  for (int n : {12, 63, 64}) {
    const Clifford c = Clifford::Random(n, rng);
    for (int q = 0; q < n; ++q) {
      for (int r = 0; r < n; ++r) {
        EXPECT_TRUE(c.ZHeisenberg(q).string.CommutesWith(c.ZHeisenberg(r).string));
      }
    }
    const uint64_t b = rng();
    for (int q = 0; q < n; ++q) {
      const int sign = c.ZHeisenberg(q).negative ? -1 : 1;
      EXPECT_EQ(c.PauliValue(b, c.ZHeisenberg(q).string), sign * (((b >> q) & 1) ? -1 : 1));
    }
  }
}

}  // namespace
}  // namespace qgrad::shadows
