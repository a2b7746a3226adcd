// The one place where an absl::Status becomes a grpc::Status: the canonical codes have the
// same numbers in both, and the message carries over unchanged (it names the field, the
// limit or the job, never a secret).
//
// Thread-safety: free function.
#ifndef QGRAD_SERVER_GRPC_STATUS_H_
#define QGRAD_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace qgrad::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_GRPC_STATUS_H_
