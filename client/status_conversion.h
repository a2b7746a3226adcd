// The one place where the client turns a grpc::Status into an absl::Status. gRPC and
// Abseil share the canonical code numbers, so the code carries over unchanged; a code
// outside the canonical range becomes UNKNOWN.
//
// Thread-safety: pure function.
#ifndef QGRAD_CLIENT_STATUS_CONVERSION_H_
#define QGRAD_CLIENT_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace qgrad::client {

absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace qgrad::client

#endif  // QGRAD_CLIENT_STATUS_CONVERSION_H_
