// Protocol-buffer messages as proto3 JSON for the HTTP gateway: lowerCamelCase names on
// output, either spelling accepted on input, unknown fields refused.
//
// Thread-safety: pure functions.
#ifndef QGRAD_GATEWAY_JSON_H_
#define QGRAD_GATEWAY_JSON_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"

namespace qgrad::gateway {

// One line of proto3 JSON.
std::string ToJson(const google::protobuf::Message& message);
// INVALID_ARGUMENT "body: ..." with the parser's reason when `json` is not the message.
absl::Status FromJson(const std::string& json, google::protobuf::Message* message);

}  // namespace qgrad::gateway

#endif  // QGRAD_GATEWAY_JSON_H_
