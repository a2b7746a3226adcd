// The example programs of the OpenQASM 3 specification repository (testdata/, copied
// unchanged). Every one the simulator supports is run through RunShot() on every branch of
// its measurements (shot_testing.h) and its exact outcome distribution is compared with an
// independent model: the probabilities worked out by hand, or the circuit written out gate
// by gate here and multiplied out densely. varteleport, with 2^21 branches, is followed on
// seeded branches instead, each checked exactly (Born probabilities and final state). The
// others must be refused with the reason.
// Thread-safety: single-threaded tests; no shared state between them.
#include <array>
#include <cmath>
#include <complex>
#include <fstream>
#include <functional>
#include <map>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/dense_testing.h"
#include "qasm/qasm.h"
#include "qasm/shot_testing.h"

namespace qgrad::qasm {
namespace {

using ::qgrad::qasm::testing::CircuitUnitary;
using ::qgrad::qasm::testing::Dense;
using ::qgrad::qasm::testing::Distribution;
using ::qgrad::qasm::testing::ExactDistribution;
using ::qgrad::qasm::testing::MaxDiff;
using ::testing::HasSubstr;
using C = std::complex<double>;
constexpr double kPi = std::numbers::pi;

std::string Example(const std::string& name) {
  std::ifstream in(std::string(QGRAD_QASM_EXAMPLES_DIR) + "/" + name + ".qasm");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

Distribution RunExample(const std::string& name, double min_probability = 1e-12,
                 bool by_record = false) {
  absl::StatusOr<Distribution> d = ExactDistribution(Example(name), min_probability, by_record);
  EXPECT_TRUE(d.ok()) << name << ": " << d.status();
  return d.ok() ? *d : Distribution{};
}

void ExpectDistribution(const Distribution& d, const std::map<std::string, double>& want,
                        double tolerance = 1e-12) {
  for (const auto& [key, p] : d.p) {
    auto it = want.find(key);
    EXPECT_NEAR(p, it == want.end() ? 0.0 : it->second, tolerance + d.missing) << key;
  }
  for (const auto& [key, p] : want) {
    if (p > tolerance + d.missing) {
      EXPECT_TRUE(d.p.contains(key)) << key;
    }
  }
}

Gate MakeGate(GateKind kind, std::vector<int> qubits, std::vector<double> angles = {}) {
  Gate g;
  g.kind = kind;
  g.qubits = std::move(qubits);
  for (double a : angles) g.angles.push_back(Angle::Fixed(a));
  return g;
}

// Outcome probabilities of a hand-written circuit on |0...0>, keyed bit 0 first.
std::map<std::string, double> Probabilities(int n, const std::vector<Gate>& gates) {
  Circuit c(n);
  for (const Gate& g : gates) EXPECT_TRUE(c.Append(g).ok());
  Dense u = CircuitUnitary(c, {});
  size_t dim = size_t{1} << n;
  std::map<std::string, double> p;
  for (size_t row = 0; row < dim; ++row) {
    double pr = std::norm(u[row * dim]);
    if (pr < 1e-15) continue;
    std::string key;
    for (int b = 0; b < n; ++b) key.push_back((row >> b) & 1 ? '1' : '0');
    p[key] = pr;
  }
  return p;
}

TEST(ExamplesTest, AdderAddsOneAndFifteen) {
  // 1 + 15 = 16: b (ans[0..3]) holds 0, the carry (ans[4]) is 1.
  ExpectDistribution(RunExample("adder"), {{"00001", 1.0}});
  EXPECT_FALSE(Parse(Example("adder"))->dynamic);  // loops over constants unroll
}

TEST(ExamplesTest, QftOfABasisStateIsUniform) {
  std::vector<Gate> gates = {MakeGate(GateKind::kX, {0}), MakeGate(GateKind::kX, {2}),
                             MakeGate(GateKind::kH, {0})};
  for (int t = 1; t < 4; ++t) {
    for (int c = 0; c < t; ++c) gates.push_back(MakeGate(GateKind::kCP, {t, c}, {kPi / (1 << (t - c))}));
    gates.push_back(MakeGate(GateKind::kH, {t}));
  }
  std::map<std::string, double> model = Probabilities(4, gates);
  EXPECT_EQ(model.size(), 16u);
  ExpectDistribution(RunExample("qft"), model);
}

TEST(ExamplesTest, QptAndRb) {
  ExpectDistribution(RunExample("qpt"), {{"0", 0.5}, {"1", 0.5}});
  ExpectDistribution(
      RunExample("rb"), Probabilities(2, {MakeGate(GateKind::kH, {0}), MakeGate(GateKind::kCZ, {0, 1}),
                                   MakeGate(GateKind::kS, {0}), MakeGate(GateKind::kCZ, {0, 1}),
                                   MakeGate(GateKind::kS, {0}), MakeGate(GateKind::kZ, {0}),
                                   MakeGate(GateKind::kH, {0})}));
}

TEST(ExamplesTest, AlignmentDelaysHaveNoEffect) {
  absl::StatusOr<ParsedProgram> p = Parse(Example("alignment"));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_FALSE(p->dynamic);
  Circuit model(3);
  ASSERT_TRUE(model.Append(MakeGate(GateKind::kCX, {0, 1})).ok());
  ASSERT_TRUE(model.Append(MakeGate(GateKind::kU, {2}, {kPi / 4, 0, kPi / 2})).ok());
  EXPECT_LT(MaxDiff(CircuitUnitary(p->circuit, {}), CircuitUnitary(model, {})), 1e-12);
}

TEST(ExamplesTest, SemiclassicalInverseQftOfUniformStateGivesZero) {
  // h q prepares QFT|0000>; the inverse QFT measures 0000 with certainty: the first h
  // undoes the first qubit's h, so no correction is ever applied.
  ExpectDistribution(RunExample("inverseqft1"), {{"0000", 1.0}});
  ExpectDistribution(RunExample("inverseqft2"), {{"0000", 1.0}});
  EXPECT_TRUE(Parse(Example("inverseqft1"))->dynamic);
}

TEST(ExamplesTest, QecCorrectsTheInsertedError) {
  // x q[0] flips data qubit 0: syndrome 1 (syn[0] = 1), corrected, data measures 000.
  ExpectDistribution(RunExample("qec"), {{"00010", 1.0}});
}

TEST(ExamplesTest, TeleportMovesTheStatePreparedByU) {
  // U(0.3, 0.2, 0.1)|0> = cos(0.15)|0> + e^{0.2i} sin(0.15)|1>; c0 and c1 are uniform.
  double p1 = std::pow(std::sin(0.15), 2);
  std::map<std::string, double> model;
  for (std::string c01 : {"00", "01", "10", "11"}) {
    model[c01 + "0"] = (1 - p1) / 4;
    model[c01 + "1"] = p1 / 4;
  }
  ExpectDistribution(RunExample("teleport"), model);
}

using Matrix2 = std::array<C, 4>;  // row-major 2x2

Matrix2 Mul(const Matrix2& a, const Matrix2& b) {
  return {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
          a[2] * b[1] + a[3] * b[3]};
}
Matrix2 Dagger(const Matrix2& a) {
  return {std::conj(a[0]), std::conj(a[2]), std::conj(a[1]), std::conj(a[3])};
}
Matrix2 Add(const Matrix2& a, const Matrix2& b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]};
}

TEST(ExamplesTest, RepeatUntilSuccessRotation) {
  // Model: the segment as a dense 3-qubit unitary (ancillas 0 and 1, psi 2), its Kraus
  // operators on psi for each ancilla outcome b, and the loop as a density-matrix
  // recursion: rho_done += K_00 rho K_00^†, rho <- sum over the failures.
  Circuit segment(3);
  for (const Gate& g :
       {MakeGate(GateKind::kH, {0}), MakeGate(GateKind::kH, {1}), MakeGate(GateKind::kCCX, {0, 1, 2}),
        MakeGate(GateKind::kS, {2}), MakeGate(GateKind::kCCX, {0, 1, 2}), MakeGate(GateKind::kZ, {2}),
        MakeGate(GateKind::kH, {0}), MakeGate(GateKind::kH, {1})}) {
    ASSERT_TRUE(segment.Append(g).ok());
  }
  Dense u = CircuitUnitary(segment, {});
  std::array<Matrix2, 4> kraus;
  for (int b = 0; b < 4; ++b) {
    for (int r = 0; r < 2; ++r) {
      for (int s = 0; s < 2; ++s) kraus[b][2 * r + s] = u[((r << 2) | b) * 8 + (s << 2)];
    }
  }
  double h = 1 / std::sqrt(2.0);
  Matrix2 rho = {0.5, 0.5, 0.5, 0.5}, done = {0, 0, 0, 0};  // |+><+|
  for (int round = 0; round < 200; ++round) {
    done = Add(done, Mul(Mul(kraus[0], rho), Dagger(kraus[0])));
    Matrix2 next = {0, 0, 0, 0};
    for (int b = 1; b < 4; ++b) next = Add(next, Mul(Mul(kraus[b], rho), Dagger(kraus[b])));
    rho = next;
  }
  double theta = kPi - std::acos(3.0 / 5.0);
  Matrix2 rz = {std::polar(1.0, -theta / 2), 0, 0, std::polar(1.0, theta / 2)};
  Matrix2 had = {h, h, h, -h};
  Matrix2 final_rho = Mul(Mul(Mul(had, rz), done), Dagger(Mul(had, rz)));
  double p0 = final_rho[0].real();
  EXPECT_NEAR(p0, 1.0, 1e-9);  // "should get zero", as the example says
  Distribution d = RunExample("rus", 1e-7);
  EXPECT_LT(d.missing, 1e-3);  // the branches of more than about 8 rounds
  ExpectDistribution(d, {{"000", p0}, {"001", 1 - p0}}, 1e-9);  // flags 00, then the output
}

TEST(ExamplesTest, IterativePhaseEstimationMeasurementRecord) {
  // Model: q = bit 0, r = bit 1 of a 4-amplitude state; each round resets q, applies h,
  // the controlled phase(θ·2^i), phase(−c) with c the angle[10] of the bits so far, h, and
  // measures q into c[0] before c <<= 1. Every branch of the 10 outcomes is followed.
  const double theta = 3 * kPi / 8;
  std::map<std::string, double> model;
  std::function<void(int, std::array<C, 4>, unsigned, double, std::string)> round =
      [&](int i, std::array<C, 4> s, unsigned k, double p, std::string record) {
        if (p < 1e-15) return;
        if (i == 10) {
          model[record] += p;
          return;
        }
        double h = 1 / std::sqrt(2.0);
        // q is |0> after the reset (it was measured, or never touched): keep its r part.
        std::array<C, 4> t = {s[0] + s[1], 0, s[2] + s[3], 0};
        t = {h * t[0], h * t[0], h * t[2], h * t[2]};
        t[3] *= std::polar(1.0, theta * (1 << i));            // ctrl @ pow(2^i) @ phase(θ)
        double c = k * 2 * kPi / 1024;
        t[1] *= std::polar(1.0, -c);                           // inv @ phase(c) on q
        t[3] *= std::polar(1.0, -c);
        t = {h * (t[0] + t[1]), h * (t[0] - t[1]), h * (t[2] + t[3]), h * (t[2] - t[3])};
        for (int m = 0; m < 2; ++m) {
          double pm = std::norm(t[m]) + std::norm(t[2 + m]);
          if (pm < 1e-15) continue;
          std::array<C, 4> next = {0, 0, 0, 0};
          next[m] = t[m] / std::sqrt(pm);
          next[2 + m] = t[2 + m] / std::sqrt(pm);
          unsigned bits = ((k & ~1u) | static_cast<unsigned>(m)) << 1 & 1023u;
          round(i + 1, next, bits, p * pm, record + (m ? "1" : "0"));
        }
      };
  double h = 1 / std::sqrt(2.0);
  round(0, {h, 0, h, 0}, 0, 1.0, "");  // r in |+>
  Distribution d = RunExample("ipe", 1e-13, /*by_record=*/true);
  EXPECT_LT(d.missing, 1e-9);
  ExpectDistribution(d, model, 1e-10);
  EXPECT_GT(model.size(), 10u);
}

// Follows one branch of the measurements, the outcomes given, on a sparse state vector
// (basis index -> amplitude): varteleport's 21 qubits stay in a product state of at most a
// few basis terms, where a dense vector would cost 2^21 amplitudes per gate.
class SparseBranchState : public QuantumState {
 public:
  explicit SparseBranchState(std::vector<int> outcomes) : outcomes_(std::move(outcomes)) {}

  absl::Status Apply(const Circuit& segment) override {
    num_qubits_ = segment.num_qubits();
    for (const Gate& g : segment.gates()) {
      if (g.kind == GateKind::kReset) {
        // Every reset of the example acts on a fresh qubit, so it never has to branch.
        if (P1(g.qubits[0]) > 1e-12) return absl::InternalError("reset of a qubit not in |0>");
      } else if (Info(g.kind).is_unitary) {
        ApplySparse(g);
      } else if (g.kind != GateKind::kBarrier) {
        return absl::InternalError("unexpected operation in a segment");
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<int> Measure(int qubit) override {
    if (qubit >= num_qubits_) return absl::InternalError("measured qubit beyond the state");
    if (born_p1_.size() >= outcomes_.size()) return absl::InternalError("too many measurements");
    double p1 = P1(qubit), norm = 0;
    for (const auto& [index, amp] : psi_) norm += std::norm(amp);
    int outcome = outcomes_[born_p1_.size()];
    born_p1_.push_back(p1 / norm);
    // Renormalized from the kept part itself, so rounding does not grow from one
    // measurement to the next.
    double p = outcome ? p1 : norm - p1;
    if (p < 1e-12) return absl::InternalError("impossible outcome");
    std::map<size_t, C> kept;
    for (const auto& [index, amp] : psi_) {
      if (((index >> qubit) & 1) == static_cast<size_t>(outcome)) kept[index] = amp / std::sqrt(p);
    }
    psi_ = std::move(kept);
    return outcome;
  }

  const std::vector<double>& born_p1() const { return born_p1_; }  // P(1) of each measurement
  const std::map<size_t, C>& psi() const { return psi_; }

 private:
  double P1(int qubit) const {
    double p1 = 0;
    for (const auto& [index, amp] : psi_) {
      if ((index >> qubit) & 1) p1 += std::norm(amp);
    }
    return p1;
  }
  void ApplySparse(const Gate& g) {
    Dense m = GateMatrix(g, {});
    size_t sub = size_t{1} << g.qubits.size(), mask = 0;
    for (int q : g.qubits) mask |= size_t{1} << q;
    std::map<size_t, C> out;
    for (const auto& [index, amp] : psi_) {
      bool active = true;
      for (size_t c = 0; c < g.controls.size(); ++c) {
        active &= (((index >> g.controls[c]) & 1) != 0) == g.control_values[c];
      }
      if (!active) {
        out[index] += amp;
        continue;
      }
      size_t column = 0;
      for (size_t b = 0; b < g.qubits.size(); ++b) column |= ((index >> g.qubits[b]) & 1) << b;
      for (size_t r = 0; r < sub; ++r) {
        size_t row = index & ~mask;
        for (size_t b = 0; b < g.qubits.size(); ++b) row |= ((r >> b) & 1) << g.qubits[b];
        out[row] += m[r * sub + column] * amp;
      }
    }
    std::erase_if(out, [](const auto& entry) { return std::abs(entry.second) < 1e-14; });
    psi_ = std::move(out);
  }

  std::vector<int> outcomes_;
  std::vector<double> born_p1_;
  std::map<size_t, C> psi_ = {{0, 1.0}};
  int num_qubits_ = 0;
};

TEST(ExamplesTest, VarteleportRecordsAndTheChainOfTeleportedStates) {
  // The program: input_qubit (qubit 0) is prepared in psi = rz(π/4) h|0>, q[2i], q[2i+1]
  // are qubits 1+2i, 2+2i. Round i (of 10) prepares a Bell pair and teleports io into
  // q[2i+1]: pf[0] = measure io, pf[1] = measure q[2i], corrections z, x on q[2i+1]. The
  // `let io = bp[1];` at the end of the body only shadows io for the rest of that body
  // (README), so every round teleports input_qubit itself: round 0 moves psi into q[1],
  // round i > 0 moves the basis state |pf[0] of round i-1> that measuring left in it. Then
  // h io; output_qubit = measure io.
  // Model: a Bell measurement's two outcomes are uniform whatever the teleported state, and
  // h on a basis state measures 0 or 1 with 1/2 — so each of the 21 measurements has Born
  // P(1) = 1/2 exactly, whatever came before: the distribution over the records is uniform
  // (2^-21 each) and output_qubit is 0 or 1 with 1/2 in every branch. The 2^21 branches (a
  // parse each) are too many to follow all, so seeded branches are followed one by one and
  // every Born probability is checked exactly on each; the final state is checked too, as
  // the outcome distribution alone would not notice a missing or wrong correction.
  constexpr int kRounds = 10, kMeasurements = 2 * kRounds + 1;
  const std::string source = Example("varteleport");
  std::vector<std::vector<int>> records = {std::vector<int>(kMeasurements, 0),
                                           std::vector<int>(kMeasurements, 1)};
  std::mt19937 rng(20261205);  // mt19937's output is fixed by the standard
  for (int n = 0; n < 100; ++n) {
    std::vector<int> r(kMeasurements);
    for (int& b : r) b = static_cast<int>(rng() & 1);
    records.push_back(r);
  }
  const C psi1 = std::polar(1.0, kPi / 4);  // psi ∝ |0> + e^{iπ/4}|1>
  for (const std::vector<int>& r : records) {
    std::string name;
    for (int b : r) name.push_back(b ? '1' : '0');
    SparseBranchState state(r);
    absl::StatusOr<std::vector<int>> bits = RunShot(source, {}, state);
    ASSERT_TRUE(bits.ok()) << name << ": " << bits.status();
    EXPECT_EQ(*bits, std::vector<int>{r.back()}) << name;  // pf is local: output_qubit only
    ASSERT_EQ(state.born_p1().size(), size_t{kMeasurements}) << name;
    for (int m = 0; m < kMeasurements; ++m) {
      EXPECT_NEAR(state.born_p1()[m], 0.5, 1e-12) << name << " measurement " << m;
    }
    // The product state the model predicts, psi on qubit 2, the rest basis states.
    size_t base = size_t(r.back());  // input_qubit holds the final outcome
    for (int i = 0; i < kRounds; ++i) {
      base |= size_t(r[2 * i + 1]) << (1 + 2 * i);              // q[2i]: pf[1]
      if (i > 0) base |= size_t(r[2 * (i - 1)]) << (2 + 2 * i);  // q[2i+1]: pf[0] before
    }
    std::map<size_t, C> want = {{base, 1 / std::sqrt(2.0)}, {base | 4, psi1 / std::sqrt(2.0)}};
    ASSERT_EQ(state.psi().size(), 2u) << name;
    C overlap = 0;
    for (const auto& [index, amp] : state.psi()) {
      overlap += want.contains(index) ? std::conj(want[index]) * amp : 0.0;
    }
    EXPECT_NEAR(std::abs(overlap), 1.0, 1e-12) << name;  // equal up to a global phase
  }
}

TEST(ExamplesTest, OthersAreRefusedWithTheReason) {
  const std::pair<const char*, const char*> kRefused[] = {
      {"arrays", "9:1: unsupported: 'array'"},
      {"cphase", "undeclared qubit register 'q'"},  // the example declares no qubits
      {"dd", "unknown gate 'u'"},                    // stdgates.inc has no 'u'
      {"defcal", "unsupported: 'defcalgrammar'"},
      {"gateteleport", "unsupported: 'extern'"},
      {"scqec", "unsupported: 'extern'"},
      {"t1", "unsupported: 'extern'"},
      {"vqe", "unsupported: 'extern'"},
  };
  for (const auto& [name, message] : kRefused) {
    absl::StatusOr<ParsedProgram> p = Parse(Example(name));
    ASSERT_FALSE(p.ok()) << name;
    EXPECT_THAT(p.status().message(), HasSubstr(message)) << name;
  }
}

}  // namespace
}  // namespace qgrad::qasm
