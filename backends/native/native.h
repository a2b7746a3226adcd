// Translation of OpenQASM 3 programs to a device's native gate set: IonQ's gpi / gpi2 / ms
// and IBM's rz / sx / x / ecr. The result is an OpenQASM 3 program any parser reads: it
// declares the native gates that stdgates.inc lacks with `gate` definitions (so the
// project's own parser and the device emulator run it) and uses nothing else besides
// measure, reset and barrier. The unitary between measurements is exact up to a global
// phase; the tests compare unitaries (UnitaryDistanceUpToPhase). One exception, exact as a
// quantum operation: for IonQ a pending virtual z rotation is dropped right before a
// measure or reset of its qubit (it changes neither outcomes nor post-measurement states).
//
// Conventions (README.md): angles in radians everywhere, ms included (ms(φ0, φ1, θ) is
// IonQ's matrix with 2π·turns, so θ = π/2 is fully entangling); ecr(a, b) is Qiskit's matrix
// with `a` the least significant bit of the index.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_NATIVE_NATIVE_H_
#define QGRAD_BACKENDS_NATIVE_NATIVE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/circuit.h"

namespace qgrad::backends::native {

enum class GateSet {
  kAny,   // no translation: the program is re-emitted with its inputs bound (stdgates.inc)
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
// INVALID_ARGUMENT with LINE:COLUMN for a bad program or an unbound input; the errors of
// TranslateCircuit; RESOURCE_EXHAUSTED when the translation would exceed 200000 + 100·(gates)
// single-qubit and CNOT operations.
absl::StatusOr<Translation> TranslateProgram(std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             GateSet set);

// The circuit in native gates: rz / sx / x as kRZ / kSX / kX, and ecr / gpi / gpi2 / ms
// (which GateKind lacks) as kUnitary gates carrying their matrices. Every angle must be a
// fixed number (INVALID_ARGUMENT otherwise, and for an explicit unitary on three or more
// qubits or a gate with more than 12 extra controls). kAny returns the circuit unchanged.
absl::StatusOr<Circuit> TranslateCircuit(const Circuit& circuit, GateSet set);

// max |U_a − e^{iφ} U_b| entry-wise, for the unitary parts of two circuits on the same
// qubits (measure / reset / barrier skipped; ≤ 12 qubits, fixed angles; INVALID_ARGUMENT
// otherwise). φ is the phase that minimizes the Frobenius distance, so the result bounds
// the best entry-wise distance from above; 0 iff equal up to phase. Costs 2^(n+1) runs of
// each circuit.
absl::StatusOr<double> UnitaryDistanceUpToPhase(const Circuit& a, const Circuit& b);

}  // namespace qgrad::backends::native

#endif  // QGRAD_BACKENDS_NATIVE_NATIVE_H_
