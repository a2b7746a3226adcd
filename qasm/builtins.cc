// Builtin and library gates for the OpenQASM parser (see builtins.h). Thread-safe: the table
// is immutable.
#include "qasm/builtins.h"

#include <numbers>

#include "absl/container/flat_hash_map.h"

namespace qgrad::qasm {
namespace {

constexpr BuiltinGate kBuiltins[] = {
    {"x", 0, 1},   {"y", 0, 1},     {"z", 0, 1},     {"h", 0, 1},     {"s", 0, 1},
    {"sdg", 0, 1}, {"t", 0, 1},     {"tdg", 0, 1},   {"sx", 0, 1},    {"p", 1, 1},
    {"rx", 1, 1},  {"ry", 1, 1},    {"rz", 1, 1},    {"U", 3, 1},     {"cx", 0, 2},
    {"cy", 0, 2},  {"cz", 0, 2},    {"ch", 0, 2},    {"swap", 0, 2},  {"cp", 1, 2},
    {"crx", 1, 2}, {"cry", 1, 2},   {"crz", 1, 2},   {"cu", 4, 2},    {"ccx", 0, 3},
    {"cswap", 0, 3}, {"gphase", 1, 0},
    // Compatibility names (stdgates.inc's backwards-compatibility section and qelib1.inc).
    {"CX", 0, 2},  {"phase", 1, 1}, {"cphase", 1, 2}, {"id", 0, 1},   {"u1", 1, 1},
    {"u2", 2, 1},  {"u3", 3, 1},    {"cu1", 1, 2},    {"cu3", 3, 2},
};

Gate Make(GateKind kind, absl::Span<const int> qubits, std::vector<Angle> angles = {}) {
  Gate g;
  g.kind = kind;
  g.qubits.assign(qubits.begin(), qubits.end());
  g.angles = std::move(angles);
  return g;
}

// u3(θ, φ, λ) = gphase(−(φ+λ)/2) · U(θ, φ, λ) per stdgates.inc (u2 is u3 with θ = π/2).
absl::StatusOr<std::vector<Gate>> U3(const Value& theta, const Value& phi, const Value& lambda,
                                     int qubit) {
  absl::StatusOr<Value> sum = ApplyBinary("+", phi, lambda);
  if (!sum.ok()) return sum.status();
  absl::StatusOr<Value> phase = ApplyBinary("/", *sum, Value::Number(-2.0));
  if (!phase.ok()) return phase.status();
  std::vector<Gate> gates;
  gates.push_back(Make(GateKind::kGPhase, {}, {phase->ToAngle()}));
  gates.push_back(Make(GateKind::kU, {qubit}, {theta.ToAngle(), phi.ToAngle(), lambda.ToAngle()}));
  return gates;
}

}  // namespace

const BuiltinGate* FindBuiltin(absl::string_view name) {
  static const auto* const kByName = [] {
    auto* by_name = new absl::flat_hash_map<absl::string_view, const BuiltinGate*>;
    for (const BuiltinGate& g : kBuiltins) {
      by_name->emplace(absl::string_view(g.name.data(), g.name.size()), &g);
    }
    return by_name;
  }();
  auto it = kByName->find(name);
  return it == kByName->end() ? nullptr : it->second;
}

absl::StatusOr<std::vector<Gate>> BuildBuiltin(const BuiltinGate& gate,
                                               absl::Span<const Value> params,
                                               absl::Span<const int> qubits) {
  std::string_view n = gate.name;
  if (n == "u2") {
    return U3(Value::Number(std::numbers::pi / 2), params[0], params[1], qubits[0]);
  }
  if (n == "u3") return U3(params[0], params[1], params[2], qubits[0]);
  if (n == "cu3") {
    absl::StatusOr<std::vector<Gate>> gates = U3(params[0], params[1], params[2], qubits[1]);
    if (!gates.ok()) return gates.status();
    for (Gate& g : *gates) {
      g.controls = {qubits[0]};
      g.control_values = {true};
    }
    return gates;
  }
  std::vector<Gate> gates;
  if (n == "id") return gates;
  absl::StatusOr<GateKind> kind = n == "CX"                    ? GateKind::kCX
                                  : n == "phase" || n == "u1"    ? GateKind::kP
                                  : n == "cphase" || n == "cu1" ? GateKind::kCP
                                                                 : KindFromName(n);
  if (!kind.ok()) return kind.status();
  std::vector<Angle> angles;
  angles.reserve(params.size());
  for (const Value& v : params) angles.push_back(v.ToAngle());
  gates.push_back(Make(*kind, qubits, std::move(angles)));
  return gates;
}

}  // namespace qgrad::qasm
