// Request decoding; see rpc_codec.h.
//
// Thread-safety: no shared state (libprotobuf's messages are captured per thread).
#include "server/rpc_codec.h"

#include <google/protobuf/io/coded_stream.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/library_logs.h"

namespace qgrad::server {

absl::Status DecodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& message) {
  message.Clear();
  std::vector<grpc::Slice> slices;
  if (!bytes.Dump(&slices).ok()) {
    return absl::InvalidArgumentError("the request body could not be read");
  }
  std::string body;
  body.reserve(bytes.Length());
  for (const grpc::Slice& slice : slices) {
    body.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  std::string library_says;
  bool parsed = false;
  {
    ProtobufLogCapture capture(&library_says);
    google::protobuf::io::CodedInputStream input(
        reinterpret_cast<const uint8_t*>(body.data()), static_cast<int>(body.size()));
    input.SetRecursionLimit(kMaxRequestNesting);
    parsed = message.MergePartialFromCodedStream(&input) && input.ConsumedEntireMessage();
  }
  if (parsed && message.IsInitialized()) return absl::OkStatus();
  message.Clear();
  const std::string type = message.GetDescriptor()->full_name();
  if (!library_says.empty()) {
    // "String field 'qgrad.v1.JobSpec.name' contains invalid UTF-8 data when parsing a
    // protocol buffer. Use the 'bytes' type ...": the part before " when" is the finding.
    const size_t when = library_says.find(" when parsing");
    return absl::InvalidArgumentError(absl::StrCat("the request is not a valid ", type, ": ",
                                                    library_says.substr(0, when)));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the request is not a valid ", type, " (", body.size(),
      " bytes): malformed or truncated protobuf encoding, or nested deeper than ",
      kMaxRequestNesting, " levels"));
}

absl::Status EncodeResponse(const google::protobuf::Message& message, grpc::ByteBuffer& bytes) {
  std::string body;
  if (!message.SerializeToString(&body)) {
    return absl::InternalError(
        absl::StrCat("could not encode the response ", message.GetDescriptor()->full_name()));
  }
  grpc::Slice slice(body);
  bytes = grpc::ByteBuffer(&slice, 1);
  return absl::OkStatus();
}

}  // namespace qgrad::server
