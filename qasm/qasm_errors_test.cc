// Invalid and unsupported programs: each must fail with INVALID_ARGUMENT, the position of
// the offending token and a clear message.
// Thread-safety: single-threaded tests; no shared state between them.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {
namespace {

// Four header lines, so the statement under test starts on line 5.
constexpr char kHeader[] =
    "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\n";

struct ErrorCase {
  std::string body;      // appended to kHeader unless `whole` is set
  std::string position;  // "L:C"
  std::string message;   // substring of the message after the position
  bool whole = false;
};

const ErrorCase kCases[] = {
    {"foo q[0];", "5:1", "unknown gate 'foo'"},
    {"cx q[0];", "5:1", "gate 'cx' takes 2 qubit argument(s), got 1"},
    {"rx q[0];", "5:1", "gate 'rx' takes 1 parameter(s), got 0"},
    {"h(0.1) q[0];", "5:1", "takes 0 parameter(s), got 1"},
    {"ctrl @ x q[0];", "5:8", "2 qubit argument(s) (1 control(s) + 1), got 1"},
    {"x q[2];", "5:5", "index 2 out of range [-2, 1]"},
    {"x r[0];", "5:3", "undeclared qubit register 'r'"},
    {"cx q[0], q[0];", "5:10", "qubit q[0] used twice"},
    {"x q[0]\nh q[1];", "6:1", "expected ';'"},
    {"x q[0]; /* never closed", "5:9", "unterminated /* comment"},
    {"rx(1.2e) q[0];", "5:4", "malformed number '1.2e'"},
    {"rx(3abc) q[0];", "5:4", "malformed number '3abc'"},
    {"const float a = 1 / 0;", "5:19", "division by zero"},
    {"rx(1 % 0) q[0];", "5:6", "modulo by zero"},
    {"gate g a { g a; }", "5:12", "recursive"},
    {"extern f(int) -> int;", "5:1", "unsupported: 'extern'"},
    {"qubit r;\nr = measure q[0];", "6:1", "cannot assign to qubit register 'r'"},
    {"measure q[0] -> q[1];", "5:17", "measurement target 'q' is not a bit register"},
    {"c[0] = measure q;", "5:16", "measure of 2 qubit(s) into 1 bit(s)"},
    {"c[0] += measure q[0];", "5:9", "undeclared identifier 'measure'"},
    {"output bit[2] r;", "5:1", "unsupported: 'output'"},
    // Classical control.
    {"break;", "5:1", "'break' outside a loop"},
    {"def f() { }\nfor int i in [0:1] { f(); continue; }\ncontinue;", "7:1",
     "'continue' outside a loop"},
    {"return;", "5:1", "'return' outside a subroutine"},
    {"for int i in q { }", "5:14", "unsupported: for loop over anything but a range"},
    {"for int i in [0:1] { qubit r; }", "5:22", "'qubit' is only allowed at global scope"},
    {"if (1) { def f() { } }", "5:10", "'def' is only allowed at global scope"},
    {"if (c[0] == 1 { x q[0]; }", "5:15", "expected ')'"},
    {"if (c[0] == 1) { x q[0];", "5:16", "'{' is never closed"},
    {"if (c[0] == 0) { x q[0];", "5:16", "unterminated block"},
    {"const int n = 1;\nn = 2;", "6:1", "cannot assign to a constant"},
    {"const int n;", "5:12", "const 'n' needs a value"},
    {"int n = 1;\nint n = 2;", "6:5", "'n' is already declared at 5:5"},
    {"def f(qubit a) -> bit { x a; }\nint b = f(q[0]);", "6:9",
     "subroutine 'f' ended without returning a value"},
    {"def f(qubit a) { x a; }\nf(q);", "6:3", "argument 'a' of 'f' takes 1 qubit(s), got 2"},
    {"def f(int a) { }\nf(1, 2);", "6:6", "subroutine 'f' takes 1 argument(s)"},
    {"def f(array[int[8], 2] a) { }", "5:7", "unsupported: subroutine argument of type 'array'"},
    {"int i = 1 << 64;", "5:11", "shift by 64 outside [0, 63]"},
    {"int i = 1.5 & 1;", "5:13", "expected an integer, got 1.5"},
    {"input float[64] a;\nif (a > 0) x q[0];", "6:7", "unsupported: operator '>' on input 'a'"},
    {"bit[2] b = \"012\";", "5:12", "a bit string holds at most 63 digits 0 and 1"},
    {"delay[100ns] r;", "5:14", "undeclared qubit register 'r'"},
    // Skipped code still stops at a lexical error (it once spun on it).
    {"if (0) for int \x01 in [0:1] x q[0];", "5:16", "unexpected character"},
    {"if (0) rx(1) } x q[0];", "5:14", "expected ';'"},
    {"defcal x $0 { }", "5:1", "unsupported: 'defcal'"},
    {"cal { }", "5:1", "unsupported: 'cal'"},
    {"switch (1) { }", "5:1", "unsupported: 'switch'"},
    {"input float[64] a;\ninput float[64] b;\nrx(a + b) q[0];", "7:6",
     "angle may depend on only one input"},
    {"input float[64] a;\nrx(a * a) q[0];", "6:6", "unsupported: nonlinear use of input 'a'"},
    {"input float[64] a;\nrx(1 / a) q[0];", "6:6", "nonlinear use of input 'a'"},
    {"input float[64] a;\ngate g(t) r { rx(a) r; }", "6:18", "input 'a' is not visible"},
    {"gate g(t) r { rx(t) s; }", "5:21", "'s' is not a qubit argument of gate 'g'"},
    {"gate g r { h r; ", "5:10", "unterminated body of gate 'g'"},
    {"gate g r { measure r; }", "5:12", "'measure' is not allowed in a gate body"},
    {"qubit[2] q;", "5:10", "'q' is already declared"},
    {"qubit[0] r;", "5:7", "register size 0 out of range"},
    {"qubit[1.5] r;", "5:7", "register size must be an integer"},
    {"include \"other.inc\";", "5:9", "unsupported: include \"other.inc\""},
    {"h $0;", "5:3", "unsupported: physical qubit '$0' in a program that declares qubits"},
    {"x q[0]; OPENQASM 3;", "5:9", "OPENQASM must be the first statement"},
    {"pragma qgrad.x\nOPENQASM 3;", "2:1", "OPENQASM must be the first statement", true},
    {"rx(1.5im) q[0];", "5:4", "unsupported: imaginary literal"},
    {"rx(arcsin(2)) q[0];", "5:4", "is not a finite number"},
    {"pow(0.5) @ h q[0];", "5:1", "unsupported: fractional pow() of gate 'h'"},
    {"input float[64] k;\npow(k) @ x q[0];", "6:5",
     "unsupported: pow() exponent that depends on input 'k'"},
    {"ctrl(0) @ x q[0], q[1];", "5:6", "control count 0 out of range"},
    {"cx q, q[0:0];", "5:7", "register sizes differ in broadcast (2 and 1)"},
    {"x q[0];\n\"text\";", "6:1", "expected a statement"},
    {"rx(pi q[0];", "5:7", "expected ',' or ')' after a gate parameter, got 'q'"},
    {"x q[0] ;; y q[1]; z q[", "5:23", "expected an expression, got end of input"},
    {"gate g a { h a }", "5:16", "expected ',' or ';' after a qubit argument, got '}'"},
    {"rx(undefined_name) q[0];", "5:4", "undeclared identifier 'undefined_name'"},
    {"rx(π + foo) q[0];", "5:8", "undeclared identifier 'foo'"},  // columns count code points
    {"const float k = 1;\nk q[0];", "6:1", "'k' is not a gate (declared at 5:13)"},
    {"x q[0]; \x01 ", "5:9", "unexpected character (byte 0x1)"},
    {"OPENQASM 4.0;", "1:10", "unsupported: OpenQASM version '4.0'", true},
    // Directives: '#' only begins '#pragma'; pragma text runs to the end of its line.
    {"# x q[0];", "5:1", "'#' is allowed only in '#pragma'"},
    {"x q[0]; #x q[1];", "5:9", "'#' is allowed only in '#pragma'"},
    {"# pragma spaced", "5:1", "'#' is allowed only in '#pragma'"},
    {"#dim", "5:1", "'#' is allowed only in '#pragma'"},
    {"pragma\nx q[0];", "5:1", "expected text after 'pragma' on the same line"},
    {"x pragma q[0];", "5:3", "expected a qubit, got 'pragma'"},
    {"x q[0];\n@foo.bar baz", "6:1",
     "annotation '@foo.bar' must be followed by a statement, got end of input"},
    {"@foo\npragma x\nx q[0];", "5:1", "must be followed by a statement, got a pragma"},
    {"gate g a {\n  x a;\n  @foo\n}", "7:3", "must be followed by a statement, got '}'"},
    {"@ foo\nx q[0];", "5:1", "expected an annotation keyword right after '@'"},
    // Lists: one trailing comma, never an empty item.
    {"cx q[0],, q[1];", "5:9", "expected a qubit, got ','"},
    {"rz(,) q[0];", "5:4", "expected an expression, got ','"},
    {"gate g(a,,) r { }", "5:10", "expected an argument name, got ','"},
    {"x q[0, 1];", "5:8", "'q' has one dimension; expected ']', got '1'"},
    {"rx(sin(0.1, 0.2)) q[0];", "5:4", "function 'sin' takes 1 argument(s), got 2"},
    {"input array[float[64], 2, 3] t;", "5:27", "unsupported: input array of more than one"},
    // Library gate names: taken once stdgates.inc is included, shadowed by arguments.
    {"qubit[2] cx;", "5:10", "'cx' is already declared as a gate of the included standard"},
    {"gate g x { x x; }", "5:12", "'x' is an argument of gate 'g', not a gate"},
    {"bit[2] r;\nr q[0];", "6:1", "'r' is not a gate (declared at 5:8)"},
};

TEST(ParseErrorTest, PositionsAndMessages) {
  int checked = 0;
  for (const ErrorCase& c : kCases) {
    std::string text = c.whole ? c.body : absl::StrCat(kHeader, c.body);
    absl::StatusOr<ParsedProgram> parsed = Parse(text);
    ASSERT_FALSE(parsed.ok()) << "accepted:\n" << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    std::string message(parsed.status().message());
    std::string want = absl::StrCat(c.position, ": ");
    EXPECT_EQ(message.substr(0, want.size()), want) << message << "\nfor:\n" << c.body;
    EXPECT_NE(message.find(c.message), std::string::npos)
        << "got: " << message << "\nwant substring: " << c.message << "\nfor:\n" << c.body;
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

// stdgates names are builtins even without the include (real tools often omit it), so a
// program that never includes stdgates.inc still parses.
TEST(ParseErrorTest, StdgatesAvailableWithoutInclude) {
  EXPECT_TRUE(Parse("OPENQASM 3.0;\nqubit q;\nh q;").ok());
}

// Including the library after declaring one of its names is a clash, named at the include
// with the declaration's position.
TEST(ParseErrorTest, IncludeAfterDeclaringALibraryName) {
  absl::StatusOr<ParsedProgram> parsed =
      Parse("OPENQASM 3.0;\nqubit[2] q;\nbit[1] h;\ninclude \"stdgates.inc\";\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(parsed.status().message()),
            "4:9: \"stdgates.inc\" defines gate 'h', already declared at 3:8");
}

TEST(ParseErrorTest, ErrorsInsideDefinitionsNameTheCall) {
  absl::StatusOr<ParsedProgram> parsed = Parse(absl::StrCat(
      kHeader, "input float[64] a;\ngate g(t) r { rx(t * t) r; }\ng(a) q[0];"));
  ASSERT_FALSE(parsed.ok());
  std::string message(parsed.status().message());
  EXPECT_EQ(message.rfind("6:20: unsupported: nonlinear use of input 'a'", 0), 0u) << message;
  EXPECT_NE(message.find("in gate 'g' called at 7:1"), std::string::npos) << message;
}

// Register and input limits are RESOURCE_EXHAUSTED with the position of the declaration,
// the count reached and the option that sets the limit.
TEST(ParseErrorTest, RegisterLimitsNameThePositionAndTheLimit) {
  ParseOptions options;
  options.max_qubits = 64;
  struct Case {
    std::string program;
    std::string message;
  };
  const Case cases[] = {
      {"OPENQASM 3;\nqubit[60] a;\nqubit[5] b;",
       "3:10: too many qubits: 65 declared, more than max_qubits = 64"},
      {"OPENQASM 3;\nqubit[2] q;\nbit[200] c;",
       "3:10: too many classical bits: 200 declared, more than max_qubits = 64"},
      {"OPENQASM 3;\ncreg c[65];", "2:6: too many classical bits: 65 declared, more than "
                                    "max_qubits = 64"},
      {"OPENQASM 3;\ninput array[float[64], 60] t;\ninput array[angle, 5] u;",
       "3:23: too many input parameters: 65 declared, more than max_qubits = 64"},
      {"OPENQASM 3;\nh $64;", "2:3: physical qubit '$64' is beyond max_qubits = 64"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ParsedProgram> parsed = Parse(c.program, options);
    ASSERT_FALSE(parsed.ok()) << c.program;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kResourceExhausted) << c.program;
    EXPECT_EQ(std::string(parsed.status().message()), c.message);
  }
  EXPECT_TRUE(Parse("OPENQASM 3;\nqubit[60] a;\nqubit[4] b;\nbit[64] c;", options).ok());
  absl::StatusOr<ParsedProgram> parsed =
      Parse("OPENQASM 3;\nqubit[99999999999999999999] a;", options);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(std::string(parsed.status().message()).substr(0, 5), "2:7: ");
}

}  // namespace
}  // namespace qgrad::qasm
