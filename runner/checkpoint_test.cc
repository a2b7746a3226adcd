// Checkpoints and stopping through RunJob: the circuit IR survives encoding exactly, a run
// resumed from any of its checkpoints ends with the uninterrupted run's result (wall-clock
// fields aside), corrupt checkpoints (NaN included) are refused, a should_stop that fires
// after k polls ends every method with CANCELLED at poll k + 1, and ValidateJob reports a
// valid spec's shape.
//
// Thread-safety: single-threaded tests.
#include "runner/checkpoint.h"

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runner/json_io.h"
#include "runner/runner.h"

namespace qgrad::runner {
namespace {

// A circuit with every field the IR has: controls, affine angles, Pauli strings, an
// explicit unitary, measurement.
Circuit EveryKindOfGate() {
  Circuit c(3, 1);
  EXPECT_TRUE(c.Add(GateKind::kH, {0}).ok());
  EXPECT_TRUE(c.Add(GateKind::kU, {1}, {Angle::Fixed(0.1), Angle::Param(0, -2.5, 0.3),
                                         Angle::Fixed(1.0 / 3)}).ok());
  Gate controlled;
  controlled.kind = GateKind::kRY;
  controlled.qubits = {2};
  controlled.angles = {Angle::Param(1, 0.5)};
  controlled.controls = {0, 1};
  controlled.control_values = {true, false};
  EXPECT_TRUE(c.Append(controlled).ok());
  PauliString p;
  p.set(0, PauliLetter::kX);
  p.set(1, PauliLetter::kY);
  p.set(2, PauliLetter::kZ);
  EXPECT_TRUE(c.AddPauliRotation(p, Angle::Param(2)).ok());
  const double s = 1.0 / std::sqrt(2.0);
  Gate unitary;
  unitary.kind = GateKind::kUnitary;
  unitary.qubits = {1};
  unitary.matrix = {{s, 0}, {0, -s}, {0, -s}, {s, 0}};  // exp(−iπ/4 X)
  EXPECT_TRUE(c.Append(unitary).ok());
  EXPECT_TRUE(c.AddMeasure(2, 0).ok());
  c.DeclareParams(5);
  return c;
}

TEST(CheckpointTest, CircuitRoundTripIsExact) {
  const Circuit original = EveryKindOfGate();
  absl::StatusOr<Circuit> decoded = CircuitFromProto(CircuitToProto(original));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->num_qubits(), 3);
  EXPECT_EQ(decoded->num_clbits(), 1);
  EXPECT_EQ(decoded->num_params(), 5);
  ASSERT_EQ(decoded->gates().size(), original.gates().size());
  for (size_t i = 0; i < original.gates().size(); ++i) {
    const Gate& a = original.gates()[i];
    const Gate& b = decoded->gates()[i];
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.qubits, b.qubits);
    EXPECT_EQ(a.controls, b.controls);
    EXPECT_EQ(a.control_values, b.control_values);
    EXPECT_EQ(a.pauli, b.pauli);
    EXPECT_EQ(a.matrix, b.matrix);
    EXPECT_EQ(a.clbit, b.clbit);
    ASSERT_EQ(a.angles.size(), b.angles.size());
    for (size_t k = 0; k < a.angles.size(); ++k) {
      EXPECT_EQ(a.angles[k].constant, b.angles[k].constant);
      EXPECT_EQ(a.angles[k].index, b.angles[k].index);
      EXPECT_EQ(a.angles[k].scale, b.angles[k].scale);
    }
  }
}

TEST(CheckpointTest, CorruptCheckpointsAreRefused) {
  EXPECT_EQ(DecodeNestedCheckpoint("\xff\xff garbage", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  optimizer::NestedResult run;
  run.circuit = Circuit(2);
  const std::string bytes = EncodeNestedCheckpoint(run, 7);
  EXPECT_TRUE(DecodeNestedCheckpoint(bytes, 7).ok());
  EXPECT_EQ(DecodeNestedCheckpoint(bytes, 8).status().code(), absl::StatusCode::kInvalidArgument);
  v1::Checkpoint bad_gate;
  bad_gate.set_version(kCheckpointVersion);
  bad_gate.mutable_nested()->mutable_circuit()->set_num_qubits(1);
  bad_gate.mutable_nested()->mutable_circuit()->add_gates()->set_kind("nope");
  absl::StatusOr<optimizer::NestedResult> decoded =
      DecodeNestedCheckpoint(bad_gate.SerializeAsString(), 0);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("gates[0]"), std::string::npos) << decoded.status();
  v1::Checkpoint nan_param;
  nan_param.set_version(kCheckpointVersion);
  nan_param.mutable_nested()->add_params(std::nan(""));
  decoded = DecodeNestedCheckpoint(nan_param.SerializeAsString(), 0);
  EXPECT_EQ(decoded.status().message(), "checkpoint: nested.params[0]: must be finite, got nan");
}

TEST(CheckpointTest, AMeasuredRunsBestStateRoundTrips) {
  optimizer::NestedResult run;
  run.circuit = Circuit(2);
  ASSERT_TRUE(run.circuit.Add(GateKind::kRY, {0}, {Angle::Param(0)}).ok());
  run.params = {0.25};
  run.history.resize(3);
  run.best.iteration = 1;
  run.best.cost = -1.5;
  run.best.cost_interval = {-1.625, -1.375};
  run.best.circuit = Circuit(2);
  ASSERT_TRUE(run.best.circuit.Add(GateKind::kRX, {1}, {Angle::Param(0)}).ok());
  run.best.params = {0.125};
  absl::StatusOr<optimizer::NestedResult> decoded =
      DecodeNestedCheckpoint(EncodeNestedCheckpoint(run, 3), 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->best.iteration, 1);
  EXPECT_EQ(decoded->best.cost, -1.5);
  EXPECT_EQ(decoded->best.cost_interval.low, -1.625);
  EXPECT_EQ(decoded->best.cost_interval.high, -1.375);
  EXPECT_EQ(decoded->best.params, run.best.params);
  ASSERT_EQ(decoded->best.circuit.gates().size(), 1u);
  EXPECT_EQ(decoded->best.circuit.gates()[0].kind, GateKind::kRX);

  // Without a best state, none is invented; one beyond the history is refused.
  optimizer::NestedResult plain;
  plain.circuit = Circuit(2);
  decoded = DecodeNestedCheckpoint(EncodeNestedCheckpoint(plain, 3), 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->best.iteration, -1);
  run.best.iteration = 3;
  decoded = DecodeNestedCheckpoint(EncodeNestedCheckpoint(run, 3), 3);
  EXPECT_EQ(decoded.status().message(), "checkpoint: best_circuit: does not fit the run");
}

v1::JobSpec Spec(const std::string& json) {
  absl::StatusOr<v1::JobSpec> spec = ParseJobSpecJson(json);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : v1::JobSpec();
}

// The result with its wall-clock fields cleared, serialized for an exact comparison.
std::string Comparable(v1::JobResult result) {
  result.clear_wall_seconds();
  for (v1::IterationEvent& e : *result.mutable_history()) e.clear_elapsed_seconds();
  return result.SerializeAsString();
}

constexpr char kMaxCut[] = R"json({
  "problem": {"maxcut": {"generator": {"kind": "ring", "numNodes": 4}, "shots": 64}},
  "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa", "layers": 1}},
  "method": {"nested": {"warmStart": {}, "stop": {"maxIterations": 4}}},
  "seed": 11
})json";

// Shadows mode: shot randomness derives from the seed and the iteration.
constexpr char kMaxCutShadows[] = R"json({
  "problem": {"maxcut": {"generator": {"kind": "ring", "numNodes": 4}, "shots": 64}},
  "initialState": {"preparation": "plus", "ansatz": {"name": "qaoa", "layers": 1},
                   "params": [0.3, -0.3]},
  "method": {"nested": {"stop": {"maxIterations": 4}}},
  "estimation": {"shadows": {"shotsPerIteration": 2000, "shotsPerSetting": 50, "groups": 3}},
  "seed": 11
})json";

constexpr char kAdapt[] = R"json({
  "problem": {"model": {"kind": "tfim", "numQubits": 4}},
  "initialState": {"preparation": "zero"},
  "method": {"adaptVqe": {"maxIterations": 5, "gradientThreshold": 0}},
  "seed": 5
})json";

constexpr char kParameterShift[] = R"json({
  "problem": {"model": {"kind": "tfim", "numQubits": 3}},
  "initialState": {"preparation": "plus", "ansatz": {"name": "hardware_efficient"}},
  "method": {"parameterShift": {"iterations": 4, "learningRate": 0.3}},
  "seed": 9
})json";

class ResumeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ResumeTest, ResumingFromEveryCheckpointGivesTheUninterruptedResult) {
  const v1::JobSpec spec = Spec(GetParam());
  std::vector<std::string> checkpoints;
  RunOptions straight_options;
  straight_options.on_checkpoint = [&](const std::string& c) { checkpoints.push_back(c); };
  absl::StatusOr<v1::JobResult> straight = RunJob(spec, straight_options);
  ASSERT_TRUE(straight.ok()) << straight.status();
  ASSERT_GE(checkpoints.size(), 2u);
  ASSERT_EQ(checkpoints.size(), size_t(straight->history_size()));
  // Events carry the circuit's CNOT-equivalent count; these runs end on their last event's
  // circuit.
  EXPECT_EQ(straight->history().rbegin()->cnot_count(), straight->counts().cnot_count());
  for (size_t k = 0; k < checkpoints.size(); ++k) {
    SCOPED_TRACE(k);
    RunOptions options;
    options.resume_checkpoint = checkpoints[k];
    std::vector<int> iterations;
    options.on_iteration = [&](const v1::IterationEvent& e) {
      iterations.push_back(e.iteration());
    };
    absl::StatusOr<v1::JobResult> resumed = RunJob(spec, options);
    ASSERT_TRUE(resumed.ok()) << resumed.status();
    EXPECT_EQ(Comparable(*resumed), Comparable(*straight));
    EXPECT_EQ(iterations.size(), checkpoints.size() - k - 1);
    if (!iterations.empty()) {
      EXPECT_EQ(iterations.front(), int(k + 1));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ResumeTest, ::testing::Values(kMaxCut, kMaxCutShadows, kAdapt,
                                                             kParameterShift));

TEST(CheckpointTest, ACheckpointResumesOnlyItsOwnMethod) {
  auto seeded = [](const char* json) {
    v1::JobSpec spec = Spec(json);
    spec.set_seed(5);
    return spec;
  };
  const v1::JobSpec adapt = seeded(kAdapt), nested = seeded(kMaxCut),
                    shift = seeded(kParameterShift);
  const v1::JobSpec hea = seeded(R"({"problem": {"model": {"kind": "tfim", "numQubits": 4}},
      "method": {"heaVqe": {"layers": 1}}})");
  std::string adapt_checkpoint, nested_checkpoint;
  RunOptions options;
  options.on_checkpoint = [&](const std::string& c) { adapt_checkpoint = c; };
  ASSERT_TRUE(RunJob(adapt, options).ok());
  options.on_checkpoint = [&](const std::string& c) { nested_checkpoint = c; };
  ASSERT_TRUE(RunJob(nested, options).ok());
  ASSERT_FALSE(adapt_checkpoint.empty());
  ASSERT_FALSE(nested_checkpoint.empty());
  EXPECT_EQ(CheckpointIterations(adapt_checkpoint), 5);
  EXPECT_EQ(CheckpointIterations("not a checkpoint"), 0);

  auto resume_error = [](const v1::JobSpec& spec, const std::string& checkpoint) {
    RunOptions resume;
    resume.resume_checkpoint = checkpoint;
    absl::Status status = RunJob(spec, resume).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    return std::string(status.message());
  };
  EXPECT_EQ(resume_error(adapt, nested_checkpoint), "checkpoint: not a adapt_vqe checkpoint");
  EXPECT_EQ(resume_error(shift, adapt_checkpoint), "checkpoint: not a parameter_shift checkpoint");
  EXPECT_EQ(resume_error(nested, adapt_checkpoint), "checkpoint: not a nested run's checkpoint");
  EXPECT_EQ(resume_error(hea, adapt_checkpoint), "checkpoint: hea_vqe is not resumable");
  v1::JobSpec other_seed = adapt;
  other_seed.set_seed(6);
  EXPECT_EQ(resume_error(other_seed, adapt_checkpoint), "checkpoint: written for another seed");
}

TEST(CheckpointTest, ShouldStopCancelsEveryMethodWithinOnePoll) {
  const std::vector<std::string> methods = {
      R"("nested": {"stop": {"maxIterations": 3}})",
      R"("nested": {"warmStart": {"optimizer": "cobyla"}, "stop": {"maxIterations": 1}})",
      R"("nested": {"warmStart": {"optimizer": "lbfgs"}, "handBack": "every_iteration",
          "stop": {"maxIterations": 2}})",
      R"("heaVqe": {"layers": 1})", R"("adaptVqe": {"maxIterations": 3})",
      R"("parameterShift": {"iterations": 5})"};
  for (const std::string& method : methods) {
    SCOPED_TRACE(method);
    // exactCost given: no exact reference runs (and polls) before the method.
    v1::JobSpec spec = Spec(std::string(R"({"problem": {"model": {"kind": "tfim",
        "numQubits": 3}, "exactCost": -3.5}, "initialState": {"preparation": "plus",
        "ansatz": {"name": "hardware_efficient"}}, "method": {)") + method + "}}");
    if (method.find("heaVqe") != std::string::npos) spec.mutable_initial_state()->clear_ansatz();
    int total = 0;
    RunOptions count;
    count.should_stop = [&] { return ++total < 0; };
    ASSERT_TRUE(RunJob(spec, count).ok());
    ASSERT_GT(total, 4);
    // A stop after k polls (early, midway — inside the warm start for COBYLA — and at the
    // last poll): CANCELLED at the very next poll, with no evaluation after it.
    for (int k : {2, total / 2, total - 1}) {
      int polls = 0;
      RunOptions options;
      options.should_stop = [&] { return ++polls > k; };
      absl::Status status = RunJob(spec, options).status();
      EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << k << ": " << status;
      EXPECT_EQ(polls, k + 1) << k;
    }
  }
}

TEST(CheckpointTest, ShouldStopCancelsTheExactReference) {
  // A 12-qubit Heisenberg ring: its Lanczos reference takes many products.
  const v1::JobSpec spec = Spec(R"({"problem": {"model": {"kind": "heisenberg",
      "numQubits": 12, "periodic": true}}, "method": {"nested": {}}})");
  int polls = 0;
  RunOptions options;
  options.should_stop = [&] { return ++polls > 3; };
  absl::Status status = RunJob(spec, options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_EQ(polls, 4);
}

TEST(CheckpointTest, ValidateJobReportsTheShape) {
  absl::StatusOr<JobShape> nested = ValidateJob(Spec(kMaxCut));
  ASSERT_TRUE(nested.ok()) << nested.status();
  EXPECT_EQ(nested->num_qubits, 4);
  EXPECT_EQ(nested->method, "nested");
  EXPECT_TRUE(nested->resumable);
  EXPECT_EQ(nested->shots, 64);
  absl::StatusOr<JobShape> adapt = ValidateJob(
      Spec(R"({"problem": {"pauliSum": {"text": "Z0 Z1"}}, "method": {"adaptVqe": {}}})"));
  ASSERT_TRUE(adapt.ok()) << adapt.status();
  EXPECT_EQ(adapt->num_qubits, 2);
  EXPECT_EQ(adapt->method, "adapt_vqe");
  EXPECT_TRUE(adapt->resumable);
  EXPECT_EQ(adapt->shots, 0);
  absl::StatusOr<JobShape> hea = ValidateJob(
      Spec(R"({"problem": {"pauliSum": {"text": "Z0 Z1"}}, "method": {"heaVqe": {}}})"));
  ASSERT_TRUE(hea.ok()) << hea.status();
  EXPECT_FALSE(hea->resumable);
}

}  // namespace
}  // namespace qgrad::runner
