// Tests of the gradient-state circuits: the emitted OpenQASM 3 text, parsed back by the
// project's parser and simulated exactly, must hold (I − η(D − shift))ψ/λ on the ancilla-0
// block, compared with sv::ApplyPauliSum on the current circuit's state (an independent
// path: no LCU, no qasm); the sampled post-selection rate must match the formula.
//
// Thread-safety: test code.
#include "estimation/gradient_state_circuit.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/statevector/shots.h"
#include "backends/statevector/statevector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"
#include "testing/random_circuit.h"

namespace qgrad::estimation {
namespace {

using ::testing::HasSubstr;

// Test helper: a random real Pauli sum on n qubits with 1..12 terms of weights 0..n
// (identity terms included), coefficients in [−2, 2), and some repeated strings.
PauliSum RandomPauliSumForTest(int n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> coeff(-2.0, 2.0);
  const int terms = 1 + static_cast<int>(rng() % 12);
  std::vector<PauliTerm> out;
  for (int t = 0; t < terms; ++t) {
    if (!out.empty() && rng() % 6 == 0) {  // a like string, to be merged
      out.push_back({coeff(rng), out[rng() % out.size()].string});
      continue;
    }
    const int weight = static_cast<int>(rng() % (n + 1));
    std::vector<int> qubits(n);
    for (int q = 0; q < n; ++q) qubits[q] = q;
    std::shuffle(qubits.begin(), qubits.end(), rng);
    PauliString p;
    for (int k = 0; k < weight; ++k) {
      p.set(qubits[k], static_cast<PauliLetter>(1 + rng() % 3));
    }
    out.push_back({coeff(rng), p});
  }
  return PauliSum(std::move(out));
}

// Test helper: Parse with theta_k bound to params[k].
absl::StatusOr<qasm::ParsedProgram> ParseBound(const std::string& text,
                                              const std::vector<double>& params) {
  qasm::ParseOptions options;
  for (size_t k = 0; k < params.size(); ++k) {
    options.bindings[absl::StrCat("theta_", k)] = params[k];
  }
  return qasm::Parse(text, options);
}

// Test helper: values for a parsed program's inputs (bound ones are substituted already,
// but stay declared), theta_k = params[k].
std::vector<double> InputsForTest(const qasm::ParsedProgram& program,
                                  const std::vector<double>& params) {
  std::vector<double> out;
  for (const std::string& name : program.param_names) {
    int k = -1;
    EXPECT_EQ(std::sscanf(name.c_str(), "theta_%d", &k), 1) << name;
    out.push_back(k >= 0 && k < static_cast<int>(params.size()) ? params[k] : 0.0);
  }
  return out;
}

// Test helper: the parsed program without its (terminal) measurements, after checking
// that they are exactly anc[i] = measure q[n + i] into classical bit n + i.
Circuit UnitaryPartForTest(const qasm::ParsedProgram& program, int n) {
  Circuit out(program.circuit.num_qubits());
  out.DeclareParams(program.circuit.num_params());
  int measures = 0;
  for (const Gate& g : program.circuit.gates()) {
    if (g.kind == GateKind::kMeasure) {
      EXPECT_EQ(g.qubits[0], n + measures);
      EXPECT_EQ(g.clbit, n + measures);
      ++measures;
      continue;
    }
    EXPECT_TRUE(out.Append(g).ok());
  }
  EXPECT_EQ(measures, program.circuit.num_qubits() - n);
  return out;
}

// (1 + η·shift) I − η D as a Pauli sum.
PauliSum GuidedOperatorForTest(const PauliSum& d, double eta, double shift) {
  PauliSum identity({{Complex(1.0 + eta * shift, 0.0), PauliString{}}});
  return identity - d * Complex(eta, 0.0);
}

struct CaseForTest {
  Circuit current;
  std::vector<double> params;
  PauliSum d;
  double eta = 0.0;
  double shift = 0.0;
};

CaseForTest RandomCaseForTest(std::mt19937_64& rng, const sv::Simulator& sim) {
  CaseForTest c;
  const int n = 1 + static_cast<int>(rng() % 8);
  testing::RandomCircuitOptions options;
  options.num_qubits = n;
  options.num_gates = 6 + static_cast<int>(rng() % 20);
  options.num_params = 1 + static_cast<int>(rng() % 4);
  options.control_probability = n > 1 ? 0.25 : 0.0;
  c.current = testing::RandomCircuit(options, rng);
  c.params = testing::RandomParams(c.current.num_params(), rng);
  c.d = RandomPauliSumForTest(n, rng);
  // η·‖D‖₁ from 0.02 to 4: past 1 the identity coefficient's sign varies.
  const double norm = c.d.OneNorm();
  std::uniform_real_distribution<double> r(0.02, 4.0);
  c.eta = norm > 0.0 ? r(rng) / norm : 0.5;
  if (rng() % 2 == 0) {
    absl::StatusOr<sv::StateVector> psi = sim.Prepare(c.current, c.params);
    c.shift = psi.ok() ? sv::Expectation(*psi, c.d) : 0.0;
  }
  return c;
}

struct ExactnessForTest {
  double worst_amplitude = 0.0;
  double worst_probability = 0.0;
};

// Test helper: builds the case's circuit with `encoding`, emits and parses it, and checks
// that the ancilla-0 block is (I − η(D − s))ψ/λ to 1e-10 (normalized too: no global
// phase) and that its norm is the post-selection formula's probability.
absl::StatusOr<GradientStateCircuit> ExpectPreparesGuidedState(const CaseForTest& c,
                                                               GuidedEncoding encoding,
                                                               ExactnessForTest& worst) {
  sv::Simulator sim;
  const int n = c.current.num_qubits();
  absl::StatusOr<GradientStateCircuit> lcu =
      BuildGradientStateCircuit(c.current, c.d, c.eta, c.shift, encoding);
  if (!lcu.ok()) return lcu.status();
  absl::StatusOr<std::string> text = EmitProgram(lcu->circuit, n, "");
  EXPECT_TRUE(text.ok()) << text.status();
  absl::StatusOr<qasm::ParsedProgram> parsed = ParseBound(*text, c.params);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << *text;
  if (!parsed.ok()) return lcu;
  EXPECT_EQ(parsed->circuit.num_qubits(), n + lcu->ancilla_qubits);
  Circuit unitary = UnitaryPartForTest(*parsed, n);
  absl::StatusOr<sv::StateVector> full = sim.Prepare(unitary, InputsForTest(*parsed, c.params));
  EXPECT_TRUE(full.ok()) << full.status();

  // Oracle: the current circuit's own state (not the parsed text), then the Pauli sum.
  absl::StatusOr<sv::StateVector> psi = sim.Prepare(c.current, c.params);
  absl::StatusOr<sv::StateVector> guided = sv::StateVector::Create(n);
  EXPECT_TRUE(psi.ok() && guided.ok());
  if (!full.ok() || !psi.ok() || !guided.ok()) return lcu;
  sv::ApplyPauliSum(GuidedOperatorForTest(c.d, c.eta, c.shift), *psi, *guided);
  const double guided_norm2 = guided->NormSquared();

  // The ancilla-0 block is the first 2^n amplitudes.
  double projected_norm2 = 0.0;
  for (size_t i = 0; i < guided->size(); ++i) {
    const sv::Amplitude got = full->data()[i];
    const sv::Amplitude want = guided->data()[i] / lcu->lambda;
    worst.worst_amplitude = std::max(worst.worst_amplitude, std::abs(got - want));
    EXPECT_LT(std::abs(got - want), 1e-10) << "amplitude " << i;
    projected_norm2 += std::norm(got);
  }
  if (guided_norm2 > 1e-8) {
    for (size_t i = 0; i < guided->size(); ++i) {
      const sv::Amplitude got = full->data()[i] / std::sqrt(projected_norm2);
      const sv::Amplitude want = guided->data()[i] / std::sqrt(guided_norm2);
      EXPECT_LT(std::abs(got - want), 1e-10) << "normalized amplitude " << i;
    }
  }
  const double formula = PostSelectionProbability(guided_norm2, lcu->lambda);
  worst.worst_probability = std::max(worst.worst_probability, std::abs(projected_norm2 - formula));
  EXPECT_NEAR(projected_norm2, formula, 1e-10);
  return lcu;
}

TEST(GradientStateCircuitTest, EmittedProgramPreparesGuidedStateExactly) {
  std::mt19937_64 rng(20261204);
  sv::Simulator sim;
  int negative_identity = 0, negative_other = 0, with_ancillas = 0;
  ExactnessForTest worst;
  for (int trial = 0; trial < 60; ++trial) {
    SCOPED_TRACE(trial);
    CaseForTest c = RandomCaseForTest(rng, sim);
    SCOPED_TRACE(c.d.ToString());
    absl::StatusOr<GradientStateCircuit> lcu =
        ExpectPreparesGuidedState(c, GuidedEncoding::kLcu, worst);
    ASSERT_TRUE(lcu.ok()) << lcu.status();
    EXPECT_EQ(lcu->encoding, GuidedEncoding::kLcu);
    for (const LcuTerm& t : lcu->terms) {
      (t.pauli.is_identity() ? negative_identity : negative_other) += t.negative;
    }
    with_ancillas += lcu->ancilla_qubits > 0;
    ASSERT_FALSE(HasFailure());
  }
  // The random cases must cover both signs of c_0, negative Pauli terms and ancillas.
  EXPECT_GT(negative_identity, 0);
  EXPECT_GT(negative_other, 0);
  EXPECT_GT(with_ancillas, 50);
  std::cout << "worst amplitude error " << worst.worst_amplitude << ", worst probability error "
            << worst.worst_probability << ", negative c_0 cases " << negative_identity << "\n";
}

TEST(GradientStateCircuitTest, DiagonalEncodingPreparesGuidedStateExactly) {
  // Z-only sums on 1..6 qubits: the diagonal block (one ancilla, 2^n ry and cx) is exact
  // like the LCU and has a λ no larger.
  std::mt19937_64 rng(20261205);
  sv::Simulator sim;
  ExactnessForTest worst;
  int negative_diagonal = 0;
  for (int trial = 0; trial < 40; ++trial) {
    SCOPED_TRACE(trial);
    CaseForTest c = RandomCaseForTest(rng, sim);
    const int n = c.current.num_qubits();
    if (n > kMaxDiagonalEncodingQubits) continue;
    PauliSum z_only;
    for (const PauliTerm& t : c.d.terms()) z_only.AddTerm(t.coeff, PauliString{0, t.string.x | t.string.z});
    c.d = z_only;
    SCOPED_TRACE(c.d.ToString());
    absl::StatusOr<GradientStateCircuit> diagonal =
        ExpectPreparesGuidedState(c, GuidedEncoding::kDiagonal, worst);
    ASSERT_TRUE(diagonal.ok()) << diagonal.status();
    EXPECT_EQ(diagonal->encoding, GuidedEncoding::kDiagonal);
    EXPECT_EQ(diagonal->ancilla_qubits, 1);
    const GateCounts added = [&] {
      Circuit block(n + 1);
      for (size_t i = c.current.gates().size(); i < diagonal->circuit.gates().size(); ++i) {
        EXPECT_TRUE(block.Append(diagonal->circuit.gates()[i]).ok());
      }
      return block.Counts();
    }();
    EXPECT_EQ(added.two_qubit, 1 << n);
    EXPECT_EQ(added.total, 2 << n);
    absl::StatusOr<GradientStateCircuit> lcu =
        ExpectPreparesGuidedState(c, GuidedEncoding::kLcu, worst);
    ASSERT_TRUE(lcu.ok()) << lcu.status();
    EXPECT_LE(diagonal->lambda, lcu->lambda + 1e-12);
    // kAuto: the diagonal block unless the LCU is one term (then it needs no ancilla).
    absl::StatusOr<GradientStateCircuit> chosen =
        BuildGradientStateCircuit(c.current, c.d, c.eta, c.shift);
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(chosen->encoding,
              lcu->terms.size() > 1 ? GuidedEncoding::kDiagonal : GuidedEncoding::kLcu);
    for (const LcuTerm& t : lcu->terms) negative_diagonal += t.negative;
    ASSERT_FALSE(HasFailure());
  }
  EXPECT_GT(negative_diagonal, 0);
  std::cout << "diagonal: worst amplitude error " << worst.worst_amplitude << "\n";
}

TEST(GradientStateCircuitTest, DiagonalEncodingErrors) {
  Circuit current(2);
  absl::StatusOr<PauliSum> x = PauliSum::Parse("X0 + Z1");
  absl::StatusOr<PauliSum> z = PauliSum::Parse("Z0 Z1");
  ASSERT_TRUE(x.ok() && z.ok());
  EXPECT_EQ(BuildGradientStateCircuit(current, *x, 0.1, 0.0, GuidedEncoding::kDiagonal)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto lcu = BuildGradientStateCircuit(current, *x, 0.1);  // kAuto: not diagonal
  ASSERT_TRUE(lcu.ok());
  EXPECT_EQ(lcu->encoding, GuidedEncoding::kLcu);
  Circuit wide(kMaxDiagonalEncodingQubits + 1);
  EXPECT_EQ(BuildGradientStateCircuit(wide, *z, 0.1, 0.0, GuidedEncoding::kDiagonal)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto auto_wide = BuildGradientStateCircuit(wide, *z, 0.1);
  ASSERT_TRUE(auto_wide.ok());
  EXPECT_EQ(auto_wide->encoding, GuidedEncoding::kLcu);
}

TEST(GradientStateCircuitTest, SampledPostSelectionRateMatchesFormula) {
  std::mt19937_64 rng(77);
  sv::Simulator sim;
  int cases = 0;
  while (cases < 6) {
    CaseForTest c = RandomCaseForTest(rng, sim);
    const int n = c.current.num_qubits();
    absl::StatusOr<GradientStateCircuit> lcu =
        BuildGradientStateCircuit(c.current, c.d, c.eta, c.shift);
    ASSERT_TRUE(lcu.ok()) << lcu.status();
    if (lcu->ancilla_qubits == 0) continue;
    ++cases;
    SCOPED_TRACE(c.d.ToString());
    std::string suffix;
    const std::vector<std::string> qubits = SystemQubitOperands(n);
    const std::vector<std::string> bits = SystemBitOperands(n);
    for (int q = 0; q < n; ++q) absl::StrAppend(&suffix, bits[q], " = measure ", qubits[q], ";\n");
    absl::StatusOr<std::string> text = EmitProgram(lcu->circuit, n, suffix);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<qasm::ParsedProgram> parsed = ParseBound(*text, c.params);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_EQ(parsed->clbit_names.size(), static_cast<size_t>(n + lcu->ancilla_qubits));
    EXPECT_EQ(parsed->clbit_names[0], "sys[0]");
    EXPECT_EQ(parsed->clbit_names[n], "anc[0]");

    sv::ShotOptions options;
    options.shots = 20000;
    options.seed = 1000 + cases;
    absl::StatusOr<std::vector<uint64_t>> shots =
        sv::RunShots(sim, parsed->circuit, InputsForTest(*parsed, c.params), options);
    ASSERT_TRUE(shots.ok()) << shots.status();
    int64_t passed = 0;
    for (uint64_t shot : *shots) passed += (shot >> n) == 0;
    const double rate = static_cast<double>(passed) / options.shots;

    absl::StatusOr<sv::StateVector> psi = sim.Prepare(c.current, c.params);
    ASSERT_TRUE(psi.ok());
    absl::StatusOr<sv::StateVector> guided = sv::StateVector::Create(n);
    ASSERT_TRUE(guided.ok());
    sv::ApplyPauliSum(GuidedOperatorForTest(c.d, c.eta, c.shift), *psi, *guided);
    const double p = PostSelectionProbability(guided->NormSquared(), lcu->lambda);
    const double se = std::sqrt(p * (1.0 - p) / options.shots);
    std::cout << "n=" << n << " a=" << lcu->ancilla_qubits << " formula " << p << " sampled "
              << rate << " (" << (se > 0 ? (rate - p) / se : 0.0) << " s.e.)\n";
    EXPECT_LE(std::abs(rate - p), 3.0 * se + 1e-12);
  }
}

TEST(LcuTermsTest, MergesLikeStringsAndDropsZeros) {
  absl::StatusOr<PauliSum> d = PauliSum::Parse("0.5 * Z0 + 0.25 * Z0 + X1 - X1 + 0.5 * Y0 X1");
  ASSERT_TRUE(d.ok());
  absl::StatusOr<std::vector<LcuTerm>> terms = LcuTerms(*d, 2.0, 0.0);
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->size(), 3u);  // I, Z0 (merged), Y0 X1; X1 − X1 dropped
  EXPECT_TRUE((*terms)[0].pauli.is_identity());
  EXPECT_DOUBLE_EQ((*terms)[0].alpha, 1.0);
  EXPECT_FALSE((*terms)[0].negative);
  EXPECT_EQ((*terms)[1].pauli.ToString(), "Z0");
  EXPECT_DOUBLE_EQ((*terms)[1].alpha, 1.5);
  EXPECT_TRUE((*terms)[1].negative);
  EXPECT_EQ((*terms)[2].pauli.ToString(), "Y0 X1");
  EXPECT_DOUBLE_EQ((*terms)[2].alpha, 1.0);
}

TEST(LcuTermsTest, IdentityCoefficientCombinesShiftAndSign) {
  absl::StatusOr<PauliSum> d = PauliSum::Parse("3 + Z0 - 2 * X0");
  ASSERT_TRUE(d.ok());
  // c_0 = 1 − η(3 − s) = 1 − 0.5·(3 − 0.5) = −0.25; c_Z = −0.5; c_X = +1.
  absl::StatusOr<std::vector<LcuTerm>> terms = LcuTerms(*d, 0.5, 0.5);
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 3u);
  EXPECT_DOUBLE_EQ((*terms)[0].alpha, 0.25);
  EXPECT_TRUE((*terms)[0].negative);
  double lambda = 0.0;
  bool saw_x = false;
  for (const LcuTerm& t : *terms) {
    lambda += t.alpha;
    if (t.pauli.ToString() == "X0") {
      saw_x = true;
      EXPECT_FALSE(t.negative);
      EXPECT_DOUBLE_EQ(t.alpha, 1.0);
    }
  }
  EXPECT_TRUE(saw_x);
  EXPECT_DOUBLE_EQ(lambda, 1.75);
  // η = 0: the identity alone.
  terms = LcuTerms(*d, 0.0, 0.0);
  ASSERT_TRUE(terms.ok());
  ASSERT_EQ(terms->size(), 1u);
  EXPECT_TRUE((*terms)[0].pauli.is_identity());
}

TEST(LcuTermsTest, Errors) {
  absl::StatusOr<PauliSum> complex_d = PauliSum::Parse("(0.5+1j) * Z0");
  ASSERT_TRUE(complex_d.ok());
  EXPECT_THAT(LcuTerms(*complex_d, 0.1, 0.0).status().message(), HasSubstr("Hermitian"));
  absl::StatusOr<PauliSum> d = PauliSum::Parse("Z0 + 0.5 * X1");
  ASSERT_TRUE(d.ok());
  for (double bad : std::vector<double>{std::nan(""), INFINITY, -INFINITY}) {
    EXPECT_EQ(LcuTerms(*d, bad, 0.0).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(LcuTerms(*d, 0.1, bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  PauliSum infinite({{Complex(INFINITY, 0.0), PauliString{1, 0}}});
  EXPECT_EQ(LcuTerms(infinite, 0.1, 0.0).status().code(), absl::StatusCode::kInvalidArgument);
  // Overflow of λ = Σ |η·d_j|.
  EXPECT_EQ(LcuTerms(*d, 1.5e308, 0.0).status().code(), absl::StatusCode::kInvalidArgument);
  // I − η·I = 0: nothing to prepare.
  absl::StatusOr<PauliSum> identity = PauliSum::Parse("2");
  ASSERT_TRUE(identity.ok());
  EXPECT_THAT(LcuTerms(*identity, 0.5, 0.0).status().message(), HasSubstr("zero"));
}

TEST(GradientStateCircuitTest, AncillaCountIsCeilLog2OfTermCount) {
  Circuit current(5);
  ASSERT_TRUE(current.Add(GateKind::kH, {0}).ok());
  for (int m = 1; m <= 20; ++m) {
    // m − 1 distinct Z strings plus the identity (η small: c_0 > 0).
    PauliSum d;
    for (int j = 1; j < m; ++j) d.AddTerm(0.1 * j, PauliString{0, static_cast<uint64_t>(j)});
    absl::StatusOr<GradientStateCircuit> lcu =
        BuildGradientStateCircuit(current, d, 0.01, 0.0, GuidedEncoding::kLcu);
    ASSERT_TRUE(lcu.ok()) << lcu.status();
    ASSERT_EQ(lcu->terms.size(), static_cast<size_t>(m));
    const int want = static_cast<int>(std::ceil(std::log2(static_cast<double>(m))));
    EXPECT_EQ(lcu->ancilla_qubits, want) << "m=" << m;
    EXPECT_EQ(lcu->circuit.num_qubits(), 5 + want);
    EXPECT_EQ(lcu->system_qubits, 5);
    EXPECT_TRUE(lcu->circuit.IsUnitary());
    // PREPARE: at most 2^a − 1 tree gates, twice; SELECT: one gate per letter, no sign
    // gates (all terms but the identity are negative here).
    int letters = 0;
    for (const LcuTerm& t : lcu->terms) letters += t.pauli.weight();
    EXPECT_LE(lcu->circuit.gates().size(),
              1u + 2u * ((1u << want) - 1u) + static_cast<size_t>(letters));
  }
}

TEST(GradientStateCircuitTest, SingleTermNeedsNoAncilla) {
  // D = 2·I + Z0, η = 0.5: c_0 = 0, so I − ηD = −0.5·Z0 and the state is −Z0ψ exactly.
  absl::StatusOr<PauliSum> d = PauliSum::Parse("2 + Z0");
  ASSERT_TRUE(d.ok());
  Circuit current(2);
  ASSERT_TRUE(current.Add(GateKind::kRY, {0}, {Angle::Param(0)}).ok());
  ASSERT_TRUE(current.Add(GateKind::kCX, {0, 1}).ok());
  absl::StatusOr<GradientStateCircuit> lcu = BuildGradientStateCircuit(current, *d, 0.5);
  ASSERT_TRUE(lcu.ok()) << lcu.status();
  EXPECT_EQ(lcu->ancilla_qubits, 0);
  EXPECT_DOUBLE_EQ(lcu->lambda, 0.5);
  absl::StatusOr<std::string> text = EmitProgram(lcu->circuit, 2, "");
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, ::testing::Not(HasSubstr("anc")));
  EXPECT_THAT(*text, HasSubstr("input float[64] theta_0;"));
  absl::StatusOr<qasm::ParsedProgram> parsed = ParseBound(*text, {0.7});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  sv::Simulator sim;
  absl::StatusOr<sv::StateVector> got = sim.Prepare(parsed->circuit, InputsForTest(*parsed, {0.7}));
  absl::StatusOr<sv::StateVector> psi = sim.Prepare(current, {0.7});
  ASSERT_TRUE(got.ok() && psi.ok());
  const double c = std::cos(0.35), s = std::sin(0.35);
  const sv::Amplitude want[4] = {-c, 0.0, 0.0, s};  // −Z0 (c|00⟩ + s|11⟩)
  for (int i = 0; i < 4; ++i) EXPECT_LT(std::abs(got->data()[i] - want[i]), 1e-12) << i;
}

TEST(GradientStateCircuitTest, InputErrors) {
  absl::StatusOr<PauliSum> d = PauliSum::Parse("Z0 Z2");
  ASSERT_TRUE(d.ok());
  Circuit two(2);
  EXPECT_EQ(BuildGradientStateCircuit(two, *d, 0.1).status().code(),
            absl::StatusCode::kInvalidArgument);
  Circuit measured(3, 1);
  ASSERT_TRUE(measured.AddMeasure(0, 0).ok());
  EXPECT_EQ(BuildGradientStateCircuit(measured, *d, 0.1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildGradientStateCircuit(Circuit(0), PauliSum(), 0.1).status().code(),
            absl::StatusCode::kInvalidArgument);
  Circuit three(3);
  EXPECT_EQ(EmitProgram(three, 0, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EmitProgram(three, 4, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EmitProgram(measured, 2, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SystemQubitOperands(2), (std::vector<std::string>{"q[0]", "q[1]"}));
  EXPECT_EQ(SystemBitOperands(2), (std::vector<std::string>{"sys[0]", "sys[1]"}));
}

// Sizes for the 8-node Max-Cut of the cube graph (3-regular, 12 edges):
// D = Σ_edges (Z_i Z_j − 1)/2, so m = 13 terms and a = 4 ancillas.
TEST(GradientStateCircuitTest, MaxCutCubeSizes) {
  const int edges[12][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {4, 5}, {5, 6},
                            {6, 7}, {7, 4}, {0, 4}, {1, 5}, {2, 6}, {3, 7}};
  PauliSum d;
  for (const auto& e : edges) {
    d.AddTerm(0.5, PauliString{0, (uint64_t{1} << e[0]) | (uint64_t{1} << e[1])});
    d.AddTerm(-0.5, PauliString{});
  }
  Circuit current(8);
  for (int q = 0; q < 8; ++q) ASSERT_TRUE(current.Add(GateKind::kH, {q}).ok());
  absl::StatusOr<GradientStateCircuit> lcu = BuildGradientStateCircuit(current, d, 0.1);
  ASSERT_TRUE(lcu.ok()) << lcu.status();
  EXPECT_EQ(lcu->terms.size(), 13u);
  EXPECT_EQ(lcu->ancilla_qubits, 4);
  std::map<int, int> by_controls;  // total qubits touched → count (LCU part only)
  std::map<std::string, int> by_name;
  for (size_t i = 8; i < lcu->circuit.gates().size(); ++i) {
    const Gate& g = lcu->circuit.gates()[i];
    ++by_controls[static_cast<int>(g.AllQubits().size())];
    ++by_name[absl::StrCat(g.controls.size(), "-controlled ", std::string(Info(g.kind).name))];
  }
  std::cout << "Max-Cut cube, eta=0.1: lambda " << lcu->lambda << ", LCU gates "
            << lcu->circuit.gates().size() - 8 << "\n";
  for (const auto& [name, count] : by_name) std::cout << "  " << name << ": " << count << "\n";
  // And it is exact: the ancilla-0 block is (I − 0.1 D)|+⟩^8 / λ.
  sv::Simulator sim;
  absl::StatusOr<sv::StateVector> full = sim.Prepare(lcu->circuit, {});
  absl::StatusOr<sv::StateVector> psi = sim.Prepare(current, {});
  absl::StatusOr<sv::StateVector> guided = sv::StateVector::Create(8);
  ASSERT_TRUE(full.ok() && psi.ok() && guided.ok());
  sv::ApplyPauliSum(GuidedOperatorForTest(d, 0.1, 0.0), *psi, *guided);
  for (size_t i = 0; i < guided->size(); ++i) {
    ASSERT_LT(std::abs(full->data()[i] - guided->data()[i] / lcu->lambda), 1e-12) << i;
  }
  std::cout << "  post-selection probability "
            << PostSelectionProbability(guided->NormSquared(), lcu->lambda) << "\n";
  EXPECT_EQ(by_controls[1] + by_controls[2] + by_controls[3] + by_controls[4] + by_controls[5],
            static_cast<int>(lcu->circuit.gates().size()) - 8);
}

}  // namespace
}  // namespace qgrad::estimation
