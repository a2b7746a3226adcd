// Flag and config-file parsing; see config.h.
//
// Thread-safety: no shared state.
#include "server/config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/file.h"

namespace qgrad::server {
namespace {

struct Flag {
  const char* help;
  bool is_bool;
  // Sets the field from the text; an error message (without the flag name) or "".
  std::function<std::string(ServerConfig&, absl::string_view)> set;
};

std::function<std::string(ServerConfig&, absl::string_view)> String(
    std::string ServerConfig::*field) {
  return [field](ServerConfig& c, absl::string_view v) {
    c.*field = std::string(v);
    return std::string();
  };
}

std::function<std::string(ServerConfig&, absl::string_view)> Bool(bool ServerConfig::*field) {
  return [field](ServerConfig& c, absl::string_view v) {
    if (v.empty() || v == "true" || v == "1") {
      c.*field = true;
    } else if (v == "false" || v == "0") {
      c.*field = false;
    } else {
      return std::string("must be true or false");
    }
    return std::string();
  };
}

std::function<std::string(ServerConfig&, absl::string_view)> Number(double ServerConfig::*field,
                                                                    double min, double max) {
  return [=](ServerConfig& c, absl::string_view v) {
    double d = 0;
    if (!absl::SimpleAtod(v, &d) || !(d >= min) || d > max) {
      return absl::StrCat("must be a number in [", min, ", ", max, "]");
    }
    c.*field = d;
    return std::string();
  };
}

template <typename T>
std::function<std::string(ServerConfig&, absl::string_view)> Integer(T ServerConfig::*field,
                                                                     int64_t min, int64_t max) {
  return [=](ServerConfig& c, absl::string_view v) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(v, &value) || value < min || value > max) {
      return absl::StrCat("must be an integer in [", min, ", ", max, "]");
    }
    c.*field = static_cast<T>(value);
    return std::string();
  };
}

const std::map<std::string, Flag>& Flags() {
  static const auto* flags = new std::map<std::string, Flag>{
      {"listen", {"address to listen on, host:port (port 0: any free port)", false,
                  String(&ServerConfig::listen)}},
      {"port_file", {"also write the bound host:port to this file", false,
                     String(&ServerConfig::port_file)}},
      {"store", {"job store: sqlite (durable, in --data_dir), memory, or a PostgreSQL URI "
                 "postgresql://USER@HOST:PORT/DB?... shared by several replicas", false,
                 String(&ServerConfig::store)}},
      {"store_password_file", {"file holding the PostgreSQL password (else PGPASSWORD)", false,
                               String(&ServerConfig::store_password_file)}},
      {"replica_id", {"this replica's id among those sharing a PostgreSQL store (default: "
                      "the host name)", false, String(&ServerConfig::replica_id)}},
      {"lease_seconds", {"PostgreSQL store: how long a replica holds a job without renewing "
                         "its lease", false, Number(&ServerConfig::lease_seconds, 0.3, 3600)}},
      {"health_listen", {"also serve grpc.health.v1 alone, in plaintext, on host:port (for "
                         "probes that cannot speak TLS)", false,
                         String(&ServerConfig::health_listen)}},
      {"http_listen", {"also serve the HTTP/JSON gateway and the web dashboard on host:port "
                       "(HTTPS with --tls_cert; port 0: any free port)", false,
                       String(&ServerConfig::http_listen)}},
      {"http_port_file", {"write the gateway's bound host:port to this file", false,
                          String(&ServerConfig::http_port_file)}},
      {"data_dir", {"directory of the SQLite job store (jobs.db)", false,
                    String(&ServerConfig::data_dir)}},
      {"tokens_file", {"lines \"TENANT SHA256HEX\"; without it authentication is off", false,
                       String(&ServerConfig::tokens_file)}},
      {"tls_cert", {"PEM server certificate chain (enables TLS)", false,
                    String(&ServerConfig::tls_cert)}},
      {"tls_key", {"PEM private key of --tls_cert", false, String(&ServerConfig::tls_key)}},
      {"tls_client_ca", {"PEM CA for client certificates (verified when presented)", false,
                         String(&ServerConfig::tls_client_ca)}},
      {"require_client_cert", {"mutual TLS: refuse clients without a valid certificate", true,
                               Bool(&ServerConfig::require_client_cert)}},
      {"allow_insecure_remote", {"allow plaintext on a non-loopback address", true,
                                 Bool(&ServerConfig::allow_insecure_remote)}},
      {"max_running_jobs", {"jobs optimizing at once", false,
                            Integer(&ServerConfig::max_running_jobs, 1, 1024)}},
      {"max_running_per_tenant", {"running jobs per tenant (0: max_running_jobs)", false,
                                  Integer(&ServerConfig::max_running_per_tenant, 0, 1024)}},
      {"max_queued_per_tenant", {"queued jobs per tenant", false,
                                 Integer(&ServerConfig::max_queued_per_tenant, 1, 1000000)}},
      {"max_request_bytes", {"largest request accepted", false,
                             Integer(&ServerConfig::max_request_bytes, 1024, int64_t{1} << 30)}},
      {"max_qubits", {"largest register accepted (also capped by memory)", false,
                      Integer(&ServerConfig::max_qubits, 1, 40)}},
      {"max_shots", {"most shots one job may draw", false,
                     Integer(&ServerConfig::max_shots, 0, int64_t{1} << 40)}},
      {"log_level", {"debug | info | warning | error", false, String(&ServerConfig::log_level)}},
      {"backend", {"a device backend: NAME dialect=ionq|braket|qiskit_runtime url=URL key=value "
                   "... (repeatable; keys below)", false,
                   [](ServerConfig& c, absl::string_view v) {
                     absl::StatusOr<DeviceBackendConfig> parsed = ParseDeviceBackend(v);
                     if (!parsed.ok()) return std::string(parsed.status().message());
                     for (const DeviceBackendConfig& d : c.device_backends) {
                       if (d.name == parsed->name) return absl::StrCat("\"", d.name, "\" is declared twice");
                     }
                     c.device_backends.push_back(*std::move(parsed));
                     return std::string();
                   }}},
      {"shutdown_grace_seconds", {"on SIGTERM, the longest shutdown takes (then exit)", false,
                                  Number(&ServerConfig::shutdown_grace_seconds, 0, 3600)}},
  };
  return *flags;
}

absl::Status Apply(absl::string_view name, absl::string_view value, bool has_value,
                   absl::string_view where, ServerConfig& config) {
  auto it = Flags().find(std::string(name));
  if (it == Flags().end()) {
    return absl::InvalidArgumentError(absl::StrCat(where, "unknown flag --", name));
  }
  if (!has_value && !it->second.is_bool) {
    return absl::InvalidArgumentError(absl::StrCat(where, "--", name, " needs a value"));
  }
  const std::string error = it->second.set(config, value);
  if (!error.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, "--", name, ": ", error));
  }
  return absl::OkStatus();
}

// Configuration files are a few lines; 1 MiB is generous.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path, size_t{1} << 20);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--config: cannot read ", text.status().message()));
  }
  return text;
}

}  // namespace

absl::Status ApplyConfigText(absl::string_view text, absl::string_view file_name,
                             ServerConfig& config) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(file_name, ":", line_number, ": ");
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(where, "expected key = value"));
    }
    absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (absl::Status s = Apply(key, value, true, where, config); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<ServerConfig> ParseCommandLine(const std::vector<std::string>& args) {
  struct Given {
    std::string name, value;
    bool has_value;
  };
  std::vector<Given> given;
  std::string config_file;
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") return absl::FailedPreconditionError(Usage());
    if (!absl::ConsumePrefix(&arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    Given g;
    const size_t eq = arg.find('=');
    g.name = std::string(arg.substr(0, eq));
    g.has_value = eq != absl::string_view::npos;
    if (g.has_value) g.value = std::string(arg.substr(eq + 1));
    auto flag = Flags().find(g.name);
    // "--flag value" for non-boolean flags.
    if (!g.has_value && (g.name == "config" || (flag != Flags().end() && !flag->second.is_bool)) &&
        i + 1 < args.size()) {
      g.value = args[++i];
      g.has_value = true;
    }
    if (g.name == "config") {
      if (g.value.empty()) return absl::InvalidArgumentError("--config: needs a file name");
      config_file = g.value;
      continue;
    }
    given.push_back(std::move(g));
  }
  ServerConfig config;
  if (!config_file.empty()) {
    absl::StatusOr<std::string> text = ReadConfigFile(config_file);
    if (!text.ok()) return text.status();
    if (absl::Status s = ApplyConfigText(*text, config_file, config); !s.ok()) return s;
  }
  for (const Given& g : given) {
    if (absl::Status s = Apply(g.name, g.value, g.has_value, "", config); !s.ok()) return s;
  }
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  return config;
}

const std::map<std::string, std::string>& DeviceBackendKeys() {
  static const auto* keys = new std::map<std::string, std::string>{
      {"dialect", "ionq | braket | qiskit_runtime"},
      {"url", "the provider API's base URL (http:// only for loopback emulators)"},
      {"device", "IonQ backend, Braket device ARN or IBM backend name"},
      {"credential", "IonQ or IBM API key reference: env:VAR or file:PATH"},
      {"aws_access_key_id", "Braket: reference to the access key id"},
      {"aws_secret_access_key", "Braket: reference to the secret access key"},
      {"aws_session_token", "Braket: reference to a session token (optional)"},
      {"region", "Braket: AWS region"},
      {"s3_url", "Braket: base URL of the result bucket's S3 endpoint"},
      {"bucket", "Braket: result bucket"},
      {"prefix", "Braket: result key prefix"},
      {"iam_url", "IBM: the IAM token endpoint's base URL"},
      {"service_crn", "IBM: the Service-CRN header"},
      {"ca_file", "PEM CA bundle for TLS verification"},
      {"native_gates", "any | ionq | ibm: translate programs to this gate set"},
      {"max_qubits", "qubits per program"},
      {"max_shots", "shots per program"},
      {"max_programs", "programs per batch"},
      {"poll_ms", "first status poll interval, milliseconds"},
      {"max_poll_ms", "longest status poll interval, milliseconds"},
      {"timeout_s", "per-request timeout, seconds"},
      {"rate_limit", "requests per second to the provider"},
      {"description", "shown by ListBackends (no spaces; '_' for a space)"},
  };
  return *keys;
}

absl::StatusOr<DeviceBackendConfig> ParseDeviceBackend(absl::string_view text) {
  std::vector<absl::string_view> words = absl::StrSplit(text, ' ', absl::SkipWhitespace());
  if (words.empty()) return absl::InvalidArgumentError("needs NAME key=value ...");
  DeviceBackendConfig config;
  config.name = std::string(words[0]);
  const bool name_ok =
      !config.name.empty() && config.name.size() <= 64 &&
      std::all_of(config.name.begin(), config.name.end(), [](char ch) {
        return absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
               ch == '.';
      });
  if (!name_ok || absl::StrContains(config.name, "=")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backend name \"", words[0], "\": use 1..64 letters, digits, '-', '_' or '.'"));
  }
  for (size_t i = 1; i < words.size(); ++i) {
    const size_t eq = words[i].find('=');
    const std::string key(words[i].substr(0, eq));
    if (eq == absl::string_view::npos || !DeviceBackendKeys().contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat("backend ", config.name, ": \"", key,
                                                     "\" is not a known key=value"));
    }
    if (!config.settings.emplace(key, std::string(words[i].substr(eq + 1))).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("backend ", config.name, ": ", key, " given twice"));
    }
  }
  for (const char* required : {"dialect", "url"}) {
    if (!config.settings.contains(required)) {
      return absl::InvalidArgumentError(
          absl::StrCat("backend ", config.name, ": ", required, "= is required"));
    }
  }
  return config;
}

absl::StatusOr<std::vector<std::string>> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return absl::NotFoundError(absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  std::vector<std::string> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = a->ai_family == AF_INET
                          ? static_cast<const void*>(
                                &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                          : static_cast<const void*>(
                                &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
        inet_ntop(a->ai_family, raw, text, sizeof text) != nullptr) {
      addresses.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  return addresses;
}

namespace {

// The host part of a gRPC listening address; nullopt for a unix socket.
std::optional<std::string> ListenHost(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) {
    return std::nullopt;
  }
  absl::string_view host = listen;
  if (!absl::ConsumePrefix(&host, "ipv4:")) absl::ConsumePrefix(&host, "ipv6:");
  if (absl::ConsumePrefix(&host, "[")) return std::string(host.substr(0, host.find(']')));
  if (std::count(host.begin(), host.end(), ':') == 1) host = host.substr(0, host.find(':'));
  return std::string(host);
}

bool IsLoopbackIp(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.y.z is IPv4 loopback too.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace

bool IsLoopbackAddress(absl::string_view listen, const HostResolver& resolve) {
  const std::optional<std::string> host = ListenHost(listen);
  if (!host.has_value()) return true;  // a unix socket never leaves the machine
  if (host->empty()) return false;     // ":port" listens on every interface
  absl::StatusOr<std::vector<std::string>> addresses = resolve(*host);
  if (!addresses.ok() || addresses->empty()) return false;
  return std::all_of(addresses->begin(), addresses->end(), IsLoopbackIp);
}

bool IsPostgresStore(const ServerConfig& config) {
  return absl::StartsWith(config.store, "postgresql://") ||
         absl::StartsWith(config.store, "postgres://");
}

absl::Status ValidateConfig(const ServerConfig& config) {
  if (config.store != "sqlite" && config.store != "memory" && !IsPostgresStore(config)) {
    return absl::InvalidArgumentError(
        "--store: must be sqlite, memory or a postgresql:// (or postgres://) URI");
  }
  if (!IsPostgresStore(config) &&
      (!config.store_password_file.empty() || !config.replica_id.empty())) {
    return absl::InvalidArgumentError(
        "--store_password_file and --replica_id: only with a postgresql:// --store");
  }
  if (config.store == "sqlite" && config.data_dir.empty()) {
    return absl::InvalidArgumentError("--data_dir: required with --store=sqlite");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key: give both or neither");
  }
  const bool tls = !config.tls_cert.empty();
  if (!config.tls_client_ca.empty() && !tls) {
    return absl::InvalidArgumentError("--tls_client_ca: needs --tls_cert and --tls_key");
  }
  if (config.require_client_cert && config.tls_client_ca.empty()) {
    return absl::InvalidArgumentError("--require_client_cert: needs --tls_client_ca");
  }
  if (!tls && !config.allow_insecure_remote && !IsLoopbackAddress(config.listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: ", config.listen,
        " is not a loopback address; serving it without TLS is refused (give --tls_cert and "
        "--tls_key, or --allow_insecure_remote to force plaintext)"));
  }
  if (!config.http_listen.empty() && !tls && !config.allow_insecure_remote &&
      !IsLoopbackAddress(config.http_listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen: ", config.http_listen,
        " is not a loopback address; serving it without TLS is refused (give --tls_cert and "
        "--tls_key, or --allow_insecure_remote to force plaintext)"));
  }
  if (!config.http_port_file.empty() && config.http_listen.empty()) {
    return absl::InvalidArgumentError("--http_port_file: needs --http_listen");
  }
  static const std::set<std::string> kLevels = {"debug", "info", "warning", "error"};
  if (!kLevels.count(config.log_level)) {
    return absl::InvalidArgumentError("--log_level: must be debug, info, warning or error");
  }
  return absl::OkStatus();
}

std::string Usage() {
  std::string usage =
      "usage: qgradd [--flag=value ...]   |   qgradd hash-token < TOKEN\n"
      "  --config=FILE  read \"flag = value\" lines first (command-line flags win)\n";
  for (const auto& [name, flag] : Flags()) {
    absl::StrAppend(&usage, "  --", name, flag.is_bool ? "" : "=V", "  ", flag.help, "\n");
  }
  absl::StrAppend(&usage, "keys of --backend (or `backend = NAME key=value ...` lines):\n");
  for (const auto& [key, help] : DeviceBackendKeys()) {
    absl::StrAppend(&usage, "  ", key, "=  ", help, "\n");
  }
  return usage;
}

}  // namespace qgrad::server
