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
                                         SweepCase{AdjointSweep::kPaired, 1},
                                         SweepCase{AdjointSweep::kPaired, 2},
                                         SweepCase{AdjointSweep::kPaired, 4},
                                         SweepCase{AdjointSweep::kBlocked, 1},
                                         SweepCase{AdjointSweep::kBlocked, 3},
                                         SweepCase{AdjointSweep::kBlocked, 4},
                                         SweepCase{AdjointSweep::kBlocked, 5}),
                         [](const auto& info) {
                           const AdjointSweep s = info.param.sweep;
                           return absl::StrCat(s == AdjointSweep::kPaired    ? "Paired"
                                               : s == AdjointSweep::kBlocked ? "Blocked"
                                                                             : "GateByGate",
                                               info.param.block_qubits);
                         });

// Parameter shift: for exp(−iθP/2) with one use per parameter,
// ∂f/∂θ = [f(θ + π/2) − f(θ − π/2)] / 2 exactly.
// The paired sweep runs through cache-blocked passes, both kernels and two threads; all of
// them must give the gate-by-gate gradient.
TEST(AdjointPairedTest, MatchesGateByGateAcrossSimulatorConfigurations) {
  std::mt19937_64 rng(31);
  const int n = 11;
  const PauliSum h = MustParse("0.7 * Z0 Z10 - 0.4 * X2 Y9 + 0.25 * Y1 + 0.5 * Z5 Z6 - 0.3");
  // Gates on at most 5 qubits: all of them take the paired sweep.
  Circuit c(n);
  c.DeclareParams(60);
  const Circuit random = RandomCircuit(n, 60, 160, rng);
  for (const Gate& g : random.gates()) {
    if (g.AllQubits().size() > 5) continue;
    const absl::Status appended = c.Append(g);
    ASSERT_TRUE(appended.ok()) << appended;
  }
  const std::vector<double> params = RandomParams(60, rng);
  Simulator reference_sim;
  absl::StatusOr<ValueAndGradient> reference = ExpectationGradient(
      reference_sim, c, params, h, nullptr, {AdjointSweep::kGateByGate, 4});
  ASSERT_TRUE(reference.ok()) << reference.status();
  for (KernelChoice kernel : {KernelChoice::kScalar, KernelChoice::kAuto}) {
    for (int threads : {1, 2}) {
      for (int block_qubits : {2, 4}) {
        if (block_qubits == 4) {  // every gate fits an op the paired sweep differentiates
          ASSERT_TRUE(UsesPairedSweep(c, params, {AdjointSweep::kPaired, block_qubits}));
        }
        SimulatorOptions options;
        options.kernel = kernel;
        options.threads = threads;
        options.parallel_min_qubits = 4;
        options.cache_block_qubits = 8;  // slices of 2^8 of the 2^12 paired amplitudes
        Simulator sim(options);
        absl::StatusOr<ValueAndGradient> g = ExpectationGradient(
            sim, c, params, h, nullptr, {AdjointSweep::kPaired, block_qubits});
        ASSERT_TRUE(g.ok()) << g.status();
        EXPECT_NEAR(g->value, reference->value, 1e-12);
        EXPECT_LT(MaxAbsDiff(g->gradient, reference->gradient), 1e-11)
            << "threads " << threads << " block " << block_qubits;
      }
    }
  }
}

// At θ = 0 a rotation is the identity, so diagonal, but its derivative need not be: the
// paired sweep must not take such a gate into a diagonal op.
TEST(AdjointPairedTest, RotationsAtZeroAngleKeepTheirDerivatives) {
  std::mt19937_64 rng(12);
  const int n = 4;
  Circuit c(n);
  int p = 0;
  for (int q = 0; q < n; ++q) {
    ASSERT_TRUE(c.Add(GateKind::kRY, {q}, {Angle::Param(p++)}).ok());
    ASSERT_TRUE(c.Add(GateKind::kRZ, {q}, {Angle::Param(p++)}).ok());
  }
  for (int q = 0; q + 1 < n; ++q) {
    for (const char* letters : {"ZZ", "YZ", "ZY", "XX"}) {
      PauliString s;
      s.set(q, letters[0] == 'Z' ? PauliLetter::kZ : letters[0] == 'Y' ? PauliLetter::kY : PauliLetter::kX);
      s.set(q + 1, letters[1] == 'Z' ? PauliLetter::kZ : letters[1] == 'Y' ? PauliLetter::kY : PauliLetter::kX);
      ASSERT_TRUE(c.AddPauliRotation(s, Angle::Param(p++)).ok());
    }
  }
  ASSERT_TRUE(c.Add(GateKind::kU, {1}, {Angle::Param(p), Angle::Param(p + 1), Angle::Param(p + 2)}).ok());
  p += 3;
  StateVector target = *StateVector::Create(n);
  std::normal_distribution<double> normal;
  std::vector<Amplitude> amps(size_t{1} << n);
  for (auto& a : amps) a = {normal(rng), normal(rng)};
  ASSERT_TRUE(target.SetAmplitudes(amps, true).ok());
  const std::vector<double> zeros(p, 0.0);
  ASSERT_TRUE(UsesPairedSweep(c, zeros));
  Simulator sim;
  auto paired = FidelityGradient(sim, c, zeros, target);
  auto reference = FidelityGradient(sim, c, zeros, target, nullptr, {AdjointSweep::kGateByGate});
  ASSERT_TRUE(paired.ok() && reference.ok());
  EXPECT_LT(MaxAbsDiff(paired->gradient, reference->gradient), 1e-12);
  double largest = 0;
  for (double g : reference->gradient) largest = std::max(largest, std::abs(g));
  EXPECT_GT(largest, 1e-3);  // the case is not trivially zero
}

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
    if (k % 4 == 0) {
      ASSERT_TRUE(c.Add(GateKind::kCX, {q0, (q0 + 1) % n}).ok());
    }
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
