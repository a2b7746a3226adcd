// Flag / environment / default resolution; see client_settings.h.
//
// Thread-safety: pure functions.
#include "cli/client_settings.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/file.h"

namespace qgrad::cli {
namespace {

// A bearer token is a line; anything much larger is the wrong file.
constexpr uint64_t kMaxTokenFileBytes = uint64_t{64} << 10;

std::string Pick(const std::string& flag, const EnvLookup& env, const char* variable,
                 const std::string& fallback) {
  if (!flag.empty()) return flag;
  const char* value = env(variable);
  if (value != nullptr && *value != '\0') return value;
  return fallback;
}

absl::StatusOr<std::string> ReadToken(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path, kMaxTokenFileBytes);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", text.status().message()));
  }
  // Files written by `echo` or an editor end in a newline that is no part of the token.
  std::string token(absl::StripAsciiWhitespace(*text));
  if (token.empty())
    return absl::InvalidArgumentError(absl::StrCat("token file ", path, ": empty"));
  return token;
}

// Flags first (token, then token file), then variables in the same order.
absl::StatusOr<std::string> ResolveToken(const ClientFlags& flags, const EnvLookup& env) {
  if (!flags.token.empty()) return flags.token;
  if (!flags.token_file.empty()) return ReadToken(flags.token_file);
  const std::string token = Pick("", env, "QGRAD_TOKEN", "");
  if (!token.empty()) return token;
  const std::string file = Pick("", env, "QGRAD_TOKEN_FILE", "");
  if (!file.empty()) return ReadToken(file);
  return std::string();
}

}  // namespace

absl::StatusOr<client::ClientOptions> ResolveClientOptions(const ClientFlags& flags,
                                                           const EnvLookup& env) {
  client::ClientOptions options;
  options.server = Pick(flags.server, env, "QGRAD_SERVER", kDefaultServer);
  absl::StatusOr<std::string> token = ResolveToken(flags, env);
  if (!token.ok()) return token.status();
  options.token = *std::move(token);
  options.tls_ca_file = Pick(flags.tls_ca, env, "QGRAD_TLS_CA", "");
  options.tls_cert_file = Pick(flags.tls_cert, env, "QGRAD_TLS_CERT", "");
  options.tls_key_file = Pick(flags.tls_key, env, "QGRAD_TLS_KEY", "");
  options.tls_server_name = Pick(flags.tls_server_name, env, "QGRAD_TLS_SERVER_NAME", "");
  options.timeout = flags.timeout;
  return options;
}

}  // namespace qgrad::cli
