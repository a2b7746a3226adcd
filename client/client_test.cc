// Client against the in-process FakeServer: the unary calls, the authorization header,
// status-code mapping, idempotent submission, paging and option validation.
#include "client/client.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "client/fake_server.h"
#include "client/status_conversion.h"
#include "gtest/gtest.h"

namespace qgrad::client {
namespace {

v1::SubmitJobRequest MaxCutRequest(const std::string& name) {
  v1::SubmitJobRequest request;
  request.mutable_spec()->set_name(name);
  request.mutable_spec()->mutable_problem()->mutable_maxcut()->mutable_generator()->set_kind(
      "paper");
  return request;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.token = "s3cret";
    auto server = FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = Connect("s3cret");
  }

  std::unique_ptr<Client> Connect(const std::string& token) {
    ClientOptions options;
    options.server = server_->address();
    options.token = token;
    options.timeout = absl::Seconds(10);
    absl::StatusOr<Client> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return std::make_unique<Client>(*std::move(client));
  }

  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, SubmitThenGetSendsTheBearerTokenOnEveryCall) {
  v1::SubmitJobRequest request = MaxCutRequest("first");
  (*request.mutable_labels())["team"] = "optics";
  request.set_priority(5);
  absl::StatusOr<v1::SubmitJobResponse> submitted = client_->Submit(request);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_TRUE(submitted->created());
  EXPECT_FALSE(submitted->job().id().empty());

  absl::StatusOr<v1::Job> job = client_->GetJob(submitted->job().id());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->spec().name(), "first");
  EXPECT_EQ(job->labels().at("team"), "optics");
  EXPECT_EQ(job->priority(), 5);
  ASSERT_TRUE(server_->last_submit().has_value());
  EXPECT_EQ(server_->last_submit()->spec().name(), "first");

  for (const std::string& authorization : server_->authorizations()) {
    EXPECT_EQ(authorization, "Bearer s3cret");
  }
  EXPECT_EQ(server_->authorizations().size(), 2u);
}

TEST_F(ClientTest, SameIdempotencyKeyReturnsTheFirstJob) {
  v1::SubmitJobRequest request = MaxCutRequest("keyed");
  request.set_idempotency_key("run-42");
  absl::StatusOr<v1::SubmitJobResponse> first = client_->Submit(request);
  absl::StatusOr<v1::SubmitJobResponse> again = client_->Submit(request);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(first->created());
  EXPECT_FALSE(again->created());
  EXPECT_EQ(first->job().id(), again->job().id());
}

TEST_F(ClientTest, ServerStatusCodesArriveUnchanged) {
  absl::Status missing = client_->GetJob("j-nope").status();
  EXPECT_TRUE(absl::IsNotFound(missing)) << missing;
  EXPECT_TRUE(absl::StrContains(missing.message(), "j-nope"));

  v1::SubmitJobRequest no_problem;
  absl::Status bad = client_->Submit(no_problem).status();
  EXPECT_TRUE(absl::IsInvalidArgument(bad)) << bad;
  EXPECT_EQ(bad.message(), "spec.problem: required");

  server_->FailNextCall(grpc::StatusCode::RESOURCE_EXHAUSTED, "running jobs: limit 4");
  absl::Status full = client_->Submit(MaxCutRequest("x")).status();
  EXPECT_TRUE(absl::IsResourceExhausted(full)) << full;
  EXPECT_EQ(full.message(), "running jobs: limit 4");

  std::unique_ptr<Client> stranger = Connect("wrong");
  EXPECT_TRUE(absl::IsUnauthenticated(stranger->ListBackends().status()));
  std::unique_ptr<Client> anonymous = Connect("");
  EXPECT_TRUE(absl::IsUnauthenticated(anonymous->GetJob("j-000001").status()));
  EXPECT_EQ(server_->authorizations().back(), "");  // no header at all without a token
}

TEST_F(ClientTest, ResultOnlyForSucceededJobs) {
  absl::StatusOr<v1::SubmitJobResponse> submitted = client_->Submit(MaxCutRequest("r"));
  ASSERT_TRUE(submitted.ok());
  // Zero event interval: the scripted job has already finished.
  absl::StatusOr<v1::JobResult> result = client_->GetResult(submitted->job().id());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->name(), "r");
  EXPECT_EQ(result->history_size(), 3);
  EXPECT_TRUE(absl::StrContains(result->qasm(), "OPENQASM 3"));
}

TEST_F(ClientTest, CancelOfAFinishedJobIsANoOp) {
  absl::StatusOr<v1::SubmitJobResponse> submitted = client_->Submit(MaxCutRequest("c"));
  ASSERT_TRUE(submitted.ok());
  absl::StatusOr<v1::Job> job = client_->Cancel(submitted->job().id());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_TRUE(absl::IsNotFound(client_->Cancel("j-none").status()));
}

TEST_F(ClientTest, UsageOfTheTenantAndOfOneJob) {
  absl::StatusOr<v1::SubmitJobResponse> first = client_->Submit(MaxCutRequest("u1"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(client_->Submit(MaxCutRequest("u2")).ok());
  absl::StatusOr<v1::GetUsageResponse> usage = client_->GetUsage(first->job().id());
  ASSERT_TRUE(usage.ok()) << usage.status();
  // Both scripted jobs have finished their 3 iterations.
  EXPECT_EQ(usage->jobs(), 2);
  EXPECT_EQ(usage->job().shots(), 3 * kFakeShotsPerIteration);
  EXPECT_EQ(usage->tenant().circuits(), 6 * kFakeCircuitsPerIteration);
  EXPECT_EQ(usage->tenant().cpu_seconds(), 6 * kFakeCpuSecondsPerIteration);
  EXPECT_EQ(server_->authorizations().back(), "Bearer s3cret");
  absl::StatusOr<v1::GetUsageResponse> all = client_->GetUsage();
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->has_job());
  EXPECT_TRUE(absl::IsNotFound(client_->GetUsage("j-none").status()));
}

TEST_F(ClientTest, ListJobsPagesAndFilters) {
  for (int i = 0; i < 5; ++i) {
    v1::SubmitJobRequest request = MaxCutRequest("job" + std::to_string(i));
    (*request.mutable_labels())["parity"] = i % 2 == 0 ? "even" : "odd";
    ASSERT_TRUE(client_->Submit(request).ok());
  }
  v1::ListJobsRequest request;
  request.set_page_size(2);
  std::vector<std::string> ids;
  while (true) {
    absl::StatusOr<v1::ListJobsResponse> page = client_->ListJobs(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Job& job : page->jobs()) ids.push_back(job.id());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(ids.size(), 5u);

  v1::ListJobsRequest even;
  (*even.mutable_labels())["parity"] = "even";
  absl::StatusOr<v1::ListJobsResponse> filtered = client_->ListJobs(even);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->jobs_size(), 3);

  v1::ListJobsRequest bad;
  bad.set_page_size(5000);
  EXPECT_TRUE(absl::IsInvalidArgument(client_->ListJobs(bad).status()));
}

TEST_F(ClientTest, Backends) {
  absl::StatusOr<v1::ListBackendsResponse> all = client_->ListBackends();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->backends_size(), 2);
  EXPECT_EQ(all->backends(0).name(), "statevector");
  absl::StatusOr<v1::Backend> one = client_->GetBackend("emulator");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->status(), v1::BACKEND_STATUS_OFFLINE);
  EXPECT_TRUE(absl::IsNotFound(client_->GetBackend("ionq").status()));
}

TEST(ClientOptionsTest, UnreachableServerIsUnavailable) {
  ClientOptions options;
  options.server = "127.0.0.1:1";  // nothing listens on port 1
  options.timeout = absl::Seconds(5);
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok());
  absl::Status s = client->GetJob("j-1").status();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
}

TEST(ClientOptionsTest, BadOptionsAreRejectedUpFront) {
  ClientOptions options;
  options.token = "line\n";
  EXPECT_TRUE(absl::IsInvalidArgument(Client::Create(options).status()));
  options.token = "ok";
  options.tls_ca_file = "/nonexistent/ca.pem";
  absl::Status s = Client::Create(options).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "/nonexistent/ca.pem"));
  options.tls_ca_file = "";
  options.tls_cert_file = "/tmp/cert.pem";
  EXPECT_TRUE(absl::IsInvalidArgument(Client::Create(options).status()));  // no key
  options.tls_key_file = "/tmp/key.pem";
  EXPECT_TRUE(absl::IsInvalidArgument(Client::Create(options).status()));  // no CA
}

TEST(StatusConversionTest, CodesAndMessagesCarryOver) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  absl::Status s = FromGrpcStatus(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "running"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "running");
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "")).code(),
            absl::StatusCode::kUnauthenticated);
  // 20 is no canonical code yet fits the enum's range (99 would not: undefined behaviour).
  EXPECT_EQ(FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(20), "odd")).code(),
            absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace qgrad::client
