// Tests of qgradd's standard services against the real binary: server reflection v1 (qgrad's
// own) and v1alpha (gRPC's plugin) answer the same questions without a token, and a pool
// built from nothing but a v1 answer describes the JobService; grpc.health.v1 answers per
// service name, on the main listener and on --health_listen, and turns NOT_SERVING on
// SIGTERM.
//
// Thread-safety: single-threaded tests (the server is another process).
#include <signal.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/qgradd_test_util.h"

namespace qgrad::server::testing {
namespace {

namespace pb = google::protobuf;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

constexpr char kToken[] = "reflection-token";
constexpr char kV1[] = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
constexpr char kV1Alpha[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

const std::vector<std::string> kServices = {
    "qgrad.v1.JobService", "qgrad.v1.BackendService", "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection"};

// Sends `requests` on one stream of `method` (no token) and returns the answers in order.
// v1 and v1alpha messages are the same on the wire, so the v1 types serve both methods.
std::vector<ServerReflectionResponse> Reflect(const std::shared_ptr<grpc::Channel>& channel,
                                              const char* method,
                                              const std::vector<ServerReflectionRequest>& requests) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::BIDI_STREAMING, channel);
  std::unique_ptr<grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>>
      stream(grpc::internal::ClientReaderWriterFactory<
             ServerReflectionRequest, ServerReflectionResponse>::Create(channel.get(), rpc,
                                                                        &context));
  std::vector<ServerReflectionResponse> answers;
  for (const ServerReflectionRequest& request : requests) {
    ServerReflectionResponse answer;
    if (!stream->Write(request) || !stream->Read(&answer)) break;
    answers.push_back(answer);
  }
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
  EXPECT_EQ(answers.size(), requests.size()) << method;
  return answers;
}

ServerReflectionRequest ListServices() {
  ServerReflectionRequest request;
  request.set_list_services("");
  return request;
}

ServerReflectionRequest Symbol(const std::string& name) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(name);
  return request;
}

std::set<std::string> Names(const ServerReflectionResponse& answer) {
  std::set<std::string> names;
  for (const auto& service : answer.list_services_response().service()) {
    names.insert(service.name());
  }
  return names;
}

// A database of the FileDescriptorProtos in `answer` (a pool built on it resolves imports
// among them only).
std::unique_ptr<pb::SimpleDescriptorDatabase> Files(const ServerReflectionResponse& answer) {
  auto database = std::make_unique<pb::SimpleDescriptorDatabase>();
  for (const std::string& bytes : answer.file_descriptor_response().file_descriptor_proto()) {
    pb::FileDescriptorProto file;
    EXPECT_TRUE(file.ParseFromString(bytes));
    EXPECT_TRUE(database->Add(file)) << file.name();
  }
  return database;
}

class QgraddStandardServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("tokens"), absl::StrCat("alice ", Sha256Hex(kToken), "\n"));
    server_ = QgraddProcess::Start(
        dir_.File("data"), {"--tokens_file=" + dir_.File("tokens"), "--health_listen=127.0.0.1:0"});
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }

  std::string HealthAddress() const {
    const std::string log = server_->Log();
    const std::string key = "\"health_address\":\"";
    const size_t at = log.find(key);
    if (at == std::string::npos) return "";
    return log.substr(at + key.size(), log.find('"', at + key.size()) - at - key.size());
  }

  TempDir dir_;
  std::unique_ptr<QgraddProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(QgraddStandardServicesTest, ReflectionV1AndV1AlphaListAndDescribeTheServices) {
  ServerReflectionRequest unknown = Symbol("qgrad.v1.NoSuchService");
  ServerReflectionRequest by_file;
  by_file.set_file_by_filename("qgrad/v1/job.proto");
  const std::vector<ServerReflectionResponse> v1 =
      Reflect(channel_, kV1, {ListServices(), Symbol("qgrad.v1.JobService"), unknown, by_file,
                              Symbol("grpc.health.v1.Health")});
  ASSERT_EQ(v1.size(), 5u);
  EXPECT_EQ(Names(v1[0]), std::set<std::string>(kServices.begin(), kServices.end()));

  // Only what the server sent: the service's file and its imports.
  std::unique_ptr<pb::SimpleDescriptorDatabase> files = Files(v1[1]);
  pb::DescriptorPool pool(files.get());
  const pb::ServiceDescriptor* jobs = pool.FindServiceByName("qgrad.v1.JobService");
  ASSERT_NE(jobs, nullptr);
  const pb::MethodDescriptor* submit = jobs->FindMethodByName("SubmitJob");
  ASSERT_NE(submit, nullptr);
  EXPECT_EQ(submit->input_type()->full_name(), "qgrad.v1.SubmitJobRequest");
  const pb::Descriptor* spec = pool.FindMessageTypeByName("qgrad.v1.JobSpec");
  ASSERT_NE(spec, nullptr);
  EXPECT_NE(spec->FindFieldByName("problem"), nullptr);
  EXPECT_EQ(v1[1].original_request().file_containing_symbol(), "qgrad.v1.JobService");

  ASSERT_TRUE(v1[2].has_error_response());
  EXPECT_EQ(v1[2].error_response().error_code(), int(grpc::StatusCode::NOT_FOUND));
  EXPECT_NE(v1[2].error_response().error_message().find("qgrad.v1.NoSuchService"),
            std::string::npos);
  ASSERT_GE(v1[3].file_descriptor_response().file_descriptor_proto_size(), 1);
  pb::FileDescriptorProto first;
  ASSERT_TRUE(first.ParseFromString(v1[3].file_descriptor_response().file_descriptor_proto(0)));
  EXPECT_EQ(first.name(), "qgrad/v1/job.proto");
  std::unique_ptr<pb::SimpleDescriptorDatabase> health_files = Files(v1[4]);
  pb::DescriptorPool health_pool(health_files.get());
  EXPECT_NE(health_pool.FindMethodByName("grpc.health.v1.Health.Check"), nullptr);

  // Extensions: qgrad defines none; unknown types and numbers are NOT_FOUND, a request
  // without a kind INVALID_ARGUMENT.
  ServerReflectionRequest numbers, unknown_type, extension;
  numbers.set_all_extension_numbers_of_type("qgrad.v1.JobSpec");
  unknown_type.set_all_extension_numbers_of_type("qgrad.v1.NoSuchMessage");
  extension.mutable_file_containing_extension()->set_containing_type("qgrad.v1.JobSpec");
  extension.mutable_file_containing_extension()->set_extension_number(1000);
  const std::vector<ServerReflectionResponse> more =
      Reflect(channel_, kV1, {numbers, unknown_type, extension, ServerReflectionRequest()});
  ASSERT_EQ(more.size(), 4u);
  ASSERT_TRUE(more[0].has_all_extension_numbers_response());
  EXPECT_EQ(more[0].all_extension_numbers_response().base_type_name(), "qgrad.v1.JobSpec");
  EXPECT_EQ(more[0].all_extension_numbers_response().extension_number_size(), 0);
  EXPECT_EQ(more[1].error_response().error_code(), int(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(more[2].error_response().error_code(), int(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(more[3].error_response().error_code(), int(grpc::StatusCode::INVALID_ARGUMENT));

  // gRPC's v1alpha plugin agrees on the services it serves and on the JobService's file.
  const std::vector<ServerReflectionResponse> alpha =
      Reflect(channel_, kV1Alpha, {ListServices(), Symbol("qgrad.v1.JobService"), unknown});
  ASSERT_EQ(alpha.size(), 3u);
  for (const char* name : {"qgrad.v1.JobService", "qgrad.v1.BackendService",
                           "grpc.reflection.v1.ServerReflection"}) {
    EXPECT_EQ(Names(alpha[0]).count(name), 1u) << name;
  }
  std::unique_ptr<pb::SimpleDescriptorDatabase> alpha_files = Files(alpha[1]);
  pb::DescriptorPool alpha_pool(alpha_files.get());
  EXPECT_NE(alpha_pool.FindMethodByName("qgrad.v1.JobService.SubmitJob"), nullptr);
  EXPECT_EQ(alpha[2].error_response().error_code(), int(grpc::StatusCode::NOT_FOUND));
}

TEST_F(QgraddStandardServicesTest, ReflectionV1RefusesAnUndecodableRequest) {
  const grpc::internal::RpcMethod rpc(kV1, grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel_.get(), rpc, &context));
  grpc::Slice garbage(std::string("\x1a\xff\x01", 3));  // field 3 longer than the body
  stream->Write(grpc::ByteBuffer(&garbage, 1));
  grpc::ByteBuffer answer;
  EXPECT_FALSE(stream->Read(&answer));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

HealthCheckResponse::ServingStatus Check(grpc::health::v1::Health::Stub& health,
                                         const std::string& service, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  *status = health.Check(&context, request, &response);
  return response.status();
}

TEST_F(QgraddStandardServicesTest, HealthPerServiceNameOnBothListenersUntilShutdown) {
  const std::string health_address = HealthAddress();
  ASSERT_NE(health_address, "");
  auto probe_channel = grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials());
  for (const auto& channel : {channel_, probe_channel}) {
    auto health = grpc::health::v1::Health::NewStub(channel);
    std::vector<std::string> names = kServices;
    names.push_back("");
    for (const std::string& name : names) {
      grpc::Status status;
      EXPECT_EQ(Check(*health, name, &status), HealthCheckResponse::SERVING) << "'" << name << "'";
      EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    }
    grpc::Status status;
    Check(*health, "qgrad.v1.NoSuchService", &status);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // Watch streams on the probes' listener, which closes last: SIGTERM turns each name
  // NOT_SERVING before the listener goes.
  auto probe_health = grpc::health::v1::Health::NewStub(probe_channel);
  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader;
  };
  std::vector<std::unique_ptr<Watch>> watches;
  for (const std::string& name : {std::string(""), std::string("qgrad.v1.JobService"),
                                  std::string("grpc.reflection.v1.ServerReflection")}) {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    HealthCheckRequest request;
    request.set_service(name);
    watch->reader = probe_health->Watch(&watch->context, request);
    HealthCheckResponse first;
    ASSERT_TRUE(watch->reader->Read(&first)) << name;
    EXPECT_EQ(first.status(), HealthCheckResponse::SERVING) << name;
    watches.push_back(std::move(watch));
  }
  // Read the updates while qgradd shuts down, not after it exited: an update still in
  // flight when the listener closes would be lost, and the test would race the shutdown.
  kill(server_->pid(), SIGTERM);
  for (auto& watch : watches) {
    HealthCheckResponse next;
    ASSERT_TRUE(watch->reader->Read(&next));
    EXPECT_EQ(next.status(), HealthCheckResponse::NOT_SERVING);
  }
  EXPECT_EQ(server_->Terminate(), 0);  // a second SIGTERM, if it is still shutting down
}

}  // namespace
}  // namespace qgrad::server::testing
