// Durable write throughput and latency of SqliteJobStore (group commit): CreateJob from 1
// and from 64 threads, and UpdateJob (one event appended) from 64 threads, each against a
// fresh database in a temporary directory. Every acknowledged write is fsynced
// (synchronous=FULL), so the figures depend on the disk: report them with the machine.
//
// Run: build/bench/store_bench [--seconds=S] [--dir=DIR]   (DIR: where the temporary
// database directory goes; default $TMPDIR or /tmp — put it on the disk you care about)
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/sqlite_job_store.h"

namespace qgrad::store {
namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  int64_t ops = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  SqliteStats stats;
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
Figures Drive(SqliteJobStore& store, int threads, double seconds, Op op) {
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

std::unique_ptr<SqliteJobStore> FreshStore(const std::string& dir, const std::string& name) {
  auto store = SqliteJobStore::Open(dir + "/" + name + ".db");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(store);
}

int Main(int argc, char** argv) {
  double seconds = 3;
  std::string parent = getenv("TMPDIR") != nullptr ? getenv("TMPDIR") : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--seconds=", 0) == 0) {
      seconds = std::atof(arg.c_str() + 10);
    } else if (arg.rfind("--dir=", 0) == 0) {
      parent = arg.substr(6);
    } else {
      std::fprintf(stderr, "usage: store_bench [--seconds=S] [--dir=DIR]\n");
      return 2;
    }
  }
  std::string dir = parent + "/store_bench_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  std::printf("database directory: %s, %.1f s per case\n", dir.c_str(), seconds);

  for (int threads : {1, 64}) {
    std::unique_ptr<SqliteJobStore> store = FreshStore(dir, absl::StrCat("create", threads));
    Figures f = Drive(*store, threads, seconds, [&](int t, int64_t i) {
      return store->CreateJob(BenchJob(absl::StrCat(t, "-", i)), {std::string(128, 'e')}, 1)
          .ok();
    });
    Print("CreateJob", threads, f);
  }
  {
    constexpr int kThreads = 64;
    std::unique_ptr<SqliteJobStore> store = FreshStore(dir, "update");
    for (int t = 0; t < kThreads; ++t) {
      if (!store->CreateJob(BenchJob(absl::StrCat("job-", t)), {}, 1).ok()) return 1;
    }
    Figures f = Drive(*store, kThreads, seconds, [&](int t, int64_t i) {
      JobUpdate update;
      update.iterations_done = static_cast<int32_t>(i);
      update.events = {std::string(128, 'e')};
      return store->UpdateJob(absl::StrCat("job-", t), update).ok();
    });
    Print("UpdateJob", kThreads, f);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace qgrad::store

int main(int argc, char** argv) { return qgrad::store::Main(argc, argv); }
