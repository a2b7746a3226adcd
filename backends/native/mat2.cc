// 2×2 matrix helpers for single-qubit synthesis (see mat2.h). Pure functions.
#include "backends/native/mat2.h"

#include <cmath>
#include <numbers>

namespace qgrad::backends::native::internal {
namespace {
const Complex kI(0, 1);
}  // namespace

Mat2 Mul(const Mat2& x, const Mat2& y) {
  return {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c,
          x.c * y.b + x.d * y.d};
}

Mat2 Adjoint(const Mat2& m) {
  return {std::conj(m.a), std::conj(m.c), std::conj(m.b), std::conj(m.d)};
}

Mat2 Scale(const Mat2& m, Complex f) { return {m.a * f, m.b * f, m.c * f, m.d * f}; }

Mat2 FromRowMajor(const std::vector<Complex>& m) { return {m[0], m[1], m[2], m[3]}; }

Mat2 PauliX() { return {0, 1, 1, 0}; }
Mat2 Hadamard() {
  const double r = 1 / std::sqrt(2.0);
  return {r, r, r, -r};
}
Mat2 Phase(double lambda) { return {1, 0, 0, std::exp(kI * lambda)}; }
Mat2 Rz(double t) { return {std::exp(-kI * (t / 2)), 0, 0, std::exp(kI * (t / 2))}; }
Mat2 Ry(double t) {
  return {std::cos(t / 2), -std::sin(t / 2), std::sin(t / 2), std::cos(t / 2)};
}
Mat2 Rx(double t) {
  return {std::cos(t / 2), -kI * std::sin(t / 2), -kI * std::sin(t / 2), std::cos(t / 2)};
}

bool IsScalar(const Mat2& m, double tol) {
  return std::abs(m.b) < tol && std::abs(m.c) < tol && std::abs(m.a - m.d) < tol;
}

double WrapAngle(double t) {
  const double two_pi = 2 * std::numbers::pi;
  double r = std::remainder(t, two_pi);  // [−π, π]
  if (r <= -std::numbers::pi) r += two_pi;
  return r;
}

namespace {
// m = e^{iα}·u with det u = 1.
double SpecialPart(const Mat2& m, Mat2* u) {
  const Complex det = m.a * m.d - m.b * m.c;
  const double alpha = std::arg(det) / 2;
  *u = Scale(m, std::exp(-kI * alpha));
  return alpha;
}
}  // namespace

Zyz DecomposeZyz(const Mat2& m) {
  // u = [[e^{-i(β+δ)/2} cos γ/2, ·], [e^{i(β−δ)/2} sin γ/2, ·]] in SU(2).
  Mat2 u;
  Zyz z;
  z.alpha = SpecialPart(m, &u);
  const double ma = std::abs(u.a), mb = std::abs(u.c);
  z.gamma = 2 * std::atan2(mb, ma);
  const double sum = ma > 1e-300 ? -2 * std::arg(u.a) : 0.0;   // β + δ
  const double diff = mb > 1e-300 ? 2 * std::arg(u.c) : 0.0;   // β − δ
  z.beta = (sum + diff) / 2;
  z.delta = (sum - diff) / 2;
  return z;
}

namespace {
// [v+ v−] for a Hermitian involution n (eigenvalues +1, −1): v+ is the larger column of
// (n + I)/2, normalized; v− = (v+1*, −v+0*).
Mat2 Eigenvectors(const Mat2& n) {
  Complex v0 = (n.a + 1.0) / 2.0, v1 = n.c / 2.0;
  const Complex u0 = n.b / 2.0, u1 = (n.d + 1.0) / 2.0;
  if (std::norm(u0) + std::norm(u1) > std::norm(v0) + std::norm(v1)) {
    v0 = u0;
    v1 = u1;
  }
  const double norm = std::sqrt(std::norm(v0) + std::norm(v1));
  v0 /= norm;
  v1 /= norm;
  return {v0, std::conj(v1), v1, -std::conj(v0)};
}
}  // namespace

void Diagonalize(const Mat2& m, Mat2* w, double* lambda0, double* lambda1) {
  Mat2 u;
  double alpha = SpecialPart(m, &u);
  double c = u.a.real();
  if (c < 0) {  // keep ω in [0, π/2]: sin ω is then small only near u = I
    u = Scale(u, -1);
    alpha += std::numbers::pi;
    c = -c;
  }
  // u = cos ω I − i sin ω N with N = n·σ a Hermitian involution; N = W Z W†.
  const double s = std::sqrt(u.a.imag() * u.a.imag() + std::norm(u.c));
  const double omega = std::atan2(s, c);
  const Complex f = Complex(0, 1) / s;  // N = (u − cos ω I)·i / sin ω
  *w = Eigenvectors({(u.a - c) * f, u.b * f, u.c * f, (u.d - c) * f});
  *lambda0 = alpha - omega;
  *lambda1 = alpha + omega;
}

bool AsInvolution(const Mat2& m, double* alpha, Mat2* w) {
  Mat2 u;
  const double a = SpecialPart(m, &u);
  if (std::abs(u.a + u.d) > 1e-12) return false;
  // m = e^{iα}·u = e^{i(α−π/2)}·N with N = i·u Hermitian, N² = I, trace 0.
  const Mat2 n = Scale(u, kI);
  *alpha = a - std::numbers::pi / 2;
  // W = [v+ v−]·H, so that N = X gives W = I.
  *w = Mul(Eigenvectors(n), Hadamard());
  return true;
}

}  // namespace qgrad::backends::native::internal
