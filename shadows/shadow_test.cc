// Tests of the shadow estimators against dense-matrix oracles (test_util.h) and of their
// statistics over many seeded shadows.
#include "shadows/shadow.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>

#include "gtest/gtest.h"
#include "shadows/test_util.h"

namespace qgrad::shadows {
namespace {

using testing::DenseMatrix;
using testing::Vec;

double Expect(const DenseMatrix& m, const Vec& v) { return testing::Dot(v, testing::Apply(m, v)).real(); }

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(ShadowTest, EnsembleNamesAndTotalShots) {
  EXPECT_STREQ(EnsembleName(Ensemble::kPauli), "pauli");
  EXPECT_STREQ(EnsembleName(Ensemble::kClifford), "clifford");
  Shadow s;
  s.settings.resize(3);
  s.settings[0].shots = 5;
  s.settings[2].shots = 7;
  EXPECT_EQ(s.TotalShots(), 12);
}

TEST(ShadowTest, RandomPauliSettingsAreSeededAndUniform) {
  const std::vector<Setting> a = RandomSettings(Ensemble::kPauli, 7, 3000, 42);
  const std::vector<Setting> b = RandomSettings(Ensemble::kPauli, 7, 3000, 42);
  const std::vector<Setting> c = RandomSettings(Ensemble::kPauli, 7, 3000, 43);
  ASSERT_EQ(a.size(), 3000u);
  int letters[4] = {0, 0, 0, 0};
  int differ = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].basis, b[k].basis);
    differ += !(a[k].basis == c[k].basis);
    EXPECT_EQ(a[k].basis.x | a[k].basis.z, 0x7fu);
    for (int q = 0; q < 7; ++q) ++letters[static_cast<int>(a[k].basis.letter(q))];
  }
  EXPECT_GT(differ, 2900);
  // 21,000 letters, 7,000 expected each; ±5 standard deviations ≈ ±340.
  for (int l = 1; l <= 3; ++l) EXPECT_NEAR(letters[l], 7000, 340) << l;
}

TEST(ShadowTest, QasmSuffixRotatesAndMeasures) {
  Setting s;
  s.basis.set(0, PauliLetter::kX);
  s.basis.set(1, PauliLetter::kY);
  s.basis.set(2, PauliLetter::kZ);
  const std::vector<std::string> q = {"q[0]", "q[1]", "q[2]"};
  const std::vector<std::string> c = {"s[0]", "s[1]", "s[2]"};
  EXPECT_EQ(QasmSuffix(Ensemble::kPauli, s, q, c),
            "h q[0];\nsdg q[1];\nh q[1];\ns[0] = measure q[0];\ns[1] = measure q[1];\n"
            "s[2] = measure q[2];\n");
}

TEST(ShadowTest, CliffordQasmSuffixIsTheGatesThenMeasures) {
  const std::vector<Setting> s = RandomSettings(Ensemble::kClifford, 2, 1, 3);
  ASSERT_EQ(s.size(), 1u);
  ASSERT_NE(s[0].clifford, nullptr);
  EXPECT_EQ(s[0].clifford->num_qubits(), 2);
  const std::vector<std::string> q = {"q[4]", "q[5]"};
  const std::vector<std::string> c = {"m[0]", "m[1]"};
  EXPECT_EQ(QasmSuffix(Ensemble::kClifford, s[0], q, c),
            s[0].clifford->Qasm(q) + "m[0] = measure q[4];\nm[1] = measure q[5];\n");
}

// One shadow of a random 3-qubit state with distinct and repeated bases.
struct Fixture {
  int n;
  Vec psi;
  Shadow shadow;
};
Fixture MakeFixture(Ensemble ensemble, int n, int settings, int shots, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Fixture f{n, testing::RandomState(n, rng), {}};
  std::vector<Setting> s = RandomSettings(ensemble, n, settings, seed + 1);
  s.push_back(s.front());  // a repeated basis
  f.shadow = testing::SimulateShadow(ensemble, f.psi, n, s, shots, rng);
  return f;
}

TEST(ShadowTest, SimulatedOutcomesFollowTheRotatedState) {
  // The test helper's sampling against |⟨b|U|ψ⟩|² from the dense rotation.
  std::mt19937_64 rng(11);
  const int n = 3;
  const Vec psi = testing::RandomState(n, rng);
  Setting s;
  s.basis.set(0, PauliLetter::kY);
  s.basis.set(1, PauliLetter::kX);
  s.basis.set(2, PauliLetter::kZ);
  const Shadow shadow = testing::SimulateShadow(Ensemble::kPauli, psi, n, {s}, 200000, rng);
  const Vec rotated = testing::Apply(testing::BasisRotation(s.basis, n), psi);
  std::vector<double> freq(8, 0.0);
  for (const auto& [b, c] : shadow.settings[0].counts) freq[b] = c / 200000.0;
  for (int b = 0; b < 8; ++b) EXPECT_NEAR(freq[b], std::norm(rotated[b]), 0.005) << b;
}

// Test helper: distinct readout errors per qubit, up to 0.1.
std::vector<ReadoutError> TestReadout(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ReadoutError> readout(n);
  for (ReadoutError& e : readout) e = {0.1 * testing::Uniform(rng), 0.1 * testing::Uniform(rng)};
  return readout;
}

Fixture WithReadout(Fixture f, bool mitigate) {
  if (mitigate) f.shadow.readout = TestReadout(f.shadow.num_qubits, 99);
  return f;
}

// With mitigation the oracle spreads each read outcome over the prepared ones.
class ShadowDenseTest : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Readout, ShadowDenseTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "mitigated" : "plain"; });

TEST_P(ShadowDenseTest, PauliEstimatorsEqualDenseSnapshotMean) {
  for (int n = 1; n <= 4; ++n) {
    Fixture f = WithReadout(MakeFixture(Ensemble::kPauli, n, 30, 7, 100 + n), GetParam());
    f.shadow.visibility = n % 2 == 0 ? 0.6 : 1.0;  // the rescaled estimators on even n
    const DenseMatrix rho = testing::DenseShadow(f.shadow);
    std::mt19937_64 rng(n);
    const EstimatorOptions plain{.groups = 1};
    // Expectations of single strings and of a sum, against Tr(P ρ̂).
    const PauliSum sum = testing::RandomPauliSum(n, 6, rng);
    std::vector<PauliString> strings;
    for (const PauliTerm& t : sum.terms()) strings.push_back(t.string);
    auto each = EstimatePauliExpectations(f.shadow, strings, plain);
    ASSERT_TRUE(each.ok()) << each.status();
    for (size_t j = 0; j < strings.size(); ++j) {
      double tr = 0.0;
      const DenseMatrix p = testing::PauliMatrix(strings[j], n);
      for (int r = 0; r < rho.dim; ++r)
        for (int c = 0; c < rho.dim; ++c) tr += (p.at(r, c) * rho.at(c, r)).real();
      EXPECT_NEAR((*each)[j].value, tr, 1e-12) << strings[j].ToString();
    }
    auto total = EstimateExpectation(f.shadow, sum, plain);
    ASSERT_TRUE(total.ok());
    double tr = 0.0;
    const DenseMatrix h = testing::SumMatrix(sum, n);
    for (int r = 0; r < rho.dim; ++r)
      for (int c = 0; c < rho.dim; ++c) tr += (h.at(r, c) * rho.at(c, r)).real();
    EXPECT_NEAR(total->value, tr, 1e-12);
    EXPECT_EQ(total->snapshots, f.shadow.TotalShots());

    // Fidelity (butterfly) against the brute-force ⟨φ|ρ̂|φ⟩, and ρ̂|χ⟩.
    for (const Vec& phi : {f.psi, testing::RandomState(n, rng)}) {
      auto fid = EstimateFidelity(f.shadow, phi, plain);
      ASSERT_TRUE(fid.ok());
      EXPECT_NEAR(fid->value, Expect(rho, phi), 1e-12);
      auto applied = ApplyShadow(f.shadow, phi);
      ASSERT_TRUE(applied.ok());
      const Vec want = testing::Apply(rho, phi);
      for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(std::abs((*applied)[i] - want[i]), 0.0, 1e-12);
    }
  }
}

TEST_P(ShadowDenseTest, CliffordEstimatorsEqualDenseSnapshotMean) {
  // The oracle builds each snapshot from Clifford::StabilizerState; the estimators use
  // Overlap, AddProjection and PauliValue (mitigated: the Clifford applied to states).
  for (int n = 1; n <= 3; ++n) {
    Fixture f = WithReadout(MakeFixture(Ensemble::kClifford, n, 12, 5, 200 + n), GetParam());
    f.shadow.visibility = n == 2 ? 0.45 : 1.0;
    const DenseMatrix rho = testing::DenseShadow(f.shadow);
    std::mt19937_64 rng(n);
    const EstimatorOptions plain{.groups = 1};
    const Vec phi = testing::RandomState(n, rng);
    auto fid = EstimateFidelity(f.shadow, phi, plain);
    ASSERT_TRUE(fid.ok()) << fid.status();
    EXPECT_NEAR(fid->value, Expect(rho, phi), 1e-9);
    auto applied = ApplyShadow(f.shadow, phi);
    ASSERT_TRUE(applied.ok());
    const Vec want = testing::Apply(rho, phi);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(std::abs((*applied)[i] - want[i]), 0.0, 1e-9);
    const PauliSum sum = testing::RandomPauliSum(n, 5, rng);
    auto total = EstimateExpectation(f.shadow, sum, plain);
    ASSERT_TRUE(total.ok());
    double tr = 0.0;
    const DenseMatrix h = testing::SumMatrix(sum, n);
    for (int r = 0; r < rho.dim; ++r)
      for (int c = 0; c < rho.dim; ++c) tr += (h.at(r, c) * rho.at(c, r)).real();
    EXPECT_NEAR(total->value, tr, 1e-9);
  }
}

TEST(ShadowTest, ValidationErrors) {
  const Fixture f = MakeFixture(Ensemble::kPauli, 2, 6, 3, 7);
  const auto invalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(EstimateFidelity(f.shadow, f.psi, {.groups = 2}).status().code(), invalid);
  EXPECT_EQ(EstimateFidelity(f.shadow, f.psi, {.groups = 0}).status().code(), invalid);
  EXPECT_EQ(EstimateFidelity(f.shadow, f.psi, {.groups = 9}).status().code(), invalid);  // 7 settings
  EXPECT_EQ(EstimateFidelity(f.shadow, f.psi, {.confidence = 1.0}).status().code(), invalid);
  EXPECT_EQ(EstimateFidelity(f.shadow, f.psi, {.confidence = 0.0}).status().code(), invalid);
  EXPECT_EQ(EstimateFidelity(f.shadow, Vec(8), {}).status().code(), invalid);
  EXPECT_EQ(ApplyShadow(f.shadow, Vec(2)).status().code(), invalid);
  PauliString far;
  far.set(2, PauliLetter::kX);
  EXPECT_EQ(EstimatePauliExpectations(f.shadow, {far}).status().code(), invalid);
  EXPECT_EQ(EstimateExpectation(f.shadow, PauliSum({{1.0, far}})).status().code(), invalid);
  EXPECT_EQ(EstimateExpectation(f.shadow, PauliSum({{Complex(0, 1), PauliString{1, 0}}})).status().code(),
            invalid);
  EXPECT_EQ(EstimateFidelity(Shadow{}, f.psi).status().code(), invalid);
  Shadow bad = f.shadow;
  bad.settings[0].shots += 1;
  EXPECT_EQ(ValidateShadow(bad).code(), invalid);
  bad = f.shadow;
  bad.settings[0].setting.basis = PauliString{};
  EXPECT_EQ(ValidateShadow(bad).code(), invalid);
  bad = f.shadow;
  bad.settings[0].counts.push_back({4, 0});
  EXPECT_EQ(ValidateShadow(bad).code(), invalid);
  for (double v : {0.0, -0.5, 1.5, std::nan("")}) {
    bad = f.shadow;
    bad.visibility = v;
    EXPECT_EQ(ValidateShadow(bad).code(), invalid) << v;
  }
  EXPECT_TRUE(ValidateShadow(f.shadow).ok());
  EXPECT_TRUE(EstimateFidelity(f.shadow, f.psi, {.groups = 7}).ok());
}

TEST(ShadowTest, IdentityStringIsExact) {
  const Fixture f = MakeFixture(Ensemble::kPauli, 2, 10, 3, 9);
  auto e = EstimatePauliExpectations(f.shadow, {PauliString{}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)[0].value, 1.0);
  EXPECT_EQ((*e)[0].std_error, 0.0);
  auto c = EstimateExpectation(f.shadow, PauliSum({{2.5, PauliString{}}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value, 2.5);
  EXPECT_EQ(c->std_error, 0.0);
}

TEST(ShadowTest, SameBitsForAnyThreadCount) {
  // Large enough (n = 10, 200 settings) that the parallel paths run.
  std::mt19937_64 rng(5);
  const int n = 10;
  Shadow shadow;
  shadow.num_qubits = n;
  for (const Setting& s : RandomSettings(Ensemble::kPauli, n, 200, 6)) {
    std::map<uint64_t, int64_t> counts;
    for (int k = 0; k < 20; ++k) ++counts[rng() & 1023];
    shadow.settings.push_back({s, {counts.begin(), counts.end()}, 20});
  }
  const Vec phi = testing::RandomState(n, rng);
  auto f1 = EstimateFidelity(shadow, phi, {.threads = 1});
  auto f2 = EstimateFidelity(shadow, phi, {.threads = 2});
  auto f3 = EstimateFidelity(shadow, phi, {.threads = 3});
  ASSERT_TRUE(f1.ok() && f2.ok() && f3.ok());
  EXPECT_TRUE(SameBits(f1->value, f2->value) && SameBits(f1->value, f3->value));
  EXPECT_TRUE(SameBits(f1->std_error, f2->std_error) && SameBits(f1->std_error, f3->std_error));
  auto a1 = ApplyShadow(shadow, phi, 1);
  auto a2 = ApplyShadow(shadow, phi, 2);
  auto a3 = ApplyShadow(shadow, phi, 3);
  ASSERT_TRUE(a1.ok() && a2.ok() && a3.ok());
  for (size_t i = 0; i < a1->size(); ++i) {
    ASSERT_TRUE(SameBits((*a1)[i].real(), (*a2)[i].real()) && SameBits((*a1)[i].imag(), (*a2)[i].imag()));
    ASSERT_TRUE(SameBits((*a1)[i].real(), (*a3)[i].real()) && SameBits((*a1)[i].imag(), (*a3)[i].imag()));
  }
  // ⟨χ|ρ̂|χ⟩ is the fidelity's plain mean.
  auto plain = EstimateFidelity(shadow, phi, {.groups = 1});
  ASSERT_TRUE(plain.ok());
  EXPECT_NEAR(testing::Dot(phi, *a1).real(), plain->value, 1e-9 * std::abs(plain->value) + 1e-9);
}

// Statistics over many seeded shadows of random states: estimators unbiased (mean error
// within 3 standard errors of zero) and intervals covering the truth at their nominal rate
// ±5 %.
struct Tally {
  std::vector<double> errors;
  int covered95 = 0;
  int covered80 = 0;
  void Add(double error, const Estimate& e95, const Estimate& e80, double truth) {
    errors.push_back(error);
    covered95 += e95.low <= truth && truth <= e95.high;
    covered80 += e80.low <= truth && truth <= e80.high;
  }
  void Check(const std::string& what, bool coverage = true) const {
    const double m = static_cast<double>(errors.size());
    double mean = 0.0, sq = 0.0;
    for (double e : errors) mean += e / m;
    for (double e : errors) sq += (e - mean) * (e - mean);
    const double se = std::sqrt(sq / (m - 1) / m);
    EXPECT_LE(std::abs(mean), 3 * se) << what << ": mean error " << mean << " se " << se;
    std::printf("%-40s mean %+.4f se %.4f cov95 %.3f cov80 %.3f\n", what.c_str(), mean, se, covered95 / m, covered80 / m);
    if (!coverage) return;
    EXPECT_NEAR(covered95 / m, 0.95, 0.05) << what;
    EXPECT_NEAR(covered80 / m, 0.80, 0.05) << what;
  }
};

void CheckPauliStatistics(int n, int seeds, int settings, int shots, int groups) {
  Tally expectation, self_fidelity, other_fidelity, applied;
  Tally plain_expectation, plain_fidelity;
  for (int seed = 0; seed < seeds; ++seed) {
    std::mt19937_64 rng(1000 * n + seed);
    const Vec psi = testing::RandomState(n, rng);
    const Vec other = testing::RandomState(n, rng);
    // Terms of weight ≤ 2, so that each is hit by a few dozen of the settings: the
    // intervals are calibrated for about normal means, and a weight-3 term hit by ~7 of
    // 200 settings is not yet (its 80 % intervals cover ~74 %).
    const PauliSum obs = testing::RandomPauliSum(n, 4, rng, /*max_weight=*/2);
    const Shadow shadow = testing::SimulateShadow(
        Ensemble::kPauli, psi, n, RandomSettings(Ensemble::kPauli, n, settings, rng()), shots, rng);
    const EstimatorOptions o95{.groups = groups, .confidence = 0.95};
    const EstimatorOptions o80{.groups = groups, .confidence = 0.80};
    const EstimatorOptions p95{.groups = 1, .confidence = 0.95};
    const EstimatorOptions p80{.groups = 1, .confidence = 0.80};

    const double truth = Expect(testing::SumMatrix(obs, n), psi);
    Estimate e95 = *EstimateExpectation(shadow, obs, o95), e80 = *EstimateExpectation(shadow, obs, o80);
    expectation.Add(e95.value - truth, e95, e80, truth);
    e95 = *EstimateExpectation(shadow, obs, p95), e80 = *EstimateExpectation(shadow, obs, p80);
    plain_expectation.Add(e95.value - truth, e95, e80, truth);

    e95 = *EstimateFidelity(shadow, psi, o95), e80 = *EstimateFidelity(shadow, psi, o80);
    self_fidelity.Add(e95.value - 1.0, e95, e80, 1.0);
    const double overlap = std::norm(testing::Dot(other, psi));
    e95 = *EstimateFidelity(shadow, other, o95), e80 = *EstimateFidelity(shadow, other, o80);
    other_fidelity.Add(e95.value - overlap, e95, e80, overlap);
    e95 = *EstimateFidelity(shadow, other, p95), e80 = *EstimateFidelity(shadow, other, p80);
    plain_fidelity.Add(e95.value - overlap, e95, e80, overlap);

    const Vec rho_other = *ApplyShadow(shadow, other);
    applied.Add(testing::Dot(other, rho_other).real() - overlap, e95, e80, overlap);
  }
  const std::string tag = "n=" + std::to_string(n) + " ";
  expectation.Check(tag + "expectation");
  plain_expectation.Check(tag + "expectation K=1");
  self_fidelity.Check(tag + "fidelity with the state");
  other_fidelity.Check(tag + "fidelity with another state");
  plain_fidelity.Check(tag + "fidelity K=1");
  applied.Check(tag + "<chi|rho chi>", /*coverage=*/false);
}

TEST(ShadowStatisticsTest, PauliEstimatorsUnbiasedAndCalibrated) {
  for (int n = 2; n <= 5; ++n) CheckPauliStatistics(n, 600, 200, 5, 5);
}

TEST(ShadowStatisticsTest, CliffordEstimatorsUnbiasedAndCalibrated) {
  std::mt19937_64 probe(0);
  if (Clifford::Random(3, probe).gates().empty()) {
    GTEST_SKIP() << "clifford.cc is the stub (identity Cliffords)";
  }
  for (int n = 2; n <= 3; ++n) {
    Tally self_fidelity, other_fidelity, applied, expectation;
    for (int seed = 0; seed < 600; ++seed) {
      std::mt19937_64 rng(5000 * n + seed);
      const Vec psi = testing::RandomState(n, rng);
      const Vec other = testing::RandomState(n, rng);
      const PauliSum obs = testing::RandomPauliSum(n, 3, rng, /*max_weight=*/2);
      const Shadow shadow = testing::SimulateShadow(
          Ensemble::kClifford, psi, n, RandomSettings(Ensemble::kClifford, n, 200, rng()), 2, rng);
      const EstimatorOptions o95{.groups = 5, .confidence = 0.95};
      const EstimatorOptions o80{.groups = 5, .confidence = 0.80};
      Estimate e95 = *EstimateFidelity(shadow, psi, o95), e80 = *EstimateFidelity(shadow, psi, o80);
      self_fidelity.Add(e95.value - 1.0, e95, e80, 1.0);
      const double overlap = std::norm(testing::Dot(other, psi));
      e95 = *EstimateFidelity(shadow, other, o95), e80 = *EstimateFidelity(shadow, other, o80);
      other_fidelity.Add(e95.value - overlap, e95, e80, overlap);
      applied.Add(testing::Dot(other, *ApplyShadow(shadow, other)).real() - overlap, e95, e80, overlap);
      const double truth = Expect(testing::SumMatrix(obs, n), psi);
      e95 = *EstimateExpectation(shadow, obs, o95), e80 = *EstimateExpectation(shadow, obs, o80);
      expectation.Add(e95.value - truth, e95, e80, truth);
    }
    const std::string tag = "clifford n=" + std::to_string(n) + " ";
    self_fidelity.Check(tag + "fidelity with the state");
    other_fidelity.Check(tag + "fidelity with another state");
    applied.Check(tag + "<chi|rho chi>", /*coverage=*/false);
    expectation.Check(tag + "expectation");
  }
}

// Readout errors bias the plain estimators; mitigated ones are unbiased and calibrated.
void CheckMitigatedStatistics(Ensemble ensemble, int n, int seeds) {
  const std::vector<ReadoutError> readout(n, ReadoutError{0.05, 0.10});
  Tally fidelity, expectation, plain_fidelity, plain_expectation;
  for (int seed = 0; seed < seeds; ++seed) {
    std::mt19937_64 rng(7000 * n + seed + (ensemble == Ensemble::kPauli ? 0 : 500000));
    const Vec psi = testing::RandomState(n, rng);
    const PauliSum obs = testing::RandomPauliSum(n, 3, rng, /*max_weight=*/2);
    Shadow shadow = testing::SimulateShadow(ensemble, psi, n,
                                            RandomSettings(ensemble, n, 200, rng()), 5, rng);
    testing::AddReadoutErrors(readout, rng, shadow);
    const EstimatorOptions o95{.groups = 5, .confidence = 0.95};
    const EstimatorOptions o80{.groups = 5, .confidence = 0.80};
    const double truth = Expect(testing::SumMatrix(obs, n), psi);
    Estimate e95 = *EstimateFidelity(shadow, psi, o95), e80 = *EstimateFidelity(shadow, psi, o80);
    plain_fidelity.Add(e95.value - 1.0, e95, e80, 1.0);
    e95 = *EstimateExpectation(shadow, obs, o95), e80 = *EstimateExpectation(shadow, obs, o80);
    plain_expectation.Add(e95.value - truth, e95, e80, truth);
    shadow.readout = readout;
    e95 = *EstimateFidelity(shadow, psi, o95), e80 = *EstimateFidelity(shadow, psi, o80);
    fidelity.Add(e95.value - 1.0, e95, e80, 1.0);
    e95 = *EstimateExpectation(shadow, obs, o95), e80 = *EstimateExpectation(shadow, obs, o80);
    expectation.Add(e95.value - truth, e95, e80, truth);
  }
  const std::string tag = std::string(EnsembleName(ensemble)) + " n=" + std::to_string(n) + " ";
  fidelity.Check(tag + "mitigated fidelity");
  expectation.Check(tag + "mitigated expectation");
  // Without mitigation the fidelity is biased low by many standard errors.
  double mean = 0.0;
  for (double e : plain_fidelity.errors) mean += e / plain_fidelity.errors.size();
  EXPECT_LT(mean, -0.1) << tag << "plain fidelity error";
}

TEST(ShadowStatisticsTest, MitigatedPauliEstimatorsUnbiasedAndCalibrated) {
  CheckMitigatedStatistics(Ensemble::kPauli, 3, 400);
}

TEST(ShadowStatisticsTest, MitigatedCliffordEstimatorsUnbiasedAndCalibrated) {
  CheckMitigatedStatistics(Ensemble::kClifford, 3, 400);
}

TEST(ShadowTest, MatchedEstimatesAreMitigatedToo) {
  // All qubits measured in Z on |0…0⟩ read through readout errors: ⟨Z_q⟩ = 1 exactly, and
  // the mitigated matched estimate recovers it within its interval.
  const int n = 3;
  Shadow shadow;
  shadow.num_qubits = n;
  std::mt19937_64 rng(3);
  for (int k = 0; k < 50; ++k) {
    SettingData data;
    data.setting.basis = PauliString{.x = 0, .z = 0b111};
    data.counts = {{0, 100}};
    data.shots = 100;
    shadow.settings.push_back(data);
  }
  const std::vector<ReadoutError> readout(n, ReadoutError{0.08, 0.02});
  testing::AddReadoutErrors(readout, rng, shadow);
  const std::vector<PauliString> strings = {PauliString{.x = 0, .z = 0b001},
                                            PauliString{.x = 0, .z = 0b011}};
  auto plain = EstimateMatchedPauliExpectations(shadow, strings);
  shadow.readout = readout;
  auto mitigated = EstimateMatchedPauliExpectations(shadow, strings);
  ASSERT_TRUE(plain.ok() && mitigated.ok());
  for (size_t j = 0; j < strings.size(); ++j) {
    EXPECT_LT((*plain)[j].high, 0.95) << j;  // 1 − 2·0.08 per qubit, far from 1
    EXPECT_LE((*mitigated)[j].low, 1.0) << j;
    EXPECT_GE((*mitigated)[j].high, 1.0) << j;
    EXPECT_NEAR((*mitigated)[j].value, 1.0, 0.05) << j;
  }
  shadow.readout.resize(2);
  EXPECT_EQ(EstimateMatchedPauliExpectations(shadow, strings).status().code(),
            absl::StatusCode::kInvalidArgument);
  shadow.readout = std::vector<ReadoutError>(n, ReadoutError{0.5, 0.0});
  EXPECT_EQ(EstimateMatchedPauliExpectations(shadow, strings).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qgrad::shadows
