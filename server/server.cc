// QgraddServer; see server.h.
//
// Thread-safety: Start/Shutdown from one thread.
#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "backends/local/description.h"
#include "backends/local/local_backend.h"
#include "dashboard/assets.h"
#include "server/device_backends.h"
#include "base/file.h"
#include "base/memory.h"
#include "server/backend_info.h"
#include "server/data_dir_lock.h"
#include "server/log.h"
#include "server/logged_job_store.h"
#include "server/reflection_v1.h"
#include "store/error_detail.h"
#include "store/memory_job_store.h"
#include "store/postgres_job_store.h"
#include "store/sqlite_job_store.h"

namespace qgrad::server {
namespace {

// A certificate chain or key is a few KiB; a CA bundle well under 1 MiB.
constexpr uint64_t kMaxPemBytes = uint64_t{4} << 20;

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path, kMaxPemBytes);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read ", text.status().message()));
  }
  return text;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerConfig& config) {
  if (config.tls_cert.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert = ReadPem("tls_cert", config.tls_cert);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("tls_key", config.tls_key);
  if (!key.ok()) return key.status();
  grpc_ssl_client_certificate_request_type request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  grpc::SslServerCredentialsOptions options(request);
  if (!config.tls_client_ca.empty()) {
    absl::StatusOr<std::string> ca = ReadPem("tls_client_ca", config.tls_client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        config.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                   : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

// "host:port" with the port actually bound.
std::string BoundAddress(const std::string& listen, int port) {
  std::string host = listen;
  if (!host.empty() && host[0] == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return absl::StrCat(host, ":", port);
}

// What reflection lists and health answers for by name (besides "" for the whole server).
std::vector<std::string> ServedServices() {
  return {v1::JobService::service_full_name(), v1::BackendService::service_full_name(),
          "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection",
          grpc::reflection::v1::ServerReflection::service_full_name()};
}

// gRPC's default health service knows only "" unless told; any other name is NOT_FOUND.
void MarkServing(grpc::Server& server) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  for (const std::string& name : ServedServices()) health->SetServingStatus(name, true);
}

LogLevel ParseLevel(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

QgraddServer::QgraddServer(ServerConfig config) : config_(std::move(config)) {}

QgraddServer::~QgraddServer() { Shutdown(); }

std::string QgraddServer::MetricsText() const {
  return jobs_ != nullptr ? jobs_->MetricsText() : metrics_.Render({});
}

absl::Status QgraddServer::OpenStore() {
  if (IsPostgresStore(config_)) {
    store::PostgresOptions options;
    options.password_file = config_.store_password_file;
    // Open's messages name the database without its password.
    absl::StatusOr<std::unique_ptr<store::PostgresJobStore>> opened =
        store::PostgresJobStore::Open(config_.store, options);
    if (!opened.ok()) {
      return store::PrefixMessage(LogStoreError("Open", "", opened.status()), "--store: ");
    }
    store_ = std::make_unique<LoggedJobStore>(*std::move(opened), &metrics_);
    return absl::OkStatus();
  }
  if (config_.store == "memory") {
    store_ = std::make_unique<LoggedJobStore>(std::make_unique<store::MemoryJobStore>(),
                                              &metrics_);
    return absl::OkStatus();
  }
  std::error_code error;
  std::filesystem::create_directories(config_.data_dir, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("--data_dir: cannot create ", config_.data_dir, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<DataDirLock>> lock = DataDirLock::Acquire(config_.data_dir);
  if (!lock.ok()) return lock.status();
  data_dir_lock_ = *std::move(lock);
  // Open refuses a damaged or read-only store; its message names the file.
  const std::string path = (std::filesystem::path(config_.data_dir) / "jobs.db").string();
  absl::StatusOr<std::unique_ptr<store::SqliteJobStore>> opened =
      store::SqliteJobStore::Open(path);
  if (!opened.ok()) {
    return store::PrefixMessage(LogStoreError("Open", "", opened.status()), "--data_dir: ");
  }
  store_ = std::make_unique<LoggedJobStore>(*std::move(opened), &metrics_);
  return absl::OkStatus();
}

// The simulator twice: "statevector", where jobs run (exact expectation values), and
// "local", the same simulator as a shot device taking OpenQASM 3 batches, both under the
// server's qubit and shot limits; then the configured device backends.
absl::Status QgraddServer::AddBackends() {
  for (auto [name, description] :
       {std::pair{backends::local::kStatevectorName, backends::local::kStatevectorDescription},
        std::pair{backends::local::kLocalName, backends::local::kLocalDescription}}) {
    backends::local::LocalBackendOptions options;
    options.name = name;
    options.description = description;
    options.limits.max_qubits = max_qubits_;
    options.limits.max_shots = config_.max_shots;
    if (absl::Status s = backends_.Add(std::make_shared<backends::local::LocalBackend>(options));
        !s.ok()) {
      return s;
    }
  }
  for (const DeviceBackendConfig& device : config_.device_backends) {
    absl::StatusOr<std::shared_ptr<backends::Backend>> backend = MakeDeviceBackend(device);
    if (!backend.ok()) return backend.status();
    if (absl::Status s = backends_.Add(*std::move(backend)); !s.ok()) return s;
    LogLine(LogLevel::kInfo, "device_backend").Str("name", device.name)
        .Str("dialect", device.settings.at("dialect"));
  }
  return absl::OkStatus();
}

// The owner written into leases: the replica's id (the pod name in Kubernetes) and a
// random suffix, so that a restarted process never takes the leases of the one before it
// for its own.
LeaseKeeperOptions QgraddServer::ReplicaOptions() const {
  std::string id = config_.replica_id;
  if (id.empty()) {
    char host[256] = {};
    id = gethostname(host, sizeof(host) - 1) == 0 ? host : "qgradd";
  }
  LeaseKeeperOptions options;
  options.owner = absl::StrCat(id, "-", absl::Hex(absl::Uniform<uint32_t>(absl::BitGen()),
                                                  absl::kZeroPad8));
  options.lease_micros = static_cast<int64_t>(config_.lease_seconds * 1e6);
  return options;
}

absl::Status QgraddServer::Start() {
  SetMinLogLevel(ParseLevel(config_.log_level));
  if (!config_.tokens_file.empty()) {
    absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Load(config_.tokens_file);
    if (!auth.ok()) return auth.status();
    auth_ = *std::move(auth);
  } else {
    LogLine(LogLevel::kWarning, "auth_disabled")
        .Str("detail", "no --tokens_file: every caller is tenant \"default\"");
  }
  max_qubits_ = std::min(config_.max_qubits, backends::local::MemoryQubitLimit(
                                                 base::MemoryBytes(), config_.max_running_jobs));
  if (absl::Status s = AddBackends(); !s.ok()) return s;
  if (absl::Status s = OpenStore(); !s.ok()) return s;

  JobManagerOptions options;
  options.limits.max_qubits = max_qubits_;
  options.limits.max_shots = config_.max_shots;
  options.max_running_jobs = config_.max_running_jobs;
  options.max_running_per_tenant = config_.max_running_per_tenant;
  options.max_queued_per_tenant = config_.max_queued_per_tenant;
  options.backends = &backends_;
  options.metrics = &metrics_;
  if (IsPostgresStore(config_)) options.replica = ReplicaOptions();
  jobs_ = std::make_unique<JobManager>(store_.get(), options, &clock_);
  if (absl::Status s = jobs_->Start(); !s.ok()) return s;
  return BuildAndStart();
}

absl::Status QgraddServer::BuildAndStart() {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials(config_);
  if (!credentials.ok()) return credentials.status();
  job_service_ = std::make_unique<JobServiceImpl>(jobs_.get(), &auth_, &calls_);
  backend_service_ = std::make_unique<BackendServiceImpl>(&backends_, config_.max_running_jobs,
                                                          &auth_, &calls_);
  reflection_v1_ = std::make_unique<ReflectionV1Service>(ServedServices());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, *credentials, &port);
  builder.SetMaxReceiveMessageSize(int(config_.max_request_bytes));
  // gRPC sets SO_REUSEPORT by default, which lets a second server bind the same port and
  // take half of the connections; a port in use must be an error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(job_service_.get());
  builder.RegisterService(backend_service_.get());
  builder.RegisterService(reflection_v1_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("--listen: cannot listen on ", config_.listen));
  }
  address_ = BoundAddress(config_.listen, port);
  MarkServing(*server_);
  if (absl::Status s = StartHealthServer(); !s.ok()) return s;
  if (absl::Status s = StartGateway(); !s.ok()) return s;
  LogLine(LogLevel::kInfo, "server_started")
      .Str("address", address_)
      .Bool("tls", !config_.tls_cert.empty())
      .Bool("mutual_tls", config_.require_client_cert)
      .Bool("auth", auth_.enabled())
      .Str("store", IsPostgresStore(config_) ? "postgresql" : config_.store)  // no secrets
      .Str("health_address", health_address_)
      .Str("http_address", http_address_)
      .Int("max_running_jobs", config_.max_running_jobs)
      .Int("max_qubits", max_qubits_);
  return absl::OkStatus();
}

// Kubernetes' gRPC probes cannot speak TLS, and with mutual TLS they would need a client
// certificate: this listener answers grpc.health.v1 alone, without credentials, and tells
// only SERVING or NOT_SERVING.
absl::Status QgraddServer::StartHealthServer() {
  if (config_.health_listen.empty()) return absl::OkStatus();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.health_listen, grpc::InsecureServerCredentials(), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  health_server_ = builder.BuildAndStart();
  if (health_server_ == nullptr || port == 0) {
    health_server_.reset();
    return absl::UnavailableError(
        absl::StrCat("--health_listen: cannot listen on ", config_.health_listen));
  }
  health_address_ = BoundAddress(config_.health_listen, port);
  MarkServing(*health_server_);
  return absl::OkStatus();
}

// The gateway calls the services through an in-process channel, so that every HTTP call
// passes the same authentication, validation, limits and logging as a gRPC call.
absl::Status QgraddServer::StartGateway() {
  if (config_.http_listen.empty()) return absl::OkStatus();
  gateway::GatewayOptions options;
  options.listen = config_.http_listen;
  options.tls_cert_file = config_.tls_cert;
  options.tls_key_file = config_.tls_key;
  if (config_.require_client_cert) options.tls_client_ca_file = config_.tls_client_ca;
  options.max_request_bytes = size_t(config_.max_request_bytes);
  options.authorize = [this](const std::string& header) {
    return auth_.Authenticate(!header.empty(), header).status();
  };
  options.metrics_text = [this] { return MetricsText(); };
  options.static_files = [](std::string_view path) -> std::optional<gateway::StaticFile> {
    const dashboard::Asset* asset = dashboard::FindAsset(path);
    if (asset == nullptr) return std::nullopt;
    return gateway::StaticFile{asset->content_type, asset->body};
  };
  options.on_request = [](const gateway::RequestRecord& request) {
    LogLine(request.status >= 500 ? LogLevel::kWarning : LogLevel::kDebug, "http_request")
        .Str("method", request.method)
        .Str("route", request.route)
        .Int("status", request.status)
        .Num("seconds", absl::ToDoubleSeconds(request.duration))
        .Str("peer", request.peer);
  };
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(-1);  // results are the server's own, any size
  absl::StatusOr<std::unique_ptr<gateway::Gateway>> started =
      gateway::Gateway::Start(server_->InProcessChannel(channel_args), std::move(options));
  if (!started.ok()) return started.status();
  gateway_ = *std::move(started);
  http_address_ = gateway_->address();
  return absl::OkStatus();
}

void QgraddServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Jobs first, without waiting: new submissions are refused, running jobs are asked to
  // stop at their next inner step (their last checkpoint is stored), watch streams end.
  if (jobs_) jobs_->BeginShutdown();
  // Its event streams end and its clients are told to resume elsewhere or later; its
  // in-process calls would otherwise hold the gRPC server's shutdown up.
  if (gateway_) gateway_->Stop();
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
      health->Shutdown();
    }
  }
  if (server_) {
    // In-flight calls get the grace period to finish; then the server closes at once, so
    // that idle client connections do not hold the shutdown up.
    calls_.WaitIdle(absl::Milliseconds(int64_t(config_.shutdown_grace_seconds * 1000)));
    server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
  }
  // Waits for the workers. qgradd's main() bounds the whole shutdown, so a job stuck in one
  // long evaluation cannot hold the process (it resumes from its checkpoint next time).
  if (jobs_) jobs_->Shutdown();
  // The probes' listener last: until the jobs have handed their leases back, it says
  // NOT_SERVING rather than nothing.
  if (health_server_) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_.reset();
  }
  gateway_.reset();
  jobs_.reset();
  job_service_.reset();
  backend_service_.reset();
  reflection_v1_.reset();
  store_.reset();  // SQLite: waits for queued writes to commit
  data_dir_lock_.reset();
}

}  // namespace qgrad::server
