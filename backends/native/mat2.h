// 2×2 complex matrices for single-qubit synthesis: products, standard rotations, the exact
// Z-Y-Z Euler decomposition (global phase included) and diagonalization.
//
// Thread-safety: values and pure functions.
#ifndef QGRAD_BACKENDS_NATIVE_MAT2_H_
#define QGRAD_BACKENDS_NATIVE_MAT2_H_

#include <complex>
#include <vector>

namespace qgrad::backends::native::internal {

using Complex = std::complex<double>;

// [[a, b], [c, d]].
struct Mat2 {
  Complex a = 1, b = 0, c = 0, d = 1;
};

Mat2 Mul(const Mat2& x, const Mat2& y);  // x·y (y acts first)
Mat2 Adjoint(const Mat2& m);
Mat2 Scale(const Mat2& m, Complex f);
// From a row-major 2×2 vector (GateMatrix layout).
Mat2 FromRowMajor(const std::vector<Complex>& m);

Mat2 PauliX();
Mat2 Hadamard();
Mat2 Phase(double lambda);  // diag(1, e^{iλ})
Mat2 Rz(double t);          // diag(e^{-it/2}, e^{it/2})
Mat2 Ry(double t);
Mat2 Rx(double t);

// m = λ·I for some λ (|off-diagonal| and |a − d| below tol).
bool IsScalar(const Mat2& m, double tol = 1e-13);

// m = e^{iα} Rz(β) Ry(γ) Rz(δ) exactly, with γ in [0, π].
struct Zyz {
  double alpha, beta, gamma, delta;
};
Zyz DecomposeZyz(const Mat2& m);

// m = W·diag(e^{iλ0}, e^{iλ1})·W† with W unitary. REQUIRES: m unitary, not IsScalar.
void Diagonalize(const Mat2& m, Mat2* w, double* lambda0, double* lambda1);

// If m = e^{iα}·N with N a Hermitian involution (N = W X W†, eigenvalues ±1), returns true
// and sets alpha and w. Such gates need one CNOT when controlled.
bool AsInvolution(const Mat2& m, double* alpha, Mat2* w);

// Angle reduced to (−π, π].
double WrapAngle(double t);

}  // namespace qgrad::backends::native::internal

#endif  // QGRAD_BACKENDS_NATIVE_MAT2_H_
