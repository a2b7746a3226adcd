// Tests of one program's preparation and execution: errors, sampling against exact
// probabilities (chi-square), trajectories, chunk seeds and cancellation.
#include "backends/local/program.h"

#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "backends/local/seeds.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qgrad::backends::local {
namespace {

using ::testing::HasSubstr;

constexpr char kHeader[] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

PreparedProgram PrepareOk(const std::string& body, int64_t shots,
                          std::map<std::string, double> inputs = {}) {
  absl::StatusOr<PreparedProgram> p =
      PrepareProgram(Program{absl::StrCat(kHeader, body), std::move(inputs), shots}, 0, {});
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return PreparedProgram{Circuit(0), 0};
  return *std::move(p);
}

ProgramResult RunOk(const PreparedProgram& p, uint64_t seed, bool memory = false) {
  sv::Simulator sim;
  std::atomic<bool> cancelled{false};
  absl::StatusOr<ProgramResult> r = RunProgram(sim, p, seed, memory, cancelled);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ProgramResult{};
}

int64_t CountOf(const ProgramResult& r, uint64_t value) {
  for (const auto& [v, c] : r.counts) {
    if (v == value) return c;
  }
  return 0;
}

TEST(PrepareTest, ErrorsNameTheProgram) {
  auto code_and_message = [](const std::string& text, int64_t shots,
                             std::map<std::string, double> inputs = {}) {
    ProgramLimits limits;
    limits.max_qubits = 4;
    limits.max_shots = 1000;
    limits.max_trajectory_shots = 100;
    absl::StatusOr<PreparedProgram> p =
        PrepareProgram(Program{absl::StrCat(kHeader, text), std::move(inputs), shots}, 7, limits);
    return std::make_pair(p.status().code(), std::string(p.status().message()));
  };
  using C = absl::StatusCode;
  auto [c1, m1] = code_and_message("qubit[2] q;\nh q[0]\n", 10);
  EXPECT_EQ(c1, C::kInvalidArgument);
  EXPECT_THAT(m1, testing::MatchesRegex("program 7: [0-9]+:[0-9]+: .*"));
  auto [c2, m2] = code_and_message("qubit[5] q;\n", 10);
  EXPECT_EQ(c2, C::kResourceExhausted);
  EXPECT_THAT(m2, HasSubstr("program 7: 5 qubits"));
  EXPECT_EQ(code_and_message("qubit[1] q;\n", 1001).first, C::kResourceExhausted);
  EXPECT_EQ(code_and_message("qubit[1] q;\n", 0).first, C::kInvalidArgument);
  EXPECT_EQ(code_and_message("qubit[1] q;\nbit[65] c;\n", 10).first, C::kResourceExhausted);
  auto [c3, m3] = code_and_message("input float[64] a;\nqubit[1] q;\nrx(a) q[0];\n", 10);
  EXPECT_EQ(c3, C::kInvalidArgument);
  EXPECT_THAT(m3, HasSubstr("input 'a' has no value"));
  auto [c4, m4] = code_and_message("qubit[1] q;\n", 10, {{"b", 1.0}});
  EXPECT_EQ(c4, C::kInvalidArgument);
  EXPECT_THAT(m4, HasSubstr("'b'"));
  // Mid-circuit measurement: each shot is a trajectory, so fewer are allowed.
  const std::string mid = "qubit[1] q;\nbit[2] c;\nc[0] = measure q[0];\nh q[0];\n"
                          "c[1] = measure q[0];\n";
  EXPECT_EQ(code_and_message(mid, 100).first, C::kOk);
  EXPECT_EQ(code_and_message(mid, 101).first, C::kResourceExhausted);
  // More inputs than the qubit limit are fine (the parser's declaration limit is not it).
  std::string many = "input array[float[64], 40] w;\nqubit[1] q;\n";
  std::map<std::string, double> values;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&many, "rx(w[", i, "]) q[0];\n");
    values[absl::StrCat("w[", i, "]")] = 0.1;
  }
  EXPECT_EQ(code_and_message(many, 10, values), std::make_pair(C::kOk, std::string()));
}

TEST(RunProgramTest, SampledFrequenciesMatchExactProbabilities) {
  // Three independent rotations: P(bits) is a product of cos²/sin² of half angles. Enough
  // shots for several sampling chunks.
  const double angles[3] = {0.7, 1.9, 2.6};
  const PreparedProgram p = PrepareOk(
      "qubit[3] q;\nbit[3] c;\nry(0.7) q[0];\nry(1.9) q[1];\nry(2.6) q[2];\nc = measure q;\n",
      3 * kSampleChunkShots + 17);
  const ProgramResult r = RunOk(p, 42);
  double chi2 = 0;
  for (uint64_t v = 0; v < 8; ++v) {
    double prob = 1;
    for (int q = 0; q < 3; ++q) {
      const double s = std::sin(angles[q] / 2);
      prob *= ((v >> q) & 1) ? s * s : 1 - s * s;
    }
    const double expected = prob * double(p.shots);
    chi2 += std::pow(double(CountOf(r, v)) - expected, 2) / expected;
  }
  // 7 degrees of freedom: P(chi² > 35) ≈ 1e-5.
  EXPECT_LT(chi2, 35.0);
  EXPECT_EQ(r.shots, p.shots);
}

TEST(RunProgramTest, TrajectoriesForMidCircuitMeasurementAndReset) {
  // c[0] measured before the cx: c[1] always equals c[0]; the reset qubit reads 0.
  const PreparedProgram p = PrepareOk(
      "qubit[3] q;\nbit[3] c;\nh q[0];\nc[0] = measure q[0];\ncx q[0], q[1];\n"
      "c[1] = measure q[1];\nx q[2];\nreset q[2];\nc[2] = measure q[2];\n",
      4000);
  const ProgramResult r = RunOk(p, 3, true);
  ASSERT_EQ(r.memory.size(), 4000u);
  EXPECT_EQ(CountOf(r, 0b00) + CountOf(r, 0b11), 4000);
  EXPECT_NEAR(double(CountOf(r, 0b11)), 2000, 5 * std::sqrt(1000.0));
}

TEST(RunProgramTest, DynamicProgramsRunShotByShot) {
  // Teleportation with classically controlled corrections: c2 reads ry(1.1)|0>'s 1 with
  // sin²(0.55) whatever c0 and c1 (uniform). Enough shots for several chunks.
  const PreparedProgram p = PrepareOk(
      "qubit[3] q;\nbit c0;\nbit c1;\nbit c2;\nry(1.1) q[0];\nh q[1];\ncx q[1], q[2];\n"
      "cx q[0], q[1];\nh q[0];\nc0 = measure q[0];\nc1 = measure q[1];\n"
      "if (c0 == 1) z q[2];\nif (c1 == 1) { x q[2]; }\nc2 = measure q[2];\n",
      3000);
  ASSERT_TRUE(p.dynamic);
  const ProgramResult r = RunOk(p, 11);
  EXPECT_EQ(r.num_clbits, 3);
  const double p1 = std::pow(std::sin(0.55), 2);
  double chi2 = 0;
  for (uint64_t v = 0; v < 8; ++v) {
    const double expected = double(p.shots) / 4 * ((v >> 2) ? p1 : 1 - p1);
    chi2 += std::pow(double(CountOf(r, v)) - expected, 2) / expected;
  }
  EXPECT_LT(chi2, 35.0);  // 7 degrees of freedom: P(chi² > 35) ≈ 1e-5
  const ProgramResult again = RunOk(p, 11);
  EXPECT_EQ(again.counts, r.counts);
  EXPECT_NE(RunOk(p, 12).counts, r.counts);
}

TEST(RunProgramTest, DynamicProgramLimits) {
  ProgramLimits limits;
  limits.max_qubits = 3;
  limits.max_trajectory_shots = 50;
  limits.max_operations = 1000;
  auto prepare = [&](const std::string& body, int64_t shots) {
    return PrepareProgram(Program{absl::StrCat(kHeader, body), {}, shots}, 2, limits);
  };
  absl::StatusOr<PreparedProgram> p = prepare("qubit q;\nbit c = measure q;\nif (c) x q;", 51);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted);
  // Qubits declared after the first dynamic step are counted when the shot reaches them.
  p = prepare("qubit q;\nbit c = measure q;\nif (c) x q;\nqubit[3] r;\nh r;", 5);
  ASSERT_TRUE(p.ok()) << p.status();
  sv::Simulator sim;
  std::atomic<bool> cancelled{false};
  absl::StatusOr<ProgramResult> r = RunProgram(sim, *p, 1, false, cancelled);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  p = prepare("qubit q;\nbit c = measure q;\nwhile (c == 0) { }", 5);
  ASSERT_TRUE(p.ok()) << p.status();
  r = RunProgram(sim, *p, 1, false, cancelled);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(RunProgramTest, ShotsDependOnlyOnTheSeed) {
  const PreparedProgram p = PrepareOk(
      "qubit[4] q;\nbit[4] c;\nh q;\nc = measure q;\n", kSampleChunkShots + 100);
  const ProgramResult a = RunOk(p, ProgramSeed(5, 0), true);
  EXPECT_EQ(RunOk(p, ProgramSeed(5, 0), true).memory, a.memory);
  EXPECT_NE(RunOk(p, ProgramSeed(5, 1), true).memory, a.memory);
  // Chunks draw from different generators: the second chunk does not repeat the first.
  EXPECT_FALSE(std::equal(a.memory.begin() + kSampleChunkShots, a.memory.end(),
                          a.memory.begin()));
}

TEST(RunProgramTest, AReusedWorkspaceGivesTheSameShots) {
  // Programs of different sizes through one workspace: each starts from |0…0⟩.
  sv::Simulator sim;
  std::atomic<bool> cancelled{false};
  Workspace workspace;
  const PreparedProgram three = PrepareOk("qubit[3] q;\nbit[3] c;\nh q[0];\nx q[2];\nc = measure q;\n", 200);
  const PreparedProgram two = PrepareOk("qubit[2] q;\nbit[2] c;\nh q;\nc = measure q;\n", 200);
  for (const PreparedProgram* p : {&three, &three, &two, &three}) {
    absl::StatusOr<ProgramResult> reused = RunProgram(sim, *p, 9, true, cancelled, &workspace);
    ASSERT_TRUE(reused.ok()) << reused.status();
    EXPECT_EQ(reused->memory, RunOk(*p, 9, true).memory);
  }
}

TEST(RunProgramTest, CountsMatchMemoryForWideAndSparseRegisters) {
  // 24 bits (counted by sorting) and 5 bits with fewer shots than values; the first and
  // last basis states (zero-probability neighbours) are drawn exactly.
  for (const char* body :
       {"qubit[2] q;\nbit[24] c;\nh q[0];\nx q[1];\nc[23] = measure q[0];\nc[0] = measure q[1];\n",
        "qubit[5] q;\nbit[5] c;\nh q[2];\nc = measure q;\n",
        "qubit[3] q;\nbit[3] c;\nx q;\nc = measure q;\n"}) {
    const ProgramResult r = RunOk(PrepareOk(body, 7), 4, true);
    ASSERT_EQ(r.memory.size(), 7u) << body;
    EXPECT_EQ(CountShots(r.memory), r.counts) << body;
    for (uint64_t shot : r.memory) {
      if (r.num_clbits == 24) {
        EXPECT_TRUE(shot == 1 || shot == ((uint64_t{1} << 23) | 1)) << shot;
      } else if (r.num_clbits == 5) {
        EXPECT_TRUE(shot == 0 || shot == 4) << shot;
      } else {
        EXPECT_EQ(shot, 7u);
      }
    }
  }
}

TEST(RunProgramTest, NoMeasurementReadsZero) {
  const ProgramResult r = RunOk(PrepareOk("qubit[2] q;\nh q[0];\n", 10), 1);
  EXPECT_EQ(r.num_clbits, 0);
  ASSERT_EQ(r.counts.size(), 1u);
  EXPECT_EQ(r.counts[0], std::make_pair(uint64_t{0}, int64_t{10}));
}

TEST(RunProgramTest, CancelledFlagStopsSamplingAndTrajectories) {
  sv::Simulator sim;
  std::atomic<bool> cancelled{true};
  for (const char* body : {"qubit[2] q;\nbit[2] c;\nh q[0];\nc = measure q;\n",
                           "qubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\nh q[0];\n"}) {
    const PreparedProgram p = PrepareOk(body, 1000);
    EXPECT_EQ(RunProgram(sim, p, 1, false, cancelled).status().code(),
              absl::StatusCode::kCancelled);
  }
}

TEST(SeedsTest, SplitMixMixes) {
  EXPECT_NE(ProgramSeed(1, 0), ProgramSeed(1, 1));
  EXPECT_NE(ProgramSeed(1, 0), ProgramSeed(2, 0));
  EXPECT_NE(ProgramSeed(0, 1), ProgramSeed(1, 0));
  // Neighbouring inputs differ in about half of the 64 bits.
  const int flipped = __builtin_popcountll(ProgramSeed(9, 3) ^ ProgramSeed(9, 4));
  EXPECT_GT(flipped, 16);
  EXPECT_LT(flipped, 48);
}

}  // namespace
}  // namespace qgrad::backends::local
