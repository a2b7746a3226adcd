// Each REST dialect against the device emulator on loopback, through the libcurl client:
// the backend conformance suite, and the fault matrix — for every injected fault on every
// endpoint a batch either completes or fails with a clear error within its deadline, no
// device job is created twice for one logical submission, and no credential appears in an
// error message.
//
// Thread-safety: test code; the emulators serve on their own threads.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/conformance/conformance.h"
#include "backends/emulator/emulator.h"
#include "backends/rest/rest_backend.h"
#include "gtest/gtest.h"

namespace qgrad {
namespace {

namespace emulator = backends::emulator;
namespace rest = backends::rest;
using backends::conformance::BackendConformanceTest;
using backends::conformance::ConformanceTarget;

constexpr char kIonqKey[] = "test-ionq-key-5b1f0c";
constexpr char kIbmKey[] = "test-ibm-key-8e2d47";
constexpr char kAwsKeyId[] = "AKIDQGRADTEST";
constexpr char kAwsSecret[] = "test-aws-secret-4c9a1e77";

void SetTestCredentialEnvironment() {
  setenv("QGRAD_TEST_IONQ_KEY", kIonqKey, 1);
  setenv("QGRAD_TEST_IBM_KEY", kIbmKey, 1);
  setenv("QGRAD_TEST_AWS_KEY_ID", kAwsKeyId, 1);
  setenv("QGRAD_TEST_AWS_SECRET", kAwsSecret, 1);
}

emulator::EmulatorOptions TestEmulatorOptions() {
  emulator::EmulatorOptions o;
  o.credentials.ionq_api_keys = {kIonqKey};
  o.credentials.ibm_api_keys = {kIbmKey};
  o.credentials.aws_keys = {{kAwsKeyId, kAwsSecret}};
  o.limits.max_qubits = 16;
  o.limits.max_shots = 100'000;
  o.limits.max_programs = 1'000;
  o.timing.queue_latency = absl::Milliseconds(5);
  // Long batches (the conformance suite's cancel cases) must still run when cancelled.
  o.timing.run_time_per_job = absl::Milliseconds(10);
  o.log_requests = false;
  return o;
}

std::unique_ptr<emulator::Emulator> StartTestEmulator(
    const emulator::EmulatorOptions& options = TestEmulatorOptions()) {
  auto started = emulator::Emulator::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  return started.ok() ? *std::move(started) : nullptr;
}

emulator::Dialect EmulatorDialect(rest::DialectKind kind) {
  switch (kind) {
    case rest::DialectKind::kIonq: return emulator::Dialect::kIonq;
    case rest::DialectKind::kBraket: return emulator::Dialect::kBraket;
    case rest::DialectKind::kQiskitRuntime: break;
  }
  return emulator::Dialect::kQiskitRuntime;
}

// The REST backend of `kind` pointed at `device`, with short polls and retries.
rest::RestBackendOptions TestRestOptions(const emulator::Emulator& device, rest::DialectKind kind) {
  SetTestCredentialEnvironment();
  rest::RestBackendOptions o;
  o.name = absl::StrCat("emulated-", rest::DialectKindName(kind));
  o.dialect = kind;
  const std::string base = device.base_url();
  switch (kind) {
    case rest::DialectKind::kIonq:
      o.endpoints.base_url = base + "/v0.4";
      o.endpoints.device = "simulator";
      o.credentials.api_key = "env:QGRAD_TEST_IONQ_KEY";
      o.gate_set = backends::native::GateSet::kIonq;
      break;
    case rest::DialectKind::kBraket:
      o.endpoints.base_url = base;
      o.endpoints.s3_url = base;
      o.endpoints.region = "us-east-1";
      o.endpoints.device = "arn:aws:braket:::device/quantum-simulator/amazon/sv1";
      o.endpoints.bucket = "qgrad-results";
      o.endpoints.prefix = "tasks";
      o.credentials.aws_access_key_id = "env:QGRAD_TEST_AWS_KEY_ID";
      o.credentials.aws_secret_access_key = "env:QGRAD_TEST_AWS_SECRET";
      o.gate_set = backends::native::GateSet::kAny;
      break;
    case rest::DialectKind::kQiskitRuntime:
      o.endpoints.base_url = base + "/api/v1";
      o.endpoints.iam_url = base;
      o.endpoints.device = "ibm_emulator";
      o.endpoints.service_crn = "crn:v1:qgrad-test";
      o.credentials.api_key = "env:QGRAD_TEST_IBM_KEY";
      o.gate_set = backends::native::GateSet::kIbm;
      break;
  }
  o.max_qubits = 16;
  o.max_shots = 10'000;
  o.max_programs = 100;
  o.poll_interval = absl::Milliseconds(5);
  o.max_poll_interval = absl::Milliseconds(50);
  o.request_timeout = absl::Seconds(5);
  o.retry.backoff = {absl::Milliseconds(10), absl::Milliseconds(200), 2.0};
  o.retry.max_attempts = 6;
  o.retry.overall_deadline = absl::Seconds(20);
  o.rate_limit = 0;
  return o;
}

std::shared_ptr<backends::Backend> MakeTestRestBackend(const emulator::Emulator& device,
                                                       rest::DialectKind kind) {
  auto backend = rest::RestBackend::Create(TestRestOptions(device, kind));
  EXPECT_TRUE(backend.ok()) << backend.status();
  return backend.ok() ? std::shared_ptr<backends::Backend>(*std::move(backend)) : nullptr;
}

// One emulator per dialect for the whole conformance suite (each test gets a new backend).
// They stop when the tests end, before the process exits: a device worker still simulating
// a cancelled batch at exit would be inside an OpenMP region while the runtime shuts down.
class TestSuiteEmulators : public testing::Environment {
 public:
  static emulator::Emulator* For(rest::DialectKind kind) {
    std::unique_ptr<emulator::Emulator>& device = devices_[static_cast<int>(kind)];
    if (device == nullptr) device = StartTestEmulator();
    return device.get();
  }
  void TearDown() override {
    for (auto& device : devices_) device.reset();
  }

 private:
  static inline std::unique_ptr<emulator::Emulator> devices_[3];
};
testing::Environment* const kTestSuiteEmulators =
    testing::AddGlobalTestEnvironment(new TestSuiteEmulators);

ConformanceTarget Target(rest::DialectKind kind) {
  return {rest::DialectKindName(kind), [kind] {
            emulator::Emulator* device = TestSuiteEmulators::For(kind);
            return device == nullptr ? nullptr : MakeTestRestBackend(*device, kind);
          },
          /*seeded=*/false, /*ordered=*/false};
}

INSTANTIATE_TEST_SUITE_P(Emulated, BackendConformanceTest,
                         testing::Values(Target(rest::DialectKind::kIonq),
                                         Target(rest::DialectKind::kBraket),
                                         Target(rest::DialectKind::kQiskitRuntime)),
                         backends::conformance::ConformanceTargetName);

// ------------------------------------------------------------------------ fault matrix

constexpr int kFaultPrograms = 3;
constexpr int64_t kFaultShots = 200;

backends::Batch FaultTestBatch(const std::string& key) {
  backends::Batch batch;
  for (int k = 0; k < kFaultPrograms; ++k) {
    batch.programs.push_back(backends::Program{
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\n"
        "cx q[0], q[1];\nc = measure q;\n",
        {}, kFaultShots});
  }
  batch.idempotency_key = key;
  return batch;
}

struct FaultCase {
  rest::DialectKind dialect;
  emulator::FaultKind kind;
  emulator::Endpoint endpoint;
};

std::string FaultCaseLabel(const FaultCase& c) {
  return absl::StrCat(rest::DialectKindName(c.dialect), "_", emulator::FaultKindName(c.kind),
                      "_", emulator::EndpointName(c.endpoint));
}
std::string FaultCaseName(const testing::TestParamInfo<FaultCase>& info) {
  return FaultCaseLabel(info.param);
}
void PrintTo(const FaultCase& c, std::ostream* out) { *out << FaultCaseLabel(c); }

std::vector<FaultCase> AllFaultCases() {
  std::vector<FaultCase> cases;
  for (rest::DialectKind dialect : {rest::DialectKind::kIonq, rest::DialectKind::kBraket,
                                    rest::DialectKind::kQiskitRuntime}) {
    std::vector<emulator::Endpoint> endpoints = {emulator::Endpoint::kSubmit,
                                                 emulator::Endpoint::kStatus,
                                                 emulator::Endpoint::kResult};
    if (dialect == rest::DialectKind::kQiskitRuntime) endpoints.push_back(emulator::Endpoint::kToken);
    for (emulator::Endpoint endpoint : endpoints) {
      for (emulator::FaultKind kind :
           {emulator::FaultKind::kHttp500, emulator::FaultKind::kHttp503,
            emulator::FaultKind::kHttp429, emulator::FaultKind::kSlow, emulator::FaultKind::kDrop,
            emulator::FaultKind::kJobFails, emulator::FaultKind::kVanish}) {
        const bool job_fault =
            kind == emulator::FaultKind::kJobFails || kind == emulator::FaultKind::kVanish;
        if (job_fault && endpoint == emulator::Endpoint::kToken) continue;
        cases.push_back({dialect, kind, endpoint});
      }
    }
  }
  return cases;
}

class FaultMatrixTest : public testing::TestWithParam<FaultCase> {};

TEST_P(FaultMatrixTest, CompletesOrFailsClearlyWithinTheDeadlineAndNeverDuplicates) {
  const FaultCase& c = GetParam();
  const bool job_fault = c.kind == emulator::FaultKind::kJobFails ||
                         c.kind == emulator::FaultKind::kVanish;
  emulator::EmulatorOptions options = TestEmulatorOptions();
  if (job_fault && c.endpoint != emulator::Endpoint::kResult) {
    // A job fault met at submission or while polling must find the job still running (a
    // finished job cannot fail): on a loaded machine the first poll can come after 10 ms.
    options.timing.run_time_per_job = absl::Seconds(2);
  }
  std::unique_ptr<emulator::Emulator> device = StartTestEmulator(options);
  ASSERT_NE(device, nullptr);
  emulator::FaultRule rule;
  rule.dialect = EmulatorDialect(c.dialect);
  rule.endpoint = c.endpoint;
  rule.kind = c.kind;
  rule.count = 2;  // two in a row: a retry meets the fault again
  rule.retry_after = absl::Seconds(1);
  rule.delay = absl::Milliseconds(300);
  device->SetFaultPlan(emulator::FaultPlan{{rule}, 7});
  std::shared_ptr<backends::Backend> backend = MakeTestRestBackend(*device, c.dialect);
  ASSERT_NE(backend, nullptr);

  const absl::Time start = absl::Now();
  const absl::Duration deadline = absl::Seconds(30);
  absl::StatusOr<backends::BatchResult> result =
      backends::RunBatch(*backend, FaultTestBatch("fault-matrix"), start + deadline);
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, deadline) << result.status();
  EXPECT_NE(result.status().code(), absl::StatusCode::kDeadlineExceeded) << result.status();

  // A job that fails or vanishes while its results are being fetched may still have
  // delivered them; at submission or while polled it must fail the batch.
  if (job_fault && c.endpoint == emulator::Endpoint::kResult && result.ok()) {
    EXPECT_EQ(result->programs.size(), size_t{kFaultPrograms});
  } else if (job_fault) {
    ASSERT_FALSE(result.ok()) << "an injected job failure must fail the batch";
    const std::string message(result.status().message());
    EXPECT_FALSE(message.empty());
    if (c.kind == emulator::FaultKind::kJobFails) {
      EXPECT_NE(message.find("injected fault"), std::string::npos) << message;
    }
  } else {
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->programs.size(), size_t{kFaultPrograms});
    for (const backends::ProgramResult& p : result->programs) {
      int64_t total = 0;
      for (const auto& [value, count] : p.counts) {
        EXPECT_TRUE(value == 0 || value == 3) << value;
        total += count;
      }
      EXPECT_EQ(total, kFaultShots);
    }
  }
  // One device job per program at most, whatever was retried (IBM: one for the batch).
  const int64_t max_jobs = c.dialect == rest::DialectKind::kQiskitRuntime ? 1 : kFaultPrograms;
  EXPECT_LE(device->JobsCreated(EmulatorDialect(c.dialect)), max_jobs);
  if (!job_fault) {
    EXPECT_EQ(device->JobsCreated(EmulatorDialect(c.dialect)), max_jobs);
  }

  // Submitting the same logical batch again creates nothing new (a vanished job is gone
  // from the provider with its client token: submitting again is a new attempt).
  absl::StatusOr<backends::BatchResult> again =
      backends::RunBatch(*backend, FaultTestBatch("fault-matrix"), absl::Now() + deadline);
  if (c.kind != emulator::FaultKind::kVanish) {
    EXPECT_LE(device->JobsCreated(EmulatorDialect(c.dialect)), max_jobs);
  }
  for (const absl::Status& s : {result.status(), again.status()}) {
    for (const char* secret : {kIonqKey, kIbmKey, kAwsSecret}) {
      EXPECT_EQ(s.message().find(secret), std::string::npos) << s;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Emulated, FaultMatrixTest, testing::ValuesIn(AllFaultCases()),
                         FaultCaseName);

}  // namespace
}  // namespace qgrad
