// StatusOfException; see exception_status.h.
//
// Thread-safety: no shared state.
#include "server/exception_status.h"

#include <new>
#include <stdexcept>

#include "server/log.h"

namespace qgrad::server {

absl::Status StatusOfException(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("the server ran out of memory for this request");
  } catch (const std::exception& e) {
    LogLine(LogLevel::kError, "handler_exception").Str("what", e.what());
  } catch (...) {
    LogLine(LogLevel::kError, "handler_exception").Str("what", "unknown exception");
  }
  return absl::InternalError("internal error while handling the request (logged by the server)");
}

}  // namespace qgrad::server
