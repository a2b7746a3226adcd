// Channel construction for the client: plaintext, TLS (server verified against a CA
// file) or mutual TLS (plus a client certificate and key), with the channel arguments
// the job service needs (large results, fast reconnection after a server restart).
//
// Thread-safety: free function; reads files.
#ifndef QGRAD_CLIENT_CHANNEL_H_
#define QGRAD_CLIENT_CHANNEL_H_

#include <grpcpp/channel.h>

#include <memory>

#include "absl/status/statusor.h"
#include "client/client.h"

namespace qgrad::client {

// INVALID_ARGUMENT for an unreadable or empty PEM file, a certificate without its key
// (or the reverse), or client certificates without a CA.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ClientOptions& options);

}  // namespace qgrad::client

#endif  // QGRAD_CLIENT_CHANNEL_H_
