// The server: routes, request log, admin endpoints, TLS; see emulator.h.
//
// Thread-safety: httplib runs handlers on its thread pool; they share the thread-safe
// Service.
#include "backends/emulator/emulator.h"

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/emulator/service.h"

namespace qgrad::backends::emulator {
namespace {

using nlohmann::json;

// When this thread began the request it is serving (set before routing, read by the
// logger, which httplib calls on the same thread).
thread_local absl::Time request_start = absl::InfinitePast();

void InstallLog(httplib::Server& server, bool enabled) {
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = absl::Now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  if (!enabled) return;
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::string latency = "-";
    if (request_start != absl::InfinitePast()) {
      latency = absl::StrFormat("%.1fms", absl::ToDoubleMilliseconds(absl::Now() - request_start));
    }
    request_start = absl::InfinitePast();
    // The path only: no query, no header (they may carry credentials); escaped so that a
    // hostile path cannot forge log lines.
    // Only a dropped connection (fault) answers through a content provider.
    const bool dropped = static_cast<bool>(res.content_provider_);
    absl::FPrintF(stderr, "emulator: %s %s %d %s%s\n", absl::CHexEscape(req.method),
                  absl::CHexEscape(req.path), res.status, latency,
                  dropped ? " (connection dropped)" : "");
  });
}

void InstallAdmin(httplib::Server& server, internal::Service& service, Emulator& emulator) {
  server.Post("/_emulator/faults", [&service](const httplib::Request& req,
                                              httplib::Response& res) {
    absl::StatusOr<FaultPlan> plan = ParseFaultPlanJson(req.body);
    if (!plan.ok()) {
      return internal::ErrorReply(res, Dialect::kIonq, 400, "bad_request",
                                  plan.status().message());
    }
    const size_t rules = plan->rules.size();
    service.faults.Set(*std::move(plan));
    internal::JsonReply(res, 200, {{"rules", rules}});
  });
  server.Get("/_emulator/stats", [&emulator](const httplib::Request&, httplib::Response& res) {
    res.set_content(emulator.StatsJson(), "application/json");
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Emulator>> Emulator::Start(EmulatorOptions options) {
#ifndef QGRAD_EMULATOR_HAVE_SIGV4
  if (!options.credentials.aws_keys.empty()) {
    return absl::InvalidArgumentError(
        "AWS keys configured, but this build has no SigV4 verification (backends/rest/sigv4)");
  }
#endif
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key");
  }
  std::unique_ptr<Emulator> e(new Emulator());
  e->host_ = options.host;
  e->tls_ = !options.tls_cert.empty();
  if (e->tls_) {
    e->server_ = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                      options.tls_key.c_str());
  } else {
    e->server_ = std::make_unique<httplib::Server>();
  }
  if (!e->server_->is_valid()) {
    return absl::UnavailableError("cannot load the TLS certificate or key");
  }
  e->service_ = std::make_unique<internal::Service>(options);
  httplib::Server& server = *e->server_;
  server.set_payload_max_length(options.limits.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  InstallLog(server, options.log_requests);
  internal::RegisterIonq(server, *e->service_);
  internal::RegisterBraket(server, *e->service_);
  internal::RegisterIbm(server, *e->service_);
  if (options.admin_endpoints) InstallAdmin(server, *e->service_, *e);

  if (options.port == 0) {
    e->port_ = server.bind_to_any_port(options.host);
    if (e->port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", options.host));
    }
  } else {
    if (!server.bind_to_port(options.host, options.port)) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options.host, ":", options.port));
    }
    e->port_ = options.port;
  }
  e->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // stop() before the loop runs would be lost; wait until it runs (bounded).
  for (int i = 0; i < 5000 && !server.is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  return e;
}

Emulator::~Emulator() { Stop(); }

void Emulator::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
  // The device (in service_) stops with the emulator: its destructor joins the workers.
}

std::string Emulator::base_url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return absl::StrCat(tls_ ? "https://" : "http://", v6 ? "[" : "", host_, v6 ? "]" : "", ":",
                      port_);
}

void Emulator::SetFaultPlan(FaultPlan plan) { service_->faults.Set(std::move(plan)); }

int64_t Emulator::JobsCreated(Dialect dialect) const {
  return service_->device.JobsCreated()[int(dialect)];
}

int64_t Emulator::Requests(Dialect dialect, Endpoint endpoint) const {
  return service_->stats.requests(dialect, endpoint);
}

std::string Emulator::StatsJson() const {
  json requests = json::object(), created = json::object(), faults = json::object();
  const auto jobs = service_->device.JobsCreated();
  for (int d = 0; d < kNumDialects; ++d) {
    json per = json::object();
    for (int p = 0; p < kNumEndpoints; ++p) {
      per[EndpointName(Endpoint(p))] = service_->stats.requests(Dialect(d), Endpoint(p));
    }
    requests[DialectName(Dialect(d))] = per;
    created[DialectName(Dialect(d))] = jobs[d];
  }
  for (FaultKind k : {FaultKind::kHttp500, FaultKind::kHttp503, FaultKind::kHttp429,
                      FaultKind::kSlow, FaultKind::kDrop, FaultKind::kJobFails,
                      FaultKind::kVanish}) {
    faults[FaultKindName(k)] = service_->stats.faults(k);
  }
  return json{{"requests", requests}, {"jobs_created", created}, {"faults_injected", faults}}
      .dump();
}

}  // namespace qgrad::backends::emulator
