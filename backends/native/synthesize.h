// Second translation stage: single-qubit unitaries and CNOTs become a device's native
// gates. Adjacent single-qubit unitaries on a qubit are merged first; each CNOT becomes
// the native entangler (ecr / ms) with single-qubit corrections that merge into their
// neighbours. IonQ: z rotations are virtual (a per-qubit frame that shifts the phases of
// later gpi / gpi2 / ms), written out as two gpi gates only at the end of the circuit and
// dropped before measure / reset, where a z rotation has no observable effect.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_NATIVE_SYNTHESIZE_H_
#define QGRAD_BACKENDS_NATIVE_SYNTHESIZE_H_

#include <complex>
#include <string>
#include <vector>

#include "backends/native/decompose.h"
#include "backends/native/native.h"
#include "core/circuit.h"

namespace qgrad::backends::native::internal {

struct NativeOp {
  enum class Kind { kRz, kSx, kX, kEcr, kGpi, kGpi2, kMs, kOther };
  Kind kind = Kind::kOther;
  int q0 = -1, q1 = -1;
  double p0 = 0, p1 = 0, p2 = 0;  // rz(p0), gpi(p0), gpi2(p0), ms(p0, p1, p2); radians
  int other = -1;                 // kOther: index into the `others` given to Synthesize
};

// REQUIRES: set is kIbm or kIonq.
std::vector<NativeOp> Synthesize(const std::vector<LogicalOp>& ops,
                                 const std::vector<Gate>& others, int num_qubits, GateSet set);

// The OpenQASM 3 name of a native op ("rz", "ms", ...).
std::string_view NativeName(NativeOp::Kind kind);
// The matrix of a unitary native op on its own qubits (row-major, q0 = least significant
// bit), from the published definitions.
std::vector<std::complex<double>> NativeMatrix(const NativeOp& op);

// `gate` definitions (over stdgates / U) for the natives of `set` that stdgates.inc lacks.
std::string NativeDefinitions(GateSet set);

}  // namespace qgrad::backends::native::internal

#endif  // QGRAD_BACKENDS_NATIVE_SYNTHESIZE_H_
