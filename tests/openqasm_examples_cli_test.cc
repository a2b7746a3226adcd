// The OpenQASM 3 specification repository's example programs (qasm/testdata) run by the
// qgrad binary, `qgrad simulate FILE --shots N --seed S --json`, as a child process: the
// sampled counts against each program's outcome probabilities, worked out by hand (exact
// outcomes must be exact; others within a chi-square bound), and the same seed giving the
// same counts. Thread-safety: single-threaded tests.
#include <cmath>
#include <map>
#include <numbers>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_process.h"

namespace {

constexpr int kDefaultShots = 2000;

using Result = qgrad::testing::CliResult;

Result Simulate(const std::string& name, int shots = kDefaultShots, int seed = 3) {
  return qgrad::testing::RunCli("simulate " + std::string(QGRAD_OPENQASM_EXAMPLES_DIR) + "/" +
                                name + ".qasm --shots " + std::to_string(shots) + " --seed " +
                                std::to_string(seed) + " --json");
}

// Counts keyed as the CLI prints them (highest bit first) against probabilities; outcomes
// of probability 0 must not occur, the others pass a chi-square test (P(fail) < 1e-4).
void ExpectCounts(const std::string& name, const std::map<std::string, double>& model,
                  int shots = kDefaultShots) {
  Result r = Simulate(name, shots);
  ASSERT_EQ(r.exit_code, 0) << name << ": " << r.out;
  nlohmann::json counts = nlohmann::json::parse(r.out)["counts"];
  double chi2 = 0;
  int total = 0;
  for (auto& [bits, count] : counts.items()) {
    total += count.get<int>();
    EXPECT_TRUE(model.contains(bits)) << name << ": outcome " << bits;
  }
  EXPECT_EQ(total, shots) << name;
  for (const auto& [bits, p] : model) {
    int got = counts.contains(bits) ? counts[bits].get<int>() : 0;
    chi2 += std::pow(got - shots * p, 2) / (shots * p);
  }
  // Critical values at 1e-4 for up to 15 degrees of freedom are below 45.
  EXPECT_LT(chi2, 45.0) << name << ": " << r.out;
  EXPECT_EQ(Simulate(name, shots).out, r.out) << name << ": the same seed, the same counts";
}

TEST(OpenQasmExamplesCliTest, DeterministicResults) {
  ExpectCounts("adder", {{"10000", 1.0}});        // 1 + 15: sum 0000, carry 1
  ExpectCounts("inverseqft1", {{"0000", 1.0}});
  ExpectCounts("inverseqft2", {{"0000", 1.0}});
  ExpectCounts("qec", {{"01000", 1.0}});          // syn = 01, data corrected to 000
  ExpectCounts("rb", {{"00", 1.0}});
  ExpectCounts("rus", {{"000", 1.0}});            // P(other) < 1e-9
  // No bit registers: empty results. (Each shot expands pow(2^i) into 2^i gates: few shots.)
  ExpectCounts("ipe", {{"0", 1.0}}, 100);
}

TEST(OpenQasmExamplesCliTest, SampledResults) {
  std::map<std::string, double> uniform;
  for (int v = 0; v < 16; ++v) {
    std::string bits;
    for (int b = 3; b >= 0; --b) bits.push_back((v >> b) & 1 ? '1' : '0');
    uniform[bits] = 1.0 / 16;
  }
  ExpectCounts("qft", uniform);  // the QFT of a basis state
  ExpectCounts("qpt", {{"0", 0.5}, {"1", 0.5}});
  const double p1 = std::pow(std::sin(0.15), 2);  // U(0.3, 0.2, 0.1)|0>, teleported
  std::map<std::string, double> teleport;
  for (std::string c10 : {"00", "01", "10", "11"}) {
    teleport["0" + c10] = (1 - p1) / 4;
    teleport["1" + c10] = p1 / 4;
  }
  ExpectCounts("teleport", teleport);
  // No measurement: every qubit is measured; only q[2] is rotated, U(π/4, 0, π/2).
  const double q2 = std::pow(std::sin(std::numbers::pi / 8), 2);
  ExpectCounts("alignment", {{"000", 1 - q2}, {"100", q2}});
}

TEST(OpenQasmExamplesCliTest, UnsupportedProgramsAreRefusedWithTheLine) {
  for (const char* name : {"gateteleport", "scqec", "t1", "vqe"}) {
    Result r = Simulate(name);
    EXPECT_EQ(r.exit_code, 3) << name;
    EXPECT_NE(r.out.find(": unsupported: 'extern'"), std::string::npos) << r.out;
  }
}

}  // namespace
