// ReflectionV1Service; see reflection_v1.h.
//
// Thread-safety: a Reactor alternates one read and one write, never two operations at
// once, so its buffers need no lock.
#include "server/reflection_v1.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <deque>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "server/call_context.h"
#include "server/grpc_status.h"
#include "server/rpc_codec.h"

namespace qgrad::server {
namespace {

namespace pb = google::protobuf;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;

constexpr char kMethod[] = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";

// `file` first, then every file it imports, directly or not, each once.
void AddFileWithDependencies(const pb::FileDescriptor* file, ServerReflectionResponse& response) {
  std::set<const pb::FileDescriptor*> seen = {file};
  std::deque<const pb::FileDescriptor*> pending = {file};
  auto* files = response.mutable_file_descriptor_response();
  while (!pending.empty()) {
    const pb::FileDescriptor* next = pending.front();
    pending.pop_front();
    pb::FileDescriptorProto proto;
    next->CopyTo(&proto);
    files->add_file_descriptor_proto(proto.SerializeAsString());
    for (int i = 0; i < next->dependency_count(); ++i) {
      if (seen.insert(next->dependency(i)).second) pending.push_back(next->dependency(i));
    }
  }
}

void SetError(absl::StatusCode code, std::string message, ServerReflectionResponse& response) {
  response.mutable_error_response()->set_error_code(static_cast<int>(code));
  response.mutable_error_response()->set_error_message(std::move(message));
}

void AnswerFile(const pb::FileDescriptor* file, const std::string& what,
                ServerReflectionResponse& response) {
  if (file == nullptr) {
    SetError(absl::StatusCode::kNotFound, what, response);
  } else {
    AddFileWithDependencies(file, response);
  }
}

}  // namespace

ServerReflectionResponse ReflectionAnswer(const ServerReflectionRequest& request,
                                          const std::vector<std::string>& services) {
  const pb::DescriptorPool& pool = *pb::DescriptorPool::generated_pool();
  ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  switch (request.message_request_case()) {
    case ServerReflectionRequest::kListServices:
      for (const std::string& name : services) {
        response.mutable_list_services_response()->add_service()->set_name(name);
      }
      break;
    case ServerReflectionRequest::kFileByFilename:
      AnswerFile(pool.FindFileByName(request.file_by_filename()),
                 absl::StrCat("file not found: ", request.file_by_filename()), response);
      break;
    case ServerReflectionRequest::kFileContainingSymbol:
      AnswerFile(pool.FindFileContainingSymbol(request.file_containing_symbol()),
                 absl::StrCat("symbol not found: ", request.file_containing_symbol()),
                 response);
      break;
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& asked = request.file_containing_extension();
      const pb::Descriptor* type = pool.FindMessageTypeByName(asked.containing_type());
      const pb::FieldDescriptor* extension =
          type == nullptr ? nullptr : pool.FindExtensionByNumber(type, asked.extension_number());
      AnswerFile(extension == nullptr ? nullptr : extension->file(),
                 absl::StrCat("extension not found: ", asked.containing_type(), " ",
                              asked.extension_number()),
                 response);
      break;
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const pb::Descriptor* type = pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        SetError(absl::StatusCode::kNotFound,
                 absl::StrCat("type not found: ", request.all_extension_numbers_of_type()),
                 response);
        break;
      }
      std::vector<const pb::FieldDescriptor*> extensions;
      pool.FindAllExtensions(type, &extensions);
      auto* numbers = response.mutable_all_extension_numbers_response();
      numbers->set_base_type_name(type->full_name());
      for (const pb::FieldDescriptor* e : extensions) numbers->add_extension_number(e->number());
      break;
    }
    case ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      SetError(absl::StatusCode::kInvalidArgument, "message_request: not set", response);
      break;
  }
  return response;
}

namespace {

// One stream: read a request, write its answer, read the next, until the client closes.
class Reactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Reactor(grpc::CallbackServerContext* context, const std::vector<std::string>* services)
      : context_(context), services_(services) {
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client closed its side (or the call was cancelled)
      Finish(grpc::Status::OK);
      return;
    }
    ServerReflectionRequest request;
    absl::Status status = DecodeRequest(in_, request);
    if (status.ok()) status = EncodeResponse(ReflectionAnswer(request, *services_), out_);
    if (!status.ok()) {
      LogCall(kMethod, status, "", *context_);
      Finish(ToGrpcStatus(status));
      return;
    }
    StartWrite(&out_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the stream broke"));
      return;
    }
    StartRead(&in_);
  }

  void OnDone() override { delete this; }

 private:
  grpc::CallbackServerContext* const context_;
  const std::vector<std::string>* const services_;
  grpc::ByteBuffer in_;
  grpc::ByteBuffer out_;
};

}  // namespace

ReflectionV1Service::ReflectionV1Service(std::vector<std::string> services)
    : services_(std::move(services)) {
  // Nothing else refers to the health messages; this keeps their file linked in (and so in
  // the generated pool) for clients that ask for grpc.health.v1.Health.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
ReflectionV1Service::ServerReflectionInfo(grpc::CallbackServerContext* context) {
  return new Reactor(context, &services_);
}

}  // namespace qgrad::server
