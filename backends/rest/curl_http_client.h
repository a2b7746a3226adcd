// The production HttpClient on libcurl: one easy handle per call (no shared connection
// state, so concurrent calls never contend), TLS peer and host verification on unless
// explicitly turned off, an optional CA bundle, a connect timeout and the request's
// overall timeout. curl_global_init runs once, on first construction.
//
// Errors: UNAVAILABLE (could not resolve/connect, reset, TLS failure, any other transfer
// failure), DEADLINE_EXCEEDED (timeout), INVALID_ARGUMENT (malformed URL or method). Error
// messages name the method and the URL without its query and never a header value.
//
// Thread-safety: safe for concurrent use.
#ifndef QGRAD_BACKENDS_REST_CURL_HTTP_CLIENT_H_
#define QGRAD_BACKENDS_REST_CURL_HTTP_CLIENT_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"
#include "backends/rest/http.h"

namespace qgrad::backends::rest {

struct CurlOptions {
  std::string ca_file;  // PEM bundle; empty: the system's default
  bool verify_tls = true;  // false only for tests against self-signed servers
  absl::Duration connect_timeout = absl::Seconds(10);
  size_t max_response_bytes = size_t{256} << 20;  // a larger body is UNAVAILABLE
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options = {});
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const CurlOptions options_;
};

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_CURL_HTTP_CLIENT_H_
