// Connection flags, error reporting and formatting for the remote subcommands; see
// remote_common.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/remote_common.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/client_settings.h"
#include "cli/exit_codes.h"
#include "runner/json_io.h"

ABSL_FLAG(std::string, server, "",
          "job service address host:port (env QGRAD_SERVER; default 127.0.0.1:50051)");
ABSL_FLAG(std::string, token, "",
          "bearer token (env QGRAD_TOKEN); prefer --token_file: arguments are visible to "
          "other users in the process list");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer token (env QGRAD_TOKEN_FILE)");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA certificate to verify the server with; enables TLS (env QGRAD_TLS_CA; "
          "also spelled --tls-ca)");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate for mutual TLS (env QGRAD_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert (env QGRAD_TLS_KEY)");
ABSL_FLAG(std::string, tls_server_name, "",
          "name the server certificate must carry, when it differs from the --server host "
          "(env QGRAD_TLS_SERVER_NAME)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "deadline of each call to the job service (watch streams excepted)");

namespace qgrad::cli {

absl::StatusOr<client::Client> ConnectFromFlags() {
  ClientFlags flags;
  flags.server = absl::GetFlag(FLAGS_server);
  flags.token = absl::GetFlag(FLAGS_token);
  flags.token_file = absl::GetFlag(FLAGS_token_file);
  flags.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  flags.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  flags.tls_key = absl::GetFlag(FLAGS_tls_key);
  flags.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  flags.timeout = absl::GetFlag(FLAGS_timeout);
  absl::StatusOr<client::ClientOptions> options =
      ResolveClientOptions(flags, [](const char* name) { return std::getenv(name); });
  if (!options.ok()) return options.status();
  return client::Client::Create(*options);
}

int Fail(const char* command, int code, const std::string& message) {
  std::fprintf(stderr, "qgrad %s: %s\n", command, message.c_str());
  return code;
}

int FailWithStatus(const char* command, const absl::Status& status) {
  const int code = ExitCodeForStatus(status);
  std::string message =
      absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
  if (code == kExitUnavailable && absl::IsUnavailable(status)) {
    absl::StrAppend(&message,
                    "\n  (is qgradd running there? --server / QGRAD_SERVER; a TLS "
                    "server also needs --tls_ca)");
  } else if (code == kExitUnauthenticated) {
    absl::StrAppend(&message,
                    "\n  (pass a token with --token_file, --token, QGRAD_TOKEN or "
                    "QGRAD_TOKEN_FILE)");
  }
  return Fail(command, code, message);
}

std::string CompactJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;  // as runner::ToJson: a zero is a value too
  // Cannot fail for a well-formed message of a linked-in type.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

void PrintJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = runner::ToJson(message);
  std::fputs(json.ok() ? json->c_str() : "{}\n", stdout);
}

std::string FormatTime(int64_t unix_micros) {
  if (unix_micros == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixMicros(unix_micros),
                          absl::UTCTimeZone());
}

}  // namespace qgrad::cli
