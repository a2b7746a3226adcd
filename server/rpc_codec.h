// Request decoding and response encoding for the raw (ByteBuffer) gRPC handlers.
//
// The services take their request bodies as bytes and parse them here, instead of letting
// gRPC's generated code do it, so that an undecodable body (garbage, a truncated message,
// invalid UTF-8 in a string field, nesting deeper than kMaxRequestNesting) is answered with
// INVALID_ARGUMENT and a message that says what is wrong, and is logged like any other
// failed call. gRPC's own deserialization would answer with an empty status and log
// nothing.
//
// Thread-safety: free functions; safe to call concurrently.
#ifndef QGRAD_SERVER_RPC_CODEC_H_
#define QGRAD_SERVER_RPC_CODEC_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"

namespace qgrad::server {

// Deepest nesting of messages (and groups of unknown fields) a request may have. The
// deepest legitimate request (a SubmitJobRequest) nests about 6 levels.
inline constexpr int kMaxRequestNesting = 64;

// Parses `bytes` into `message` (cleared first). INVALID_ARGUMENT naming the message type
// and, where the protobuf library says it, the field at fault.
absl::Status DecodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& message);

// Serializes `message` into `bytes`. INTERNAL only if serialization itself fails.
absl::Status EncodeResponse(const google::protobuf::Message& message, grpc::ByteBuffer& bytes);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_RPC_CODEC_H_
