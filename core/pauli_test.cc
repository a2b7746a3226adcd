// Tests for core/pauli: the Pauli algebra is checked against an independent dense-matrix
// model (Kronecker products of 2x2 matrices), and the text forms by round trips and a
// table of malformed inputs. Thread-safety: single-threaded tests.
#include "core/pauli.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------------------
// Dense model: a 2^n x 2^n row-major matrix; qubit q is bit q of the basis index.

struct Dense {
  int n = 0;
  std::vector<Complex> m;
  size_t dim() const { return size_t{1} << n; }
  Complex& at(size_t r, size_t c) { return m[r * dim() + c]; }
  Complex at(size_t r, size_t c) const { return m[r * dim() + c]; }
};

Dense Zero(int n) { return Dense{n, std::vector<Complex>((size_t{1} << n) << n)}; }

// The textbook matrices, written out rather than derived from the x/z convention.
std::vector<Complex> LetterMatrix(char letter) {
  const Complex i(0, 1);
  switch (letter) {
    case 'X': return {0, 1, 1, 0};
    case 'Y': return {0, -i, i, 0};
    case 'Z': return {1, 0, 0, -1};
    default: return {1, 0, 0, 1};
  }
}

// Letters given as a string, letters[q] for qubit q ("XIZ": X on 0, Z on 2).
Dense DenseOfLetters(const std::string& letters) {
  const int n = static_cast<int>(letters.size());
  Dense d = Zero(n);
  for (size_t r = 0; r < d.dim(); ++r) {
    for (size_t c = 0; c < d.dim(); ++c) {
      Complex v = 1;
      for (int q = 0; q < n && v != Complex(0); ++q) {
        const auto mat = LetterMatrix(letters[q]);
        v *= mat[((r >> q) & 1) * 2 + ((c >> q) & 1)];
      }
      d.at(r, c) = v;
    }
  }
  return d;
}

std::string LettersOf(const PauliString& s, int n) {
  std::string out;
  for (int q = 0; q < n; ++q) out += "IXZY"[static_cast<int>(s.letter(q))];
  return out;
}

Dense DenseOf(const PauliString& s, int n) { return DenseOfLetters(LettersOf(s, n)); }

Dense DenseOf(const PauliSum& sum, int n) {
  Dense d = Zero(n);
  for (const PauliTerm& t : sum.terms()) {
    const Dense p = DenseOf(t.string, n);
    for (size_t k = 0; k < d.m.size(); ++k) d.m[k] += t.coeff * p.m[k];
  }
  return d;
}

Dense Mul(const Dense& a, const Dense& b) {
  Dense d = Zero(a.n);
  for (size_t r = 0; r < a.dim(); ++r)
    for (size_t k = 0; k < a.dim(); ++k)
      for (size_t c = 0; c < a.dim(); ++c) d.at(r, c) += a.at(r, k) * b.at(k, c);
  return d;
}

Dense Combine(const Dense& a, Complex ca, const Dense& b, Complex cb) {
  Dense d = Zero(a.n);
  for (size_t k = 0; k < d.m.size(); ++k) d.m[k] = ca * a.m[k] + cb * b.m[k];
  return d;
}

double MaxDiff(const Dense& a, const Dense& b) {
  double diff = 0;
  for (size_t k = 0; k < a.m.size(); ++k) diff = std::max(diff, std::abs(a.m[k] - b.m[k]));
  return diff;
}

PauliString RandomString(std::mt19937_64& rng, int n) {
  PauliString s;
  for (int q = 0; q < n; ++q) s.set(q, static_cast<PauliLetter>(rng() % 4));
  return s;
}

PauliSum RandomSum(std::mt19937_64& rng, int n, int terms) {
  std::uniform_real_distribution<double> u(-2, 2);
  PauliSum sum;
  for (int t = 0; t < terms; ++t) {
    const Complex c = rng() % 3 == 0 ? Complex(u(rng), 0) : Complex(u(rng), u(rng));
    sum.AddTerm(c, RandomString(rng, n));
  }
  return sum;
}

PauliString S(const char* text) {
  auto sum = PauliSum::Parse(text);
  EXPECT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->size(), 1u);
  return sum->terms()[0].string;
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Exact equality of terms (order, strings and the bits of each coefficient).
void ExpectIdentical(const PauliSum& a, const PauliSum& b) {
  ASSERT_EQ(a.size(), b.size()) << a.ToString() << "\nvs\n" << b.ToString();
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a.terms()[k].string, b.terms()[k].string) << k;
    EXPECT_TRUE(SameBits(a.terms()[k].coeff.real(), b.terms()[k].coeff.real()) &&
                SameBits(a.terms()[k].coeff.imag(), b.terms()[k].coeff.imag()))
        << k << ": " << a.terms()[k].coeff << " vs " << b.terms()[k].coeff;
  }
}

// ---------------------------------------------------------------------------------------
// PauliString

TEST(PauliStringTest, LettersAndMasks) {
  PauliString s;
  s.set(0, PauliLetter::kX);
  s.set(3, PauliLetter::kY);
  s.set(4, PauliLetter::kZ);
  s.set(63, PauliLetter::kY);
  EXPECT_EQ(s.x, (uint64_t{1} << 0) | (uint64_t{1} << 3) | (uint64_t{1} << 63));
  EXPECT_EQ(s.z, (uint64_t{1} << 3) | (uint64_t{1} << 4) | (uint64_t{1} << 63));
  EXPECT_EQ(s.letter(0), PauliLetter::kX);
  EXPECT_EQ(s.letter(1), PauliLetter::kI);
  EXPECT_EQ(s.letter(3), PauliLetter::kY);
  EXPECT_EQ(s.letter(4), PauliLetter::kZ);
  EXPECT_EQ(s.weight(), 4);
  EXPECT_EQ(s.max_qubit(), 63);
  EXPECT_EQ(s.ToString(), "X0 Y3 Z4 Y63");
  s.set(3, PauliLetter::kI);
  s.set(63, PauliLetter::kI);
  EXPECT_EQ(s.ToString(), "X0 Z4");
  EXPECT_EQ(s.max_qubit(), 4);
  EXPECT_FALSE(s.is_diagonal());
  s.set(0, PauliLetter::kZ);
  EXPECT_TRUE(s.is_diagonal());
  EXPECT_EQ(PauliString{}.ToString(), "I");
  EXPECT_EQ(PauliString{}.max_qubit(), -1);
  EXPECT_EQ(PauliString{}.weight(), 0);
  EXPECT_TRUE(PauliString{}.is_identity());
}

TEST(PauliStringTest, SingleQubitProductTable) {
  const Complex i(0, 1);
  struct Row {
    char a, b;
    Complex phase;
    char c;
  };
  // Written out by hand: XY = iZ, YZ = iX, ZX = iY, and the reversed orders get -i.
  const Row table[] = {
      {'I', 'I', 1, 'I'}, {'I', 'X', 1, 'X'},  {'I', 'Y', 1, 'Y'},  {'I', 'Z', 1, 'Z'},
      {'X', 'I', 1, 'X'}, {'X', 'X', 1, 'I'},  {'X', 'Y', i, 'Z'},  {'X', 'Z', -i, 'Y'},
      {'Y', 'I', 1, 'Y'}, {'Y', 'X', -i, 'Z'}, {'Y', 'Y', 1, 'I'},  {'Y', 'Z', i, 'X'},
      {'Z', 'I', 1, 'Z'}, {'Z', 'X', i, 'Y'},  {'Z', 'Y', -i, 'X'}, {'Z', 'Z', 1, 'I'},
  };
  auto letter = [](char c) {
    return c == 'X'   ? PauliLetter::kX
           : c == 'Y' ? PauliLetter::kY
           : c == 'Z' ? PauliLetter::kZ
                      : PauliLetter::kI;
  };
  for (int q : {0, 17, 63}) {
    for (const Row& row : table) {
      PauliString a, b, c;
      a.set(q, letter(row.a));
      b.set(q, letter(row.b));
      c.set(q, letter(row.c));
      const PauliProduct p = Multiply(a, b);
      EXPECT_EQ(p.phase, row.phase) << row.a << row.b << " on qubit " << q;
      EXPECT_EQ(p.string, c) << row.a << row.b << " on qubit " << q;
      // And the table itself agrees with the matrices.
      const Dense lhs =
          Mul(DenseOfLetters(std::string(1, row.a)), DenseOfLetters(std::string(1, row.b)));
      const Dense rhs = Combine(DenseOfLetters(std::string(1, row.c)), row.phase, lhs, 0);
      EXPECT_LT(MaxDiff(lhs, rhs), 1e-15) << row.a << row.b;
    }
  }
}

TEST(PauliStringTest, MultiplyMatchesDenseOnRandomStrings) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 5);
    const PauliString a = RandomString(rng, n), b = RandomString(rng, n);
    const PauliProduct p = Multiply(a, b);
    const Complex ph = p.phase;
    EXPECT_TRUE(ph == Complex(1) || ph == Complex(-1) || ph == Complex(0, 1) ||
                ph == Complex(0, -1))
        << ph;
    const Dense lhs = Mul(DenseOf(a, n), DenseOf(b, n));
    const Dense rhs = Combine(DenseOf(p.string, n), p.phase, lhs, 0);
    ASSERT_LT(MaxDiff(lhs, rhs), 1e-12) << a.ToString() << " * " << b.ToString();
  }
}

TEST(PauliStringTest, CommutesWithMatchesDense) {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 4);
    const PauliString a = RandomString(rng, n), b = RandomString(rng, n);
    const Dense ab = Mul(DenseOf(a, n), DenseOf(b, n));
    const Dense ba = Mul(DenseOf(b, n), DenseOf(a, n));
    const bool commute = MaxDiff(ab, ba) < 1e-12;
    EXPECT_EQ(a.CommutesWith(b), commute) << a.ToString() << ", " << b.ToString();
    EXPECT_EQ(b.CommutesWith(a), commute);
  }
  EXPECT_FALSE(S("X63").CommutesWith(S("Z63")));
  EXPECT_TRUE(S("X0 X1").CommutesWith(S("Z0 Z1")));
}

// ---------------------------------------------------------------------------------------
// PauliSum algebra

TEST(PauliSumTest, ArithmeticMatchesDense) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 4);
    const PauliSum a = RandomSum(rng, n, 1 + static_cast<int>(rng() % 8));
    const PauliSum b = RandomSum(rng, n, 1 + static_cast<int>(rng() % 8));
    const Dense da = DenseOf(a, n), db = DenseOf(b, n);
    const Dense ab = Mul(da, db), ba = Mul(db, da);
    EXPECT_LT(MaxDiff(DenseOf(a * b, n), ab), 1e-12);
    EXPECT_LT(MaxDiff(DenseOf(Commutator(a, b), n), Combine(ab, 1, ba, -1)), 1e-12);
    EXPECT_LT(MaxDiff(DenseOf(a + b, n), Combine(da, 1, db, 1)), 1e-12);
    EXPECT_LT(MaxDiff(DenseOf(a - b, n), Combine(da, 1, db, -1)), 1e-12);
    const Complex s(0.5, -1.5);
    EXPECT_LT(MaxDiff(DenseOf(a * s, n), Combine(da, s, db, 0)), 1e-12);
    PauliSum acc = a;
    acc += b;
    EXPECT_LT(MaxDiff(DenseOf(acc, n), Combine(da, 1, db, 1)), 1e-12);
  }
}

TEST(PauliSumTest, CommutatorKeepsOnlyAnticommutingPairs) {
  const PauliSum xz = *PauliSum::Parse("X0 + Z0 Z1");
  const PauliSum y = *PauliSum::Parse("3 * Y0");
  // [X0, 3 Y0] = 3 * 2i Z0; [Z0 Z1, 3 Y0] = 3 * 2 Z0 Y0 Z1 = 3 * 2 (-i) X0 Z1.
  ExpectIdentical(Commutator(xz, y), *PauliSum::Parse("(0+6j) * Z0 + (0-6j) * X0 Z1"));
  EXPECT_TRUE(Commutator(*PauliSum::Parse("X0 X1"), *PauliSum::Parse("Z0 Z1")).empty());
}

TEST(PauliSumTest, SimplifyCombinesDropsAndSorts) {
  PauliSum s;
  s.AddTerm(1.0, S("Z2"));
  s.AddTerm(0.5, S("X0 X1"));
  s.AddTerm(2.0, PauliString{});
  s.AddTerm(-1.0, S("Z2"));
  s.AddTerm(1e-9, S("Y0"));
  s.AddTerm(0.25, S("Z0"));
  s.AddTerm(0.25, S("X1"));
  s.AddTerm(0.25, S("X0"));
  PauliSum exact = s;
  exact.Simplify();
  EXPECT_EQ(exact.ToString(),
            "2 + 0.25 * X0 + 1e-09 * Y0 + 0.25 * Z0 + 0.25 * X1 + 0.5 * X0 X1");
  s.Simplify(1e-6);
  EXPECT_EQ(s.ToString(), "2 + 0.25 * X0 + 0.25 * Z0 + 0.25 * X1 + 0.5 * X0 X1");
  PauliSum order = *PauliSum::Parse("Z1 Z2 + Z0 Z2 + Z0 Z1");
  EXPECT_EQ(order.ToString(), "Z0 Z1 + Z0 Z2 + Z1 Z2");
}

// The canonical order, restated letter by letter: weight first, then the first qubit
// (from 0 up) where the letters differ, with X < Y < Z < I there.
bool ReferenceLess(const PauliString& a, const PauliString& b) {
  if (a.weight() != b.weight()) return a.weight() < b.weight();
  const std::string rank = "XYZI";
  for (int q = 0; q < 64; ++q) {
    const char la = "IXZY"[static_cast<int>(a.letter(q))];
    const char lb = "IXZY"[static_cast<int>(b.letter(q))];
    if (la != lb) return rank.find(la) < rank.find(lb);
  }
  return false;
}

TEST(PauliSumTest, SimplifySortsInCanonicalOrder) {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 50; ++trial) {
    PauliSum sum;
    for (int t = 0; t < 200; ++t) {
      PauliString s;
      // Few qubits and few letters, so that many strings tie on weight and on prefixes.
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
        const int q = trial % 2 ? static_cast<int>(rng() % 5) : static_cast<int>(rng() % 64);
        s.set(q, static_cast<PauliLetter>(rng() % 4));
      }
      sum.AddTerm(1.0, s);
    }
    sum.Simplify();
    for (size_t k = 1; k < sum.size(); ++k) {
      ASSERT_TRUE(ReferenceLess(sum.terms()[k - 1].string, sum.terms()[k].string))
          << sum.terms()[k - 1].string.ToString() << " before " << sum.terms()[k].string.ToString();
    }
  }
}

TEST(PauliSumTest, Queries) {
  EXPECT_EQ(PauliSum().NumQubits(), 0);
  EXPECT_EQ(PauliSum::Parse("0.3")->NumQubits(), 0);
  EXPECT_EQ(PauliSum::Parse("Z0 + X4")->NumQubits(), 5);
  EXPECT_EQ(PauliSum::Parse("Y63")->NumQubits(), 64);
  EXPECT_EQ(PauliSum::Parse("I7 X1")->NumQubits(), 2);  // an identity letter is not a qubit
  PauliSum cancelled;
  cancelled.AddTerm(1, S("X5"));
  cancelled.AddTerm(-1, S("X5"));
  cancelled.AddTerm(2, S("Z1"));
  EXPECT_EQ(cancelled.NumQubits(), 2);
  EXPECT_DOUBLE_EQ(cancelled.OneNorm(), 2);

  EXPECT_DOUBLE_EQ(PauliSum::Parse("0.5 * Z0 Z1 - 1.2 * X3 + 0.3")->OneNorm(), 2.0);
  EXPECT_DOUBLE_EQ(PauliSum::Parse("(3+4j) * X0 - 1")->OneNorm(), 6.0);
  EXPECT_EQ(PauliSum().OneNorm(), 0.0);

  EXPECT_TRUE(PauliSum().IsHermitian());
  EXPECT_TRUE(PauliSum::Parse("0.5 * Z0 Z1 - 1.2 * X3 + 0.3")->IsHermitian());
  EXPECT_FALSE(PauliSum::Parse("1j * X0")->IsHermitian());
  EXPECT_FALSE(PauliSum::Parse("X0 Y0")->IsHermitian());  // = i Z0
  EXPECT_TRUE(PauliSum::Parse("1e-14j * X0")->IsHermitian());
  EXPECT_FALSE(PauliSum::Parse("1e-14j * X0")->IsHermitian(0.0));
  PauliSum split;  // imaginary parts cancel only once like terms are combined
  split.AddTerm({1, 1}, S("X0"));
  split.AddTerm({1, -1}, S("X0"));
  EXPECT_TRUE(split.IsHermitian(0.0));

  EXPECT_EQ(PauliSum::Parse("2 * X0 + (0.5-1j)")->IdentityCoefficient(), Complex(0.5, -1));
  EXPECT_EQ(PauliSum::Parse("X0")->IdentityCoefficient(), Complex(0));
}

// OneNorm adds |c_j| in the canonical term order, whatever order the terms were added in;
// it once summed in a hash map's per-process order, so η = value/‖D‖₁ differed in its last
// bits between processes. The terms make the sum order-sensitive: 2^53 first absorbs every
// 1.0 added after it (ties round to even), while 1.0s added before it survive, so only the
// canonical order (X0 first) gives exactly 2^53.
TEST(PauliSumTest, OneNormSumsInCanonicalOrder) {
  const double big = std::ldexp(1.0, 53);
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<PauliTerm> terms = {{big, S("X0")}};
    for (int a = 1; a < 64; ++a) {
      for (int b = a + 1; b < 64; b += 1 + trial) {
        PauliString s;
        s.set(a, PauliLetter::kZ);
        s.set(b, static_cast<PauliLetter>(1 + rng() % 3));
        terms.push_back({rng() % 2 ? 1.0 : -1.0, s});
      }
    }
    std::shuffle(terms.begin(), terms.end(), rng);
    const PauliSum sum(terms);
    ASSERT_EQ(sum.OneNorm() - big, 0.0) << "trial " << trial << ", " << terms.size() << " terms";
    PauliSum simplified = sum;
    simplified.Simplify();
    EXPECT_EQ(simplified.OneNorm() - big, 0.0);
  }
}

TEST(PauliSumTest, IdentityCoefficientOfLargeProductIsOverlap) {
  // Every Pauli string squares to +I, so the identity coefficient of A·B is Σ_P a_P b_P.
  // 40 qubits keeps the dense model out of reach; this checks the hashed product path.
  std::mt19937_64 rng(4);
  PauliSum a = RandomSum(rng, 40, 1500), b = RandomSum(rng, 40, 1500);
  for (int k = 0; k < 300; ++k) b.AddTerm(Complex(1, 0.5), a.terms()[k].string);
  a.Simplify();
  b.Simplify();
  Complex overlap = 0;
  for (const PauliTerm& ta : a.terms())
    for (const PauliTerm& tb : b.terms())
      if (ta.string == tb.string) overlap += ta.coeff * tb.coeff;
  const PauliSum product = a * b;
  EXPECT_LT(std::abs(product.IdentityCoefficient() - overlap), 1e-9);
  EXPECT_GT(product.size(), 1000000u);
  // The product is canonical: simplifying again changes nothing.
  PauliSum again = product;
  again.Simplify();
  ExpectIdentical(product, again);
}

// ---------------------------------------------------------------------------------------
// Parsing

TEST(PauliParseTest, Forms) {
  const PauliSum expected = [] {
    PauliSum s;
    s.AddTerm(0.5, S("Z0 Z1"));
    s.AddTerm(-1.2, S("X3"));
    s.AddTerm(0.3, PauliString{});
    s.Simplify();
    return s;
  }();
  for (const char* text : {
           "0.5 * Z0 Z1 - 1.2 * X3 + 0.3",
           "0.5 * Z0*Z1 - 1.2 * X3 + 0.3",
           "0.5 * Z0 * Z1 - 1.2*X3 + 0.3 * I",
           "0.5 Z0Z1 - 1.2 X3 + 0.3",
           "0.5Z0 Z1-1.2X3+0.3",
           "0.3 + 0.5 * Z1 Z0 + -1.2 * X3",
           "\t0.5 * Z0 Z1\n - 1.2 * X3\n + 0.3\n",
           "0.5 [Z0 Z1] + -1.2 [X3] + 0.3 []",
           "(0.5+0j) [Z0 Z1] + (-1.2+0j) [X3] + (0.3+0j) []",
           "0.5 [Z0 Z1] - 1.2 [X3] + 0.3 [I]",
           "0.25 * Z0 Z1 + 0.25 [Z0 Z1] - 1.2 * X3 + 0.3",
           "5e-1 * Z0 Z1 - 12E-1 * X3 + .3 * I0",
       }) {
    auto parsed = PauliSum::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    ExpectIdentical(*parsed, expected);
  }
}

TEST(PauliParseTest, CoefficientsAndSigns) {
  auto one = [](const char* text) {
    auto parsed = PauliSum::Parse(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(parsed->size(), 1u) << text;
    return parsed->terms()[0].coeff;
  };
  EXPECT_EQ(one("-X0"), Complex(-1));
  EXPECT_EQ(one("+ 2 X1"), Complex(2));
  EXPECT_EQ(one("1j"), Complex(0, 1));
  EXPECT_EQ(one("2.5e-3 * Z0"), Complex(2.5e-3));
  EXPECT_EQ(one("(0.5+1j) Y2"), Complex(0.5, 1));
  EXPECT_EQ(one("(0.1-2j) * Y2"), Complex(0.1, -2));
  EXPECT_EQ(one("-(0.1-2j) * Y2"), Complex(-0.1, 2));
  EXPECT_EQ(one("( -0.5 + 1J ) X0"), Complex(-0.5, 1));
  EXPECT_EQ(one("(2j) X0"), Complex(0, 2));
  EXPECT_EQ(one("X0 - -3 X0 - X0"), Complex(3));
  EXPECT_EQ(one("[X0]"), Complex(1));
  EXPECT_EQ(one("[]"), Complex(1));
  EXPECT_EQ(one("4.9406564584124654e-324 X0"), Complex(4.9406564584124654e-324));
  EXPECT_TRUE(PauliSum::Parse("1e-400 X0")->empty());  // underflow reads as zero
}

TEST(PauliParseTest, RepeatedQubitsMultiplyWithPhase) {
  ExpectIdentical(*PauliSum::Parse("X0 Y0"), *PauliSum::Parse("1j * Z0"));
  ExpectIdentical(*PauliSum::Parse("2 * Y0 X0 X1"), *PauliSum::Parse("(0-2j) * Z0 X1"));
  ExpectIdentical(*PauliSum::Parse("X0 X0"), *PauliSum::Parse("1"));
  ExpectIdentical(*PauliSum::Parse("[Z3 X3 Y3]"), *PauliSum::Parse("1j"));
  // Each one against the matrices: parse "P1 P2 ... Pk" and compare with the product.
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 100; ++trial) {
    std::string text;
    Dense expected = DenseOfLetters("III");
    for (int k = 0; k < 5; ++k) {
      const char letter = "IXYZ"[rng() % 4];
      const int q = static_cast<int>(rng() % 3);
      text += std::string(1, letter) + std::to_string(q) + " ";
      std::string letters = "III";
      letters[q] = letter;
      expected = Mul(expected, DenseOfLetters(letters));
    }
    auto parsed = PauliSum::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << parsed.status();
    const Dense got = DenseOf(*parsed, 3);
    ASSERT_LT(MaxDiff(got, expected), 1e-12) << text;
  }
}

TEST(PauliParseTest, EmptyAndZero) {
  for (const char* text : {"", "   ", "\n", "0", "0 * X0", "X0 - X0", "0 []", "0.0 + 0j"}) {
    auto parsed = PauliSum::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_TRUE(parsed->empty()) << text;
  }
  EXPECT_EQ(PauliSum().ToString(), "0");
  EXPECT_EQ(PauliSum().ToOpenFermionString(), "0");
}

TEST(PauliParseTest, InvalidInputs) {
  struct Case {
    const char* text;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"X64", 1, "qubit index 64 in 'X64' is out of range (at most 63)"},
      {"0.5 * Z0 Y100", 10, "qubit index 100 in 'Y100'"},
      {"X99999999999999999999999", 1, "qubit index 99999999999999999999999"},
      {"Q0", 1, "expected a coefficient or a Pauli string, got 'Q0'"},
      {"x0", 1, "Pauli letters are upper case"},
      {"2 z0", 3, "Pauli letters are upper case"},
      {"2i * X0", 2, "the imaginary unit is 'j'"},
      {"X", 2, "expected a qubit index after 'X', got end of input"},
      {"XZ", 2, "got 'Z' (dense strings like 'XZ' are not supported"},
      {"Z0 +", 5, "expected a term, got end of input"},
      {"Z0 + + + Z1", 8, "expected a coefficient or a Pauli string, got '+'"},
      {"Z0 Z1 0.5", 7, "expected '+' or '-' between terms, got '0.5'"},
      {"0.5 * 0.3", 7, "expected a Pauli string after '*', got '0.3'"},
      {"0.5 *", 6, "expected a Pauli string after '*', got end of input"},
      {"Z0 * 2", 6, "expected a Pauli factor after '*', got '2'"},
      {"(0.5+1j", 8, "expected ')' closing the '(' at column 1"},
      {"(0.5+1) X0", 6, "expected an imaginary part like '2j', got '1'"},
      {"(1j+2j)", 2, "expected a real part before the imaginary part, got '1j'"},
      {"() X0", 2, "expected a number, got ')'"},
      {"1e999 X0", 1, "number '1e999' is out of range"},
      {"1.2.3", 4, "expected '+' or '-' between terms, got '.3'"},
      {"0.5 [Z0 Z1", 11, "expected a Pauli factor or ']' closing the '[' at column 5"},
      {"0.5 [Z0 0.3]", 9, "closing the '['"},
      {"0.5 [q]", 6, "expected a Pauli factor or ']', got 'q'"},
      {"[Z0] X1", 6, "expected '+' or '-' between terms, got 'X1'"},
      {"nan * X0", 1, "expected a coefficient or a Pauli string, got 'nan'"},
      {"2e * X0", 2, "expected '+' or '-' between terms, got 'e'"},
      {"X0 @ X1", 4, "got '@'"},
      {"X0 \x01", 4, "got '\\x01'"},
      {"Z0 ) ", 4, "expected '+' or '-' between terms, got ')'"},
  };
  for (const Case& c : cases) {
    auto parsed = PauliSum::Parse(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text << " parsed as " << parsed->ToString();
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    const std::string message(parsed.status().message());
    EXPECT_THAT(message, ::testing::StartsWith("column " + std::to_string(c.column) + ": "))
        << c.text << " -> " << message;
    EXPECT_THAT(message, HasSubstr(c.message)) << c.text << " -> " << message;
  }
}

// Random text over the grammar's alphabet: every input either parses (and then prints and
// re-parses to the same sum) or fails with INVALID_ARGUMENT at a column inside the text.
TEST(PauliParseTest, RandomTextParsesOrNamesAColumn) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "IXYZxzij0123456789.eE+-*()[] \t";
  int parsed_count = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    for (int k = static_cast<int>(rng() % 14); k > 0; --k)
      text += alphabet[rng() % alphabet.size()];
    auto parsed = PauliSum::Parse(text);
    if (parsed.ok()) {
      ++parsed_count;
      auto again = PauliSum::Parse(parsed->ToString());
      ASSERT_TRUE(again.ok()) << text << " -> " << parsed->ToString() << ": " << again.status();
      ExpectIdentical(*again, *parsed);
      continue;
    }
    ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << text;
    const std::string message(parsed.status().message());
    int column = 0;
    ASSERT_EQ(std::sscanf(message.c_str(), "column %d: ", &column), 1) << message;
    EXPECT_GE(column, 1) << text;
    EXPECT_LE(column, static_cast<int>(text.size()) + 1) << text << " -> " << message;
  }
  EXPECT_GT(parsed_count, 100);  // the property is not vacuous
}

// ---------------------------------------------------------------------------------------
// Printing and round trips

TEST(PauliPrintTest, UnitCoefficientsAreLeftOut) {
  absl::StatusOr<PauliSum> s = PauliSum::Parse("Z0 Z1 - X2 + 1 + (0+1j) * Y3");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ToString(), "1 - X2 + (0+1j) * Y3 + Z0 Z1");
  absl::StatusOr<PauliSum> back = PauliSum::Parse(s->ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToString(), s->ToString());
  EXPECT_EQ(PauliSum::Parse("-X0")->ToString(), "-X0");
}

TEST(PauliPrintTest, Formats) {
  const PauliSum s = *PauliSum::Parse("0.5 * Z0 Z1 - 1.2 * X3 + 0.3 + (0.5-1j) * Y2");
  EXPECT_EQ(s.ToString(), "0.3 + (0.5-1j) * Y2 - 1.2 * X3 + 0.5 * Z0 Z1");
  EXPECT_EQ(s.ToOpenFermionString(),
            "0.3 [] + (0.5-1j) [Y2] + -1.2 [X3] + 0.5 [Z0 Z1]");
  EXPECT_EQ(PauliSum::Parse("-2 * X0 + 1j")->ToString(), "(0+1j) - 2 * X0");
  EXPECT_EQ(PauliSum::Parse("-2 * X0")->ToString(), "-2 * X0");
}

// Random finite doubles of every magnitude, including subnormals and integers.
double RandomDouble(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return std::uniform_real_distribution<double>(-3, 3)(rng);
    case 1: return static_cast<double>(static_cast<int>(rng() % 2001) - 1000);
    case 2:
      return (rng() % 2 ? 1 : -1) * std::numeric_limits<double>::denorm_min() *
             static_cast<double>(1 + rng() % 1000);
    default: {
      double v;
      do {
        const uint64_t bits = rng();
        std::memcpy(&v, &bits, sizeof v);
      } while (!std::isfinite(v));
      return v;
    }
  }
}

TEST(PauliPrintTest, RandomSumsRoundTripExactly) {
  std::mt19937_64 rng(6);
  for (int trial = 0; trial < 300; ++trial) {
    PauliSum sum;
    const int terms = static_cast<int>(rng() % 12);
    for (int t = 0; t < terms; ++t) {
      PauliString s;
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) {
        s.set(static_cast<int>(rng() % 64), static_cast<PauliLetter>(rng() % 4));
      }
      const Complex c =
          rng() % 2 ? Complex(RandomDouble(rng), 0) : Complex(RandomDouble(rng), RandomDouble(rng));
      sum.AddTerm(c, s);
    }
    sum.Simplify();
    for (const std::string& text : {sum.ToString(), sum.ToOpenFermionString()}) {
      auto parsed = PauliSum::Parse(text);
      ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
      ExpectIdentical(*parsed, sum);
      if (HasFailure()) FAIL() << text;
    }
  }
}

TEST(PauliPrintTest, NegativeZeroPartsRoundTrip) {
  PauliSum sum;
  sum.AddTerm(Complex(-0.0, 1), S("X0"));
  sum.AddTerm(Complex(-3, 0), S("Y2"));
  sum.AddTerm(Complex(2, -0.5), S("Z1"));
  sum.Simplify();
  ExpectIdentical(*PauliSum::Parse(sum.ToString()), sum);
  ExpectIdentical(*PauliSum::Parse(sum.ToOpenFermionString()), sum);
  // A -0 imaginary part still counts as real and prints without it.
  EXPECT_EQ(PauliSum({{Complex(2, -0.0), S("Z1")}}).ToString(), "2 * Z1");
}

}  // namespace
}  // namespace qgrad
