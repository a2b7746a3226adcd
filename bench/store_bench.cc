// Durable write throughput and latency of SqliteJobStore and PostgresJobStore (group
// commit): CreateJob from 1 and from 64 threads, and UpdateJob (one event appended) from 64
// threads, each against a fresh database. Every acknowledged write is fsynced (SQLite:
// synchronous=FULL; PostgreSQL: fsync and synchronous_commit on), so the figures depend on
// the disk: report them with the machine.
//
// Run: build/bench/store_bench [--seconds=S] [--dir=DIR] [--store=sqlite|postgres]
//        [--conninfo=CONNINFO]
// DIR: where the temporary database directory goes (default $TMPDIR or /tmp — put it on the
// disk you care about). --store=postgres starts a private PostgreSQL 15 server
// (PostgresServerForTesting, data under $TMPDIR) with a fresh database per case, unless
// --conninfo names an existing database (its jobs get ids unique to this run).
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/postgres_job_store.h"
#include "store/postgres_server_for_testing.h"
#include "store/sqlite_job_store.h"

namespace qgrad::store {
namespace {

using Clock = std::chrono::steady_clock;

// The group-commit counters both stores keep.
struct BatchStats {
  int64_t writes = 0;
  int64_t transactions = 0;
  int64_t largest_batch = 0;
};

struct Figures {
  int64_t ops = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  BatchStats stats;
};

// A store under test and how to read its counters.
struct BenchStore {
  std::unique_ptr<JobStore> store;
  std::function<BatchStats()> stats;
  std::string id_prefix;  // unique per case, for a database that outlives the run
};

JobRecord BenchJob(const std::string& id) {
  JobRecord job;
  job.id = id;
  job.tenant = "bench";
  job.idempotency_key = "key-" + id;
  job.spec = std::string(512, 's');  // about a serialized JobSpec
  job.labels = {{"team", "bench"}, {"kind", "maxcut"}};
  job.create_time_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                               Clock::now().time_since_epoch())
                               .count();
  return job;
}

// Runs `op(thread, i)` from `threads` threads for `seconds`; op returns false on failure.
template <typename Op>
Figures Drive(const BenchStore& store, int threads, double seconds, Op op) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<bool> failed{false};
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int64_t i = 0; Clock::now() < stop; ++i) {
        const Clock::time_point begin = Clock::now();
        if (!op(t, i)) failed = true;
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
      }
    });
  }
  for (std::thread& t : pool) t.join();
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  f.ops = static_cast<int64_t>(all.size());
  if (!all.empty()) {
    f.p50_ms = all[all.size() / 2];
    f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    f.max_ms = all.back();
  }
  f.stats = store.stats();
  if (failed) std::fprintf(stderr, "some writes failed\n");
  return f;
}

void Print(const char* what, int threads, const Figures& f) {
  std::printf("%-10s threads=%-3d ops=%-7lld %8.0f ops/s  p50=%6.2f ms  p99=%6.2f ms  "
              "max=%6.2f ms  transactions=%lld (%.1f writes each, largest %lld)\n",
              what, threads, static_cast<long long>(f.ops), f.ops / f.seconds, f.p50_ms,
              f.p99_ms, f.max_ms, static_cast<long long>(f.stats.transactions),
              f.stats.transactions > 0
                  ? static_cast<double>(f.stats.writes) / f.stats.transactions
                  : 0.0,
              static_cast<long long>(f.stats.largest_batch));
}

[[noreturn]] void Die(const absl::Status& status) {
  std::fprintf(stderr, "%s\n", status.ToString().c_str());
  std::exit(1);
}

BenchStore SqliteStore(const std::string& dir, const std::string& name) {
  auto store = SqliteJobStore::Open(dir + "/" + name + ".db");
  if (!store.ok()) Die(store.status());
  SqliteJobStore* raw = store->get();
  return {*std::move(store),
          [raw] {
            const SqliteStats s = raw->stats();
            return BatchStats{s.writes, s.transactions, s.largest_batch};
          },
          ""};
}

// A fresh database on the private server, or the given one (then ids are made unique).
BenchStore PostgresStore(PostgresServerForTesting* server, const std::string& conninfo,
                         const std::string& name) {
  std::string target = conninfo;
  std::string prefix;
  if (server != nullptr) {
    absl::StatusOr<std::string> created = server->CreateDatabase();
    if (!created.ok()) Die(created.status());
    target = *created;
  } else {
    prefix = absl::StrCat(name, "-", std::chrono::system_clock::now().time_since_epoch().count(),
                          "-");
  }
  auto store = PostgresJobStore::Open(target);
  if (!store.ok()) Die(store.status());
  PostgresJobStore* raw = store->get();
  return {*std::move(store),
          [raw] {
            const PostgresStats s = raw->stats();
            return BatchStats{s.writes, s.transactions, s.largest_batch};
          },
          prefix};
}

int Main(int argc, char** argv) {
  double seconds = 3;
  std::string parent = getenv("TMPDIR") != nullptr ? getenv("TMPDIR") : "/tmp";
  std::string kind = "sqlite";
  std::string conninfo;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--seconds=", 0) == 0) {
      seconds = std::atof(arg.c_str() + 10);
    } else if (arg.rfind("--dir=", 0) == 0) {
      parent = arg.substr(6);
    } else if (arg.rfind("--store=", 0) == 0) {
      kind = arg.substr(8);
    } else if (arg.rfind("--conninfo=", 0) == 0) {
      conninfo = arg.substr(11);
    } else {
      kind = "";
    }
    if (kind != "sqlite" && kind != "postgres") {
      std::fprintf(stderr,
                   "usage: store_bench [--seconds=S] [--dir=DIR] [--store=sqlite|postgres] "
                   "[--conninfo=CONNINFO]\n");
      return 2;
    }
  }
  std::string dir = parent + "/store_bench_XXXXXX";
  std::unique_ptr<PostgresServerForTesting> server;
  std::function<BenchStore(const std::string&)> fresh;
  if (kind == "sqlite") {
    if (mkdtemp(dir.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    std::printf("SQLite, database directory: %s, %.1f s per case\n", dir.c_str(), seconds);
    fresh = [&](const std::string& name) { return SqliteStore(dir, name); };
  } else {
    if (conninfo.empty()) {
      absl::StatusOr<std::unique_ptr<PostgresServerForTesting>> started =
          PostgresServerForTesting::Start();
      if (!started.ok()) Die(started.status());
      server = *std::move(started);
      std::printf("PostgreSQL, private server in %s (fsync on), %.1f s per case\n",
                  server->socket_dir().c_str(), seconds);
    } else {
      std::printf("PostgreSQL, existing database, %.1f s per case\n", seconds);
    }
    fresh = [&](const std::string& name) { return PostgresStore(server.get(), conninfo, name); };
  }

  for (int threads : {1, 64}) {
    BenchStore store = fresh(absl::StrCat("create", threads));
    Figures f = Drive(store, threads, seconds, [&](int t, int64_t i) {
      return store.store
          ->CreateJob(BenchJob(absl::StrCat(store.id_prefix, t, "-", i)),
                      {std::string(128, 'e')}, 1)
          .ok();
    });
    Print("CreateJob", threads, f);
  }
  {
    constexpr int kThreads = 64;
    BenchStore store = fresh("update");
    for (int t = 0; t < kThreads; ++t) {
      if (!store.store->CreateJob(BenchJob(absl::StrCat(store.id_prefix, "job-", t)), {}, 1)
               .ok()) {
        return 1;
      }
    }
    Figures f = Drive(store, kThreads, seconds, [&](int t, int64_t i) {
      JobUpdate update;
      update.iterations_done = static_cast<int32_t>(i);
      update.events = {std::string(128, 'e')};
      return store.store->UpdateJob(absl::StrCat(store.id_prefix, "job-", t), update).ok();
    });
    Print("UpdateJob", kThreads, f);
  }
  if (kind == "sqlite") std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace qgrad::store

int main(int argc, char** argv) { return qgrad::store::Main(argc, argv); }
