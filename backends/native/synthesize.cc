// Single-qubit unitaries + CNOTs → IBM (rz, sx, x, ecr) or IonQ (gpi, gpi2, ms) gates
// (see synthesize.h). Pure functions.
#include "backends/native/synthesize.h"

#include <cmath>
#include <numbers>
#include <optional>

namespace qgrad::backends::native::internal {
namespace {

const double kPi = std::numbers::pi;
const Complex kI(0, 1);
// Euler angles this close to 0, π/2 or π take the shorter forms; the error is of this order.
constexpr double kAngleTol = 1e-12;

bool Near(double a, double b) { return std::abs(a - b) < kAngleTol; }

class Synthesizer {
 public:
  Synthesizer(const std::vector<Gate>& others, int n, GateSet set)
      : others_(others), set_(set), pending_(n), frame_(n, 0.0) {}

  void Run(const std::vector<LogicalOp>& ops) {
    for (const LogicalOp& op : ops) {
      switch (op.kind) {
        case LogicalOp::Kind::kOneQubit:
          Pend(op.q0, op.m);
          break;
        case LogicalOp::Kind::kCx:
          Cx(op.q0, op.q1);
          break;
        case LogicalOp::Kind::kOther: {
          const Gate& other = others_[op.other];
          for (int q : other.qubits) {
            Flush(q);
            // A z rotation right before measure / reset changes nothing observable.
            if (other.kind != GateKind::kBarrier) frame_[q] = 0;
          }
          out_.push_back(NativeOp{NativeOp::Kind::kOther, -1, -1, 0, 0, 0, op.other});
          break;
        }
      }
    }
    for (int q = 0; q < static_cast<int>(pending_.size()); ++q) {
      Flush(q);
      if (set_ == GateSet::kIonq && std::abs(WrapAngle(frame_[q])) > kAngleTol) {
        // Rz(ζ) = gpi(ζ/2)·gpi(0) up to phase.
        Emit1(NativeOp::Kind::kGpi, q, 0);
        Emit1(NativeOp::Kind::kGpi, q, frame_[q] / 2);
        frame_[q] = 0;
      }
    }
  }

  std::vector<NativeOp> Take() { return std::move(out_); }

 private:
  void Pend(int q, const Mat2& m) { pending_[q] = Mul(m, pending_[q].value_or(Mat2{})); }

  void Emit1(NativeOp::Kind kind, int q, double angle) {
    out_.push_back(NativeOp{kind, q, -1, WrapAngle(angle), 0, 0, -1});
  }

  // CNOT = e^{iπ/4} Rz_c(π/2) Rx_t(π/2) exp(iπ/4 Z_c X_t), and
  //   exp(iπ/4 Z_c X_t) = ecr(c, t)·X_c  = H_c·ms(π, 0, π/2)·H_c.
  void Cx(int c, int t) {
    if (set_ == GateSet::kIbm) {
      Pend(c, PauliX());
      Flush(c);
      Flush(t);
      out_.push_back(NativeOp{NativeOp::Kind::kEcr, c, t, 0, 0, 0, -1});
      Pend(c, Rz(kPi / 2));
    } else {
      Pend(c, Hadamard());
      Flush(c);
      Flush(t);
      // Under the frames F: F†·ms(φ0, φ1, θ)·F = ms(φ0 − ζ0, φ1 − ζ1, θ).
      out_.push_back(NativeOp{NativeOp::Kind::kMs, c, t, WrapAngle(kPi - frame_[c]),
                              WrapAngle(-frame_[t]), kPi / 2, -1});
      Pend(c, Mul(Rz(kPi / 2), Hadamard()));
    }
    Pend(t, Rx(kPi / 2));
  }

  void Flush(int q) {
    if (!pending_[q]) return;
    const Mat2 m = *pending_[q];
    pending_[q].reset();
    if (set_ == GateSet::kIbm) {
      FlushIbm(q, m);
    } else {
      FlushIonq(q, m);
    }
  }

  void Rz1(int q, double angle) {
    if (std::abs(WrapAngle(angle)) > kAngleTol) Emit1(NativeOp::Kind::kRz, q, angle);
  }

  // e^{iα} Rz(β) Ry(γ) Rz(δ) ≅ Rz(β)·SX·Rz(π − γ)·SX·Rz(δ − π).
  void FlushIbm(int q, const Mat2& m) {
    const Zyz z = DecomposeZyz(m);
    if (Near(z.gamma, 0)) {
      Rz1(q, z.beta + z.delta);
    } else if (Near(z.gamma, kPi / 2) || Near(z.gamma, kPi)) {
      // Ry(γ) = Rz(π/2) Rx(γ) Rz(−π/2), and Rx(π/2) ≅ SX, Rx(π) ≅ X.
      Rz1(q, z.delta - kPi / 2);
      out_.push_back(NativeOp{Near(z.gamma, kPi) ? NativeOp::Kind::kX : NativeOp::Kind::kSx,
                              q, -1, 0, 0, 0, -1});
      Rz1(q, z.beta + kPi / 2);
    } else {
      Rz1(q, z.delta - kPi);
      out_.push_back(NativeOp{NativeOp::Kind::kSx, q, -1, 0, 0, 0, -1});
      Rz1(q, kPi - z.gamma);
      out_.push_back(NativeOp{NativeOp::Kind::kSx, q, -1, 0, 0, 0, -1});
      Rz1(q, z.beta);
    }
  }

  // With gpi2(φ) = R_φ(π/2) (rotation about cos φ x + sin φ y) and the pull-through rule
  // R_φ(t)·Rz(θ) = Rz(θ)·R_{φ−θ}(t):
  //   Rz(β)Ry(γ)Rz(δ) = Rz(β+γ+δ)·gpi2(π−γ−δ)·gpi2(−δ);  γ = π/2: Rz(β+δ)·gpi2(π/2−δ);
  //   γ = π: Rz(β−δ+π)·gpi(0) up to phase. The leading Rz becomes the new frame.
  void FlushIonq(int q, const Mat2& m) {
    const Zyz z = DecomposeZyz(Mul(m, Rz(frame_[q])));
    if (Near(z.gamma, 0)) {
      frame_[q] = z.beta + z.delta;
    } else if (Near(z.gamma, kPi / 2)) {
      Emit1(NativeOp::Kind::kGpi2, q, kPi / 2 - z.delta);
      frame_[q] = z.beta + z.delta;
    } else if (Near(z.gamma, kPi)) {
      Emit1(NativeOp::Kind::kGpi, q, 0);
      frame_[q] = z.beta - z.delta + kPi;
    } else {
      Emit1(NativeOp::Kind::kGpi2, q, -z.delta);
      Emit1(NativeOp::Kind::kGpi2, q, kPi - z.gamma - z.delta);
      frame_[q] = z.beta + z.gamma + z.delta;
    }
    frame_[q] = WrapAngle(frame_[q]);
  }

  const std::vector<Gate>& others_;
  GateSet set_;
  std::vector<std::optional<Mat2>> pending_;
  std::vector<double> frame_;  // IonQ: logical = Rz(frame) · physical, per qubit
  std::vector<NativeOp> out_;
};

}  // namespace

std::vector<NativeOp> Synthesize(const std::vector<LogicalOp>& ops,
                                 const std::vector<Gate>& others, int num_qubits, GateSet set) {
  Synthesizer s(others, num_qubits, set);
  s.Run(ops);
  return s.Take();
}

std::string_view NativeName(NativeOp::Kind kind) {
  switch (kind) {
    case NativeOp::Kind::kRz: return "rz";
    case NativeOp::Kind::kSx: return "sx";
    case NativeOp::Kind::kX: return "x";
    case NativeOp::Kind::kEcr: return "ecr";
    case NativeOp::Kind::kGpi: return "gpi";
    case NativeOp::Kind::kGpi2: return "gpi2";
    case NativeOp::Kind::kMs: return "ms";
    case NativeOp::Kind::kOther: break;
  }
  return "";
}

std::vector<Complex> NativeMatrix(const NativeOp& op) {
  const double r = 1 / std::sqrt(2.0);
  const double p = op.p0;
  switch (op.kind) {
    case NativeOp::Kind::kRz:
      return {std::exp(-kI * (p / 2)), 0, 0, std::exp(kI * (p / 2))};
    case NativeOp::Kind::kSx:
      return {Complex(0.5, 0.5), Complex(0.5, -0.5), Complex(0.5, -0.5), Complex(0.5, 0.5)};
    case NativeOp::Kind::kX:
      return {0, 1, 1, 0};
    case NativeOp::Kind::kEcr:  // Qiskit's matrix; q0 = least significant bit
      return {0, r, 0, kI * r, r, 0, -kI * r, 0, 0, kI * r, 0, r, -kI * r, 0, r, 0};
    case NativeOp::Kind::kGpi:
      return {0, std::exp(-kI * p), std::exp(kI * p), 0};
    case NativeOp::Kind::kGpi2:
      return {r, -kI * r * std::exp(-kI * p), -kI * r * std::exp(kI * p), r};
    case NativeOp::Kind::kMs: {
      // IonQ's matrix (first qubit = most significant bit there), angles in radians.
      const double c = std::cos(op.p2 / 2), s = std::sin(op.p2 / 2);
      const double sum = op.p0 + op.p1, diff = op.p0 - op.p1;
      const Complex ionq[16] = {c, 0, 0, -kI * std::exp(-kI * sum) * s,
                                0, c, -kI * std::exp(-kI * diff) * s, 0,
                                0, -kI * std::exp(kI * diff) * s, c, 0,
                                -kI * std::exp(kI * sum) * s, 0, 0, c};
      const int perm[4] = {0, 2, 1, 3};  // swap the bit order
      std::vector<Complex> m(16);
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) m[i * 4 + j] = ionq[perm[i] * 4 + perm[j]];
      return m;
    }
    case NativeOp::Kind::kOther:
      break;
  }
  return {};
}

std::string NativeDefinitions(GateSet set) {
  switch (set) {
    case GateSet::kIonq:
      return "gate gpi(phi) a { U(pi, phi, pi - phi) a; }\n"
             "gate gpi2(phi) a { U(pi / 2, phi - pi / 2, pi / 2 - phi) a; }\n"
             "gate ms(phi0, phi1, theta) a, b {\n"
             "  rz(-phi0) a; rz(-phi1) b;\n"
             "  h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b;\n"
             "  rz(phi0) a; rz(phi1) b;\n"
             "}\n";
    case GateSet::kIbm:
      return "gate ecr a, b { x a; h b; cx a, b; rz(-pi / 2) b; cx a, b; h b; }\n";
    case GateSet::kAny:
      break;
  }
  return "";
}

}  // namespace qgrad::backends::native::internal
