// Tests for gradient-state estimation: the indicator and guided cost against closed forms
// (p = 1), the guided direction against a finite-difference sphere gradient (p = 2), the
// paper's ring-graph indicator values, and the INVALID_ARGUMENT paths.
// Thread-safety: single-threaded tests.
#include "optimizer/estimator.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "optimizer/cost_minimizer.h"
#include "optimizer/paper_ansatz.h"
#include "optimizer/test_util.h"
#include "problems/maxcut.h"
#include "problems/polynomial.h"
#include "testing/random_circuit.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;

double Moment(const sv::StateVector& psi, const PauliSum& h, int power) {
  PauliSum hk = h;
  for (int k = 1; k < power; ++k) hk = hk * h;
  return sv::Expectation(psi, hk);
}

TEST(GuidedStateTest, IndicatorMatchesClosedFormForObservables) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 2 + trial % 4;
    const sv::StateVector psi = test::RandomState(n, rng);
    const PauliSum h = test::RandomHermitian(n, 3 + trial % 7, rng);
    const double e = Moment(psi, h, 1), h2 = Moment(psi, h, 2);
    for (double eta : {0.01, 0.1, 0.37}) {
      auto guided = MakeGuidedState(psi, h, eta);
      ASSERT_TRUE(guided.ok()) << guided.status();
      const double closed = eta * eta * (h2 - e * e) / (1 - 2 * eta * e + eta * eta * h2);
      EXPECT_NEAR(guided->indicator, closed, 1e-12) << "trial " << trial << " eta " << eta;
      const double overlap = std::norm(sv::InnerProduct(psi, guided->state));
      EXPECT_NEAR(guided->indicator, 1 - overlap, 1e-12);
    }
  }
}

TEST(GuidedStateTest, CenteredStepIgnoresConstantsAndMatchesItsClosedForm) {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 10; ++trial) {
    const int n = 2 + trial % 3;
    const sv::StateVector psi = test::RandomState(n, rng);
    const PauliSum h = test::RandomHermitian(n, 4 + trial % 5, rng);
    PauliSum shifted = h;
    shifted.AddTerm(-7.8 + trial, PauliString());
    shifted.Simplify();
    const double e = Moment(psi, h, 1), var = Moment(psi, h, 2) - e * e;
    for (double eta : {0.05, 0.5, 4.0}) {
      auto guided = MakeGuidedState(psi, h, eta, /*centered=*/true);
      auto guided_shifted = MakeGuidedState(psi, shifted, eta, /*centered=*/true);
      ASSERT_TRUE(guided.ok() && guided_shifted.ok());
      EXPECT_NEAR(guided->indicator, eta * eta * var / (1 + eta * eta * var), 1e-12);
      EXPECT_NEAR(guided->indicator, 1 - std::norm(sv::InnerProduct(psi, guided->state)), 1e-12);
      for (size_t i = 0; i < psi.size(); ++i) {
        EXPECT_NEAR(std::abs(guided->state.data()[i] - guided_shifted->state.data()[i]), 0,
                    1e-12);
      }
      // The ray of the paper's guided state with the effective step η/(1 + η⟨H⟩).
      auto paper = MakeGuidedState(psi, h, eta / (1 + eta * e));
      ASSERT_TRUE(paper.ok());
      EXPECT_NEAR(std::abs(sv::InnerProduct(paper->state, guided->state)), 1, 1e-12);
    }
  }
}

TEST(GuidedStateTest, GuidedCostMatchesClosedFormAndDescends) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 10; ++trial) {
    const int n = 3;
    const sv::StateVector psi = test::RandomState(n, rng);
    const PauliSum h = test::RandomHermitian(n, 6, rng);
    const double e = Moment(psi, h, 1), h2 = Moment(psi, h, 2), h3 = Moment(psi, h, 3);
    // f(ψ') = (E − 2η⟨H²⟩ + η²⟨H³⟩) / (1 − 2ηE + η²⟨H²⟩); df/dη at 0 = −2 Var(H) < 0.
    for (double eta : {0.02 / h.OneNorm(), 0.5 / h.OneNorm()}) {
      auto guided = MakeGuidedState(psi, h, eta);
      ASSERT_TRUE(guided.ok());
      const double closed =
          (e - 2 * eta * h2 + eta * eta * h3) / (1 - 2 * eta * e + eta * eta * h2);
      const double f = sv::Expectation(guided->state, h);
      EXPECT_NEAR(f, closed, 1e-12);
      EXPECT_LT(f, e - 0.5 * eta * (h2 - e * e)) << "trial " << trial;
    }
  }
}

// f of a normalized copy of ψ, evaluated independently as ⟨ψ⊗ψ|A|ψ⊗ψ⟩ on 2n qubits.
double DenseQuadratic(const PauliSum& a, std::vector<sv::Amplitude> psi) {
  double norm = 0;
  for (auto x : psi) norm += std::norm(x);
  for (auto& x : psi) x /= std::sqrt(norm);
  std::vector<sv::Amplitude> pair(psi.size() * psi.size());
  for (size_t hi = 0; hi < psi.size(); ++hi)
    for (size_t lo = 0; lo < psi.size(); ++lo) pair[hi * psi.size() + lo] = psi[hi] * psi[lo];
  return sv::Expectation(test::FromAmplitudes(pair), a);
}

TEST(GuidedStateTest, PolynomialGuidedDirectionIsMinusTheSphereGradient) {
  std::mt19937_64 rng(3);
  const int n = 2;
  for (int trial = 0; trial < 4; ++trial) {
    const PauliSum a = trial == 0 ? PaperQuarticPolynomial(true).ToPauliSum()
                                  : test::RandomHermitian(2 * n, 8, rng);
    auto poly = PolynomialCost::Create(a, 2, n);
    ASSERT_TRUE(poly.ok()) << poly.status();
    const Cost cost = Cost::Polynomial(*poly);
    const sv::StateVector psi = test::RandomState(n, rng);
    std::vector<sv::Amplitude> x(psi.amplitudes().begin(), psi.amplitudes().end());
    EXPECT_NEAR(cost.Value(psi), DenseQuadratic(a, x), 1e-12);

    // Sphere gradient by central differences: G_i = (∂f/∂Re ψ_i + i ∂f/∂Im ψ_i) / 2.
    const double h = 1e-6;
    std::vector<sv::Amplitude> g(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      for (sv::Amplitude step : {sv::Amplitude(1, 0), sv::Amplitude(0, 1)}) {
        auto up = x, down = x;
        up[i] += h * step;
        down[i] -= h * step;
        g[i] += step * (DenseQuadratic(a, up) - DenseQuadratic(a, down)) / (4 * h);
      }
    }
    const double eta = 1e-6;
    auto guided = MakeGuidedState(psi, cost.GradientOperator(psi), eta);
    ASSERT_TRUE(guided.ok());
    for (size_t i = 0; i < x.size(); ++i) {
      const sv::Amplitude direction = (guided->state.data()[i] - x[i]) / eta;
      EXPECT_NEAR(std::abs(direction + g[i]), 0.0, 1e-4) << "trial " << trial << " i " << i;
    }
    auto small = MakeGuidedState(psi, cost.GradientOperator(psi), 0.01);
    ASSERT_TRUE(small.ok());
    EXPECT_LT(cost.Value(small->state), cost.Value(psi));
  }
}

TEST(ExactEstimatorTest, AgreesWithGuidedStateOfTheCircuitState) {
  std::mt19937_64 rng(5);
  testing::RandomCircuitOptions options;
  options.num_qubits = 3;
  options.num_gates = 12;
  options.num_params = 4;
  const Circuit circuit = testing::RandomCircuit(options, rng);
  const std::vector<double> params = testing::RandomParams(4, rng);
  const PauliSum h = test::RandomHermitian(3, 5, rng);
  sv::Simulator simulator;
  ExactGradientStateEstimator estimator(&simulator, Cost::Observable(h).value());
  auto estimate = estimator.Estimate(circuit, params, {StepSize::Mode::kRelativeOneNorm, 0.3});
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  EXPECT_DOUBLE_EQ(estimate->eta, 0.3 / h.OneNorm());

  sv::StateVector psi = sv::StateVector::Create(3).value();
  ASSERT_TRUE(simulator.Run(circuit, params, psi).ok());
  auto guided = MakeGuidedState(psi, h, estimate->eta);
  ASSERT_TRUE(guided.ok());
  EXPECT_NEAR(estimate->cost, sv::Expectation(psi, h), 1e-12);
  EXPECT_NEAR(estimate->indicator, guided->indicator, 1e-14);
  EXPECT_NEAR(estimate->guided_cost, sv::Expectation(guided->state, h), 1e-12);
  auto applied = estimate->target->Apply(guided->state);
  ASSERT_TRUE(applied.ok());
  EXPECT_NEAR(applied->NormSquared(), 1.0, 1e-12);
}

TEST(ExactEstimatorTest, RingGraphIndicatorMatchesThePaper) {
  // H = −(Z0Z1 + Z1Z2 + Z2Z3 + Z0Z3), QAOA p=1 from |+⟩^⊗4, pre-trained until it stalls.
  const PauliSum h = MaxCutHamiltonian(RingGraph(4)).value() * Complex(-1.0);
  const Cost cost = Cost::Observable(h).value();
  const Circuit qaoa = test::QaoaP1(RingGraph(4));
  sv::Simulator simulator;
  LocalMinimizerOptions cobyla;
  cobyla.algorithm = LocalMinimizerOptions::Algorithm::kCobyla;
  cobyla.ftol_rel = 1e-10;
  auto stalled = MinimizeCost(simulator, cost, qaoa, {0.1, 0.1}, cobyla);
  ASSERT_TRUE(stalled.ok()) << stalled.status();
  EXPECT_NEAR(stalled->value, -2.0, 1e-3);

  ExactGradientStateEstimator estimator(&simulator, cost);
  for (auto [eta, f0] : {std::pair{0.2, 0.9074}, std::pair{0.4, 0.8020}}) {
    auto estimate = estimator.Estimate(qaoa, stalled->x, {StepSize::Mode::kAbsolute, eta});
    ASSERT_TRUE(estimate.ok());
    EXPECT_NEAR(1 - estimate->indicator, f0, 1e-3) << "eta " << eta;
    std::printf("[ ring     ] stalled <H> %.6f, eta %.1f: F0 %.6f (paper %.4f)\n",
                stalled->value, eta, 1 - estimate->indicator, f0);
  }
}

TEST(ExactEstimatorTest, RejectsBadSettingsNamingTheField) {
  sv::Simulator simulator;
  const Cost cost = Cost::Observable(PauliSum::Parse("Z0 Z1").value()).value();
  ExactGradientStateEstimator estimator(&simulator, cost);
  Circuit circuit(2);
  for (double bad : {0.0, -0.1, std::nan("")}) {
    auto e = estimator.Estimate(circuit, {}, {StepSize::Mode::kAbsolute, bad});
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(e.status().message(), HasSubstr("step_size"));
  }
  auto small = estimator.Estimate(Circuit(1), {}, {});
  EXPECT_EQ(small.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(small.status().message(), HasSubstr("num_qubits"));

  auto non_hermitian = Cost::Observable(PauliSum::Parse("1j * X0").value());
  EXPECT_EQ(non_hermitian.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(non_hermitian.status().message(), HasSubstr("observable"));

  const Cost poly = Cost::Polynomial(PaperQuarticPolynomial(false));
  EXPECT_THAT(poly.CheckQubits(3).message(), HasSubstr("num_qubits"));
  EXPECT_TRUE(poly.CheckQubits(2).ok());
}

}  // namespace
}  // namespace qgrad::optimizer
