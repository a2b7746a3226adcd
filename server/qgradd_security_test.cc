// Security of qgradd: bearer tokens (missing, wrong, malformed → UNAUTHENTICATED on every
// RPC), tenant isolation (another tenant's job is NOT_FOUND everywhere, listings and
// idempotency keys are per tenant), tokens never logged, TLS and mutual TLS with
// certificates made at test time by the openssl CLI, the refusal of plaintext on a
// non-loopback address unless forced, and a malformed tokens file.
//
// Thread-safety: single-threaded tests (the server is another process).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

constexpr char kAlice[] = "alice-secret-token";
constexpr char kBob[] = "bob-secret-token";

std::string TokensFile(const TempDir& dir) {
  const std::string path = dir.File("tokens");
  WriteFile(path, absl::StrCat("# tenant sha256(token)\nalice ", Sha256Hex(kAlice), "\nbob ",
                               Sha256Hex(kBob), "\n"));
  return path;
}

v1::SubmitJobRequest TinyRequest(const std::string& key = "") {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = TinySpecs()[0].spec;
  request.set_idempotency_key(key);
  return request;
}

TEST(QgraddSecurityTest, EveryCallNeedsAKnownBearerToken) {
  TempDir dir;
  auto server = QgraddProcess::Start(dir.File("data"),
                                     {"--tokens_file=" + TokensFile(dir), "--store=memory"});
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());
  auto backends = v1::BackendService::NewStub(
      grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()));
  v1::SubmitJobResponse submitted;
  ASSERT_TRUE(stub->SubmitJob(Context(kAlice).get(), TinyRequest(), &submitted).ok());
  const std::string id = submitted.job().id();

  for (const std::string& metadata : {std::string(), std::string("Bearer wrong-token"),
                                      std::string("Basic ") + kAlice, std::string("Bearer ")}) {
    SCOPED_TRACE(metadata);
    auto context = [&] {
      auto c = std::make_unique<grpc::ClientContext>();
      if (!metadata.empty()) c->AddMetadata("authorization", metadata);
      c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      return c;
    };
    std::vector<grpc::Status> statuses;
    v1::SubmitJobResponse submit;
    statuses.push_back(stub->SubmitJob(context().get(), TinyRequest(), &submit));
    v1::GetJobRequest get;
    get.set_job_id(id);
    v1::Job job;
    statuses.push_back(stub->GetJob(context().get(), get, &job));
    v1::ListJobsResponse list;
    statuses.push_back(stub->ListJobs(context().get(), {}, &list));
    v1::CancelJobRequest cancel;
    cancel.set_job_id(id);
    v1::CancelJobResponse cancelled;
    statuses.push_back(stub->CancelJob(context().get(), cancel, &cancelled));
    v1::GetJobResultRequest result_request;
    result_request.set_job_id(id);
    v1::JobResult result;
    statuses.push_back(stub->GetJobResult(context().get(), result_request, &result));
    v1::GetUsageRequest usage_request;
    usage_request.set_job_id(id);
    v1::GetUsageResponse usage;
    statuses.push_back(stub->GetUsage(context().get(), usage_request, &usage));
    v1::WatchJobRequest watch;
    watch.set_job_id(id);
    auto watch_context = context();
    auto reader = stub->WatchJob(watch_context.get(), watch);
    v1::JobEvent event;
    EXPECT_FALSE(reader->Read(&event));
    statuses.push_back(reader->Finish());
    v1::ListBackendsResponse listed;
    statuses.push_back(backends->ListBackends(context().get(), {}, &listed));
    for (const grpc::Status& status : statuses) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    }
  }
  // The job was neither seen nor touched by any of those calls.
  v1::Job job = WaitFor(*stub, kAlice, id, [](const v1::Job& j) { return IsTerminal(j.state()); });
  EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED);
  const std::string log = server->Log();
  EXPECT_EQ(log.find(kAlice), std::string::npos) << "a token leaked into the log";
  EXPECT_EQ(log.find("wrong-token"), std::string::npos) << "a token leaked into the log";
  EXPECT_NE(log.find("\"code\":\"UNAUTHENTICATED\""), std::string::npos);
}

TEST(QgraddSecurityTest, ATenantSeesOnlyItsOwnJobs) {
  TempDir dir;
  auto server = QgraddProcess::Start(dir.File("data"),
                                     {"--tokens_file=" + TokensFile(dir), "--store=memory"});
  ASSERT_NE(server, nullptr);
  auto stub = JobStub(server->address());
  v1::SubmitJobResponse alice_job, bob_job;
  ASSERT_TRUE(stub->SubmitJob(Context(kAlice).get(), TinyRequest("same-key"), &alice_job).ok());
  // The same idempotency key in another tenant is another job.
  ASSERT_TRUE(stub->SubmitJob(Context(kBob).get(), TinyRequest("same-key"), &bob_job).ok());
  EXPECT_TRUE(bob_job.created());
  EXPECT_NE(bob_job.job().id(), alice_job.job().id());
  EXPECT_EQ(bob_job.job().tenant(), "bob");
  const std::string id = alice_job.job().id();
  WaitFor(*stub, kAlice, id, [](const v1::Job& j) { return IsTerminal(j.state()); });

  v1::GetJobRequest get;
  get.set_job_id(id);
  v1::Job job;
  grpc::Status status = stub->GetJob(Context(kBob).get(), get, &job);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), absl::StrCat("job ", id, " not found"));
  v1::GetJobResultRequest result_request;
  result_request.set_job_id(id);
  v1::JobResult result;
  EXPECT_EQ(stub->GetJobResult(Context(kBob).get(), result_request, &result).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::CancelJobRequest cancel;
  cancel.set_job_id(id);
  v1::CancelJobResponse cancelled;
  EXPECT_EQ(stub->CancelJob(Context(kBob).get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(WatchAll(*stub, kBob, id).status.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListJobsResponse bobs;
  ASSERT_TRUE(stub->ListJobs(Context(kBob).get(), {}, &bobs).ok());
  ASSERT_EQ(bobs.jobs_size(), 1);
  EXPECT_EQ(bobs.jobs(0).id(), bob_job.job().id());
  v1::GetUsageRequest usage_request;
  usage_request.set_job_id(id);
  v1::GetUsageResponse usage;
  EXPECT_EQ(stub->GetUsage(Context(kBob).get(), usage_request, &usage).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub->GetUsage(Context(kBob).get(), {}, &usage).ok());
  EXPECT_EQ(usage.jobs(), 1);  // his own job only
  ASSERT_TRUE(stub->GetUsage(Context(kAlice).get(), usage_request, &usage).ok());
  EXPECT_EQ(usage.jobs(), 1);
  EXPECT_GT(usage.job().cpu_seconds(), 0);
  EXPECT_EQ(usage.job().SerializeAsString(), usage.tenant().SerializeAsString());
  // Alice still has hers, untouched.
  ASSERT_TRUE(stub->GetJobResult(Context(kAlice).get(), result_request, &result).ok());
}

// The server's certificate names "localhost"; the channel dials the IP literal (no DNS
// lookup) and checks the certificate against that name.
std::unique_ptr<v1::JobService::Stub> TlsStub(const std::string& address,
                                              std::shared_ptr<grpc::ChannelCredentials> creds) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return v1::JobService::NewStub(grpc::CreateCustomChannel(address, creds, args));
}

grpc::Status TryList(const std::string& address,
                     std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto stub = TlsStub(address, std::move(credentials));
  v1::ListJobsResponse response;
  return stub->ListJobs(Context(kAlice, std::chrono::seconds(5)).get(), {}, &response);
}

std::shared_ptr<grpc::ChannelCredentials> Tls(const TestCertificates& certs,
                                              const std::string& root,
                                              const std::string& client = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = certs.Pem(root + ".pem");
  if (!client.empty()) {
    options.pem_private_key = certs.Pem(client + ".key");
    options.pem_cert_chain = certs.Pem(client + ".pem");
  }
  return grpc::SslCredentials(options);
}

TEST(QgraddSecurityTest, ServesTlsWithCertificatesFromFiles) {
  TempDir dir;
  TestCertificates certs(dir);
  if (HasFatalFailure()) return;
  auto server = QgraddProcess::Start(
      dir.File("data"), {"--tokens_file=" + TokensFile(dir), "--store=memory",
                         "--tls_cert=" + certs.Path("server.pem"),
                         "--tls_key=" + certs.Path("server.key")});
  ASSERT_NE(server, nullptr);
  const std::string target = server->address();
  grpc::Status ok = TryList(target, Tls(certs, "ca"));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  // A plaintext client, and a client that does not trust the server's CA, get nowhere.
  EXPECT_EQ(TryList(target, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(TryList(target, Tls(certs, "other_ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  // TLS does not replace the token.
  auto stub = TlsStub(target, Tls(certs, "ca"));
  v1::ListJobsResponse response;
  EXPECT_EQ(stub->ListJobs(Context("").get(), {}, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST(QgraddSecurityTest, MutualTlsRequiresAClientCertificateFromTheClientCa) {
  TempDir dir;
  TestCertificates certs(dir);
  if (HasFatalFailure()) return;
  auto server = QgraddProcess::Start(
      dir.File("data"),
      {"--tokens_file=" + TokensFile(dir), "--store=memory",
       "--tls_cert=" + certs.Path("server.pem"), "--tls_key=" + certs.Path("server.key"),
       "--tls_client_ca=" + certs.Path("ca.pem"), "--require_client_cert"});
  ASSERT_NE(server, nullptr);
  const std::string target = server->address();
  grpc::Status ok = TryList(target, Tls(certs, "ca", "client"));
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(TryList(target, Tls(certs, "ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(TryList(target, Tls(certs, "ca", "stranger")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(QgraddSecurityTest, PlaintextOnANonLoopbackAddressIsRefusedUnlessForced) {
  std::string error;
  EXPECT_EQ(QgraddProcess::RunToExit({"--listen=0.0.0.0:0", "--store=memory"}, &error), 2);
  EXPECT_NE(error.find("--listen: 0.0.0.0:0 is not a loopback address"), std::string::npos)
      << error;
  EXPECT_EQ(QgraddProcess::RunToExit({"--listen=[::]:0", "--store=memory"}, &error), 2);

  TempDir dir;
  auto forced = QgraddProcess::Start(
      dir.File("data"), {"--store=memory", "--listen=0.0.0.0:0", "--allow_insecure_remote"});
  ASSERT_NE(forced, nullptr);
  EXPECT_EQ(forced->address().substr(0, 8), "0.0.0.0:");
  EXPECT_EQ(forced->Terminate(), 0);
}

TEST(QgraddSecurityTest, AMalformedTokensFileStopsTheStart) {
  TempDir dir;
  WriteFile(dir.File("tokens"), "alice " + Sha256Hex(kAlice) + "\nbob not-a-hash\n");
  std::string error;
  EXPECT_EQ(QgraddProcess::RunToExit({"--store=memory", "--tokens_file=" + dir.File("tokens")},
                                     &error),
            1);
  EXPECT_NE(error.find("line 2: the token hash must be 64 hex digits"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace qgrad::server::testing
