// Gate modifiers on expanded gate sequences (see modifiers.h). Thread-safe: pure.
#include "qasm/modifiers.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

constexpr double kPi = std::numbers::pi;

Angle ScaleAngle(const Angle& a, double k) {
  Angle r = a;
  r.constant *= k;
  r.scale *= k;
  return r;
}

Gate WithKind(const Gate& g, GateKind kind, std::vector<int> qubits, double angle) {
  Gate r = g;
  r.kind = kind;
  r.qubits = std::move(qubits);
  r.angles = {Angle::Fixed(angle)};
  return r;
}

// x, y and sx as e^{iπk/2}·rotation(πk) (times 1/2 for sx): exact for integer k and the
// principal power otherwise. `control` >= 0 moves a cx/cy control into the extra controls,
// which makes the global phase a phase on that control.
std::vector<Gate> PauliPower(const Gate& g, GateKind rotation, double half_turns, int control,
                             int target) {
  Gate base = g;
  if (control >= 0) {
    base.controls.insert(base.controls.begin(), control);
    base.control_values.insert(base.control_values.begin(), true);
  }
  Gate rot = WithKind(base, rotation, {target}, kPi * half_turns);
  Gate phase = WithKind(base, GateKind::kGPhase, {}, kPi * half_turns / 2);
  return {rot, phase};
}

absl::StatusOr<std::vector<Gate>> FractionalPower(const Gate& g, double k) {
  switch (g.kind) {
    case GateKind::kP: case GateKind::kRX: case GateKind::kRY: case GateKind::kRZ:
    case GateKind::kCP: case GateKind::kCRX: case GateKind::kCRY: case GateKind::kCRZ:
    case GateKind::kGPhase: case GateKind::kPauliRotation: {
      Gate r = g;
      r.angles[0] = ScaleAngle(g.angles[0], k);
      return std::vector<Gate>{r};
    }
    case GateKind::kZ: return std::vector<Gate>{WithKind(g, GateKind::kP, g.qubits, kPi * k)};
    case GateKind::kS: return std::vector<Gate>{WithKind(g, GateKind::kP, g.qubits, kPi / 2 * k)};
    case GateKind::kSdg:
      return std::vector<Gate>{WithKind(g, GateKind::kP, g.qubits, -kPi / 2 * k)};
    case GateKind::kT: return std::vector<Gate>{WithKind(g, GateKind::kP, g.qubits, kPi / 4 * k)};
    case GateKind::kTdg:
      return std::vector<Gate>{WithKind(g, GateKind::kP, g.qubits, -kPi / 4 * k)};
    case GateKind::kCZ: return std::vector<Gate>{WithKind(g, GateKind::kCP, g.qubits, kPi * k)};
    case GateKind::kX: return PauliPower(g, GateKind::kRX, k, -1, g.qubits[0]);
    case GateKind::kY: return PauliPower(g, GateKind::kRY, k, -1, g.qubits[0]);
    case GateKind::kSX: return PauliPower(g, GateKind::kRX, k / 2, -1, g.qubits[0]);
    case GateKind::kCX: return PauliPower(g, GateKind::kRX, k, g.qubits[0], g.qubits[1]);
    case GateKind::kCY: return PauliPower(g, GateKind::kRY, k, g.qubits[0], g.qubits[1]);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported: fractional pow() of gate '",
                       std::string(Info(g.kind).name), "'"));
  }
}

}  // namespace

void AddControls(absl::Span<const int> controls, bool value, GateList& gates, size_t begin) {
  for (size_t i = begin; i < gates.size(); ++i) {
    Gate& g = gates[i];
    g.controls.insert(g.controls.begin(), controls.begin(), controls.end());
    g.control_values.insert(g.control_values.begin(), controls.size(), value);
  }
}

void Invert(GateList& gates, size_t begin) {
  std::reverse(gates.begin() + begin, gates.end());
  for (size_t i = begin; i < gates.size(); ++i) gates[i] = InverseGate(gates[i]);
}

absl::Status Power(double k, GateList& gates, size_t begin) {
  if (!std::isfinite(k)) return absl::InvalidArgumentError("pow() exponent is not finite");
  size_t n = gates.size() - begin;
  if (n == 0) return absl::OkStatus();
  if (k == std::round(k)) {
    if (k < 0) Invert(gates, begin);
    if (k == 0) {
      gates.erase(gates.begin() + begin, gates.end());
      return absl::OkStatus();
    }
    for (double r = 1; r < std::fabs(k); ++r) {
      for (size_t i = 0; i < n; ++i) gates.push_back(gates[begin + i]);
    }
    return absl::OkStatus();
  }
  if (n != 1) {
    return absl::InvalidArgumentError(
        "unsupported: fractional pow() of a gate that expands to several gates");
  }
  absl::StatusOr<std::vector<Gate>> result = FractionalPower(gates.back(), k);
  if (!result.ok()) return result.status();
  gates.pop_back();
  for (Gate& g : *result) gates.push_back(std::move(g));
  return absl::OkStatus();
}

}  // namespace qgrad::qasm
