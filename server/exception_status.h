// The status a request gets when an exception escapes the code that handles it, so that
// no request ends with gRPC's empty UNKNOWN and no admission thread dies:
// RESOURCE_EXHAUSTED for std::bad_alloc, INTERNAL otherwise (the exception's text is
// logged, not sent).
//
// Thread-safety: free function; safe to call concurrently.
#ifndef QGRAD_SERVER_EXCEPTION_STATUS_H_
#define QGRAD_SERVER_EXCEPTION_STATUS_H_

#include <exception>

#include "absl/status/status.h"

namespace qgrad::server {

// REQUIRES: error is not null (call from a catch block with std::current_exception()).
absl::Status StatusOfException(std::exception_ptr error);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_EXCEPTION_STATUS_H_
