// Tests for the baselines: the ADAPT pool gradient against finite differences, ADAPT-VQE
// on H2 (exact energy) and LiH (6 qubits, chemical accuracy), parameter-shift gradients
// against adjoint gradients, descent lowering the cost, hardware-efficient VQE on a
// 4-site transverse-field Ising chain, events, and the INVALID_ARGUMENT paths.
// Thread-safety: single-threaded tests.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "backends/statevector/adjoint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "optimizer/adapt_vqe.h"
#include "optimizer/exact_reference.h"
#include "optimizer/hea_vqe.h"
#include "optimizer/nested.h"
#include "optimizer/parameter_shift.h"
#include "optimizer/test_util.h"
#include "problems/fcidump.h"
#include "problems/models.h"
#include "problems/molecular.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;

MolecularHamiltonian Molecule(const std::string& file, ActiveSpace space) {
  auto ints = ReadFcidumpFile(std::string(QGRAD_PROBLEMS_TESTDATA) + "/" + file);
  EXPECT_TRUE(ints.ok()) << ints.status();
  return BuildMolecularHamiltonian(*ints, space).value();
}

Circuit HartreeFockCircuit(const MolecularHamiltonian& mol) {
  Circuit c(mol.num_qubits);
  for (int q = 0; q < mol.num_qubits; ++q) {
    if ((mol.hartree_fock_state >> q) & 1) {
      EXPECT_TRUE(c.Add(GateKind::kX, {q}).ok());
    }
  }
  return c;
}

TEST(AdaptTest, PoolGradientMatchesFiniteDifferences) {
  std::mt19937_64 rng(5);
  const int n = 3;
  const PauliSum h = test::RandomHermitian(n, 10, rng);
  const sv::StateVector psi = test::RandomState(n, rng);
  sv::StateVector h_psi = psi.Copy();
  sv::ApplyPauliSum(h, psi, h_psi);
  const std::vector<PauliString> pool = MakePool(PoolKind::kAllPairs, n, {});
  const std::vector<double> g = PoolGradients(psi, h_psi, pool).value();
  ASSERT_EQ(g.size(), pool.size());
  const sv::Simulator sim;
  const double eps = 1e-5;
  double largest = 0;
  for (size_t i = 0; i < pool.size(); ++i) {
    Circuit c(n);
    ASSERT_TRUE(c.AddPauliRotation(pool[i], Angle::Param(0)).ok());
    auto energy = [&](double theta) {
      sv::StateVector s = psi.Copy();
      EXPECT_TRUE(sim.Run(c, {theta}, s).ok());
      return sv::Expectation(s, h);
    };
    const double fd = (energy(eps) - energy(-eps)) / (2 * eps);
    EXPECT_NEAR(g[i], fd, 1e-8) << pool[i].ToString();
    largest = std::max(largest, std::abs(fd));
  }
  EXPECT_GT(largest, 0.1);  // the check is not vacuous
}

TEST(AdaptTest, ReachesTheExactH2Energy) {
  const MolecularHamiltonian mol = Molecule("H2_0.735.FCIDUMP", {});
  const Cost cost = Cost::Observable(mol.hamiltonian).value();
  AdaptOptions options;
  options.qubit_excitations = true;
  options.criterion = AdaptOptions::Criterion::kNorm;
  options.gradient_threshold = 1e-6;
  int events = 0;
  auto result = RunAdaptVqe(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, options,
                            [&](const BaselineEvent& e) {
                              EXPECT_EQ(e.iteration, events++);
                              EXPECT_FALSE(e.added_operator.empty());
                            });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stop_reason, BaselineStop::kConverged);
  EXPECT_NEAR(result->start_cost, mol.hartree_fock_energy, 1e-10);
  EXPECT_NEAR(result->final_cost, -1.1373060357533, 1e-6);
  EXPECT_EQ(events, int(result->history.size()));
  EXPECT_EQ(result->num_params, int(result->params.size()));
  EXPECT_EQ(result->num_params, int(result->history.size()));
  EXPECT_GT(result->cnot_count, 0);
}

// Brillouin's theorem: from canonical Hartree–Fock no 1- or 2-qubit rotation has a first-
// order gradient, so the plain pool stops at once; the 4-qubit strings take off.
TEST(AdaptTest, HartreeFockIsStationaryForTheTwoQubitPool) {
  const MolecularHamiltonian mol = Molecule("LiH_2.2.FCIDUMP", {1, 2});
  const Cost cost = Cost::Observable(mol.hamiltonian).value();
  AdaptOptions options;
  auto plain = RunAdaptVqe(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->stop_reason, BaselineStop::kConverged);
  EXPECT_TRUE(plain->history.empty());
  EXPECT_NEAR(plain->final_cost, mol.hartree_fock_energy, 1e-10);
}

TEST(AdaptTest, LiHReachesChemicalAccuracy) {
  const MolecularHamiltonian mol = Molecule("LiH_2.2.FCIDUMP", {1, 2});
  const Cost cost = Cost::Observable(mol.hamiltonian).value();
  AdaptOptions options;
  options.qubit_excitations = true;
  options.gradient_threshold = 1e-4;
  options.max_iterations = 80;
  auto result = RunAdaptVqe(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_LT(result->final_cost - (-7.8097241273507), 1.6e-3);
  EXPECT_GT(result->final_cost - (-7.8097241273507), -1e-9);  // variational
  std::printf("[ measured ] LiH ADAPT: %zu iterations, error %.3e Ha, %d 2q gates, "
              "%d CNOT-eq, %s\n",
              result->history.size(), result->final_cost + 7.8097241273507,
              result->two_qubit_gates, result->cnot_count,
              std::string(BaselineStopName(result->stop_reason)).c_str());
}

// The nested method's layers, grown one step at a time, carry rotations that later steps
// undo; recompression learns the whole learned part anew from Hartree–Fock. On LiH (6
// qubits) it must bring the circuit within 3× ADAPT-VQE's CNOT-equivalents at 1e-6 Ha, with
// a cost that never rises, and a run resumed after a recompression must end identically.
TEST(NestedRecompressionTest, LiHComesWithinThreeTimesAdaptsCnots) {
  const MolecularHamiltonian mol = Molecule("LiH_2.2.FCIDUMP", {1, 2});
  const Cost cost = Cost::Observable(mol.hamiltonian).value();
  const double exact = -7.8097241273507;
  AdaptOptions adapt_options;
  adapt_options.qubit_excitations = true;
  adapt_options.gradient_threshold = 1e-6;
  auto adapt = RunAdaptVqe(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, adapt_options);
  ASSERT_TRUE(adapt.ok()) << adapt.status();
  ASSERT_LT(adapt->final_cost - exact, 1e-6);

  NestedOptions options;
  options.step = {StepSize::Mode::kAbsolute, 10.0, /*centered=*/true};
  options.fidelity_target = {0.0, 1.0 / 3, 0.999, 1.0 - 1e-12};
  options.synthesis.qubit_excitations = true;
  options.stop.max_iterations = 50;
  options.stop.max_layers = 50;
  auto plain = RunNested(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  options.recompression.every = 1;
  std::vector<NestedResult> checkpoints;
  auto compressed =
      RunNested(sv::Simulator(), cost, HartreeFockCircuit(mol), {}, options,
                {.on_checkpoint = [&](const NestedResult& r) { checkpoints.push_back(r); }});
  ASSERT_TRUE(compressed.ok()) << compressed.status();
  EXPECT_GT(compressed->recompressions, 0);
  EXPECT_LT(compressed->final_cost - exact, 1e-6);
  EXPECT_LE(compressed->added_cnot_count, 3 * adapt->cnot_count);
  EXPECT_LT(compressed->added_cnot_count, plain->added_cnot_count / 2);
  double previous = compressed->start_cost;
  for (const IterationEvent& e : compressed->history) {
    EXPECT_LE(e.cost, previous + 1e-12) << "iteration " << e.iteration;
    previous = e.cost;
  }
  std::printf("[ measured ] LiH: ADAPT %d CNOT-eq (%.2e Ha); nested %d (%.2e Ha); with "
              "recompression %d (%.2e Ha, %d recompressions)\n",
              adapt->cnot_count, adapt->final_cost - exact, plain->added_cnot_count,
              plain->final_cost - exact, compressed->added_cnot_count,
              compressed->final_cost - exact, compressed->recompressions);

  // Resume from the checkpoint after the second recompression.
  size_t saved = 0;
  for (int seen = 0; saved < checkpoints.size(); ++saved) {
    if (checkpoints[saved].history.back().recompressed && ++seen == 2) break;
  }
  ASSERT_LT(saved + 1, checkpoints.size());
  auto resumed = ResumeNested(sv::Simulator(), cost, checkpoints[saved], options);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->params, compressed->params);
  EXPECT_EQ(resumed->final_cost, compressed->final_cost);
  EXPECT_EQ(resumed->recompressions, compressed->recompressions);
}

TEST(AdaptTest, StopsOnTheGateBudgets) {
  const MolecularHamiltonian mol = Molecule("H2_0.735.FCIDUMP", {});
  AdaptOptions options;
  options.qubit_excitations = true;
  options.max_cnot_count = 0;
  auto h2 = RunAdaptVqe(sv::Simulator(), Cost::Observable(mol.hamiltonian).value(),
                        HartreeFockCircuit(mol), {}, options);
  ASSERT_TRUE(h2.ok()) << h2.status();
  EXPECT_EQ(h2->stop_reason, BaselineStop::kTwoQubitBudget);
  ASSERT_EQ(h2->history.size(), 1u);
  EXPECT_EQ(h2->cnot_count, 6);  // one 4-qubit rotation
  EXPECT_EQ(h2->two_qubit_gates, 0);

  const PauliSum tfim = TransverseFieldIsing(3, 1.0, 0.5, false).value();
  options = {};
  options.max_two_qubit_gates = 0;
  auto ising = RunAdaptVqe(sv::Simulator(), Cost::Observable(tfim).value(), Circuit(3), {},
                           options);
  ASSERT_TRUE(ising.ok()) << ising.status();
  EXPECT_EQ(ising->stop_reason, BaselineStop::kTwoQubitBudget);
  EXPECT_EQ(ising->two_qubit_gates, 1);
  EXPECT_EQ(ising->cnot_count, 2);
}

// A random circuit of Pauli rotations and RX/RY/RZ/P gates, with shared parameters and
// scaled/offset angles, so the chain rule over uses is exercised.
Circuit RandomRotationCircuit(int n, int gates, int params, std::mt19937_64& rng) {
  Circuit c(n);
  std::uniform_int_distribution<int> qubit(0, n - 1), param(0, params - 1), kind(0, 4);
  std::uniform_int_distribution<uint64_t> mask(1, (uint64_t{1} << n) - 1);
  const GateKind kinds[] = {GateKind::kRX, GateKind::kRY, GateKind::kRZ, GateKind::kP};
  for (int g = 0; g < gates; ++g) {
    const int k = kind(rng);
    const Angle angle = Angle::Param(param(rng), g % 3 == 0 ? -1.5 : 1.0, g % 2 ? 0.3 : 0.0);
    if (k == 4) {
      EXPECT_TRUE(c.AddPauliRotation(PauliString{mask(rng), mask(rng)}, angle).ok());
    } else {
      EXPECT_TRUE(c.Add(kinds[k], {qubit(rng)}, {angle}).ok());
    }
    if (g % 4 == 3) {
      EXPECT_TRUE(c.Add(GateKind::kCZ, {0, 1}).ok());
    }
  }
  return c;
}

TEST(ParameterShiftTest, EqualsTheAdjointGradient) {
  std::mt19937_64 rng(9);
  const int n = 4;
  const PauliSum h = test::RandomHermitian(n, 8, rng);
  const Circuit c = RandomRotationCircuit(n, 24, 10, rng);
  std::uniform_real_distribution<double> angle(-3, 3);
  std::vector<double> params(c.num_params());
  for (double& p : params) p = angle(rng);
  const sv::Simulator sim;
  auto shift = ParameterShiftGradient(sim, h, c, params);
  ASSERT_TRUE(shift.ok()) << shift.status();
  auto adjoint = sv::ExpectationGradient(sim, c, params, h);
  ASSERT_TRUE(adjoint.ok()) << adjoint.status();
  EXPECT_NEAR(shift->value, adjoint->value, 1e-12);
  ASSERT_EQ(shift->gradient.size(), adjoint->gradient.size());
  for (size_t k = 0; k < params.size(); ++k) {
    EXPECT_NEAR(shift->gradient[k], adjoint->gradient[k], 1e-10) << k;
  }
  EXPECT_EQ(shift->circuit_evaluations, 1 + 2 * 24);
}

// The barren-plateau protocol in miniature: RY(π/4) everywhere, random RX/RY/RZ layers
// with CZ ladders, local-Z cost, lr 0.5.
TEST(ParameterShiftTest, DescentLowersTheCost) {
  const int n = 4, layers = 4;
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int> axis(0, 2);
  std::uniform_real_distribution<double> angle(0, 2 * 3.141592653589793);
  const GateKind kinds[] = {GateKind::kRX, GateKind::kRY, GateKind::kRZ};
  Circuit c(n);
  for (int q = 0; q < n; ++q) {
    ASSERT_TRUE(c.Add(GateKind::kRY, {q}, {Angle::Fixed(3.141592653589793 / 4)}).ok());
  }
  std::vector<double> params;
  for (int l = 0; l < layers; ++l) {
    for (int q = 0; q < n; ++q) {
      ASSERT_TRUE(c.Add(kinds[axis(rng)], {q}, {Angle::Param(int(params.size()))}).ok());
      params.push_back(angle(rng));
    }
    for (int q = 0; q + 1 < n; ++q) ASSERT_TRUE(c.Add(GateKind::kCZ, {q, q + 1}).ok());
  }
  const Cost cost = Cost::Observable(LocalZCost(n).value()).value();
  ParameterShiftOptions options;  // lr 0.5, 20 iterations
  auto result = RunParameterShiftDescent(sv::Simulator(), cost, c, params, options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->history.size(), 20u);
  EXPECT_LT(result->final_cost, result->start_cost - 0.05);
  std::printf("[ measured ] parameter-shift descent, local Z, n = 4: %.4f -> %.4f\n",
              result->start_cost, result->final_cost);
  EXPECT_EQ(result->cost_evaluations, 20 * (1 + 2 * n * layers) + 1);
  EXPECT_EQ(result->two_qubit_gates, layers * (n - 1));
  EXPECT_EQ(result->stop_reason, BaselineStop::kMaxIterations);
}

TEST(HeaTest, IsingChainWithinTolerance) {
  const int n = 4;
  const PauliSum h = TransverseFieldIsing(n, 1.0, 1.0, false).value();
  const double exact = ExactGroundEnergy(h, n).value().energy;
  HeaOptions options;
  options.layers = 3;
  options.entangler = HeaOptions::Entangler::kCx;
  options.random_init = true;
  options.init_scale = 0.1;
  int events = 0;
  auto result = RunHardwareEfficientVqe(sv::Simulator(), Cost::Observable(h).value(),
                                        Circuit(n), options,
                                        [&](const BaselineEvent&) { ++events; });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_LT(result->final_cost - exact, 1e-3);
  std::printf("[ measured ] HEA VQE, TFIM n = 4, 3 layers: error %.3e after %zu evaluations\n",
              result->final_cost - exact, result->history.size());
  EXPECT_GT(result->final_cost - exact, -1e-9);
  EXPECT_EQ(result->num_params, 2 * n * (options.layers + 1));
  EXPECT_EQ(result->two_qubit_gates, options.layers * (n - 1));
  EXPECT_EQ(events, int(result->history.size()));
  EXPECT_EQ(result->cost_evaluations, int(result->history.size()));
}

TEST(BaselinesTest, BadSettingsNameTheField) {
  const sv::Simulator sim;
  const Cost cost = Cost::Observable(PauliSum::Parse("Z0 + X1").value()).value();
  const Circuit c(2);
  AdaptOptions adapt;
  adapt.gradient_threshold = -1;
  EXPECT_THAT(RunAdaptVqe(sim, cost, c, {}, adapt).status().message(),
              HasSubstr("gradient_threshold"));
  adapt = {};
  adapt.pool = PoolKind::kCouplingGraph;
  EXPECT_THAT(RunAdaptVqe(sim, cost, c, {}, adapt).status().message(),
              HasSubstr("coupling_graph"));
  adapt = {};
  adapt.max_iterations = -1;
  EXPECT_THAT(RunAdaptVqe(sim, cost, c, {}, adapt).status().message(),
              HasSubstr("max_iterations"));
  EXPECT_THAT(RunAdaptVqe(sim, cost, Circuit(1), {}, {}).status().message(),
              HasSubstr("num_qubits"));

  ParameterShiftOptions ps;
  ps.learning_rate = 0;
  EXPECT_THAT(RunParameterShiftDescent(sim, cost, c, {}, ps).status().message(),
              HasSubstr("learning_rate"));
  ps = {};
  ps.iterations = -2;
  EXPECT_THAT(RunParameterShiftDescent(sim, cost, c, {}, ps).status().message(),
              HasSubstr("iterations"));
  Circuit controlled(2);
  ASSERT_TRUE(controlled.Add(GateKind::kCRX, {0, 1}, {Angle::Param(0)}).ok());
  EXPECT_THAT(RunParameterShiftDescent(sim, cost, controlled, {0.1}, {}).status().message(),
              HasSubstr("circuit: gate 0"));
  EXPECT_THAT(RunParameterShiftDescent(sim, cost, controlled, {}, {}).status().message(),
              HasSubstr("params"));

  HeaOptions hea;
  hea.layers = -1;
  EXPECT_THAT(RunHardwareEfficientVqe(sim, cost, c, hea).status().message(),
              HasSubstr("layers"));
  hea = {};
  hea.coupling = {{0, 0}};
  EXPECT_THAT(RunHardwareEfficientVqe(sim, cost, c, hea).status().message(),
              HasSubstr("coupling_graph"));
  hea = {};
  hea.init_scale = -1;
  EXPECT_THAT(RunHardwareEfficientVqe(sim, cost, c, hea).status().message(),
              HasSubstr("init_scale"));
  EXPECT_THAT(RunHardwareEfficientVqe(sim, cost, controlled, {}).status().message(),
              HasSubstr("circuit"));
}

}  // namespace
}  // namespace qgrad::optimizer
