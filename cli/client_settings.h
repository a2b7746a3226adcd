// How the remote subcommands find the job service: each setting comes from its flag
// when given, else from its environment variable, else a default —
//   --server          QGRAD_SERVER           127.0.0.1:50051
//   --token           QGRAD_TOKEN            (none)
//   --token_file      QGRAD_TOKEN_FILE       (none; the file's contents, trimmed)
//   --tls_ca          QGRAD_TLS_CA           (none: plaintext)
//   --tls_cert        QGRAD_TLS_CERT         (none)
//   --tls_key         QGRAD_TLS_KEY          (none)
//   --tls_server_name QGRAD_TLS_SERVER_NAME  (the host of --server)
// A token given directly (flag or variable) wins over a token file at the same level,
// and any flag wins over any variable.
//
// Thread-safety: pure functions (the environment is passed in).
#ifndef QGRAD_CLI_CLIENT_SETTINGS_H_
#define QGRAD_CLI_CLIENT_SETTINGS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/client.h"

namespace qgrad::cli {

inline constexpr char kDefaultServer[] = "127.0.0.1:50051";

// The flag values as given; empty means "not given".
struct ClientFlags {
  std::string server;
  std::string token;
  std::string token_file;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_server_name;
  absl::Duration timeout = absl::Seconds(30);
};

// Returns the variable's value, or nullptr when unset.
using EnvLookup = std::function<const char*(const char* name)>;

// INVALID_ARGUMENT when a token file cannot be read or is empty.
absl::StatusOr<client::ClientOptions> ResolveClientOptions(const ClientFlags& flags,
                                                           const EnvLookup& env);

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_CLIENT_SETTINGS_H_
