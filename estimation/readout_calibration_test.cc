// Readout calibration and mitigated shadows-mode estimates through a backend with
// injected readout errors (noisy_results_test_backend.h).
#include "estimation/readout_calibration.h"

#include <cmath>
#include <memory>
#include <random>

#include "estimation/noisy_results_test_backend.h"
#include "estimation/shadow_estimator.h"
#include "gtest/gtest.h"
#include "optimizer/cost.h"

namespace qgrad::estimation {
namespace {


TEST(ReadoutCalibrationTest, RecoversEachQubitsRatesWithinFiveSigma) {
  const std::vector<shadows::ReadoutError> truth = {{0.02, 0.05}, {0.0, 0.1}, {0.08, 0.01}};
  NoisyResultsTestBackend backend(truth);
  optimizer::EstimationReport report;
  CalibrationRequest request;
  request.num_qubits = 3;
  request.shots = 20'000;
  request.seed = 11;
  auto readout = CalibrateReadout(backend, request, report);
  ASSERT_TRUE(readout.ok()) << readout.status();
  ASSERT_EQ(readout->size(), 3u);
  for (int q = 0; q < 3; ++q) {
    for (auto [got, want] : {std::pair{(*readout)[q].p01, truth[q].p01},
                             std::pair{(*readout)[q].p10, truth[q].p10}}) {
      const double sigma = std::sqrt(std::max(want * (1 - want), 1e-4) / 20'000.0);
      EXPECT_NEAR(got, want, 5 * sigma) << "qubit " << q;
    }
  }
  EXPECT_EQ(report.circuits, 2);
  EXPECT_EQ(report.shots, 40'000);
}

TEST(ReadoutCalibrationTest, ProgramsPrepareZerosAndOnes) {
  EXPECT_EQ(CalibrationProgram(2, 0),
            "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nc = measure q;\n");
  EXPECT_NE(CalibrationProgram(2, 1).find("x q[1];"), std::string::npos);
  optimizer::EstimationReport report;
  NoisyResultsTestBackend backend({});
  EXPECT_EQ(CalibrateReadout(backend, CalibrationRequest{}, report).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ⟨Z0 Z1⟩ + ⟨Z1 Z2⟩ of |000⟩ through 5 % / 8 % readout errors: far off without mitigation,
// within the interval with it.
TEST(ReadoutCalibrationTest, MitigatedShadowCostIsUnbiased) {
  const std::vector<shadows::ReadoutError> truth(3, shadows::ReadoutError{0.05, 0.08});
  auto h = PauliSum::Parse("Z0 Z1 + Z1 Z2");
  ASSERT_TRUE(h.ok());
  Circuit circuit(3);
  sv::Simulator simulator;
  for (bool mitigate : {false, true}) {
    NoisyResultsTestBackend backend(truth);
    ShadowEstimatorOptions options;
    options.shots_per_estimate = 40'000;
    options.shots_per_setting = 100;
    options.mitigate_readout = mitigate;
    options.calibration_shots = 20'000;
    options.seed = 5;
    auto cost = optimizer::Cost::Observable(*h);
    ASSERT_TRUE(cost.ok());
    ShadowGradientStateEstimator estimator(&backend, &simulator, *cost, options);
    estimator.BeginStream(0);
    auto estimate = estimator.Estimate(circuit, {}, optimizer::StepSize{.mode = optimizer::StepSize::Mode::kAbsolute, .value = 0.1});
    ASSERT_TRUE(estimate.ok()) << estimate.status();
    if (mitigate) {
      EXPECT_NEAR(estimate->cost, 2.0, 0.03);
      EXPECT_LE(estimate->report.cost.low, 2.0);
      EXPECT_GE(estimate->report.cost.high, 2.0);
      EXPECT_EQ(estimate->report.shots, 40'000 + 40'000);  // calibration + two shadows
    } else {
      EXPECT_LT(estimate->cost, 1.7);  // each ZZ of |00⟩ shrinks to (1 − 2·0.05)² = 0.81
    }
  }
}

}  // namespace
}  // namespace qgrad::estimation
