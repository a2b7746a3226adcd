// Gate → {single-qubit unitary, CNOT} decomposition (see decompose.h). One control: the
// A·X·B·X·C construction of Barenco et al., Phys. Rev. A 52, 3457 (1995), Lemma 5.1, with
// the phase on the control (one CNOT for an involution). m ≥ 2 controls: U = W D W† with D
// diagonal, and the controlled D is a diagonal on m + 1 qubits, written as rz rotations of
// parities visited in Gray-code order (the phase-polynomial form; 2^(m+1) − 2 CNOTs, e.g.
// 6 for a Toffoli, 14 for ctrl(3) @ x). negctrl = X on the control before and after.
// A Decomposer is used by one thread.
#include "backends/native/decompose.h"

#include <bit>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "qasm/qasm.h"

namespace qgrad::backends::native::internal {
namespace {

const double kPi = std::numbers::pi;

Mat2 Sdg() { return Phase(-kPi / 2); }

// The target block of a two-qubit gate controlled by qubits[0] (the low bit).
Mat2 TargetBlock(const std::vector<Complex>& m4) { return {m4[5], m4[7], m4[13], m4[15]}; }

}  // namespace

Decomposer::Decomposer(int num_qubits) : num_qubits_(num_qubits), history_(num_qubits) {}

std::vector<LogicalOp> Decomposer::Take() {
  std::vector<LogicalOp> out;
  for (LogicalOp& op : ops_) {
    if (op.alive) out.push_back(std::move(op));
  }
  ops_.clear();
  for (auto& h : history_) h.clear();
  return out;
}

void Decomposer::OneQubit(int q, const Mat2& m) {
  if (IsScalar(m)) return;  // a global phase at this level
  auto& h = history_[q];
  if (!h.empty() && ops_[h.back()].kind == LogicalOp::Kind::kOneQubit) {
    LogicalOp& prev = ops_[h.back()];
    prev.m = Mul(m, prev.m);
    if (IsScalar(prev.m)) {
      prev.alive = false;
      h.pop_back();
    }
    return;
  }
  LogicalOp op;
  op.kind = LogicalOp::Kind::kOneQubit;
  op.q0 = q;
  op.m = m;
  h.push_back(static_cast<int>(ops_.size()));
  ops_.push_back(std::move(op));
}

void Decomposer::Cx(int c, int t) {
  auto& hc = history_[c];
  auto& ht = history_[t];
  if (!hc.empty() && !ht.empty() && hc.back() == ht.back()) {
    LogicalOp& prev = ops_[hc.back()];
    if (prev.kind == LogicalOp::Kind::kCx && prev.q0 == c && prev.q1 == t) {
      prev.alive = false;
      hc.pop_back();
      ht.pop_back();
      return;
    }
  }
  LogicalOp op;
  op.kind = LogicalOp::Kind::kCx;
  op.q0 = c;
  op.q1 = t;
  const int index = static_cast<int>(ops_.size());
  hc.push_back(index);
  ht.push_back(index);
  ops_.push_back(std::move(op));
}

void Decomposer::Other(const Gate& gate) {
  LogicalOp op;
  op.kind = LogicalOp::Kind::kOther;
  op.other = static_cast<int>(others_.size());
  others_.push_back(gate);
  const int index = static_cast<int>(ops_.size());
  for (int q : gate.qubits) history_[q].push_back(index);
  ops_.push_back(std::move(op));
}

absl::Status Decomposer::Add(const Gate& gate) {
  const GateInfo& info = Info(gate.kind);
  if (!info.is_unitary) {
    Other(gate);
    return absl::OkStatus();
  }
  if (gate.IsParameterized()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gate '", std::string(info.name), "' has an unbound parameter"));
  }
  if (static_cast<int>(gate.controls.size()) > kMaxControls) {
    return absl::InvalidArgumentError(absl::StrCat("gate '", std::string(info.name), "' has ",
                                                   gate.controls.size(),
                                                   " controls; at most ", kMaxControls));
  }
  Controls controls;
  for (size_t i = 0; i < gate.controls.size(); ++i) {
    controls.emplace_back(gate.controls[i], gate.control_values[i]);
  }
  const auto matrix = [&] { return GateMatrix(gate, {}); };
  switch (gate.kind) {
    case GateKind::kGPhase: {
      const double g = gate.angles[0].Value({});
      if (controls.empty()) return absl::OkStatus();
      auto [q, value] = controls.back();
      controls.pop_back();
      const Complex e = std::exp(Complex(0, g));
      Controlled(controls, q, value ? Mat2{1, 0, 0, e} : Mat2{e, 0, 0, 1});
      return absl::OkStatus();
    }
    case GateKind::kCX: case GateKind::kCY: case GateKind::kCZ: case GateKind::kCH:
    case GateKind::kCP: case GateKind::kCRX: case GateKind::kCRY: case GateKind::kCRZ:
    case GateKind::kCU:
      controls.emplace_back(gate.qubits[0], true);
      Controlled(controls, gate.qubits[1], TargetBlock(matrix()));
      return absl::OkStatus();
    case GateKind::kCCX:
      controls.emplace_back(gate.qubits[0], true);
      controls.emplace_back(gate.qubits[1], true);
      Controlled(controls, gate.qubits[2], PauliX());
      return absl::OkStatus();
    case GateKind::kSwap:
      Swap(controls, gate.qubits[0], gate.qubits[1]);
      return absl::OkStatus();
    case GateKind::kCSwap:
      controls.emplace_back(gate.qubits[0], true);
      Swap(controls, gate.qubits[1], gate.qubits[2]);
      return absl::OkStatus();
    case GateKind::kPauliRotation:
      return AddPauliRotation(gate, controls);
    case GateKind::kUnitary:
      if (gate.qubits.size() == 1) break;
      if (gate.qubits.size() == 2) return AddTwoQubitUnitary(gate);
      return absl::InvalidArgumentError(absl::StrCat(
          "gate 'unitary' on ", gate.qubits.size(),
          " qubits: explicit unitaries on more than two qubits cannot be translated"));
    default:
      break;
  }
  if (gate.qubits.size() != 1) {
    return absl::InternalError(absl::StrCat("unexpected gate '", std::string(info.name), "'"));
  }
  Controlled(controls, gate.qubits[0], FromRowMajor(matrix()));
  return absl::OkStatus();
}

absl::Status Decomposer::AddPauliRotation(const Gate& gate, const Controls& controls) {
  const double theta = gate.angles[0].Value({});
  std::vector<std::pair<int, PauliLetter>> active;
  for (size_t i = 0; i < gate.qubits.size(); ++i) {
    const PauliLetter l = gate.pauli.letter(static_cast<int>(i));
    if (l != PauliLetter::kI) active.emplace_back(gate.qubits[i], l);
  }
  if (active.empty()) {  // exp(−iθ/2)·I: a phase, which matters under controls
    Gate phase;
    phase.kind = GateKind::kGPhase;
    phase.angles = {Angle::Fixed(-theta / 2)};
    phase.controls = gate.controls;
    phase.control_values = gate.control_values;
    return Add(phase);
  }
  // exp(−iθP/2) = B† exp(−iθ Z…Z/2) B: only the central rz needs the controls.
  const Mat2 to_z_from_y = Mul(Hadamard(), Sdg());
  for (auto [q, l] : active) {
    if (l == PauliLetter::kX) OneQubit(q, Hadamard());
    if (l == PauliLetter::kY) OneQubit(q, to_z_from_y);
  }
  for (size_t i = 0; i + 1 < active.size(); ++i) Cx(active[i].first, active[i + 1].first);
  Controlled(controls, active.back().first, Rz(theta));
  for (size_t i = active.size() - 1; i > 0; --i) Cx(active[i - 1].first, active[i].first);
  for (auto [q, l] : active) {
    if (l == PauliLetter::kX) OneQubit(q, Hadamard());
    if (l == PauliLetter::kY) OneQubit(q, Adjoint(to_z_from_y));
  }
  return absl::OkStatus();
}

// A two-qubit unitary (controls included) goes through the project's exact synthesis in
// qasm::Emit — controlled two-level rotations and a diagonal — and is parsed back into
// stdgates, which this class decomposes further.
absl::Status Decomposer::AddTwoQubitUnitary(const Gate& gate) {
  Circuit one(num_qubits_);
  if (absl::Status s = one.Append(gate); !s.ok()) return s;
  qasm::EmitOptions options;
  options.symbolic_params = false;
  absl::StatusOr<std::string> text = qasm::Emit(one, {}, options);
  if (!text.ok()) return text.status();
  absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(*text);
  if (!parsed.ok()) return parsed.status();
  for (const Gate& g : parsed->circuit.gates()) {
    if (g.kind == GateKind::kUnitary) return absl::InternalError("unitary synthesis looped");
    if (absl::Status s = Add(g); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void Decomposer::Swap(Controls controls, int a, int b) {
  Cx(a, b);
  controls.emplace_back(b, true);
  Controlled(controls, a, PauliX());
  Cx(a, b);
}

void Decomposer::Controlled(Controls controls, int target, const Mat2& m) {
  if (IsScalar(m)) {  // λ·I under controls = a phase on the controls
    if (controls.empty() || std::abs(m.a - 1.0) < 1e-14) return;
    auto [q, value] = controls.back();
    controls.pop_back();
    Controlled(controls, q, value ? Mat2{1, 0, 0, m.a} : Mat2{m.a, 0, 0, 1});
    return;
  }
  std::vector<int> positive;
  for (auto [q, value] : controls) {
    if (!value) OneQubit(q, PauliX());
    positive.push_back(q);
  }
  if (positive.empty()) {
    OneQubit(target, m);
  } else if (positive.size() == 1) {
    Controlled1(positive[0], target, m);
  } else {
    // m = W diag(e^{iλ0}, e^{iλ1}) W†; the controlled diagonal has f(x) = λ_t when every
    // control is 1, else 0. Its Walsh coefficients: a[S] = 2^−k Σ_x f(x) (−1)^{|S ∩ x|}.
    Mat2 w;
    double l0 = 0, l1 = 0;
    Diagonalize(m, &w, &l0, &l1);
    std::vector<int> qubits = positive;
    qubits.push_back(target);  // the highest bit
    const int k = static_cast<int>(qubits.size());
    const uint32_t x0 = (uint32_t{1} << (k - 1)) - 1, x1 = (uint32_t{1} << k) - 1;
    std::vector<double> a(size_t{1} << k);
    for (uint32_t s = 0; s < a.size(); ++s) {
      const double sign0 = std::popcount(s & x0) % 2 ? -1.0 : 1.0;
      const double sign1 = std::popcount(s & x1) % 2 ? -1.0 : 1.0;
      a[s] = std::ldexp(l0 * sign0 + l1 * sign1, -k);
    }
    OneQubit(target, Adjoint(w));
    PhasePolynomial(qubits, a);
    OneQubit(target, w);
  }
  for (auto [q, value] : controls) {
    if (!value) OneQubit(q, PauliX());
  }
}

void Decomposer::Controlled1(int c, int t, const Mat2& m) {
  double alpha = 0;
  Mat2 w;
  if (AsInvolution(m, &alpha, &w)) {
    OneQubit(t, Adjoint(w));
    Cx(c, t);
    OneQubit(t, w);
    OneQubit(c, Phase(alpha));
    return;
  }
  // m = e^{iα} A X B X C with ABC = I (Barenco Lemma 5.1).
  const Zyz z = DecomposeZyz(m);
  OneQubit(t, Rz((z.delta - z.beta) / 2));                         // C
  Cx(c, t);
  OneQubit(t, Mul(Ry(-z.gamma / 2), Rz(-(z.delta + z.beta) / 2)));  // B
  Cx(c, t);
  OneQubit(t, Mul(Rz(z.beta), Ry(z.gamma / 2)));                   // A
  OneQubit(c, Phase(z.alpha));
}

// Over the nonempty subsets S in Gray-code order, the parity of S is accumulated into its
// highest qubit (the lead) and rz(−2a[S]) applied there: rz(θ) on parity p is
// e^{−iθ/2·(−1)^p}. When the lead changes, the new highest bit has just switched on and
// the old lead (then S's only other member) holds its own value again; at the end every
// qubit does.
void Decomposer::PhasePolynomial(const std::vector<int>& qubits, const std::vector<double>& a) {
  const int k = static_cast<int>(qubits.size());
  int lead = -1;
  uint32_t prev = 0;
  for (uint32_t i = 1; i < (uint32_t{1} << k); ++i) {
    const uint32_t g = i ^ (i >> 1);
    const int new_lead = 31 - std::countl_zero(g);
    if (new_lead != lead) {
      for (int b = 0; b < new_lead; ++b) {
        if (g >> b & 1) Cx(qubits[b], qubits[new_lead]);
      }
      lead = new_lead;
    } else {
      Cx(qubits[std::countr_zero(g ^ prev)], qubits[lead]);
    }
    OneQubit(qubits[lead], Rz(-2 * a[g]));
    prev = g;
  }
}

}  // namespace qgrad::backends::native::internal
