// Tests for polynomial costs: value against the dense (⟨ψ|)^{⊗p} A (|ψ⟩)^{⊗p}, the gradient
// operator against finite differences on the sphere (p = 2, 3), symmetrization, and the
// paper's quartic polynomial at its minima and stationary point.
// Thread-safety: single-threaded tests.
#include "problems/polynomial.h"

#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "problems/dense_test_util.h"

namespace qgrad {
namespace {

using ::testing::HasSubstr;
using testing_util::ApplyPauliSum;
using testing_util::Expectation;
using testing_util::Inner;
using testing_util::State;

State RandomState(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  State s(size_t{1} << n);
  for (Complex& a : s) a = {g(rng), g(rng)};
  const double norm = std::sqrt(Inner(s, s).real());
  for (Complex& a : s) a /= norm;
  return s;
}

State TensorPower(const State& psi, int p) {
  State out = {1.0};
  for (int k = 0; k < p; ++k) {  // register k is the k-th most significant block
    State next(out.size() * psi.size());
    for (size_t hi = 0; hi < psi.size(); ++hi)
      for (size_t lo = 0; lo < out.size(); ++lo) next[hi * out.size() + lo] = psi[hi] * out[lo];
    out.swap(next);
  }
  return out;
}

// A random Hermitian A on p·n qubits, deliberately not symmetric under register swaps.
PauliSum RandomA(int qubits, int terms, std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> mask(0, (uint64_t{1} << qubits) - 1);
  std::normal_distribution<double> g;
  PauliSum a;
  for (int t = 0; t < terms; ++t) a.AddTerm(g(rng), PauliString{mask(rng), mask(rng)});
  a.Simplify();
  return a;
}

PolynomialCost::Expectation ExactOn(const State& psi) {
  return [&psi](const PauliString& p) { return Expectation(p, psi).real(); };
}

TEST(PolynomialTest, ValueAndGradientMatchDenseAndFiniteDifferences) {
  std::mt19937_64 rng(2024);
  for (int p : {2, 3}) {
    const int n = 2;
    const PauliSum a = RandomA(p * n, 12, rng);
    absl::StatusOr<PolynomialCost> cost = PolynomialCost::Create(a, p, n);
    ASSERT_TRUE(cost.ok()) << cost.status();
    EXPECT_FALSE(cost->IsSymmetric());
    EXPECT_EQ(cost->ToPauliSum().ToString(), a.ToString());
    for (int trial = 0; trial < 5; ++trial) {
      const State psi = RandomState(n, rng);
      const double f = cost->Value(ExactOn(psi));
      EXPECT_NEAR(f, Expectation(a, TensorPower(psi, p)).real(), 1e-12);
      const State d_psi = ApplyPauliSum(cost->GradientOperator(ExactOn(psi)), psi);
      // Tangent direction φ ⊥ ψ; along ψ(t) = cos t ψ + sin t φ, df/dt = 2 Re⟨φ|D|ψ⟩.
      State phi = RandomState(n, rng);
      const Complex overlap = Inner(psi, phi);
      for (size_t i = 0; i < phi.size(); ++i) phi[i] -= overlap * psi[i];
      const double t = 1e-5;
      auto along = [&](double s) {
        State x(psi.size());
        for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(s) * psi[i] + std::sin(s) * phi[i];
        return cost->Value(ExactOn(x));
      };
      const double fd = (along(t) - along(-t)) / (2 * t);
      EXPECT_NEAR(fd, 2 * Inner(phi, d_psi).real(), 1e-7) << "p=" << p;
    }
  }
}

TEST(PolynomialTest, SymmetrizationKeepsValueAndGradient) {
  std::mt19937_64 rng(99);
  const PauliSum a = RandomA(6, 10, rng);
  absl::StatusOr<PolynomialCost> cost = PolynomialCost::Create(a, 3, 2);
  ASSERT_TRUE(cost.ok());
  absl::StatusOr<PolynomialCost> sym = cost->Symmetrized();
  ASSERT_TRUE(sym.ok());
  EXPECT_TRUE(sym->IsSymmetric());
  const State psi = RandomState(2, rng);
  EXPECT_NEAR(cost->Value(ExactOn(psi)), sym->Value(ExactOn(psi)), 1e-12);
  const PauliSum diff = cost->GradientOperator(ExactOn(psi)) - sym->GradientOperator(ExactOn(psi));
  EXPECT_LT(diff.OneNorm(), 1e-12);
  // Rebentrost's form for symmetric A: D = p · Tr_{2..p}[(I ⊗ ρ^{⊗(p−1)}) A], i.e. only the
  // first register's factors, weighted by the other registers' expectations.
  PauliSum first_register;
  for (const PolynomialCost::Term& t : sym->terms()) {
    double w = 3 * t.coeff;
    for (int i = 1; i < 3; ++i) w *= Expectation(t.factors[i], psi).real();
    first_register.AddTerm(w, t.factors[0]);
  }
  first_register.Simplify();
  EXPECT_LT((first_register - sym->GradientOperator(ExactOn(psi))).OneNorm(), 1e-12);
}

// 1 − |⟨ψ|ψ'⟩|² for the guided state ψ' ∝ (I − ηD)ψ.
double Indicator(const PolynomialCost& cost, const State& psi, double eta) {
  const State d = ApplyPauliSum(cost.GradientOperator(ExactOn(psi)), psi);
  State next(psi.size());
  for (size_t i = 0; i < psi.size(); ++i) next[i] = psi[i] - eta * d[i];
  return 1.0 - std::norm(Inner(psi, next)) / Inner(next, next).real();
}

State FromZ(double z1, double z2, double z3) {
  State x = {1.0, z1, z2, z3};
  const double norm = std::sqrt(Inner(x, x).real());
  for (Complex& a : x) a /= norm;
  return x;
}

TEST(PolynomialTest, PaperQuarticMinimaAndStationaryPoint) {
  for (bool include_y : {false, true}) {
    const PolynomialCost cost = PaperQuarticPolynomial(include_y);
    EXPECT_TRUE(cost.IsSymmetric());
    for (const State& x : {FromZ(1, 0, 0), FromZ(-1, 0, 0), FromZ(0, 1, 0), FromZ(0, -1, 0)}) {
      EXPECT_NEAR(PaperNormalizedCost(cost.Value(ExactOn(x)), x[0]), 0.0, 1e-15);
      EXPECT_NEAR(Indicator(cost, x, 0.2), 0.0, 1e-15);  // D = 0 at a zero of f
    }
    const State diag = FromZ(0.5, 0.5, 0);
    EXPECT_NEAR(PaperNormalizedCost(cost.Value(ExactOn(diag)), diag[0]), include_y ? 0.75 : 0.5, 1e-14);
    if (include_y) {
      EXPECT_NEAR(Indicator(cost, diag, 0.2), 0.0, 1e-14);  // D x ∝ x: stationary on the sphere
    } else {
      EXPECT_GT(Indicator(cost, diag, 0.2), 1e-3);  // gradient along |11⟩: not stationary
    }
  }
}

TEST(PolynomialTest, CreateRejectsBadInput) {
  const PauliSum a = *PauliSum::Parse("X0 X2");
  EXPECT_THAT(PolynomialCost::Create(a, 1, 2).status().message(), HasSubstr("degree=1"));
  EXPECT_THAT(PolynomialCost::Create(a, 2, 0).status().message(), HasSubstr("num_qubits=0"));
  EXPECT_THAT(PolynomialCost::Create(a, 2, 1).status().message(), HasSubstr("acts beyond the 2 qubits"));
  EXPECT_THAT(PolynomialCost::Create(*PauliSum::Parse("1j X0 X2"), 2, 2).status().message(),
              HasSubstr("complex coefficient"));
  EXPECT_THAT(PolynomialCost::Create(a, 33, 2).status().message(), HasSubstr("exceeds 64"));
  // 2^16 · 2^16 wraps to 0 in 32 bits.
  EXPECT_THAT(PolynomialCost::Create(a, 1 << 16, 1 << 16).status().message(),
              HasSubstr("exceeds 64"));
}

}  // namespace
}  // namespace qgrad
