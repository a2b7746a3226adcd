// One conformance suite instantiated for every simulator configuration (fusion widths,
// scalar/SIMD kernels, 1 or 2 threads with threading forced on small states): each must
// match the independent dense model and the plain configuration to 1e-12.
#include <map>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "backends/statevector/dense_reference.h"
#include "backends/statevector/statevector.h"
#include "gtest/gtest.h"

namespace qgrad::sv {
namespace {

using testing::C;

constexpr int kCircuits = 200;
constexpr double kTol = 1e-12;

struct Case {
  Circuit circuit;
  std::vector<double> params;
  std::vector<C> expected;
};

// The random circuits and their dense-model results, computed once for all configurations.
const std::vector<Case>& Cases() {
  static const std::vector<Case>* cases = [] {
    auto* out = new std::vector<Case>;
    std::mt19937_64 rng(20260101);
    for (int i = 0; i < kCircuits; ++i) {
      const int n = i % 100 == 99 ? 10 : 1 + i % 8;  // two 10-qubit circuits
      const int num_params = 3;
      Case c{testing::RandomCircuit(n, 2 * n + 6, num_params, rng), {}, {}};
      std::uniform_real_distribution<double> u(-3, 3);
      for (int p = 0; p < num_params; ++p) c.params.push_back(u(rng));
      c.expected = testing::ReferenceRun(c.circuit, c.params);
      out->push_back(std::move(c));
    }
    return out;
  }();
  return *cases;
}

double MaxError(const StateVector& state, const std::vector<C>& expected) {
  double err = 0;
  for (size_t i = 0; i < expected.size(); ++i) err = std::max(err, std::abs(state.data()[i] - expected[i]));
  return err;
}

class Conformance : public ::testing::TestWithParam<SimulatorOptions> {};

TEST_P(Conformance, MatchesDenseModelOnRandomCircuits) {
  const Simulator sim(GetParam());
  for (size_t i = 0; i < Cases().size(); ++i) {
    const Case& c = Cases()[i];
    auto state = StateVector::Create(c.circuit.num_qubits());
    ASSERT_TRUE(state.ok());
    ASSERT_TRUE(sim.Run(c.circuit, c.params, *state).ok());
    ASSERT_LE(MaxError(*state, c.expected), kTol) << "circuit " << i;
  }
}

// Larger states exercise the SIMD lanes, the cache/threading paths and high qubits; the
// plain configuration (no fusion, scalar, one thread) is the reference.
TEST_P(Conformance, MatchesPlainConfigurationOnLargerStates) {
  const Simulator sim(GetParam());
  const Simulator plain({.max_fused_qubits = 0, .threads = 1, .kernel = KernelChoice::kScalar});
  std::mt19937_64 rng(7);
  for (int n : {11, 13, 15}) {
    // Random circuits, then a hardware-efficient layer (RY, RZ, CZ chain: real blocks and
    // diagonals merged per pass) repeated twice.
    for (bool layered : {false, true}) {
      Circuit circuit = testing::RandomCircuit(n, 60, 2, rng);
      std::vector<double> params = {0.3, -1.1};
      if (layered) {
        circuit = Circuit(n);
        for (int rep = 0; rep < 2; ++rep) {
          for (int q = 0; q < n; ++q) (void)circuit.Add(GateKind::kRY, {q}, {Angle::Param(q)});
          for (int q = 0; q < n; ++q) (void)circuit.Add(GateKind::kRZ, {q}, {Angle::Param(n + q)});
          for (int q = 0; q + 1 < n; ++q) (void)circuit.Add(GateKind::kCZ, {q, q + 1});
        }
        params.clear();
        for (int i = 0; i < 2 * n; ++i) params.push_back(0.1 + 0.37 * i);
      }
      auto a = StateVector::Create(n);
      auto b = StateVector::Create(n);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_TRUE(a->SetAmplitudes(testing::RandomState(n, rng)).ok());
      b->CopyFrom(*a);
      ASSERT_TRUE(sim.Run(circuit, params, *a).ok());
      ASSERT_TRUE(plain.Run(circuit, params, *b).ok());
      std::vector<C> expected(b->data(), b->data() + b->size());
      EXPECT_LE(MaxError(*a, expected), kTol) << "n = " << n << " layered = " << layered;
    }
  }
}

TEST_P(Conformance, ApplyGateAndApplyMatrixMatchDenseModel) {
  const Simulator sim(GetParam());
  for (size_t i = 0; i < 40; ++i) {
    const Case& c = Cases()[i];
    const int n = c.circuit.num_qubits();
    auto by_gate = StateVector::Create(n);
    auto by_matrix = StateVector::Create(n);
    ASSERT_TRUE(by_gate.ok() && by_matrix.ok());
    for (const Gate& g : c.circuit.gates()) {
      sim.ApplyGate(g, c.params, *by_gate);
      const testing::Dense m = testing::TextbookMatrix(g, c.params);
      if (g.qubits.empty()) {
        // gphase: a phase on the controls' active pattern; skip the matrix path.
        sim.ApplyGate(g, c.params, *by_matrix);
        continue;
      }
      // vector<bool> is not contiguous: copy the control values into a bool array.
      std::unique_ptr<bool[]> values(new bool[g.controls.size() + 1]);
      for (size_t b = 0; b < g.controls.size(); ++b) values[b] = g.control_values[b];
      sim.ApplyMatrix(g.qubits, m.a, *by_matrix, g.controls,
                      absl::MakeConstSpan(values.get(), g.controls.size()));
    }
    EXPECT_LE(MaxError(*by_gate, c.expected), kTol) << "circuit " << i;
    EXPECT_LE(MaxError(*by_matrix, c.expected), kTol) << "circuit " << i;
  }
}

std::vector<SimulatorOptions> Configurations() {
  std::vector<SimulatorOptions> out;
  const KernelChoice kernels[] = {KernelChoice::kScalar, KernelChoice::kSimd};
  for (int fused : {0, 1, 2, 3, 4, 5}) {
    for (KernelChoice kernel : kernels) {
      out.push_back({.max_fused_qubits = fused, .threads = 1, .kernel = kernel});
    }
  }
  // Two threads, low enough parallel_min_qubits that the larger states (11-15 qubits) and
  // the 10-qubit circuits really run threaded (kernels parallelize loops of at least
  // kMinParallelCount iterations). Block 0: no cache blocking; 7: 8- to 15-qubit states
  // take the gather / scatter paths; 12: 13- and 15-qubit states also the L1 sub-slices.
  for (int block : {0, 7, 12}) {
    for (int fused : {0, 2, 3}) {
      for (KernelChoice kernel : kernels) {
        out.push_back({.max_fused_qubits = fused,
                       .threads = 2,
                       .parallel_min_qubits = 8,
                       .kernel = kernel,
                       .cache_block_qubits = block});
      }
    }
  }
  out.push_back({});  // the defaults
  return out;
}

std::string Name(const ::testing::TestParamInfo<SimulatorOptions>& info) {
  const SimulatorOptions& o = info.param;
  const char* kernel = o.kernel == KernelChoice::kScalar ? "Scalar"
                       : o.kernel == KernelChoice::kSimd ? "Simd" : "Auto";
  return absl::StrCat("Fuse", o.max_fused_qubits, kernel, "Threads", o.threads, "Block",
                      o.cache_block_qubits, "_", info.index);
}

INSTANTIATE_TEST_SUITE_P(AllConfigurations, Conformance, ::testing::ValuesIn(Configurations()),
                         Name);

}  // namespace
}  // namespace qgrad::sv
