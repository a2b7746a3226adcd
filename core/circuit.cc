// Circuit IR: gate facts, validation, inverse, binding, depth and counts.
//
// Thread-safety: see circuit.h (values).
#include "core/circuit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qgrad {
namespace {

constexpr int kNumKinds = static_cast<int>(GateKind::kBarrier) + 1;

// Indexed by GateKind; the order must follow the enum.
constexpr std::array<GateInfo, kNumKinds> kInfo = {{
    {"x", 1, 0, true, false},
    {"y", 1, 0, true, false},
    {"z", 1, 0, true, true},
    {"h", 1, 0, true, false},
    {"s", 1, 0, true, true},
    {"sdg", 1, 0, true, true},
    {"t", 1, 0, true, true},
    {"tdg", 1, 0, true, true},
    {"sx", 1, 0, true, false},
    {"p", 1, 1, true, true},
    {"rx", 1, 1, true, false},
    {"ry", 1, 1, true, false},
    {"rz", 1, 1, true, true},
    {"U", 1, 3, true, false},
    {"cx", 2, 0, true, false},
    {"cy", 2, 0, true, false},
    {"cz", 2, 0, true, true},
    {"ch", 2, 0, true, false},
    {"swap", 2, 0, true, false},
    {"cp", 2, 1, true, true},
    {"crx", 2, 1, true, false},
    {"cry", 2, 1, true, false},
    {"crz", 2, 1, true, true},
    {"cu", 2, 4, true, false},
    {"ccx", 3, 0, true, false},
    {"cswap", 3, 0, true, false},
    {"gphase", 0, 1, true, true},
    {"pauli_rotation", -1, 1, true, false},
    {"unitary", -1, 0, true, false},
    {"measure", 1, 0, false, false},
    {"reset", 1, 0, false, false},
    {"barrier", -1, 0, false, false},
}};

// Kinds whose inverse is the same kind with every angle negated.
bool InvertsByNegation(GateKind kind) {
  switch (kind) {
    case GateKind::kP: case GateKind::kRX: case GateKind::kRY: case GateKind::kRZ:
    case GateKind::kCP: case GateKind::kCRX: case GateKind::kCRY: case GateKind::kCRZ:
    case GateKind::kGPhase: case GateKind::kPauliRotation:
      return true;
    default:
      return false;
  }
}

bool IsSelfInverse(GateKind kind) {
  switch (kind) {
    case GateKind::kX: case GateKind::kY: case GateKind::kZ: case GateKind::kH:
    case GateKind::kCX: case GateKind::kCY: case GateKind::kCZ: case GateKind::kCH:
    case GateKind::kSwap: case GateKind::kCCX: case GateKind::kCSwap:
      return true;
    default:
      return false;
  }
}

Angle Negated(const Angle& a) { return Angle{-a.constant, a.index, -a.scale}; }

std::vector<Complex> ConjugateTranspose(const std::vector<Complex>& m) {
  size_t dim = static_cast<size_t>(std::llround(std::sqrt(double(m.size()))));
  std::vector<Complex> out(m.size());
  for (size_t r = 0; r < dim; ++r)
    for (size_t c = 0; c < dim; ++c) out[c * dim + r] = std::conj(m[r * dim + c]);
  return out;
}

bool IsUnitaryMatrix(const std::vector<Complex>& m, size_t dim, double tolerance) {
  for (size_t r = 0; r < dim; ++r) {
    for (size_t c = 0; c < dim; ++c) {
      Complex dot = 0;
      for (size_t k = 0; k < dim; ++k) dot += std::conj(m[k * dim + r]) * m[k * dim + c];
      if (std::abs(dot - Complex(r == c ? 1.0 : 0.0)) > tolerance) return false;
    }
  }
  return true;
}

absl::Status Invalid(const Gate& gate, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("gate '", std::string(Info(gate.kind).name), "': ", std::string(message)));
}

}  // namespace

const GateInfo& Info(GateKind kind) { return kInfo[static_cast<int>(kind)]; }

std::vector<std::string> OpenQasmGateNames() {
  // GateKind lists the named gates first, ending with gphase.
  std::vector<std::string> names;
  for (int k = 0; k <= static_cast<int>(GateKind::kGPhase); ++k) {
    names.emplace_back(Info(static_cast<GateKind>(k)).name);
  }
  return names;
}

absl::StatusOr<GateKind> KindFromName(std::string_view name) {
  for (int k = 0; k < kNumKinds; ++k) {
    const GateInfo& info = kInfo[k];
    if (info.name == name && info.is_unitary && k != int(GateKind::kPauliRotation) &&
        k != int(GateKind::kUnitary)) {
      return static_cast<GateKind>(k);
    }
  }
  return absl::NotFoundError(absl::StrCat("unknown gate '", std::string(name), "'"));
}

std::vector<int> Gate::AllQubits() const {
  std::vector<int> all = controls;
  all.insert(all.end(), qubits.begin(), qubits.end());
  return all;
}

bool Gate::IsParameterized() const {
  return std::any_of(angles.begin(), angles.end(), [](const Angle& a) { return !a.is_fixed(); });
}

void Circuit::DeclareParams(int count) { num_params_ = std::max(num_params_, count); }

absl::Status Circuit::Append(Gate gate) {
  const GateInfo& info = Info(gate.kind);
  if (info.num_qubits >= 0 && int(gate.qubits.size()) != info.num_qubits) {
    return Invalid(gate, absl::StrCat("takes ", info.num_qubits, " qubit(s), got ",
                                      gate.qubits.size()));
  }
  if (int(gate.angles.size()) != info.num_angles) {
    return Invalid(gate, absl::StrCat("takes ", info.num_angles, " angle(s), got ",
                                      gate.angles.size()));
  }
  if (gate.controls.size() != gate.control_values.size()) {
    return Invalid(gate, "controls and control_values differ in length");
  }
  if (!gate.controls.empty() && !info.is_unitary) {
    return Invalid(gate, "a non-unitary operation cannot be controlled");
  }
  std::vector<int> all = gate.AllQubits();
  for (int q : all) {
    if (q < 0 || q >= num_qubits_) {
      return Invalid(gate, absl::StrCat("qubit ", q, " out of range [0, ", num_qubits_, ")"));
    }
  }
  std::vector<int> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Invalid(gate, absl::StrCat("qubit used twice in [", absl::StrJoin(all, ", "), "]"));
  }
  for (const Angle& a : gate.angles) {
    if (!std::isfinite(a.constant) || !std::isfinite(a.scale)) {
      return Invalid(gate, "angle is not a finite number");
    }
  }
  switch (gate.kind) {
    case GateKind::kPauliRotation: {
      int k = int(gate.qubits.size());
      if (k == 0 || k > kMaxPauliQubits) return Invalid(gate, "needs 1 to 64 qubits");
      uint64_t allowed = k == 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1;
      if (((gate.pauli.x | gate.pauli.z) & ~allowed) != 0) {
        return Invalid(gate, "Pauli string has letters beyond the gate's qubits");
      }
      break;
    }
    case GateKind::kUnitary: {
      int k = int(gate.qubits.size());
      if (k == 0 || k > 10) return Invalid(gate, "needs 1 to 10 qubits");
      size_t dim = size_t{1} << k;
      if (gate.matrix.size() != dim * dim) {
        return Invalid(gate, absl::StrCat("matrix must have ", dim * dim, " entries, got ",
                                          gate.matrix.size()));
      }
      if (!IsUnitaryMatrix(gate.matrix, dim, 1e-9)) return Invalid(gate, "matrix is not unitary");
      break;
    }
    case GateKind::kMeasure:
      if (gate.clbit < 0 || gate.clbit >= num_clbits_) {
        return Invalid(gate, absl::StrCat("classical bit ", gate.clbit, " out of range [0, ",
                                          num_clbits_, ")"));
      }
      break;
    default:
      break;
  }
  for (const Angle& a : gate.angles) {
    if (!a.is_fixed()) num_params_ = std::max(num_params_, a.index + 1);
  }
  gates_.push_back(std::move(gate));
  return absl::OkStatus();
}

absl::Status Circuit::Add(GateKind kind, std::vector<int> qubits, std::vector<Angle> angles) {
  Gate g;
  g.kind = kind;
  g.qubits = std::move(qubits);
  g.angles = std::move(angles);
  return Append(std::move(g));
}

absl::Status Circuit::AddPauliRotation(const PauliString& pauli_on_qubits, Angle angle) {
  Gate g;
  g.kind = GateKind::kPauliRotation;
  g.angles = {angle};
  for (int q = 0; q < kMaxPauliQubits; ++q) {
    PauliLetter letter = pauli_on_qubits.letter(q);
    if (letter == PauliLetter::kI) continue;
    g.pauli.set(int(g.qubits.size()), letter);
    g.qubits.push_back(q);
  }
  if (g.qubits.empty()) {
    // exp(−iθI/2) is a global phase; keep it so that the circuit's unitary is exact.
    g.kind = GateKind::kGPhase;
    g.angles = {Angle{-0.5 * angle.constant, angle.index, -0.5 * angle.scale}};
  }
  return Append(std::move(g));
}

absl::Status Circuit::AddMeasure(int qubit, int clbit) {
  Gate g;
  g.kind = GateKind::kMeasure;
  g.qubits = {qubit};
  g.clbit = clbit;
  return Append(std::move(g));
}

absl::Status Circuit::Extend(const Circuit& other) {
  if (other.num_qubits_ != num_qubits_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot extend a ", num_qubits_,
                                                   "-qubit circuit by a ", other.num_qubits_,
                                                   "-qubit one"));
  }
  num_clbits_ = std::max(num_clbits_, other.num_clbits_);
  for (const Gate& g : other.gates_) {
    if (absl::Status s = Append(g); !s.ok()) return s;
  }
  DeclareParams(other.num_params_);
  return absl::OkStatus();
}

Gate InverseGate(const Gate& gate) {
  Gate inv = gate;
  if (InvertsByNegation(gate.kind)) {
    for (Angle& a : inv.angles) a = Negated(a);
  } else if (gate.kind == GateKind::kU) {
    inv.angles = {Negated(gate.angles[0]), Negated(gate.angles[2]), Negated(gate.angles[1])};
  } else if (gate.kind == GateKind::kCU) {
    inv.angles = {Negated(gate.angles[0]), Negated(gate.angles[2]), Negated(gate.angles[1]),
                  Negated(gate.angles[3])};
  } else if (gate.kind == GateKind::kS || gate.kind == GateKind::kSdg) {
    inv.kind = gate.kind == GateKind::kS ? GateKind::kSdg : GateKind::kS;
  } else if (gate.kind == GateKind::kT || gate.kind == GateKind::kTdg) {
    inv.kind = gate.kind == GateKind::kT ? GateKind::kTdg : GateKind::kT;
  } else if (gate.kind == GateKind::kSX || gate.kind == GateKind::kUnitary) {
    inv.matrix = ConjugateTranspose(GateMatrix(gate, {}));
    inv.kind = GateKind::kUnitary;
  } else if (!IsSelfInverse(gate.kind)) {
    std::fprintf(stderr, "qgrad: internal error: InverseGate of a non-unitary operation\n");
    std::abort();
  }
  return inv;
}

absl::StatusOr<Circuit> Circuit::Inverse() const {
  if (!IsUnitary()) {
    return absl::FailedPreconditionError("a circuit with measure or reset has no inverse");
  }
  Circuit inv(num_qubits_, num_clbits_);
  inv.num_params_ = num_params_;
  inv.gates_.reserve(gates_.size());
  for (auto it = gates_.rbegin(); it != gates_.rend(); ++it) {
    inv.gates_.push_back(it->kind == GateKind::kBarrier ? *it : InverseGate(*it));
  }
  return inv;
}

absl::StatusOr<Circuit> Circuit::Bind(absl::Span<const double> params) const {
  if (int(params.size()) < num_params_) {
    return absl::InvalidArgumentError(absl::StrCat("circuit has ", num_params_,
                                                   " parameters, got ", params.size()));
  }
  Circuit bound(num_qubits_, num_clbits_);
  bound.gates_ = gates_;
  for (Gate& g : bound.gates_) {
    for (Angle& a : g.angles) a = Angle::Fixed(a.Value(params));
  }
  return bound;
}

int Circuit::Depth() const {
  std::vector<int> level(num_qubits_, 0);
  int depth = 0;
  for (const Gate& g : gates_) {
    std::vector<int> qubits = g.AllQubits();
    if (qubits.empty()) continue;  // an uncontrolled gphase
    int start = 0;
    for (int q : qubits) start = std::max(start, level[q]);
    int end = g.kind == GateKind::kBarrier ? start : start + 1;
    for (int q : qubits) level[q] = end;
    depth = std::max(depth, end);
  }
  return depth;
}

GateCounts Circuit::Counts() const {
  GateCounts counts;
  for (const Gate& g : gates_) {
    if (g.kind == GateKind::kMeasure) ++counts.measurements;
    if (!Info(g.kind).is_unitary) continue;
    ++counts.total;
    size_t width = g.controls.size() + g.qubits.size();
    if (width == 1) ++counts.one_qubit;
    if (width == 2) ++counts.two_qubit;
    if (width >= 3) ++counts.multi_qubit;
    std::string name(Info(g.kind).name);
    if (!g.controls.empty()) name = absl::StrCat("ctrl(", g.controls.size(), ")@", name);
    ++counts.by_name[name];
  }
  return counts;
}

bool Circuit::IsUnitary() const {
  return std::none_of(gates_.begin(), gates_.end(), [](const Gate& g) {
    return g.kind == GateKind::kMeasure || g.kind == GateKind::kReset;
  });
}

bool Circuit::MeasurementsAreTerminal() const {
  std::vector<bool> measured(num_qubits_, false);
  for (const Gate& g : gates_) {
    if (g.kind == GateKind::kMeasure) {
      measured[g.qubits[0]] = true;
      continue;
    }
    if (g.kind == GateKind::kBarrier) continue;
    for (int q : g.AllQubits()) {
      if (measured[q]) return false;
    }
  }
  return true;
}

}  // namespace qgrad
