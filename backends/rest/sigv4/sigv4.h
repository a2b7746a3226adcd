// AWS Signature Version 4 (header-based), computed with OpenSSL: signing for the Braket
// dialect's client (service "braket", and "s3" for result objects) and verification for
// the device emulator. Follows the published SigV4 specification and matches the AWS
// Signature Version 4 test-suite vectors (sigv4_test.cc).
//
// Thread-safety: pure functions.
#ifndef QGRAD_BACKENDS_REST_SIGV4_SIGV4_H_
#define QGRAD_BACKENDS_REST_SIGV4_SIGV4_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace qgrad::backends::rest::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional: sent as X-Amz-Security-Token
};

// A request as signed: `path` is the URI path as sent (already percent-encoded where it
// needs to be), `query` the raw query string without '?', headers in any order and case.
struct Request {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // must include "host"
  std::string body;
};

struct Scope {
  std::string region;   // e.g. "us-east-1"
  std::string service;  // e.g. "braket", "s3"
};

// How the canonical URI is formed from `Request::path`. Every service but S3 normalizes
// the path (drops empty and "." segments, resolves "..") and percent-encodes each segment
// once more, '%' included — so a path sent as "/a%3Ab" is signed as "/a%253Ab", as AWS
// does. S3 signs the path exactly as sent.
struct PathOptions {
  bool normalize = true;
  bool encode = true;
};
PathOptions PathOptionsFor(absl::string_view service);

// The steps of the specification, exposed for the test vectors. `signed_headers` are
// header names in any case and order (they are lower-cased, sorted and deduplicated); the
// payload hash is the x-amz-content-sha256 header's value when present, else the hex
// SHA-256 of the body.
std::string CanonicalRequest(const Request& request, const std::vector<std::string>& signed_headers,
                             PathOptions path_options = {});
std::string StringToSign(const std::string& canonical_request, const Scope& scope, absl::Time time);
std::string Signature(const std::string& secret_access_key, const std::string& string_to_sign,
                      const Scope& scope, absl::Time time);

// "YYYYMMDDTHHMMSSZ" in UTC, the X-Amz-Date format.
std::string AmzDate(absl::Time time);

// Adds X-Amz-Date (and X-Amz-Security-Token when set, and x-amz-content-sha256 for s3)
// and the Authorization header, signing every header present. Any earlier values of those
// headers are replaced, so a request may be signed again.
void Sign(const Credentials& credentials, const Scope& scope, absl::Time time, Request& request);

// Server side: checks the Authorization header of `request` (credential scope, signed
// headers — host and x-amz-date always, x-amz-security-token and x-amz-content-sha256
// when present, the latter equal to the body's hash — date within `max_skew` of `now`
// and on the scope's day, signature compared in constant time). `secret_for` returns the
// secret of an access key id, or nullopt for an unknown key. UNAUTHENTICATED with a reason
// that names neither the secret nor any signature.
absl::Status Verify(const Request& request, const Scope& scope, absl::Time now,
                    absl::Duration max_skew,
                    const std::function<std::optional<std::string>(const std::string&)>& secret_for);

}  // namespace qgrad::backends::rest::sigv4

#endif  // QGRAD_BACKENDS_REST_SIGV4_SIGV4_H_
