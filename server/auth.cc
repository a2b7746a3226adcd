// Token authentication; see auth.h.
//
// Thread-safety: no mutable shared state.
#include "server/auth.h"

#include <openssl/evp.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/file.h"

namespace qgrad::server {
namespace {

// One line per tenant; even 100 000 tenants fit well under this.
constexpr uint64_t kMaxTokensFileBytes = uint64_t{64} << 20;

bool IsTenantName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool IsSha256Hex(absl::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

absl::StatusOr<TokenAuthenticator> TokenAuthenticator::Parse(absl::string_view text) {
  TokenAuthenticator auth;
  auth.enabled_ = true;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const std::string where = absl::StrCat("line ", line_number, ": ");
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(where, "expected \"TENANT SHA256HEX\""));
    }
    if (!IsTenantName(fields[0])) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "tenant must match [A-Za-z0-9_.-]{1,64}"));
    }
    if (!IsSha256Hex(fields[1])) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "the token hash must be 64 hex digits (SHA-256)"));
    }
    const std::string hash = absl::AsciiStrToLower(fields[1]);
    if (!auth.tenants_.emplace(hash, std::string(fields[0])).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, "this token hash is listed twice"));
    }
  }
  return auth;
}

absl::StatusOr<TokenAuthenticator> TokenAuthenticator::Load(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path, kMaxTokensFileBytes);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat("tokens file ", text.status().message()));
  }
  absl::StatusOr<TokenAuthenticator> auth = Parse(*text);
  if (!auth.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokens file ", path, ": ", auth.status().message()));
  }
  return auth;
}

absl::StatusOr<std::string> TokenAuthenticator::Authenticate(
    bool present, absl::string_view authorization) const {
  if (!enabled_) return std::string(kDefaultTenant);
  if (!present) {
    return absl::UnauthenticatedError("missing \"authorization: Bearer <token>\" metadata");
  }
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer <token>\"");
  }
  token = absl::StripAsciiWhitespace(token);
  // Only the hash is compared, so lookup time says nothing useful about the token.
  auto it = tenants_.find(Sha256Hex(token));
  if (token.empty() || it == tenants_.end()) {
    return absl::UnauthenticatedError("unknown bearer token");
  }
  return it->second;
}

}  // namespace qgrad::server
