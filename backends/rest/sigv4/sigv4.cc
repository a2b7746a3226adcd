// SigV4 signing: the canonical request, the string to sign, the signing-key chain and
// Sign(), following the published specification (Authorization-header variant).
//
// Thread-safety: pure functions.
#include "backends/rest/sigv4/sigv4.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "backends/rest/sigv4/crypto.h"

namespace qgrad::backends::rest::sigv4 {
namespace {

constexpr absl::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding of everything outside the unreserved set, upper-case hex.
std::string UriEncode(absl::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX; a '%' not followed by two hex digits stays literal (and is re-encoded as
// %25), so no input is rejected. '+' is not a space in SigV4.
std::string UriDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// Drops empty and "." segments and resolves ".." (never above the root); keeps a
// trailing slash when the path had one.
std::vector<absl::string_view> NormalizedSegments(absl::string_view path) {
  std::vector<absl::string_view> segments;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  return segments;
}

std::string CanonicalUri(absl::string_view path, PathOptions options) {
  if (path.empty()) return "/";
  if (!options.normalize && !options.encode) return std::string(path);
  std::vector<std::string> encoded;
  if (options.normalize) {
    for (absl::string_view segment : NormalizedSegments(path)) {
      encoded.push_back(options.encode ? UriEncode(segment) : std::string(segment));
    }
    std::string uri = absl::StrCat("/", absl::StrJoin(encoded, "/"));
    if (!encoded.empty() && path.back() == '/') uri.push_back('/');
    return uri;
  }
  // Encode only: every segment as it is, empty ones included ("//" stays "//").
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    encoded.push_back(UriEncode(segment));
  }
  return absl::StrJoin(encoded, "/");
}

// Parameters decoded, re-encoded uniformly, sorted by name then value; a parameter with
// no '=' gets an empty value.
std::string CanonicalQuery(absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = part.find('=');
    absl::string_view name = part.substr(0, eq);
    absl::string_view value = eq == absl::string_view::npos ? "" : part.substr(eq + 1);
    params.emplace_back(UriEncode(UriDecode(name)), UriEncode(UriDecode(value)));
  }
  std::sort(params.begin(), params.end());
  return absl::StrJoin(params, "&", absl::PairFormatter("="));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Leading and trailing whitespace removed, inner runs collapsed to one space.
std::string TrimAll(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> SortedLowerNames(const std::vector<std::string>& names) {
  std::vector<std::string> lower;
  lower.reserve(names.size());
  for (const std::string& name : names) lower.push_back(absl::AsciiStrToLower(name));
  std::sort(lower.begin(), lower.end());
  lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
  return lower;
}

std::string DateStamp(absl::Time time) { return AmzDate(time).substr(0, 8); }

std::string CredentialScope(const Scope& scope, absl::Time time) {
  return absl::StrCat(DateStamp(time), "/", scope.region, "/", scope.service, "/aws4_request");
}

void EraseHeader(Request& request, absl::string_view name) {
  std::erase_if(request.headers,
                [&](const auto& header) { return absl::EqualsIgnoreCase(header.first, name); });
}

}  // namespace

PathOptions PathOptionsFor(absl::string_view service) {
  if (service == "s3") return PathOptions{.normalize = false, .encode = false};
  return PathOptions{};
}

std::string AmzDate(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

std::string CanonicalRequest(const Request& request, const std::vector<std::string>& signed_headers,
                             PathOptions path_options) {
  const std::vector<std::string> names = SortedLowerNames(signed_headers);
  std::string headers;
  std::string payload_hash;
  for (const auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "x-amz-content-sha256")) payload_hash = TrimAll(value);
  }
  for (const std::string& name : names) {
    std::vector<std::string> values;  // same-name headers in the order given
    for (const auto& [header_name, value] : request.headers) {
      if (absl::EqualsIgnoreCase(header_name, name)) values.push_back(TrimAll(value));
    }
    absl::StrAppend(&headers, name, ":", absl::StrJoin(values, ","), "\n");
  }
  if (payload_hash.empty()) payload_hash = internal::Hex(internal::Sha256(request.body));
  return absl::StrCat(request.method, "\n", CanonicalUri(request.path, path_options), "\n",
                      CanonicalQuery(request.query), "\n", headers, "\n",
                      absl::StrJoin(names, ";"), "\n", payload_hash);
}

std::string StringToSign(const std::string& canonical_request, const Scope& scope, absl::Time time) {
  return absl::StrCat(kAlgorithm, "\n", AmzDate(time), "\n", CredentialScope(scope, time), "\n",
                      internal::Hex(internal::Sha256(canonical_request)));
}

std::string Signature(const std::string& secret_access_key, const std::string& string_to_sign,
                      const Scope& scope, absl::Time time) {
  const std::string k_date = internal::HmacSha256(absl::StrCat("AWS4", secret_access_key),
                                                  DateStamp(time));
  const std::string k_region = internal::HmacSha256(k_date, scope.region);
  const std::string k_service = internal::HmacSha256(k_region, scope.service);
  const std::string k_signing = internal::HmacSha256(k_service, "aws4_request");
  return internal::Hex(internal::HmacSha256(k_signing, string_to_sign));
}

void Sign(const Credentials& credentials, const Scope& scope, absl::Time time, Request& request) {
  EraseHeader(request, "authorization");
  EraseHeader(request, "x-amz-date");
  request.headers.emplace_back("X-Amz-Date", AmzDate(time));
  if (!credentials.session_token.empty()) {
    EraseHeader(request, "x-amz-security-token");
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (scope.service == "s3") {
    EraseHeader(request, "x-amz-content-sha256");
    request.headers.emplace_back("x-amz-content-sha256",
                                 internal::Hex(internal::Sha256(request.body)));
  }
  std::vector<std::string> names;
  for (const auto& header : request.headers) names.push_back(header.first);
  names = SortedLowerNames(names);
  const std::string canonical = CanonicalRequest(request, names, PathOptionsFor(scope.service));
  const std::string signature =
      Signature(credentials.secret_access_key, StringToSign(canonical, scope, time), scope, time);
  request.headers.emplace_back(
      "Authorization",
      absl::StrCat(kAlgorithm, " Credential=", credentials.access_key_id, "/",
                   CredentialScope(scope, time), ", SignedHeaders=", absl::StrJoin(names, ";"),
                   ", Signature=", signature));
}

}  // namespace qgrad::backends::rest::sigv4
