// Parser semantics: gate definitions, modifiers, stdgates identities from the OpenQASM 3
// specification, expressions, inputs, registers and broadcasting, measurement syntaxes,
// and the limits that protect against hostile input.
// Thread-safety: single-threaded tests; no shared state between them.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/dense_testing.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {
namespace {

using ::qgrad::qasm::testing::CircuitUnitary;
using ::qgrad::qasm::testing::Dense;
using ::qgrad::qasm::testing::MaxDiff;
using ::testing::HasSubstr;

ParsedProgram ParseOk(const std::string& text, const ParseOptions& options = {}) {
  absl::StatusOr<ParsedProgram> parsed = Parse(text, options);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  if (!parsed.ok()) return ParsedProgram{Circuit(0), {}, {}, {}};
  return *std::move(parsed);
}

std::string Program(int n, const std::string& body) {
  return absl::StrCat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[", n, "] q;\n", body);
}

Dense UnitaryOf(int n, const std::string& body) {
  return CircuitUnitary(ParseOk(Program(n, body)).circuit, {});
}

void ExpectSame(int n, const std::string& a, const std::string& b) {
  double d = MaxDiff(UnitaryOf(n, a), UnitaryOf(n, b));
  EXPECT_LT(d, 1e-12) << a << "  vs  " << b;
}

TEST(ModifierTest, ControlsMatchKnownControlledGates) {
  ExpectSame(2, "ctrl @ x q[0], q[1];", "cx q[0], q[1];");
  ExpectSame(2, "negctrl @ x q[0], q[1];", "x q[0]; cx q[0], q[1]; x q[0];");
  ExpectSame(3, "ctrl @ ctrl @ x q[0], q[1], q[2];", "ccx q[0], q[1], q[2];");
  ExpectSame(3, "ctrl(2) @ x q[2], q[0], q[1];", "ccx q[2], q[0], q[1];");
  ExpectSame(3, "ctrl @ swap q[0], q[1], q[2];", "cswap q[0], q[1], q[2];");
  ExpectSame(2, "ctrl @ rx(0.3) q[1], q[0];", "crx(0.3) q[1], q[0];");
  ExpectSame(2, "ctrl @ h q[0], q[1];", "ch q[0], q[1];");
  ExpectSame(2, "ctrl @ gphase(0.7) q[1];", "p(0.7) q[1];");
  ExpectSame(3, "negctrl(2) @ z q[0], q[1], q[2];",
             "x q[0]; x q[1]; ctrl(2) @ z q[0], q[1], q[2]; x q[0]; x q[1];");
}

TEST(ModifierTest, PowersAndInverses) {
  ExpectSame(1, "pow(2) @ s q[0];", "z q[0];");
  ExpectSame(1, "pow(0.5) @ z q[0];", "s q[0];");
  ExpectSame(1, "pow(1/2) @ s q[0];", "t q[0];");
  ExpectSame(1, "pow(0.5) @ x q[0];", "sx q[0];");
  ExpectSame(1, "pow(0.5) @ rx(0.8) q[0];", "rx(0.4) q[0];");
  ExpectSame(1, "pow(-1) @ t q[0];", "tdg q[0];");
  ExpectSame(1, "pow(-2) @ sx q[0];", "x q[0];");
  ExpectSame(1, "pow(0) @ h q[0];", "");
  ExpectSame(1, "inv @ pow(1/2) @ z q[0];", "sdg q[0];");
  ExpectSame(1, "inv @ sx q[0];", "pow(-0.5) @ x q[0];");
  ExpectSame(1, "inv @ U(0.3, 0.4, 0.5) q[0];", "U(-0.3, -0.5, -0.4) q[0];");
  ExpectSame(2, "pow(0.25) @ cz q[0], q[1];", "cp(pi/4) q[0], q[1];");
  ExpectSame(2, "pow(0.5) @ cx q[0], q[1];", "ctrl @ sx q[0], q[1];");
  ExpectSame(2, "ctrl @ pow(0.5) @ y q[0], q[1];", "ctrl @ ry(pi/2) q[0], q[1]; p(pi/4) q[0];");
}

TEST(StdGatesTest, MatchTheirSpecificationDefinitions) {
  // The bodies of stdgates.inc, written with builtins and modifiers.
  ExpectSame(1, "p(0.3) q[0];", "ctrl @ gphase(0.3) q[0];");
  ExpectSame(1, "x q[0];", "U(pi, 0, pi) q[0];");
  ExpectSame(1, "y q[0];", "U(pi, pi/2, pi/2) q[0];");
  ExpectSame(1, "h q[0];", "U(pi/2, 0, pi) q[0];");
  ExpectSame(1, "rx(0.3) q[0];", "U(0.3, -pi/2, pi/2) q[0];");
  ExpectSame(1, "ry(0.3) q[0];", "U(0.3, 0, 0) q[0];");
  ExpectSame(1, "rz(0.3) q[0];", "gphase(-0.3/2); U(0, 0, 0.3) q[0];");
  ExpectSame(1, "sx q[0];", "pow(1/2) @ x q[0];");
  ExpectSame(2, "swap q[0], q[1];", "cx q[0], q[1]; cx q[1], q[0]; cx q[0], q[1];");
  ExpectSame(2, "cu(0.1, 0.2, 0.3, 0.4) q[0], q[1];",
             "p(0.4) q[0]; ctrl @ U(0.1, 0.2, 0.3) q[0], q[1];");
  ExpectSame(2, "cy q[1], q[0];", "ctrl @ y q[1], q[0];");
  ExpectSame(2, "crz(0.5) q[1], q[0];", "ctrl @ rz(0.5) q[1], q[0];");
  ExpectSame(2, "cp(0.5) q[1], q[0];", "ctrl @ p(0.5) q[1], q[0];");
  ExpectSame(2, "cry(0.5) q[1], q[0];", "ctrl @ ry(0.5) q[1], q[0];");
  // Compatibility names.
  ExpectSame(1, "u3(0.1, 0.2, 0.3) q[0];", "gphase(-(0.2+0.3)/2); U(0.1, 0.2, 0.3) q[0];");
  ExpectSame(1, "u2(0.2, 0.3) q[0];", "gphase(-(0.2+0.3)/2); U(pi/2, 0.2, 0.3) q[0];");
  ExpectSame(1, "u1(0.2) q[0]; phase(0.1) q[0]; id q[0];", "p(0.3) q[0];");
  ExpectSame(2, "CX q[0], q[1]; cphase(0.2) q[0], q[1]; cu1(0.1) q[0], q[1];",
             "cx q[0], q[1]; cp(0.3) q[0], q[1];");
  ExpectSame(2, "cu3(0.1, 0.2, 0.3) q[0], q[1];", "ctrl @ u3(0.1, 0.2, 0.3) q[0], q[1];");
}

TEST(DefinitionTest, NestedDefinitionsWithParametersAndModifiers) {
  std::string defs =
      "gate rot(a, b) t { rz(a) t; ry(b) t; }\n"
      "gate ent(a) x, y { rot(a, 2*a) x; ctrl @ rot(a/2, -a) x, y; }\n";
  ExpectSame(2, defs + "ent(0.3) q[1], q[0];",
             "rz(0.3) q[1]; ry(0.6) q[1]; ctrl @ rz(0.15) q[1], q[0]; ctrl @ ry(-0.3) q[1], q[0];");
  ExpectSame(2, defs + "inv @ ent(0.3) q[1], q[0];",
             "ctrl @ ry(0.3) q[1], q[0]; ctrl @ rz(-0.15) q[1], q[0]; ry(-0.6) q[1]; "
             "rz(-0.3) q[1];");
  ExpectSame(3, defs + "negctrl @ ent(0.3) q[2], q[1], q[0];",
             defs + "x q[2]; ctrl @ ent(0.3) q[2], q[1], q[0]; x q[2];");
  ExpectSame(2, defs + "pow(3) @ ent(0.3) q[0], q[1];",
             defs + "ent(0.3) q[0], q[1]; ent(0.3) q[0], q[1]; ent(0.3) q[0], q[1];");
  ExpectSame(1, "gate myrx(t) a { rx(t) a; }\npow(0.5) @ myrx(0.8) q[0];", "rx(0.4) q[0];");
}

TEST(DefinitionTest, ProgramWithoutStdgatesMayDefineLibraryNames) {
  ParsedProgram p = ParseOk(
      "OPENQASM 3;\ngate h a { U(pi/2, 0, pi) a; }\nqubit q;\nh q;\n");
  ASSERT_EQ(p.circuit.gates().size(), 1u);
  EXPECT_EQ(p.circuit.gates()[0].kind, GateKind::kU);
}

TEST(DefinitionTest, BodyParametersStayAffineInInputs) {
  ParsedProgram p = ParseOk(Program(1,
      "input float[64] theta;\ngate g(a) t { rx(2*a + 1) t; }\ng(theta/4 - 0.5) q[0];"));
  ASSERT_EQ(p.circuit.gates().size(), 1u);
  const Angle& a = p.circuit.gates()[0].angles[0];
  EXPECT_EQ(a.index, 0);
  EXPECT_DOUBLE_EQ(a.scale, 0.5);
  EXPECT_DOUBLE_EQ(a.constant, 0.0);
}

TEST(InputTest, ScalarsArraysAnglesAndBindings) {
  std::string text = Program(2,
      "input float[64] theta;\ninput angle[32] phi;\ninput array[float[64], 3] w;\n"
      "rx(0.5*theta + 0.1) q[0];\nrz(-phi) q[1];\nry(w[2] * 3) q[0];\ncrx(w[0]) q[0], q[1];\n");
  ParsedProgram p = ParseOk(text);
  EXPECT_EQ(p.param_names,
            (std::vector<std::string>{"theta", "phi", "w[0]", "w[1]", "w[2]"}));
  EXPECT_EQ(p.circuit.num_params(), 5);
  const auto& g = p.circuit.gates();
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].angles[0].index, 0);
  EXPECT_DOUBLE_EQ(g[0].angles[0].scale, 0.5);
  EXPECT_DOUBLE_EQ(g[0].angles[0].constant, 0.1);
  EXPECT_EQ(g[1].angles[0].index, 1);
  EXPECT_DOUBLE_EQ(g[1].angles[0].scale, -1.0);
  EXPECT_EQ(g[2].angles[0].index, 4);
  EXPECT_DOUBLE_EQ(g[2].angles[0].scale, 3.0);
  EXPECT_EQ(g[3].angles[0].index, 2);

  ParseOptions options;
  options.bindings = {{"theta", 2.0}, {"w[2]", 0.25}};
  ParsedProgram bound = ParseOk(text, options);
  EXPECT_TRUE(bound.circuit.gates()[0].angles[0].is_fixed());
  EXPECT_DOUBLE_EQ(bound.circuit.gates()[0].angles[0].constant, 1.1);
  EXPECT_DOUBLE_EQ(bound.circuit.gates()[2].angles[0].constant, 0.75);
  EXPECT_EQ(bound.circuit.gates()[1].angles[0].index, 1);
}

TEST(InputTest, NonlinearUseAllowedOnlyWhenBound) {
  std::string text = Program(1, "input float[64] theta;\nrx(sin(theta)) q[0];\n");
  absl::StatusOr<ParsedProgram> unbound = Parse(text);
  ASSERT_FALSE(unbound.ok());
  EXPECT_THAT(std::string(unbound.status().message()),
              HasSubstr("5:4: unsupported: nonlinear use of input"));
  ParseOptions options;
  options.bindings = {{"theta", 0.5}};
  ParsedProgram bound = ParseOk(text, options);
  EXPECT_DOUBLE_EQ(bound.circuit.gates()[0].angles[0].constant, std::sin(0.5));
}

TEST(ExpressionTest, ConstantsFunctionsAndPrecedence) {
  struct Case {
    std::string expr;
    double value;
  } cases[] = {
      {"pi", M_PI},
      {"π/2", M_PI / 2},
      {"tau", 2 * M_PI},
      {"τ", 2 * M_PI},
      {"euler", M_E},
      {"ℇ", M_E},
      {"-2**2", -4},
      {"2**3**2", 512},
      {"2**-1", 0.5},
      {"7 % 4", 3},
      {"1 + 2 * 3", 7},
      {"(1 + 2) * 3", 9},
      {"1.5e-3 * 2", 3e-3},
      {".5 + 1.", 1.5},
      {"sin(pi/2) + cos(0) + tan(0)", 2},
      {"arcsin(1) + arccos(1) + arctan(1)", M_PI / 2 + M_PI / 4},
      {"exp(1) - ln(euler) - log(1)", M_E - 1},
      {"sqrt(16)", 4},
      {"floor(2.7) + ceiling(2.2) + mod(7, 3) + pow(2, 3)", 14},
      {"c2 * 2", 3},
      {"1_000 / 1000", 1},
  };
  for (const Case& c : cases) {
    ParsedProgram p =
        ParseOk(Program(1, absl::StrCat("const float c2 = 1.5;\nrz(", c.expr, ") q[0];")));
    ASSERT_EQ(p.circuit.gates().size(), 1u) << c.expr;
    EXPECT_NEAR(p.circuit.gates()[0].angles[0].constant, c.value, 1e-12) << c.expr;
  }
}

TEST(RegisterTest, SeveralRegistersBroadcastingAndMeasureSyntaxes) {
  ParsedProgram p = ParseOk(
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"
      "qubit[2] a;\nqubit b;\nqubit[2] r;\nbit[2] c;\nbit d;\nbit[2] e;\n"
      "h a;\ncx a, r;\nx b;\ncz b, a[1];\n"
      "c = measure a;\nd = measure b;\nmeasure r -> e;\nmeasure r[0] -> c[1];\n"
      "e[0] = measure a[0];\nreset r;\nbarrier a, b;\nbarrier;\n");
  EXPECT_EQ(p.qubit_names, (std::vector<std::string>{"a[0]", "a[1]", "b", "r[0]", "r[1]"}));
  EXPECT_EQ(p.clbit_names, (std::vector<std::string>{"c[0]", "c[1]", "d", "e[0]", "e[1]"}));
  const auto& g = p.circuit.gates();
  ASSERT_EQ(g.size(), 17u);
  EXPECT_EQ(g[0].qubits, std::vector<int>{0});
  EXPECT_EQ(g[1].qubits, std::vector<int>{1});
  EXPECT_EQ(g[2].kind, GateKind::kCX);
  EXPECT_EQ(g[2].qubits, (std::vector<int>{0, 3}));
  EXPECT_EQ(g[3].qubits, (std::vector<int>{1, 4}));
  EXPECT_EQ(g[5].qubits, (std::vector<int>{2, 1}));
  EXPECT_EQ(g[6].kind, GateKind::kMeasure);
  EXPECT_EQ(g[7].clbit, 1);
  EXPECT_EQ(g[8].clbit, 2);
  EXPECT_EQ(g[9].qubits, std::vector<int>{3});
  EXPECT_EQ(g[10].clbit, 4);
  EXPECT_EQ(g[11].clbit, 1);
  EXPECT_EQ(g[11].qubits, std::vector<int>{3});
  EXPECT_EQ(g[12].clbit, 3);
  EXPECT_EQ(g[13].kind, GateKind::kReset);
  EXPECT_EQ(g[15].kind, GateKind::kBarrier);
  EXPECT_EQ(g[15].qubits, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(g[16].qubits.size(), 5u);
}

TEST(RegisterTest, SizeAfterNameAndScalarBroadcastAgainstRegister) {
  // From the specification's broadcasting example: a single qubit pairs with every
  // element of a register.
  ParsedProgram p = ParseOk(
      "OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit qr0[1];\nqubit qr1[2];\nbit b[2];\n"
      "cx qr0[0], qr1;\nctrl @ x qr1, qr0[0];\nb = measure qr1;\n");
  EXPECT_EQ(p.qubit_names, (std::vector<std::string>{"qr0[0]", "qr1[0]", "qr1[1]"}));
  const auto& g = p.circuit.gates();
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g[0].qubits, (std::vector<int>{0, 1}));
  EXPECT_EQ(g[1].qubits, (std::vector<int>{0, 2}));
  EXPECT_EQ(g[2].controls, std::vector<int>{1});
  EXPECT_EQ(g[3].controls, std::vector<int>{2});
  EXPECT_EQ(g[3].qubits, std::vector<int>{0});
}

TEST(RegisterTest, SlicesNegativeIndicesAndSets) {
  ParsedProgram p = ParseOk(Program(
      5, "x q[1:3];\nh q[-1];\nz q[{0, 2}];\ny q[0:2:4];\ns q[3:-1:1];\nt q[-2:];\n"));
  std::vector<int> touched;
  for (const Gate& g : p.circuit.gates()) touched.push_back(g.qubits[0]);
  EXPECT_EQ(touched, (std::vector<int>{1, 2, 3, 4, 0, 2, 0, 2, 4, 3, 2, 1, 3, 4}));
}

TEST(LegacyTest, OpenQasm2Program) {
  ParsedProgram p = ParseOk(
      "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\n"
      "u3(pi/2, 0, pi) q[0];\nCX q[0], q[1];\nmeasure q -> c;\n");
  EXPECT_EQ(p.circuit.num_qubits(), 2);
  EXPECT_EQ(p.circuit.num_clbits(), 2);
  EXPECT_EQ(p.circuit.gates().size(), 5u);  // gphase, U, cx, 2 measures
}

TEST(PhysicalQubitTest, MappedToIndices) {
  ParsedProgram p = ParseOk("OPENQASM 3;\ninclude \"stdgates.inc\";\nh $0;\ncx $0, $2;\n");
  EXPECT_EQ(p.circuit.num_qubits(), 3);
  EXPECT_EQ(p.qubit_names, (std::vector<std::string>{"$0", "$1", "$2"}));
  EXPECT_EQ(p.circuit.gates()[1].qubits, (std::vector<int>{0, 2}));
}

// Pragma and annotation text is opaque to the end of its line: a comment opener, a quote or
// a brace in it changes nothing after it, and the statement an annotation precedes is kept.
// An '@' after a modifier keyword is the modifier's, even without a space.
TEST(DirectiveTest, PragmaAndAnnotationTextIsOpaqueToTheEndOfTheLine) {
  ParsedProgram p = ParseOk(
      "// header\nOPENQASM 3.0; /* block\n comment */ include \"stdgates.inc\";\n"
      "#pragma something /* never closed\npragma say \"unterminated\nqubit[2] q; // trailing\n"
      "@annotation with words /* and { braces\nx q[0];\n"
      "@a.b\n@c 'quote\ngate g a {\n  pragma in a body\n  @inner }\n  h a;\n}\ng q[1];\n"
      "ctrl @x q[0], q[1];\n");
  const auto& g = p.circuit.gates();
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].kind, GateKind::kX);
  EXPECT_EQ(g[0].qubits, std::vector<int>{0});
  EXPECT_EQ(g[1].kind, GateKind::kH);
  EXPECT_EQ(g[1].qubits, std::vector<int>{1});
  EXPECT_EQ(g[2].kind, GateKind::kX);
  EXPECT_EQ(g[2].controls, std::vector<int>{0});
  EXPECT_EQ(g[2].qubits, std::vector<int>{1});
}

// The grammar's lists (expressions, identifiers, gate operands, index sets and indices)
// allow one trailing comma; the program means the same as without it.
TEST(ListTest, TrailingCommasWhereTheGrammarAllowsThem) {
  ExpectSame(3,
             "gate g(a, b,) s, t, { rz(a) s; cx s, t,; ry(b,) t; }\n"
             "cx q[0], q[1],;\nU(0.1, 0.2, 0.3,) q[2];\nbarrier q[0], q[1],;\nx q[{0, 2,}];\n"
             "h q[1,];\nrz(sin(0.3,)) q[0];\ng(0.4, 0.5,) q[2], q[0],;\nbarrier;",
             "gate g(a, b) s, t { rz(a) s; cx s, t; ry(b) t; }\n"
             "cx q[0], q[1];\nU(0.1, 0.2, 0.3) q[2];\nx q[0];\nx q[2];\n"
             "h q[1];\nrz(sin(0.3)) q[0];\ng(0.4, 0.5) q[2], q[0];");
  ParsedProgram p = ParseOk(Program(1, "input array[float[64], 2,] w;\nrx(w[1]) q[0];"));
  EXPECT_EQ(p.param_names, (std::vector<std::string>{"w[0]", "w[1]"}));
}

// Without include "stdgates.inc" the library's names are ordinary identifiers: registers,
// inputs and constants may take them, and the library gates not shadowed stay callable.
TEST(LibraryNameTest, StandardGateNamesAreIdentifiersWithoutTheInclude) {
  ParsedProgram p = ParseOk(
      "OPENQASM 3.0;\nqubit[2] x;\nbit[2] h;\ninput float[64] rz;\nconst float cx = 0.5;\n"
      "rx(rz * cx) x[0];\nCX x[0], x[1];\nh = measure x;\ngate g(ry) s { rx(ry) s; }\n"
      "g(cx) x[1];\n");
  EXPECT_EQ(p.qubit_names, (std::vector<std::string>{"x[0]", "x[1]"}));
  EXPECT_EQ(p.clbit_names, (std::vector<std::string>{"h[0]", "h[1]"}));
  EXPECT_EQ(p.param_names, std::vector<std::string>{"rz"});
  const auto& g = p.circuit.gates();
  ASSERT_EQ(g.size(), 5u);
  EXPECT_EQ(g[0].kind, GateKind::kRX);
  EXPECT_EQ(g[0].angles[0].index, 0);
  EXPECT_DOUBLE_EQ(g[0].angles[0].scale, 0.5);
  EXPECT_EQ(g[1].kind, GateKind::kCX);
  EXPECT_EQ(g[2].kind, GateKind::kMeasure);
  EXPECT_EQ(g[4].kind, GateKind::kRX);
  EXPECT_DOUBLE_EQ(g[4].angles[0].constant, 0.5);
}

TEST(LimitTest, LargeFlatProgramParsesInLinearTime) {
  std::string body = "input array[float[64], 100] w;\n";
  for (int i = 0; i < 20000; ++i) {
    absl::StrAppend(&body, "rx(0.5*w[", i % 100, "] + 0.25) q[", i % 20, "];\ncx q[", i % 20,
                    "], q[", (i + 1) % 20, "];\n");
  }
  ParsedProgram p = ParseOk(Program(20, body));
  EXPECT_EQ(p.circuit.gates().size(), 40000u);
  EXPECT_EQ(p.circuit.num_params(), 100);
}

TEST(LimitTest, DeepParenthesesAreRejectedNotOverflowed) {
  std::string expr = std::string(100000, '(') + "1" + std::string(100000, ')');
  absl::StatusOr<ParsedProgram> p = Parse(Program(1, "rz(" + expr + ") q[0];"));
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("nested too deeply"));
  std::string minus(100000, '-');
  p = Parse(Program(1, "rz(" + minus + "1) q[0];"));
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("nested too deeply"));
}

TEST(LimitTest, DeepDefinitionChainsAreRejected) {
  std::string body = "gate g0 a { x a; }\n";
  for (int i = 1; i < 5000; ++i) absl::StrAppend(&body, "gate g", i, " a { g", i - 1, " a; }\n");
  absl::StatusOr<ParsedProgram> p = Parse(Program(1, body + "g4999 q[0];"));
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("nested too deeply"));
  // Within the limit the chain expands normally.
  EXPECT_EQ(ParseOk(Program(1, body + "g40 q[0];")).circuit.gates().size(), 1u);
}

ParseOptions Budget(size_t max_operations) {
  ParseOptions options;
  options.max_operations = max_operations;
  return options;
}

// The step budget (16 * max_operations + 2^16) for max_operations = 10000.
constexpr long long kWork10k = 16 * 10000 + (1 << 16);

void ExpectExhausted(const absl::StatusOr<ParsedProgram>& p, const std::string& prefix) {
  ASSERT_FALSE(p.ok()) << prefix;
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted) << p.status();
  EXPECT_EQ(std::string(p.status().message()).substr(0, prefix.size()), prefix) << p.status();
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// "q[a], q[a+1], ..., q[b-1]"
std::string QubitList(int a, int b) {
  std::string out;
  for (int i = a; i < b; ++i) absl::StrAppend(&out, i > a ? ", " : "", "q[", i, "]");
  return out;
}

// gate g0 a { x a; } and gate gk a { g(k-1) a; g(k-1) a; } for k = 1..levels: 2^levels
// gates from a few hundred bytes.
std::string DoublingDefinitions(int levels) {
  std::string defs = "gate g0 a { x a; }\n";
  for (int i = 1; i <= levels; ++i) {
    absl::StrAppend(&defs, "gate g", i, " a { g", i - 1, " a; g", i - 1, " a; }\n");
  }
  return defs;
}

// The 30-level bomb stops at the gate that would exceed the budget, inside the innermost
// body: the count is kept while expanding, not after. Counting is exact: 2^12 gates fit
// when the budget also covers the program's declarations (q, and each definition and its
// argument), and one less does not.
TEST(LimitTest, NestedDefinitionBombStopsWhenTheBudgetIsSpent) {
  absl::StatusOr<ParsedProgram> p =
      Parse(Program(1, DoublingDefinitions(30) + "g30 q[0];"), Budget(10000));
  ExpectExhausted(p, "4:13: program needs more than 10000 operations (max_operations = 10000;");
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("(in gate 'g30' called at 35:1)"));
  std::string bomb12 = Program(1, DoublingDefinitions(12) + "g12 q[0];");
  const size_t declarations = 1 + 13 * 2;
  EXPECT_EQ(ParseOk(bomb12, Budget(4096 + declarations)).circuit.gates().size(), 4096u);
  ExpectExhausted(Parse(bomb12, Budget(4096 + declarations - 1)), "4:13: program needs");
}

// pow() charges the gates it will copy, and their size, before copying anything.
TEST(LimitTest, PowerBombsAreChargedBeforeTheCopies) {
  ExpectExhausted(Parse(Program(1, "pow(1000000000000) @ x q[0];"), Budget(10000)),
                  "4:1: program needs more than 10000 operations");
  absl::StatusOr<ParsedProgram> p = Parse(
      Program(1, "gate p1 a { pow(1000) @ x a; }\ngate p2 a { pow(1000) @ p1 a; }\np2 q[0];"),
      Budget(10000));
  ExpectExhausted(p, "5:13: program needs more than 10000 operations");
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("(in gate 'p2' called at 6:1)"));
  // 4000 gates fit the operation budget, but each holds 64 qubits: the copies exceed the
  // step budget.
  std::string args;
  for (int i = 0; i < 64; ++i) absl::StrAppend(&args, i > 0 ? ", " : "", "a", i);
  std::string wide = absl::StrCat("gate wide ", args, " { ctrl(63) @ x ", args, "; }\n");
  ExpectExhausted(
      Parse(Program(64, wide + "pow(4000) @ wide " + QubitList(0, 64) + ";"), Budget(10000)),
      absl::StrCat("5:1: program takes more than ", kWork10k, " steps"));
  // One declaration (q) and 9999 gates are exactly the budget.
  EXPECT_EQ(ParseOk(Program(1, "pow(9999) @ x q[0];"), Budget(10000)).circuit.gates().size(),
            9999u);
  ExpectExhausted(Parse(Program(1, "pow(10000) @ x q[0];"), Budget(10000)), "4:1: ");
  ExpectExhausted(Parse(Program(1, "pow(9999) @ pow(9999) @ x q[0];"), Budget(10000)),
                  "4:1: program needs more than 10000 operations");
}

// Modifier stacks: at most 64 modifiers on a call, and every inv @ or ctrl @ pass over an
// expansion is charged as work before it is made.
TEST(LimitTest, ModifierStacksAreBounded) {
  ExpectExhausted(Parse(Program(1, Repeat("inv @ ", 65) + "x q[0];"), Budget(10000)),
                  "4:385: more than 64 modifiers on one gate call (limit 64)");
  EXPECT_EQ(ParseOk(Program(1, Repeat("inv @ ", 64) + "s q[0];")).circuit.gates()[0].kind,
            GateKind::kS);
  std::string big = "gate g a { pow(9000) @ x a; }\n";
  absl::StatusOr<ParsedProgram> p =
      Parse(Program(1, big + Repeat("inv @ ", 40) + "g q[0];"), Budget(10000));
  ExpectExhausted(p, "5:");
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("program takes more than"));
  big = "gate g a { pow(6000) @ x a; }\n";
  std::string call = "ctrl(20) @ ctrl(20) @ g " + QubitList(1, 41) + ", q[0];";
  ExpectExhausted(Parse(Program(41, big + call), Budget(10000)),
                  absl::StrCat("5:1: program takes more than ", kWork10k, " steps"));
}

// A long flat program fails at the statement where the budget runs out, and a file of
// empty statements at the token where the work budget does.
TEST(LimitTest, LongProgramsStopWhereTheBudgetRunsOut) {
  ExpectExhausted(Parse(Program(1, Repeat("x q[0];\n", 20000)), Budget(10000)),
                  "10003:1: program needs more than 10000 operations");
  const long long work = 16 * 1000 + (1 << 16);
  const long long header_tokens = 12;  // OPENQASM 3.0 ; include "..." ; qubit [ 1 ] q ;
  ExpectExhausted(Parse(Program(1, std::string(work, ';')), Budget(1000)),
                  absl::StrCat("4:", work + 1 - header_tokens, ": program takes more than ",
                               work, " steps"));
}

TEST(LimitTest, ExpansionsThatEmitNothingAreBoundedToo) {
  // Each level calls the previous one 50 times and nothing is ever emitted (`id`); calls that
  // expand to nothing count too, so the 50^10 calls stop at the budget.
  std::string body = "gate g0 a { id a; }\n";
  for (int i = 1; i <= 10; ++i) {
    absl::StrAppend(&body, "gate g", i, " a {");
    for (int k = 0; k < 50; ++k) absl::StrAppend(&body, " g", i - 1, " a;");
    absl::StrAppend(&body, " }\n");
  }
  ParseOptions options;
  options.max_operations = 10000;
  absl::StatusOr<ParsedProgram> p = Parse(Program(1, body + "g10 q[0];"), options);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("max_operations"));
}

}  // namespace
}  // namespace qgrad::qasm
