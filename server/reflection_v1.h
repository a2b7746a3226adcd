// grpc.reflection.v1.ServerReflection, served by qgradd beside gRPC 1.51's own v1alpha
// plugin (which is all Debian 12 ships): the same answers under the package name newer
// clients (grpcurl, Postman, grpc-ui) ask for first. Descriptors come from protobuf's
// generated pool, so every message and service linked into qgradd is described; a file is
// sent with its transitive dependencies, so a client can build a pool from one answer.
//
// Like v1alpha, reflection needs no token: it tells only the API's schema, which is public
// (proto/), never a tenant's data.
//
// Thread-safety: ReflectionAnswer is a pure function; the service's reactors are one per
// stream, each driven by gRPC one operation at a time.
#ifndef QGRAD_SERVER_REFLECTION_V1_H_
#define QGRAD_SERVER_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace qgrad::server {

// The answer to one request; `services` is what list_services lists. Unknown names are an
// error_response with NOT_FOUND, a request without a kind one with INVALID_ARGUMENT.
grpc::reflection::v1::ServerReflectionResponse ReflectionAnswer(
    const grpc::reflection::v1::ServerReflectionRequest& request,
    const std::vector<std::string>& services);

// Takes requests as bytes (rpc_codec.h): an undecodable one ends the stream with
// INVALID_ARGUMENT and is logged.
class ReflectionV1Service final
    : public grpc::reflection::v1::ServerReflection::WithRawCallbackMethod_ServerReflectionInfo<
          grpc::reflection::v1::ServerReflection::Service> {
 public:
  explicit ReflectionV1Service(std::vector<std::string> services);

  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ServerReflectionInfo(
      grpc::CallbackServerContext* context) override;

 private:
  const std::vector<std::string> services_;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_REFLECTION_V1_H_
