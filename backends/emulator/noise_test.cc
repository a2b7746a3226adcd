// Statistical tests of the noisy execution against analytic expectations (5 sigma):
// readout error rates per measured qubit, depolarizing noise on a chain of identity-
// equivalent one-qubit gates (from a `gate` definition) and on a chain of cz gates. With
// max_trajectories = shots every shot is an independent trajectory, so the counts are
// binomial.
#include "backends/emulator/noise.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "qasm/qasm.h"

namespace qgrad::backends::emulator {
namespace {

Circuit Parse(const std::string& text) {
  auto parsed = qasm::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? parsed->circuit : Circuit();
}

std::vector<uint64_t> Shots(const Circuit& c, int64_t shots, const NoiseModel& noise,
                          uint64_t seed = 1) {
  const sv::Simulator simulator;
  auto shots_taken = RunNoisy(simulator, c, shots, noise, seed);
  EXPECT_TRUE(shots_taken.ok()) << shots_taken.status();
  EXPECT_EQ(int64_t(shots_taken->size()), shots);
  return *shots_taken;
}

// |observed − expected| within 5 binomial standard deviations of `n` trials.
void ExpectRate(int64_t hits, int64_t n, double p) {
  EXPECT_NEAR(double(hits) / n, p, 5 * std::sqrt(p * (1 - p) / n) + 1e-12)
      << hits << " of " << n << ", expected rate " << p;
}

TEST(NoiseTest, NoiselessBellHasOnlyEqualBits) {
  const Circuit bell = Parse(
      "OPENQASM 3.0; include \"stdgates.inc\"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1];"
      " c = measure q;");
  int64_t zeros = 0;
  for (uint64_t s : Shots(bell, 2000, {})) {
    ASSERT_TRUE(s == 0 || s == 3) << s;
    zeros += s == 0;
  }
  ExpectRate(zeros, 2000, 0.5);
}

TEST(NoiseTest, ReadoutErrorFollowsTheMeasuredQubit) {
  // Bit 0 reads qubit 1 (prepared 1), bit 1 reads qubit 0 (prepared 0).
  const Circuit c = Parse(
      "OPENQASM 3.0; include \"stdgates.inc\"; qubit[2] q; bit[2] c; x q[1];"
      " c[0] = measure q[1]; c[1] = measure q[0];");
  NoiseModel noise;
  noise.readout_per_qubit = {{0.1, 0.3}, {0.05, 0.2}};  // qubit 0: p01 = 0.1; qubit 1: p10 = 0.2
  const int64_t n = 20000;
  int64_t bit0_zero = 0, bit1_one = 0;
  for (uint64_t s : Shots(c, n, noise)) {
    bit0_zero += (s & 1) == 0;
    bit1_one += (s >> 1) & 1;
  }
  ExpectRate(bit0_zero, n, 0.2);
  ExpectRate(bit1_one, n, 0.1);
}

// k calls of a two-X gate definition: 2k primitive X gates on |0⟩. Each is followed, with
// probability p, by X, Y or Z; X and Y flip the outcome, so a gate flips it with
// q = 2p/3 and P(1) = (1 − (1 − 2q)^(2k)) / 2.
TEST(NoiseTest, OneQubitDepolarizingMatchesTheFlipChain) {
  const int k = 5;
  std::string text = "OPENQASM 3.0; include \"stdgates.inc\"; gate twox a { x a; x a; }"
                     " qubit[1] q; bit[1] c;";
  for (int i = 0; i < k; ++i) text += " twox q[0];";
  text += " c[0] = measure q[0];";
  const Circuit c = Parse(text);
  ASSERT_EQ(c.gates().size(), size_t(2 * k + 1));  // the definition is inlined
  const int64_t n = 4000;
  double last_rate = 0;
  for (double p : {0.0, 0.02, 0.05, 0.1}) {
    NoiseModel noise;
    noise.depolarizing_1q = p;
    noise.depolarizing_2q = 0.5;  // no 2-qubit gate: no effect
    noise.max_trajectories = n;
    int64_t ones = 0;
    for (uint64_t s : Shots(c, n, noise, 7)) ones += s;
    const double expected = (1 - std::pow(1 - 4 * p / 3, 2 * k)) / 2;
    ExpectRate(ones, n, expected);
    EXPECT_GE(double(ones) / n, last_rate - 0.02);
    last_rate = double(ones) / n;
  }
  EXPECT_GT(last_rate, 0.2);
}

// n cz gates on |00⟩. A uniformly random non-identity two-qubit Pauli has the X-part (the
// outcome flip pattern) 00 with probability 3/15 and each other pattern with 4/15; cz
// keeps X-parts, so the outcome is the XOR of the errors' X-parts:
// P(00) = (1 + 3 (1 − 16p/15)^n) / 4.
TEST(NoiseTest, TwoQubitDepolarizingMatchesTheAnalyticValue) {
  const int gates = 8;
  std::string text = "OPENQASM 3.0; include \"stdgates.inc\"; qubit[2] q; bit[2] c;";
  for (int i = 0; i < gates; ++i) text += " cz q[0], q[1];";
  text += " c = measure q;";
  const Circuit c = Parse(text);
  const int64_t n = 4000;
  for (double p : {0.03, 0.1}) {
    NoiseModel noise;
    noise.depolarizing_2q = p;
    noise.max_trajectories = n;
    int64_t clean = 0;
    for (uint64_t s : Shots(c, n, noise, 11)) clean += s == 0;
    ExpectRate(clean, n, (1 + 3 * std::pow(1 - 16 * p / 15, gates)) / 4);
  }
}

TEST(NoiseTest, SeededAndSplitIntoTrajectories) {
  const Circuit c = Parse(
      "OPENQASM 3.0; include \"stdgates.inc\"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1];"
      " c = measure q;");
  NoiseModel noise;
  noise.depolarizing_1q = 0.1;
  noise.depolarizing_2q = 0.2;
  noise.readout = {0.05, 0.05};
  noise.max_trajectories = 4;
  EXPECT_EQ(Shots(c, 1001, noise, 3), Shots(c, 1001, noise, 3));
  EXPECT_NE(Shots(c, 1001, noise, 3), Shots(c, 1001, noise, 4));
}

TEST(NoiseTest, MidCircuitMeasurement) {
  const Circuit c = Parse(
      "OPENQASM 3.0; include \"stdgates.inc\"; qubit[1] q; bit[2] c; c[0] = measure q[0];"
      " x q[0]; c[1] = measure q[0];");
  for (uint64_t s : Shots(c, 50, {})) EXPECT_EQ(s, 2u);
  EXPECT_EQ(MeasuredQubits(c), (std::vector<int>{0, 0}));
}

TEST(NoiseTest, CancelStopsBetweenTrajectories) {
  const Circuit c = Parse("OPENQASM 3.0; qubit[1] q; bit[1] c; c[0] = measure q[0];");
  NoiseModel noise;
  noise.depolarizing_1q = 0.1;
  std::atomic<bool> cancelled{true};
  const sv::Simulator simulator;
  EXPECT_EQ(RunNoisy(simulator, c, 100, noise, 1, &cancelled).status().code(),
            absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace qgrad::backends::emulator
