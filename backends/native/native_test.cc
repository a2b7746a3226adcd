// Tests for backends/native: translated programs parse, use only native gates and have the
// original unitary up to a global phase. The oracle is independent of the library: textbook
// gate matrices from backends/statevector/dense_reference.h applied to random states.
#include "backends/native/native.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <iostream>
#include <numbers>
#include <random>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "backends/native/mat2.h"
#include "backends/native/synthesize.h"
#include "backends/statevector/dense_reference.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"

namespace qgrad::backends::native {
namespace {

using C = std::complex<double>;
using sv::testing::Dense;
using ::testing::HasSubstr;
const double kPi = std::numbers::pi;

// Test helper: applies the unitary gates of `c` (textbook matrices, controls by index
// masks) to `v`.
void TestOracleRun(const Circuit& c, std::vector<C>& v) {
  for (const Gate& g : c.gates()) {
    if (!Info(g.kind).is_unitary) continue;
    const Dense m = sv::testing::TextbookMatrix(g, {});
    const size_t k = g.qubits.size(), dim = size_t{1} << k;
    size_t own = 0, cmask = 0, cval = 0;
    for (int q : g.qubits) own |= size_t{1} << q;
    for (size_t i = 0; i < g.controls.size(); ++i) {
      cmask |= size_t{1} << g.controls[i];
      if (g.control_values[i]) cval |= size_t{1} << g.controls[i];
    }
    std::vector<size_t> idx(dim);
    std::vector<C> in(dim);
    for (size_t base = 0; base < v.size(); ++base) {
      if ((base & own) || (base & cmask) != cval) continue;
      for (size_t j = 0; j < dim; ++j) {
        idx[j] = base;
        for (size_t b = 0; b < k; ++b)
          if (j >> b & 1) idx[j] |= size_t{1} << g.qubits[b];
        in[j] = v[idx[j]];
      }
      for (size_t r = 0; r < dim; ++r) {
        C s = 0;
        for (size_t j = 0; j < dim; ++j) s += m.at(r, j) * in[j];
        v[idx[r]] = s;
      }
    }
  }
}

// Test helper: max |U_a ψ − e^{iφ} U_b ψ| over a few random states ψ, with one phase φ
// for all of them (so relative phases between states count).
double TestOracleDistance(const Circuit& a, const Circuit& b, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<C>> va, vb;
  C overlap = 0;
  for (int s = 0; s < 3; ++s) {
    std::vector<C> psi = sv::testing::RandomState(a.num_qubits(), rng);
    va.push_back(psi);
    vb.push_back(psi);
    TestOracleRun(a, va.back());
    TestOracleRun(b, vb.back());
    for (size_t i = 0; i < psi.size(); ++i) overlap += std::conj(vb.back()[i]) * va.back()[i];
  }
  const C phase = overlap / std::abs(overlap);
  double worst = 0;
  for (size_t s = 0; s < va.size(); ++s)
    for (size_t i = 0; i < va[s].size(); ++i)
      worst = std::max(worst, std::abs(va[s][i] - phase * vb[s][i]));
  return worst;
}

// Test helper: a random unitary (Gram–Schmidt on Gaussian columns), row-major.
std::vector<C> TestRandomUnitary(int k, std::mt19937_64& rng) {
  const size_t dim = size_t{1} << k;
  std::normal_distribution<double> normal;
  std::vector<std::vector<C>> cols(dim, std::vector<C>(dim));
  for (size_t c = 0; c < dim; ++c) {
    for (C& x : cols[c]) x = C(normal(rng), normal(rng));
    for (size_t p = 0; p < c; ++p) {
      C dot = 0;
      for (size_t r = 0; r < dim; ++r) dot += std::conj(cols[p][r]) * cols[c][r];
      for (size_t r = 0; r < dim; ++r) cols[c][r] -= dot * cols[p][r];
    }
    double norm = 0;
    for (C& x : cols[c]) norm += std::norm(x);
    for (C& x : cols[c]) x /= std::sqrt(norm);
  }
  std::vector<C> m(dim * dim);
  for (size_t r = 0; r < dim; ++r)
    for (size_t c = 0; c < dim; ++c) m[r * dim + c] = cols[c][r];
  return m;
}

// Test helper: a random circuit over every unitary GateKind, with up to `max_controls`
// extra ctrl / negctrl controls, Pauli rotations, one- and two-qubit explicit unitaries and
// controlled gphase; fixed angles.
Circuit TestRandomCircuit(int n, int num_gates, int max_controls, std::mt19937_64& rng) {
  Circuit circuit(n);
  std::uniform_real_distribution<double> angle(-4, 4);
  const int num_kinds = static_cast<int>(GateKind::kUnitary) + 1;
  while (static_cast<int>(circuit.gates().size()) < num_gates) {
    Gate g;
    g.kind = static_cast<GateKind>(rng() % num_kinds);
    int k = Info(g.kind).num_qubits;
    if (g.kind == GateKind::kUnitary) k = 1 + static_cast<int>(rng() % 2);
    if (g.kind == GateKind::kPauliRotation) k = 1 + static_cast<int>(rng() % std::min(n, 4));
    if (k > n) continue;
    std::vector<int> perm(n);
    for (int i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    g.qubits.assign(perm.begin(), perm.begin() + k);
    const int free = std::min(n - k, max_controls);
    const int extra = free > 0 && rng() % 2 == 0 ? 1 + static_cast<int>(rng() % free) : 0;
    for (int c = 0; c < extra; ++c) {
      g.controls.push_back(perm[k + c]);
      g.control_values.push_back(rng() % 3 != 0);
    }
    for (int a = 0; a < Info(g.kind).num_angles; ++a) g.angles.push_back(Angle::Fixed(angle(rng)));
    if (g.kind == GateKind::kPauliRotation) {
      for (int i = 0; i < k; ++i) g.pauli.set(i, static_cast<PauliLetter>(rng() % 4));
    }
    if (g.kind == GateKind::kUnitary) g.matrix = TestRandomUnitary(k, rng);
    if (!circuit.Append(std::move(g)).ok()) std::abort();
  }
  return circuit;
}

// Test helper: the operation names of a program's body (gate definitions skipped).
std::set<std::string> TestStatementNames(const std::string& text) {
  std::set<std::string> names;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == ' ' || line[0] == '}') continue;
    if (line.starts_with("OPENQASM") || line.starts_with("include") ||
        line.starts_with("gate ") || line.starts_with("qubit[") || line.starts_with("bit[")) {
      continue;
    }
    if (line.starts_with("c[")) {
      names.insert("measure");
      continue;
    }
    const size_t end = line.find_first_of("( ;");
    names.insert(line.substr(0, end));
  }
  return names;
}

void ExpectNativeOnly(const std::string& text, GateSet set) {
  std::set<std::string> allowed = {"measure", "reset", "barrier"};
  for (const std::string& name : NativeGateNames(set)) allowed.insert(name);
  for (const std::string& name : TestStatementNames(text)) {
    EXPECT_TRUE(allowed.count(name)) << "non-native '" << name << "' in\n" << text;
  }
}

class RandomCircuits : public ::testing::TestWithParam<GateSet> {};

TEST_P(RandomCircuits, TranslationIsExactUpToPhase) {
  const GateSet set = GetParam();
  std::mt19937_64 rng(set == GateSet::kIbm ? 1234 : 5678);
  int64_t total_2q = 0;
  for (int trial = 0; trial < 50; ++trial) {
    const int n = 2 + trial % 5;  // 2..6 qubits
    const Circuit original = TestRandomCircuit(n, 12, 4, rng);
    // Through text: Emit (explicit unitaries become gate definitions) → TranslateProgram.
    qasm::EmitOptions emit;
    emit.symbolic_params = false;
    absl::StatusOr<std::string> text = qasm::Emit(original, {}, emit);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<Translation> t = TranslateProgram(*text, {}, set);
    ASSERT_TRUE(t.ok()) << t.status();
    ExpectNativeOnly(t->qasm, set);
    absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(t->qasm);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << t->qasm;
    ASSERT_EQ(parsed->circuit.num_qubits(), n);
    EXPECT_LT(TestOracleDistance(original, parsed->circuit, trial), 1e-9) << "trial " << trial;
    total_2q += t->two_qubit_gates;
    // Directly on the Circuit (explicit unitaries reach the decomposer as kUnitary).
    absl::StatusOr<Circuit> direct = TranslateCircuit(original, set);
    ASSERT_TRUE(direct.ok()) << direct.status();
    EXPECT_LT(TestOracleDistance(original, *direct, trial + 1000), 1e-9) << "trial " << trial;
    if (trial % 5 == 0) {  // the library's own distance agrees (slower: every column)
      absl::StatusOr<double> d = UnitaryDistanceUpToPhase(original, *direct);
      ASSERT_TRUE(d.ok());
      EXPECT_LT(*d, 1e-9);
    }
  }
  std::cout << "50 random circuits: " << total_2q << " native two-qubit gates\n";
}

INSTANTIATE_TEST_SUITE_P(Sets, RandomCircuits, ::testing::Values(GateSet::kIbm, GateSet::kIonq),
                         [](const auto& info) {
                           return info.param == GateSet::kIbm ? std::string("ibm")
                                                              : std::string("ionq");
                         });

// Test helper: the published matrix of a native gate (row-major, first argument = least
// significant bit of the index).
std::vector<C> TestPublishedMatrix(const std::string& name, double p0, double p1, double p2) {
  const C i(0, 1);
  const double r = 1 / std::sqrt(2.0);
  if (name == "gpi") return {0, std::exp(-i * p0), std::exp(i * p0), 0};
  if (name == "gpi2") return {r, -i * r * std::exp(-i * p0), -i * r * std::exp(i * p0), r};
  if (name == "ecr") return {0, r, 0, i * r, r, 0, -i * r, 0, 0, i * r, 0, r, -i * r, 0, r, 0};
  // ms, IonQ's definition with turns converted to radians (2π·turns): index = 2·b0 + b1 there.
  const double c = std::cos(p2 / 2), s = std::sin(p2 / 2);
  const C m[4][4] = {{c, 0, 0, -i * std::exp(-i * (p0 + p1)) * s},
                     {0, c, -i * std::exp(-i * (p0 - p1)) * s, 0},
                     {0, -i * std::exp(i * (p0 - p1)) * s, c, 0},
                     {-i * std::exp(i * (p0 + p1)) * s, 0, 0, c}};
  std::vector<C> out(16);
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 4; ++col) {
      const int rr = (row & 1) * 2 + (row >> 1), cc = (col & 1) * 2 + (col >> 1);
      out[row * 4 + col] = m[rr][cc];
    }
  }
  return out;
}

TEST(NativeDefinitions, MatchPublishedMatricesExactly) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-4, 4);
  struct Case {
    GateSet set;
    std::string name;
    int qubits, angles;
  };
  for (const Case& c : {Case{GateSet::kIonq, "gpi", 1, 1}, Case{GateSet::kIonq, "gpi2", 1, 1},
                        Case{GateSet::kIonq, "ms", 2, 3}, Case{GateSet::kIbm, "ecr", 2, 0}}) {
    for (int trial = 0; trial < 5; ++trial) {
      double p[3] = {u(rng), u(rng), u(rng)};
      if (c.name == "ms" && trial == 0) p[2] = kPi / 2;  // fully entangling (0.25 turns)
      std::ostringstream program;
      program.precision(17);
      program << "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n"
              << internal::NativeDefinitions(c.set) << "qubit[2] q;\n" << c.name;
      if (c.angles > 0) {
        program << "(";
        for (int a = 0; a < c.angles; ++a) program << (a ? ", " : "") << p[a];
        program << ")";
      }
      program << (c.qubits == 1 ? " q[0];\n" : " q[0], q[1];\n");
      absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(program.str());
      ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << program.str();
      const std::vector<C> want = TestPublishedMatrix(c.name, p[0], p[1], p[2]);
      const size_t dim = size_t{1} << c.qubits;
      for (size_t col = 0; col < dim; ++col) {
        std::vector<C> v(4, 0.0);
        v[col] = 1.0;
        TestOracleRun(parsed->circuit, v);
        for (size_t row = 0; row < dim; ++row) {
          EXPECT_LT(std::abs(v[row] - want[row * dim + col]), 1e-12)
              << c.name << " row " << row << " col " << col;  // exact, phase included
        }
      }
      // The matrices TranslateCircuit uses agree too.
      internal::NativeOp op;
      op.kind = c.name == "gpi"    ? internal::NativeOp::Kind::kGpi
                : c.name == "gpi2" ? internal::NativeOp::Kind::kGpi2
                : c.name == "ms"   ? internal::NativeOp::Kind::kMs
                                   : internal::NativeOp::Kind::kEcr;
      op.p0 = p[0];
      op.p1 = p[1];
      op.p2 = p[2];
      const std::vector<C> lib = internal::NativeMatrix(op);
      for (size_t e = 0; e < want.size(); ++e) EXPECT_LT(std::abs(lib[e] - want[e]), 1e-12);
    }
  }
}

TEST(Mat2, DiagonalizeReconstructs) {
  using namespace internal;
  for (double t : {1e-9, 0.3, kPi - 1e-9, kPi, 2 * kPi - 1e-7}) {
    const Mat2 m = Scale(Mul(Rz(0.7), Mul(Ry(t), Rz(-0.2))), std::exp(C(0, 0.4)));
    Mat2 w;
    double l0 = 0, l1 = 0;
    Diagonalize(m, &w, &l0, &l1);
    const Mat2 back = Mul(w, Mul(Mat2{std::exp(C(0, l0)), 0, 0, std::exp(C(0, l1))}, Adjoint(w)));
    EXPECT_LT(std::abs(back.a - m.a) + std::abs(back.b - m.b) + std::abs(back.c - m.c) +
                  std::abs(back.d - m.d),
              1e-13)
        << t;
  }
}

// Test helper: translates `text` and returns (two-qubit, all) native gate counts, checking
// exactness on the way.
std::pair<int64_t, int64_t> TestCounts(const std::string& text, GateSet set) {
  absl::StatusOr<Translation> t = TranslateProgram(text, {{"w", 0.4}}, set);
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return {-1, -1};
  absl::StatusOr<qasm::ParsedProgram> a = qasm::Parse(text, {.bindings = {{"w", 0.4}}});
  absl::StatusOr<qasm::ParsedProgram> b = qasm::Parse(t->qasm);
  EXPECT_TRUE(a.ok() && b.ok());
  if (a.ok() && b.ok()) {
    EXPECT_LT(TestOracleDistance(a->circuit, b->circuit, 3), 1e-9);
  }
  ExpectNativeOnly(t->qasm, set);
  return {t->two_qubit_gates, t->gates};
}

TEST(Counts, Samples) {
  const std::string ghz5 =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[5] q;\n"
      "h q[0]; cx q[0], q[1]; cx q[1], q[2]; cx q[2], q[3]; cx q[3], q[4];\n";
  // Gradient-state-like: a controlled ry tree, then ctrl(3) @ z and ctrl(2) @ x.
  const std::string grad =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] w;\nqubit[5] q;\n"
      "ry(w) q[0]; ctrl @ ry(0.3) q[0], q[1]; negctrl @ ry(1.1) q[0], q[1];\n"
      "ctrl(2) @ ry(0.5) q[0], q[1], q[2];\n"
      "h q[4]; ctrl(3) @ z q[0], q[1], q[2], q[4]; ctrl(2) @ x q[1], q[2], q[3];\n"
      "negctrl(3) @ y q[0], q[1], q[2], q[3];\n";
  const std::string singles =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[1] q;\n"
      "h q[0]; t q[0]; rx(0.3) q[0]; rz(1.2) q[0];\n";
  for (GateSet set : {GateSet::kIbm, GateSet::kIonq}) {
    const char* name = set == GateSet::kIbm ? "ibm" : "ionq";
    const auto g = TestCounts(ghz5, set);
    EXPECT_EQ(g.first, 4);
    const auto d = TestCounts(grad, set);
    const auto s = TestCounts(singles, set);
    EXPECT_LE(s.second, set == GateSet::kIbm ? 5 : 4);  // merged into one unitary
    std::cout << name << ": GHZ-5 " << g.first << " two-qubit / " << g.second
              << " gates; gradient-like " << d.first << " / " << d.second
              << "; four merged 1q gates -> " << s.second << "\n";
  }
  const std::string cases[][2] = {{"cx", "cx q[0], q[1];"},      {"cz", "cz q[0], q[1];"},
                                  {"swap", "swap q[0], q[1];"},  {"crz", "crz(0.3) q[0], q[1];"},
                                  {"ccx", "ccx q[0], q[1], q[2];"},
                                  {"ctrl(3) @ x", "ctrl(3) @ x q[0], q[1], q[2], q[3];"},
                                  {"ctrl(4) @ z", "ctrl(4) @ z q[0], q[1], q[2], q[3], q[4];"}};
  for (const auto& c : cases) {
    const auto k = TestCounts(
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[5] q;\n" + c[1] + "\n", GateSet::kIbm);
    std::cout << c[0] << ": " << k.first << " ecr\n";
  }
  EXPECT_EQ(TestCounts("OPENQASM 3.0;\nqubit[2] q;\ncx q[0], q[1];\n", GateSet::kIbm).first, 1);
  EXPECT_EQ(TestCounts("OPENQASM 3.0;\nqubit[3] q;\nccx q[0], q[1], q[2];\n", GateSet::kIonq).first,
            6);
}

TEST(Program, MeasureResetBarrierKeepTheirOrder) {
  const std::string text =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\nbit[3] c;\n"
      "h q[0]; cx q[0], q[1]; barrier q[0], q[1];\nc[0] = measure q[0];\nreset q[0];\n"
      "rz(0.7) q[1]; ry(0.2) q[1];\nc[2] = measure q[1];\nx q[2];\nc[1] = measure q[2];\n";
  for (GateSet set : {GateSet::kIbm, GateSet::kIonq}) {
    absl::StatusOr<Translation> t = TranslateProgram(text, {}, set);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->num_qubits, 3);
    EXPECT_EQ(t->num_clbits, 3);
    ExpectNativeOnly(t->qasm, set);
    absl::StatusOr<qasm::ParsedProgram> p = qasm::Parse(t->qasm);
    ASSERT_TRUE(p.ok()) << p.status();
    std::vector<std::string> order;
    for (const Gate& g : p->circuit.gates()) {
      if (g.kind == GateKind::kMeasure) order.push_back(absl::StrCat("m", g.qubits[0], g.clbit));
      if (g.kind == GateKind::kReset) order.push_back(absl::StrCat("r", g.qubits[0]));
      if (g.kind == GateKind::kBarrier) order.push_back("b");
    }
    EXPECT_EQ(order, (std::vector<std::string>{"b", "m00", "r0", "m12", "m21"}));
  }
}

TEST(Program, TerminalMeasurementsKeepTheDistribution) {
  // IonQ drops the z frame before a measurement; the probabilities must not change.
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 10; ++trial) {
    Circuit c = TestRandomCircuit(4, 10, 2, rng);
    Circuit measured(4, 4);
    for (const Gate& g : c.gates()) ASSERT_TRUE(measured.Append(g).ok());
    for (int q = 0; q < 4; ++q) ASSERT_TRUE(measured.AddMeasure(q, q).ok());
    for (GateSet set : {GateSet::kIbm, GateSet::kIonq}) {
      absl::StatusOr<Circuit> t = TranslateCircuit(measured, set);
      ASSERT_TRUE(t.ok()) << t.status();
      std::vector<C> a(16, 0.0), b(16, 0.0);
      a[0] = b[0] = 1.0;
      TestOracleRun(measured, a);
      TestOracleRun(*t, b);
      for (int i = 0; i < 16; ++i) EXPECT_NEAR(std::norm(a[i]), std::norm(b[i]), 1e-10);
    }
  }
}

TEST(Program, AnyBindsInputsAndReEmits) {
  const std::string text =
      "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float[64] a;\ninput array[float[64], 2] "
      "w;\nqubit[2] q;\nbit[2] c;\nrx(2*a) q[0]; crz(w[1]) q[0], q[1]; c = measure q;\n";
  absl::StatusOr<Translation> t =
      TranslateProgram(text, {{"a", 0.25}, {"w[0]", 1.0}, {"w[1]", -0.5}}, GateSet::kAny);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->qasm, Not(HasSubstr("input")));
  EXPECT_THAT(t->qasm, HasSubstr("rx(0.5)"));
  absl::StatusOr<qasm::ParsedProgram> p = qasm::Parse(t->qasm);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->circuit.num_params(), 0);
  EXPECT_EQ(t->two_qubit_gates, 1);
  absl::StatusOr<Translation> ibm =
      TranslateProgram(text, {{"a", 0.25}, {"w[0]", 1.0}, {"w[1]", -0.5}}, GateSet::kIbm);
  ASSERT_TRUE(ibm.ok()) << ibm.status();
  EXPECT_EQ(ibm->two_qubit_gates, 2);  // crz needs two CNOTs
}

TEST(Errors, Reported) {
  const std::string text =
      "OPENQASM 3.0;\ninput float[64] a;\n  input float[64] b;\nqubit q;\nrx(a) q; ry(b) q;\n";
  absl::StatusOr<Translation> t = TranslateProgram(text, {{"a", 1.0}}, GateSet::kIbm);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status().message(), HasSubstr("3:19: input 'b' is not bound"));

  t = TranslateProgram("OPENQASM 3.0;\nqubit q;\nfoo q;\n", {}, GateSet::kIonq);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(t.status().message(), HasSubstr("3:"));

  // Control flow on a measurement has no single circuit to translate.
  t = TranslateProgram("OPENQASM 3.0;\nqubit q;\nbit c = measure q;\nif (c) x q;\n", {},
                       GateSet::kIonq);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("unsupported: control flow that depends on"));

  std::mt19937_64 rng(1);
  Circuit c(3);
  Gate g;
  g.kind = GateKind::kUnitary;
  g.qubits = {0, 1, 2};
  g.matrix = TestRandomUnitary(3, rng);
  ASSERT_TRUE(c.Append(g).ok());
  absl::StatusOr<Circuit> r = TranslateCircuit(c, GateSet::kIbm);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("unitary"));

  Circuit p(1);
  ASSERT_TRUE(p.Add(GateKind::kRX, {0}, {Angle::Param(0)}).ok());
  EXPECT_FALSE(TranslateCircuit(p, GateSet::kIonq).ok());

  // 100 gates with 11 controls need ~8000 operations apiece: refused, not run out of memory.
  std::string operands = "q[0]";
  for (int i = 1; i < 12; ++i) operands += absl::StrCat(", q[", i, "]");
  std::string bomb = "OPENQASM 3.0;\nqubit[14] q;\n";
  for (int i = 0; i < 100; ++i) bomb += "ctrl(11) @ ry(0.1) " + operands + ";\n";
  operands += ", q[12], q[13]";
  t = TranslateProgram(bomb, {}, GateSet::kIbm);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kResourceExhausted) << t.status();
  t = TranslateProgram("OPENQASM 3.0;\nqubit[14] q;\nctrl(13) @ x " + operands + ";\n", {},
                       GateSet::kIbm);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("controls"));

  t = TranslateProgram("OPENQASM 3.0;\ninput float[64] a;\nqubit q;\nrx(a) q;\n",
                       {{"a", std::nan("")}}, GateSet::kIonq);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("finite"));

  EXPECT_FALSE(ParseGateSet("google").ok());
  EXPECT_EQ(*ParseGateSet("ionq"), GateSet::kIonq);
  EXPECT_EQ(*ParseGateSet("ibm"), GateSet::kIbm);
  EXPECT_EQ(*ParseGateSet("any"), GateSet::kAny);
}

TEST(Distance, DetectsDifferencesButNotGlobalPhase) {
  Circuit a(2), b(2), c(2);
  ASSERT_TRUE(a.Add(GateKind::kRZ, {1}, {Angle::Fixed(0.5)}).ok());
  ASSERT_TRUE(b.Add(GateKind::kP, {1}, {Angle::Fixed(0.5)}).ok());  // = e^{i/4}·rz(0.5)
  ASSERT_TRUE(c.Add(GateKind::kRZ, {0}, {Angle::Fixed(0.5)}).ok());
  EXPECT_LT(*UnitaryDistanceUpToPhase(a, b), 1e-12);
  EXPECT_GT(*UnitaryDistanceUpToPhase(a, c), 0.1);
  EXPECT_GT(TestOracleDistance(a, c, 1), 0.01);
  EXPECT_FALSE(UnitaryDistanceUpToPhase(Circuit(13), Circuit(13)).ok());
  EXPECT_FALSE(UnitaryDistanceUpToPhase(Circuit(2), Circuit(3)).ok());
}

}  // namespace
}  // namespace qgrad::backends::native
