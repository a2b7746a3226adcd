// The backend conformance suite; see conformance.h.
//
// Statistical checks allow 5 standard deviations of a binomial count (a false failure
// about once in 1.7 million runs per check); seeded backends make them repeatable.
//
// Thread-safety: test code; ConcurrentSubmissions uses threads on purpose.
#include "backends/conformance/conformance.h"

#include <chrono>
#include <cmath>
#include <numbers>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"

namespace qgrad::backends::conformance {

void BackendConformanceTest::SetUp() {
  backend_ = GetParam().make();
  ASSERT_NE(backend_, nullptr);
}

void PrintTo(const ConformanceTarget& target, std::ostream* out) { *out << target.name; }

std::string ConformanceTargetName(const testing::TestParamInfo<ConformanceTarget>& info) {
  return info.param.name;
}

namespace {

using ::testing::HasSubstr;

constexpr char kHeader[] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

// Test helper: a program of `body` after the header, `qubits` qubits and `bits` bits.
std::string TestQasm(int qubits, int bits, const std::string& body) {
  return absl::StrCat(kHeader, "qubit[", qubits, "] q;\nbit[", bits, "] c;\n", body);
}

Program TestProgram(std::string qasm, int64_t shots, std::map<std::string, double> inputs = {}) {
  return Program{std::move(qasm), std::move(inputs), shots};
}

Batch TestBatch(std::vector<Program> programs, uint64_t seed = 7, bool memory = false) {
  Batch batch;
  batch.programs = std::move(programs);
  batch.seed = seed;
  batch.memory = memory;
  return batch;
}

// Test helper: runs with a generous deadline.
absl::StatusOr<BatchResult> TestRun(Backend& backend, Batch batch) {
  return RunBatch(backend, std::move(batch), absl::Now() + absl::Seconds(120));
}

int64_t CountOf(const ProgramResult& result, uint64_t value) {
  for (const auto& [v, count] : result.counts) {
    if (v == value) return count;
  }
  return 0;
}

int64_t TotalCount(const ProgramResult& result) {
  int64_t total = 0;
  for (const auto& [v, count] : result.counts) total += count;
  return total;
}

void ExpectBinomial(int64_t count, int64_t shots, double p) {
  const double sigma = std::sqrt(double(shots) * p * (1 - p));
  EXPECT_NEAR(double(count), double(shots) * p, 5 * sigma + 1e-9) << "p=" << p;
}

std::string Ghz(int n) {
  std::string body = "h q[0];\n";
  for (int i = 0; i + 1 < n; ++i) absl::StrAppend(&body, "cx q[", i, "], q[", i + 1, "];\n");
  return TestQasm(n, n, body + "c = measure q;\n");
}

// Test helper: `programs` copies of a 10-qubit uniform superposition with `shots` each,
// bounded by the backend's limits: many seconds of work for any simulator.
Batch LongBatch(const Description& d, int64_t programs, int64_t shots) {
  std::string body;
  for (int i = 0; i < 10; ++i) absl::StrAppend(&body, "h q[", i, "];\n");
  Program p = TestProgram(TestQasm(10, 10, body + "c = measure q;\n"),
                          std::min(shots, d.max_shots));
  return TestBatch(std::vector<Program>(size_t(std::min(programs, d.max_programs)), p));
}

// Test helper: polls until `done` holds or `limit` passes.
template <typename F>
bool PollUntil(F done, absl::Duration limit = absl::Seconds(60)) {
  const absl::Time end = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

TEST_P(BackendConformanceTest, DescribeIsSane) {
  const Description d = backend_->Describe();
  EXPECT_FALSE(d.name.empty());
  EXPECT_FALSE(d.description.empty());
  EXPECT_GE(d.max_qubits, 5);
  EXPECT_GE(d.max_shots, 10'000);
  EXPECT_GE(d.max_programs, 100);
  EXPECT_FALSE(d.native_gates.empty());
  EXPECT_EQ(std::set<std::string>(d.native_gates.begin(), d.native_gates.end()).size(),
            d.native_gates.size())
      << "native gates listed twice";
  EXPECT_TRUE(d.online);
  EXPECT_GE(d.queue.pending_batches, 0);
  EXPECT_GE(d.queue.running_batches, 0);
  EXPECT_GE(d.queue.pending_shots, 0);
}

TEST_P(BackendConformanceTest, BellAndGhzGiveOnlyCorrelatedOutcomes) {
  const int64_t shots = 4000;
  absl::StatusOr<BatchResult> result = TestRun(
      *backend_, TestBatch({TestProgram(Ghz(2), shots), TestProgram(Ghz(5), shots)}));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->programs.size(), 2u);
  const ProgramResult& bell = result->programs[0];
  EXPECT_EQ(bell.num_clbits, 2);
  EXPECT_EQ(bell.shots, shots);
  EXPECT_EQ(CountOf(bell, 0b00) + CountOf(bell, 0b11), shots);
  ExpectBinomial(CountOf(bell, 0b11), shots, 0.5);
  const ProgramResult& ghz = result->programs[1];
  EXPECT_EQ(ghz.num_clbits, 5);
  EXPECT_EQ(CountOf(ghz, 0) + CountOf(ghz, 0b11111), shots);
  ExpectBinomial(CountOf(ghz, 0b11111), shots, 0.5);
}

TEST_P(BackendConformanceTest, BitOrderAndResultsPerProgram) {
  // Program k flips q[k]: every shot of program k is 1 << k ("x q[1]" → 0b010).
  std::vector<Program> programs;
  for (int k = 0; k < 3; ++k) {
    programs.push_back(TestProgram(TestQasm(3, 3, absl::StrCat("x q[", k, "];\nc = measure q;\n")),
                                   50));
  }
  // Two registers: d[0] is bit 2, after c[0] and c[1].
  programs.push_back(TestProgram(absl::StrCat(kHeader,
                                              "qubit[2] q;\nbit[2] c;\nbit[1] d;\nx q[0];\n"
                                              "d[0] = measure q[0];\nc[0] = measure q[1];\n"),
                                 50));
  const bool memory = backend_->Describe().shot_memory;
  absl::StatusOr<BatchResult> result = TestRun(*backend_, TestBatch(programs, 7, memory));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->programs.size(), 4u);
  for (int k = 0; k < 3; ++k) {
    const ProgramResult& r = result->programs[size_t(k)];
    ASSERT_EQ(r.counts.size(), 1u) << "program " << k;
    EXPECT_EQ(r.counts[0].first, uint64_t{1} << k);
    EXPECT_EQ(r.counts[0].second, 50);
  }
  EXPECT_EQ(BitString(result->programs[1].counts[0].first, 3), "010");
  const ProgramResult& two = result->programs[3];
  EXPECT_EQ(two.num_clbits, 3);
  ASSERT_EQ(two.counts.size(), 1u);
  EXPECT_EQ(two.counts[0].first, 0b100u);
  EXPECT_EQ(BitString(two.counts[0].first, two.num_clbits), "100");
}

TEST_P(BackendConformanceTest, InputBindingsChangeOutcomes) {
  const std::string scalar =
      absl::StrCat(kHeader, "input float[64] theta;\nqubit[1] q;\nbit[1] c;\n",
                   "ry(theta) q[0];\nc[0] = measure q[0];\n");
  const std::string array =
      absl::StrCat(kHeader, "input array[float[64], 2] w;\nqubit[1] q;\nbit[1] c;\n",
                   "ry(w[1]) q[0];\nrx(w[0]) q[0];\nc[0] = measure q[0];\n");
  const int64_t shots = 2000;
  absl::StatusOr<BatchResult> result = TestRun(
      *backend_,
      TestBatch({TestProgram(scalar, shots, {{"theta", std::numbers::pi}}),
                 TestProgram(scalar, shots, {{"theta", 0.0}}),
                 TestProgram(scalar, shots, {{"theta", std::numbers::pi / 2}}),
                 TestProgram(array, shots, {{"w[0]", 0.0}, {"w[1]", std::numbers::pi}})}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(CountOf(result->programs[0], 1), shots);
  EXPECT_EQ(CountOf(result->programs[1], 0), shots);
  ExpectBinomial(CountOf(result->programs[2], 1), shots, 0.5);
  EXPECT_EQ(CountOf(result->programs[3], 1), shots);

  absl::StatusOr<std::unique_ptr<BatchHandle>> unbound =
      backend_->Submit(TestBatch({TestProgram(scalar, 10, {{"theta", 1.0}}),
                                  TestProgram(scalar, 10)}));
  EXPECT_EQ(unbound.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unbound.status().message()), HasSubstr("program 1"));
}

TEST_P(BackendConformanceTest, SameSeedSameShotsOtherSeedOtherShots) {
  if (!GetParam().seeded) GTEST_SKIP() << "the backend ignores seeds";
  std::string body;
  for (int i = 0; i < 6; ++i) absl::StrAppend(&body, "h q[", i, "];\n");
  const Program p = TestProgram(TestQasm(6, 6, body + "c = measure q;\n"), 300);
  auto memories = [&](uint64_t seed) {
    absl::StatusOr<BatchResult> r = TestRun(*backend_, TestBatch({p, p}, seed, true));
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::vector<uint64_t>> m;
    if (r.ok()) {
      for (const ProgramResult& pr : r->programs) m.push_back(pr.memory);
    }
    return m;
  };
  const auto first = memories(11);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].size(), 300u);
  EXPECT_EQ(memories(11), first);
  EXPECT_NE(first[0], first[1]) << "programs of one batch share a generator";
  const auto other = memories(12);
  ASSERT_EQ(other.size(), 2u);
  EXPECT_NE(other[0], first[0]);
  EXPECT_NE(other[1], first[1]);
}

TEST_P(BackendConformanceTest, CountsSumToShotsAndMatchMemory) {
  const std::string qasm = TestQasm(
      3, 3, "h q[0];\nry(1.1) q[1];\ncx q[1], q[2];\nc = measure q;\n");
  if (!backend_->Describe().shot_memory) {
    absl::StatusOr<BatchResult> refused =
        TestRun(*backend_, TestBatch({TestProgram(qasm, 3000)}, 5, /*memory=*/true));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  }
  for (bool memory : {true, false}) {
    if (memory && !backend_->Describe().shot_memory) continue;  // refused above
    absl::StatusOr<BatchResult> result =
        TestRun(*backend_, TestBatch({TestProgram(qasm, 3000)}, 5, memory));
    ASSERT_TRUE(result.ok()) << result.status();
    const ProgramResult& r = result->programs[0];
    EXPECT_EQ(r.shots, 3000);
    EXPECT_EQ(r.num_clbits, 3);
    EXPECT_EQ(TotalCount(r), 3000);
    for (size_t i = 1; i < r.counts.size(); ++i) {
      EXPECT_LT(r.counts[i - 1].first, r.counts[i].first) << "counts not sorted by value";
    }
    for (const auto& [value, count] : r.counts) {
      EXPECT_GT(count, 0);
      EXPECT_EQ((value >> 2) & 1, (value >> 1) & 1) << "q[2] copies q[1]";
    }
    if (memory) {
      ASSERT_EQ(r.memory.size(), 3000u);
      EXPECT_EQ(CountShots(r.memory), r.counts);
    } else {
      EXPECT_TRUE(r.memory.empty());
    }
  }
}

TEST_P(BackendConformanceTest, BadProgramsAreInvalidArgumentNamingProgramAndPosition) {
  const Program good = TestProgram(Ghz(2), 10);
  // Line 5, column 1: an unknown gate.
  const Program bad = TestProgram(TestQasm(2, 2, "frobnicate q[0];\n"), 10);
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle =
      backend_->Submit(TestBatch({good, good, bad}));
  ASSERT_EQ(handle.status().code(), absl::StatusCode::kInvalidArgument) << handle.status();
  EXPECT_THAT(std::string(handle.status().message()), HasSubstr("program 2: 5:1: "));

  EXPECT_EQ(backend_->Submit(TestBatch({})).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(backend_->Submit(TestBatch({good, TestProgram(Ghz(2), 0)})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(BackendConformanceTest, LimitsAreResourceExhausted) {
  const Description d = backend_->Describe();
  const Program good = TestProgram(Ghz(2), 10);
  auto expect_exhausted = [&](Batch batch, const std::string& what) {
    absl::StatusOr<std::unique_ptr<BatchHandle>> h = backend_->Submit(std::move(batch));
    EXPECT_EQ(h.status().code(), absl::StatusCode::kResourceExhausted) << what << ": "
                                                                       << h.status();
    return std::string(h.status().message());
  };
  EXPECT_THAT(expect_exhausted(TestBatch({good, TestProgram(TestQasm(d.max_qubits + 1, 1,
                                                                     "c[0] = measure q[0];\n"),
                                                            10)}),
                               "qubits"),
              HasSubstr("program 1"));
  EXPECT_THAT(expect_exhausted(TestBatch({TestProgram(Ghz(2), d.max_shots + 1)}), "shots"),
              HasSubstr("program 0"));
  expect_exhausted(TestBatch({TestProgram(TestQasm(2, kMaxShotBits + 1, "c[0] = measure q[0];\n"),
                                          10)}),
                   "classical bits");
  if (d.max_programs <= 200'000) {
    expect_exhausted(TestBatch(std::vector<Program>(size_t(d.max_programs + 1), good)),
                     "programs");
  }
  // At the limits everything is accepted (where the state is small enough for a test).
  if (d.max_qubits > 20) return;
  absl::StatusOr<BatchResult> at_limit = TestRun(
      *backend_, TestBatch({TestProgram(TestQasm(d.max_qubits, 1, "x q[0];\nc[0] = measure q[0];\n"),
                                        1)}));
  EXPECT_TRUE(at_limit.ok()) << at_limit.status();
}

TEST_P(BackendConformanceTest, WaitPastDeadlineThenSucceeds) {
  const Description d = backend_->Describe();
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle =
      backend_->Submit(LongBatch(d, 8, int64_t{1} << 17));
  ASSERT_TRUE(handle.ok()) << handle.status();
  absl::StatusOr<BatchResult> early = (*handle)->Wait(absl::Now() - absl::Seconds(1));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kDeadlineExceeded) << early.status();
  absl::StatusOr<BatchResult> late = (*handle)->Wait(absl::Now() + absl::Seconds(120));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->programs.size(), 8u);
  EXPECT_EQ(TotalCount(late->programs[7]), late->programs[7].shots);
  EXPECT_EQ((*handle)->Poll().state, BatchState::kSucceeded);
  // Waiting again gives the same results.
  EXPECT_TRUE((*handle)->Wait(absl::InfinitePast()).ok());
}

TEST_P(BackendConformanceTest, CancelOfARunningBatchIsPrompt) {
  const Description d = backend_->Describe();
  absl::StatusOr<std::unique_ptr<BatchHandle>> handle =
      backend_->Submit(LongBatch(d, 2000, int64_t{1} << 20));
  ASSERT_TRUE(handle.ok()) << handle.status();
  BatchHandle& h = **handle;
  ASSERT_TRUE(PollUntil([&] { return h.Poll().state != BatchState::kQueued; }));
  ASSERT_EQ(h.Poll().state, BatchState::kRunning);

  const auto start = std::chrono::steady_clock::now();
  h.Cancel();
  absl::StatusOr<BatchResult> result = h.Wait(absl::InfiniteFuture());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled) << result.status();
  EXPECT_LT(elapsed, std::chrono::milliseconds(100))
      << std::chrono::duration<double, std::milli>(elapsed).count() << " ms";
  EXPECT_EQ(h.Poll().state, BatchState::kCancelled);
  h.Cancel();  // idempotent
  EXPECT_EQ(h.Wait(absl::InfiniteFuture()).status().code(), absl::StatusCode::kCancelled);

  // The backend is free again: a small batch does not wait for the cancelled one's work.
  absl::StatusOr<BatchResult> after =
      RunBatch(*backend_, TestBatch({TestProgram(Ghz(2), 100)}), absl::Now() + absl::Seconds(10));
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST_P(BackendConformanceTest, PollReportsQueueProgressAndStates) {
  const Description d = backend_->Describe();
  absl::StatusOr<std::unique_ptr<BatchHandle>> first =
      backend_->Submit(LongBatch(d, 2000, int64_t{1} << 20));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::unique_ptr<BatchHandle>> second =
      backend_->Submit(TestBatch({TestProgram(Ghz(2), 100), TestProgram(Ghz(3), 100)}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE((*first)->id(), (*second)->id());

  // Batches start in order: the second waits while the first has programs left.
  if (GetParam().ordered) {
    EXPECT_EQ((*second)->Poll().state, BatchState::kQueued);
    EXPECT_EQ((*second)->Poll().programs_done, 0);
  }
  EXPECT_EQ((*second)->Poll().programs_total, 2);
  const Description busy = backend_->Describe();
  EXPECT_GE(busy.queue.pending_batches + busy.queue.running_batches, 2);
  EXPECT_GE(busy.queue.pending_shots, 200);

  // One snapshot: a running batch has programs left (a device that runs the whole batch
  // as one job reports them all done at once).
  BatchStatus running;
  ASSERT_TRUE(PollUntil([&] {
    running = (*first)->Poll();
    return running.state != BatchState::kQueued;
  }));
  EXPECT_EQ(running.state, BatchState::kRunning);
  EXPECT_EQ(running.programs_total, std::min<int64_t>(2000, d.max_programs));
  EXPECT_LT(running.programs_done, running.programs_total);
  (*first)->Cancel();

  // The second now runs to the end; states only move forward.
  std::vector<BatchState> seen;
  int64_t last_done = 0;
  ASSERT_TRUE(PollUntil([&] {
    const BatchStatus s = (*second)->Poll();
    EXPECT_GE(s.programs_done, last_done);
    last_done = s.programs_done;
    if (seen.empty() || seen.back() != s.state) seen.push_back(s.state);
    return s.state != BatchState::kQueued && s.state != BatchState::kRunning;
  }));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), BatchState::kSucceeded);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(int(seen[i - 1]), int(seen[i]));
  EXPECT_EQ((*second)->Poll().programs_done, 2);
  EXPECT_TRUE((*second)->Poll().error.ok());
  EXPECT_STREQ(BatchStateName((*second)->Poll().state), "SUCCEEDED");
}

TEST_P(BackendConformanceTest, JoinsARegistry) {
  Registry registry;
  const std::string name = backend_->Describe().name;
  ASSERT_TRUE(registry.Add(backend_).ok());
  EXPECT_EQ(registry.Add(backend_).code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<std::shared_ptr<Backend>> found = registry.Find(name);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->get(), backend_.get());
  absl::StatusOr<std::shared_ptr<Backend>> missing = registry.Find(name + "-missing");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(name));
  ASSERT_EQ(registry.List().size(), 1u);
  EXPECT_EQ(registry.List()[0].name, name);
  absl::StatusOr<BatchResult> through =
      TestRun(**found, TestBatch({TestProgram(TestQasm(1, 1, "x q[0];\nc[0] = measure q[0];\n"),
                                              5)}));
  ASSERT_TRUE(through.ok()) << through.status();
  EXPECT_EQ(CountOf(through->programs[0], 1), 5);
}

TEST_P(BackendConformanceTest, ConcurrentSubmissions) {
  // Each thread's batches flip known qubits, so every result has one exact value.
  constexpr int kThreads = 4;
  constexpr int kBatches = 5;
  std::vector<std::vector<uint64_t>> seen(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Program> programs;
        for (int k = 0; k < 3; ++k) {
          const int qubit = (t + b + k) % 5;
          programs.push_back(TestProgram(
              TestQasm(5, 5, absl::StrCat("x q[", qubit, "];\nc = measure q;\n")), 20));
        }
        absl::StatusOr<BatchResult> r = TestRun(*backend_, TestBatch(programs, t * 100 + b));
        if (!r.ok()) {
          errors[t] = r.status().ToString();
          return;
        }
        for (const ProgramResult& p : r->programs) {
          seen[t].push_back(p.counts.size() == 1 && p.counts[0].second == 20 ? p.counts[0].first
                                                                              : ~uint64_t{0});
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    ASSERT_EQ(seen[t].size(), size_t(kBatches * 3));
    for (int b = 0; b < kBatches; ++b) {
      for (int k = 0; k < 3; ++k) {
        EXPECT_EQ(seen[t][size_t(b * 3 + k)], uint64_t{1} << ((t + b + k) % 5));
      }
    }
  }
}

}  // namespace
}  // namespace qgrad::backends::conformance
