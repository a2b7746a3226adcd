// Shot execution: terminal sampling and per-shot trajectories against closed forms.
#include "backends/statevector/shots.h"

#include <cmath>

#include "gtest/gtest.h"

namespace qgrad::sv {
namespace {

// |observed − expected| within 5 standard deviations of a binomial count.
void ExpectBinomial(int64_t count, int64_t shots, double p) {
  const double sigma = std::sqrt(shots * p * (1 - p));
  EXPECT_NEAR(double(count), shots * p, 5 * sigma + 1e-9) << "p=" << p;
}

TEST(ShotsTest, TerminalMeasurementsMapQubitsToClassicalBits) {
  // ry(θ) on q0, measured into c[2]; q1 = |1⟩ measured into c[0]; c[1] never written.
  const double theta = 1.1;
  Circuit c(2, 3);
  ASSERT_TRUE(c.Add(GateKind::kRY, {0}, {Angle::Fixed(theta)}).ok());
  ASSERT_TRUE(c.Add(GateKind::kX, {1}).ok());
  ASSERT_TRUE(c.AddMeasure(0, 2).ok());
  ASSERT_TRUE(c.AddMeasure(1, 0).ok());
  Simulator sim;
  ShotOptions options{.shots = 20000, .seed = 9};
  absl::StatusOr<std::vector<uint64_t>> shots = RunShots(sim, c, {}, options);
  ASSERT_TRUE(shots.ok()) << shots.status();
  std::map<uint64_t, int64_t> counts = CountShots(*shots);
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0b001] + counts[0b101], 20000);
  ExpectBinomial(counts[0b101], 20000, std::pow(std::sin(theta / 2), 2));
  // Same seed, same shots; another seed, other shots.
  EXPECT_EQ(*RunShots(sim, c, {}, options), *shots);
  options.seed = 10;
  EXPECT_NE(*RunShots(sim, c, {}, options), *shots);
}

TEST(ShotsTest, MidCircuitMeasurementCollapsesTheState) {
  // h q0; c0 = measure q0; cx q0, q1; c1 = measure q1  →  c0 == c1 on every shot.
  Circuit c(2, 2);
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  ASSERT_TRUE(c.Add(GateKind::kCX, {0, 1}).ok());
  ASSERT_TRUE(c.AddMeasure(1, 1).ok());
  ASSERT_FALSE(c.MeasurementsAreTerminal());
  Simulator sim;
  absl::StatusOr<std::vector<uint64_t>> shots = RunShots(sim, c, {}, {.shots = 4000, .seed = 1});
  ASSERT_TRUE(shots.ok()) << shots.status();
  std::map<uint64_t, int64_t> counts = CountShots(*shots);
  EXPECT_EQ(counts[0b00] + counts[0b11], 4000);
  ExpectBinomial(counts[0b11], 4000, 0.5);
}

TEST(ShotsTest, MeasuringInTheMiddleDestroysInterference) {
  // h; measure; h: without the measurement the result would always be 0.
  Circuit c(1, 2);
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.AddMeasure(0, 1).ok());
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  Simulator sim;
  std::map<uint64_t, int64_t> counts = CountShots(*RunShots(sim, c, {}, {.shots = 4000, .seed = 2}));
  ExpectBinomial(counts[0b01] + counts[0b11], 4000, 0.5);
}

TEST(ShotsTest, ResetReturnsToZero) {
  Circuit c(2, 2);
  ASSERT_TRUE(c.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(c.Add(GateKind::kCX, {0, 1}).ok());
  Gate reset;
  reset.kind = GateKind::kReset;
  reset.qubits = {0};
  ASSERT_TRUE(c.Append(reset).ok());
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  ASSERT_TRUE(c.AddMeasure(1, 1).ok());
  Simulator sim;
  std::map<uint64_t, int64_t> counts = CountShots(*RunShots(sim, c, {}, {.shots = 2000, .seed = 3}));
  EXPECT_EQ(counts[0b00] + counts[0b10], 2000);  // q0 always 0 after reset
  ExpectBinomial(counts[0b10], 2000, 0.5);       // q1 keeps its half of the Bell pair
}

TEST(ShotsTest, RejectsBadRequests) {
  Circuit c(1, 1);
  ASSERT_TRUE(c.Add(GateKind::kRX, {0}, {Angle::Param(0)}).ok());
  ASSERT_TRUE(c.AddMeasure(0, 0).ok());
  Simulator sim;
  EXPECT_EQ(RunShots(sim, c, {}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<double> p = {0.1};
  EXPECT_EQ(RunShots(sim, c, p, {.shots = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(c.Add(GateKind::kX, {0}).ok());  // now non-terminal
  EXPECT_EQ(RunShots(sim, c, p, {.shots = 10, .seed = 1, .max_trajectory_shots = 5})
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace qgrad::sv
