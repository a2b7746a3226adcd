// The one mapping from gRPC status codes to HTTP statuses and JSON error bodies used by the
// HTTP/JSON gateway (the standard google.rpc.Code → HTTP table).
//
// Thread-safety: pure functions.
#ifndef QGRAD_GATEWAY_HTTP_ERRORS_H_
#define QGRAD_GATEWAY_HTTP_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>

namespace qgrad::gateway {

// 400 INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE, 401 UNAUTHENTICATED,
// 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS / ABORTED, 429
// RESOURCE_EXHAUSTED, 499 CANCELLED, 501 UNIMPLEMENTED, 503 UNAVAILABLE, 504
// DEADLINE_EXCEEDED, 500 otherwise.
int HttpStatusFor(grpc::StatusCode code);

// "NOT_FOUND", "INVALID_ARGUMENT", ...
std::string CodeName(grpc::StatusCode code);

// {"code":"NOT_FOUND","message":"...","httpStatus":404} on one line.
std::string ErrorJson(grpc::StatusCode code, const std::string& message);

}  // namespace qgrad::gateway

#endif  // QGRAD_GATEWAY_HTTP_ERRORS_H_
