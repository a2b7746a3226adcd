// QgraddServer: wires qgradd together — the job store (SQLite in data_dir, or memory),
// the JobManager (scheduler, executor, events), the gRPC services with the standard
// health service (per service name) and server reflection (v1alpha and v1), TLS / mutual
// TLS credentials and the request-size limit — and takes it apart again in the order a
// graceful shutdown needs. main() and in-process tests use it alike.
//
// Thread-safety: Start and Shutdown are called by one thread; the running server is
// multi-threaded (gRPC callback threads, scheduler workers).
#ifndef QGRAD_SERVER_SERVER_H_
#define QGRAD_SERVER_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "backends/backend.h"
#include "gateway/gateway.h"
#include "server/auth.h"
#include "server/backend_service.h"
#include "server/call_context.h"
#include "base/clock.h"
#include "server/config.h"
#include "server/data_dir_lock.h"
#include "server/job_service.h"
#include "server/jobs.h"
#include "server/reflection_v1.h"
#include "store/job_store.h"

namespace qgrad::server {

class QgraddServer {
 public:
  explicit QgraddServer(ServerConfig config);
  ~QgraddServer();  // Shutdown()

  // Locks the data directory, opens the store (refusing a damaged or read-only one),
  // recovers its jobs and starts serving. Errors name the flag or file.
  absl::Status Start();
  // "host:port" actually bound (after Start).
  const std::string& address() const { return address_; }
  // The --health_listen "host:port" actually bound; "" without one.
  const std::string& health_address() const { return health_address_; }
  // The --http_listen "host:port" actually bound; "" without one.
  const std::string& http_address() const { return http_address_; }
  int effective_max_qubits() const { return max_qubits_; }
  // The metrics in the Prometheus text format 0.0.4 (server/metrics.h, JobManager::
  // MetricsText); callable from any thread between Start and Shutdown.
  std::string MetricsText() const;

  // Graceful: refuse new jobs, ask running ones to stop at their next inner step (they
  // stay RUNNING with their last checkpoint), end watch streams, turn health NOT_SERVING,
  // give in-flight calls shutdown_grace_seconds, close the listener, wait for the workers,
  // close the store. Idempotent. It waits for a worker as long as its current step takes;
  // qgradd's main() bounds the whole shutdown (server/main.cc).
  void Shutdown();

 private:
  absl::Status AddBackends();
  absl::Status OpenStore();
  LeaseKeeperOptions ReplicaOptions() const;
  absl::Status BuildAndStart();
  absl::Status StartHealthServer();
  absl::Status StartGateway();

  const ServerConfig config_;
  base::SystemClock clock_;
  TokenAuthenticator auth_;
  CallTracker calls_;
  int max_qubits_ = 0;
  std::string address_;
  std::string health_address_;
  std::string http_address_;
  std::unique_ptr<DataDirLock> data_dir_lock_;  // released after the store is closed
  ServerMetrics metrics_;  // the store and the JobManager record into it
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<JobManager> jobs_;
  backends::Registry backends_;  // what BackendService lists
  std::unique_ptr<JobServiceImpl> job_service_;
  std::unique_ptr<BackendServiceImpl> backend_service_;
  std::unique_ptr<ReflectionV1Service> reflection_v1_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // --health_listen: grpc.health.v1 only
  std::unique_ptr<gateway::Gateway> gateway_;     // --http_listen: over server_'s services
  bool shut_down_ = false;
};

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_SERVER_H_
