// Test helper: checks that an error message starts with a field path in the convention of
// qgrad's errors (server/README.md "Errors") — the .proto field names (snake_case), every
// message level named, "[i]" after a repeated field (unless the path ends at the list),
// "[\"key\"]" after a map — by resolving the path against the request's descriptor. A
// camelCase (JSON) name, a skipped level or an index on a singular field does not resolve.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_FIELD_PATH_FOR_TESTING_H_
#define QGRAD_RUNNER_FIELD_PATH_FOR_TESTING_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace qgrad::runner {

// "" when `message` starts with "PATH: " and PATH resolves from `root`; else why not.
inline std::string FieldPathProblemForTesting(absl::string_view message,
                                              const google::protobuf::Descriptor& root) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos) return absl::StrCat("no \"PATH: \" in: ", message);
  const absl::string_view path = message.substr(0, colon);
  const google::protobuf::Descriptor* at = &root;
  const std::vector<absl::string_view> segments = absl::StrSplit(path, '.');
  for (size_t i = 0; i < segments.size(); ++i) {
    absl::string_view name = segments[i];
    const bool indexed = !name.empty() && name.back() == ']';
    if (indexed) name = name.substr(0, name.find('['));
    if (at == nullptr) return absl::StrCat(path, ": '", name, "' below a scalar");
    const google::protobuf::FieldDescriptor* field = at->FindFieldByName(std::string(name));
    if (field == nullptr) {
      return absl::StrCat(path, ": no field '", name, "' in ", at->full_name());
    }
    // The whole list may be named last ("params: 3 values for 2 parameters").
    const bool last = i + 1 == segments.size();
    if (indexed ? !field->is_repeated() : field->is_repeated() && !last) {
      return absl::StrCat(path, ": '", name, indexed ? "' is not repeated" : "' needs [i]");
    }
    at = field->message_type();
    if (field->is_map()) at = field->message_type()->map_value()->message_type();
  }
  // "problem.model: kind: ..." names a field after the colon instead of in the path.
  const absl::string_view rest = message.substr(colon + 2);
  const size_t next = rest.find(": ");
  if (at != nullptr && next != absl::string_view::npos &&
      at->FindFieldByName(std::string(rest.substr(0, next))) != nullptr) {
    return absl::StrCat(path, ": the field '", rest.substr(0, next), "' after the colon");
  }
  return "";
}

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_FIELD_PATH_FOR_TESTING_H_
