// Tests of the local backend beyond the conformance suite: its description, results
// independent of the worker count, the exact simulator it exposes, and shutdown with
// batches still running.
#include "backends/local/local_backend.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qgrad::backends::local {
namespace {

constexpr char kHeader[] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

// Test helper: an 8-qubit entangling program with a per-program rotation input, and, when
// `dynamic`, a repeat-until-success program after them.
Batch TestBatch(int programs, int64_t shots, uint64_t seed, bool dynamic = false) {
  const std::string qasm = absl::StrCat(
      kHeader, "input float[64] a;\nqubit[8] q;\nbit[8] c;\nh q;\nry(a) q[3];\n",
      "cx q[0], q[1];\ncx q[3], q[4];\nrz(a) q[4];\nh q[4];\nc = measure q;\n");
  Batch batch;
  batch.seed = seed;
  batch.memory = true;
  for (int k = 0; k < programs; ++k) {
    batch.programs.push_back(Program{qasm, {{"a", 0.1 * k}}, shots});
  }
  // A program whose control depends on measurements: each shot is run as an interpreter.
  if (dynamic) batch.programs.push_back(Program{
      absl::StrCat(kHeader, "input float[64] a;\nqubit[2] q;\nbit[2] c;\nbit again = 1;\n"
                            "while (again) { reset q; ry(a) q[0]; cx q[0], q[1]; "
                            "c = measure q; again = c[0]; }\n"),
      {{"a", 1.2}}, shots});
  return batch;
}

TEST(LocalBackendTest, DescribesItself) {
  LocalBackendOptions options;
  options.name = "statevector";
  options.limits.max_qubits = 17;
  options.limits.max_shots = 1234;
  options.max_programs = 55;
  LocalBackend backend(options);
  const Description d = backend.Describe();
  EXPECT_EQ(d.name, "statevector");
  EXPECT_EQ(d.description, kLocalDescription);
  EXPECT_EQ(d.max_qubits, 17);
  EXPECT_EQ(d.max_shots, 1234);
  EXPECT_EQ(d.max_programs, 55);
  EXPECT_EQ(d.native_gates, NativeGates());
  EXPECT_TRUE(d.exact_amplitudes);
  EXPECT_EQ(d.queue.pending_batches + d.queue.running_batches + d.queue.pending_shots, 0);
}

TEST(LocalBackendTest, ResultsDoNotDependOnTheWorkerCount) {
  std::vector<BatchResult> results;
  for (int threads : {1, 2, 3}) {
    LocalBackendOptions options;
    options.threads = threads;
    LocalBackend backend(options);
    absl::StatusOr<BatchResult> r = RunBatch(backend, TestBatch(12, 500, 77, true));
    ASSERT_TRUE(r.ok()) << r.status();
    results.push_back(*std::move(r));
  }
  for (size_t i = 1; i < results.size(); ++i) {
    ASSERT_EQ(results[i].programs.size(), results[0].programs.size());
    for (size_t k = 0; k < results[0].programs.size(); ++k) {
      EXPECT_EQ(results[i].programs[k].memory, results[0].programs[k].memory) << k;
      EXPECT_EQ(results[i].programs[k].counts, results[0].programs[k].counts) << k;
    }
  }
}

TEST(LocalBackendTest, ParallelParsingReportsTheLowestFailingProgram) {
  for (int threads : {1, 2, 4}) {
    LocalBackendOptions options;
    options.threads = threads;
    LocalBackend backend(options);
    Batch batch = TestBatch(400, 10, 1);
    batch.programs[399].qasm += "oops";
    batch.programs[150].qasm += "oops";
    batch.programs[151].shots = 0;
    absl::StatusOr<std::unique_ptr<BatchHandle>> h = backend.Submit(batch);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(h.status().message(), "program 150: ")) << h.status();
    batch.programs[150] = batch.programs[0];
    batch.programs[151] = batch.programs[0];
    batch.programs[399] = batch.programs[0];
    absl::StatusOr<BatchResult> r = RunBatch(backend, batch);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->programs.size(), 400u);
  }
}

TEST(LocalBackendTest, ExposesTheExactSimulator) {
  LocalBackendOptions options;
  options.simulator.max_fused_qubits = 1;
  LocalBackend backend(options);
  EXPECT_EQ(backend.simulator().options().max_fused_qubits, 1);
  Circuit bell(2);
  ASSERT_TRUE(bell.Add(GateKind::kH, {0}).ok());
  ASSERT_TRUE(bell.Add(GateKind::kCX, {0, 1}).ok());
  absl::StatusOr<sv::StateVector> state = backend.simulator().Prepare(bell, {});
  ASSERT_TRUE(state.ok());
  EXPECT_NEAR(std::norm(state->data()[3]), 0.5, 1e-12);
}

TEST(LocalBackendTest, DestructionCancelsRunningAndQueuedBatches) {
  std::unique_ptr<BatchHandle> running, queued;
  const auto start = std::chrono::steady_clock::now();
  {
    LocalBackend backend;
    absl::StatusOr<std::unique_ptr<BatchHandle>> a =
        backend.Submit(TestBatch(500, int64_t{1} << 20, 1));
    absl::StatusOr<std::unique_ptr<BatchHandle>> b = backend.Submit(TestBatch(2, 10, 2));
    ASSERT_TRUE(a.ok() && b.ok());
    running = *std::move(a);
    queued = *std::move(b);
    while (running->Poll().state == BatchState::kQueued) absl::SleepFor(absl::Milliseconds(1));
  }
  // Well under one program's run (~0.1 s in Release): the worker stopped mid-program.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(running->Wait(absl::InfiniteFuture()).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(queued->Wait(absl::InfiniteFuture()).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(queued->Poll().state, BatchState::kCancelled);
}

TEST(LocalBackendTest, DestructionCancelsDynamicPrograms) {
  std::unique_ptr<BatchHandle> running;
  {
    LocalBackend backend;
    absl::StatusOr<std::unique_ptr<BatchHandle>> a = backend.Submit(TestBatch(0, 100'000, 1, true));
    ASSERT_TRUE(a.ok()) << a.status();
    running = *std::move(a);
    while (running->Poll().state == BatchState::kQueued) absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(running->Wait(absl::InfiniteFuture()).status().code(), absl::StatusCode::kCancelled);
}

TEST(LocalBackendTest, DestructionEndsBatchesWhoseHandlesAreGone) {
  // A batch still running when the backend goes, its handle already dropped: the backend
  // holds the last reference, which must outlive the batch's ending.
  for (int i = 0; i < 20; ++i) {
    LocalBackend backend;
    ASSERT_TRUE(backend.Submit(TestBatch(2, 10, 2, true)).ok());
  }
}

TEST(LocalBackendTest, RunBatchCancelsAtItsDeadline) {
  LocalBackend backend;
  absl::StatusOr<BatchResult> r =
      RunBatch(backend, TestBatch(500, int64_t{1} << 20, 1), absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  // The cancelled batch left the queue.
  EXPECT_EQ(backend.Describe().queue.pending_shots, 0);
}

}  // namespace
}  // namespace qgrad::backends::local
