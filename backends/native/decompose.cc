// Gate → {single-qubit unitary, CNOT} decomposition (see decompose.h). Multi-controlled
// gates follow Barenco et al., Phys. Rev. A 52, 3457 (1995): one control by the A·X·B·X·C
// construction (Lemma 5.1 with the phase on the control), two controls on an involution by
// the exact six-CNOT Toffoli, otherwise the Gray-code construction of Lemma 7.1 with
// V^(2^(m−1)) = U. negctrl = X on the control before and after.
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
Mat2 T() { return Phase(kPi / 4); }
Mat2 Tdg() { return Phase(-kPi / 4); }

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
  double alpha = 0;
  Mat2 w;
  if (positive.empty()) {
    OneQubit(target, m);
  } else if (positive.size() == 1) {
    Controlled1(positive[0], target, m);
  } else if (positive.size() == 2 && AsInvolution(m, &alpha, &w)) {
    // m = e^{iα} W X W†: W† · Toffoli · W on the target, the phase as cp on the controls.
    OneQubit(target, Adjoint(w));
    Toffoli(positive[0], positive[1], target);
    OneQubit(target, w);
    Controlled1(positive[0], positive[1], Phase(alpha));
  } else {
    GrayCode(positive, target, m);
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

// The exact six-CNOT Toffoli (Nielsen & Chuang, Fig. 4.9).
void Decomposer::Toffoli(int a, int b, int t) {
  OneQubit(t, Hadamard());
  Cx(b, t);
  OneQubit(t, Tdg());
  Cx(a, t);
  OneQubit(t, T());
  Cx(b, t);
  OneQubit(t, Tdg());
  Cx(a, t);
  OneQubit(b, T());
  OneQubit(t, Mul(Hadamard(), T()));
  Cx(a, b);
  OneQubit(a, T());
  OneQubit(b, Tdg());
  Cx(a, b);
}

// Barenco Lemma 7.1: over the nonempty subsets S of the controls in Gray-code order, the
// parity of S is accumulated into its highest control and V^(±1) (sign by |S| odd / even)
// is applied from there; the exponents sum to 2^(m−1) exactly when all controls are 1.
void Decomposer::GrayCode(const std::vector<int>& controls, int t, const Mat2& m) {
  const int k = static_cast<int>(controls.size());
  const Mat2 v = Power(m, std::ldexp(1.0, -(k - 1)));
  const Mat2 v_dag = Adjoint(v);
  int lead = -1;
  uint32_t prev = 0;
  for (uint32_t i = 1; i < (uint32_t{1} << k); ++i) {
    const uint32_t g = i ^ (i >> 1);
    const int changed = std::countr_zero(g ^ prev);
    const int new_lead = 31 - std::countl_zero(g);
    if (new_lead != lead) {
      // The new highest bit just switched on; every other member holds its own value.
      for (int b = 0; b < new_lead; ++b) {
        if (g >> b & 1) Cx(controls[b], controls[new_lead]);
      }
      lead = new_lead;
    } else {
      Cx(controls[changed], controls[lead]);
    }
    Controlled1(controls[lead], t, std::popcount(g) % 2 == 1 ? v : v_dag);
    prev = g;
  }
}

}  // namespace qgrad::backends::native::internal
