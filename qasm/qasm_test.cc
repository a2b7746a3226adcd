// Emitter tests and emit → parse round trips on random circuits (every unitary kind,
// extra controls, symbolic and bound angles, explicit unitaries, Pauli rotations).
// Thread-safety: single-threaded tests; no shared state between them.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/dense_testing.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {
namespace {

using ::qgrad::qasm::testing::CircuitUnitary;
using ::qgrad::qasm::testing::Dense;
using ::qgrad::qasm::testing::MaxDiff;
using ::testing::HasSubstr;

constexpr GateKind kStdKinds[] = {
    GateKind::kX,   GateKind::kY,   GateKind::kZ,    GateKind::kH,    GateKind::kS,
    GateKind::kSdg, GateKind::kT,   GateKind::kTdg,  GateKind::kSX,   GateKind::kP,
    GateKind::kRX,  GateKind::kRY,  GateKind::kRZ,   GateKind::kU,    GateKind::kCX,
    GateKind::kCY,  GateKind::kCZ,  GateKind::kCH,   GateKind::kSwap, GateKind::kCP,
    GateKind::kCRX, GateKind::kCRY, GateKind::kCRZ,  GateKind::kCU,   GateKind::kCCX,
    GateKind::kCSwap, GateKind::kGPhase};

class RandomCircuits {
 public:
  explicit RandomCircuits(uint32_t seed) : rng_(seed) {}

  double Uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<>(lo, hi)(rng_); }

  Angle RandomAngle(int num_params) {
    if (Int(0, 2) == 0) return Angle::Fixed(Uniform(-4, 4));
    double scale = Int(0, 1) ? 1.0 : Uniform(-2, 2);
    double offset = Int(0, 1) ? 0.0 : Uniform(-1, 1);
    return Angle::Param(Int(0, num_params - 1), scale, offset);
  }

  // `count` distinct qubits out of n, in random order.
  std::vector<int> Qubits(int n, int count) {
    std::vector<int> all(n);
    for (int i = 0; i < n; ++i) all[i] = i;
    std::shuffle(all.begin(), all.end(), rng_);
    all.resize(count);
    return all;
  }

  Circuit Make(int n, int num_gates, int num_params, bool with_extras) {
    Circuit c(n);
    c.DeclareParams(num_params);
    while (static_cast<int>(c.gates().size()) < num_gates) {
      Gate g;
      int choice = Int(0, with_extras ? 31 : 26);
      if (choice < 27) {
        g.kind = kStdKinds[choice];
        int width = Info(g.kind).num_qubits;
        if (width > n) continue;
        int spare = n - width;
        int controls = spare > 0 && Int(0, 3) == 0 ? Int(1, std::min(spare, 2)) : 0;
        if (g.kind == GateKind::kGPhase && Int(0, 1)) controls = 0;
        std::vector<int> qs = Qubits(n, width + controls);
        g.controls.assign(qs.begin(), qs.begin() + controls);
        for (int i = 0; i < controls; ++i) g.control_values.push_back(Int(0, 1) == 1);
        g.qubits.assign(qs.begin() + controls, qs.end());
        for (int i = 0; i < Info(g.kind).num_angles; ++i) g.angles.push_back(RandomAngle(num_params));
      } else if (choice < 30) {
        g.kind = GateKind::kPauliRotation;
        int width = Int(1, n);
        g.qubits = Qubits(n, width);
        for (int i = 0; i < width; ++i) g.pauli.set(i, static_cast<PauliLetter>(Int(0, 3)));
        g.angles = {RandomAngle(num_params)};
        if (Int(0, 3) == 0 && width < n) {
          std::vector<int> rest;
          for (int q = 0; q < n; ++q) {
            if (std::find(g.qubits.begin(), g.qubits.end(), q) == g.qubits.end()) rest.push_back(q);
          }
          g.controls = {rest[0]};
          g.control_values = {Int(0, 1) == 1};
        }
      } else {
        g.kind = GateKind::kUnitary;
        int width = Int(1, 2);
        g.qubits = Qubits(n, width);
        g.matrix = RandomUnitary(width);
      }
      absl::Status appended = c.Append(g);
      EXPECT_TRUE(appended.ok()) << appended;
    }
    return c;
  }

  // A product of random gates: dense but exactly unitary.
  Dense RandomUnitary(int width) {
    Circuit c(width);
    for (int i = 0; i < 6; ++i) {
      (void)c.Add(GateKind::kU, {Int(0, width - 1)},
                  {Angle::Fixed(Uniform(0, 3)), Angle::Fixed(Uniform(-3, 3)), Angle::Fixed(Uniform(-3, 3))});
      if (width == 2) (void)c.Add(GateKind::kCX, Qubits(2, 2));
    }
    (void)c.Add(GateKind::kGPhase, {}, {Angle::Fixed(Uniform(-3, 3))});
    return CircuitUnitary(c, {});
  }

  std::vector<double> Params(int k) {
    std::vector<double> p(k);
    for (double& x : p) x = Uniform(-3, 3);
    return p;
  }

 private:
  std::mt19937 rng_;
};

void ExpectSameGates(const Circuit& a, const Circuit& b) {
  ASSERT_EQ(a.gates().size(), b.gates().size());
  for (size_t i = 0; i < a.gates().size(); ++i) {
    const Gate& x = a.gates()[i];
    const Gate& y = b.gates()[i];
    SCOPED_TRACE(::testing::Message() << "gate " << i << " " << Info(x.kind).name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.qubits, y.qubits);
    EXPECT_EQ(x.controls, y.controls);
    EXPECT_EQ(x.control_values, y.control_values);
    EXPECT_EQ(x.clbit, y.clbit);
    ASSERT_EQ(x.angles.size(), y.angles.size());
    for (size_t k = 0; k < x.angles.size(); ++k) {
      EXPECT_EQ(x.angles[k].index, y.angles[k].index);
      EXPECT_EQ(x.angles[k].constant, y.angles[k].constant);  // exact: 17 digits
      if (x.angles[k].index >= 0) {
        EXPECT_EQ(x.angles[k].scale, y.angles[k].scale);
      }
    }
  }
}

TEST(EmitTest, WritesHeaderInputsRegistersAndAffineAngles) {
  Circuit c(2, 2);
  ASSERT_TRUE(c.Add(GateKind::kRX, {0}, {Angle::Param(3, 0.5, 0.1)}).ok());
  ASSERT_TRUE(c.Add(GateKind::kRZ, {1}, {Angle::Param(1, -1.0)}).ok());
  Gate g;
  g.kind = GateKind::kX;
  g.qubits = {1};
  g.controls = {0};
  g.control_values = {false};
  ASSERT_TRUE(c.Append(g).ok());
  ASSERT_TRUE(c.AddMeasure(1, 0).ok());
  absl::StatusOr<std::string> text = Emit(c);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"));
  EXPECT_THAT(*text, HasSubstr("input float[64] theta_3;"));
  EXPECT_THAT(*text, HasSubstr("qubit[2] q;\nbit[2] c;\n"));
  EXPECT_THAT(*text, HasSubstr("rx(0.5*theta_3 + 0.10000000000000001) q[0];"));
  EXPECT_THAT(*text, HasSubstr("rz(-theta_1) q[1];"));
  EXPECT_THAT(*text, HasSubstr("negctrl @ x q[0], q[1];"));
  EXPECT_THAT(*text, HasSubstr("c[0] = measure q[1];"));
}

TEST(EmitTest, GroupsControlsAndMeasuresAll) {
  Circuit c(4);
  Gate g;
  g.kind = GateKind::kZ;
  g.qubits = {3};
  g.controls = {0, 1, 2};
  g.control_values = {true, true, false};
  ASSERT_TRUE(c.Append(g).ok());
  EmitOptions options;
  options.measure_all = true;
  absl::StatusOr<std::string> text = Emit(c, {}, options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("ctrl(2) @ negctrl @ z q[0], q[1], q[2], q[3];"));
  EXPECT_THAT(*text, HasSubstr("bit[4] c;"));
  EXPECT_THAT(*text, HasSubstr("c = measure q;"));
}

TEST(EmitTest, BoundModeNeedsEnoughParams) {
  Circuit c(1);
  ASSERT_TRUE(c.Add(GateKind::kRX, {0}, {Angle::Param(2)}).ok());
  EmitOptions options;
  options.symbolic_params = false;
  EXPECT_FALSE(Emit(c, std::vector<double>{1.0}, options).ok());
  absl::StatusOr<std::string> text = Emit(c, std::vector<double>{1.0, 2.0, 0.25}, options);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("rx(0.25) q[0];"));
  EXPECT_FALSE(absl::StrContains(*text, "input"));
}

TEST(EmitTest, RejectsUnitaryOnThreeQubits) {
  Circuit c(3);
  Gate g;
  g.kind = GateKind::kUnitary;
  g.qubits = {0, 1, 2};
  g.matrix = testing::Identity(3);
  ASSERT_TRUE(c.Append(g).ok());
  absl::StatusOr<std::string> text = Emit(c);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RoundTripTest, StdGatesComeBackIdentical) {
  RandomCircuits random(7);
  for (int trial = 0; trial < 40; ++trial) {
    Circuit c = random.Make(4, 30, 5, /*with_extras=*/false);
    absl::StatusOr<std::string> text = Emit(c);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ParsedProgram> parsed = Parse(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *text;
    EXPECT_EQ(parsed->circuit.num_qubits(), 4);
    EXPECT_EQ(parsed->circuit.num_params(), 5);
    EXPECT_EQ(parsed->param_names[4], "theta_4");
    ExpectSameGates(c, parsed->circuit);
  }
}

TEST(RoundTripTest, EveryKindKeepsItsUnitary) {
  RandomCircuits random(11);
  for (int trial = 0; trial < 40; ++trial) {
    int n = 2 + trial % 3;
    Circuit c = random.Make(n, 25, 4, /*with_extras=*/true);
    absl::StatusOr<std::string> text = Emit(c);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ParsedProgram> parsed = Parse(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *text;
    for (int k = 0; k < 2; ++k) {
      std::vector<double> params = random.Params(4);
      Dense want = CircuitUnitary(c, params);
      Dense got = CircuitUnitary(parsed->circuit, params);
      EXPECT_LT(MaxDiff(want, got), 1e-9) << *text;
    }
  }
}

TEST(RoundTripTest, BoundAnglesAreExact) {
  RandomCircuits random(5);
  for (int trial = 0; trial < 20; ++trial) {
    Circuit c = random.Make(3, 20, 3, /*with_extras=*/false);
    std::vector<double> params = random.Params(3);
    EmitOptions options;
    options.symbolic_params = false;
    absl::StatusOr<std::string> text = Emit(c, params, options);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<ParsedProgram> parsed = Parse(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<Circuit> bound = c.Bind(params);
    ASSERT_TRUE(bound.ok());
    ExpectSameGates(*bound, parsed->circuit);
  }
}

TEST(RoundTripTest, ParsedBindingsMatchBoundEmission) {
  RandomCircuits random(9);
  Circuit c = random.Make(3, 30, 2, /*with_extras=*/true);
  std::vector<double> params = {0.7, -1.3};
  absl::StatusOr<std::string> text = Emit(c);
  ASSERT_TRUE(text.ok());
  ParseOptions options;
  options.bindings = {{"theta_0", 0.7}, {"theta_1", -1.3}};
  absl::StatusOr<ParsedProgram> parsed = Parse(*text, options);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  for (const Gate& g : parsed->circuit.gates()) {
    for (const Angle& a : g.angles) EXPECT_TRUE(a.is_fixed());
  }
  EXPECT_LT(MaxDiff(CircuitUnitary(c, params), CircuitUnitary(parsed->circuit, {})), 1e-9);
}

TEST(RoundTripTest, MeasureResetBarrier) {
  Circuit c(3, 2);
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.Add(GateKind::kBarrier, {0, 2}).ok());
  ASSERT_TRUE(c.Add(GateKind::kReset, {1}).ok());
  ASSERT_TRUE(c.AddMeasure(2, 1).ok());
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  absl::StatusOr<std::string> text = Emit(c);
  ASSERT_TRUE(text.ok());
  absl::StatusOr<ParsedProgram> parsed = Parse(*text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->circuit.num_clbits(), 2);
  EXPECT_EQ(parsed->clbit_names, (std::vector<std::string>{"c[0]", "c[1]"}));
  EXPECT_EQ(parsed->qubit_names, (std::vector<std::string>{"q[0]", "q[1]", "q[2]"}));
  ExpectSameGates(c, parsed->circuit);
}

// Emits a parameter-free circuit, parses it back and compares the unitaries.
void ExpectExactUnitaryRoundTrip(const Circuit& c) {
  absl::StatusOr<std::string> text = Emit(c);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<ParsedProgram> parsed = Parse(*text);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *text;
  EXPECT_LT(MaxDiff(CircuitUnitary(c, {}), CircuitUnitary(parsed->circuit, {})), 1e-12) << *text;
}

TEST(RoundTripTest, OneAndTwoQubitUnitariesAreExact) {
  RandomCircuits random(3);
  for (int trial = 0; trial < 30; ++trial) {
    int width = 1 + trial % 2;
    Circuit c(3);
    Gate g;
    g.kind = GateKind::kUnitary;
    g.qubits = random.Qubits(3, width);
    g.matrix = random.RandomUnitary(width);
    if (trial % 3 == 0) {
      for (int q = 0; q < 3; ++q) {
        if (std::find(g.qubits.begin(), g.qubits.end(), q) == g.qubits.end()) {
          g.controls = {q};
          g.control_values = {trial % 2 == 0};
          break;
        }
      }
    }
    ASSERT_TRUE(c.Append(g).ok());
    ExpectExactUnitaryRoundTrip(c);
  }
}

TEST(RoundTripTest, SpecialUnitaries) {
  // Diagonal, anti-diagonal and permutation matrices hit the degenerate branches.
  using C = std::complex<double>;
  const C i(0, 1);
  std::vector<Dense> cases = {
      {C(0), C(1), C(1), C(0)},
      {std::exp(i * 0.3), C(0), C(0), std::exp(-i * 1.1)},
      {C(0), -i, i, C(0)},
      {C(1), 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1},  // swap
      {C(0), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, i, 0, 0, i, 0},
  };
  for (const Dense& m : cases) {
    int width = m.size() == 4 ? 1 : 2;
    Circuit c(2);
    Gate g;
    g.kind = GateKind::kUnitary;
    g.qubits = width == 1 ? std::vector<int>{1} : std::vector<int>{1, 0};
    g.matrix = m;
    ASSERT_TRUE(c.Append(g).ok());
    ExpectExactUnitaryRoundTrip(c);
  }
}

}  // namespace
}  // namespace qgrad::qasm
