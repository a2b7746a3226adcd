// The gates every program may call without defining them: OpenQASM 3's builtins U and
// gphase, the stdgates.inc library, and the OpenQASM 2 / stdgates.inc compatibility names
// (u1 u2 u3 cu1 cu3 id phase cphase CX), each mapped to circuit IR gates with the exact
// stdgates.inc meaning (global phase included, which matters under ctrl @).
//
// Thread-safety: pure functions over a static table.
#ifndef QGRAD_QASM_BUILTINS_H_
#define QGRAD_QASM_BUILTINS_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/circuit.h"
#include "qasm/value.h"

namespace qgrad::qasm {

struct BuiltinGate {
  std::string_view name;
  int num_params;
  int num_qubits;
};

// nullptr when `name` is not a builtin or library gate.
const BuiltinGate* FindBuiltin(absl::string_view name);

// The IR gates of one call. REQUIRES: params.size() == num_params and qubits.size() ==
// num_qubits of the builtin. Fails (bare message) only when a compatibility gate combines
// two different inputs in one angle.
absl::StatusOr<std::vector<Gate>> BuildBuiltin(const BuiltinGate& gate,
                                               absl::Span<const Value> params,
                                               absl::Span<const int> qubits);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_BUILTINS_H_
