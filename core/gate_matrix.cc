// Gate matrices of every unitary GateKind, and their exact derivatives with respect to one
// angle. Both come from one templated builder evaluated either on plain complex numbers or
// on forward-mode dual numbers, so the derivative can never drift from the matrix.
//
// Thread-safety: pure functions.
#include <cmath>
#include <numbers>

#include <cstdio>
#include <cstdlib>
#include "core/circuit.h"
#include "core/gate_matrix.h"

namespace qgrad {
namespace {

using std::numbers::pi;

[[noreturn]] void Fatal(const char* message) {
  std::fprintf(stderr, "qgrad: internal error: %s\n", message);
  std::abort();
}

// A complex value and its derivative along one direction.
struct Dual {
  Complex v;
  Complex d;
};
inline Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
inline Dual operator-(Dual a) { return {-a.v, -a.d}; }
inline Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }

// Arithmetic adaptor: the builder calls these for either scalar type.
template <class T> struct Ops;
template <> struct Ops<Complex> {
  using Real = double;
  static Complex C(Complex c) { return c; }
  static Real Angle(double v, bool) { return v; }
  static Real Half(Real a) { return a / 2; }
  static Real Sum(Real a, Real b) { return a + b; }
  static Complex Cos(Real a) { return std::cos(a); }
  static Complex Sin(Real a) { return std::sin(a); }
  static Complex ExpI(Real a) { return std::polar(1.0, a); }
};
struct DualReal {
  double v;
  double d;
};
template <> struct Ops<Dual> {
  using Real = DualReal;
  static Dual C(Complex c) { return {c, 0}; }
  static Real Angle(double v, bool active) { return {v, active ? 1.0 : 0.0}; }
  static Real Half(Real a) { return {a.v / 2, a.d / 2}; }
  static Real Sum(Real a, Real b) { return {a.v + b.v, a.d + b.d}; }
  static Dual Cos(Real a) { return {std::cos(a.v), -std::sin(a.v) * a.d}; }
  static Dual Sin(Real a) { return {std::sin(a.v), std::cos(a.v) * a.d}; }
  static Dual ExpI(Real a) {
    Complex e = std::polar(1.0, a.v);
    return {e, Complex(0, 1) * e * a.d};
  }
};

// A square matrix of dimension `dim`, row-major.
template <class T>
struct Mat {
  int dim;
  std::vector<T> a;
  explicit Mat(int d) : dim(d), a(size_t(d) * d, T(Ops<T>::C(0))) {}
  T& at(int r, int c) { return a[size_t(r) * dim + c]; }
};

template <class T>
Mat<T> Identity(int dim) {
  Mat<T> m(dim);
  for (int i = 0; i < dim; ++i) m.at(i, i) = Ops<T>::C(1);
  return m;
}

template <class T>
Mat<T> Two(T a00, T a01, T a10, T a11) {
  Mat<T> m(2);
  m.at(0, 0) = a00;
  m.at(0, 1) = a01;
  m.at(1, 0) = a10;
  m.at(1, 1) = a11;
  return m;
}

// U(θ, φ, λ) of the OpenQASM 3 specification.
template <class T>
Mat<T> UMatrix(typename Ops<T>::Real theta, typename Ops<T>::Real phi,
               typename Ops<T>::Real lambda) {
  using O = Ops<T>;
  T c = O::Cos(O::Half(theta)), s = O::Sin(O::Half(theta));
  return Two<T>(c, -(O::ExpI(lambda) * s), O::ExpI(phi) * s, O::ExpI(O::Sum(phi, lambda)) * c);
}

// exp(−i a G / 2) for an involutory generator G given as a constant matrix.
template <class T>
Mat<T> Rotation(typename Ops<T>::Real a, const std::vector<Complex>& generator, int dim) {
  using O = Ops<T>;
  T c = O::Cos(O::Half(a)), s = O::Sin(O::Half(a));
  Mat<T> m(dim);
  for (int r = 0; r < dim; ++r) {
    for (int col = 0; col < dim; ++col) {
      Complex g = generator[size_t(r) * dim + col];
      T term = O::C(Complex(0, -1) * g) * s;
      if (r == col) term = term + c;
      m.at(r, col) = term;
    }
  }
  return m;
}

const std::vector<Complex>& PauliMatrix(char letter) {
  static const std::vector<Complex> x = {0, 1, 1, 0};
  static const std::vector<Complex> y = {0, Complex(0, -1), Complex(0, 1), 0};
  static const std::vector<Complex> z = {1, 0, 0, -1};
  return letter == 'x' ? x : letter == 'y' ? y : z;
}

// Embeds `target` (acting on the high qubits) as controlled by the `num_controls` lowest
// qubits, which must all be 1.
template <class T>
Mat<T> Controlled(const Mat<T>& target, int num_controls) {
  int control_mask = (1 << num_controls) - 1;
  Mat<T> m = Identity<T>(target.dim << num_controls);
  for (int r = 0; r < target.dim; ++r) {
    for (int c = 0; c < target.dim; ++c) {
      m.at((r << num_controls) | control_mask, (c << num_controls) | control_mask) =
          target.a[size_t(r) * target.dim + c];
    }
  }
  return m;
}

// The matrix of a fixed (angle-free) one-qubit gate.
Mat<Complex> FixedOneQubit(GateKind kind) {
  const double r = 1 / std::sqrt(2.0);
  const Complex i(0, 1);
  switch (kind) {
    case GateKind::kX: return Two<Complex>(0, 1, 1, 0);
    case GateKind::kY: return Two<Complex>(0, -i, i, 0);
    case GateKind::kZ: return Two<Complex>(1, 0, 0, -1);
    case GateKind::kH: return Two<Complex>(r, r, r, -r);
    case GateKind::kS: return Two<Complex>(1, 0, 0, i);
    case GateKind::kSdg: return Two<Complex>(1, 0, 0, -i);
    case GateKind::kT: return Two<Complex>(1, 0, 0, std::polar(1.0, pi / 4));
    case GateKind::kTdg: return Two<Complex>(1, 0, 0, std::polar(1.0, -pi / 4));
    case GateKind::kSX: {
      Complex a(0.5, 0.5), b(0.5, -0.5);
      return Two<Complex>(a, b, b, a);
    }
    default: Fatal("not a fixed one-qubit gate");
  }
}

template <class T>
Mat<T> Lift(const Mat<Complex>& m) {
  Mat<T> out(m.dim);
  for (size_t k = 0; k < m.a.size(); ++k) out.a[k] = Ops<T>::C(m.a[k]);
  return out;
}

Mat<Complex> SwapMatrix() {
  Mat<Complex> m(4);
  m.at(0, 0) = m.at(3, 3) = 1;
  m.at(1, 2) = m.at(2, 1) = 1;
  return m;
}

// Dense P over the gate's qubits: P|j⟩ = i^{|x∧z|} (−1)^{|j∧z|} |j⊕x⟩.
std::vector<Complex> PauliStringMatrix(const PauliString& p, int k) {
  int dim = 1 << k;
  std::vector<Complex> m(size_t(dim) * dim, 0);
  static const Complex kIPow[4] = {1, Complex(0, 1), -1, Complex(0, -1)};
  Complex base = kIPow[__builtin_popcountll(p.x & p.z) & 3];
  for (int j = 0; j < dim; ++j) {
    double sign = (__builtin_popcountll(uint64_t(j) & p.z) & 1) ? -1 : 1;
    m[size_t(j ^ int(p.x)) * dim + j] = base * sign;
  }
  return m;
}

template <class T>
Mat<T> Build(const Gate& g, absl::Span<const double> params, int active_angle) {
  using O = Ops<T>;
  auto angle = [&](int k) { return O::Angle(g.angles[k].Value(params), k == active_angle); };
  switch (g.kind) {
    case GateKind::kX: case GateKind::kY: case GateKind::kZ: case GateKind::kH:
    case GateKind::kS: case GateKind::kSdg: case GateKind::kT: case GateKind::kTdg:
    case GateKind::kSX:
      return Lift<T>(FixedOneQubit(g.kind));
    case GateKind::kP:
      return Two<T>(O::C(1), O::C(0), O::C(0), O::ExpI(angle(0)));
    case GateKind::kRX: return Rotation<T>(angle(0), PauliMatrix('x'), 2);
    case GateKind::kRY: return Rotation<T>(angle(0), PauliMatrix('y'), 2);
    case GateKind::kRZ: return Rotation<T>(angle(0), PauliMatrix('z'), 2);
    case GateKind::kU: return UMatrix<T>(angle(0), angle(1), angle(2));
    case GateKind::kCX: return Controlled(Lift<T>(FixedOneQubit(GateKind::kX)), 1);
    case GateKind::kCY: return Controlled(Lift<T>(FixedOneQubit(GateKind::kY)), 1);
    case GateKind::kCZ: return Controlled(Lift<T>(FixedOneQubit(GateKind::kZ)), 1);
    case GateKind::kCH: return Controlled(Lift<T>(FixedOneQubit(GateKind::kH)), 1);
    case GateKind::kSwap: return Lift<T>(SwapMatrix());
    case GateKind::kCP:
      return Controlled(Two<T>(O::C(1), O::C(0), O::C(0), O::ExpI(angle(0))), 1);
    case GateKind::kCRX: return Controlled(Rotation<T>(angle(0), PauliMatrix('x'), 2), 1);
    case GateKind::kCRY: return Controlled(Rotation<T>(angle(0), PauliMatrix('y'), 2), 1);
    case GateKind::kCRZ: return Controlled(Rotation<T>(angle(0), PauliMatrix('z'), 2), 1);
    case GateKind::kCU: {
      Mat<T> u = UMatrix<T>(angle(0), angle(1), angle(2));
      T phase = O::ExpI(angle(3));
      for (auto& e : u.a) e = phase * e;
      return Controlled(u, 1);
    }
    case GateKind::kCCX: return Controlled(Lift<T>(FixedOneQubit(GateKind::kX)), 2);
    case GateKind::kCSwap: return Controlled(Lift<T>(SwapMatrix()), 1);
    case GateKind::kGPhase: {
      Mat<T> m(1);
      m.at(0, 0) = O::ExpI(angle(0));
      return m;
    }
    case GateKind::kPauliRotation: {
      int k = int(g.qubits.size());
      return Rotation<T>(angle(0), PauliStringMatrix(g.pauli, k), 1 << k);
    }
    case GateKind::kUnitary: {
      int dim = 1 << g.qubits.size();
      Mat<T> m(dim);
      for (size_t k = 0; k < m.a.size(); ++k) m.a[k] = O::C(g.matrix[k]);
      return m;
    }
    case GateKind::kMeasure: case GateKind::kReset: case GateKind::kBarrier:
      break;
  }
  Fatal("GateMatrix of a non-unitary operation");
}

}  // namespace

std::vector<Complex> GateMatrix(const Gate& gate, absl::Span<const double> params) {
  return Build<Complex>(gate, params, -1).a;
}

std::vector<Complex> GateMatrixDerivative(const Gate& gate, absl::Span<const double> params,
                                          int angle) {
  Mat<Dual> m = Build<Dual>(gate, params, angle);
  std::vector<Complex> out(m.a.size());
  for (size_t k = 0; k < m.a.size(); ++k) out[k] = m.a[k].d;
  return out;
}

std::vector<Complex> PauliStringMatrixOn(const PauliString& pauli, int num_qubits) {
  return PauliStringMatrix(pauli, num_qubits);
}

}  // namespace qgrad
