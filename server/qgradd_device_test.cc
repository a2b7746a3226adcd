// qgradd with a REST device backend (IonQ dialect) served by the device emulator: a
// shadows-mode job runs through it; qgradd is killed with SIGKILL while device jobs are
// being submitted and restarted, and the resumed job creates no device job twice (every
// batch it submits again carries the idempotency keys of the first attempt); no line of
// qgradd's log and no job error contains the API key.
//
// Thread-safety: single-threaded test (the emulator serves on its own threads, qgradd is
// another process).
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "backends/emulator/emulator.h"
#include "gtest/gtest.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

namespace emulator = backends::emulator;

constexpr char kApiKey[] = "device-test-api-key-71c3e9f0";

v1::JobSpec DeviceSpec(const std::string& name) {
  return SpecFromJson(absl::StrCat(R"({"name": ")", name, R"(", "problem": {"maxcut":
      {"generator": {"kind": "ring", "numNodes": 4}, "shots": 32}}, "initialState":
      {"preparation": "plus", "ansatz": {"name": "qaoa"}, "params": [0.3, -0.3]}, "seed": 5,
      "method": {"nested": {"stop": {"maxIterations": 4, "indicatorThreshold": 0}}},
      "estimation": {"shadows": {"shotsPerIteration": 1000, "shotsPerSetting": 50,
      "backend": "dev"}}})"));
}

std::string SubmitJob(v1::JobService::Stub& stub, const v1::JobSpec& spec,
                      const std::string& key) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  request.set_idempotency_key(key);
  v1::SubmitJobResponse response;
  grpc::Status status = stub.SubmitJob(Context("").get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.job().id();
}

v1::Job WaitDone(v1::JobService::Stub& stub, const std::string& id) {
  return WaitFor(stub, "", id, [](const v1::Job& job) { return IsTerminal(job.state()); },
                 std::chrono::seconds(240));
}

TEST(QgraddDeviceTest, SigkillBetweenSubmittingAndRecordingCreatesNoDeviceJobTwice) {
  TempDir dir;
  emulator::EmulatorOptions device_options;
  device_options.credentials.ionq_api_keys = {kApiKey};
  device_options.timing.queue_latency = absl::Milliseconds(2);
  device_options.log_requests = false;
  auto device = emulator::Emulator::Start(device_options);
  ASSERT_TRUE(device.ok()) << device.status();
  WriteFile(dir.File("ionq.key"), kApiKey);
  ASSERT_EQ(chmod(dir.File("ionq.key").c_str(), 0600), 0);
  WriteFile(dir.File("qgradd.conf"),
            absl::StrCat("backend = dev dialect=ionq url=", (*device)->base_url(),
                         "/v0.4 device=simulator credential=file:", dir.File("ionq.key"),
                         " native_gates=ionq poll_ms=2 max_poll_ms=20 rate_limit=0\n"));
  const std::vector<std::string> args = {"--config=" + dir.File("qgradd.conf"),
                                         "--log_level=debug"};
  auto created = [&] { return (*device)->JobsCreated(emulator::Dialect::kIonq); };
  auto submits = [&] {
    return (*device)->Requests(emulator::Dialect::kIonq, emulator::Endpoint::kSubmit);
  };

  // An uninterrupted job: how many device jobs the spec needs.
  auto server = QgraddProcess::Start(dir.File("data"), args);
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());
  const std::string reference_id = SubmitJob(*stub, DeviceSpec("reference"), "reference");
  v1::Job reference = WaitDone(*stub, reference_id);
  ASSERT_EQ(reference.state(), v1::JOB_STATE_SUCCEEDED) << reference.error();
  // One device job per program: the result counts the programs its run submitted (a
  // shadows-mode run's count depends on its shots: one that climbs estimates its best state
  // again at the end).
  auto programs_of = [&](v1::JobService::Stub& service, const std::string& job_id) {
    v1::GetJobResultRequest request;
    request.set_job_id(job_id);
    v1::JobResult result;
    grpc::Status status = service.GetJobResult(Context("").get(), request, &result);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return result.estimation().circuits();
  };
  const int64_t needed = created();
  ASSERT_GT(needed, 20);
  ASSERT_EQ(programs_of(*stub, reference_id), needed);

  // The same spec again, killed once about half of its device jobs exist.
  const std::string id = SubmitJob(*stub, DeviceSpec("killed"), "killed");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (created() < needed + needed / 2 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  server->Kill();
  const int64_t created_before_restart = created() - needed;
  const int64_t submits_before_restart = submits();
  ASSERT_GT(created_before_restart, 0);
  ASSERT_LT(created_before_restart, needed) << "the job finished before the kill";

  server = QgraddProcess::Start(dir.File("data"), args);
  ASSERT_NE(server, nullptr);
  stub = JobStub(server->address());
  v1::Job resumed = WaitDone(*stub, id);
  ASSERT_EQ(resumed.state(), v1::JOB_STATE_SUCCEEDED) << resumed.error();
  // The resumed job submitted again what the first attempt had submitted since its last
  // checkpoint, and the device found those jobs by their keys.
  EXPECT_EQ(created() - needed, programs_of(*stub, id));
  EXPECT_GT(submits() - submits_before_restart, needed - created_before_restart);

  const std::string log = server->Log();
  EXPECT_EQ(log.find(kApiKey), std::string::npos);
  EXPECT_NE(log.find("device_backend"), std::string::npos) << log;
  EXPECT_EQ(resumed.error().find(kApiKey), std::string::npos);
}

TEST(QgraddDeviceTest, AWrongApiKeyFailsTheJobWithoutShowingTheKey) {
  TempDir dir;
  emulator::EmulatorOptions device_options;
  device_options.credentials.ionq_api_keys = {kApiKey};
  device_options.log_requests = false;
  auto device = emulator::Emulator::Start(device_options);
  ASSERT_TRUE(device.ok()) << device.status();
  const std::string wrong = "wrong-key-3f9d0a";
  WriteFile(dir.File("ionq.key"), wrong);
  ASSERT_EQ(chmod(dir.File("ionq.key").c_str(), 0600), 0);
  auto server = QgraddProcess::Start(
      dir.File("data"),
      {absl::StrCat("--backend=dev dialect=ionq url=", (*device)->base_url(),
                    "/v0.4 device=simulator credential=file:", dir.File("ionq.key")),
       "--log_level=debug"});
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());
  v1::Job job = WaitDone(*stub, SubmitJob(*stub, DeviceSpec("wrong key"), "wrong"));
  EXPECT_EQ(job.state(), v1::JOB_STATE_FAILED);
  EXPECT_NE(job.error().find("401"), std::string::npos) << job.error();
  EXPECT_EQ(job.error().find(wrong), std::string::npos) << job.error();
  EXPECT_EQ(server->Log().find(wrong), std::string::npos);
}

}  // namespace
}  // namespace qgrad::server::testing
