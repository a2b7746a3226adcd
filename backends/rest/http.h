// The HTTP client interface the REST dialects speak through: one request in, one response
// (any status code) or a transport error out. CurlHttpClient (curl_http_client.h) is the
// real one; tests use a scripted fake. Retries, backoff and rate limits live above this
// interface (retry.h), so that every dialect gets the same behaviour.
//
// Thread-safety: HttpClient implementations are safe for concurrent use.
#ifndef QGRAD_BACKENDS_REST_HTTP_H_
#define QGRAD_BACKENDS_REST_HTTP_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qgrad::backends::rest {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET | POST | PUT | DELETE
  std::string url;             // absolute: scheme://host[:port]/path[?query]
  HttpHeaders headers;         // sent in this order
  std::string body;
  absl::Duration timeout = absl::Seconds(30);  // the whole exchange
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received
  std::string body;
  // The first header of that name, compared case-insensitively.
  std::optional<std::string> Header(absl::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any HTTP status is a response. Transport failures are errors: UNAVAILABLE (connection
  // refused, reset or dropped, TLS failure), DEADLINE_EXCEEDED (request.timeout passed),
  // INVALID_ARGUMENT (a malformed URL). Error messages name the method and the URL without
  // its query, and never a header value (they carry credentials).
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// `url` up to (without) its query or fragment: what error messages may name.
std::string UrlWithoutQuery(absl::string_view url);

}  // namespace qgrad::backends::rest

#endif  // QGRAD_BACKENDS_REST_HTTP_H_
