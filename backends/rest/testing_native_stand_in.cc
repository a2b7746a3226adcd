// Test helper: a stand-in for native::TranslateProgram and NativeGateNames, linked into
// rest_test only while backends/native has no library. It parses the program (so errors
// carry LINE:COLUMN) and sends the text unchanged. Remove once qgrad_native exists.
//
// Thread-safety: pure functions.
#include "backends/native/native.h"
#include "qasm/qasm.h"

namespace qgrad::backends::native {

std::vector<std::string> NativeGateNames(GateSet set) {
  switch (set) {
    case GateSet::kIonq:
      return {"gpi", "gpi2", "ms"};
    case GateSet::kIbm:
      return {"ecr", "rz", "sx", "x"};
    case GateSet::kAny:
      break;
  }
  return {"cx", "h", "rx", "ry", "rz"};
}

absl::StatusOr<Translation> TranslateProgram(std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             GateSet) {
  qasm::ParseOptions options;
  options.bindings = inputs;
  absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(qasm, options);
  if (!parsed.ok()) return parsed.status();
  Translation t;
  t.qasm = std::string(qasm);
  t.num_qubits = parsed->circuit.num_qubits();
  t.num_clbits = parsed->circuit.num_clbits();
  return t;
}

}  // namespace qgrad::backends::native
