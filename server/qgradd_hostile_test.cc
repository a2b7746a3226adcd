// The hostile-client suite against the real qgradd: specs and request bodies built to hang,
// exhaust or confuse the server (non-finite numbers, sizes that overflow or allocate
// gigabytes, expansion bombs, undecodable bodies, cursors past the end), and jobs that must
// let go of their worker on a cancel or a deadline. Throughout, a probe checks that
// grpc.health.v1 answers within kHealthLimit; at the end the server's peak resident memory
// must stay under kMemoryLimit, every stderr line must be one JSON object, and SIGTERM must
// end the process within kShutdownLimit.
//
// Thread-safety: the health probe runs on a thread of its own; everything else on the test
// thread.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/auth.h"
#include "server/qgradd_test_util.h"
#include "testing/sanitizers.h"

namespace qgrad::server::testing {
namespace {

using Clock = std::chrono::steady_clock;
using Code = grpc::StatusCode;
using std::chrono::milliseconds;

// The answer limit is the Release build's promise; under AddressSanitizer the server's
// validation work (parsing megabytes of spec) runs several times slower.
using qgrad::testing::kSanitizerSlowdown;

constexpr char kToken[] = "hostile-token";
constexpr milliseconds kAnswerLimit(1000 * kSanitizerSlowdown);
// Health answers on gRPC's own threads and never waits for costly work: 100 ms is the
// Release build's promise. Under the sanitizers on a loaded 2-core machine (the browser
// test beside it) a probe can wait for a CPU longer than that, so they get the slowdown too.
constexpr milliseconds kHealthLimit(100 * kSanitizerSlowdown);
constexpr int64_t kMemoryLimit = int64_t{512} << 20;
constexpr milliseconds kShutdownLimit(5000);

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// Calls Health/Check back to back on a channel of its own and keeps the slowest answer.
class HealthProbe {
 public:
  explicit HealthProbe(const std::string& address)
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        thread_([this] { Loop(); }) {}
  ~HealthProbe() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t slowest_ms() const { return slowest_ms_; }
  int failures() const { return failures_; }
  int probes() const { return probes_; }

 private:
  void Loop() {
    HealthServing(channel_);  // connect before measuring
    while (!stop_) {
      const Clock::time_point start = Clock::now();
      const bool serving = HealthServing(channel_, milliseconds(2000));
      const int64_t took = MillisSince(start);
      ++probes_;
      if (!serving) ++failures_;
      if (took > slowest_ms_) slowest_ms_ = took;
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> slowest_ms_{0};
  std::atomic<int> failures_{0};
  std::atomic<int> probes_{0};
  std::thread thread_;
};

// One hostile call and the status code it must get.
struct HostileCase {
  std::string name;
  std::function<grpc::Status()> call;
  Code code;
  std::string message_part;  // must appear in the message ("" for any)
};

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// Thirty nested gate definitions, each calling the previous one twice: 2^30 gates.
std::string DefinitionBomb() {
  std::string program = "OPENQASM 3.0;\ngate g0 a { U(0.1, 0, 0) a; }\n";
  for (int level = 1; level <= 30; ++level) {
    absl::StrAppend(&program, "gate g", level, " a { g", level - 1, " a; g", level - 1,
                    " a; }\n");
  }
  return program + "qubit[4] q;\ng30 q[0];\n";
}

class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("tokens"), absl::StrCat("alice ", Sha256Hex(kToken), "\n"));
    server_ = QgraddProcess::Start(
        dir_.File("data"), {"--tokens_file=" + dir_.File("tokens"), "--max_running_jobs=1"});
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::JobService::NewStub(channel_);
  }

  grpc::Status SubmitJson(const std::string& json, v1::SubmitJobResponse* response = nullptr) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = SpecFromJson(json);
    v1::SubmitJobResponse ignored;
    return stub_->SubmitJob(Context(kToken).get(), request, response ? response : &ignored);
  }

  HostileCase Spec(std::string name, std::string json, Code code, std::string part = "") {
    return {std::move(name), [this, json] { return SubmitJson(json); }, code, std::move(part)};
  }

  HostileCase Raw(std::string name, std::string method, std::string body, Code code,
                  std::string part = "") {
    return {std::move(name),
            [this, method, body] {
              return RawUnaryCall(channel_, "/qgrad.v1.JobService/" + method, body, kToken)
                  .status;
            },
            code, std::move(part)};
  }

  std::string SubmitOk(const std::string& json) {
    v1::SubmitJobResponse response;
    grpc::Status status = SubmitJson(json, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.job().id();
  }

  v1::Job Get(const std::string& id) {
    v1::GetJobRequest request;
    request.set_job_id(id);
    v1::Job job;
    EXPECT_TRUE(stub_->GetJob(Context(kToken).get(), request, &job).ok());
    return job;
  }

  void Cancel(const std::string& id) {
    v1::CancelJobRequest request;
    request.set_job_id(id);
    v1::CancelJobResponse response;
    ASSERT_TRUE(stub_->CancelJob(Context(kToken).get(), request, &response).ok());
  }

  // Waits until the job runs; its state then.
  v1::JobState WaitRunning(const std::string& id) {
    return WaitFor(*stub_, kToken, id, [](const v1::Job& j) {
             return j.state() != v1::JOB_STATE_QUEUED;
           }).state();
  }

  void RunCases(const std::vector<HostileCase>& cases) {
    for (const HostileCase& c : cases) {
      SCOPED_TRACE(c.name);
      const Clock::time_point start = Clock::now();
      const grpc::Status status = c.call();
      const int64_t took = MillisSince(start);
      EXPECT_EQ(status.error_code(), c.code) << status.error_message();
      EXPECT_NE(status.error_message().find(c.message_part), std::string::npos)
          << status.error_message();
      EXPECT_FALSE(status.error_message().empty());
      EXPECT_LT(took, kAnswerLimit.count());
      ++answered_;
    }
  }

  // The hostile specs, and the hostile request bodies and fields.
  std::vector<HostileCase> SpecCases();
  std::vector<HostileCase> RequestCases();

  TempDir dir_;
  std::unique_ptr<QgraddProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::JobService::Stub> stub_;
  int answered_ = 0;
};

std::string MaxCutWith(const std::string& initial_state) {
  return absl::StrCat(R"({"problem": {"maxcut": {"generator": {"kind": "paper"}}},
      "initialState": )", initial_state, R"(, "method": {"nested": {"warmStart": {}}}})");
}

std::vector<HostileCase> HostileTest::SpecCases() {
  HostileTest* t = this;
  const Code invalid = Code::INVALID_ARGUMENT;
  const Code exhausted = Code::RESOURCE_EXHAUSTED;
  const std::string qaoa = R"({"preparation": "plus", "ansatz": {"name": "qaoa"},)";
  const std::string pauli = R"("problem": {"pauliSum": {"text": "Z0 Z1"}})";
  auto qasm_spec = [](const std::string& program) {
    nlohmann::json spec = {{"problem", {{"pauliSum", {{"text", "Z0 Z1 + X2 + X3"}}}}},
                           {"initialState", {{"qasm", program}}}};
    return spec.dump();
  };
  std::vector<HostileCase> cases;
  auto add = [&](HostileCase c) { cases.push_back(std::move(c)); };
  // The issue's cases.
  add(t->Spec("NaN start params", MaxCutWith(qaoa + R"("params": ["NaN", 0.5]})"), invalid,
              "initial_state.params[0]"));
  add(t->Spec("infinite start params", MaxCutWith(qaoa + R"("params": [0.5, "-Infinity"]})"),
              invalid, "initial_state.params[1]"));
  add(t->Spec("nested-definition bomb", qasm_spec(DefinitionBomb()), exhausted,
              "max_operations"));
  add(t->Spec("complete graph of 2^31-1 nodes",
              R"({"problem": {"maxcut": {"generator": {"kind": "complete",
                  "numNodes": 2147483647}}}})",
              exhausted, "2147483647"));
  add(t->Spec("hardware-efficient ansatz, 2e9 layers",
              absl::StrCat("{", pauli, R"(, "initialState": {"ansatz": {"name":
                  "hardware_efficient", "layers": 2000000000}}})"),
              exhausted, "initial_state.ansatz.layers"));
  add(t->Spec("polynomial degree x qubits overflows 32 bits",
              R"({"problem": {"polynomial": {"a": "Z0 Z1", "degree": 1073741824,
                  "numQubits": 4}}})",
              invalid, "problem.polynomial.degree"));
  // Non-finite numbers elsewhere.
  add(t->Spec("NaN exact cost", absl::StrCat(R"({"problem": {"pauliSum": {"text": "Z0"},
                  "exactCost": "NaN"}})"), invalid, "problem.exact_cost"));
  add(t->Spec("infinite edge weight", R"({"problem": {"maxcut": {"edges": {"edges": [
                  {"u": 0, "v": 1, "weight": "Infinity"}]}}}})", invalid, "weight"));
  add(t->Spec("NaN step size", absl::StrCat("{", pauli, R"(, "method": {"nested":
                  {"stepSize": "NaN"}}})"), invalid, "method.nested.step_size"));
  add(t->Spec("NaN amplitudes", absl::StrCat("{", pauli, R"(, "initialState": {"amplitudes":
                  [1, "NaN", 0, 0]}})"), invalid, "initial_state.amplitudes"));
  add(t->Spec("NaN warm-start tolerance", absl::StrCat("{", pauli, R"(, "method": {"nested":
                  {"warmStart": {"ftolRel": "NaN"}}}})"), invalid, "ftol_rel"));
  add(t->Spec("infinite wall-clock limit", absl::StrCat("{", pauli, R"(, "limits":
                  {"maxWallSeconds": "Infinity"}})"), invalid, "limits.max_wall_seconds"));
  // Sizes.
  add(t->Spec("edge to node 2^31-1", R"({"problem": {"maxcut": {"edges": {"edges": [
                  {"u": 0, "v": 2147483647}]}}}})", exhausted, "2147483648 qubits exceed"));
  add(t->Spec("negative node", R"({"problem": {"maxcut": {"edges": {"edges": [
                  {"u": -1, "v": 2}]}}}})", invalid, "problem.maxcut.edges.edges[0]"));
  add(t->Spec("Pauli string on qubit 10^9",
              R"({"problem": {"pauliSum": {"text": "Z0 Z1000000000"}}})", invalid,
              "out of range"));
  add(t->Spec("3 MB Pauli sum ending on qubit 25",
              nlohmann::json{{"problem", {{"pauliSum", {{"text", Repeat("0.5 * Z0 Z1 + ", 200000) +
                                                                     "Z25"}}}}}}.dump(),
              exhausted, "qubits"));
  add(t->Spec("model of 2^31-1 qubits", R"({"problem": {"model": {"kind": "tfim",
                  "numQubits": 2147483647}}})", exhausted, "2147483647"));
  add(t->Spec("random 3-regular graph of 2^31-2 nodes", R"({"problem": {"maxcut":
                  {"generator": {"kind": "random_3_regular", "numNodes": 2147483646}}}})",
              exhausted, "2147483646"));
  add(t->Spec("random layers x 10^9", R"({"problem": {"model": {"kind": "local_z",
                  "numQubits": 4}}, "initialState": {"ansatz": {"name": "random_layers",
                  "layers": 1000000000}}})", exhausted, "initial_state.ansatz.layers"));
  add(t->Spec("FCIDUMP with a million orbitals", R"({"problem": {"molecule": {"fcidumpText":
                  "&FCI NORB=1000000,NELEC=2,MS2=0,\n ORBSYM=1,\n ISYM=1,\n&END\n 1.0 1 1 1 1\n"}}})",
              invalid, "NORB=1000000"));
  add(t->Spec("negative frozen core", R"({"problem": {"molecule": {"fcidumpText":
                  "&FCI NORB=2,NELEC=2,MS2=0,\n&END\n 1.0 1 1 1 1\n", "frozenCore": -1}}})",
              invalid, "problem.molecule"));
  add(t->Spec("coupling edge on qubit 10^6", absl::StrCat("{", pauli, R"(, "method":
                  {"nested": {"pool": "coupling_graph", "coupling": [{"a": 0, "b": 1000000}]}}})"),
              invalid, "coupling"));
  add(t->Spec("2^31-1 outer iterations", absl::StrCat("{", pauli, R"(, "method": {"nested":
                  {"stop": {"maxIterations": 2147483647}}}})"), invalid, "max_iterations"));
  // OpenQASM start circuits.
  add(t->Spec("200-qubit register", qasm_spec("OPENQASM 3.0;\nqubit[200] q;\n"), invalid,
              "200 qubits"));
  add(t->Spec("pow bomb", qasm_spec("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[4] q;\n"
                                    "pow(1000000000) @ x q[0];\n"),
              exhausted, "max_operations"));
  add(t->Spec("100,000 nested parentheses",
              qasm_spec("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[4] q;\nrx(" +
                        std::string(100000, '(') + "1" + std::string(100000, ')') +
                        ") q[0];\n"),
              exhausted, "nested too deeply"));
  add(t->Spec("one gate hidden behind a comment line",
              qasm_spec("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[4] q;\n# x q[0];\n"),
              invalid, "initial_state.qasm"));
  return cases;
}

std::vector<HostileCase> HostileTest::RequestCases() {
  HostileTest* t = this;
  const Code invalid = Code::INVALID_ARGUMENT;
  std::vector<HostileCase> cases;
  auto add = [&](HostileCase c) { cases.push_back(std::move(c)); };
  add(t->Raw("garbage bytes", "SubmitJob", std::string("\xff\xfe\xfd\xfc\xfb\xfa\x00\x01", 8),
             invalid, "qgrad.v1.SubmitJobRequest"));
  v1::SubmitJobRequest good;
  *good.mutable_spec() = SpecFromJson(R"({"problem": {"pauliSum": {"text": "Z0 Z1"}}})");
  const std::string body = good.SerializeAsString();
  add(t->Raw("truncated message", "SubmitJob", body.substr(0, body.size() - 3), invalid,
             "qgrad.v1.SubmitJobRequest"));
  add(t->Raw("invalid UTF-8 in the idempotency key", "SubmitJob",
             body + std::string("\x12\x02\xc3\x28", 4), invalid, "UTF-8"));
  add(t->Raw("20,000 nested groups", "SubmitJob",
             std::string(20000, '\x4b') + std::string(20000, '\x4c'), invalid,
             "qgrad.v1.SubmitJobRequest"));
  add(t->Raw("garbage to GetJob", "GetJob", std::string("\x0a\xff\x01", 3), invalid,
             "qgrad.v1.GetJobRequest"));
  add(t->Raw("garbage to CancelJob", "CancelJob", std::string("\x0b", 1), invalid,
             "qgrad.v1.CancelJobRequest"));
  add(t->Raw("garbage to WatchJob", "WatchJob", std::string("\x10\x80", 2), invalid,
             "qgrad.v1.WatchJobRequest"));
  add(t->Raw("a 10 kB job id", "GetJob",
             [] {
               v1::GetJobRequest r;
               r.set_job_id(std::string(10000, 'j'));
               return r.SerializeAsString();
             }(),
             invalid, "job_id"));
  add(t->Raw("page size 10^9", "ListJobs",
             [] {
               v1::ListJobsRequest r;
               r.set_page_size(1000000000);
               return r.SerializeAsString();
             }(),
             invalid, "page_size"));
  add(t->Raw("state 99", "ListJobs",
             [] {
               v1::ListJobsRequest r;
               r.add_states(static_cast<v1::JobState>(99));
               return r.SerializeAsString();
             }(),
             invalid, "states[0]"));
  add(t->Raw("a 5 MiB request", "SubmitJob", std::string(5 << 20, '\x00'),
             Code::RESOURCE_EXHAUSTED, ""));
  add({"control characters in the idempotency key",
       [t, good]() mutable {
         good.set_idempotency_key("key\x01\x02");
         v1::SubmitJobResponse response;
         return t->stub_->SubmitJob(Context(kToken).get(), good, &response);
       },
       invalid, "idempotency_key"});
  return cases;
}

TEST_F(HostileTest, EveryHostileRequestIsAnsweredQuicklyWhileHealthKeepsAnswering) {
  HealthProbe probe(server_->address());

  // A job holds the only worker throughout, so the server is busy as in real life.
  const std::string busy = SubmitOk(R"({"problem": {"model": {"kind": "tfim", "numQubits": 8,
      "periodic": true}}, "method": {"nested": {"stepSize": 0.002, "stop":
      {"maxIterations": 100000, "maxLayers": 100000, "indicatorThreshold": 0}}}})");
  ASSERT_EQ(WaitRunning(busy), v1::JOB_STATE_RUNNING);

  RunCases(SpecCases());
  RunCases(RequestCases());

  // A cursor beyond the last event of a running job is refused at once.
  const v1::Job running = Get(busy);
  Watched beyond =
      WatchAll(*stub_, kToken, busy, running.last_event_sequence() + 1000, milliseconds(3000));
  EXPECT_EQ(beyond.status.error_code(), Code::OUT_OF_RANGE) << beyond.status.error_message();
  EXPECT_TRUE(beyond.events.empty());

  // Sixteen expansion bombs at once: each answered in time (by its budget, or shed as
  // "busy" when no validation slot frees up soon enough), health unaffected.
  std::vector<std::thread> bombers;
  std::atomic<int> late{0}, wrong{0}, shed{0};
  const std::string bomb = nlohmann::json{
      {"problem", {{"pauliSum", {{"text", "Z0 Z1 + X2 + X3"}}}}},
      {"initialState", {{"qasm", DefinitionBomb()}}}}.dump();
  for (int i = 0; i < 16; ++i) {
    bombers.emplace_back([&] {
      const Clock::time_point start = Clock::now();
      const grpc::Status status = SubmitJson(bomb);
      if (status.error_code() != Code::RESOURCE_EXHAUSTED) ++wrong;
      if (status.error_message().find("busy") != std::string::npos) ++shed;
      if (MillisSince(start) >= kAnswerLimit.count()) ++late;
    });
  }
  for (std::thread& b : bombers) b.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(late.load(), 0);

  Cancel(busy);
  probe.Stop();
  EXPECT_GT(probe.probes(), 20);
  EXPECT_EQ(probe.failures(), 0);
  EXPECT_LT(probe.slowest_ms(), kHealthLimit.count());
  const int64_t peak = PeakResidentBytes(server_->pid());
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, kMemoryLimit) << "peak resident memory " << (peak >> 20) << " MiB";
  std::cerr << "hostile suite: " << answered_ << " cases, health slowest " << probe.slowest_ms()
            << " ms over " << probe.probes() << " probes, peak RSS " << (peak >> 20)
            << " MiB; " << shed.load() << " of 16 concurrent bombs shed as busy\n";
  EXPECT_GE(answered_, 33);

  // Every line of the log is one JSON object, and every refused call was logged.
  const Clock::time_point stop = Clock::now();
  EXPECT_EQ(server_->Terminate(), 0);
  EXPECT_LT(MillisSince(stop), kShutdownLimit.count());
  int refused_logged = 0;
  std::istringstream log(server_->Log());
  for (std::string line; std::getline(log, line);) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << line;
    if (parsed.value("event", "") == "rpc_failed") ++refused_logged;
  }
  EXPECT_GE(refused_logged, answered_);
}

// Jobs that would run for a long time let go of their worker promptly: within kAnswerLimit
// of a cancel (the next queued job starts), or of their deadline.
TEST_F(HostileTest, CancelAndDeadlineFreeTheWorkerPromptly) {
  const std::string follower_spec = R"({"problem": {"pauliSum": {"text": "Z0 Z1"}},
      "method": {"nested": {"stop": {"maxIterations": 1}}}})";
  // A warm start with a huge evaluation budget (COBYLA), then long synthesis.
  const std::string long_specs[] = {
      R"({"problem": {"model": {"kind": "tfim", "numQubits": 8, "periodic": true}},
          "initialState": {"ansatz": {"name": "hardware_efficient", "layers": 6}},
          "method": {"nested": {"warmStart": {"maxEvaluations": 100000, "ftolRel": 0,
          "ftolAbs": 0}}}})",
      R"({"problem": {"model": {"kind": "tfim", "numQubits": 8, "periodic": true}},
          "method": {"nested": {"stepSize": 0.002, "stop": {"maxIterations": 100000,
          "maxLayers": 100000, "indicatorThreshold": 0}}}})",
      R"({"problem": {"model": {"kind": "heisenberg", "numQubits": 8, "periodic": true}},
          "initialState": {"preparation": "plus"},
          "method": {"adaptVqe": {"maxIterations": 10000, "gradientThreshold": 0}}})"};
  for (const std::string& spec : long_specs) {
    const std::string id = SubmitOk(spec);
    ASSERT_EQ(WaitRunning(id), v1::JOB_STATE_RUNNING);
    std::this_thread::sleep_for(milliseconds(300));  // well inside its work
    const std::string follower = SubmitOk(follower_spec);
    const Clock::time_point cancelled = Clock::now();
    Cancel(id);
    const v1::Job next = WaitFor(*stub_, kToken, follower, [](const v1::Job& j) {
      return j.state() != v1::JOB_STATE_QUEUED;
    });
    EXPECT_NE(next.state(), v1::JOB_STATE_QUEUED);
    EXPECT_LT(MillisSince(cancelled), kAnswerLimit.count()) << spec;
    WaitFor(*stub_, kToken, follower, [](const v1::Job& j) { return IsTerminal(j.state()); });
  }

  // A deadline of half a second on a long job: CANCELLED soon after it.
  v1::SubmitJobRequest request;
  *request.mutable_spec() = SpecFromJson(long_specs[1]);
  request.set_deadline_seconds(0.5);
  v1::SubmitJobResponse response;
  const Clock::time_point submitted = Clock::now();
  ASSERT_TRUE(stub_->SubmitJob(Context(kToken).get(), request, &response).ok());
  const v1::Job expired = WaitFor(*stub_, kToken, response.job().id(),
                                  [](const v1::Job& j) { return IsTerminal(j.state()); });
  EXPECT_EQ(expired.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_LT(MillisSince(submitted), 500 + kAnswerLimit.count());

  // SIGTERM while a long job runs: gone within the limit, the job left to resume.
  const std::string resumable = SubmitOk(long_specs[1]);
  ASSERT_EQ(WaitRunning(resumable), v1::JOB_STATE_RUNNING);
  const Clock::time_point stop = Clock::now();
  EXPECT_EQ(server_->Terminate(), 0);
  EXPECT_LT(MillisSince(stop), kShutdownLimit.count());
}

// Two servers may not share a port: gRPC's port reuse is off.
TEST_F(HostileTest, ASecondServerOnTheSamePortIsRefused) {
  std::string log;
  TempDir other;
  const int code = QgraddProcess::RunToExit(
      {"--listen=" + server_->address(), "--data_dir=" + other.File("data")}, &log);
  EXPECT_EQ(code, 1) << log;
  EXPECT_NE(log.find("cannot listen on"), std::string::npos) << log;
  EXPECT_TRUE(HealthServing(channel_));
}

}  // namespace
}  // namespace qgrad::server::testing
