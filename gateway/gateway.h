// The HTTP/JSON gateway of qgradd: the JobService and BackendService as REST routes with
// proto3 JSON bodies, a job's events as Server-Sent Events, the OpenAPI description, the
// Prometheus metrics text, and the dashboard's static files — on a port of its own, over
// HTTPS with the server's certificate when it has one.
//
// Every API call goes through the gRPC services themselves (qgradd hands the gateway an
// in-process channel), with the request's `Authorization` header as the call's metadata:
// tokens, tenants, validation, limits and errors are exactly those of gRPC, and gRPC
// status codes become HTTP statuses in one place (http_errors.h).
//
// Thread-safety: Start and Stop from one thread; requests are served on the gateway's own
// thread pool.
#ifndef QGRAD_GATEWAY_GATEWAY_H_
#define QGRAD_GATEWAY_GATEWAY_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace qgrad::gateway {

// A file the gateway serves as it is (the dashboard's pages, scripts, styles).
struct StaticFile {
  std::string_view content_type;
  std::string_view body;
};

// One request, as the gateway's log hook sees it.
struct RequestRecord {
  std::string method;
  std::string route;  // the route's template ("/v1/jobs/{id}"), or the path when unrouted
  int status = 0;
  absl::Duration duration;
  std::string peer;
};

struct GatewayOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  // Both or neither: HTTPS with this PEM certificate chain and key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // With HTTPS: clients must present a certificate issued by this CA (mutual TLS).
  std::string tls_client_ca_file;
  size_t max_request_bytes = size_t{4} << 20;
  int threads = 32;             // requests served at once (event streams included)
  int max_event_streams = 24;   // more: 503, so that streams never starve the API
  absl::Duration keep_alive = absl::Seconds(15);  // SSE comment line after this much quiet
  absl::Duration call_timeout = absl::Seconds(30);
  // GET /metrics: the Prometheus text, for callers that `authorize` accepts. No route
  // without it.
  std::function<std::string()> metrics_text;
  std::function<absl::Status(const std::string& authorization_header)> authorize;
  // GET / and /job.html and /static/...: nullopt when unknown (404). The views must stay
  // valid while the gateway runs (the dashboard's files are compiled in).
  std::function<std::optional<StaticFile>(std::string_view path)> static_files;
  std::function<void(const RequestRecord&)> on_request;  // every answered request
};

// The routes, as the OpenAPI description lists them: method and path template.
struct Route {
  std::string method;  // "GET", "POST"
  std::string path;    // "/v1/jobs/{id}:cancel"
};
const std::vector<Route>& ApiRoutes();
// The OpenAPI 3.0 description (JSON) served at GET /openapi.json.
const std::string& OpenApiJson();

class Gateway {
 public:
  // Binds (port in use: UNAVAILABLE naming the address; unreadable certificate:
  // INVALID_ARGUMENT) and starts serving on a thread of its own.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(std::shared_ptr<grpc::Channel> channel,
                                                        GatewayOptions options);
  ~Gateway();  // Stop()

  // "host:port" actually bound.
  const std::string& address() const { return address_; }
  // Ends every event stream (their clients see the connection close and resume with
  // Last-Event-ID), stops listening and waits for the request threads. Idempotent.
  void Stop();

  class Impl;

 private:
  Gateway() = default;
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace qgrad::gateway

#endif  // QGRAD_GATEWAY_GATEWAY_H_
