// EstimatePurity against a dense oracle (Tr of products of per-setting snapshot sums built
// by test_util.h) and against the exact purity of depolarized states, and the visibility
// rescaling read through the estimators.
#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "shadows/shadow.h"
#include "shadows/test_util.h"

namespace qgrad::shadows {
namespace {

using testing::DenseMatrix;
using testing::Vec;

// Tr ρ² of v|ψ⟩⟨ψ| + (1 − v) I/d.
double DepolarizedPurity(double v, int n) {
  const double d = std::ldexp(1.0, n);
  return v * v * (1.0 - 1.0 / d) + 1.0 / d;
}

std::vector<ReadoutError> TestReadout(int n) {
  std::vector<ReadoutError> readout;
  for (int q = 0; q < n; ++q) readout.push_back({0.02 + 0.01 * q, 0.05 - 0.01 * q});
  return readout;
}

// Σ_{i≠j} Tr(S_i S_j) / Σ_{i≠j} N_i N_j with S_i the dense sum of setting i's snapshots.
double DensePairPurity(const Shadow& shadow) {
  std::vector<DenseMatrix> sums;
  for (const SettingData& data : shadow.settings) {
    Shadow one = shadow;
    one.settings = {data};
    one.visibility = 1.0;
    sums.push_back(testing::Add(testing::Zero(1 << shadow.num_qubits), testing::DenseShadow(one),
                                static_cast<double>(data.shots)));
  }
  double total = 0.0, weight = 0.0;
  for (size_t i = 0; i < sums.size(); ++i) {
    for (size_t j = 0; j < sums.size(); ++j) {
      if (i == j) continue;
      for (int r = 0; r < sums[i].dim; ++r) {
        for (int c = 0; c < sums[i].dim; ++c) total += (sums[i].at(r, c) * sums[j].at(c, r)).real();
      }
      weight += static_cast<double>(shadow.settings[i].shots) *
                static_cast<double>(shadow.settings[j].shots);
    }
  }
  return total / weight;
}

class PurityTest : public ::testing::TestWithParam<std::tuple<Ensemble, bool>> {};
INSTANTIATE_TEST_SUITE_P(
    All, PurityTest,
    ::testing::Combine(::testing::Values(Ensemble::kPauli, Ensemble::kClifford), ::testing::Bool()),
    [](const auto& info) {
      return std::string(EnsembleName(std::get<0>(info.param))) +
             (std::get<1>(info.param) ? "_mitigated" : "_plain");
    });

TEST_P(PurityTest, EqualsTheDensePairSum) {
  const auto [ensemble, mitigated] = GetParam();
  for (int n = 1; n <= 3; ++n) {
    std::mt19937_64 rng(40 + n);
    const Vec psi = testing::RandomState(n, rng);
    Shadow shadow = testing::SimulateShadow(ensemble, psi, n, RandomSettings(ensemble, n, 9, n),
                                            7, rng, 0.8);
    if (mitigated) shadow.readout = TestReadout(n);
    shadow.visibility = 0.5;  // ignored: the purity is the measured state's
    auto purity = EstimatePurity(shadow);
    ASSERT_TRUE(purity.ok()) << purity.status();
    EXPECT_NEAR(purity->value, DensePairPurity(shadow), 1e-9) << n;
    EXPECT_EQ(purity->snapshots, shadow.TotalShots());
  }
}

TEST_P(PurityTest, UnbiasedAndCalibratedForDepolarizedStates) {
  const auto [ensemble, mitigated] = GetParam();
  const int n = 3;
  constexpr int kRepeats = 12;
  for (double v : {1.0, 0.7, 0.35}) {
    const double want = DepolarizedPurity(v, n);
    double sum = 0.0, sum_sq = 0.0, mean_error = 0.0;
    for (int r = 0; r < kRepeats; ++r) {
      std::mt19937_64 rng(1000 * r + static_cast<int>(100 * v));
      const Vec psi = testing::RandomState(n, rng);
      Shadow shadow = testing::SimulateShadow(
          ensemble, psi, n, RandomSettings(ensemble, n, 300, rng()), 10, rng, v);
      if (mitigated) {
        shadow.readout = TestReadout(n);
        testing::AddReadoutErrors(shadow.readout, rng, shadow);
      }
      auto purity = EstimatePurity(shadow);
      ASSERT_TRUE(purity.ok()) << purity.status();
      EXPECT_NEAR(purity->value, want, 4.5 * purity->std_error) << "v " << v << " repeat " << r;
      EXPECT_LE(purity->low, purity->value);
      EXPECT_GE(purity->high, purity->value);
      sum += purity->value;
      sum_sq += purity->value * purity->value;
      mean_error += purity->std_error / kRepeats;
    }
    // The reported standard error is that of the estimates' own spread (within 2×).
    const double mean = sum / kRepeats;
    const double spread = std::sqrt((sum_sq - kRepeats * mean * mean) / (kRepeats - 1));
    EXPECT_GT(spread, mean_error / 2) << v;
    EXPECT_LT(spread, mean_error * 2) << v;
    EXPECT_NEAR(mean, want, 4.0 * mean_error / std::sqrt(kRepeats)) << v;
  }
}

TEST_P(PurityTest, RescalingRecoversTheUndepolarizedState) {
  // A depolarized state's shadow, rescaled by the visibility its purity gives: the
  // fidelity with ψ is 1 and ψ's Pauli expectations come back (unrescaled: v times them).
  const auto [ensemble, mitigated] = GetParam();
  const int n = 3;
  const double v = 0.6;
  std::mt19937_64 rng(mitigated ? 5 : 6);
  const Vec psi = testing::RandomState(n, rng);
  Shadow shadow = testing::SimulateShadow(ensemble, psi, n, RandomSettings(ensemble, n, 2000, 17),
                                          20, rng, v);
  if (mitigated) {
    shadow.readout = TestReadout(n);
    testing::AddReadoutErrors(shadow.readout, rng, shadow);
  }
  auto purity = EstimatePurity(shadow);
  ASSERT_TRUE(purity.ok());
  shadow.visibility = VisibilityFromPurity(purity->value, n);
  EXPECT_NEAR(shadow.visibility, v, 0.05);
  const EstimatorOptions options{.groups = 5};
  auto fidelity = EstimateFidelity(shadow, psi, options);
  ASSERT_TRUE(fidelity.ok());
  EXPECT_NEAR(fidelity->value, 1.0, 0.08);
  std::vector<PauliString> strings;
  const PauliSum sum = testing::RandomPauliSum(n, 8, rng);
  for (const PauliTerm& t : sum.terms()) strings.push_back(t.string);
  auto each = EstimatePauliExpectations(shadow, strings, options);
  ASSERT_TRUE(each.ok());
  for (size_t j = 0; j < strings.size(); ++j) {
    const double exact = testing::Dot(psi, testing::Apply(testing::PauliMatrix(strings[j], n), psi)).real();
    // Shot noise, plus the error of the estimated v (the value scales by v / v̂).
    const double tolerance = 4.5 * (*each)[j].std_error +
                             std::abs(exact) * std::abs(1.0 - v / shadow.visibility);
    EXPECT_NEAR((*each)[j].value, exact, tolerance) << strings[j].ToString();
  }
}

TEST(PurityTest, ManySettingsAreBoundedByTheWorkLimit) {
  // 60,000 one-shot settings: 1.8·10^9 pairs in all; the estimate keeps the first
  // settings that fit (about 10^4), still unbiased, in bounded time and memory.
  std::mt19937_64 rng(8);
  const Vec psi = testing::RandomState(2, rng);
  const Shadow shadow = testing::SimulateShadow(
      Ensemble::kPauli, psi, 2, RandomSettings(Ensemble::kPauli, 2, 60'000, 9), 1, rng);
  auto purity = EstimatePurity(shadow);
  ASSERT_TRUE(purity.ok()) << purity.status();
  EXPECT_LT(purity->snapshots, 20'000);
  EXPECT_GT(purity->snapshots, 5'000);
  EXPECT_NEAR(purity->value, 1.0, 4.5 * purity->std_error);
}

TEST(PurityTest, VisibilityFromPurityInvertsTheModel) {
  for (int n : {1, 4, 10}) {
    for (double v : {0.0, 0.25, 0.9, 1.0}) {
      EXPECT_NEAR(VisibilityFromPurity(DepolarizedPurity(v, n), n), v, 1e-12);
    }
    EXPECT_EQ(VisibilityFromPurity(0.0, n), 0.0);  // below 1/d: noise
    EXPECT_EQ(VisibilityFromPurity(1.7, n), 1.0);  // above 1: noise
  }
}

TEST(PurityTest, Errors) {
  std::mt19937_64 rng(3);
  const Vec psi = testing::RandomState(2, rng);
  const Shadow one = testing::SimulateShadow(Ensemble::kPauli, psi, 2,
                                             RandomSettings(Ensemble::kPauli, 2, 1, 4), 50, rng);
  EXPECT_EQ(EstimatePurity(one).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EstimatePurity(Shadow{}).status().code(), absl::StatusCode::kInvalidArgument);
  Shadow wide;
  wide.ensemble = Ensemble::kClifford;
  wide.num_qubits = kMaxCliffordPurityQubits + 1;
  for (int k = 0; k < 2; ++k) {
    SettingData data;
    data.setting.clifford = std::make_shared<const Clifford>(Clifford::Random(wide.num_qubits, rng));
    data.counts = {{0, 1}};
    data.shots = 1;
    wide.settings.push_back(std::move(data));
  }
  ASSERT_TRUE(ValidateShadow(wide).ok());
  EXPECT_EQ(EstimatePurity(wide).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qgrad::shadows
