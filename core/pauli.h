// Pauli strings and Pauli sums: the observables and cost operators of qgrad.
//
// A PauliString on up to 64 qubits is stored as two bit masks (x, z) with the convention
// P = i^{popcount(x & z)} X^x Z^z, so that the letters are I (x=0,z=0), X (1,0), Z (0,1),
// Y (1,1) with Y = iXZ. A PauliSum is a list of terms c_j P_j with complex coefficients;
// it is canonical (like terms combined, zero terms dropped, sorted) after Simplify().
//
// Thread-safety: values; const methods may be called concurrently.
#ifndef QGRAD_CORE_PAULI_H_
#define QGRAD_CORE_PAULI_H_

#include <complex>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace qgrad {

using Complex = std::complex<double>;

inline constexpr int kMaxPauliQubits = 64;

enum class PauliLetter : uint8_t { kI = 0, kX = 1, kZ = 2, kY = 3 };

struct PauliString {
  uint64_t x = 0;  // bit q set: the letter on qubit q is X or Y
  uint64_t z = 0;  // bit q set: the letter on qubit q is Z or Y

  PauliLetter letter(int qubit) const;
  void set(int qubit, PauliLetter letter);
  int weight() const;               // number of non-identity letters
  bool is_identity() const { return (x | z) == 0; }
  bool is_diagonal() const { return x == 0; }  // only I and Z
  int max_qubit() const;            // highest non-identity qubit, -1 for identity
  bool CommutesWith(const PauliString& other) const;

  // "X0 Y3 Z4" (sparse form); "I" for the identity.
  std::string ToString() const;

  friend bool operator==(const PauliString& a, const PauliString& b) {
    return a.x == b.x && a.z == b.z;
  }
  friend bool operator<(const PauliString& a, const PauliString& b) {
    return a.x != b.x ? a.x < b.x : a.z < b.z;
  }
};

// Product a·b = phase · c, with phase in {1, i, -1, -i}.
struct PauliProduct {
  Complex phase;
  PauliString string;
};
PauliProduct Multiply(const PauliString& a, const PauliString& b);

struct PauliTerm {
  Complex coeff;
  PauliString string;
};

class PauliSum {
 public:
  PauliSum() = default;
  explicit PauliSum(std::vector<PauliTerm> terms) : terms_(std::move(terms)) {}

  // Parses "0.5 * Z0 Z1 - 1.2 * X3 + 0.3", "Z0*Z1", "-X0", "(0.5+1j) Y2" and the
  // OpenFermion form "0.5 [Z0 Z1] + -1.2 [X3] + 0.3 []". Coefficients may be complex
  // ("1j", "(0.1-2j)"). Errors name the column. The result is simplified.
  static absl::StatusOr<PauliSum> Parse(std::string_view text);

  const std::vector<PauliTerm>& terms() const { return terms_; }
  bool empty() const { return terms_.empty(); }
  size_t size() const { return terms_.size(); }

  void AddTerm(Complex coeff, const PauliString& string);
  // Combines like terms, drops |c| <= tolerance, sorts by (weight, string).
  void Simplify(double tolerance = 0.0);

  // Number of qubits the sum acts on: 1 + the highest qubit index used (0 if none).
  int NumQubits() const;
  // Σ |c_j| over like terms combined, identity included, added in the canonical order (the
  // order Simplify() sorts into), so its bits do not depend on how the sum was built.
  double OneNorm() const;
  bool IsHermitian(double tolerance = 1e-12) const;  // all coefficients real
  Complex IdentityCoefficient() const;

  PauliSum operator+(const PauliSum& other) const;
  PauliSum operator-(const PauliSum& other) const;
  PauliSum operator*(const PauliSum& other) const;
  PauliSum operator*(Complex scalar) const;
  PauliSum& operator+=(const PauliSum& other);

  // [A, B] = AB − BA (only anticommuting pairs contribute).
  friend PauliSum Commutator(const PauliSum& a, const PauliSum& b);

  // "0.5 * Z0 Z1 - 1.2 * X3 + 0.3"; complex coefficients as "(0.5+1j)". Round-trips
  // through Parse exactly (coefficients printed with 17 significant digits).
  std::string ToString() const;
  // "0.5 [Z0 Z1] + -1.2 [X3] + 0.3 []"
  std::string ToOpenFermionString() const;

 private:
  std::vector<PauliTerm> terms_;
};

PauliSum Commutator(const PauliSum& a, const PauliSum& b);

}  // namespace qgrad

#endif  // QGRAD_CORE_PAULI_H_
