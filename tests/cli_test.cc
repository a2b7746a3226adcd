// The `qgrad` binary run as a subprocess on the example programs and on bad input: output,
// JSON shape and exit codes; help, version, and the refusal of flags that are unknown or do
// not apply to the command.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
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

class TeleportationTest : public ::testing::TestWithParam<const char*> {};

// Coherent corrections (teleport.qasm) and corrections fed forward from the measured bits
// (teleport_feedforward.qasm, `if` on measurement results) move the same state.
TEST_P(TeleportationTest, MovesTheStateWithMidCircuitMeasurement) {
  Result r = RunCli("simulate " + Example(GetParam()) + " --shots 4000 --seed 11 --json");
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

INSTANTIATE_TEST_SUITE_P(Examples, TeleportationTest,
                         ::testing::Values("teleport.qasm", "teleport_feedforward.qasm"));

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

// Separate streams, for output that must go to one of them only.
struct SplitResult {
  int exit_code;
  std::string out;
  std::string err;
};

// ctest runs every test case as a process of its own, in parallel, in one TempDir(): the
// file's name carries the process id.
SplitResult RunCliSplit(const std::string& args) {
  const std::string err_path = std::filesystem::path(testing::TempDir()) /
                               ("cli_stderr_" + std::to_string(getpid()) + ".txt");
  Result r = RunCli(args, err_path);
  std::stringstream err;
  {
    std::ifstream in(err_path);
    err << in.rdbuf();
  }
  std::filesystem::remove(err_path);
  return {r.exit_code, r.out, err.str()};
}

// The flags a command's help lists: the lines "  --name..." of its Flags section.
std::set<std::string> ListedFlags(const std::string& help) {
  std::set<std::string> flags;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  --", 0) != 0) continue;
    const size_t end = line.find_first_of("= ", 4);
    flags.insert(line.substr(4, end - 4));
  }
  return flags;
}

const std::set<std::string> kConnection = {"server",   "token",    "token_file",
                                           "tls_ca",   "tls_cert", "tls_key",
                                           "tls_server_name", "timeout"};

std::set<std::string> WithConnection(std::set<std::string> flags) {
  flags.insert(kConnection.begin(), kConnection.end());
  return flags;
}

TEST(CliTest, VersionIsTheProjectVersion) {
  const std::string expected = std::string("qgrad ") + QGRAD_PROJECT_VERSION + "\n";
  for (const char* args : {"--version", "version", "run --version"}) {
    SplitResult r = RunCliSplit(args);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_EQ(r.out, expected) << args;
  }
  EXPECT_EQ(RunCli("version extra").exit_code, 2);
}

TEST(CliTest, GeneralHelpExitsZero) {
  for (const char* args : {"-h", "--help", "help"}) {
    SplitResult r = RunCliSplit(args);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_NE(r.out.find("qgrad simulate FILE.qasm"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("qgrad backends"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << r.out;
  }
  EXPECT_EQ(RunCli("").exit_code, 2);  // no command: the usage, as an error
}

TEST(CliTest, EachCommandsHelpListsExactlyItsFlags) {
  const std::map<std::string, std::set<std::string>> expected = {
      {"simulate", {"shots", "seed", "statevector", "expect", "bind", "shadow",
                    "shots_per_setting", "groups", "confidence", "json"}},
      {"run", {"out", "plot", "qasm", "quiet", "title", "legend", "linear_indicator",
               "time_axis"}},
      {"plot", {"out", "title", "legend", "linear_indicator", "time_axis"}},
      {"submit", WithConnection({"key", "label", "priority", "deadline", "backend", "watch",
                                 "quiet", "json"})},
      {"watch", WithConnection({"after", "quiet", "json"})},
      {"status", WithConnection({"json"})},
      {"list", WithConnection({"state", "label", "limit", "json"})},
      {"cancel", WithConnection({"json"})},
      {"result", WithConnection({"out", "plot", "qasm", "quiet", "title", "legend",
                                 "linear_indicator", "time_axis"})},
      {"backends", WithConnection({"json"})},
      {"usage", WithConnection({"json"})},
  };
  for (const auto& [command, flags] : expected) {
    for (const std::string& form : {command + " -h", command + " --help", "help " + command}) {
      SplitResult r = RunCliSplit(form);
      EXPECT_EQ(r.exit_code, 0) << form;
      EXPECT_EQ(r.out.rfind("usage: qgrad " + command, 0), 0u) << r.out;
      EXPECT_EQ(ListedFlags(r.out), flags) << form << "\n" << r.out;
      EXPECT_EQ(r.out.find("not defined"), std::string::npos) << r.out;
    }
  }
  // Help strings and defaults come from the flag definitions.
  SplitResult simulate = RunCliSplit("simulate --help");
  EXPECT_NE(simulate.out.find("--shots=VALUE  (default -1)"), std::string::npos) << simulate.out;
  EXPECT_NE(simulate.out.find("print the final amplitudes"), std::string::npos) << simulate.out;
  EXPECT_EQ(RunCli("help frobnicate").exit_code, 2);
}

TEST(CliTest, RefusesUnknownFlags) {
  for (const std::string& args : {std::string("run --bogus x"), std::string("run --bogus=1"),
                                  "simulate " + Example("bell.qasm") + " --nostatevectors",
                                  std::string("--bogus"), std::string("status j-1 --flagfile=f")}) {
    SplitResult r = RunCliSplit(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind("qgrad: unknown flag -", 0), 0u) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  SplitResult r = RunCliSplit("run --bogus x");
  EXPECT_EQ(r.err, "qgrad: unknown flag --bogus\nsee 'qgrad run --help'\n");
}

TEST(CliTest, RefusesFlagsThatDoNotApplyToTheCommand) {
  SplitResult r = RunCliSplit("simulate " + Example("bell.qasm") + " --plot x.svg");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "qgrad simulate: --plot does not apply to simulate\n"
                   "see 'qgrad simulate --help'\n");
  EXPECT_TRUE(r.out.empty()) << r.out;
  // Every spelling: dashed, "=value", negated booleans, one dash.
  for (const std::string& args :
       {std::string("run spec.json --tls-ca ca.pem"), std::string("run spec.json --server=h:1"),
        std::string("run spec.json --nojson"), std::string("run spec.json --no-json"),
        std::string("status j-1 -quiet"), std::string("plot r.json --out p.svg --qasm c.qasm")}) {
    SplitResult refused = RunCliSplit(args);
    EXPECT_EQ(refused.exit_code, 2) << args;
    EXPECT_NE(refused.err.find("does not apply to"), std::string::npos) << args << refused.err;
  }
}

TEST(CliTest, BadValuesAndArgumentCountsAreUsageErrors) {
  EXPECT_EQ(RunCli("simulate " + Example("bell.qasm") + " --shots many").exit_code, 2);
  EXPECT_EQ(RunCli("simulate " + Example("bell.qasm") + " --shots").exit_code, 2);
  EXPECT_EQ(RunCli("run").exit_code, 2);
  EXPECT_EQ(RunCli("run a.json b.json").exit_code, 2);
  EXPECT_EQ(RunCli("plot").exit_code, 2);
  EXPECT_EQ(RunCli("simulate a.qasm b.qasm").exit_code, 2);
  // Accepted spellings still work: dashed names, "=", a bare "--" before positionals.
  Result ok = RunCli("simulate --shots=10 --seed 3 --json -- " + Example("bell.qasm"));
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  Result negated = RunCli("simulate " + Example("bell.qasm") + " --nostatevector --no-json");
  EXPECT_EQ(negated.exit_code, 0) << negated.out;
}

// A warm start long enough to report (seconds of COBYLA on a 12-qubit ansatz with 120
// parameters) and no outer iteration after it.
std::string LongWarmStartSpec() {
  return WriteTemp("long_warm_start.json", R"({"name": "long warm start",
      "problem": {"model": {"kind": "tfim", "numQubits": 12}},
      "initialState": {"preparation": "plus",
                       "ansatz": {"name": "hardware_efficient", "layers": 4}},
      "method": {"nested": {"warmStart": {"optimizer": "cobyla", "ftolRel": 0,
                                          "maxEvaluations": 2000},
                            "stop": {"maxIterations": 0}}},
      "seed": 5})");
}

TEST(CliTest, ALongWarmStartShowsProgressOnStderrOnly) {
  const std::string spec = LongWarmStartSpec();
  const std::string out = (std::filesystem::path(testing::TempDir()) / "warm.json").string();
  SplitResult r = RunCliSplit("run " + spec + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  int lines = 0;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) {
    if (line.rfind("warm start  evaluations ", 0) == 0) {
      ++lines;
      EXPECT_NE(line.find("/2000  cost "), std::string::npos) << line;
    }
  }
  // Lines start after half a second and come at most two a second; the warm start is
  // nearly all of the run.
  std::ifstream in(out);
  const double seconds = nlohmann::json::parse(in)["wallSeconds"].get<double>();
  if (seconds > 1.0) {
    EXPECT_GE(lines, 1) << r.err;
  }
  EXPECT_LE(lines, 2 * seconds + 1) << r.err;
  SplitResult quiet = RunCliSplit("run " + spec + " --quiet");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

TEST(CliTest, AResultCarriesItsSpecSeedBackendAndVersion) {
  const std::string out = (std::filesystem::path(testing::TempDir()) / "qaoa.json").string();
  Result r = RunCli("run " + Example("maxcut_qaoa.json") + " --quiet --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(out);
  nlohmann::json result = nlohmann::json::parse(in);
  std::ifstream spec_file(Example("maxcut_qaoa.json"));
  nlohmann::json spec = nlohmann::json::parse(spec_file);
  EXPECT_EQ(result["spec"]["name"], spec["name"]);
  // (The result's JSON spells out every default field too.)
  EXPECT_EQ(result["spec"]["problem"]["maxcut"]["generator"]["kind"], "paper");
  EXPECT_EQ(result["spec"]["method"]["nested"]["warmStart"], spec["method"]["nested"]["warmStart"]);
  EXPECT_EQ(result["seed"], std::to_string(spec["seed"].get<int>()));  // uint64: a string
  EXPECT_EQ(result["backend"], "statevector");
  EXPECT_EQ(result["softwareVersion"], QGRAD_PROJECT_VERSION);
}

TEST(CliTest, PlotsCarryFullLegendsUnitsAndChemicalAccuracy) {
  // Parallel test processes share TempDir(): the names carry the process id.
  auto temp = [](const std::string& name) {
    return (std::filesystem::path(testing::TempDir()) / (std::to_string(getpid()) + name))
        .string();
  };
  const std::string result = temp("lih.json"), plot = temp("lih.svg"), both = temp("both.svg");
  const std::string legend = "LiH, nested from Hartree-Fock (an entry well over 17 bytes)";
  Result r = RunCli("run " + Example("lih.json") + " --quiet --out " + result + " --plot " + plot +
                    " --legend '" + legend + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::stringstream svg;
  svg << std::ifstream(plot).rdbuf();
  for (const std::string& part :
       {">" + legend + "</text>", std::string(">cost (Hartree)</text>"),
        std::string(">outer iteration</text>"), std::string("data-label=\"exact\""),
        std::string("chemical accuracy (1.6 mHa)")}) {
    EXPECT_NE(svg.str().find(part), std::string::npos) << part;
  }
  // plot: one entry per file; another count is a command-line error.
  EXPECT_EQ(RunCli("plot " + result + " " + result + " --out " + both + " --legend 'a|b'").exit_code,
            0);
  SplitResult wrong = RunCliSplit("plot " + result + " " + result + " --out " + both +
                                  " --legend one");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_EQ(wrong.err, "qgrad plot: --legend: 1 entries for 2 results\n");
}

}  // namespace
