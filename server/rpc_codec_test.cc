// Tests of request decoding: every undecodable body is INVALID_ARGUMENT with a reason, and
// valid bodies round-trip.
#include "server/rpc_codec.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qgrad/v1/service.pb.h"

namespace qgrad::server {
namespace {

using ::testing::HasSubstr;

grpc::ByteBuffer Bytes(const std::string& body) {
  grpc::Slice slice(body);
  return grpc::ByteBuffer(&slice, 1);
}

absl::Status Decode(const std::string& body, google::protobuf::Message& message) {
  return DecodeRequest(Bytes(body), message);
}

TEST(RpcCodecTest, ValidRequestsRoundTrip) {
  v1::SubmitJobRequest request;
  request.set_idempotency_key("key-1");
  request.mutable_spec()->mutable_problem()->mutable_pauli_sum()->set_text("Z0 Z1");
  (*request.mutable_labels())["team"] = "lab1";
  grpc::ByteBuffer bytes;
  ASSERT_TRUE(EncodeResponse(request, bytes).ok());
  v1::SubmitJobRequest decoded;
  ASSERT_TRUE(DecodeRequest(bytes, decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), request.SerializeAsString());
  v1::GetJobRequest empty;
  EXPECT_TRUE(Decode("", empty).ok());  // every proto3 field at its default
}

TEST(RpcCodecTest, GarbageAndTruncatedBodiesAreInvalidArgument) {
  v1::GetJobRequest request;
  for (const std::string& body :
       {std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),  // varint overflow
        std::string("\x0a\x10" "short", 7),                             // length past the end
        std::string("\x0f", 1),                                         // wire type 7
        std::string("\x0a\x03" "abc" "\x0c", 6)}) {                     // stray end-group
    absl::Status status = Decode(body, request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("not a valid qgrad.v1.GetJobRequest"));
    EXPECT_TRUE(request.job_id().empty());  // nothing half-parsed is left behind
  }
}

TEST(RpcCodecTest, InvalidUtf8NamesTheField) {
  v1::GetJobRequest request;
  absl::Status status = Decode(std::string("\x0a\x02\xff\xfe", 4), request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("qgrad.v1.GetJobRequest.job_id"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("UTF-8"));
}

TEST(RpcCodecTest, DeepNestingIsRefused) {
  // 20,000 nested groups of an unknown field 9 (start-group tag 0x4b, end-group 0x4c).
  const std::string groups = std::string(20000, '\x4b') + std::string(20000, '\x4c');
  v1::GetJobRequest request;
  EXPECT_EQ(Decode(groups, request).code(), absl::StatusCode::kInvalidArgument);
  // Nested messages one level deeper than allowed: a JobSpec inside a SubmitJobRequest is
  // 2 levels; unknown length-delimited fields nest as opaque bytes, so use groups at depth
  // kMaxRequestNesting + 1 and kMaxRequestNesting - 2 (the latter is fine).
  auto nest = [](int depth) { return std::string(depth, '\x4b') + std::string(depth, '\x4c'); };
  EXPECT_EQ(Decode(nest(kMaxRequestNesting + 1), request).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Decode(nest(kMaxRequestNesting - 2), request).ok());
}

}  // namespace
}  // namespace qgrad::server
