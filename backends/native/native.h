// Translation of OpenQASM 3 programs to a device's native gate set: IonQ's gpi / gpi2 / ms
// and IBM's rz / sx / x / ecr. The result is an OpenQASM 3 program any parser reads: it
// declares the native gates that stdgates.inc lacks with `gate` definitions (so the
// project's own parser and the device emulator run it) and uses nothing else besides
// measure, reset and barrier. Every translated gate is exact up to a global phase; the
// tests compare unitaries (UnitaryDistanceUpToPhase).
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_NATIVE_NATIVE_H_
#define QGRAD_BACKENDS_NATIVE_NATIVE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/circuit.h"

namespace qgrad::backends::native {

enum class GateSet {
  kAny,   // no translation: the program is re-emitted with its inputs bound
  kIonq,  // gpi(φ), gpi2(φ), ms(φ0, φ1, θ)
  kIbm,   // rz(θ), sx, x, ecr
};

// "any" | "ionq" | "ibm"; INVALID_ARGUMENT otherwise.
absl::StatusOr<GateSet> ParseGateSet(std::string_view name);
std::vector<std::string> NativeGateNames(GateSet set);

struct Translation {
  std::string qasm;  // one qubit register `q`, one bit register `c`
  int num_qubits = 0;
  int num_clbits = 0;
  int64_t two_qubit_gates = 0;  // native two-qubit gates (ms / ecr; cx for kAny)
  int64_t gates = 0;            // all native gates
};

// Parses `qasm` with `inputs` bound (every input must be bound), translates and emits.
// INVALID_ARGUMENT with LINE:COLUMN for a bad program or an unbound input.
absl::StatusOr<Translation> TranslateProgram(std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             GateSet set);

// The circuit in native gates (kind kUnitary gates carry the matrices of the native gates
// that GateKind lacks, or a dedicated representation; see native.cc). Angles are bound.
absl::StatusOr<Circuit> TranslateCircuit(const Circuit& circuit, GateSet set);

// max |U_a − e^{iφ} U_b| entry-wise over the best phase φ, for the unitary parts of two
// circuits on the same qubits (≤ 12 qubits); INVALID_ARGUMENT beyond.
absl::StatusOr<double> UnitaryDistanceUpToPhase(const Circuit& a, const Circuit& b);

}  // namespace qgrad::backends::native

#endif  // QGRAD_BACKENDS_NATIVE_NATIVE_H_
