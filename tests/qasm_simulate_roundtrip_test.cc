// Emit → parse → simulate equals direct simulation of the circuit, on random circuits with
// every gate kind, extra controls and symbolic or bound parameters.
#include <random>

#include "backends/statevector/statevector.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"
#include "testing/random_circuit.h"

namespace qgrad {
namespace {

sv::StateVector Simulate(const Circuit& c, const std::vector<double>& params) {
  sv::StateVector psi = *sv::StateVector::Create(c.num_qubits());
  sv::Simulator sim;
  absl::Status s = sim.Run(c, params, psi);
  EXPECT_TRUE(s.ok()) << s;
  return psi;
}

double MaxDiff(const sv::StateVector& a, const sv::StateVector& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
  return m;
}

class RoundTripTest : public ::testing::TestWithParam<bool> {};

TEST_P(RoundTripTest, EmitParseSimulateEqualsDirectSimulation) {
  const bool symbolic = GetParam();
  std::mt19937_64 rng(symbolic ? 31 : 32);
  for (int trial = 0; trial < 60; ++trial) {
    testing::RandomCircuitOptions options;
    options.num_qubits = 1 + trial % 6;
    options.num_gates = 30;
    options.num_params = 8;
    Circuit c = testing::RandomCircuit(options, rng);
    std::vector<double> params = testing::RandomParams(8, rng);
    qasm::EmitOptions emit;
    emit.symbolic_params = symbolic;
    absl::StatusOr<std::string> text = qasm::Emit(c, params, emit);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *text;
    ASSERT_EQ(parsed->circuit.num_qubits(), c.num_qubits());
    const std::vector<double> parsed_params = symbolic ? params : std::vector<double>{};
    EXPECT_LT(MaxDiff(Simulate(parsed->circuit, parsed_params), Simulate(c, params)), 1e-10)
        << *text;
  }
}

INSTANTIATE_TEST_SUITE_P(Params, RoundTripTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Symbolic" : "Bound"; });

}  // namespace
}  // namespace qgrad
