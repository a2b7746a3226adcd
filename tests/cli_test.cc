// The `qgrad` binary run as a subprocess on the example programs and on bad input: output,
// JSON shape and exit codes.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_process.h"

namespace {

using Result = qgrad::testing::CliResult;
using qgrad::testing::RunCli;

std::string Example(const std::string& name) {
  return std::string(QGRAD_EXAMPLES_DIR) + "/" + name;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::filesystem::path p = std::filesystem::path(testing::TempDir()) / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(CliTest, GhzCountsOnlyAllZerosAndAllOnes) {
  Result r = RunCli("simulate " + Example("ghz.qasm") + " --shots 2000 --seed 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["qubits"], 5);
  EXPECT_EQ(j["counts"].size(), 2u);
  const int ones = j["counts"]["11111"], zeros = j["counts"]["00000"];
  EXPECT_EQ(ones + zeros, 2000);
  EXPECT_NEAR(ones, 1000, 5 * std::sqrt(500.0));
  // Same seed, same output.
  EXPECT_EQ(RunCli("simulate " + Example("ghz.qasm") + " --shots 2000 --seed 5 --json").out, r.out);
}

TEST(CliTest, BellStateAmplitudesAndExpectation) {
  Result r = RunCli("simulate " + Example("bell.qasm") +
                 " --statevector --expect \"Z0 Z1 + X0 X1 - 0.5 * Y0 Y1\" --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  // (|00⟩+|11⟩)/√2: ⟨ZZ⟩ = ⟨XX⟩ = 1, ⟨YY⟩ = −1.
  EXPECT_NEAR(j["expectation"]["value"].get<double>(), 2.5, 1e-12);
  ASSERT_EQ(j["statevector"].size(), 4u);
  EXPECT_NEAR(j["statevector"][0][0].get<double>(), M_SQRT1_2, 1e-12);
  EXPECT_NEAR(j["statevector"][3][0].get<double>(), M_SQRT1_2, 1e-12);
  EXPECT_NEAR(std::abs(j["statevector"][1][0].get<double>()), 0, 1e-12);
  EXPECT_FALSE(j.contains("counts"));  // no measurement and no --shots: no sampling
}

TEST(CliTest, TeleportationMovesTheStateWithMidCircuitMeasurement) {
  Result r = RunCli("simulate " + Example("teleport.qasm") + " --shots 4000 --seed 11 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  int c2_one = 0, total = 0;
  for (auto& [bits, count] : j["counts"].items()) {
    total += count.get<int>();
    if (bits[0] == '1') c2_one += count.get<int>();  // c[2] is printed first
  }
  EXPECT_EQ(total, 4000);
  const double p = std::pow(std::sin(0.55), 2);
  EXPECT_NEAR(c2_one, 4000 * p, 5 * std::sqrt(4000 * p * (1 - p)));
}

TEST(CliTest, BindsInputParameters) {
  std::string file = WriteTemp("param.qasm",
                               "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"
                               "input float[64] theta;\nqubit q;\nry(2*theta) q;\n");
  Result r = RunCli("simulate " + file + " --bind theta=0.4 --expect Z0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["expectation"]["value"].get<double>(), std::cos(0.8),
              1e-12);
  Result unbound = RunCli("simulate " + file + " --expect Z0");
  EXPECT_EQ(unbound.exit_code, 2) << unbound.out;
  EXPECT_NE(unbound.out.find("theta"), std::string::npos) << unbound.out;
}

TEST(CliTest, ErrorsHaveExitCodesAndPositions) {
  std::string bad = WriteTemp("bad.qasm", "OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n");
  Result r = RunCli("simulate " + bad);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("bad.qasm:3:1"), std::string::npos) << r.out;
  EXPECT_EQ(RunCli("simulate /nonexistent/file.qasm").exit_code, 3);
  EXPECT_EQ(RunCli("simulate").exit_code, 2);
  EXPECT_EQ(RunCli("frobnicate").exit_code, 2);
  EXPECT_EQ(RunCli("simulate " + Example("bell.qasm") + " --expect \"Z0 Q1\"").exit_code, 2);
  EXPECT_EQ(RunCli("simulate " + Example("bell.qasm") + " --expect Z7").exit_code, 2);
  EXPECT_EQ(RunCli("simulate " + Example("bell.qasm") + " --bind theta").exit_code, 2);
  std::string huge = WriteTemp("huge.qasm", "OPENQASM 3.0;\nqubit[38] q;\nh q[0];\n");
  Result big = RunCli("simulate " + huge + " --shots 1");
  EXPECT_EQ(big.exit_code, 1) << big.out;
  EXPECT_NE(big.out.find("qubits"), std::string::npos) << big.out;
}

TEST(CliTest, RunRefusesANonFiniteSpecInsteadOfHanging) {
  // The issue's case: NaN in the start parameters of a COBYLA warm start once spun forever.
  std::string spec = WriteTemp("nan.json", R"({"problem": {"maxcut": {"generator":
      {"kind": "paper"}}}, "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa"},
      "params": ["NaN", 0.5]}, "method": {"nested": {"warmStart": {"optimizer": "cobyla"}}}})");
  Result r = RunCli("run " + spec + " --quiet");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("initial_state.params[0]: must be finite, got nan"), std::string::npos)
      << r.out;
}

}  // namespace
