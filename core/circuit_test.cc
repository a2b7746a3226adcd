// Tests of the circuit IR and gate matrices against closed forms and the OpenQASM 3
// definitions in stdgates.inc (each gate's relation to U, gphase and ctrl @).
#include "core/circuit.h"

#include <cmath>
#include <numbers>
#include <random>

#include "core/gate_matrix.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad {
namespace {

using std::numbers::pi;
using Matrix = std::vector<Complex>;

int Dim(const Matrix& m) { return int(std::lround(std::sqrt(double(m.size())))); }

Matrix MatMul(const Matrix& a, const Matrix& b) {
  int d = Dim(a);
  Matrix c(a.size(), 0);
  for (int r = 0; r < d; ++r)
    for (int k = 0; k < d; ++k)
      for (int col = 0; col < d; ++col) c[r * d + col] += a[r * d + k] * b[k * d + col];
  return c;
}

double MaxDiff(const Matrix& a, const Matrix& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

Matrix Scaled(Matrix m, Complex s) {
  for (auto& e : m) e *= s;
  return m;
}

Gate MakeGate(GateKind kind, std::vector<int> qubits, std::vector<double> angles = {}) {
  Gate g;
  g.kind = kind;
  g.qubits = std::move(qubits);
  for (double a : angles) g.angles.push_back(Angle::Fixed(a));
  return g;
}

Matrix M(GateKind kind, std::vector<double> angles = {}) {
  int n = std::max(Info(kind).num_qubits, 0);
  std::vector<int> qubits(n);
  for (int i = 0; i < n; ++i) qubits[i] = i;
  return GateMatrix(MakeGate(kind, qubits, angles), {});
}

// |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ u with the control on the least significant bit.
Matrix ControlledOnBit0(const Matrix& u) {
  Matrix m(16, 0);
  m[0 * 4 + 0] = 1;
  m[2 * 4 + 2] = 1;
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) m[(2 * r + 1) * 4 + (2 * c + 1)] = u[r * 2 + c];
  return m;
}

TEST(GateMatrixTest, OneQubitGatesFollowStdgatesDefinitions) {
  const double a = 0.37, b = -1.21, c = 2.05;
  EXPECT_LT(MaxDiff(M(GateKind::kX), M(GateKind::kU, {pi, 0, pi})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kY), M(GateKind::kU, {pi, pi / 2, pi / 2})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kH), M(GateKind::kU, {pi / 2, 0, pi})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kZ), M(GateKind::kP, {pi})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kP, {a}), M(GateKind::kU, {0, 0, a})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kRX, {a}), M(GateKind::kU, {a, -pi / 2, pi / 2})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kRY, {a}), M(GateKind::kU, {a, 0, 0})), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kRZ, {a}),
                    Scaled(M(GateKind::kU, {0, 0, a}), std::polar(1.0, -a / 2))),
            1e-15);
  EXPECT_LT(MaxDiff(MatMul(M(GateKind::kS), M(GateKind::kS)), M(GateKind::kZ)), 1e-15);
  EXPECT_LT(MaxDiff(MatMul(M(GateKind::kT), M(GateKind::kT)), M(GateKind::kS)), 1e-15);
  EXPECT_LT(MaxDiff(MatMul(M(GateKind::kSX), M(GateKind::kSX)), M(GateKind::kX)), 1e-15);
  EXPECT_LT(MaxDiff(MatMul(M(GateKind::kS), M(GateKind::kSdg)), M(GateKind::kU, {0, 0, 0})),
            1e-15);
  // U(θ,φ,λ) = P(φ)·RY(θ)·P(λ) exactly (no global phase in OpenQASM 3's U).
  EXPECT_LT(MaxDiff(M(GateKind::kU, {a, b, c}),
                    MatMul(M(GateKind::kP, {b}), MatMul(M(GateKind::kRY, {a}), M(GateKind::kP, {c})))),
            1e-15);
}

TEST(GateMatrixTest, ControlledGatesAreControlledOnFirstQubit) {
  const double a = 0.81;
  EXPECT_LT(MaxDiff(M(GateKind::kCX), ControlledOnBit0(M(GateKind::kX))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCY), ControlledOnBit0(M(GateKind::kY))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCZ), ControlledOnBit0(M(GateKind::kZ))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCH), ControlledOnBit0(M(GateKind::kH))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCP, {a}), ControlledOnBit0(M(GateKind::kP, {a}))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCRX, {a}), ControlledOnBit0(M(GateKind::kRX, {a}))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCRY, {a}), ControlledOnBit0(M(GateKind::kRY, {a}))), 1e-15);
  EXPECT_LT(MaxDiff(M(GateKind::kCRZ, {a}), ControlledOnBit0(M(GateKind::kRZ, {a}))), 1e-15);
  // cu(θ,φ,λ,γ) = p(γ) on the control, then ctrl @ U(θ,φ,λ).
  EXPECT_LT(MaxDiff(M(GateKind::kCU, {0.3, 0.5, -0.7, 1.1}),
                    ControlledOnBit0(Scaled(M(GateKind::kU, {0.3, 0.5, -0.7}),
                                            std::polar(1.0, 1.1)))),
            1e-15);
  // swap exchanges |01⟩ and |10⟩; ccx flips bit 2 when bits 0 and 1 are set.
  Matrix swap = M(GateKind::kSwap);
  EXPECT_EQ(swap[1 * 4 + 2], Complex(1));
  EXPECT_EQ(swap[2 * 4 + 1], Complex(1));
  Matrix ccx = M(GateKind::kCCX);
  EXPECT_EQ(ccx[7 * 8 + 3], Complex(1));
  EXPECT_EQ(ccx[3 * 8 + 7], Complex(1));
  EXPECT_EQ(ccx[5 * 8 + 5], Complex(1));
  Matrix cswap = M(GateKind::kCSwap);  // control bit 0; swaps bits 1 and 2
  EXPECT_EQ(cswap[3 * 8 + 5], Complex(1));
  EXPECT_EQ(cswap[2 * 8 + 2], Complex(1));
  EXPECT_EQ(cswap[4 * 8 + 4], Complex(1));
}

TEST(GateMatrixTest, PauliRotationIsCosMinusISinP) {
  const double t = 0.93;
  Gate g = MakeGate(GateKind::kPauliRotation, {0, 1}, {t});
  g.pauli.set(0, PauliLetter::kX);
  g.pauli.set(1, PauliLetter::kY);
  Matrix p = PauliStringMatrixOn(g.pauli, 2);
  Matrix expected(16, 0);
  for (int i = 0; i < 16; ++i) {
    expected[i] = Complex(0, -std::sin(t / 2)) * p[i] + (i % 5 == 0 ? std::cos(t / 2) : 0.0);
  }
  EXPECT_LT(MaxDiff(GateMatrix(g, {}), expected), 1e-15);
  // X⊗Y with qubit 0 least significant: Y (bit 1) ⊗ X (bit 0) as a Kronecker product.
  Matrix x = M(GateKind::kX), y = M(GateKind::kY);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      EXPECT_EQ(p[r * 4 + c], y[(r >> 1) * 2 + (c >> 1)] * x[(r & 1) * 2 + (c & 1)]);
  // A single-letter rotation equals the named rotation.
  Gate rx = MakeGate(GateKind::kPauliRotation, {0}, {t});
  rx.pauli.set(0, PauliLetter::kX);
  EXPECT_LT(MaxDiff(GateMatrix(rx, {}), M(GateKind::kRX, {t})), 1e-15);
}

std::vector<Gate> AllUnitaryGates(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> angle(-3, 3);
  std::vector<Gate> gates;
  for (int k = 0; k <= int(GateKind::kUnitary); ++k) {
    GateKind kind = static_cast<GateKind>(k);
    Gate g;
    g.kind = kind;
    int n = Info(kind).num_qubits;
    if (kind == GateKind::kPauliRotation) {
      n = 3;
      g.pauli.set(0, PauliLetter::kY);
      g.pauli.set(1, PauliLetter::kZ);
      g.pauli.set(2, PauliLetter::kX);
    }
    if (kind == GateKind::kUnitary) {
      n = 1;
      g.matrix = M(GateKind::kU, {0.4, 1.0, -0.3});
    }
    for (int q = 0; q < n; ++q) g.qubits.push_back(q);
    for (int a = 0; a < Info(kind).num_angles; ++a) g.angles.push_back(Angle::Fixed(angle(rng)));
    gates.push_back(g);
  }
  return gates;
}

TEST(GateMatrixTest, EveryGateIsUnitaryAndInverseGateInvertsIt) {
  std::mt19937_64 rng(7);
  for (const Gate& g : AllUnitaryGates(rng)) {
    Matrix m = GateMatrix(g, {});
    Matrix inv = GateMatrix(InverseGate(g), {});
    Matrix id(m.size(), 0);
    for (int i = 0; i < Dim(m); ++i) id[i * Dim(m) + i] = 1;
    EXPECT_LT(MaxDiff(MatMul(inv, m), id), 1e-14) << Info(g.kind).name;
  }
}

TEST(GateMatrixTest, DerivativeMatchesCentralDifferences) {
  std::mt19937_64 rng(11);
  const double h = 1e-5;
  for (const Gate& g : AllUnitaryGates(rng)) {
    for (int a = 0; a < int(g.angles.size()); ++a) {
      Gate plus = g, minus = g;
      plus.angles[a].constant += h;
      minus.angles[a].constant -= h;
      Matrix fd = GateMatrix(plus, {});
      Matrix m = GateMatrix(minus, {});
      for (size_t i = 0; i < fd.size(); ++i) fd[i] = (fd[i] - m[i]) / (2 * h);
      EXPECT_LT(MaxDiff(GateMatrixDerivative(g, {}, a), fd), 1e-9)
          << Info(g.kind).name << " angle " << a;
    }
  }
}

TEST(GateMatrixTest, AnglesReadTheParameterVector) {
  Gate g = MakeGate(GateKind::kRY, {0});
  g.angles = {Angle::Param(1, -2.0, 0.25)};
  std::vector<double> params = {9.0, 0.4};
  EXPECT_LT(MaxDiff(GateMatrix(g, params), M(GateKind::kRY, {0.25 - 0.8})), 1e-15);
  // The derivative is with respect to the angle's value, not to θ[1].
  EXPECT_LT(MaxDiff(GateMatrixDerivative(g, params, 0),
                    GateMatrixDerivative(MakeGate(GateKind::kRY, {0}, {0.25 - 0.8}), {}, 0)),
            1e-15);
}

TEST(CircuitTest, AppendValidates) {
  Circuit c(3, 1);
  EXPECT_TRUE(c.Add(GateKind::kCX, {0, 2}).ok());
  EXPECT_THAT(c.Add(GateKind::kCX, {0, 3}).message(), testing::HasSubstr("out of range"));
  EXPECT_THAT(c.Add(GateKind::kCX, {1, 1}).message(), testing::HasSubstr("used twice"));
  EXPECT_THAT(c.Add(GateKind::kCX, {1}).message(), testing::HasSubstr("takes 2 qubit"));
  EXPECT_THAT(c.Add(GateKind::kRX, {1}).message(), testing::HasSubstr("takes 1 angle"));
  EXPECT_THAT(c.Add(GateKind::kRX, {1}, {Angle::Fixed(NAN)}).message(),
              testing::HasSubstr("finite"));
  EXPECT_THAT(c.AddMeasure(0, 1).message(), testing::HasSubstr("classical bit 1"));
  Gate bad = MakeGate(GateKind::kUnitary, {0});
  bad.matrix = {1, 1, 0, 1};
  EXPECT_THAT(c.Append(bad).message(), testing::HasSubstr("not unitary"));
  bad.matrix = {1, 0, 0};
  EXPECT_THAT(c.Append(bad).message(), testing::HasSubstr("4 entries"));
  Gate controlled = MakeGate(GateKind::kX, {0});
  controlled.controls = {0};
  controlled.control_values = {true};
  EXPECT_THAT(c.Append(controlled).message(), testing::HasSubstr("used twice"));
  Gate rotation = MakeGate(GateKind::kPauliRotation, {0}, {0.1});
  rotation.pauli.set(1, PauliLetter::kX);
  EXPECT_THAT(c.Append(rotation).message(), testing::HasSubstr("beyond"));
  EXPECT_EQ(c.gates().size(), 1u);
}

TEST(CircuitTest, DepthAndCounts) {
  Circuit c(4, 4);
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.Add(GateKind::kH, {1}).ok());        // same layer as h q0
  ASSERT_TRUE(c.Add(GateKind::kCX, {0, 1}).ok());    // layer 2
  ASSERT_TRUE(c.Add(GateKind::kRZ, {3}, {Angle::Param(0)}).ok());  // layer 1
  ASSERT_TRUE(c.Add(GateKind::kGPhase, {}, {Angle::Fixed(0.2)}).ok());  // no layer
  ASSERT_TRUE(c.Add(GateKind::kBarrier, {0, 1, 2, 3}).ok());  // syncs to 2
  ASSERT_TRUE(c.Add(GateKind::kX, {3}).ok());        // layer 3
  ASSERT_TRUE(c.Add(GateKind::kCCX, {0, 1, 2}).ok());  // layer 3
  ASSERT_TRUE(c.AddMeasure(3, 0).ok());              // layer 4
  EXPECT_EQ(c.Depth(), 4);
  GateCounts counts = c.Counts();
  EXPECT_EQ(counts.total, 7);
  EXPECT_EQ(counts.one_qubit, 4);
  EXPECT_EQ(counts.two_qubit, 1);
  EXPECT_EQ(counts.multi_qubit, 1);
  EXPECT_EQ(counts.measurements, 1);
  EXPECT_EQ(counts.by_name["h"], 2);
  EXPECT_EQ(c.num_params(), 1);
  EXPECT_FALSE(c.IsUnitary());
  EXPECT_TRUE(c.MeasurementsAreTerminal());
  ASSERT_TRUE(c.Add(GateKind::kX, {3}).ok());
  EXPECT_FALSE(c.MeasurementsAreTerminal());
  EXPECT_FALSE(c.Inverse().ok());
}

TEST(CircuitTest, InverseAndBind) {
  Circuit c(2);
  ASSERT_TRUE(c.Add(GateKind::kU, {0}, {Angle::Param(0), Angle::Fixed(0.3), Angle::Param(1, 2)}).ok());
  ASSERT_TRUE(c.Add(GateKind::kCRY, {0, 1}, {Angle::Param(1, -1, 0.5)}).ok());
  ASSERT_TRUE(c.Add(GateKind::kSX, {1}).ok());
  std::vector<double> params = {0.7, -0.4};
  absl::StatusOr<Circuit> inv = c.Inverse();
  ASSERT_TRUE(inv.ok());
  ASSERT_EQ(inv->gates().size(), 3u);
  EXPECT_EQ(inv->gates()[0].kind, GateKind::kUnitary);  // sx† has no stdgates name
  EXPECT_EQ(inv->gates()[2].kind, GateKind::kU);
  for (size_t i = 0; i < 3; ++i) {
    const Gate& g = c.gates()[i];
    const Gate& gi = inv->gates()[2 - i];
    Matrix prod = MatMul(GateMatrix(gi, params), GateMatrix(g, params));
    for (int r = 0; r < Dim(prod); ++r)
      for (int col = 0; col < Dim(prod); ++col)
        EXPECT_NEAR(std::abs(prod[r * Dim(prod) + col] - Complex(r == col)), 0, 1e-14);
  }
  absl::StatusOr<Circuit> bound = c.Bind(params);
  ASSERT_TRUE(bound.ok());
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(bound->gates()[i].IsParameterized());
    EXPECT_LE(MaxDiff(GateMatrix(bound->gates()[i], {}), GateMatrix(c.gates()[i], params)), 1e-15);
  }
  EXPECT_FALSE(c.Bind({0.1}).ok());
}

TEST(CircuitTest, AddPauliRotationMapsLettersToQubits) {
  Circuit c(5);
  PauliString p;
  p.set(1, PauliLetter::kZ);
  p.set(4, PauliLetter::kY);
  ASSERT_TRUE(c.AddPauliRotation(p, Angle::Param(0)).ok());
  const Gate& g = c.gates()[0];
  EXPECT_EQ(g.qubits, (std::vector<int>{1, 4}));
  EXPECT_EQ(g.pauli.letter(0), PauliLetter::kZ);
  EXPECT_EQ(g.pauli.letter(1), PauliLetter::kY);
  // The identity string is a global phase exp(−iθ/2).
  ASSERT_TRUE(c.AddPauliRotation(PauliString{}, Angle::Fixed(0.6)).ok());
  EXPECT_EQ(c.gates()[1].kind, GateKind::kGPhase);
  EXPECT_LT(std::abs(GateMatrix(c.gates()[1], {})[0] - std::polar(1.0, -0.3)), 1e-15);
}

}  // namespace
}  // namespace qgrad
