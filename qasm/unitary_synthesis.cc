// Exact synthesis of 1- and 2-qubit unitaries for the emitter (see unitary_synthesis.h).
// Two-qubit unitaries are reduced to a diagonal by six two-level (Givens) rotations, each
// on a pair of basis states that differ in one qubit, so every rotation is a singly
// controlled one-qubit gate. Thread-safe: pure.
#include "qasm/unitary_synthesis.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

using C = std::complex<double>;
using Matrix4 = std::array<std::array<C, 4>, 4>;

struct TwoLevel {
  int a, b;              // basis states (rows) the rotation mixes
  std::array<C, 4> g;    // 2×2 on (a, b), row-major
};

std::string OneQubitLines(const C* m, const std::string& control_prefix,
                          const std::string& control_arg, const std::string& target) {
  EulerAngles e = DecomposeOneQubit(m);
  std::string sep = control_arg.empty() ? "" : ", ";
  std::string line = absl::StrCat("  ", control_prefix, "U(", FormatNumber(e.theta), ", ",
                                  FormatNumber(e.phi), ", ", FormatNumber(e.lambda), ") ",
                                  control_arg, sep, target, ";\n");
  if (e.gamma != 0.0) {
    absl::StrAppend(&line, "  ", control_prefix, "gphase(", FormatNumber(e.gamma), ")",
                    control_arg.empty() ? "" : " ", control_arg, ";\n");
  }
  return line;
}

// Rotation on rows (a, b) that moves the column entry of row b into row a.
TwoLevel Eliminate(Matrix4& u, int a, int b, int col) {
  C x = u[a][col], y = u[b][col];
  double n = std::sqrt(std::norm(x) + std::norm(y));
  TwoLevel t{a, b, {C(1), C(0), C(0), C(1)}};
  if (n < 1e-300 || std::abs(y) == 0.0) return t;
  t.g = {std::conj(x) / n, std::conj(y) / n, -y / n, x / n};
  for (int c = 0; c < 4; ++c) {
    C ua = u[a][c], ub = u[b][c];
    u[a][c] = t.g[0] * ua + t.g[1] * ub;
    u[b][c] = t.g[2] * ua + t.g[3] * ub;
  }
  return t;
}

// The inverse of a two-level rotation as a controlled one-qubit gate.
std::string TwoLevelLines(const TwoLevel& t, const std::vector<std::string>& args) {
  int diff = t.a ^ t.b;  // exactly one bit: the target qubit
  int target = diff == 1 ? 0 : 1;
  int control = 1 - target;
  bool control_value = ((t.a >> control) & 1) != 0;
  // g† in the basis (target = 0, target = 1).
  std::array<C, 4> inv = {std::conj(t.g[0]), std::conj(t.g[2]), std::conj(t.g[1]),
                          std::conj(t.g[3])};
  if ((t.a >> target) & 1) std::swap(inv[0], inv[3]), std::swap(inv[1], inv[2]);
  return OneQubitLines(inv.data(), control_value ? "ctrl @ " : "negctrl @ ", args[control],
                       args[target]);
}

}  // namespace

std::string FormatNumber(double value) {
  if (value == 0.0) return "0";
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

EulerAngles DecomposeOneQubit(const C* m) {
  // m = e^{iγ}[[c, −e^{iλ}s], [e^{iφ}s, e^{i(φ+λ)}c]]; an error in γ taken from a small
  // entry only enters the reconstruction multiplied by that entry's modulus.
  double c = std::abs(m[0]), s = std::abs(m[2]);
  EulerAngles e{2 * std::atan2(s, c), 0, 0, 0};
  if (c > 1e-14) {
    e.gamma = std::arg(m[0]);
    if (s > 1e-14) {
      e.phi = std::arg(m[2]) - e.gamma;
      e.lambda = std::arg(-m[1]) - e.gamma;
    } else {
      e.lambda = std::arg(m[3]) - e.gamma;
    }
  } else {
    e.gamma = std::arg(m[2]);  // φ = 0
    e.lambda = std::arg(-m[1]) - e.gamma;
  }
  return e;
}

absl::StatusOr<std::string> UnitaryBody(const std::vector<C>& matrix,
                                        const std::vector<std::string>& args) {
  if (args.size() == 1 && matrix.size() == 4) return OneQubitLines(matrix.data(), "", "", args[0]);
  if (args.size() != 2 || matrix.size() != 16) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported: explicit unitary on ", args.size(), " qubits (at most 2 can be emitted)"));
  }
  Matrix4 u;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) u[r][c] = matrix[r * 4 + c];
  }
  // Column by column, pairs that differ in one bit only; rows already cleared stay zero.
  const int steps[6][3] = {{2, 3, 0}, {0, 2, 0}, {0, 1, 0}, {3, 2, 1}, {1, 3, 1}, {2, 3, 2}};
  std::vector<TwoLevel> rotations;
  for (const auto& s : steps) rotations.push_back(Eliminate(u, s[0], s[1], s[2]));
  std::string body;
  // u is now diagonal: d = gphase(d0)·p(d1−d0)[q0]·p(d2−d0)[q1]·cp(d3−d2−d1+d0).
  double d[4];
  for (int i = 0; i < 4; ++i) d[i] = std::arg(u[i][i]);
  if (d[0] != 0.0) absl::StrAppend(&body, "  gphase(", FormatNumber(d[0]), ");\n");
  absl::StrAppend(&body, "  p(", FormatNumber(d[1] - d[0]), ") ", args[0], ";\n");
  absl::StrAppend(&body, "  p(", FormatNumber(d[2] - d[0]), ") ", args[1], ";\n");
  absl::StrAppend(&body, "  cp(", FormatNumber(d[3] - d[2] - d[1] + d[0]), ") ", args[0], ", ",
                  args[1], ";\n");
  // U = R1† R2† … R6† D: D acts first, then R6†, …, R1†.
  for (size_t i = rotations.size(); i-- > 0;) absl::StrAppend(&body, TwoLevelLines(rotations[i], args));
  return body;
}

}  // namespace qgrad::qasm
