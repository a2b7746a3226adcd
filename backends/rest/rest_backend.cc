// RestBackend: validation, the per-batch threads and the batch handles; see rest_backend.h.
//
// Locking: Core::mu guards the list of batches; each BatchRun::mu guards that batch's
// state. Order: Core::mu before BatchRun::mu. HTTP exchanges run under neither. A batch's
// `stop` notification fires (under its mu) when the batch ends for any reason, which
// interrupts the thread's retry and poll sleeps.
#include "backends/rest/rest_backend.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "backends/rest/credentials.h"

namespace qgrad::backends::rest {
namespace {

bool Ended(BatchState state) {
  return state == BatchState::kSucceeded || state == BatchState::kFailed ||
         state == BatchState::kCancelled;
}

// One submitted batch. The fields above `mu` are fixed at submission.
struct BatchRun {
  std::string id;
  std::string key;  // the idempotency key the client tokens derive from
  std::vector<DeviceProgram> programs;
  bool memory = false;
  int64_t total_shots = 0;
  uint64_t jitter_seed = 0;
  absl::Notification stop;  // notified under mu when the batch ends
  std::atomic<bool> thread_done{false};

  mutable absl::Mutex mu;
  BatchState state ABSL_GUARDED_BY(mu) = BatchState::kQueued;
  int64_t done ABSL_GUARDED_BY(mu) = 0;
  int64_t shots_done ABSL_GUARDED_BY(mu) = 0;
  std::vector<ProgramResult> results ABSL_GUARDED_BY(mu);
  absl::Status error ABSL_GUARDED_BY(mu);
  absl::CondVar ended;

  // Makes the state final (the first call wins) and wakes waiters and the thread.
  void End(BatchState final_state, absl::Status why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (Ended(state)) return;
    state = final_state;
    error = std::move(why);
    if (final_state != BatchState::kSucceeded) results.clear();
    ended.SignalAll();
    if (!stop.HasBeenNotified()) stop.Notify();
  }
};

class RestHandle final : public BatchHandle {
 public:
  explicit RestHandle(std::shared_ptr<BatchRun> run) : run_(std::move(run)) {}

  std::string id() const override { return run_->id; }

  BatchStatus Poll() const override {
    absl::MutexLock lock(&run_->mu);
    BatchStatus s;
    s.state = run_->state;
    s.programs_done = run_->done;
    s.programs_total = int64_t(run_->programs.size());
    s.error = run_->error;
    return s;
  }

  absl::StatusOr<BatchResult> Wait(absl::Time deadline) override {
    absl::MutexLock lock(&run_->mu);
    while (!Ended(run_->state)) {
      if (run_->ended.WaitWithDeadline(&run_->mu, deadline) && !Ended(run_->state)) {
        return absl::DeadlineExceededError(
            absl::StrCat("batch ", run_->id, " still ", BatchStateName(run_->state), " (",
                         run_->done, " of ", run_->programs.size(), " programs done)"));
      }
    }
    switch (run_->state) {
      case BatchState::kSucceeded:
        return BatchResult{run_->results};
      case BatchState::kCancelled:
        return absl::CancelledError(absl::StrCat("batch ", run_->id, " cancelled"));
      default:
        return run_->error;
    }
  }

  void Cancel() override {
    absl::MutexLock lock(&run_->mu);
    run_->End(BatchState::kCancelled, absl::OkStatus());
  }

 private:
  const std::shared_ptr<BatchRun> run_;
};

// A device job: programs [first, first + count) of the batch.
struct Job {
  size_t first = 0;
  size_t count = 0;
  std::string id;
  bool finished = false;  // ended on the device (no cancel needed)
};

std::string RandomKey() {
  std::random_device device;
  return absl::StrCat("random-", uint64_t(device()) << 32 | device(), "-",
                      uint64_t(device()) << 32 | device());
}

}  // namespace

struct RestBackend::Core {
  RestBackendOptions options;
  std::vector<Secret> secrets;
  std::shared_ptr<RetryingSender> sender;
  std::unique_ptr<Dialect> dialect;
  absl::Notification shutdown;  // abandons the cancel requests' retries

  absl::Mutex mu;
  std::vector<std::pair<std::shared_ptr<BatchRun>, std::thread>> runs ABSL_GUARDED_BY(mu);
  int64_t next_id ABSL_GUARDED_BY(mu) = 1;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::mt19937_64 rng ABSL_GUARDED_BY(mu);

  // `status` with every credential value masked.
  absl::Status Redacted(const absl::Status& status) const {
    if (status.ok()) return status;
    std::string message(status.message());
    for (const Secret& s : secrets) message = Redact(std::move(message), s);
    return absl::Status(status.code(), message);
  }

  std::string Label(const Job& job) const {
    if (dialect->JobPerBatch()) {
      return absl::StrCat("device job", job.id.empty() ? "" : " ", job.id, " (programs ",
                          job.first, "..", job.first + job.count - 1, ")");
    }
    return absl::StrCat("program ", job.first, ": device job", job.id.empty() ? "" : " ",
                        job.id);
  }

  void Fail(BatchRun& run, const Job& job, const absl::Status& status) {
    absl::MutexLock lock(&run.mu);
    run.End(BatchState::kFailed,
            Redacted(absl::Status(status.code(),
                                  absl::StrCat(Label(job), ": ", status.message()))));
  }

  // The batch's thread: create the device jobs, poll them, collect results, and forward
  // a cancel to the jobs still open when the batch ends otherwise.
  void Run(BatchRun& run) {
    std::vector<Job> jobs;
    const size_t n = run.programs.size();
    const absl::Span<const DeviceProgram> all(run.programs);
    auto stopped = [&run] { return run.stop.HasBeenNotified(); };
    bool created = true;
    for (size_t first = 0; first < n && created;) {
      Job job;
      job.first = first;
      job.count = dialect->JobPerBatch() ? n : 1;
      first += job.count;
      if (stopped()) {
        created = false;
        break;
      }
      const std::string token =
          ClientToken(run.key, dialect->JobPerBatch() ? "batch" : absl::StrCat(job.first));
      absl::StatusOr<std::string> id =
          dialect->Create(all.subspan(job.first, job.count), token, &run.stop);
      if (!id.ok()) {
        if (!stopped()) Fail(run, job, id.status());
        created = false;
        break;
      }
      job.id = *id;
      jobs.push_back(job);
      // The device holds work now: the batch runs (from the caller's view) even while
      // more of its jobs are being created.
      absl::MutexLock lock(&run.mu);
      if (run.state == BatchState::kQueued) run.state = BatchState::kRunning;
    }
    if (created) Poll(run, jobs);
    for (const Job& job : jobs) {
      if (!job.finished) (void)dialect->Cancel(job.id, &shutdown);
    }
    run.thread_done.store(true);
  }

  void Poll(BatchRun& run, std::vector<Job>& jobs) {
    std::mt19937_64 rng(run.jitter_seed);
    const base::BackoffPolicy policy{options.poll_interval,
                                     std::max(options.poll_interval, options.max_poll_interval),
                                     1.5};
    const bool memory = run.memory && dialect->PerShotData();
    const absl::Span<const DeviceProgram> all(run.programs);
    for (int round = 1;; ++round) {
      bool running = false;
      bool waiting = false;  // a job of this round is not done yet
      for (Job& job : jobs) {
        if (job.finished) continue;
        // Devices run a client's jobs about in submission order: once one is still
        // queued or running, the later ones wait for the next round. A round then costs
        // one status request plus one per job that finished, not one per open job.
        if (waiting) break;
        if (run.stop.HasBeenNotified()) return;
        absl::StatusOr<JobStatus> status = dialect->Status(job.id, &run.stop);
        if (!status.ok()) {
          if (!run.stop.HasBeenNotified()) Fail(run, job, status.status());
          return;
        }
        const std::string reason = status->reason.empty() ? "" : ": " + status->reason;
        switch (status->state) {
          case JobState::kQueued:
            waiting = true;
            break;
          case JobState::kRunning:
            running = true;
            waiting = true;
            break;
          case JobState::kSucceeded: {
            absl::StatusOr<std::vector<ProgramResult>> results =
                dialect->Results(job.id, all.subspan(job.first, job.count), memory, &run.stop);
            if (results.ok() && results->size() != job.count) {
              results = absl::InternalError("wrong number of results");
            }
            if (!results.ok()) {
              if (!run.stop.HasBeenNotified()) Fail(run, job, results.status());
              return;
            }
            job.finished = true;
            absl::MutexLock lock(&run.mu);
            if (Ended(run.state)) return;
            for (size_t i = 0; i < job.count; ++i) {
              run.shots_done += (*results)[i].shots;
              run.results[job.first + i] = std::move((*results)[i]);
            }
            run.done += int64_t(job.count);
            break;
          }
          case JobState::kFailed:
            job.finished = true;
            Fail(run, job,
                 absl::AbortedError(absl::StrCat("failed on the device (provider state \"",
                                                 status->provider_state, "\")", reason)));
            return;
          case JobState::kCancelled:
            job.finished = true;
            Fail(run, job,
                 absl::CancelledError(absl::StrCat("cancelled by the device (provider state \"",
                                                   status->provider_state, "\")", reason)));
            return;
          case JobState::kUnknown:
            Fail(run, job,
                 absl::UnknownError(absl::StrCat("unknown provider state \"",
                                                 status->provider_state, "\"", reason)));
            return;
        }
      }
      {
        absl::MutexLock lock(&run.mu);
        if (Ended(run.state)) return;
        if (run.done == int64_t(run.programs.size())) {
          run.End(BatchState::kSucceeded, absl::OkStatus());
          return;
        }
        if (running || run.done > 0) run.state = BatchState::kRunning;
      }
      const double unit = std::uniform_real_distribution<double>(0, 1)(rng);
      if (!sender->timing().sleep(base::BackoffDelay(policy, round, unit), &run.stop)) return;
    }
  }
};

RestBackend::RestBackend(std::shared_ptr<Core> core) : core_(std::move(core)) {}

absl::StatusOr<std::unique_ptr<RestBackend>> RestBackend::Create(RestBackendOptions options) {
  const DialectEndpoints& e = options.endpoints;
  auto missing = [&](const char* what) {
    return absl::InvalidArgumentError(absl::StrCat("backend ", options.name, " (",
                                                   DialectKindName(options.dialect),
                                                   "): no ", what));
  };
  if (e.base_url.empty()) return missing("base URL");
  if (e.device.empty()) return missing("device (backend name or device ARN)");
  DialectConfig config;
  config.endpoints = e;
  config.request_timeout = options.request_timeout;
  auto resolve = [&](const std::string& ref, const char* what, Secret& out) -> absl::Status {
    if (ref.empty()) return missing(what);
    absl::StatusOr<Secret> s = ResolveSecret(ref);
    if (!s.ok()) {
      return absl::Status(s.status().code(), absl::StrCat("backend ", options.name, ": ", what,
                                                          ": ", s.status().message()));
    }
    out = *std::move(s);
    return absl::OkStatus();
  };
  switch (options.dialect) {
    case DialectKind::kIonq:
      if (absl::Status s = resolve(options.credentials.api_key, "api key", config.secrets.api_key);
          !s.ok()) {
        return s;
      }
      break;
    case DialectKind::kQiskitRuntime:
      if (e.iam_url.empty()) return missing("IAM URL");
      if (e.service_crn.empty()) return missing("service CRN");
      if (absl::Status s = resolve(options.credentials.api_key, "api key", config.secrets.api_key);
          !s.ok()) {
        return s;
      }
      break;
    case DialectKind::kBraket:
      if (e.s3_url.empty()) return missing("S3 URL");
      if (e.region.empty()) return missing("region");
      if (e.bucket.empty()) return missing("output S3 bucket");
      if (absl::Status s = resolve(options.credentials.aws_access_key_id, "AWS access key id",
                                   config.secrets.aws_access_key_id);
          !s.ok()) {
        return s;
      }
      if (absl::Status s =
              resolve(options.credentials.aws_secret_access_key, "AWS secret access key",
                      config.secrets.aws_secret_access_key);
          !s.ok()) {
        return s;
      }
      if (!options.credentials.aws_session_token.empty()) {
        if (absl::Status s = resolve(options.credentials.aws_session_token, "AWS session token",
                                     config.secrets.aws_session_token);
            !s.ok()) {
          return s;
        }
      }
      break;
  }
  auto core = std::make_shared<Core>();
  core->secrets = {config.secrets.api_key, config.secrets.aws_access_key_id,
                   config.secrets.aws_secret_access_key, config.secrets.aws_session_token};
  if (options.http == nullptr) options.http = std::make_shared<CurlHttpClient>(options.curl);
  const uint64_t seed = options.jitter_seed != 0 ? options.jitter_seed
                                                 : (uint64_t(std::random_device()()) << 32) |
                                                       std::random_device()();
  auto limiter = std::make_shared<RateLimiter>(options.rate_limit, options.rate_burst,
                                               options.timing);
  core->sender = std::make_shared<RetryingSender>(options.http, options.retry, limiter,
                                                  options.timing, seed);
  core->dialect = MakeDialect(options.dialect, std::move(config), core->sender);
  {
    absl::MutexLock lock(&core->mu);
    core->rng.seed(seed ^ 0x9e3779b97f4a7c15ull);
  }
  core->options = std::move(options);
  return std::unique_ptr<RestBackend>(new RestBackend(std::move(core)));
}

RestBackend::~RestBackend() {
  core_->shutdown.Notify();
  std::vector<std::pair<std::shared_ptr<BatchRun>, std::thread>> runs;
  {
    absl::MutexLock lock(&core_->mu);
    core_->stopping = true;
    for (auto& [run, thread] : core_->runs) {
      absl::MutexLock run_lock(&run->mu);
      run->End(BatchState::kCancelled, absl::OkStatus());
    }
    runs.swap(core_->runs);
  }
  for (auto& [run, thread] : runs) thread.join();
}

Description RestBackend::Describe() const {
  const RestBackendOptions& o = core_->options;
  Description d;
  d.name = o.name;
  d.description = o.description.empty()
                      ? absl::StrCat(DialectKindName(o.dialect), " device ", o.endpoints.device)
                      : o.description;
  d.max_qubits = o.max_qubits;
  d.max_shots = o.max_shots;
  d.max_programs = o.max_programs;
  d.native_gates = native::NativeGateNames(o.gate_set);
  d.exact_amplitudes = false;
  d.shot_memory = core_->dialect->PerShotData();
  d.online = true;
  absl::MutexLock lock(&core_->mu);
  for (const auto& [run, thread] : core_->runs) {
    absl::MutexLock run_lock(&run->mu);
    if (Ended(run->state)) continue;
    d.queue.Add(run->state == BatchState::kQueued, run->total_shots - run->shots_done);
  }
  return d;
}

absl::StatusOr<std::unique_ptr<BatchHandle>> RestBackend::Submit(Batch batch) {
  const RestBackendOptions& o = core_->options;
  if (absl::Status s = CheckBatchSize(batch, o.max_programs); !s.ok()) return s;
  if (batch.memory && !core_->dialect->PerShotData()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch: per-shot results (memory) are not available from the ",
        DialectKindName(o.dialect), " dialect, which returns counts only"));
  }
  auto run = std::make_shared<BatchRun>();
  run->key = batch.idempotency_key.empty() ? RandomKey() : batch.idempotency_key;
  run->memory = batch.memory;
  for (size_t k = 0; k < batch.programs.size(); ++k) {
    const Program& p = batch.programs[k];
    if (p.shots < 1) {
      return absl::InvalidArgumentError(absl::StrCat("program ", k, ": shots must be at least 1"));
    }
    if (p.shots > o.max_shots) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "program ", k, ": ", p.shots, " shots exceed the backend's limit of ", o.max_shots));
    }
    absl::StatusOr<native::Translation> t = native::TranslateProgram(p.qasm, p.inputs, o.gate_set);
    if (!t.ok()) {
      return absl::Status(t.status().code(),
                          absl::StrCat("program ", k, ": ", t.status().message()));
    }
    if (t->num_qubits > o.max_qubits) {
      return absl::ResourceExhaustedError(
          absl::StrCat("program ", k, ": ", t->num_qubits,
                       " qubits exceed the backend's limit of ", o.max_qubits));
    }
    if (t->num_clbits > kMaxShotBits) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "program ", k, ": ", t->num_clbits, " classical bits exceed ", kMaxShotBits));
    }
    DeviceProgram d;
    d.qasm = std::move(t->qasm);
    d.num_clbits = t->num_clbits;
    d.shots = p.shots;
    d.name = absl::StrCat("qgrad-", ClientToken(run->key, absl::StrCat(k)).substr(0, 12), "-", k);
    run->total_shots += p.shots;
    run->programs.push_back(std::move(d));
  }
  {
    absl::MutexLock run_lock(&run->mu);
    run->results.resize(run->programs.size());
  }

  std::vector<std::thread> finished;
  {
    absl::MutexLock lock(&core_->mu);
    if (core_->stopping) return absl::UnavailableError("backend shutting down");
    run->id = absl::StrCat(o.name, "-", core_->next_id++);
    run->jitter_seed = core_->rng();
    // Reap the threads of batches that have ended, so that the list stays short.
    auto& runs = core_->runs;
    for (auto it = runs.begin(); it != runs.end();) {
      if (it->first->thread_done.load()) {
        finished.push_back(std::move(it->second));
        it = runs.erase(it);
      } else {
        ++it;
      }
    }
    Core* core = core_.get();
    runs.emplace_back(run, std::thread([core, run] { core->Run(*run); }));
  }
  for (std::thread& t : finished) t.join();
  return std::make_unique<RestHandle>(std::move(run));
}

}  // namespace qgrad::backends::rest
