// proto3 JSON I/O; see json_io.h.
//
// Thread-safety: free functions only.
#include "runner/json_io.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "base/file.h"

namespace qgrad::runner {
namespace {

template <typename Message>
absl::StatusOr<Message> Parse(absl::string_view json, absl::string_view what) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " JSON: ", std::string(status.message())));
  }
  return message;
}

}  // namespace

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  return base::ReadFile(path, kMaxTextFileBytes);
}

absl::StatusOr<v1::JobSpec> ParseJobSpecJson(absl::string_view json) {
  return Parse<v1::JobSpec>(json, "spec");
}

absl::StatusOr<v1::JobResult> ParseJobResultJson(absl::string_view json) {
  return Parse<v1::JobResult>(json, "result");
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  options.always_print_primitive_fields = true;  // a zero cost or error is a result too
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return out;
}

}  // namespace qgrad::runner
