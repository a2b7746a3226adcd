// Gradient-state circuits: the guided state (I − ηD)|ψ⟩/‖·‖ prepared on a device by a
// linear combination of unitaries (LCU). For D = Σ_j d_j P_j (real d_j, P_0 = I; d_0 = 0
// when D has no identity term) and a shift s (s = ⟨D⟩ for the centered step, else 0):
//   I − η(D − s) = Σ_j c_j P_j,  c_0 = 1 − η(d_0 − s),  c_j = −η d_j (j ≥ 1),
//   α_j = |c_j|, U_j = sign(c_j) P_j, λ = Σ_j α_j.
// An ancilla register of a = ⌈log2 m⌉ qubits (m terms; none when m = 1) runs PREPARE
// (|0⟩ → Σ sign(c_j)√(α_j/λ)|j⟩, a tree of controlled ry), SELECT (for each j, P_j on the
// system controlled on ancilla value j with ctrl @ / negctrl @), and the inverse of the
// unsigned PREPARE (|0⟩ → Σ √(α_j/λ)|j⟩, the same tree), after the current circuit U_t.
// The signs ride on the first PREPARE instead of on sign gates in SELECT:
// ⟨0|PREPARE_unsigned† · SELECT · PREPARE|0⟩ = Σ_j sign(c_j) α_j P_j / λ, the same block
// as PREPARE† · Σ_j |j⟩⟨j| ⊗ U_j · PREPARE with U_j = sign(c_j) P_j, for no extra gates.
// With the ancillas measured 0 the system holds (I − η(D − s))|ψ_t⟩/‖·‖ exactly (no global
// phase), and that happens with probability ‖(I − η(D − s))ψ_t‖² / λ².
//
// A diagonal D (every string Z or I: Max-Cut, Z polynomials) on few qubits has a cheaper
// exact block encoding with one ancilla: I − η(D − s) = diag(c(x)), so a uniformly
// controlled ry on the ancilla with cos(θ_x/2) = c(x)/λ, λ = max_x |c(x)|, leaves
// c(x)ψ_x/λ on ancilla 0. As 2^n ry and 2^n cx in Gray-code order (the angles are the
// Walsh–Hadamard transform of θ), it takes 2^n two-qubit gates against the LCU's
// multi-controlled SELECT (the paper's 4-node Max-Cut: 16 cx against 60 native two-qubit
// gates), and its λ is never above Σ α_j, so post-selection succeeds at least as often.
//
// Thread-safety: pure functions of their arguments.
#ifndef QGRAD_ESTIMATION_GRADIENT_STATE_CIRCUIT_H_
#define QGRAD_ESTIMATION_GRADIENT_STATE_CIRCUIT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/circuit.h"
#include "core/pauli.h"

namespace qgrad::estimation {

struct LcuTerm {
  double alpha = 0.0;  // > 0
  bool negative = false;
  PauliString pauli;
};

// The terms of I − η(D − shift) (zero coefficients dropped, like strings merged), the
// identity first. INVALID_ARGUMENT for a non-Hermitian D, a non-finite η, shift,
// coefficient of D or λ, or no nonzero term.
absl::StatusOr<std::vector<LcuTerm>> LcuTerms(const PauliSum& d, double eta, double shift);

enum class GuidedEncoding {
  // kDiagonal when D is diagonal on at most kMaxDiagonalEncodingQubits qubits and the LCU
  // would need ancillas (two or more terms), else kLcu.
  kAuto,
  kLcu,       // PREPARE · SELECT · PREPARE_unsigned†
  kDiagonal,  // one ancilla, uniformly controlled ry (INVALID_ARGUMENT for non-diagonal D)
};
inline constexpr int kMaxDiagonalEncodingQubits = 6;

struct GradientStateCircuit {
  // Qubits 0..system_qubits−1 are the system (the current circuit's register), then the
  // ancillas. Unitary: no measurements (the program adds them).
  Circuit circuit;
  int system_qubits = 0;
  int ancilla_qubits = 0;
  GuidedEncoding encoding = GuidedEncoding::kLcu;  // the one used (never kAuto)
  double lambda = 0.0;  // the block's normalization: Σ α_j (LCU) or max_x |c(x)| (diagonal)
  std::vector<LcuTerm> terms;
};

// `current` (with its declared parameters, left symbolic) followed by PREPARE · SELECT ·
// PREPARE_unsigned† for the terms of I − η(D − shift), term j on ancilla value j (bit b
// of j on qubit n + b). Gates act as described on the reachable ancilla values 0..m−1 only: a
// control that tells no two of them apart is left out (m = 13: term 12 needs only the top
// two ancilla bits), so the circuit is exact after post-selection but is not the textbook
// SELECT on values ≥ m. With the diagonal encoding: one ancilla (qubit n), 2^n ry and cx.
// INVALID_ARGUMENT for a current circuit without qubits or with measure / reset, D on more
// qubits than it has, LcuTerms' errors, and kDiagonal for a non-diagonal D or more than
// kMaxDiagonalEncodingQubits qubits.
absl::StatusOr<GradientStateCircuit> BuildGradientStateCircuit(
    const Circuit& current, const PauliSum& d, double eta, double shift = 0.0,
    GuidedEncoding encoding = GuidedEncoding::kAuto);

// The post-selection probability ‖(I − η(D − shift))ψ‖² / λ² for a given system state
// norm² ‖(I − η(D − shift))ψ‖² (the formula the sampled rate is tested against).
double PostSelectionProbability(double guided_norm_squared, double lambda);

// Classical registers of the program: the system outcomes and the ancilla outcomes. Not
// `s` / `a`: with stdgates.inc included, `s` names the S gate and cannot be redeclared.
inline constexpr char kSystemBits[] = "sys";
inline constexpr char kAncillaBits[] = "anc";

// The OpenQASM 3 program a backend runs for one measurement setting: qasm::Emit of
// `circuit` (angles as `input float[64] theta_k`, bound by the Program's inputs), then
// `bit[n] sys;` and, with ancillas, `bit[a] anc;`, the ancilla measurements
// `anc[i] = measure q[n + i];` and `system_suffix`, which rotates and measures the system
// qubits q[0..n−1] into sys[0..n−1] (shadows::QasmSuffix on SystemQubitOperands and
// SystemBitOperands). Shot bits: sys first (bits 0..n−1), then anc, so a shot passes the
// post-selection when shot >> n == 0. INVALID_ARGUMENT unless 1 <= system_qubits <=
// circuit.num_qubits() and the circuit is unitary without classical bits.
absl::StatusOr<std::string> EmitProgram(const Circuit& circuit, int system_qubits,
                                        std::string_view system_suffix);
std::vector<std::string> SystemQubitOperands(int system_qubits);  // "q[0]", ...
std::vector<std::string> SystemBitOperands(int system_qubits);    // "sys[0]", ...

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_GRADIENT_STATE_CIRCUIT_H_
