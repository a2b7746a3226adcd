// Writes explicit 1- and 2-qubit unitaries as OpenQASM 3 gate bodies over U, gphase, p, cp
// and ctrl @ / negctrl @, exactly (global phase included, so the result stays correct
// under ctrl @).
//
// Thread-safety: pure functions.
#ifndef QGRAD_QASM_UNITARY_SYNTHESIS_H_
#define QGRAD_QASM_UNITARY_SYNTHESIS_H_

#include <complex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qgrad::qasm {

// e^{iγ}·U(θ, φ, λ) with the OpenQASM 3 matrix of U.
struct EulerAngles {
  double theta, phi, lambda, gamma;
};
// REQUIRES: m is a 2×2 unitary, row-major.
EulerAngles DecomposeOneQubit(const std::complex<double>* m);

// The statements (each ending in ";\n", indented by two spaces) of a gate body that applies
// the unitary `matrix` (row-major, qubit 0 = least significant bit) to the body's qubit
// arguments `args` (1 or 2 of them). INVALID_ARGUMENT for more than two qubits.
absl::StatusOr<std::string> UnitaryBody(const std::vector<std::complex<double>>& matrix,
                                        const std::vector<std::string>& args);

// Shortest decimal that parses back to exactly `value` (17 significant digits).
std::string FormatNumber(double value);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_UNITARY_SYNTHESIS_H_
