// Gradient-state circuits (LCU or diagonal block encoding of I − η(D − shift)); see
// gradient_state_circuit.h.
//
// Thread-safety: pure functions of their arguments.
#include "estimation/gradient_state_circuit.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/qasm.h"

namespace qgrad::estimation {
namespace {

// ⌈log2 m⌉ for m ≥ 1.
int AncillaCount(size_t m) {
  int a = 0;
  while ((size_t{1} << a) < m) ++a;
  return a;
}

bool Bit(uint64_t value, int b) { return (value >> b) & 1; }

// The ancilla bits that tell term j apart from every other populated value (0..m−1).
// PREPARE leaves zero amplitude on values ≥ m and on nothing else that matters, and SELECT
// preserves the ancilla basis value, so a gate controlled on these bits acts exactly as one
// controlled on all a bits (m = 13: term 12 = 1100 needs only bits 3 and 2). Greedy from the
// low bit; the result is minimal (no bit can be dropped), not necessarily minimum.
std::vector<int> DistinguishingBits(uint64_t j, size_t m, int a) {
  std::vector<bool> keep(a, true);
  auto unique = [&] {
    for (uint64_t v = 0; v < m; ++v) {
      if (v == j) continue;
      bool match = true;
      for (int b = 0; b < a && match; ++b) match = !keep[b] || Bit(v, b) == Bit(j, b);
      if (match) return false;
    }
    return true;
  };
  for (int b = 0; b < a; ++b) {
    keep[b] = false;
    if (!unique()) keep[b] = true;
  }
  std::vector<int> bits;
  for (int b = a - 1; b >= 0; --b) {
    if (keep[b]) bits.push_back(b);
  }
  return bits;  // high bit first
}

Gate ControlledGate(GateKind kind, std::vector<int> qubits, std::vector<Angle> angles,
                    absl::Span<const int> control_bits, uint64_t value, int first_ancilla) {
  Gate g;
  g.kind = kind;
  g.qubits = std::move(qubits);
  g.angles = std::move(angles);
  for (int b : control_bits) {
    g.controls.push_back(first_ancilla + b);
    g.control_values.push_back(Bit(value, b));
  }
  return g;
}

// A binary tree over the ancilla values, level b = the bits ≥ b fixed: node (b, p) holds
// the values v with v >> b == p, its weight W = Σ α_v and the sign its subtree state
// carries outward (a node with one populated child passes that child's sign up; one with
// two absorbs both children's signs into its rotation, so above it the sign is +1).
struct Tree {
  std::vector<std::vector<double>> weight;  // [b][p]
  std::vector<std::vector<int>> sign;       // [b][p], ±1
};

Tree BuildTree(absl::Span<const LcuTerm> terms, int a) {
  Tree t;
  t.weight.resize(a + 1);
  t.sign.resize(a + 1);
  t.weight[0].assign(size_t{1} << a, 0.0);
  t.sign[0].assign(size_t{1} << a, 1);
  for (size_t j = 0; j < terms.size(); ++j) {
    t.weight[0][j] = terms[j].alpha;
    t.sign[0][j] = terms[j].negative ? -1 : 1;
  }
  for (int b = 1; b <= a; ++b) {
    const size_t nodes = size_t{1} << (a - b);
    t.weight[b].assign(nodes, 0.0);
    t.sign[b].assign(nodes, 1);
    for (size_t p = 0; p < nodes; ++p) {
      const double w0 = t.weight[b - 1][2 * p], w1 = t.weight[b - 1][2 * p + 1];
      t.weight[b][p] = w0 + w1;
      if (w0 == 0.0 && w1 > 0.0) t.sign[b][p] = t.sign[b - 1][2 * p + 1];
      if (w1 == 0.0 && w0 > 0.0) t.sign[b][p] = t.sign[b - 1][2 * p];
    }
  }
  return t;
}

// PREPARE on ancilla qubits n..n+a−1 (bit b of j on qubit n+b): |0⟩ → Σ_j σ_j √(α_j/λ)|j⟩
// with σ_j = sign(c_j) when `signed`, else +1. From the high bit down, node (b+1, p) with
// both children weighted gets ry(2·atan2(σ1·√W1, σ0·√W0)) on bit b controlled on p; one
// whose weight sits entirely in the 1 child gets an x (exact, where ry(π) would leave
// ~1e-17 on the 0 child); one with only a 0 child gets nothing. When a single node at a
// level carries weight the controls are dropped: every other node has amplitude 0. For
// m ≥ 2 the root has two weighted children (m > 2^(a−1)), so every sign is absorbed.
absl::Status AppendPrepare(const Tree& tree, int n, int a, bool is_signed, Circuit& out) {
  for (int b = a - 1; b >= 0; --b) {
    const std::vector<double>& parents = tree.weight[b + 1];
    int populated = 0;
    for (double w : parents) populated += w > 0.0;
    std::vector<int> control_bits;
    if (populated > 1) {
      for (int c = a - 1; c > b; --c) control_bits.push_back(c);
    }
    for (uint64_t p = 0; p < parents.size(); ++p) {
      const double w0 = tree.weight[b][2 * p], w1 = tree.weight[b][2 * p + 1];
      if (w1 == 0.0) continue;
      const uint64_t value = p << (b + 1);
      Gate g;
      if (w0 == 0.0) {
        g = ControlledGate(GateKind::kX, {n + b}, {}, control_bits, value, n);
      } else {
        const double s0 = is_signed ? tree.sign[b][2 * p] : 1.0;
        const double s1 = is_signed ? tree.sign[b][2 * p + 1] : 1.0;
        const double theta = 2.0 * std::atan2(s1 * std::sqrt(w1), s0 * std::sqrt(w0));
        g = ControlledGate(GateKind::kRY, {n + b}, {Angle::Fixed(theta)}, control_bits, value, n);
      }
      absl::Status status = out.Append(std::move(g));
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

// SELECT: for each term j, P_j on the system, controlled on ancilla value j. The letters
// become controlled x / y / z (Y letters are the Pauli Y matrix: P is a plain tensor product
// of letters). The signs ride on PREPARE; only without ancillas (m = 1) is a negative term
// a gphase(π).
absl::Status AppendSelect(absl::Span<const LcuTerm> terms, int n, int a, Circuit& out) {
  const size_t m = terms.size();
  for (size_t j = 0; j < m; ++j) {
    const LcuTerm& term = terms[j];
    const std::vector<int> bits = DistinguishingBits(j, m, a);
    for (int q = 0; q < n; ++q) {
      const PauliLetter letter = term.pauli.letter(q);
      if (letter == PauliLetter::kI) continue;
      const GateKind kind = letter == PauliLetter::kX   ? GateKind::kX
                            : letter == PauliLetter::kY ? GateKind::kY
                                                        : GateKind::kZ;
      absl::Status status = out.Append(ControlledGate(kind, {q}, {}, bits, j, n));
      if (!status.ok()) return status;
    }
    if (term.negative && a == 0) {
      absl::Status status = out.Add(GateKind::kGPhase, {}, {Angle::Fixed(std::numbers::pi)});
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

bool IsDiagonal(absl::Span<const LcuTerm> terms) {
  for (const LcuTerm& t : terms) {
    if (t.pauli.x != 0) return false;
  }
  return true;
}

// c(x) = Σ_j ±α_j (−1)^{|x ∧ z_j|}, the diagonal of I − η(D − shift), for x < 2^n.
std::vector<double> DiagonalOfTerms(absl::Span<const LcuTerm> terms, int n) {
  std::vector<double> c(size_t{1} << n, 0.0);
  for (uint64_t x = 0; x < c.size(); ++x) {
    for (const LcuTerm& t : terms) {
      const double value = t.negative ? -t.alpha : t.alpha;
      c[x] += (std::popcount(x & t.pauli.z) & 1) ? -value : value;
    }
  }
  return c;
}

// The uniformly controlled ry on ancilla qubit n: for k = 0..2^n−1 in Gray-code order,
// ry(φ_k) then cx from the system qubit whose bit changes between gray(k) and gray(k+1)
// (cyclically). Before ry(φ_k) the cx gates so far have flipped the ancilla's frame by
// x·gray(k) mod 2, so branch x turns by Σ_k (−1)^{x·gray(k)} φ_k, which is θ_x for
// φ_k = 2^{−n} Σ_x (−1)^{x·gray(k)} θ_x; the last cx restores the frame.
absl::Status AppendDiagonalBlock(absl::Span<const double> theta, int n, Circuit& out) {
  const uint64_t size = uint64_t{1} << n;
  std::vector<double> phi(theta.begin(), theta.end());
  for (uint64_t half = 1; half < size; half <<= 1) {  // in-place Walsh–Hadamard transform
    for (uint64_t i = 0; i < size; ++i) {
      if (i & half) continue;
      const double a = phi[i], b = phi[i | half];
      phi[i] = a + b;
      phi[i | half] = a - b;
    }
  }
  for (uint64_t k = 0; k < size; ++k) {
    const uint64_t gray = k ^ (k >> 1);
    absl::Status status = out.Add(GateKind::kRY, {n}, {Angle::Fixed(std::ldexp(phi[gray], -n))});
    const int control = k + 1 < size ? std::countr_zero(k + 1) : n - 1;
    status.Update(out.Add(GateKind::kCX, {control, n}));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status AppendLcu(absl::Span<const LcuTerm> terms, int n, int a, Circuit& circuit) {
  // A|0⟩ = Σ sign(c_j)√(α_j/λ)|j⟩, B|0⟩ = Σ √(α_j/λ)|j⟩: ⟨0|B† · SELECT · A|0⟩ =
  // Σ_j sign(c_j) α_j P_j / λ = (I − η(D − shift))/λ, with no sign gates in SELECT.
  const int total = circuit.num_qubits();
  const Tree tree = BuildTree(terms, a);
  Circuit prepare(total), unsigned_prepare(total);
  absl::Status status = AppendPrepare(tree, n, a, true, prepare);
  status.Update(AppendPrepare(tree, n, a, false, unsigned_prepare));
  if (!status.ok()) return status;
  absl::StatusOr<Circuit> unprepare = unsigned_prepare.Inverse();
  if (!unprepare.ok()) return unprepare.status();
  status.Update(circuit.Extend(prepare));
  status.Update(AppendSelect(terms, n, a, circuit));
  status.Update(circuit.Extend(*unprepare));
  return status;
}

}  // namespace

absl::StatusOr<std::vector<LcuTerm>> LcuTerms(const PauliSum& d, double eta, double shift) {
  if (!std::isfinite(eta)) return absl::InvalidArgumentError("step size eta is not finite");
  if (!std::isfinite(shift)) return absl::InvalidArgumentError("shift is not finite");
  if (!d.IsHermitian()) {
    return absl::InvalidArgumentError("gradient operator D is not Hermitian (complex coefficient)");
  }
  PauliSum merged = d;
  merged.Simplify();
  // Simplify sorts by weight, so an identity term comes first; P_0 = I is always a term
  // (the I of I − η(D − shift)), dropped below only if its coefficient is exactly 0.
  std::vector<std::pair<double, PauliString>> coeffs = {{1.0 + eta * shift, PauliString{}}};
  for (const PauliTerm& t : merged.terms()) {
    if (!std::isfinite(t.coeff.real())) {
      return absl::InvalidArgumentError("gradient operator D has a non-finite coefficient");
    }
    if (t.string.is_identity()) {
      coeffs[0].first -= eta * t.coeff.real();
    } else {
      coeffs.push_back({-eta * t.coeff.real(), t.string});
    }
  }
  std::vector<LcuTerm> terms;
  double lambda = 0.0;
  for (const auto& [c, string] : coeffs) {
    if (c == 0.0) continue;
    terms.push_back(LcuTerm{std::abs(c), c < 0.0, string});
    lambda += std::abs(c);
  }
  if (terms.empty()) {
    return absl::InvalidArgumentError("I - eta (D - shift) is zero: no term to prepare");
  }
  if (!std::isfinite(lambda)) {
    return absl::InvalidArgumentError("I - eta (D - shift) has a non-finite coefficient");
  }
  return terms;
}

absl::StatusOr<GradientStateCircuit> BuildGradientStateCircuit(const Circuit& current,
                                                               const PauliSum& d, double eta,
                                                               double shift,
                                                               GuidedEncoding encoding) {
  const int n = current.num_qubits();
  if (n < 1) return absl::InvalidArgumentError("current circuit has no qubits");
  if (!current.IsUnitary()) {
    return absl::InvalidArgumentError("current circuit measures or resets");
  }
  if (d.NumQubits() > n) {
    return absl::InvalidArgumentError(absl::StrCat("gradient operator acts on ", d.NumQubits(),
                                                   " qubits, the circuit has ", n));
  }
  absl::StatusOr<std::vector<LcuTerm>> terms = LcuTerms(d, eta, shift);
  if (!terms.ok()) return terms.status();

  const bool diagonal_fits = IsDiagonal(*terms) && n <= kMaxDiagonalEncodingQubits;
  if (encoding == GuidedEncoding::kDiagonal && !diagonal_fits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the diagonal encoding needs a diagonal D (Z strings only) on at most ",
        kMaxDiagonalEncodingQubits, " qubits"));
  }
  GradientStateCircuit result;
  result.system_qubits = n;
  // One term needs no ancilla at all as an LCU.
  const bool diagonal = encoding == GuidedEncoding::kDiagonal ||
                        (encoding == GuidedEncoding::kAuto && diagonal_fits && terms->size() > 1);
  result.encoding = diagonal ? GuidedEncoding::kDiagonal : GuidedEncoding::kLcu;
  std::vector<double> theta;
  if (result.encoding == GuidedEncoding::kDiagonal) {
    const std::vector<double> c = DiagonalOfTerms(*terms, n);
    for (double v : c) result.lambda = std::max(result.lambda, std::abs(v));
    if (result.lambda == 0.0) {
      return absl::InvalidArgumentError("I - eta (D - shift) is zero on every basis state");
    }
    for (double v : c) theta.push_back(2.0 * std::acos(std::clamp(v / result.lambda, -1.0, 1.0)));
    result.ancilla_qubits = 1;
  } else {
    for (const LcuTerm& t : *terms) result.lambda += t.alpha;
    result.ancilla_qubits = AncillaCount(terms->size());
  }

  Circuit circuit(n + result.ancilla_qubits);
  circuit.DeclareParams(current.num_params());
  for (const Gate& g : current.gates()) {
    absl::Status status = circuit.Append(g);
    if (!status.ok()) return status;
  }
  absl::Status status = result.encoding == GuidedEncoding::kDiagonal
                            ? AppendDiagonalBlock(theta, n, circuit)
                            : AppendLcu(*terms, n, result.ancilla_qubits, circuit);
  if (!status.ok()) return status;

  result.circuit = std::move(circuit);
  result.terms = *std::move(terms);
  return result;
}

double PostSelectionProbability(double guided_norm_squared, double lambda) {
  return guided_norm_squared / (lambda * lambda);
}

absl::StatusOr<std::string> EmitProgram(const Circuit& circuit, int system_qubits,
                                        std::string_view system_suffix) {
  const int n = system_qubits;
  if (n < 1 || n > circuit.num_qubits()) {
    return absl::InvalidArgumentError(absl::StrCat("system qubits ", n, " not in [1, ",
                                                   circuit.num_qubits(), "]"));
  }
  if (!circuit.IsUnitary() || circuit.num_clbits() != 0) {
    return absl::InvalidArgumentError(
        "gradient-state circuit must be unitary without classical bits");
  }
  absl::StatusOr<std::string> text = qasm::Emit(circuit);
  if (!text.ok()) return text.status();
  std::string out = *std::move(text);
  const int a = circuit.num_qubits() - n;
  absl::StrAppend(&out, "bit[", n, "] ", kSystemBits, ";\n");
  if (a > 0) absl::StrAppend(&out, "bit[", a, "] ", kAncillaBits, ";\n");
  for (int i = 0; i < a; ++i) {
    absl::StrAppend(&out, kAncillaBits, "[", i, "] = measure q[", n + i, "];\n");
  }
  out.append(system_suffix);
  return out;
}

std::vector<std::string> SystemQubitOperands(int system_qubits) {
  std::vector<std::string> out;
  for (int q = 0; q < system_qubits; ++q) out.push_back(absl::StrCat("q[", q, "]"));
  return out;
}

std::vector<std::string> SystemBitOperands(int system_qubits) {
  std::vector<std::string> out;
  for (int q = 0; q < system_qubits; ++q) out.push_back(absl::StrCat(kSystemBits, "[", q, "]"));
  return out;
}

}  // namespace qgrad::estimation
