// Classical types, arithmetic and control flow: static programs unrolled into one circuit
// (checked against the gates written out by hand), and programs whose control depends on
// measurements (checked by their exact outcome distributions, shot_testing.h, against
// probabilities worked out by hand). Also the budgets that stop loops that never end.
// Thread-safety: single-threaded tests; no shared state between them.
#include <cmath>
#include <numbers>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/dense_testing.h"
#include "qasm/qasm.h"
#include "qasm/shot_testing.h"

namespace qgrad::qasm {
namespace {

using ::qgrad::qasm::testing::CircuitUnitary;
using ::qgrad::qasm::testing::Distribution;
using ::qgrad::qasm::testing::ExactDistribution;
using ::qgrad::qasm::testing::MaxDiff;
using ::testing::HasSubstr;

constexpr char kHeader[] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

ParsedProgram ParseOk(const std::string& body) {
  std::string text = absl::StrCat(kHeader, body);
  absl::StatusOr<ParsedProgram> parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  if (!parsed.ok()) return ParsedProgram{Circuit(0), {}, {}, {}};
  return *std::move(parsed);
}

// The value of a classical expression after `declarations`, read off the angle of rx.
double ValueOf(const std::string& declarations, const std::string& expression) {
  ParsedProgram p = ParseOk(absl::StrCat("qubit q;\n", declarations, "\nrx(", expression, ") q;"));
  EXPECT_FALSE(p.dynamic);
  const std::vector<Gate>& gates = p.circuit.gates();
  if (gates.empty()) {
    ADD_FAILURE() << "no gate for " << expression;
    return NAN;
  }
  return gates.back().angles[0].constant;
}

// Both static programs on n qubits have the same unitary.
void ExpectSameUnitary(int n, const std::string& a, const std::string& b) {
  std::string decl = absl::StrCat("qubit[", n, "] q;\n");
  ParsedProgram pa = ParseOk(decl + a), pb = ParseOk(decl + b);
  EXPECT_FALSE(pa.dynamic) << a;
  EXPECT_LT(MaxDiff(CircuitUnitary(pa.circuit, {}), CircuitUnitary(pb.circuit, {})), 1e-12)
      << a << "\n  vs\n" << b;
}

Distribution DistributionOf(const std::string& body, double min_probability = 1e-9) {
  absl::StatusOr<Distribution> d = ExactDistribution(absl::StrCat(kHeader, body),
                                                     min_probability);
  EXPECT_TRUE(d.ok()) << d.status() << "\n" << body;
  return d.ok() ? *d : Distribution{};
}

void ExpectDistribution(const Distribution& d, const std::map<std::string, double>& want,
                        double tolerance = 1e-12) {
  double total = 0;
  for (const auto& [key, p] : want) {
    auto it = d.p.find(key);
    double got = it == d.p.end() ? 0.0 : it->second;
    EXPECT_NEAR(got, p, tolerance + d.missing) << "outcome " << key;
    total += got;
  }
  EXPECT_NEAR(total + d.missing, 1.0, 1e-12) << "outcomes beyond the expected ones";
}

TEST(ClassicalTest, IntegerAndRealArithmetic) {
  EXPECT_EQ(ValueOf("int a = 7;\nint b = 2;", "a / b"), 3);  // integer division truncates
  EXPECT_EQ(ValueOf("int a = -7;\nint b = 2;", "a / b"), -3);
  EXPECT_EQ(ValueOf("float a = 7;\nint b = 2;", "a / b"), 3.5);
  EXPECT_EQ(ValueOf("", "7 / 2"), 3.5);  // literals are real: pi / 2 and 1/2 stay exact
  EXPECT_EQ(ValueOf("int a = 7;", "a % 3"), 1);
  EXPECT_EQ(ValueOf("int a = 7 / 2;", "a"), 3);  // conversion to int truncates
  EXPECT_EQ(ValueOf("uint[2] u = 5;", "u"), 1);  // uint[n] wraps
  EXPECT_EQ(ValueOf("bool b = 5;", "b"), 1);
  EXPECT_EQ(ValueOf("int[2] i = 0;", "int[2](3.7)"), 3);
  EXPECT_EQ(ValueOf("", "float(int(2.5)) / 2"), 1);
  EXPECT_NEAR(ValueOf("angle a = 3 * pi;", "a"), std::numbers::pi, 1e-15);  // wraps at 2π
  EXPECT_EQ(ValueOf("float v = 1.5;\nv += 2;\nv *= 2;", "v"), 7);
}

TEST(ClassicalTest, BitOperatorsComparisonsAndLogic) {
  EXPECT_EQ(ValueOf("int a = 6;", "a & 3"), 2);
  EXPECT_EQ(ValueOf("int a = 6;", "a | 1"), 7);
  EXPECT_EQ(ValueOf("int a = 6;", "a ^ 5"), 3);
  EXPECT_EQ(ValueOf("int a = 3;", "a << 2"), 12);
  EXPECT_EQ(ValueOf("int a = 13;", "a >> 2"), 3);
  EXPECT_EQ(ValueOf("int a = 1;\na <<= 3;\na |= 1;", "a"), 9);
  EXPECT_EQ(ValueOf("", "~0"), -1);
  EXPECT_EQ(ValueOf("", "!0 + !3"), 1);
  EXPECT_EQ(ValueOf("", "(1 < 2) + (2 <= 2) + (3 > 4) + (4 >= 5) + (1 == 1) + (1 != 1)"), 3);
  EXPECT_EQ(ValueOf("", "(1 < 2 && 2 < 1) + (1 < 2 || 2 < 1) * 2"), 2);
  EXPECT_EQ(ValueOf("", "1 + 2 == 3 && 4 & 6 == 4"), 0);  // 4 & (6 == 4): & binds looser
  EXPECT_EQ(ValueOf("uint[4] v = 10;", "v[1] + 2 * v[0] + 4 * v[3]"), 5);  // bits of integers
  EXPECT_EQ(ValueOf("bool yes = true;\nbool no = false;", "yes + 2 * no"), 1);
  EXPECT_EQ(ValueOf("", "\"0110\""), 6);  // bit strings: most significant bit first
}

TEST(ControlTest, ForLoopsUnrollOverRangesAndSets) {
  ExpectSameUnitary(3, "for uint i in [0:2] { h q[i]; }", "h q[0]; h q[1]; h q[2];");
  ExpectSameUnitary(3, "for int i in [2:-1:0] { rx(i) q[i]; }",
                    "rx(2) q[2]; rx(1) q[1]; rx(0) q[0];");
  ExpectSameUnitary(3, "for i in [0:2:2] x q[i];", "x q[0]; x q[2];");
  ExpectSameUnitary(3, "for int i in {2, 0} { ry(i + 1) q[i]; }", "ry(3) q[2]; ry(1) q[0];");
  ExpectSameUnitary(2, "const int n = 2;\nfor int i in [0:n - 1] { for int j in [i:n - 1] "
                       "{ rz(10 * i + j) q[j]; } }",
                    "rz(0) q[0]; rz(1) q[1]; rz(11) q[1];");
  ExpectSameUnitary(1, "for int i in [3:2] { x q[0]; }", "");  // empty range
}

TEST(ControlTest, WhileBreakContinueAndIfElse) {
  ExpectSameUnitary(1, "int i = 0;\nwhile (i < 3) { rx(0.1 * i) q[0]; i += 1; }",
                    "rx(0) q[0]; rx(0.1) q[0]; rx(0.2) q[0];");
  ExpectSameUnitary(4, "for int i in [0:9] { if (i == 3) break; if (i % 2 == 1) continue; "
                       "x q[i]; }",
                    "x q[0]; x q[2];");
  ExpectSameUnitary(1, "int n = 2;\nif (n > 1) x q[0]; else y q[0];", "x q[0];");
  ExpectSameUnitary(1, "int n = 0;\nif (n > 1) { x q[0]; } else { y q[0]; }", "y q[0];");
  // A dangling else belongs to the nearest if.
  ExpectSameUnitary(1, "if (0) if (1) x q[0]; else y q[0];", "");
  ExpectSameUnitary(1, "if (1) if (0) x q[0]; else y q[0];", "y q[0];");
  ExpectSameUnitary(1, "int i = 0;\nwhile (true) { i += 1; if (i > 2) { break; } z q[0]; }",
                    "z q[0]; z q[0];");
}

TEST(ControlTest, BlocksScopeTheirNames) {
  ExpectSameUnitary(1, "int a = 1;\n{ int a = 2; rx(a) q[0]; }\nrx(a) q[0];",
                    "rx(2) q[0]; rx(1) q[0];");
  ExpectSameUnitary(2, "let first = q[0];\nx first;\nfor int i in [0:1] { let r = q[{1, 0}]; "
                       "h r[i]; }",
                    "x q[0]; h q[1]; h q[0];");
}

TEST(SubroutineTest, ArgumentsReturnValuesAndGateStyleCalls) {
  ExpectSameUnitary(2, "def f(int a, qubit b) -> int { rx(a) b; return 2 * a; }\n"
                       "int r = f(3, q[1]);\nry(r) q[0];",
                    "rx(3) q[1]; ry(6) q[0];");
  ExpectSameUnitary(2, "def bell(qubit[2] p) { h p[0]; cx p[0], p[1]; }\nbell q;\nbell(q);",
                    "h q[0]; cx q[0], q[1]; h q[0]; cx q[0], q[1];");
  ExpectSameUnitary(1, "def never(float a, qubit r) { x r; }", "");  // never called
  ExpectSameUnitary(1, "def early(int n, qubit b) { for int i in [0:5] { if (i == n) return; "
                       "x b; } }\nearly(2, q[0]);",
                    "x q[0]; x q[0];");
  ExpectSameUnitary(1, "def parity(bit[2] b) -> bit { return b[0] ^ b[1]; }\n"
                       "if (parity(\"10\")) x q[0];",
                    "x q[0];");
}

TEST(ControlTest, StaticProgramsAreOneCircuitDynamicOnesAreMarked) {
  ParsedProgram p = ParseOk("qubit[2] q;\nbit[2] c;\nfor int i in [0:1] { h q[i]; "
                            "c[i] = measure q[i]; }");
  EXPECT_FALSE(p.dynamic);
  EXPECT_EQ(p.circuit.gates().size(), 4u);
  EXPECT_EQ(p.circuit.Counts().measurements, 2);
  EXPECT_TRUE(ParseOk("qubit q;\nbit c = measure q;\nif (c) x q;").dynamic);
  EXPECT_TRUE(ParseOk("qubit q;\nbit c = 1;").dynamic);  // a classical write is a result
  EXPECT_FALSE(ParseOk("qubit q;\nbit c = 0;").dynamic);  // ... that changes nothing
  EXPECT_TRUE(ParseOk("qubit q;\nint n = measure q;").dynamic);
}

TEST(ControlTest, IfOnAMeasurement) {
  // q0 in |+>, copied into q1 by a classically controlled x: c = 00 or 11.
  ExpectDistribution(DistributionOf("qubit[2] q;\nbit[2] c;\nh q[0];\nc[0] = measure q[0];\n"
                                    "if (c[0] == 1) { x q[1]; }\nc[1] = measure q[1];"),
                     {{"00", 0.5}, {"11", 0.5}});
  // else branch and an int cast of a register.
  ExpectDistribution(DistributionOf("qubit[3] q;\nbit[3] c;\nrx(pi / 3) q[0];\nc[0] = measure q[0];\n"
                                    "if (int[3](c) == 0) x q[2]; else { x q[1]; }\nc[1:2] = measure q[1:2];"),
                     {{"001", 0.75}, {"110", 0.25}});  // P(1) = sin²(π/6)
}

TEST(ControlTest, RepeatUntilSuccessLoop) {
  // Keeps re-preparing ry(2π/3)|0> (P(1) = 3/4) until it measures 0; counts the rounds in
  // `rounds` (bits 1 and 2, capped at 3): P(k rounds) = (3/4)^(k-1) / 4.
  Distribution d = DistributionOf(
      "qubit q;\nbit c = 1;\nbit[2] rounds;\nint k = 0;\n"
      "while (c == 1) { reset q; ry(2 * pi / 3) q; c = measure q; k += 1; }\n"
      "if (k > 3) k = 3;\nrounds = k;",
      1e-7);
  EXPECT_LT(d.missing, 1e-6);
  ExpectDistribution(d, {{"010", 0.25}, {"001", 0.1875}, {"011", 1 - 0.25 - 0.1875}});
}

TEST(SubroutineTest, MeasuredResults) {
  // A subroutine that measures a Bell pair; its parity is always 0.
  ExpectDistribution(DistributionOf("def bell_parity(qubit[2] p) -> bit {\n  bit[2] b;\n"
                                    "  h p[0];\n  cx p[0], p[1];\n  b = measure p;\n"
                                    "  return b[0] ^ b[1];\n}\nqubit[2] q;\nbit r;\n"
                                    "r = bell_parity(q);\nbit[2] again = measure q;"),
                     {{"000", 0.5}, {"011", 0.5}});
}

TEST(ControlTest, IpeStyleAngleBitsAndShifts) {
  // Bits measured into an angle[3], shifted in as iterative phase estimation does.
  ExpectSameUnitary(1, "angle[3] a = 0;\na[0] = 1;\na <<= 1;\na[0] = 1;\np(a) q[0];",
                    "p(3 * 2 * pi / 8) q[0];");
  ExpectSameUnitary(1, "angle[2] a = pi / 2;\na <<= 1;\na <<= 1;\np(a) q[0];", "");
}

TEST(TimingTest, DelaysBoxesAndStretchesHaveNoEffect) {
  ExpectSameUnitary(2, "stretch g;\nduration d = 2 * g + 100ns;\ndelay[d] q[0];\n"
                       "box [1us] { x q[1]; delay[2 * g] q; }\nbox { h q[0]; }",
                    "x q[1]; h q[0];");
}

TEST(LimitTest, LoopsThatNeverEndFailWithResourceExhausted) {
  ParseOptions small;
  small.max_operations = 1000;
  absl::StatusOr<ParsedProgram> p = Parse(absl::StrCat(kHeader, "while (true) { }"), small);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted);
  p = Parse(absl::StrCat(kHeader, "qubit q;\nfor int i in [0:1000000000] { x q; }"), small);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted);
  p = Parse(absl::StrCat(kHeader, "def f() { f(); }\nf();"), small);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(p.status().message(), HasSubstr("nested too deeply"));
  // A loop that waits for a measurement that never comes: only a shot can tell.
  std::string stuck = absl::StrCat(kHeader, "qubit q;\nbit c = measure q;\nwhile (c == 0) { }");
  p = Parse(stuck, small);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->dynamic);
  testing::BranchingState state({});
  absl::StatusOr<std::vector<int>> shot = RunShot(stuck, small, state);
  ASSERT_FALSE(shot.ok());
  EXPECT_EQ(shot.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace qgrad::qasm
