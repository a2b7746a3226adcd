// Adjoint gradients against central finite differences and the parameter-shift rule, on
// random circuits with ≥ 50 parameters using every parameterized gate kind.
#include "backends/statevector/adjoint.h"

#include <cmath>
#include <numbers>
#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/random_circuit.h"

namespace qgrad::sv {
namespace {

using std::numbers::pi;

PauliSum MustParse(std::string_view text) {
  absl::StatusOr<PauliSum> s = PauliSum::Parse(text);
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

// Every parameterized kind mixed with fixed gates, extra (neg)controls and Pauli rotations
// wider than one adjoint block.
Circuit RandomCircuit(int n, int num_params, int num_gates, std::mt19937_64& rng) {
  testing::RandomCircuitOptions options;
  options.num_qubits = n;
  options.num_params = num_params;
  options.num_gates = num_gates;
  options.kinds = {GateKind::kRX, GateKind::kRY, GateKind::kRZ, GateKind::kP, GateKind::kU,
                   GateKind::kCP, GateKind::kCRX, GateKind::kCRY, GateKind::kCRZ, GateKind::kCU,
                   GateKind::kGPhase, GateKind::kH, GateKind::kCX, GateKind::kSX, GateKind::kCZ,
                   GateKind::kCCX, GateKind::kPauliRotation, GateKind::kUnitary};
  return testing::RandomCircuit(options, rng);
}

using testing::RandomParams;

double EnergyAt(const Simulator& sim, const Circuit& c, const std::vector<double>& params,
                const PauliSum& h) {
  StateVector psi = *StateVector::Create(c.num_qubits());
  EXPECT_TRUE(sim.Run(c, params, psi).ok());
  return Expectation(psi, h);
}

double FidelityAt(const Simulator& sim, const Circuit& c, const std::vector<double>& params,
                  const StateVector& target) {
  StateVector psi = *StateVector::Create(c.num_qubits());
  EXPECT_TRUE(sim.Run(c, params, psi).ok());
  return std::norm(InnerProduct(target, psi));
}

template <class F>
std::vector<double> CentralDifferences(F f, std::vector<double> params) {
  const double h = 1e-5;
  std::vector<double> grad(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const double v = params[i];
    params[i] = v + h;
    double up = f(params);
    params[i] = v - h;
    double down = f(params);
    params[i] = v;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

double MaxAbsDiff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

struct SweepCase {
  AdjointSweep sweep;
  int block_qubits;
};

class AdjointTest : public ::testing::TestWithParam<SweepCase> {
 protected:
  AdjointOptions Options() const { return {GetParam().sweep, GetParam().block_qubits}; }
  Simulator sim_;
};

TEST_P(AdjointTest, ExpectationGradientMatchesFiniteDifferences) {
  std::mt19937_64 rng(2024);
  const PauliSum h = MustParse("0.7 * Z0 Z1 - 0.4 * X2 Y4 + 0.25 * Y1 + 1.1 * X0 X1 X2 X3 X4 - 0.3");
  for (int trial = 0; trial < 4; ++trial) {
    Circuit c = RandomCircuit(5, 52, 90, rng);
    std::vector<double> params = RandomParams(52, rng);
    absl::StatusOr<ValueAndGradient> g = ExpectationGradient(sim_, c, params, h, nullptr, Options());
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_NEAR(g->value, EnergyAt(sim_, c, params, h), 1e-12);
    auto fd = CentralDifferences([&](const std::vector<double>& p) { return EnergyAt(sim_, c, p, h); },
                                 params);
    EXPECT_LT(MaxAbsDiff(g->gradient, fd), 1e-7) << "trial " << trial;
  }
}

TEST_P(AdjointTest, FidelityGradientMatchesFiniteDifferences) {
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 3; ++trial) {
    Circuit c = RandomCircuit(6, 50, 80, rng);
    std::vector<double> params = RandomParams(50, rng);
    // A random normalized target and a non-trivial initial state.
    StateVector target = *StateVector::Create(6);
    StateVector initial = *StateVector::Create(6);
    std::normal_distribution<double> normal;
    std::vector<Amplitude> amps(64);
    for (auto& a : amps) a = {normal(rng), normal(rng)};
    ASSERT_TRUE(target.SetAmplitudes(amps, true).ok());
    for (auto& a : amps) a = {normal(rng), normal(rng)};
    ASSERT_TRUE(initial.SetAmplitudes(amps, true).ok());
    absl::StatusOr<ValueAndGradient> g = FidelityGradient(sim_, c, params, target, &initial, Options());
    ASSERT_TRUE(g.ok()) << g.status();
    auto fidelity = [&](const std::vector<double>& p) {
      StateVector psi = initial.Copy();
      EXPECT_TRUE(sim_.Run(c, p, psi).ok());
      return std::norm(InnerProduct(target, psi));
    };
    EXPECT_NEAR(g->value, fidelity(params), 1e-12);
    EXPECT_LT(MaxAbsDiff(g->gradient, CentralDifferences(fidelity, params)), 1e-7);
  }
}

INSTANTIATE_TEST_SUITE_P(Sweeps, AdjointTest,
                         ::testing::Values(SweepCase{AdjointSweep::kGateByGate, 4},
                                         SweepCase{AdjointSweep::kBlocked, 1},
                                         SweepCase{AdjointSweep::kBlocked, 3},
                                         SweepCase{AdjointSweep::kBlocked, 4},
                                         SweepCase{AdjointSweep::kBlocked, 5}),
                         [](const auto& info) {
                           return absl::StrCat(info.param.sweep == AdjointSweep::kBlocked
                                                   ? "Blocked"
                                                   : "GateByGate",
                                               info.param.block_qubits);
                         });

// Parameter shift: for exp(−iθP/2) with one use per parameter,
// ∂f/∂θ = [f(θ + π/2) − f(θ − π/2)] / 2 exactly.
TEST(AdjointParameterShiftTest, MatchesShiftRuleOnPauliRotations) {
  std::mt19937_64 rng(5);
  const int n = 6, num_params = 60;
  Circuit c(n);
  for (int k = 0; k < num_params; ++k) {
    PauliString p;
    int q0 = int(rng() % n), q1 = int(rng() % n);
    p.set(q0, static_cast<PauliLetter>(1 + rng() % 3));
    if (k % 3 == 0) p.set(q1, static_cast<PauliLetter>(1 + rng() % 3));
    if (k % 5 == 0) {
      ASSERT_TRUE(c.Add(k % 2 ? GateKind::kRY : GateKind::kRX, {q0}, {Angle::Param(k)}).ok());
    } else {
      ASSERT_TRUE(c.AddPauliRotation(p, Angle::Param(k)).ok());
    }
    if (k % 4 == 0) ASSERT_TRUE(c.Add(GateKind::kCX, {q0, (q0 + 1) % n}).ok());
  }
  const PauliSum h = MustParse("Z0 Z1 + Z1 Z2 + Z2 Z3 + Z3 Z4 + Z4 Z5 + 0.5 * X0 + 0.5 * X3");
  Simulator sim;
  std::vector<double> params = RandomParams(num_params, rng);
  absl::StatusOr<ValueAndGradient> g = ExpectationGradient(sim, c, params, h);
  ASSERT_TRUE(g.ok()) << g.status();
  std::vector<double> shift(num_params);
  for (int k = 0; k < num_params; ++k) {
    std::vector<double> p = params;
    p[k] = params[k] + pi / 2;
    double up = EnergyAt(sim, c, p, h);
    p[k] = params[k] - pi / 2;
    shift[k] = (up - EnergyAt(sim, c, p, h)) / 2;
  }
  EXPECT_LT(MaxAbsDiff(g->gradient, shift), 1e-10);
}

TEST(AdjointErrorsTest, RejectsBadInputs) {
  Simulator sim;
  Circuit c(2, 1);
  ASSERT_TRUE(c.Add(GateKind::kRX, {0}, {Angle::Param(0)}).ok());
  std::vector<double> params = {0.1};
  EXPECT_EQ(ExpectationGradient(sim, c, {}, MustParse("Z0")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExpectationGradient(sim, c, params, MustParse("Z2")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExpectationGradient(sim, c, params, MustParse("1j * Z0")).status().code(),
            absl::StatusCode::kInvalidArgument);
  StateVector three = *StateVector::Create(3);
  EXPECT_EQ(FidelityGradient(sim, c, params, three).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  EXPECT_EQ(ExpectationGradient(sim, c, params, MustParse("Z0")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace qgrad::sv
