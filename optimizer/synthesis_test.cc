// Tests for gate pools and layer synthesis: pool contents and validation, the one-pass
// ⟨w|P|χ⟩ against ApplyPauliSum, fidelity ≥ 0.9999 on targets one layer can reach, and the
// greedy choice and first-gate fidelity against hand-computed values.
// Thread-safety: single-threaded tests.
#include "optimizer/synthesis.h"

#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "optimizer/test_util.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;

PauliString Parse(const char* text) {
  return PauliSum::Parse(text).value().terms().at(0).string;
}

TEST(PoolTest, SizesAndCouplingValidation) {
  EXPECT_EQ(MakePool(PoolKind::kAllPairs, 4, {}).size(), 12u + 6u * 9u);
  EXPECT_EQ(MakePool(PoolKind::kCouplingGraph, 4, {{0, 1}, {2, 3}}).size(), 12u + 2u * 9u);
  EXPECT_THAT(ParsePoolKind("ladder").status().message(), HasSubstr("pool"));
  EXPECT_EQ(ParsePoolKind("coupling_graph").value(), PoolKind::kCouplingGraph);
  for (const Coupling& bad : {Coupling{{0, 0}}, Coupling{{0, 4}}, Coupling{{0, 1}, {1, 0}}}) {
    absl::Status s = ValidateCoupling(bad, 4, false);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("coupling_graph"));
  }
  EXPECT_THAT(ValidateCoupling({}, 4, true).message(), HasSubstr("coupling_graph"));
}

TEST(PoolTest, MatrixElementMatchesApplyPauliSum) {
  std::mt19937_64 rng(1);
  const sv::StateVector w = test::RandomState(3, rng), chi = test::RandomState(3, rng);
  sv::StateVector pchi = sv::StateVector::Create(3).value();
  for (const PauliString& p : MakePool(PoolKind::kAllPairs, 3, {})) {
    sv::ApplyPauliSum(PauliSum({PauliTerm{1.0, p}}), chi, pchi);
    const sv::Amplitude expected = sv::InnerProduct(w, pchi);
    EXPECT_NEAR(std::abs(PauliMatrixElement(w, p, chi) - expected), 0.0, 1e-13) << p.ToString();
  }
}

// The batched scores equal the one-pass reference for every string, on several sizes (so
// that both kernel widths and the cache-blocked path run), with qubit-excitation strings, on a
// coupling graph that leaves some qubits without a pair, with hand-made strings of weight
// 0 and 3 — and have the same bits on 1, 2 and 3 threads.
TEST(PoolTest, BatchedMatrixElementsMatchTheReference) {
  std::mt19937_64 rng(3);
  for (int n : {1, 2, 3, 4, 5, 7, 9, 14}) {  // 14: two cache blocks, and unblocked pairs
    const sv::StateVector w = test::RandomState(n, rng), chi = test::RandomState(n, rng);
    std::vector<PauliString> pool = MakePool(PoolKind::kAllPairs, n, {});
    if (n <= 9) {
      for (const PauliString& p : QubitExcitationStrings(n)) pool.push_back(p);
    }
    if (n >= 5) {
      const std::vector<PauliString> graph =
          MakePool(PoolKind::kCouplingGraph, n, {{4, 1}, {0, 3}});
      pool.insert(pool.end(), graph.begin(), graph.end());
      pool.push_back(Parse("1 X0 Y2 Z4"));
    }
    pool.push_back(PauliString{});  // the identity: ⟨w|χ⟩
    const std::vector<sv::Amplitude> batched = PauliMatrixElements(w, chi, pool).value();
    ASSERT_EQ(batched.size(), pool.size());
    for (size_t i = 0; i < pool.size(); ++i) {
      EXPECT_NEAR(std::abs(batched[i] - PauliMatrixElement(w, pool[i], chi)), 0.0, 1e-12)
          << "n=" << n << " " << pool[i].ToString();
    }
    for (int threads : {0, 2, 3}) {
      const std::vector<sv::Amplitude> again =
          PauliMatrixElements(w, chi, pool, threads).value();
      for (size_t i = 0; i < pool.size(); ++i) {
        ASSERT_EQ(again[i], batched[i]) << "threads=" << threads << " " << pool[i].ToString();
      }
    }
  }
  // Only the coupling graph's strings: qubits 2 and 5 have one-qubit strings but no pair.
  const sv::StateVector w = test::RandomState(6, rng), chi = test::RandomState(6, rng);
  const std::vector<PauliString> graph = MakePool(PoolKind::kCouplingGraph, 6, {{0, 1}, {3, 4}});
  const std::vector<sv::Amplitude> batched = PauliMatrixElements(w, chi, graph, 2).value();
  for (size_t i = 0; i < graph.size(); ++i) {
    EXPECT_NEAR(std::abs(batched[i] - PauliMatrixElement(w, graph[i], chi)), 0.0, 1e-12)
        << graph[i].ToString();
  }
}

TEST(PoolTest, BatchedMatrixElementsStopOnRequest) {
  std::mt19937_64 rng(4);
  const sv::StateVector w = test::RandomState(4, rng), chi = test::RandomState(4, rng);
  int polls = 0;
  // One unit for the 6 pairs (at most 8 go together), then one per excitation string.
  std::vector<PauliString> pool = MakePool(PoolKind::kAllPairs, 4, {});
  for (const PauliString& p : QubitExcitationStrings(4)) pool.push_back(p);
  auto stopped = PauliMatrixElements(w, chi, pool, 1, [&polls] { return ++polls == 3; });
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(polls, 3);
}

// Target = layer(θ)|initial⟩ for random θ: reachable by construction.
sv::StateVector Reachable(const Circuit& layer, const std::vector<double>& theta,
                          const sv::StateVector& initial) {
  sv::StateVector target = initial.Copy();
  EXPECT_TRUE(sv::Simulator().Run(layer, theta, target).ok());
  return target;
}

TEST(SynthesisTest, TemplateReachesAReachableTarget) {
  std::mt19937_64 rng(2);
  const sv::StateVector initial = test::RandomState(4, rng);
  Circuit block(4);
  const int k = AppendTemplateBlock(block, 0, {});
  EXPECT_EQ(k, 2 * 4 + 3 * 3);
  std::uniform_real_distribution<double> angle(-0.4, 0.4);
  std::vector<double> theta(k);
  for (double& t : theta) t = angle(rng);
  PureStateTarget target(Reachable(block, theta, initial));

  SynthesisOptions options;
  options.kind = LayerKind::kTemplate;
  options.max_template_blocks = 1;
  auto layer = SynthesizeLayer(sv::Simulator(), initial, target, 0.9999, options);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_LT(layer->initial_fidelity, 0.99);
  EXPECT_GE(layer->fidelity, 0.9999);
}

// The state that exp(−iθP/2) for X0Y2, Z1Z3, Y1 at (0.5, −0.7, 0.3) makes of `initial`.
PureStateTarget ThreeRotationTarget(const sv::StateVector& initial) {
  Circuit layer(4);
  EXPECT_TRUE(layer.AddPauliRotation(Parse("X0 Y2"), Angle::Param(0)).ok());
  EXPECT_TRUE(layer.AddPauliRotation(Parse("Z1 Z3"), Angle::Param(1)).ok());
  EXPECT_TRUE(layer.AddPauliRotation(Parse("Y1"), Angle::Param(2)).ok());
  return PureStateTarget(Reachable(layer, {0.5, -0.7, 0.3}, initial));
}

TEST(SynthesisTest, GreedyReachesAReachableTarget) {
  std::mt19937_64 rng(4);
  const sv::StateVector initial = test::RandomState(4, rng);
  const PureStateTarget target = ThreeRotationTarget(initial);

  auto found = SynthesizeLayer(sv::Simulator(), initial, target, 0.9999, SynthesisOptions());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_LT(found->initial_fidelity, 0.95);
  EXPECT_GE(found->fidelity, 0.9999);
  EXPECT_LE(found->layer.gates().size(), 10u);
}

// The same target under a CNOT-equivalent cap of 4: at most one two-qubit rotation fits
// (2 each), so the layer stops short of the target instead of passing the cap.
TEST(SynthesisTest, GreedyStopsBeforeItsCnotCap) {
  std::mt19937_64 rng(4);
  const sv::StateVector initial = test::RandomState(4, rng);
  const PureStateTarget target = ThreeRotationTarget(initial);
  SynthesisOptions options;
  options.max_cnot_count = 4;
  auto capped = SynthesizeLayer(sv::Simulator(), initial, target, 0.9999, options);
  ASSERT_TRUE(capped.ok()) << capped.status();
  int cnots = 0;
  for (const Gate& g : capped->layer.gates()) cnots += 2 * (g.pauli.weight() - 1);
  EXPECT_LT(cnots, 4);
  EXPECT_GT(cnots, 0);
  EXPECT_LT(capped->fidelity, 0.9999);
}

TEST(SynthesisTest, GreedyPicksTheBestCandidateAtItsOptimalAngle) {
  // ψ = |00⟩, φ ∝ |00⟩ − 0.3i|01⟩ − 0.1i|11⟩ (index bit 0 = qubit 0). With c = ⟨φ|ψ⟩ = 1/N,
  // ∂F/∂θ|0 = Im(c̄ ⟨φ|P|ψ⟩) is 0.3/N² for X0 (X0|00⟩ = |01⟩), 0.1/N² for X0X1, and no
  // candidate does better (X0 Z1 ties X0; X0 comes first in the pool). The one-gate optimum
  // of F(θ) = (a+b)/2 + (a−b)/2 cos θ + m sin θ is (a+b)/2 + √(((a−b)/2)² + m²).
  const double n2 = 1 + 0.09 + 0.01;
  PureStateTarget target(test::FromAmplitudes({1.0, {0, -0.3}, 0.0, {0, -0.1}}));
  const sv::StateVector initial = test::FromAmplitudes({1.0, 0.0, 0.0, 0.0});
  SynthesisOptions options;
  options.max_gates = 1;
  auto layer = SynthesizeLayer(sv::Simulator(), initial, target, 0.9999, options);
  ASSERT_TRUE(layer.ok()) << layer.status();
  ASSERT_EQ(layer->layer.gates().size(), 1u);
  const Gate& gate = layer->layer.gates()[0];
  EXPECT_EQ(gate.qubits, std::vector<int>{0});
  EXPECT_EQ(gate.pauli.letter(0), PauliLetter::kX);
  const double a = 1 / n2, b = 0.09 / n2, m = 0.3 / n2;
  EXPECT_NEAR(layer->initial_fidelity, a, 1e-14);
  EXPECT_NEAR(layer->fidelity, (a + b) / 2 + std::hypot((a - b) / 2, m), 1e-10);
}

TEST(SynthesisTest, RejectsBadSettingsNamingTheField) {
  const sv::StateVector three = sv::StateVector::Create(3).value();
  PureStateTarget two(sv::StateVector::Create(2).value());
  auto mismatch = SynthesizeLayer(sv::Simulator(), three, two, 0.99, SynthesisOptions());
  EXPECT_THAT(mismatch.status().message(), HasSubstr("num_qubits"));

  SynthesisOptions coupling;
  coupling.pool = PoolKind::kCouplingGraph;
  EXPECT_THAT(ValidateSynthesisOptions(coupling, 3).message(), HasSubstr("coupling_graph"));
  SynthesisOptions unknown;
  unknown.pool = static_cast<PoolKind>(7);
  EXPECT_THAT(ValidateSynthesisOptions(unknown, 3).message(), HasSubstr("pool"));
  SynthesisOptions no_gates;
  no_gates.max_gates = 0;
  EXPECT_THAT(ValidateSynthesisOptions(no_gates, 3).message(), HasSubstr("max_gates"));
  EXPECT_THAT(ParseLayerKind("ring").status().message(), HasSubstr("layer_kind"));
}

// From a determinant |0011⟩ to cos a|0011⟩ + sin a|1100⟩ (a double excitation): every 1-
// and 2-qubit rotation has zero first derivative at θ = 0, so the plain pool cannot start;
// the qubit-excitation strings reach the target exactly.
TEST(SynthesisTest, QubitExcitationsReachADoubleExcitation) {
  EXPECT_EQ(QubitExcitationStrings(4).size(), 8u);
  EXPECT_EQ(QubitExcitationStrings(6).size(), 8u * 15u);
  sv::StateVector initial = sv::StateVector::Create(4).value();
  initial.SetBasisState(0b0011);
  sv::StateVector target = sv::StateVector::Create(4).value();
  std::vector<sv::Amplitude> amps(16, 0.0);
  amps[0b0011] = std::cos(0.3);
  amps[0b1100] = std::sin(0.3);
  ASSERT_TRUE(target.SetAmplitudes(amps).ok());
  const PureStateTarget goal(std::move(target));
  SynthesisOptions options;
  auto plain = SynthesizeLayer(sv::Simulator(), initial, goal, 0.9999, options);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->params.empty());
  EXPECT_NEAR(plain->fidelity, std::pow(std::cos(0.3), 2), 1e-12);
  options.qubit_excitations = true;
  auto excited = SynthesizeLayer(sv::Simulator(), initial, goal, 0.9999, options);
  ASSERT_TRUE(excited.ok()) << excited.status();
  EXPECT_GE(excited->fidelity, 0.9999);
  EXPECT_LE(excited->params.size(), 2u);
}

}  // namespace
}  // namespace qgrad::optimizer
