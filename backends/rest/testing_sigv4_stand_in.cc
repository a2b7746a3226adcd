// Test helper: a stand-in for sigv4::Sign, linked into rest_test only while
// backends/rest/sigv4 has no library. It adds the headers Sign adds, with a fake signature.
// Remove once qgrad_sigv4 exists.
//
// Thread-safety: pure function.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "backends/rest/sigv4/sigv4.h"

namespace qgrad::backends::rest::sigv4 {

void Sign(const Credentials& credentials, const Scope& scope, absl::Time time,
          Request& request) {
  const std::string date = absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
  request.headers.emplace_back("X-Amz-Date", date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  request.headers.emplace_back(
      "Authorization",
      absl::StrCat("AWS4-HMAC-SHA256 Credential=", credentials.access_key_id, "/",
                   date.substr(0, 8), "/", scope.region, "/", scope.service,
                   "/aws4_request, SignedHeaders=host;x-amz-date, Signature=stand-in"));
}

}  // namespace qgrad::backends::rest::sigv4
