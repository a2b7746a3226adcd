// The OpenQASM gate modifiers (ctrl @, negctrl @, inv @, pow(k) @) applied to an already
// expanded gate sequence of the circuit IR.
//
// Thread-safety: pure functions.
#ifndef QGRAD_QASM_MODIFIERS_H_
#define QGRAD_QASM_MODIFIERS_H_

#include <vector>

#include "absl/status/status.h"
#include "core/circuit.h"

namespace qgrad::qasm {

// Adds `controls` (with their required values) to every gate of the sequence.
void AddControls(const std::vector<int>& controls, const std::vector<bool>& values,
                 std::vector<Gate>& gates);

// Replaces the sequence by its inverse (reversed order, each gate inverted).
void Invert(std::vector<Gate>& gates);

// Replaces the sequence by its k-th power. Integer k repeats the sequence (inverted first
// when k < 0); `budget` is decreased by the gates added, and RESOURCE_EXHAUSTED is returned
// (nothing changed) when it would go below zero.
// Fractional k is supported for a single gate of a rotation family (p, rx, ry, rz, cp, crx,
// cry, crz, gphase, Pauli rotations, and x, y, z, s, sdg, t, tdg, sx, cz as powers of
// rotations) by scaling its angle; otherwise INVALID_ARGUMENT "unsupported: ...". Messages
// carry no position.
absl::Status Power(double k, std::vector<Gate>& gates, long long& budget);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_MODIFIERS_H_
