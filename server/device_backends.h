// Device backends from the configuration: each `backend = NAME key=value ...` line
// (config.h) becomes a REST backend (backends/rest) in the server's registry. Credentials
// are resolved here, at start, from their references; a secret never appears in an error.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_DEVICE_BACKENDS_H_
#define QGRAD_SERVER_DEVICE_BACKENDS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "backends/backend.h"
#include "backends/rest/rest_backend.h"
#include "server/config.h"

namespace qgrad::server {

// The REST backend's options for one declaration. INVALID_ARGUMENT "backend NAME: ..." for
// a bad value (number, gate set, dialect) or a plain-http URL to a host other than
// loopback (credentials would cross the network unencrypted).
absl::StatusOr<backends::rest::RestBackendOptions> DeviceBackendOptions(
    const DeviceBackendConfig& config);

absl::StatusOr<std::shared_ptr<backends::Backend>> MakeDeviceBackend(
    const DeviceBackendConfig& config);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_DEVICE_BACKENDS_H_
