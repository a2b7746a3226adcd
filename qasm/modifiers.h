// The OpenQASM gate modifiers (ctrl @, negctrl @, inv @, pow(k) @) applied in place to the
// already expanded gates of one call, the tail of the parser's output list.
//
// Thread-safety: pure functions.
#ifndef QGRAD_QASM_MODIFIERS_H_
#define QGRAD_QASM_MODIFIERS_H_

#include <cstddef>
#include <deque>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/circuit.h"

namespace qgrad::qasm {

// The parser's output: gates are appended, and a modifier rewrites the tail that the call it
// modifies produced. A deque, so that growth never copies what is already there and the
// finished program can be handed over front to back while the list shrinks.
using GateList = std::deque<Gate>;

// Adds `controls` (all required to be `value`: true for ctrl @, false for negctrl @) in front
// of the controls of every gate from `begin` on.
void AddControls(absl::Span<const int> controls, bool value, GateList& gates, size_t begin);

// Replaces the gates from `begin` on by their inverse (reversed order, each gate inverted).
void Invert(GateList& gates, size_t begin);

// Replaces the gates from `begin` on by their k-th power. Integer k repeats them (inverted
// first when k < 0; k = 0 removes them); the caller has charged the copies to its budget.
// Fractional k is supported for a single gate of a rotation family (p, rx, ry, rz, cp, crx,
// cry, crz, gphase, Pauli rotations, and x, y, z, s, sdg, t, tdg, sx, cx, cy, cz as powers
// of rotations) by scaling its angle, which adds at most one gate; otherwise
// INVALID_ARGUMENT "unsupported: ...". Messages carry no position.
absl::Status Power(double k, GateList& gates, size_t begin);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_MODIFIERS_H_
