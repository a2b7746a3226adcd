// Pauli strings and Pauli sums: the algebra (products with exact phases, commutators,
// simplification) and the text forms (qgrad's "0.5 * Z0 Z1 - 1.2 * X3" and OpenFermion's
// "0.5 [Z0 Z1] + -1.2 [X3]").
//
// Text grammar accepted by PauliSum::Parse (whitespace is free between tokens):
//   sum     := empty | [sign] term ( ("+"|"-") [sign] term )*      sign := "+" | "-"
//   term    := coeff [ ["*"] string ] | string
//   coeff   := number ["j"|"J"] | "(" [sign] number ["j"] [ sign number ("j"|"J") ] ")"
//   number  := digits ["." digits] [("e"|"E") [sign] digits]     (".5" and "5." too)
//   string  := factors | "[" [factors] "]"       factors := factor ( [ws | "*"] factor )*
//   factor  := "I" [index] | ("X"|"Y"|"Z") index             index := decimal, 0..63
// so "0.5 * Z0 Z1", "0.5 Z0*Z1", "0.5Z0Z1", "-X0", "+ 2 X1", "(0.5+1j) Y2", "2.5e-3 * Z0",
// "0.5 [Z0 Z1] + -1.2 [X3] + 0.3 []" and "(0.5+0j) [Z0]" all parse. No "inf"/"nan".
// Decisions:
//   * Pauli letters are upper case only. A lower-case letter is an error whose message
//     says so; a lower-case 'i' gets a hint that the imaginary unit is 'j' ("2i" is far
//     more likely a mistyped imaginary number than "2 times the identity").
//   * A qubit repeated inside one string ("X0 Y0") multiplies out left to right with its
//     phase ("X0 Y0" = 1j * Z0), as OpenFermion's QubitOperator does.
//   * "I" with an index ("I3") is accepted and checked but is the identity: it does not
//     count towards NumQubits.
//   * Empty (or all-whitespace) text is the zero operator, as is "0"; both give an empty
//     sum, and the empty sum prints as "0".
//   * Columns in error messages are 1-based byte offsets into the whole text.
//   * Underflowing numbers ("1e-400") read as zero; overflowing ones are errors.
//   * Arithmetic results (+, -, *, Commutator) come back simplified with tolerance 0.
//   * The queries (NumQubits, OneNorm, IsHermitian) describe the operator: they look at
//     like terms combined, whether or not Simplify() has run.
//   * Printing uses the shortest decimal that reads back to the same bits (0.3, not
//     0.29999999999999999), so every finite coefficient round-trips exactly;
//     non-finite coefficients print ("inf", "nan") but do not parse.
//
// Thread-safety: free functions and values only; no shared mutable state.
#include "core/pauli.h"

#include <charconv>
#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/charconv.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qgrad {
namespace {

// This Abseil build has its own string_view type, distinct from std::string_view.
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ---------------------------------------------------------------------------------------
// Phases. A phase i^k is carried as k mod 4 so that applying it is exact (a swap and
// sign flips) instead of a complex multiplication that could round or turn inf into nan.

int YCount(const PauliString& s) { return std::popcount(s.x & s.z); }

// k such that a·b = i^k · c with c = (a.x ^ b.x, a.z ^ b.z).
// a·b = i^{ya+yb} X^xa Z^za X^xb Z^zb; moving Z^za past X^xb costs (-1)^{|za & xb|},
// and X^xc Z^zc = i^{-yc} c.
int ProductPhaseExponent(const PauliString& a, const PauliString& b) {
  const PauliString c{a.x ^ b.x, a.z ^ b.z};
  const int k = YCount(a) + YCount(b) - YCount(c) + 2 * std::popcount(a.z & b.x);
  return ((k % 4) + 4) % 4;
}

// 0.0 - v rather than -v: exact for nonzero v, and it turns a zero part into +0, so that
// "-X0" and i·(real) do not grow "-0" parts that would print as "(-0+1j)".
double Negated(double v) { return 0.0 - v; }

Complex Negated(Complex c) { return {Negated(c.real()), Negated(c.imag())}; }

Complex ApplyPhase(Complex c, int k) {
  switch (k & 3) {
    case 0: return c;
    case 1: return {Negated(c.imag()), c.real()};
    case 2: return Negated(c);
    default: return {c.imag(), Negated(c.real())};
  }
}

Complex PhaseValue(int k) { return ApplyPhase(Complex(1.0, 0.0), k); }

// ---------------------------------------------------------------------------------------
// The canonical term order and the combining of like terms.

// The canonical order: by weight, then by the letters from qubit 0 upward, where on the
// first differing qubit X < Y < Z < I. Putting the identity last makes "Z0 Z1" < "Z0 Z2"
// and lists the weight-1 terms as X0 Y0 Z0 X1 ...
//
// Sorting millions of product terms is the expensive part of a product, so the order is
// realised by an integer key computed once per term: each qubit contributes the 2-bit rank
// (X=0, Y=1, Z=2, I=3) = (not x, not (x xor z)), with qubit 0 in the most significant
// position, so comparing keys compares the first differing qubit.

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(v);
}

// Spreads the 32 bits of v to the even bit positions of the result.
uint64_t SpreadBits(uint32_t v) {
  uint64_t r = v;
  r = (r | (r << 16)) & 0x0000FFFF0000FFFFULL;
  r = (r | (r << 8)) & 0x00FF00FF00FF00FFULL;
  r = (r | (r << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  r = (r | (r << 2)) & 0x3333333333333333ULL;
  r = (r | (r << 1)) & 0x5555555555555555ULL;
  return r;
}

struct SortKey {
  int weight;
  uint64_t high;  // qubits 0..31
  uint64_t low;   // qubits 32..63
  size_t index;   // position in the unsorted list

  // Distinct strings have distinct keys, so the (unstable) sort meets no ties.
  friend bool operator<(const SortKey& a, const SortKey& b) {
    if (a.weight != b.weight) return a.weight < b.weight;
    if (a.high != b.high) return a.high < b.high;
    return a.low < b.low;
  }
};

SortKey MakeSortKey(const PauliString& s, size_t index) {
  const uint64_t rank_high_bit = ReverseBits(~s.x);
  const uint64_t rank_low_bit = ReverseBits(~(s.x ^ s.z));
  auto interleave = [&](int shift) {
    return (SpreadBits(static_cast<uint32_t>(rank_high_bit >> shift)) << 1) |
           SpreadBits(static_cast<uint32_t>(rank_low_bit >> shift));
  };
  return {s.weight(), interleave(32), interleave(0), index};
}

// Like terms combined. A hash map keyed by (x, z) keeps products of large sums linear in
// the number of term pairs, but its iteration order is seeded per process (absl::Hash), so
// the map is never iterated except to sort: every result leaves in the canonical order, and
// no floating-point sum can run in the map's order (OneNorm once did, and η differed in its
// last bits between processes). Each key's coefficient is summed in insertion order.
class LikeTerms {
 public:
  explicit LikeTerms(size_t expected_terms = 0) { map_.reserve(expected_terms); }

  void Add(const PauliString& s, Complex c) {
    auto [it, inserted] = map_.try_emplace(s, c);
    if (!inserted) it->second += c;
  }

  // The combined terms with |c| > tolerance, in the canonical order.
  std::vector<PauliTerm> Sorted(double tolerance) const {
    return SortedIf([tolerance](Complex c) { return std::abs(c) > tolerance; });
  }
  // Every combined term, zeros and non-finite ones included, in the canonical order.
  std::vector<PauliTerm> SortedAll() const {
    return SortedIf([](Complex) { return true; });
  }

 private:
  struct StringHash {
    size_t operator()(const PauliString& s) const { return absl::HashOf(s.x, s.z); }
  };

  template <typename Keep>
  std::vector<PauliTerm> SortedIf(const Keep& keep) const {
    std::vector<PauliTerm> unsorted;
    unsorted.reserve(map_.size());
    for (const auto& [s, c] : map_) {
      if (keep(c)) unsorted.push_back({c, s});
    }
    std::vector<SortKey> keys;
    keys.reserve(unsorted.size());
    for (size_t k = 0; k < unsorted.size(); ++k) {
      keys.push_back(MakeSortKey(unsorted[k].string, k));
    }
    std::sort(keys.begin(), keys.end());
    std::vector<PauliTerm> terms;
    terms.reserve(keys.size());
    for (const SortKey& key : keys) terms.push_back(unsorted[key.index]);
    return terms;
  }

  absl::flat_hash_map<PauliString, Complex, StringHash> map_;
};

LikeTerms CombineTerms(const std::vector<PauliTerm>& terms) {
  LikeTerms combined(terms.size());
  for (const PauliTerm& t : terms) combined.Add(t.string, t.coeff);
  return combined;
}

// ---------------------------------------------------------------------------------------
// Printing: std::to_chars without a precision gives the shortest round-trip form.

std::string FormatDouble(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

bool IsReal(Complex c) { return c.imag() == 0.0; }

// "(re+imj)" / "(re-imj)", the form Python prints and Parse reads.
std::string FormatComplexParenthesized(Complex c) {
  const bool neg_imag = std::signbit(c.imag());
  return absl::StrCat("(", FormatDouble(c.real()), neg_imag ? "-" : "+",
                      FormatDouble(neg_imag ? -c.imag() : c.imag()), "j)");
}

std::string FormatCoefficient(Complex c) {
  return IsReal(c) ? FormatDouble(c.real()) : FormatComplexParenthesized(c);
}

// ---------------------------------------------------------------------------------------
// Parsing.

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsPauliLetter(char c) { return c == 'I' || c == 'X' || c == 'Y' || c == 'Z'; }
bool IsLowerPauliLetter(char c) { return c == 'i' || c == 'x' || c == 'y' || c == 'z'; }
bool IsTokenDelimiter(char c) {
  return IsSpace(c) || c == '+' || c == '-' || c == '*' || c == '(' || c == ')' || c == '[' ||
         c == ']';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<PauliSum> Run() {
    std::vector<PauliTerm> terms;
    SkipSpace();
    bool first = true;
    while (!AtEnd()) {
      bool negative = false;
      if (!first) {
        if (Peek() != '+' && Peek() != '-') {
          return Unexpected(pos_, "expected '+' or '-' between terms");
        }
        if (Peek() == '-') negative = !negative;
        ++pos_;
        SkipSpace();
      }
      // One unary sign: a leading "-X0", or OpenFermion's "+ -1.2 [X3]".
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) {
        if (Peek() == '-') negative = !negative;
        ++pos_;
        SkipSpace();
      }
      absl::Status status = ParseTerm(negative, terms);
      if (!status.ok()) return status;
      first = false;
      SkipSpace();
    }
    PauliSum sum(std::move(terms));
    sum.Simplify();
    return sum;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // The token at `pos`, quoted, for error messages: the run of characters up to the next
  // delimiter (or the single delimiter itself), capped so messages stay short.
  std::string TokenAt(size_t pos) const {
    if (pos >= text_.size()) return "end of input";
    size_t end = pos + 1;
    if (!IsTokenDelimiter(text_[pos])) {
      while (end < text_.size() && !IsTokenDelimiter(text_[end]) && end - pos < 24) ++end;
    }
    return absl::StrCat("'", absl::CHexEscape(AbslView(text_.substr(pos, end - pos))), "'");
  }

  absl::Status Error(size_t pos, std::string_view message) const {
    return absl::InvalidArgumentError(absl::StrFormat("column %d: %s", pos + 1, message));
  }

  // "<expected>, got '<token>'" plus a hint for the two likely slips: lower-case letters
  // and 'i' used as the imaginary unit.
  absl::Status Unexpected(size_t pos, std::string_view expected, std::string_view hint = {}) const {
    std::string message = absl::StrCat(AbslView(expected), ", got ", TokenAt(pos));
    if (!hint.empty()) absl::StrAppend(&message, " (", AbslView(hint), ")");
    if (pos < text_.size() && IsLowerPauliLetter(text_[pos])) {
      absl::StrAppend(&message, text_[pos] == 'i'
                                    ? " (the imaginary unit is 'j'; Pauli letters are "
                                      "upper case)"
                                    : " (Pauli letters are upper case)");
    }
    return Error(pos, message);
  }

  absl::Status ParseTerm(bool negative, std::vector<PauliTerm>& terms) {
    if (AtEnd()) return Unexpected(pos_, "expected a term");
    Complex coeff(1.0, 0.0);
    bool have_coeff = false;
    if (IsDigit(Peek()) || Peek() == '.' || Peek() == '(') {
      absl::Status status = ParseCoefficient(coeff);
      if (!status.ok()) return status;
      have_coeff = true;
      SkipSpace();
      if (!AtEnd() && Peek() == '*') {
        ++pos_;
        SkipSpace();
        if (AtEnd() || !(IsPauliLetter(Peek()) || Peek() == '[')) {
          return Unexpected(pos_, "expected a Pauli string after '*'");
        }
      }
    }
    PauliString string;
    int phase = 0;
    if (!AtEnd() && (IsPauliLetter(Peek()) || Peek() == '[')) {
      absl::Status status =
          Peek() == '[' ? ParseBracketedString(string, phase) : ParseFactors(string, phase);
      if (!status.ok()) return status;
    } else if (!have_coeff) {
      return Unexpected(pos_, "expected a coefficient or a Pauli string");
    }
    // The sign is exact (a negation); the phase is exact too (see ApplyPhase).
    terms.push_back({ApplyPhase(negative ? Negated(coeff) : coeff, phase), string});
    return absl::OkStatus();
  }

  // "[Z0 Z1]" or "[]" (the identity).
  absl::Status ParseBracketedString(PauliString& string, int& phase) {
    const size_t open = pos_;
    ++pos_;
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    if (AtEnd() || !IsPauliLetter(Peek())) {
      return Unexpected(pos_, "expected a Pauli factor or ']'");
    }
    absl::Status status = ParseFactors(string, phase);
    if (!status.ok()) return status;
    SkipSpace();
    if (AtEnd() || Peek() != ']') {
      return Unexpected(pos_, absl::StrFormat("expected a Pauli factor or ']' closing the "
                                              "'[' at column %d",
                                              open + 1));
    }
    ++pos_;
    return absl::OkStatus();
  }

  // One or more factors, juxtaposed ("Z0Z1") or separated by spaces or '*'.
  absl::Status ParseFactors(PauliString& string, int& phase) {
    while (true) {
      absl::Status status = ParseFactor(string, phase);
      if (!status.ok()) return status;
      const size_t after_factor = pos_;
      SkipSpace();
      if (!AtEnd() && Peek() == '*') {
        ++pos_;
        SkipSpace();
        if (AtEnd() || !IsPauliLetter(Peek())) {
          return Unexpected(pos_, "expected a Pauli factor after '*'");
        }
        continue;
      }
      if (!AtEnd() && IsPauliLetter(Peek())) continue;
      pos_ = after_factor;
      return absl::OkStatus();
    }
  }

  // "X3": multiplies the letter into `string`, adding the product's phase exponent.
  absl::Status ParseFactor(PauliString& string, int& phase) {
    const size_t start = pos_;
    const char letter = Peek();
    ++pos_;
    const bool has_index = !AtEnd() && IsDigit(Peek());
    if (!has_index) {
      if (letter == 'I') return absl::OkStatus();
      const bool dense = !AtEnd() && IsPauliLetter(Peek());
      return Unexpected(pos_, absl::StrFormat("expected a qubit index after '%c'", letter),
                        dense ? "dense strings like 'XZ' are not supported; write 'X0 Z1'" : "");
    }
    int qubit = 0;
    absl::Status status = ParseQubitIndex(start, qubit);
    if (!status.ok()) return status;
    if (letter == 'I') return absl::OkStatus();
    PauliString single;
    single.set(qubit, letter == 'X'   ? PauliLetter::kX
                      : letter == 'Y' ? PauliLetter::kY
                                      : PauliLetter::kZ);
    phase = (phase + ProductPhaseExponent(string, single)) & 3;
    string = PauliString{string.x ^ single.x, string.z ^ single.z};
    return absl::OkStatus();
  }

  absl::Status ParseQubitIndex(size_t factor_start, int& qubit) {
    const size_t digits_start = pos_;
    uint64_t value = 0;
    bool too_large = false;
    while (!AtEnd() && IsDigit(Peek())) {
      value = value * 10 + static_cast<uint64_t>(Peek() - '0');
      if (value >= static_cast<uint64_t>(kMaxPauliQubits)) too_large = true;
      if (too_large) value = kMaxPauliQubits;  // keep it from overflowing
      ++pos_;
    }
    if (too_large) {
      return Error(factor_start,
                   absl::StrFormat("qubit index %s in %s is out of range (at most %d)",
                                   text_.substr(digits_start, pos_ - digits_start),
                                   TokenAt(factor_start), kMaxPauliQubits - 1));
    }
    qubit = static_cast<int>(value);
    return absl::OkStatus();
  }

  // A real or imaginary number, or a parenthesized complex "(a+bj)".
  absl::Status ParseCoefficient(Complex& coeff) {
    if (Peek() != '(') {
      double value = 0;
      bool imaginary = false;
      absl::Status status = ParseNumber(value, imaginary);
      if (!status.ok()) return status;
      coeff = imaginary ? Complex(0.0, value) : Complex(value, 0.0);
      return absl::OkStatus();
    }
    return ParseParenthesizedComplex(coeff);
  }

  absl::Status ParseParenthesizedComplex(Complex& coeff) {
    const size_t open = pos_;
    ++pos_;
    SkipSpace();
    double first = 0;
    bool first_imaginary = false;
    absl::Status status = ParseSignedNumber(first, first_imaginary);
    if (!status.ok()) return status;
    coeff = first_imaginary ? Complex(0.0, first) : Complex(first, 0.0);
    SkipSpace();
    if (!AtEnd() && (Peek() == '+' || Peek() == '-')) {
      const bool negative = Peek() == '-';
      ++pos_;
      SkipSpace();
      const size_t second_start = pos_;
      double second = 0;
      bool second_imaginary = false;
      status = ParseNumber(second, second_imaginary);
      if (!status.ok()) return status;
      if (!second_imaginary) {
        return Unexpected(second_start, "expected an imaginary part like '2j'",
                          "a complex coefficient is written (real+imagj)");
      }
      if (first_imaginary) {
        return Unexpected(open + 1, "expected a real part before the imaginary part",
                          "a complex coefficient is written (real+imagj)");
      }
      coeff = Complex(first, negative ? -second : second);
      SkipSpace();
    }
    if (AtEnd() || Peek() != ')') {
      return Unexpected(pos_,
                        absl::StrFormat("expected ')' closing the '(' at column %d", open + 1));
    }
    ++pos_;
    return absl::OkStatus();
  }

  absl::Status ParseSignedNumber(double& value, bool& imaginary) {
    bool negative = false;
    if (!AtEnd() && (Peek() == '+' || Peek() == '-')) {
      negative = Peek() == '-';
      ++pos_;
      SkipSpace();
    }
    absl::Status status = ParseNumber(value, imaginary);
    if (negative) value = -value;
    return status;
  }

  // digits [. digits] [e [sign] digits] [j]; at least one mantissa digit.
  absl::Status ParseNumber(double& value, bool& imaginary) {
    const size_t start = pos_;
    size_t mantissa_digits = 0;
    while (!AtEnd() && IsDigit(Peek())) ++pos_, ++mantissa_digits;
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      while (!AtEnd() && IsDigit(Peek())) ++pos_, ++mantissa_digits;
    }
    if (mantissa_digits == 0) {
      pos_ = start;
      return Unexpected(start, "expected a number");
    }
    ScanExponent();
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    const absl::from_chars_result result = absl::from_chars(first, last, value);
    // absl::from_chars reports underflow as out of range with value ±0; only a real
    // overflow is an error.
    if (result.ec == std::errc::result_out_of_range && value != 0.0) {
      return Error(start, absl::StrFormat("number %s is out of range", TokenAt(start)));
    }
    if (result.ec == std::errc::invalid_argument || result.ptr != last) {
      return Unexpected(start, "expected a number");  // unreachable after the scan above
    }
    imaginary = !AtEnd() && (Peek() == 'j' || Peek() == 'J');
    if (imaginary) ++pos_;
    return absl::OkStatus();
  }

  // Consumes "e[+-]digits" only when digits follow, so "2e" leaves the 'e' as an error.
  void ScanExponent() {
    if (AtEnd() || (Peek() != 'e' && Peek() != 'E')) return;
    size_t p = pos_ + 1;
    if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p >= text_.size() || !IsDigit(text_[p])) return;
    while (p < text_.size() && IsDigit(text_[p])) ++p;
    pos_ = p;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------
// PauliString

PauliLetter PauliString::letter(int qubit) const {
  assert(qubit >= 0 && qubit < kMaxPauliQubits);
  if (qubit < 0 || qubit >= kMaxPauliQubits) return PauliLetter::kI;
  const unsigned xb = (x >> qubit) & 1, zb = (z >> qubit) & 1;
  return static_cast<PauliLetter>(xb | (zb << 1));
}

void PauliString::set(int qubit, PauliLetter letter) {
  assert(qubit >= 0 && qubit < kMaxPauliQubits);
  if (qubit < 0 || qubit >= kMaxPauliQubits) return;
  const uint64_t bit = uint64_t{1} << qubit;
  const auto code = static_cast<unsigned>(letter);
  x = (code & 1) ? (x | bit) : (x & ~bit);
  z = (code & 2) ? (z | bit) : (z & ~bit);
}

int PauliString::weight() const { return std::popcount(x | z); }

int PauliString::max_qubit() const { return std::bit_width(x | z) - 1; }

// Two strings anticommute exactly when they anticommute on an odd number of qubits, which
// is the parity of the symplectic product x_a·z_b + z_a·x_b.
bool PauliString::CommutesWith(const PauliString& other) const {
  return std::popcount((x & other.z) ^ (z & other.x)) % 2 == 0;
}

std::string PauliString::ToString() const {
  if (is_identity()) return "I";
  static constexpr char kLetters[] = {'I', 'X', 'Z', 'Y'};
  std::string out;
  for (uint64_t support = x | z; support != 0; support &= support - 1) {
    const int q = std::countr_zero(support);
    if (!out.empty()) out += ' ';
    out += kLetters[static_cast<int>(letter(q))];
    absl::StrAppend(&out, q);
  }
  return out;
}

PauliProduct Multiply(const PauliString& a, const PauliString& b) {
  return {PhaseValue(ProductPhaseExponent(a, b)), PauliString{a.x ^ b.x, a.z ^ b.z}};
}

// ---------------------------------------------------------------------------------------
// PauliSum

absl::StatusOr<PauliSum> PauliSum::Parse(std::string_view text) { return Parser(text).Run(); }

void PauliSum::AddTerm(Complex coeff, const PauliString& string) {
  terms_.push_back({coeff, string});
}

void PauliSum::Simplify(double tolerance) { terms_ = CombineTerms(terms_).Sorted(tolerance); }

// The queries below describe the operator, so they look at combined terms: "X5 - X5"
// built with AddTerm acts on no qubits and has norm 0 even before Simplify().

int PauliSum::NumQubits() const {
  int max_qubit = -1;
  for (const PauliTerm& t : CombineTerms(terms_).SortedAll()) {
    if (t.coeff != 0.0) max_qubit = std::max(max_qubit, t.string.max_qubit());
  }
  return max_qubit + 1;
}

double PauliSum::OneNorm() const {
  double norm = 0;
  for (const PauliTerm& t : CombineTerms(terms_).SortedAll()) norm += std::abs(t.coeff);
  return norm;
}

bool PauliSum::IsHermitian(double tolerance) const {
  for (const PauliTerm& t : CombineTerms(terms_).SortedAll()) {
    if (!(std::abs(t.coeff.imag()) <= tolerance)) return false;  // nan is not Hermitian
  }
  return true;
}

Complex PauliSum::IdentityCoefficient() const {
  Complex total(0.0, 0.0);
  for (const PauliTerm& t : terms_) {
    if (t.string.is_identity()) total += t.coeff;
  }
  return total;
}

PauliSum PauliSum::operator+(const PauliSum& other) const {
  PauliSum result = *this;
  result += other;
  return result;
}

PauliSum PauliSum::operator-(const PauliSum& other) const {
  PauliSum result = *this;
  result.terms_.reserve(terms_.size() + other.terms_.size());
  for (const PauliTerm& t : other.terms_) result.terms_.push_back({Negated(t.coeff), t.string});
  result.Simplify();
  return result;
}

PauliSum PauliSum::operator*(const PauliSum& other) const {
  LikeTerms products(std::min<size_t>(terms_.size() * other.terms_.size(), size_t{1} << 20));
  for (const PauliTerm& a : terms_) {
    for (const PauliTerm& b : other.terms_) {
      const int k = ProductPhaseExponent(a.string, b.string);
      products.Add(PauliString{a.string.x ^ b.string.x, a.string.z ^ b.string.z},
                   ApplyPhase(a.coeff * b.coeff, k));
    }
  }
  return PauliSum(products.Sorted(0.0));
}

PauliSum PauliSum::operator*(Complex scalar) const {
  PauliSum result = *this;
  for (PauliTerm& t : result.terms_) t.coeff *= scalar;
  result.Simplify();
  return result;
}

PauliSum& PauliSum::operator+=(const PauliSum& other) {
  terms_.insert(terms_.end(), other.terms_.begin(), other.terms_.end());
  Simplify();
  return *this;
}

// Commuting strings cancel in AB − BA; anticommuting ones give PQ − QP = 2PQ.
PauliSum Commutator(const PauliSum& a, const PauliSum& b) {
  LikeTerms products;
  for (const PauliTerm& ta : a.terms()) {
    for (const PauliTerm& tb : b.terms()) {
      if (ta.string.CommutesWith(tb.string)) continue;
      const int k = ProductPhaseExponent(ta.string, tb.string);
      products.Add(PauliString{ta.string.x ^ tb.string.x, ta.string.z ^ tb.string.z},
                   ApplyPhase(2.0 * (ta.coeff * tb.coeff), k));
    }
  }
  return PauliSum(products.Sorted(0.0));
}

std::string PauliSum::ToString() const {
  if (terms_.empty()) return "0";
  std::string out;
  for (const PauliTerm& t : terms_) {
    const Complex c = t.coeff;
    const bool identity = t.string.is_identity();
    // A negative real coefficient becomes a binary minus; its magnitude is printed, which
    // reads back to the same bits (negation is exact, -0 included). A unit coefficient on a
    // Pauli string is left out ("X0 X1 - Z2").
    if (IsReal(c) && std::abs(c.real()) == 1.0 && !identity) {
      absl::StrAppend(&out, std::signbit(c.real()) ? (out.empty() ? "-" : " - ")
                                                   : (out.empty() ? "" : " + "),
                      t.string.ToString());
      continue;
    }
    if (IsReal(c) && std::signbit(c.real())) {
      absl::StrAppend(&out, out.empty() ? "-" : " - ", FormatDouble(-c.real()));
    } else {
      absl::StrAppend(&out, out.empty() ? "" : " + ", FormatCoefficient(c));
    }
    if (!identity) absl::StrAppend(&out, " * ", t.string.ToString());
  }
  return out;
}

std::string PauliSum::ToOpenFermionString() const {
  if (terms_.empty()) return "0";
  std::string out;
  for (const PauliTerm& t : terms_) {
    if (!out.empty()) out += " + ";
    absl::StrAppend(&out, FormatCoefficient(t.coeff), " [",
                    t.string.is_identity() ? "" : t.string.ToString(), "]");
  }
  return out;
}

}  // namespace qgrad
