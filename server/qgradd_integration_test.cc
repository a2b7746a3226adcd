// qgradd end to end: the real binary on port 0 in a temporary directory, driven through
// the generated stubs — submit/watch/result for every problem kind and method (results
// identical to an in-process run), idempotent resubmission (also across a restart),
// cancellation of a queued and of a running job, deadlines, list paging and filters,
// backends, the health service (also alone on --health_listen) and server reflection,
// graceful SIGTERM.
//
// Thread-safety: single-threaded tests (the server is another process).
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

constexpr char kToken[] = "integration-token";

class QgraddTest : public ::testing::Test {
 protected:
  void StartServer(const std::vector<std::string>& extra = {}) {
    WriteFile(dir_.File("tokens"), absl::StrCat("alice ", Sha256Hex(kToken), "\n"));
    std::vector<std::string> args = {"--tokens_file=" + dir_.File("tokens")};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = QgraddProcess::Start(dir_.File("data"), args);
    ASSERT_NE(server_, nullptr);
    stub_ = JobStub(server_->address());
  }

  v1::SubmitJobResponse Submit(const v1::JobSpec& spec, const std::string& key = "",
                               int priority = 0, std::map<std::string, std::string> labels = {}) {
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    request.set_idempotency_key(key);
    request.set_priority(priority);
    for (const auto& [k, v] : labels) (*request.mutable_labels())[k] = v;
    v1::SubmitJobResponse response;
    grpc::Status status = stub_->SubmitJob(Context(kToken).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::CancelJobResponse Cancel(const std::string& id) {
    v1::CancelJobRequest request;
    request.set_job_id(id);
    v1::CancelJobResponse response;
    grpc::Status status = stub_->CancelJob(Context(kToken).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  void TearDown() override {
    if ((HasFailure() || std::getenv("QGRADD_TEST_LOG") != nullptr) && server_ != nullptr) {
      const std::string log = server_->Log();
      std::cerr << "qgradd log (tail):\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
    }
  }

  TempDir dir_;
  std::unique_ptr<QgraddProcess> server_;
  std::unique_ptr<v1::JobService::Stub> stub_;
};

TEST_F(QgraddTest, SubmitWatchAndResultForEveryProblemKindAndMethod) {
  StartServer();
  std::vector<std::pair<NamedSpec, std::string>> jobs;
  for (const NamedSpec& named : TinySpecs()) {
    v1::SubmitJobResponse response = Submit(named.spec);
    EXPECT_TRUE(response.created());
    EXPECT_EQ(response.job().state(), v1::JOB_STATE_QUEUED);
    EXPECT_EQ(response.job().tenant(), "alice");
    jobs.push_back({named, response.job().id()});
  }
  for (const auto& [named, id] : jobs) {
    SCOPED_TRACE(named.name);
    Watched watched = WatchAll(*stub_, kToken, id);
    ASSERT_TRUE(watched.status.ok()) << watched.status.error_message();
    EXPECT_EQ(CheckEventLog(watched.events, v1::JOB_STATE_SUCCEEDED), "");
    v1::GetJobResultRequest request;
    request.set_job_id(id);
    v1::JobResult result;
    grpc::Status status = stub_->GetJobResult(Context(kToken).get(), request, &result);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(Comparable(result), ReferenceResult(named.spec));
    int iterations = 0;
    for (const v1::JobEvent& e : watched.events) iterations += e.has_iteration();
    EXPECT_EQ(iterations, result.history_size());
    v1::Job job = WaitFor(*stub_, kToken, id, [](const v1::Job& j) { return true; });
    EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED);
    EXPECT_EQ(job.iterations_done(), iterations);
    EXPECT_EQ(job.last_event_sequence(), int64_t(watched.events.size()));
    EXPECT_GT(job.finish_time_unix_micros(), 0);

    // Resuming a watch from a sequence replays only what follows it.
    Watched tail = WatchAll(*stub_, kToken, id, 2);
    ASSERT_TRUE(tail.status.ok());
    ASSERT_EQ(tail.events.size(), watched.events.size() - 2);
    EXPECT_EQ(tail.events.front().sequence(), 3);
  }
}

TEST_F(QgraddTest, ResubmissionWithTheSameKeyReturnsTheSameJobEvenAfterARestart) {
  StartServer();
  const v1::JobSpec spec = TinySpecs()[0].spec;
  v1::SubmitJobResponse first = Submit(spec, "key-1");
  v1::SubmitJobResponse again = Submit(spec, "key-1");
  EXPECT_TRUE(first.created());
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.job().id(), first.job().id());
  EXPECT_NE(Submit(spec, "key-2").job().id(), first.job().id());
  EXPECT_NE(Submit(spec).job().id(), Submit(spec).job().id());  // no key: always new

  ASSERT_EQ(server_->Terminate(), 0);
  if (std::getenv("QGRADD_TEST_LOG") != nullptr) std::cerr << server_->Log();
  StartServer();
  v1::SubmitJobResponse after = Submit(spec, "key-1");
  EXPECT_FALSE(after.created());
  EXPECT_EQ(after.job().id(), first.job().id());
  Watched watched = WatchAll(*stub_, kToken, first.job().id());
  EXPECT_EQ(CheckEventLog(watched.events, v1::JOB_STATE_SUCCEEDED), "");
}

TEST_F(QgraddTest, CancelsAQueuedAndARunningJob) {
  StartServer({"--max_running_jobs=1"});
  const std::string running = Submit(LongSpec()).job().id();
  const std::string queued = Submit(LongSpec()).job().id();
  // The running one has made progress before it is cancelled.
  WaitFor(*stub_, kToken, running, [](const v1::Job& j) { return j.iterations_done() >= 2; });

  v1::CancelJobResponse cancelled_queued = Cancel(queued);
  EXPECT_EQ(cancelled_queued.job().state(), v1::JOB_STATE_CANCELLED);
  EXPECT_EQ(cancelled_queued.job().error(), "cancelled by the client");
  Watched queued_log = WatchAll(*stub_, kToken, queued);
  ASSERT_EQ(queued_log.events.size(), 2u);
  EXPECT_EQ(queued_log.events[1].state(), v1::JOB_STATE_CANCELLED);

  const auto cancel_time = std::chrono::steady_clock::now();
  EXPECT_EQ(Cancel(running).job().state(), v1::JOB_STATE_CANCELLED);
  Watched running_log = WatchAll(*stub_, kToken, running);
  EXPECT_EQ(CheckEventLog(running_log.events, v1::JOB_STATE_CANCELLED), "");
  // The worker is free again almost at once: the next job starts running promptly.
  const std::string next = Submit(TinySpecs()[0].spec).job().id();
  WaitFor(*stub_, kToken, next, [](const v1::Job& j) { return IsTerminal(j.state()); });
  EXPECT_LT(std::chrono::steady_clock::now() - cancel_time, std::chrono::seconds(5));
  // Nothing was written after the cancellation.
  v1::Job after = WaitFor(*stub_, kToken, running, [](const v1::Job&) { return true; });
  EXPECT_EQ(after.last_event_sequence(), int64_t(running_log.events.size()));

  // Cancelling a finished job is a no-op that reports its state.
  EXPECT_EQ(Cancel(next).job().state(), v1::JOB_STATE_SUCCEEDED);
}

TEST_F(QgraddTest, DeadlinesCancelQueuedAndRunningJobs) {
  StartServer({"--max_running_jobs=1"});
  v1::SubmitJobRequest request;
  *request.mutable_spec() = LongSpec();
  request.set_deadline_seconds(0.3);
  v1::SubmitJobResponse running, queued;
  ASSERT_TRUE(stub_->SubmitJob(Context(kToken).get(), request, &running).ok());
  ASSERT_TRUE(stub_->SubmitJob(Context(kToken).get(), request, &queued).ok());
  for (const std::string& id : {running.job().id(), queued.job().id()}) {
    Watched log = WatchAll(*stub_, kToken, id);
    EXPECT_EQ(CheckEventLog(log.events, v1::JOB_STATE_CANCELLED), "");
    EXPECT_EQ(log.events.back().error(), "deadline exceeded");
  }
}

TEST_F(QgraddTest, ListsPageByPageOldestFirstWithFilters) {
  StartServer({"--max_running_jobs=1"});
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(Submit(TinySpecs()[0].spec, "", 0, {{"team", i % 2 ? "odd" : "even"}})
                      .job().id());
  }
  std::vector<std::string> listed;
  v1::ListJobsRequest request;
  request.set_page_size(3);
  int pages = 0;
  do {
    v1::ListJobsResponse response;
    ASSERT_TRUE(stub_->ListJobs(Context(kToken).get(), request, &response).ok());
    EXPECT_LE(response.jobs_size(), 3);
    for (const v1::Job& job : response.jobs()) {
      listed.push_back(job.id());
      EXPECT_FALSE(job.has_spec());
    }
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, ids);

  v1::ListJobsRequest odd;
  (*odd.mutable_labels())["team"] = "odd";
  v1::ListJobsResponse odd_jobs;
  ASSERT_TRUE(stub_->ListJobs(Context(kToken).get(), odd, &odd_jobs).ok());
  ASSERT_EQ(odd_jobs.jobs_size(), 3);
  EXPECT_EQ(odd_jobs.jobs(0).id(), ids[1]);
  EXPECT_EQ(odd_jobs.next_page_token(), "");

  for (const std::string& id : ids) {
    WaitFor(*stub_, kToken, id, [](const v1::Job& j) { return IsTerminal(j.state()); });
  }
  v1::ListJobsRequest succeeded;
  succeeded.add_states(v1::JOB_STATE_SUCCEEDED);
  v1::ListJobsResponse done;
  ASSERT_TRUE(stub_->ListJobs(Context(kToken).get(), succeeded, &done).ok());
  EXPECT_EQ(done.jobs_size(), 7);
  v1::ListJobsRequest queued;
  queued.add_states(v1::JOB_STATE_QUEUED);
  v1::ListJobsResponse none;
  ASSERT_TRUE(stub_->ListJobs(Context(kToken).get(), queued, &none).ok());
  EXPECT_EQ(none.jobs_size(), 0);
}

TEST_F(QgraddTest, HigherPriorityRunsFirst) {
  StartServer({"--max_running_jobs=1"});
  const std::string blocker = Submit(LongSpec()).job().id();
  WaitFor(*stub_, kToken, blocker,
          [](const v1::Job& j) { return j.state() == v1::JOB_STATE_RUNNING; });
  const std::string low = Submit(TinySpecs()[0].spec, "", -5).job().id();
  const std::string high = Submit(TinySpecs()[0].spec, "", 50).job().id();
  Cancel(blocker);
  v1::Job low_job = WaitFor(*stub_, kToken, low, [](const v1::Job& j) { return IsTerminal(j.state()); });
  v1::Job high_job =
      WaitFor(*stub_, kToken, high, [](const v1::Job& j) { return IsTerminal(j.state()); });
  EXPECT_LT(high_job.start_time_unix_micros(), low_job.start_time_unix_micros());
}

TEST_F(QgraddTest, BackendsHealthAndReflection) {
  StartServer({"--max_qubits=12", "--port_file=" + dir_.File("port"),
               "--health_listen=127.0.0.1:0"});
  EXPECT_EQ(ReadFile(dir_.File("port")), server_->address() + "\n");
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto backends = v1::BackendService::NewStub(channel);
  v1::ListBackendsResponse list;
  ASSERT_TRUE(backends->ListBackends(Context(kToken).get(), {}, &list).ok());
  // Sorted by name: the shot backend and the exact one jobs run on, same simulator.
  ASSERT_EQ(list.backends_size(), 2);
  EXPECT_EQ(list.backends(0).name(), "local");
  EXPECT_EQ(list.backends(1).name(), "statevector");
  for (const v1::Backend& b : list.backends()) {
    EXPECT_EQ(b.max_qubits(), 12);
    EXPECT_TRUE(b.exact());
  }
  v1::GetBackendRequest get;
  get.set_name("statevector");
  v1::Backend backend;
  ASSERT_TRUE(backends->GetBackend(Context(kToken).get(), get, &backend).ok());
  get.set_name("ionq");
  EXPECT_EQ(backends->GetBackend(Context(kToken).get(), get, &backend).error_code(),
            grpc::StatusCode::NOT_FOUND);

  EXPECT_TRUE(HealthServing(channel));
  // The probes' listener answers health, and nothing else.
  const std::string log = server_->Log();
  const std::string key = "\"health_address\":\"";
  const size_t at = log.find(key);
  ASSERT_NE(at, std::string::npos) << log;
  const std::string health_address =
      log.substr(at + key.size(), log.find('"', at + key.size()) - at - key.size());
  auto health_channel = grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials());
  EXPECT_TRUE(HealthServing(health_channel)) << health_address;
  v1::ListBackendsResponse none;
  EXPECT_EQ(v1::BackendService::NewStub(health_channel)
                ->ListBackends(Context(kToken).get(), {}, &none)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  // Server reflection lists the services: request {list_services: ""} (field 7).
  grpc::GenericStub generic(channel);
  std::vector<grpc::Slice> slices;
  grpc::ClientContext reflection_context;
  grpc::CompletionQueue cq;
  auto call = generic.PrepareCall(&reflection_context,
                                  "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                  &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::Slice list_services(std::string("\x3a\x00", 2));
  grpc::ByteBuffer reflection_request(&list_services, 1);
  call->Write(reflection_request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer reflection_response;
  call->Read(&reflection_response, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  slices.clear();
  ASSERT_TRUE(reflection_response.Dump(&slices).ok());
  std::string services;
  for (const grpc::Slice& s : slices) services += std::string(s.begin(), s.end());
  EXPECT_NE(services.find("qgrad.v1.JobService"), std::string::npos);
  EXPECT_NE(services.find("qgrad.v1.BackendService"), std::string::npos);
  reflection_context.TryCancel();
  grpc::Status finish_status;
  call->Finish(&finish_status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(QgraddTest, SigtermStopsRunningJobsWhichResumeAfterARestart) {
  StartServer({"--max_running_jobs=2"});
  const v1::JobSpec spec = MediumSpec(40);
  const std::string id = Submit(spec).job().id();
  WaitFor(*stub_, kToken, id, [](const v1::Job& j) { return j.iterations_done() >= 2; });
  const auto before = std::chrono::steady_clock::now();
  ASSERT_EQ(server_->Terminate(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_NE(server_->Log().find("\"event\":\"job_suspended\""), std::string::npos);

  StartServer();
  v1::Job job = WaitFor(*stub_, kToken, id, [](const v1::Job&) { return true; });
  EXPECT_TRUE(job.state() == v1::JOB_STATE_RUNNING || job.state() == v1::JOB_STATE_SUCCEEDED)
      << v1::JobState_Name(job.state());
  Watched watched = WatchAll(*stub_, kToken, id);
  EXPECT_EQ(CheckEventLog(watched.events, v1::JOB_STATE_SUCCEEDED), "");
  v1::GetJobResultRequest request;
  request.set_job_id(id);
  v1::JobResult result;
  ASSERT_TRUE(stub_->GetJobResult(Context(kToken).get(), request, &result).ok());
  EXPECT_EQ(Comparable(result), ReferenceResult(spec));
}

}  // namespace
}  // namespace qgrad::server::testing
