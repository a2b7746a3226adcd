// OpenQASM 3: emitter (Circuit → program text) and parser (program text → Circuit).
//
// The parser accepts what real tools produce: stdgates.inc gates, U and gphase, nested
// gate definitions, the modifiers ctrl @ / negctrl @ / inv @ / pow(k) @, `input`
// parameters (float / angle scalars and arrays) with arithmetic expressions (pi / π / tau /
// euler, sin, cos, tan, arcsin, arccos, arctan, exp, ln, sqrt, ** and unary minus),
// const declarations, qubit/bit declarations and the legacy qreg/creg, both measure syntaxes
// (`c[0] = measure q[0];` and `measure q[0] -> c[0];`), reset, barrier, // and /* */
// comments, and a trailing comma wherever the grammar's lists allow one. Gate angles must be
// affine in at most one input (value = c + s·input); a nonlinear use of an input is accepted
// only when a value for it is bound at parse time. Without `include "stdgates.inc"` the
// library's gate names are ordinary identifiers (a register may be called `h`); the gates
// not shadowed that way stay callable. Classical control is accepted: bool / int / uint /
// float / angle variables with arithmetic, comparisons, logic and bit operators, casts,
// if / else, for over ranges and sets, while, break / continue, `def` subroutines, `let`
// aliases; timing (delay, box, stretch, duration) has no effect on the ideal simulation.
// Anything the simulator could not execute faithfully (extern, defcal / cal and other
// pulse-level constructs, switch, arrays, output, ...) is rejected with an
// "unsupported: ..." error.
//
// Execution model (qasm/README.md): the parser evaluates control flow eagerly. A program
// whose steps never need a measurement outcome unrolls into one circuit (Parse). One that
// does (an if on a measured bit, say) is marked ParsedProgram::dynamic and runs shot by
// shot with RunShot(), which asks the caller's QuantumState for each outcome.
//
// Ignored, as the specification allows: `OPENQASM`, the include of "stdgates.inc" /
// "qelib1.inc" (the library is built in), `barrier` inside a gate body, pragmas
// (`pragma ...` / `#pragma ...`) and annotations (`@name.name ...`). Directive text is
// opaque to the end of its line: nothing in it (comment markers, quotes, braces) affects
// what follows. An annotation must be followed by the statement it annotates; a '#' that
// does not begin `#pragma` is an error. Nothing else is silently dropped.
//
// Parsing is bounded by ParseOptions::max_operations: the work is counted while it is done,
// so hostile input (a loop that never ends included) fails early (RESOURCE_EXHAUSTED)
// instead of running long.
//
// Thread-safety: stateless functions; safe to call concurrently (RunShot with a state per
// call).
#ifndef QGRAD_QASM_QASM_H_
#define QGRAD_QASM_QASM_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/circuit.h"

namespace qgrad::qasm {

struct EmitOptions {
  // Emit `input float[64] theta_k;` declarations and reference them; when false, every
  // angle is written as a literal bound from `params`.
  bool symbolic_params = true;
  // Name of the parameter inputs ("theta" gives theta_0, theta_1, ...).
  std::string param_prefix = "theta";
  // Append `c = measure q;` for all qubits when the circuit has no measurement.
  bool measure_all = false;
};

// Emits an OpenQASM 3 program. Pauli rotations and explicit unitaries become `gate`
// definitions built from stdgates (a unitary of more than 2 qubits is INVALID_ARGUMENT).
// INVALID_ARGUMENT if params is shorter than circuit.num_params() and symbolic_params is
// false.
absl::StatusOr<std::string> Emit(const Circuit& circuit, absl::Span<const double> params = {},
                                 const EmitOptions& options = {});

struct ParsedProgram {
  Circuit circuit;
  // Input parameters in declaration order; array inputs take consecutive indices
  // (theta[0..k-1]). circuit angles refer to these indices.
  std::vector<std::string> param_names;
  // Classical bit names in index order ("c[0]", "c[1]", ...).
  std::vector<std::string> clbit_names;
  // Qubit names in index order ("q[0]", ...).
  std::vector<std::string> qubit_names;
  // True when the program's control flow or classical results depend on measurement
  // outcomes (an `if` on a measured bit, a `while` over one, a subroutine's measured
  // result, a classical write to a program bit): it has no single circuit, and each shot
  // must be run with RunShot(). Parsing stopped at the first such step, so `circuit` holds
  // no gates and the counts and names below cover the declarations before it.
  bool dynamic = false;
};

struct ParseOptions {
  // Values for input parameters, by name (scalar) or "name[i]" (array element); a bound
  // input is substituted as a number.
  std::map<std::string, double> bindings;
  // Bounds the parser's memory and time; each charge is made before the work it pays for.
  // Operations: every gate after inlining definitions and pow(), every gate call that
  // expands to nothing, and every declaration (register, input, constant, gate definition
  // and each of its arguments) count one, at most max_operations in all. Steps: every token
  // read (a gate body is read again at every call), every qubit index an operand holds,
  // every control a modifier adds and every element pow() copies count one, at most
  // 16 * max_operations + 65536. Peak memory is about 300 bytes per operation; with
  // max_operations = 100000 any input fails or succeeds within about 40 MB.
  size_t max_operations = 1'000'000;
  // Upper bound on declared qubits, on classical bits and on input parameters (each).
  int max_qubits = 1 << 16;
};

// Errors are INVALID_ARGUMENT "LINE:COLUMN: message" (1-based, columns in code points), or
// "LINE:COLUMN: unsupported: ..." for valid OpenQASM 3 the simulator does not execute.
// A limit (max_operations, max_qubits, the nesting and modifier limits) is
// RESOURCE_EXHAUSTED "LINE:COLUMN: ..." naming the limit and its value.
absl::StatusOr<ParsedProgram> Parse(std::string_view source, const ParseOptions& options = {});

// The quantum state a shot runs on, supplied by the caller (qasm does not simulate).
class QuantumState {
 public:
  virtual ~QuantumState() = default;
  // Applies `segment`'s operations in order: unitary gates, reset and barrier (never a
  // measurement). segment.num_qubits() counts the qubits declared so far; it never
  // shrinks from one call to the next, and qubits new to a call start in |0⟩.
  virtual absl::Status Apply(const Circuit& segment) = 0;
  // Measures `qubit` in the computational basis, collapsing the state: 0 or 1.
  virtual absl::StatusOr<int> Measure(int qubit) = 0;
};

// Runs the program once as an interpreter: gates go to `state` in segments, each
// measurement's outcome comes from it, and every classical value and branch is then known.
// Returns the program's bits (ParsedProgram::clbit_names order; global bit registers
// only, never-written bits 0). Errors as Parse(); the budgets hold per shot, so a loop
// that never ends fails with RESOURCE_EXHAUSTED. Works for static programs too.
absl::StatusOr<std::vector<int>> RunShot(std::string_view source, const ParseOptions& options,
                                         QuantumState& state);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_QASM_H_
