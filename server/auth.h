// Bearer-token authentication: a tokens file maps SHA-256 hashes of tokens to tenants, one
// per line:
//   # comment
//   alice 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
// The server never stores or logs a token itself; a caller's `authorization: Bearer TOKEN`
// metadata is hashed and looked up. `qgradd hash-token` (or `printf %s TOKEN | sha256sum`)
// prints the hash of a token.
//
// Without a tokens file authentication is off and every caller is tenant "default" (for a
// loopback-only development server; config.h refuses that on other addresses unless
// forced).
//
// Thread-safety: immutable after construction; Authenticate may be called concurrently.
#ifndef QGRAD_SERVER_AUTH_H_
#define QGRAD_SERVER_AUTH_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qgrad::server {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

inline constexpr char kDefaultTenant[] = "default";

class TokenAuthenticator {
 public:
  // Authentication off: every caller is kDefaultTenant.
  TokenAuthenticator() = default;

  // Parses a tokens file's text. INVALID_ARGUMENT "line N: ..." for a malformed line (not
  // two fields, a tenant outside [A-Za-z0-9_.-]{1,64}, a hash that is not 64 hex digits,
  // a hash listed twice).
  static absl::StatusOr<TokenAuthenticator> Parse(absl::string_view text);
  // Reads and parses a file; NOT_FOUND when it cannot be read; errors name the path.
  static absl::StatusOr<TokenAuthenticator> Load(const std::string& path);

  bool enabled() const { return enabled_; }
  int num_tokens() const { return int(tenants_.size()); }

  // The tenant of an `authorization` metadata value ("Bearer TOKEN"), or UNAUTHENTICATED.
  // `present` false: the metadata is missing.
  absl::StatusOr<std::string> Authenticate(bool present, absl::string_view authorization) const;

 private:
  bool enabled_ = false;
  std::map<std::string, std::string> tenants_;  // token hash (hex) → tenant
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_AUTH_H_
