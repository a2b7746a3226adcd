// Service benchmark: starts the real qgradd (SQLite store in a temporary directory, or
// --store=postgres: a private PostgreSQL server and --replicas qgradd processes sharing
// it; bearer tokens) and measures, over gRPC on loopback:
//   1. durable SubmitJob throughput and latency (p50 / p99) with 1 and 64 concurrent
//      clients, each call with its own idempotency key;
//   2. memory per queued job (qgradd's resident set before and after the submissions);
//   3. 1,000 concurrent WatchJob streams on queued jobs: all opened and replaying, and
//      qgradd's resident set while they are open.
// While it runs, one long job per replica keeps its single running slot busy
// (--max_running_jobs=1), so every other job stays queued: each server optimizes on one
// core while it serves. With several replicas the clients are spread over them evenly.
//
// Run: build/bench/service_bench [--qgradd=PATH] [--seconds=S] [--watchers=N]
//        [--store=sqlite|postgres] [--replicas=N]
// Thread-safety: a benchmark driver; the submit phase runs one thread per client.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qgrad/v1/service.grpc.pb.h"
#include "store/postgres_server_for_testing.h"

ABSL_FLAG(std::string, qgradd, QGRAD_QGRADD_PATH, "the qgradd binary");
ABSL_FLAG(double, seconds, 5.0, "duration of each submit phase");
ABSL_FLAG(int, watchers, 1000, "concurrent WatchJob streams");
ABSL_FLAG(std::string, store, "sqlite", "sqlite, or postgres (a private PostgreSQL server)");
ABSL_FLAG(int, replicas, 1, "qgradd processes sharing the PostgreSQL store");
ABSL_FLAG(int, tenants, 1, "tenants the clients submit as (client c is tenant c mod N)");

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kToken[] = "bench-token";

// qgradd as a child process; its stdout's first line gives the address.
struct Server {
  pid_t pid = -1;
  std::string address;
  ~Server() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

// Tenant t's bearer token (tenant 0's is kToken).
std::string TokenOf(int tenant) {
  return tenant == 0 ? kToken : absl::StrCat(kToken, "-", tenant);
}

// Writes the tokens file of `tenants` tenants into `dir`, each token's hash as
// `qgradd hash-token` prints it.
bool WriteTokens(const std::string& binary, const std::string& dir, int tenants) {
  std::ofstream out(dir + "/tokens");
  for (int t = 0; t < tenants; ++t) {
    const std::string cmd = absl::StrCat("printf %s ", TokenOf(t), " | ", binary, " hash-token");
    FILE* p = popen(cmd.c_str(), "r");
    char hash[128] = {};
    if (p == nullptr || std::fgets(hash, sizeof hash, p) == nullptr) return false;
    pclose(p);
    std::string h(hash);
    h.erase(h.find_last_not_of("\n") + 1);
    out << "bench-" << t << " " << h << "\n";
  }
  return static_cast<bool>(out);
}

// `store`: "" for SQLite in dir/data, else --store's value; `name` tells replicas apart.
bool StartServer(const std::string& binary, const std::string& dir, const std::string& store,
                 const std::string& name, Server& server) {
  const std::string tokens = dir + "/tokens";
  int out[2];
  if (pipe(out) != 0) return false;
  server.pid = fork();
  if (server.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    const std::string log = dir + "/qgradd-" + name + ".log";
    FILE* err = std::freopen(log.c_str(), "w", stderr);
    (void)err;
    close(out[0]);
    const std::string data = store.empty() ? "--data_dir=" + dir + "/data" : "--store=" + store;
    const std::string replica = store.empty() ? "--log_level=warning" : "--replica_id=" + name;
    const std::string tok = "--tokens_file=" + tokens;
    execl(binary.c_str(), binary.c_str(), "--listen=127.0.0.1:0", data.c_str(), tok.c_str(),
          "--max_running_jobs=1", "--max_queued_per_tenant=1000000", "--log_level=warning",
          replica.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const std::string prefix = "qgradd listening on ";
  if (line.rfind(prefix, 0) != 0) return false;
  server.address = line.substr(prefix.size());
  return true;
}

long ResidentKiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  long value = 0;
  std::string unit;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value >> unit;
      return value;
    }
    std::getline(in, unit);
  }
  return -1;
}

std::unique_ptr<qgrad::v1::JobService::Stub> Stub(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // one connection per stub
  return qgrad::v1::JobService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

void Authorize(grpc::ClientContext& context, int tenant = 0) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", TokenOf(tenant)));
}

// A Max-Cut job on a ring from |+…+⟩ (nested); `iterations` bounds its length.
qgrad::v1::JobSpec Spec(int iterations, int nodes) {
  qgrad::v1::JobSpec spec;
  spec.set_name("bench");
  spec.mutable_initial_state()->set_preparation("plus");
  auto* maxcut = spec.mutable_problem()->mutable_maxcut();
  for (int i = 0; i < nodes; ++i) {
    auto* edge = maxcut->mutable_edges()->add_edges();
    edge->set_u(i);
    edge->set_v((i + 1) % nodes);
    edge->set_weight(1.0);
  }
  auto* nested = spec.mutable_method()->mutable_nested();
  nested->mutable_stop()->set_max_iterations(iterations);
  nested->mutable_stop()->set_indicator_threshold(1e-30);
  return spec;
}

struct SubmitFigures {
  double per_second = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  long calls = 0, errors = 0;
};

// Client c submits as tenant c mod `tenants`; `job_ids` gets tenant 0's jobs (the ones
// the watch phase may open), `submitted` counts them all.
SubmitFigures SubmitPhase(const std::vector<std::string>& addresses, int clients, int tenants,
                          double seconds, const std::string& tag,
                          std::vector<std::string>& job_ids, long& submitted) {
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::vector<std::string>> ids(clients);
  std::atomic<long> errors{0};
  const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  const qgrad::v1::JobSpec spec = Spec(2, 4);
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = Stub(addresses[c % addresses.size()]);
      for (long k = 0; Clock::now() < end; ++k) {
        qgrad::v1::SubmitJobRequest request;
        *request.mutable_spec() = spec;
        request.set_idempotency_key(absl::StrCat(tag, "-", c, "-", k));
        qgrad::v1::SubmitJobResponse response;
        grpc::ClientContext context;
        Authorize(context, c % tenants);
        const Clock::time_point start = Clock::now();
        const grpc::Status status = stub->SubmitJob(&context, request, &response);
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (status.ok()) {
          ids[c].push_back(response.job().id());
        } else {
          ++errors;
          if (errors == 1) std::cerr << "SubmitJob: " << status.error_message() << "\n";
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (int c = 0; c < clients; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    submitted += static_cast<long>(ids[c].size());
    if (c % tenants == 0) job_ids.insert(job_ids.end(), ids[c].begin(), ids[c].end());
  }
  std::sort(all.begin(), all.end());
  SubmitFigures f;
  f.calls = static_cast<long>(all.size());
  f.errors = errors;
  if (all.empty()) return f;
  f.per_second = double(all.size()) / seconds;
  f.p50_ms = all[all.size() / 2];
  f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  f.max_ms = all.back();
  return f;
}

// Opens `count` WatchJob streams (one channel, async) on the given jobs; returns how many
// received their replayed QUEUED event, and keeps them open until `hold` returns.
template <typename Hold>
int WatchPhase(const std::string& address, const std::vector<std::string>& jobs, int count,
               const Hold& hold) {
  auto stub = Stub(address);
  grpc::CompletionQueue cq;
  struct Watch {
    grpc::ClientContext context;
    qgrad::v1::JobEvent event;
    std::unique_ptr<grpc::ClientAsyncReader<qgrad::v1::JobEvent>> reader;
  };
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < count; ++i) {
    auto w = std::make_unique<Watch>();
    Authorize(w->context);
    qgrad::v1::WatchJobRequest request;
    request.set_job_id(jobs[i % jobs.size()]);
    w->reader = stub->AsyncWatchJob(&w->context, request, &cq, w.get());
    watches.push_back(std::move(w));
  }
  // Started → read one event each.
  int started = 0, received = 0;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
  while (received < count) {
    void* tag;
    bool ok;
    if (cq.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::NextStatus::GOT_EVENT) break;
    Watch* w = static_cast<Watch*>(tag);
    if (!ok) continue;
    if (started < count && w->event.job_id().empty() && w->event.sequence() == 0) {
      ++started;
      w->event.set_sequence(-1);  // marks "started", next completion is the read
      w->reader->Read(&w->event, w);
      continue;
    }
    ++received;
  }
  hold();
  for (auto& w : watches) w->context.TryCancel();
  // Drain: each stream finishes with one more completion.
  void* tag;
  bool ok;
  int drained = 0;
  while (drained < count &&
         cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + std::chrono::seconds(5)) ==
             grpc::CompletionQueue::NextStatus::GOT_EVENT) {
    ++drained;
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  char pattern[] = "/tmp/qgrad-service-bench-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const std::string binary = absl::GetFlag(FLAGS_qgradd);
  const bool postgres = absl::GetFlag(FLAGS_store) == "postgres";
  const int replicas = postgres ? std::max(1, absl::GetFlag(FLAGS_replicas)) : 1;
  if (!WriteTokens(binary, dir, std::max(1, absl::GetFlag(FLAGS_tenants)))) return 1;
  // Started first (on the main thread, which outlives it), stopped last.
  std::unique_ptr<qgrad::store::PostgresServerForTesting> pg;
  std::string store;
  if (postgres) {
    absl::StatusOr<std::unique_ptr<qgrad::store::PostgresServerForTesting>> started =
        qgrad::store::PostgresServerForTesting::Start();
    if (!started.ok()) {
      std::cerr << "service_bench: PostgreSQL: " << started.status() << "\n";
      return 1;
    }
    pg = *std::move(started);
    absl::StatusOr<std::string> uri =
        pg->CreateDatabase(qgrad::store::PostgresServerForTesting::ConnForm::kUri);
    if (!uri.ok()) {
      std::cerr << "service_bench: PostgreSQL: " << uri.status() << "\n";
      return 1;
    }
    store = *uri;
  }
  int rc = 0;
  {
    std::vector<Server> servers(replicas);
    std::vector<std::string> addresses;
    for (int r = 0; r < replicas; ++r) {
      if (!StartServer(binary, dir, store, absl::StrCat("bench-", r), servers[r])) {
        std::cerr << "service_bench: qgradd did not start (logs: " << dir << ")\n";
        return 1;
      }
      addresses.push_back(servers[r].address);
    }
    Server& server = servers[0];
    std::printf("store %s, %d qgradd: %s, files in %s\n", postgres ? "PostgreSQL" : "SQLite",
                replicas, absl::StrJoin(addresses, ", ").c_str(), dir.c_str());
    // The long jobs that hold each replica's one running slot.
    for (int r = 0; r < replicas; ++r) {
      auto stub = Stub(server.address);
      qgrad::v1::SubmitJobRequest request;
      *request.mutable_spec() = Spec(200, 10);
      request.set_priority(100);
      qgrad::v1::SubmitJobResponse response;
      grpc::ClientContext context;
      Authorize(context);
      if (!stub->SubmitJob(&context, request, &response).ok()) {
        std::cerr << "service_bench: the first submit failed\n";
        return 1;
      }
    }
    const long rss_start = ResidentKiB(server.pid);
    std::vector<std::string> jobs;
    long submitted = 0;
    const int tenants = std::max(1, absl::GetFlag(FLAGS_tenants));
    const double seconds = absl::GetFlag(FLAGS_seconds);
    std::printf("\n| clients | submits/s | p50 | p99 | max | calls | errors |\n|---|---|---|---|---|---|---|\n");
    for (int clients : {1, 64}) {
      const SubmitFigures f =
          SubmitPhase(addresses, clients, tenants, seconds, absl::StrCat("c", clients), jobs,
                      submitted);
      std::printf("| %d | %.0f | %.2f ms | %.2f ms | %.1f ms | %ld | %ld |\n", clients,
                  f.per_second, f.p50_ms, f.p99_ms, f.max_ms, f.calls, f.errors);
      rc |= f.errors > 0;
    }
    const long rss_queued = ResidentKiB(server.pid);
    std::printf("\nqueued jobs: %ld (%d tenants); qgradd resident %ld KiB → %ld KiB: %.2f KiB "
                "per queued job\n",
                submitted, tenants, rss_start, rss_queued,
                submitted == 0 ? 0.0 : double(rss_queued - rss_start) / double(submitted));
    if (jobs.empty()) return 1;
    const int watchers = absl::GetFlag(FLAGS_watchers);
    long rss_watching = 0;
    const int received = WatchPhase(server.address, jobs, watchers, [&] {
      rss_watching = ResidentKiB(server.pid);
    });
    std::printf("\nwatch streams: %d opened, %d replayed their first event; qgradd resident "
                "with them open: %ld KiB (%.1f MiB)\n",
                watchers, received, rss_watching, double(rss_watching) / 1024.0);
    rc |= received != watchers;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
