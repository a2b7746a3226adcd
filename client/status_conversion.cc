// grpc::Status → absl::Status; see status_conversion.h.
//
// Thread-safety: pure function.
#include "client/status_conversion.h"

namespace qgrad::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  int code = static_cast<int>(status.error_code());
  // 1..16 are the canonical codes both libraries define; anything else is not ours to trust.
  if (code < 1 || code > 16) code = static_cast<int>(absl::StatusCode::kUnknown);
  return absl::Status(static_cast<absl::StatusCode>(code), status.error_message());
}

}  // namespace qgrad::client
