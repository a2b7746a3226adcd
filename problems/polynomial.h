// Polynomial costs of degree p ≥ 2: f(ψ) = (⟨ψ|)^{⊗p} A (|ψ⟩)^{⊗p} for a Hermitian Pauli sum
// A on p·n qubits, register k being qubits [k·n, (k+1)·n).
//
// Every Pauli string on p·n qubits factors exactly (no phase) into per-register strings,
// so A = Σ_α a_α P_α^(1) ⊗ … ⊗ P_α^(p) with real a_α, and for a product state
//   f(ψ) = Σ_α a_α Π_i ⟨ψ|P_α^(i)|ψ⟩,
//   D(ψ) = Σ_α a_α Σ_k (Π_{i≠k} ⟨ψ|P_α^(i)|ψ⟩) P_α^(k)   (a Pauli sum on n qubits),
// with D|ψ⟩ = ∂f/∂⟨ψ| by the product rule. This sum over k is the gradient for any A;
// Rebentrost et al.'s form D = p·Tr_{2..p}[(I ⊗ ρ^{⊗(p−1)}) A] equals it only for A symmetric
// under permuting registers. Symmetrized() returns the symmetric A' = (1/p!) Σ_π π A π†,
// which has the same f and D on product states; use it wherever the partial-trace form is
// needed (e.g. a circuit that implements A directly).
//
// Expectations come from a caller callback, so that an exact simulator or a classical-shadow
// estimator can be plugged in. The callback is also asked for the identity, so unnormalized
// vectors work too.
//
// Thread-safety: immutable after Create; const methods may be called concurrently if the
// callback allows it.
#ifndef QGRAD_PROBLEMS_POLYNOMIAL_H_
#define QGRAD_PROBLEMS_POLYNOMIAL_H_

#include <complex>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/pauli.h"

namespace qgrad {

class PolynomialCost {
 public:
  struct Term {
    double coeff = 0.0;
    std::vector<PauliString> factors;  // factors[k]: the string on register k (n qubits)
  };
  using Expectation = std::function<double(const PauliString&)>;

  // INVALID_ARGUMENT (naming the field) unless degree ≥ 2, num_qubits ≥ 1,
  // degree·num_qubits ≤ 64, A acts only on the first degree·num_qubits qubits, and every
  // coefficient of A is real to 1e-12 (A Hermitian).
  static absl::StatusOr<PolynomialCost> Create(const PauliSum& a, int degree, int num_qubits);

  int degree() const { return degree_; }
  int num_qubits() const { return num_qubits_; }
  const std::vector<Term>& terms() const { return terms_; }

  // True if a(P_1…P_p) = a(P_π(1)…P_π(p)) for all permutations π, to `tolerance`.
  bool IsSymmetric(double tolerance = 1e-12) const;
  // The register-symmetrized cost. RESOURCE_EXHAUSTED if it would exceed 10^6 terms.
  absl::StatusOr<PolynomialCost> Symmetrized() const;
  // A on degree·num_qubits qubits.
  PauliSum ToPauliSum() const;

  double Value(const Expectation& expectation) const;
  PauliSum GradientOperator(const Expectation& expectation) const;

 private:
  PolynomialCost(int degree, int num_qubits, std::vector<Term> terms)
      : degree_(degree), num_qubits_(num_qubits), terms_(std::move(terms)) {}

  int degree_;
  int num_qubits_;
  std::vector<Term> terms_;
};

// The paper's degree-4 polynomial on 2 qubits: p = 2, n = 2,
// A = X^⊗4 + Z^⊗4 (+ Y^⊗4 when include_y, as the authors' code does).
PolynomialCost PaperQuarticPolynomial(bool include_y);

// The paper reports f on Z = x / x0 for a normalized state x = (x0, x1, x2, x3):
//   f_paper = (Z†)^{⊗2} A Z^{⊗2} = f(x) / |x0|^4,
// which is 0 at the minima (z1, z2, z3) = (±1, 0, 0), (0, ±1, 0) and, for A = X^⊗4 + Z^⊗4,
// 0.5 at (0.5, 0.5, 0). That point is a stationary point of f on the sphere (D x ∝ x) only
// for A with Y^⊗4 (where f_paper = 0.75 there); without Y^⊗4 the gradient has a component
// along |11⟩. REQUIRES x0 ≠ 0.
double PaperNormalizedCost(double f, std::complex<double> x0);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_POLYNOMIAL_H_
