// Internal to backends/statevector: turns a gate list into executable ops (kernels.h),
// fusing gates greedily. A gate moves back past later blocks on disjoint qubits (they
// commute) into the last block it touches — or, when it touches none, into the most
// recent block — when the union of qubits stays within `max_fused_qubits` (dense) or a
// diagonal limit (diagonal gate into a diagonal block). Gates too large to fuse and
// Pauli rotations of high weight become stand-alone ops (direct kernels); a global phase
// is folded into an uncontrolled op.
//
// CompileGates (Run) keeps real blocks real: a complex diagonal gate (RZ) does not join a
// real dense block (RY, H, CZ), and a real dense gate does not join a complex diagonal
// block, since the real kernels do half the arithmetic; diagonal blocks stay within
// max(2, max_fused_qubits) qubits, and the scheduler merges them per cache-blocked pass
// (schedule.h, MergeDiagonals). CompileGatesWithSources (the adjoint) merges diagonal
// blocks up to kMaxDiagonalQubits here and does not separate real from complex.
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_STATEVECTOR_FUSION_H_
#define QGRAD_BACKENDS_STATEVECTOR_FUSION_H_

#include <vector>

#include "absl/types/span.h"
#include "backends/statevector/kernels.h"
#include "core/circuit.h"

namespace qgrad::sv::internal {

// Diagonal tables stay small (2^10 × 16 B = 16 KiB). Measured on the hardware-efficient
// layer: limits of 4 (fewer passes, shorter gather runs) and 8 were both slower than 10;
// again (2026-12-05) for the per-pass merge of schedule.cc: 6 and 8 slower than 10 (more
// tables, each a pass over the slice).
inline constexpr int kMaxDiagonalQubits = 10;

// REQUIRES: unitary gates (barriers are skipped), valid qubits, params long enough.
// max_fused_qubits = 0: one op per gate, nothing merged.
std::vector<Op> CompileGates(absl::Span<const Gate> gates, absl::Span<const double> params,
                             int max_fused_qubits);

// An op and the gates it applies (indices into the gate list, in application order).
struct SourcedOp {
  Op op;
  std::vector<int> gates;
};

// CompileGates, also telling which gates each op applies. Global phases are not folded
// into other ops: their product is one trailing kScale op without sources. A
// parameterized gate joins a diagonal op only when it is diagonal for all parameter
// values, so that its derivative is diagonal too (the adjoint sweep relies on it).
std::vector<SourcedOp> CompileGatesWithSources(absl::Span<const Gate> gates,
                                               absl::Span<const double> params,
                                               int max_fused_qubits);

}  // namespace qgrad::sv::internal

#endif  // QGRAD_BACKENDS_STATEVECTOR_FUSION_H_
