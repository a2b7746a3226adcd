// qgradd's configuration: command-line flags and an optional config file with the same
// keys (`--config=FILE`; lines `key = value`, '#' comments; flags given on the command line
// win over the file). `--help` prints Usage().
//
// Security rules enforced by ValidateConfig: the default address is loopback; a
// non-loopback address needs TLS (--tls_cert/--tls_key) unless --allow_insecure_remote;
// --require_client_cert needs --tls_client_ca.
//
// Thread-safety: values and free functions.
#ifndef QGRAD_SERVER_CONFIG_H_
#define QGRAD_SERVER_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qgrad::server {

// A device backend declared in the configuration: `backend = NAME key=value ...` (one
// line or flag per backend; values without spaces). The keys (DeviceBackendKeys()) name
// the dialect, URLs, credential references ("env:VAR" or "file:PATH", never the secret
// itself) and limits; server/device_backends.h turns them into a REST backend.
struct DeviceBackendConfig {
  std::string name;
  std::map<std::string, std::string> settings;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";  // port 0: any free port
  std::string port_file;                   // the bound "host:port" is written here too
  // "sqlite" (durable, one process) | "memory" | "postgresql://..." (shared by replicas).
  std::string store = "sqlite";
  std::string data_dir = "qgradd-data";    // sqlite: holds jobs.db
  std::string store_password_file;         // postgresql: the password (else PGPASSWORD)
  std::string replica_id;                  // postgresql: unique per replica; "": hostname
  double lease_seconds = 15;               // postgresql: a job's lease, renewed every third
  // Plaintext grpc.health.v1 only, for probes that cannot speak TLS (Kubernetes); "": none.
  std::string health_listen;
  // The HTTP/JSON gateway and dashboard (gateway/): "" none; HTTPS with --tls_cert.
  std::string http_listen;
  std::string http_port_file;              // the gateway's bound "host:port" is written here
  std::string tokens_file;                 // empty: authentication off (tenant "default")
  std::string tls_cert;                    // PEM server certificate chain
  std::string tls_key;                     // PEM private key
  std::string tls_client_ca;               // PEM CA that client certificates must chain to
  bool require_client_cert = false;        // mutual TLS: refuse clients without one
  bool allow_insecure_remote = false;      // permit plaintext on a non-loopback address
  int max_running_jobs = 2;                // jobs optimizing at once (worker threads)
  int max_running_per_tenant = 0;          // 0: max_running_jobs
  int max_queued_per_tenant = 100;         // more queued jobs: RESOURCE_EXHAUSTED
  int64_t max_request_bytes = 4 << 20;     // larger requests: RESOURCE_EXHAUSTED
  int max_qubits = 20;                     // also capped by what memory holds
  int64_t max_shots = 1'000'000;           // per job
  std::string log_level = "info";          // debug | info | warning | error
  // SIGTERM: the longest a graceful shutdown takes. In-flight calls and running jobs get
  // this long; then qgradd exits anyway (jobs resume from their last checkpoint).
  double shutdown_grace_seconds = 4;
  std::vector<DeviceBackendConfig> device_backends;  // --backend, in the order given
};

// The keys a `backend` line may use, with a one-line help each.
const std::map<std::string, std::string>& DeviceBackendKeys();
// Parses "NAME key=value ..."; INVALID_ARGUMENT for a bad name (letters, digits, '-',
// '_', '.'; 1..64 characters), an unknown or repeated key, or a missing dialect or url.
absl::StatusOr<DeviceBackendConfig> ParseDeviceBackend(absl::string_view text);

// Parses argv (argv[0] skipped). A `--help` flag yields FAILED_PRECONDITION with the usage
// text as message; everything else wrong is INVALID_ARGUMENT naming the flag. The result
// is validated (ValidateConfig).
absl::StatusOr<ServerConfig> ParseCommandLine(const std::vector<std::string>& args);

// Applies `key = value` lines; INVALID_ARGUMENT "FILE:LINE: ...".
absl::Status ApplyConfigText(absl::string_view text, absl::string_view file_name,
                             ServerConfig& config);

absl::Status ValidateConfig(const ServerConfig& config);
// True when --store names a PostgreSQL database (the replicated mode).
bool IsPostgresStore(const ServerConfig& config);

// The IP addresses a host name resolves to, as text ("127.0.0.1", "::1"); an error when it
// does not resolve.
using HostResolver =
    std::function<absl::StatusOr<std::vector<std::string>>(const std::string& host)>;
absl::StatusOr<std::vector<std::string>> ResolveHost(const std::string& host);

// True when `listen` (host:port, [v6]:port, ipv4:/ipv6: URIs, unix: sockets) can only be
// reached from this machine: a unix socket, or a host whose every address is in
// 127.0.0.0/8 or is ::1. A name is resolved (gRPC binds every address it resolves to), so
// "127.example" resolving to 0.0.0.0 is not loopback, whatever its spelling.
bool IsLoopbackAddress(absl::string_view listen, const HostResolver& resolve = ResolveHost);

std::string Usage();

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_CONFIG_H_
