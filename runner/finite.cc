// Finite-number check by reflection; see finite.h.
//
// Thread-safety: pure functions.
#include "runner/finite.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace qgrad::runner {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status CheckMessage(const Message& message, const std::string& prefix);

absl::Status CheckNumber(double value, const std::string& path) {
  if (std::isfinite(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(path, ": must be finite, got ", value));
}

// Element `index` of a repeated field, or the singular field when index < 0.
absl::Status CheckValue(const Message& message, const FieldDescriptor& field, int index,
                        const std::string& path) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return CheckNumber(repeated ? r.GetRepeatedDouble(message, &field, index)
                                  : r.GetDouble(message, &field),
                         path);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return CheckNumber(repeated ? r.GetRepeatedFloat(message, &field, index)
                                  : r.GetFloat(message, &field),
                         path);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return CheckMessage(repeated ? r.GetRepeatedMessage(message, &field, index)
                                   : r.GetMessage(message, &field),
                          path);
    default:
      return absl::OkStatus();
  }
}

absl::Status CheckField(const Message& message, const FieldDescriptor& field,
                        const std::string& path) {
  const Reflection& r = *message.GetReflection();
  if (!field.is_repeated()) {
    // An unset message holds only defaults (finite); not descending also ends recursion.
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !r.HasField(message, &field)) {
      return absl::OkStatus();
    }
    return CheckValue(message, field, -1, path);
  }
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE &&
      field.cpp_type() != FieldDescriptor::CPPTYPE_FLOAT &&
      field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::OkStatus();
  }
  const int size = r.FieldSize(message, &field);
  for (int i = 0; i < size; ++i) {
    absl::Status s = CheckValue(message, field, i, absl::StrCat(path, "[", i, "]"));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& message, const std::string& prefix) {
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    const std::string path =
        prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
    if (absl::Status s = CheckField(message, field, path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckAllFinite(const google::protobuf::Message& message) {
  return CheckMessage(message, "");
}

}  // namespace qgrad::runner
