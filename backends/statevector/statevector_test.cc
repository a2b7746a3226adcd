// StateVector creation (memory check before allocating), copies, amplitudes, and
// Simulator::Run validation.
#include "backends/statevector/statevector.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace qgrad::sv {
namespace {

TEST(StateVector, CreateIsZeroStateAndAligned) {
  auto s = StateVector::Create(5);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 32u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(s->data()) % 64, 0u);
  EXPECT_EQ(s->data()[0], Amplitude(1.0));
  for (size_t i = 1; i < s->size(); ++i) EXPECT_EQ(s->data()[i], Amplitude(0.0));
  EXPECT_EQ(StateVector::BytesFor(5), 32u * 16);
  auto zero = StateVector::Create(0);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->size(), 1u);
}

TEST(StateVector, RefusesWhatMemoryCannotHoldBeforeAllocating) {
  // 2^40 × 16 B = 16 TiB and 2^36 × 16 B = 1 TiB: far beyond any test machine. If the
  // check ran after allocating, these would crash or be killed rather than return.
  for (int n : {kMaxQubits, 36}) {
    auto s = StateVector::Create(n);
    ASSERT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted) << n;
    EXPECT_NE(s.status().message().find("GiB of state vector"), std::string::npos)
        << s.status().message();
    EXPECT_NE(s.status().message().find("available"), std::string::npos);
  }
  EXPECT_EQ(StateVector::Create(-1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StateVector::Create(kMaxQubits + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StateVector, CopySetAmplitudesScale) {
  StateVector s = *StateVector::Create(2);
  EXPECT_EQ(s.SetAmplitudes({1, 1, 1}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.SetAmplitudes({0, 0, 0, 0}).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(s.SetAmplitudes({1, 0, 0, Amplitude(0, 1)}, /*normalize=*/true).ok());
  EXPECT_NEAR(s.NormSquared(), 1.0, 1e-15);
  StateVector c = s.Copy();
  s.Scale(Amplitude(0, 2));
  EXPECT_NEAR(std::abs(c.data()[3] - Amplitude(0, 1 / std::sqrt(2.0))), 0, 1e-15);
  EXPECT_NEAR(std::abs(s.data()[0] - Amplitude(0, 2 / std::sqrt(2.0))), 0, 1e-15);
  c.CopyFrom(s);
  EXPECT_EQ(c.data()[0], s.data()[0]);
  c.SetBasisState(2);
  EXPECT_EQ(c.data()[2], Amplitude(1.0));
  EXPECT_EQ(c.data()[0], Amplitude(0.0));
}

TEST(Simulator, RunValidates) {
  Simulator sim;
  Circuit circuit(2, 1);
  ASSERT_TRUE(circuit.Add(GateKind::kRX, {0}, {Angle::Param(1)}).ok());
  StateVector three = *StateVector::Create(3);
  StateVector two = *StateVector::Create(2);
  EXPECT_EQ(sim.Run(circuit, {0.1, 0.2}, three).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sim.Run(circuit, {0.1}, two).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(sim.Run(circuit, {0.1, 0.2}, two).ok());
  ASSERT_TRUE(circuit.AddMeasure(0, 0).ok());
  EXPECT_EQ(sim.Run(circuit, {0.1, 0.2}, two).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Simulator, BarriersAndGlobalPhase) {
  Circuit circuit(1);
  Gate barrier;
  barrier.kind = GateKind::kBarrier;
  barrier.qubits = {0};
  ASSERT_TRUE(circuit.Append(barrier).ok());
  ASSERT_TRUE(circuit.Add(GateKind::kGPhase, {}, {Angle::Fixed(0.5)}).ok());
  for (int fused : {0, 4}) {
    StateVector s = *StateVector::Create(1);
    ASSERT_TRUE(Simulator({.max_fused_qubits = fused}).Run(circuit, {}, s).ok());
    EXPECT_NEAR(std::abs(s.data()[0] - std::polar(1.0, 0.5)), 0, 1e-15);
  }
}

}  // namespace
}  // namespace qgrad::sv
