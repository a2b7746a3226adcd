// Channel construction; see channel.h.
//
// Thread-safety: free function; reads files.
#include "client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "base/file.h"

namespace qgrad::client {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  // PEM certificates and keys are a few KiB; a bundle of CAs well under 1 MiB.
  absl::StatusOr<std::string> text = base::ReadFile(path, size_t{4} << 20);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", text.status().message()));
  }
  if (text->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", path, ": empty file"));
  }
  return text;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const ClientOptions& options) {
  const bool has_cert = !options.tls_cert_file.empty();
  const bool has_key = !options.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError("a TLS client certificate needs its key, and the reverse");
  }
  if (options.tls_ca_file.empty()) {
    if (has_cert) {
      return absl::InvalidArgumentError("a TLS client certificate needs a CA file (tls_ca)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem(options.tls_ca_file, "TLS CA file");
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *std::move(ca);
  if (has_cert) {
    absl::StatusOr<std::string> cert = ReadPem(options.tls_cert_file, "TLS certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(options.tls_key_file, "TLS key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

grpc::ChannelArguments Arguments(const ClientOptions& options) {
  grpc::ChannelArguments args;
  // Results carry the whole iteration history and the final circuit; the 4 MiB default
  // is too tight for long runs.
  args.SetMaxReceiveMessageSize(64 << 20);
  // gRPC's own reconnect backoff grows to 2 minutes by default; a watcher waiting for a
  // restarted server should not sit behind it.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  args.SetUserAgentPrefix("qgrad-client");
  if (!options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  return args;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ClientOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();
  return grpc::CreateCustomChannel(options.server, *credentials, Arguments(options));
}

}  // namespace qgrad::client
