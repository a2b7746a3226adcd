// The shot-based estimator on a depolarizing device (noisy_results_test_backend.h): the raw
// indicator reads the noise as distance from the guided state; with rescale_visibility the
// indicator and the guided cost come back to the exact estimator's values.
#include <cmath>

#include "estimation/noisy_results_test_backend.h"
#include "estimation/shadow_estimator.h"
#include "gtest/gtest.h"
#include "optimizer/cost.h"
#include "optimizer/estimator.h"

namespace qgrad::estimation {
namespace {

Circuit TestCircuit() {
  Circuit circuit(3);
  circuit.DeclareParams(3);
  for (int q = 0; q < 3; ++q) EXPECT_TRUE(circuit.Add(GateKind::kRY, {q}, {Angle::Param(q)}).ok());
  EXPECT_TRUE(circuit.Add(GateKind::kCZ, {0, 1}).ok());
  EXPECT_TRUE(circuit.Add(GateKind::kCZ, {1, 2}).ok());
  return circuit;
}

TEST(VisibilityRescalingTest, IndicatorAndGuidedCostMatchTheExactOnesUnderDepolarizing) {
  auto h = PauliSum::Parse("Z0 Z1 + Z1 Z2 + 0.5 X0");
  ASSERT_TRUE(h.ok());
  auto cost = optimizer::Cost::Observable(*h);
  ASSERT_TRUE(cost.ok());
  const Circuit circuit = TestCircuit();
  const std::vector<double> params = {0.9, -0.4, 1.3};
  const optimizer::StepSize step{.mode = optimizer::StepSize::Mode::kAbsolute, .value = 0.3};
  sv::Simulator simulator;
  optimizer::ExactGradientStateEstimator exact_estimator(&simulator, *cost);
  auto exact = exact_estimator.Estimate(circuit, params, step);
  ASSERT_TRUE(exact.ok()) << exact.status();
  ASSERT_GT(exact->indicator, 0.02);  // a point away from a stationary one

  for (bool rescale : {false, true}) {
    NoisyResultsTestBackend backend({}, /*depolarizing=*/0.3);
    ShadowEstimatorOptions options;
    options.shots_per_estimate = 240'000;
    options.shots_per_setting = 10;
    options.rescale_visibility = rescale;
    options.seed = 11;
    ShadowGradientStateEstimator estimator(&backend, &simulator, *cost, options);
    estimator.BeginStream(0);
    auto estimate = estimator.Estimate(circuit, params, step);
    ASSERT_TRUE(estimate.ok()) << estimate.status();
    const optimizer::EstimationReport& report = estimate->report;
    if (!rescale) {
      // About 0.3·(1 − 1/8) of fidelity lost to the noise.
      EXPECT_GT(estimate->indicator, exact->indicator + 0.15);
      EXPECT_EQ(report.visibility, 0.0);
      continue;
    }
    // Post-selection keeps the ideal part at a higher rate than the uniform one, so the
    // system's visibility is above 0.7; it is well inside (0, 1).
    EXPECT_GT(report.visibility, 0.6);
    EXPECT_LT(report.visibility, 0.95);
    EXPECT_LE(report.visibility_interval.low, report.visibility);
    EXPECT_GE(report.visibility_interval.high, report.visibility);
    // About 3 standard errors: v's error (±0.016 here, at a post-selection rate near 0.2)
    // moves the indicator about one for one.
    EXPECT_NEAR(estimate->indicator, exact->indicator, 0.05);
    EXPECT_NEAR(estimate->guided_cost, exact->guided_cost, 0.2);
    // The synthesis target reads the rescaled shadow: ψ_t's fidelity is 1 − indicator.
    auto psi = simulator.Prepare(circuit, params);
    ASSERT_TRUE(psi.ok());
    auto applied = estimate->target->Apply(*psi);
    ASSERT_TRUE(applied.ok());
    EXPECT_NEAR(sv::InnerProduct(*psi, *applied).real(), 1.0 - estimate->indicator, 1e-9);
  }
}

TEST(VisibilityRescalingTest, NeedsTwoSettings) {
  ShadowEstimatorOptions options;
  options.shots_per_estimate = 200;
  options.shots_per_setting = 100;
  options.rescale_visibility = true;
  EXPECT_EQ(ValidateShadowEstimatorOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.shots_per_setting = 50;
  EXPECT_TRUE(ValidateShadowEstimatorOptions(options).ok());
}

}  // namespace
}  // namespace qgrad::estimation
