// The local backend's queue, workers and batch handles; see local_backend.h.
//
// Thread-safety: one mutex (Core::mu) guards the queue and every batch's state; programs
// run outside it. A batch's `cancel` flag is atomic so that running programs can read it
// without the lock.
#include "backends/local/local_backend.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "backends/local/seeds.h"

namespace qgrad::backends::local {

int DefaultWorkerThreads() {
  return int(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}
namespace {

bool Ended(BatchState state) {
  return state == BatchState::kSucceeded || state == BatchState::kFailed ||
         state == BatchState::kCancelled;
}

// One submitted batch. `programs`, `seed`, `memory` and `total_shots` are fixed at
// submission; the rest is guarded by Core::mu.
struct BatchRun {
  std::string id;
  std::vector<PreparedProgram> programs;
  uint64_t seed = 0;
  bool memory = false;
  int64_t total = 0;  // programs
  int64_t total_shots = 0;
  std::atomic<bool> cancel{false};

  BatchState state = BatchState::kQueued;
  int64_t next = 0;       // the next program a worker takes
  int64_t in_flight = 0;  // programs being run now
  int64_t done = 0;
  int64_t shots_done = 0;
  std::vector<ProgramResult> results;
  absl::Status error;
  absl::CondVar ended;  // signalled when state becomes final
};

}  // namespace

struct LocalBackend::Core {
  explicit Core(LocalBackendOptions opts)
      : options(std::move(opts)), simulator(options.simulator) {}

  const LocalBackendOptions options;
  const sv::Simulator simulator;

  absl::Mutex mu;
  absl::CondVar work;  // the queue gained a batch, or stop
  std::deque<std::shared_ptr<BatchRun>> queue ABSL_GUARDED_BY(mu);  // untaken programs
  std::vector<std::shared_ptr<BatchRun>> active ABSL_GUARDED_BY(mu);  // not ended
  bool stop ABSL_GUARDED_BY(mu) = false;
  int64_t next_id ABSL_GUARDED_BY(mu) = 1;

  // Makes `state` final: the batch leaves the queue and the active list, running programs
  // are told to stop, and waiters wake.
  void End(const std::shared_ptr<BatchRun>& batch, BatchState state, absl::Status error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    batch->state = state;
    batch->error = std::move(error);
    if (state != BatchState::kSucceeded) {
      batch->cancel.store(true, std::memory_order_relaxed);
      batch->results.clear();
    }
    std::erase(queue, batch);
    std::erase(active, batch);
    ReleasePrograms(*batch);
    batch->ended.SignalAll();
  }

  // The parsed circuits are not needed once no program runs any more.
  static void ReleasePrograms(BatchRun& batch) {
    if (batch.in_flight == 0 && Ended(batch.state)) {
      std::vector<PreparedProgram>().swap(batch.programs);
    }
  }

  void Work() {
    Workspace workspace;
    absl::MutexLock lock(&mu);
    while (true) {
      while (!stop && queue.empty()) work.Wait(&mu);
      if (stop) return;
      std::shared_ptr<BatchRun> batch = queue.front();
      const int64_t k = batch->next++;
      if (batch->next == batch->total) queue.pop_front();
      batch->state = BatchState::kRunning;
      ++batch->in_flight;
      mu.Unlock();
      absl::StatusOr<ProgramResult> result =
          RunProgram(simulator, batch->programs[size_t(k)], ProgramSeed(batch->seed, uint64_t(k)),
                     batch->memory, batch->cancel, &workspace);
      mu.Lock();
      --batch->in_flight;
      if (Ended(batch->state)) {  // cancelled or failed meanwhile: the result is not wanted
        ReleasePrograms(*batch);
        continue;
      }
      if (!result.ok()) {
        End(batch, BatchState::kFailed,
            absl::Status(result.status().code(),
                         absl::StrCat("program ", k, ": ", result.status().message())));
        continue;
      }
      batch->shots_done += result->shots;
      batch->results[size_t(k)] = *std::move(result);
      if (++batch->done == batch->total) {
        End(batch, BatchState::kSucceeded, absl::OkStatus());
      }
    }
  }
};

namespace {

class LocalHandle final : public BatchHandle {
 public:
  LocalHandle(std::shared_ptr<LocalBackend::Core> core, std::shared_ptr<BatchRun> batch)
      : core_(std::move(core)), batch_(std::move(batch)) {}

  std::string id() const override { return batch_->id; }

  BatchStatus Poll() const override {
    absl::MutexLock lock(&core_->mu);
    BatchStatus status;
    status.state = batch_->state;
    status.programs_done = batch_->done;
    status.programs_total = batch_->total;
    status.error = batch_->error;
    return status;
  }

  absl::StatusOr<BatchResult> Wait(absl::Time deadline) override {
    absl::MutexLock lock(&core_->mu);
    while (!Ended(batch_->state)) {
      if (batch_->ended.WaitWithDeadline(&core_->mu, deadline) && !Ended(batch_->state)) {
        return absl::DeadlineExceededError(
            absl::StrCat("batch ", batch_->id, " still ", BatchStateName(batch_->state),
                         " (", batch_->done, " of ", batch_->total, " programs done)"));
      }
    }
    switch (batch_->state) {
      case BatchState::kSucceeded:
        return BatchResult{batch_->results};
      case BatchState::kCancelled:
        return absl::CancelledError(absl::StrCat("batch ", batch_->id, " cancelled"));
      default:
        return batch_->error;
    }
  }

  void Cancel() override {
    absl::MutexLock lock(&core_->mu);
    if (!Ended(batch_->state)) core_->End(batch_, BatchState::kCancelled, absl::OkStatus());
  }

 private:
  const std::shared_ptr<LocalBackend::Core> core_;
  const std::shared_ptr<BatchRun> batch_;
};

// Prepares every program, on `threads` threads (the caller's and threads − 1 helpers) for
// big batches, each taking a contiguous range. The error returned is that of the lowest
// failing index, whatever the thread count.
absl::StatusOr<std::vector<PreparedProgram>> PrepareAll(const std::vector<Program>& programs,
                                                        const ProgramLimits& limits,
                                                        int threads) {
  constexpr size_t kProgramsPerThread = 64;  // below this, a thread costs more than it saves
  const size_t n = programs.size();
  const size_t parts = std::clamp<size_t>(n / kProgramsPerThread, 1, size_t(threads));
  std::vector<PreparedProgram> prepared(n);
  std::vector<absl::Status> errors(parts);  // each part's first error
  auto prepare_part = [&](size_t part) {
    for (size_t k = n * part / parts; k < n * (part + 1) / parts; ++k) {
      absl::StatusOr<PreparedProgram> p = PrepareProgram(programs[k], int64_t(k), limits);
      if (!p.ok()) {
        errors[part] = p.status();
        return;
      }
      prepared[k] = *std::move(p);
    }
  };
  std::vector<std::thread> helpers;
  for (size_t part = 1; part < parts; ++part) helpers.emplace_back(prepare_part, part);
  prepare_part(0);
  for (std::thread& helper : helpers) helper.join();
  for (const absl::Status& error : errors) {
    if (!error.ok()) return error;
  }
  return prepared;
}

}  // namespace

LocalBackend::LocalBackend(LocalBackendOptions options)
    : core_(std::make_shared<Core>(std::move(options))) {
  const int threads = std::max(1, core_->options.threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([core = core_.get()] { core->Work(); });
}

LocalBackend::~LocalBackend() {
  {
    absl::MutexLock lock(&core_->mu);
    core_->stop = true;
    while (!core_->active.empty()) {
      // A copy: End() erases the list's reference, which may be the last one.
      const std::shared_ptr<BatchRun> batch = core_->active.front();
      core_->End(batch, BatchState::kCancelled, absl::OkStatus());
    }
    core_->work.SignalAll();
  }
  for (std::thread& worker : workers_) worker.join();
}

const sv::Simulator& LocalBackend::simulator() const { return core_->simulator; }

Description LocalBackend::Describe() const {
  const LocalBackendOptions& options = core_->options;
  Description d;
  d.name = options.name;
  d.description = options.description;
  d.max_qubits = options.limits.max_qubits;
  d.max_shots = options.limits.max_shots;
  d.max_programs = options.max_programs;
  d.native_gates = NativeGates();
  d.exact_amplitudes = true;
  d.online = true;
  absl::MutexLock lock(&core_->mu);
  for (const std::shared_ptr<BatchRun>& batch : core_->active) {
    d.queue.Add(batch->state == BatchState::kQueued, batch->total_shots - batch->shots_done);
  }
  return d;
}

absl::StatusOr<std::unique_ptr<BatchHandle>> LocalBackend::Submit(Batch batch) {
  const LocalBackendOptions& options = core_->options;
  if (absl::Status s = CheckBatchSize(batch, options.max_programs); !s.ok()) return s;
  auto run = std::make_shared<BatchRun>();
  absl::StatusOr<std::vector<PreparedProgram>> programs =
      PrepareAll(batch.programs, options.limits, std::max(1, options.threads));
  if (!programs.ok()) return programs.status();
  run->programs = *std::move(programs);
  for (const PreparedProgram& program : run->programs) run->total_shots += program.shots;
  run->seed = batch.seed;
  run->memory = batch.memory;
  run->total = int64_t(run->programs.size());
  run->results.resize(run->programs.size());
  {
    absl::MutexLock lock(&core_->mu);
    if (core_->stop) return absl::UnavailableError("backend shutting down");
    run->id = absl::StrCat(options.name, "-", core_->next_id++);
    core_->queue.push_back(run);
    core_->active.push_back(run);
    core_->work.SignalAll();
  }
  return std::make_unique<LocalHandle>(core_, std::move(run));
}

}  // namespace qgrad::backends::local
