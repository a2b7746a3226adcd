// SigV4 verification (server side, for the device emulator): a strict parser for the
// Authorization header and the checks of Verify(). Every malformed input is an
// UNAUTHENTICATED status with a reason; no reason quotes the secret or a signature.
//
// Thread-safety: pure function (calls `secret_for`, which must be safe to call).
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "backends/rest/sigv4/crypto.h"
#include "backends/rest/sigv4/sigv4.h"

namespace qgrad::backends::rest::sigv4 {
namespace {

// Longer headers are refused before parsing; real ones are a few hundred bytes.
constexpr size_t kMaxAuthorizationLength = 8192;

struct Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("SigV4: ", reason));
}

std::vector<absl::string_view> HeaderValues(const Request& request, absl::string_view name) {
  std::vector<absl::string_view> values;
  for (const auto& [header_name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(header_name, name)) values.push_back(value);
  }
  return values;
}

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// An RFC 7230 token in lower case (what a canonical header name is).
bool IsLowerHeaderName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = absl::ascii_isdigit(u) || (c >= 'a' && c <= 'z') ||
                    absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

absl::Status ParseCredential(absl::string_view text, Authorization& out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  if (parts.size() != 5) return Unauthenticated("Credential must be KEY/DATE/REGION/SERVICE/aws4_request");
  if (parts[0].empty()) return Unauthenticated("Credential has an empty access key id");
  if (parts[1].size() != 8 || !AllDigits(parts[1])) {
    return Unauthenticated("Credential date is not YYYYMMDD");
  }
  if (parts[2].empty() || parts[3].empty()) {
    return Unauthenticated("Credential has an empty region or service");
  }
  if (parts[4] != "aws4_request") return Unauthenticated("Credential does not end in aws4_request");
  out.access_key_id = std::string(parts[0]);
  out.date = std::string(parts[1]);
  out.region = std::string(parts[2]);
  out.service = std::string(parts[3]);
  return absl::OkStatus();
}

absl::Status ParseSignedHeaders(absl::string_view text, Authorization& out) {
  for (absl::string_view name : absl::StrSplit(text, ';')) {
    if (!IsLowerHeaderName(name)) {
      return Unauthenticated("SignedHeaders must be non-empty lower-case header names");
    }
    if (!out.signed_headers.empty() && name <= out.signed_headers.back()) {
      return Unauthenticated("SignedHeaders must be sorted and without repeats");
    }
    out.signed_headers.emplace_back(name);
  }
  return absl::OkStatus();
}

// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." — each component
// exactly once, in any order, nothing else.
absl::StatusOr<Authorization> ParseAuthorization(absl::string_view header) {
  if (header.size() > kMaxAuthorizationLength) return Unauthenticated("Authorization header too long");
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&rest, "AWS4-HMAC-SHA256") || rest.empty() ||
      !absl::ascii_isspace(static_cast<unsigned char>(rest.front()))) {
    return Unauthenticated("Authorization algorithm is not AWS4-HMAC-SHA256");
  }
  Authorization auth;
  bool have_credential = false, have_signed_headers = false, have_signature = false;
  for (absl::string_view component : absl::StrSplit(rest, ',')) {
    component = absl::StripAsciiWhitespace(component);
    const size_t eq = component.find('=');
    if (eq == absl::string_view::npos) return Unauthenticated("Authorization component without '='");
    const absl::string_view key = component.substr(0, eq);
    const absl::string_view value = component.substr(eq + 1);
    if (key == "Credential") {
      if (have_credential) return Unauthenticated("Credential given twice");
      have_credential = true;
      if (absl::Status status = ParseCredential(value, auth); !status.ok()) return status;
    } else if (key == "SignedHeaders") {
      if (have_signed_headers) return Unauthenticated("SignedHeaders given twice");
      have_signed_headers = true;
      if (absl::Status status = ParseSignedHeaders(value, auth); !status.ok()) return status;
    } else if (key == "Signature") {
      if (have_signature) return Unauthenticated("Signature given twice");
      have_signature = true;
      if (value.size() != 64 || !IsLowerHex(value)) {
        return Unauthenticated("Signature is not 64 lower-case hex digits");
      }
      auth.signature = std::string(value);
    } else {
      return Unauthenticated("unknown Authorization component");
    }
  }
  if (!have_credential || !have_signed_headers || !have_signature) {
    return Unauthenticated("Authorization needs Credential, SignedHeaders and Signature");
  }
  return auth;
}

int Digits(absl::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// Strict YYYYMMDDTHHMMSSZ, fields in range (absl::ParseTime's %Y would swallow all eight
// date digits, so the fields are read by hand).
absl::StatusOr<absl::Time> ParseAmzDate(absl::string_view text) {
  if (text.size() != 16 || !AllDigits(text.substr(0, 8)) || text[8] != 'T' ||
      !AllDigits(text.substr(9, 6)) || text[15] != 'Z') {
    return Unauthenticated("X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  }
  const absl::CivilSecond civil(Digits(text.substr(0, 4)), Digits(text.substr(4, 2)),
                                Digits(text.substr(6, 2)), Digits(text.substr(9, 2)),
                                Digits(text.substr(11, 2)), Digits(text.substr(13, 2)));
  const absl::Time time = absl::FromCivil(civil, absl::UTCTimeZone());
  // CivilSecond normalizes (month 13 → next January); a changed text means out of range.
  if (AmzDate(time) != text) return Unauthenticated("X-Amz-Date is not a valid time");
  return time;
}

bool Contains(const std::vector<std::string>& names, absl::string_view name) {
  for (const std::string& n : names) {
    if (n == name) return true;
  }
  return false;
}

absl::Status CheckSignedHeaders(const Request& request, const Authorization& auth) {
  for (absl::string_view required : {"host", "x-amz-date"}) {
    if (!Contains(auth.signed_headers, required)) {
      return Unauthenticated(absl::StrCat("header ", required, " is not signed"));
    }
  }
  // Headers that change the meaning of the request must not ride along unsigned.
  for (absl::string_view sensitive : {"x-amz-security-token", "x-amz-content-sha256"}) {
    if (!HeaderValues(request, sensitive).empty() && !Contains(auth.signed_headers, sensitive)) {
      return Unauthenticated(absl::StrCat("header ", sensitive, " is present but not signed"));
    }
  }
  for (const std::string& name : auth.signed_headers) {
    if (HeaderValues(request, name).empty()) {
      return Unauthenticated(absl::StrCat("signed header ", name, " is missing"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Verify(const Request& request, const Scope& scope, absl::Time now,
                    absl::Duration max_skew,
                    const std::function<std::optional<std::string>(const std::string&)>& secret_for) {
  const std::vector<absl::string_view> authorization = HeaderValues(request, "authorization");
  if (authorization.empty()) return Unauthenticated("missing Authorization header");
  if (authorization.size() > 1) return Unauthenticated("more than one Authorization header");
  absl::StatusOr<Authorization> auth = ParseAuthorization(authorization.front());
  if (!auth.ok()) return auth.status();

  if (auth->region != scope.region || auth->service != scope.service) {
    return Unauthenticated("credential scope names another region or service");
  }
  if (absl::Status status = CheckSignedHeaders(request, *auth); !status.ok()) return status;

  const std::vector<absl::string_view> dates = HeaderValues(request, "x-amz-date");
  if (dates.size() != 1) return Unauthenticated("need exactly one X-Amz-Date header");
  absl::StatusOr<absl::Time> time = ParseAmzDate(absl::StripAsciiWhitespace(dates.front()));
  if (!time.ok()) return time.status();
  if (AmzDate(*time).substr(0, 8) != auth->date) {
    return Unauthenticated("credential scope date differs from X-Amz-Date");
  }
  if (absl::AbsDuration(now - *time) > max_skew) {
    return Unauthenticated("X-Amz-Date is too far from the server's time");
  }

  // The canonical request hashes this header's value instead of the body, so it must be
  // the body's hash; otherwise a signed header would vouch for an unsigned body.
  const std::vector<absl::string_view> content_hashes = HeaderValues(request, "x-amz-content-sha256");
  if (content_hashes.size() > 1) return Unauthenticated("more than one x-amz-content-sha256 header");
  if (!content_hashes.empty() && absl::StripAsciiWhitespace(content_hashes.front()) !=
                                     internal::Hex(internal::Sha256(request.body))) {
    return Unauthenticated("x-amz-content-sha256 does not match the body");
  }

  const std::optional<std::string> secret = secret_for(auth->access_key_id);
  if (!secret.has_value()) return Unauthenticated("unknown access key id");

  const std::string canonical =
      CanonicalRequest(request, auth->signed_headers, PathOptionsFor(scope.service));
  const std::string expected = Signature(*secret, StringToSign(canonical, scope, *time), scope, *time);
  if (!internal::ConstantTimeEqual(expected, auth->signature)) {
    return Unauthenticated("signature does not match");
  }
  return absl::OkStatus();
}

}  // namespace qgrad::backends::rest::sigv4
