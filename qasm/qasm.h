// OpenQASM 3: emitter (Circuit → program text) and parser (program text → Circuit).
//
// The parser accepts what real tools produce: stdgates.inc gates, U and gphase, nested
// gate definitions, the modifiers ctrl @ / negctrl @ / inv @ / pow(k) @, `input`
// parameters (float / angle scalars and arrays) with arithmetic expressions (pi / π / tau /
// euler, sin, cos, tan, arcsin, arccos, arctan, exp, ln, sqrt, ** and unary minus),
// const declarations, qubit/bit declarations and the legacy qreg/creg, both measure syntaxes
// (`c[0] = measure q[0];` and `measure q[0] -> c[0];`), reset, barrier, and // and /* */
// comments. Gate angles must be affine in at most one input (value = c + s·input); a
// nonlinear use of an input is accepted only when a value for it is bound at parse time.
// Anything the simulator could not execute faithfully (classical control flow, classical
// arithmetic on bits, delays with effect, externs, subroutines, ...) is rejected with an
// "unsupported: ..." error; nothing is silently ignored except `OPENQASM`, `include
// "stdgates.inc"`, `barrier` and `pragma`/annotation lines.
//
// Thread-safety: stateless functions; safe to call concurrently.
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
};

struct ParseOptions {
  // Values for input parameters, by name (scalar) or "name[i]" (array element); a bound
  // input is substituted as a number.
  std::map<std::string, double> bindings;
  // Upper bound on the number of gates after inlining definitions and pow() (protects
  // against exponential blow-up from malicious input). Expansion steps that emit nothing
  // (re-reading gate bodies, applying modifiers) are bounded by about 16 times this.
  size_t max_operations = 10'000'000;
  // Upper bound on declared qubits, on classical bits and on input parameters (each).
  int max_qubits = 1 << 16;
};

// Errors are INVALID_ARGUMENT "LINE:COLUMN: message" (1-based), or "LINE:COLUMN:
// unsupported: ..." for valid OpenQASM 3 the simulator does not execute.
absl::StatusOr<ParsedProgram> Parse(std::string_view source, const ParseOptions& options = {});

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_QASM_H_
