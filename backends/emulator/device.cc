// The job store and worker pool; see device.h.
//
// Thread-safety: one mutex guards the store and the queue; programs are simulated outside
// it.
#include "backends/emulator/device.h"

#include <chrono>

#include "absl/strings/str_format.h"
#include "backends/emulator/noise.h"
#include "base/seed_mix.h"

namespace qgrad::backends::emulator {

struct Device::Job {
  std::string id;
  Dialect dialect = Dialect::kIonq;
  std::string key;
  JobState state = JobState::kQueued;
  std::string failure;
  std::string fail_when_run;
  std::shared_ptr<const std::vector<DeviceProgram>> programs;
  std::shared_ptr<const std::vector<std::vector<uint64_t>>> results;
  std::map<std::string, std::string> attributes;
  absl::Time created;
  absl::Time ready;  // leaves the queue
  uint64_t seed = 0;
  std::atomic<bool> cancelled{false};
};

bool IsFinal(JobState state) {
  return state == JobState::kCompleted || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

Device::Device(DeviceOptions options)
    : options_(std::move(options)), id_gen_(base::DeriveSeed(options_.seed, 0x1d5)) {
  for (int i = 0; i < std::max(1, options_.timing.workers); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

Device::~Device() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) job->cancelled = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

std::string Device::NewIdLocked() {
  // A version-4 UUID from the seeded generator.
  const uint64_t a = id_gen_(), b = id_gen_();
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", uint32_t(a >> 32), uint32_t(a >> 16) & 0xffff,
                         uint32_t(a) & 0xfff, 0x8000 | (uint32_t(b >> 48) & 0x3fff),
                         b & 0xffffffffffffULL);
}

JobView Device::ViewLocked(const Job& job) const {
  return JobView{job.id,       job.dialect,  job.state,   job.failure,
                 job.programs, job.results,  job.attributes, job.created};
}

Device::Submitted Device::Submit(Submission s) {
  std::unique_lock<std::mutex> lock(mu_);
  const std::pair<int, std::string> key{int(s.dialect), s.idempotency_key};
  if (!s.idempotency_key.empty()) {
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      if (auto j = jobs_.find(it->second); j != jobs_.end()) {
        return Submitted{ViewLocked(*j->second), false};
      }
    }
  }
  auto job = std::make_shared<Job>();
  do {
    job->id = NewIdLocked();
  } while (jobs_.contains(job->id));
  job->dialect = s.dialect;
  job->key = s.idempotency_key;
  job->programs = std::make_shared<const std::vector<DeviceProgram>>(std::move(s.programs));
  job->attributes = std::move(s.attributes);
  job->fail_when_run = std::move(s.fail_when_run);
  job->created = absl::Now();
  job->ready = job->created + options_.timing.queue_latency;
  job->seed = base::DeriveSeed(options_.seed, next_job_number_++);
  if (!s.failure.empty()) {
    job->state = JobState::kFailed;
    job->failure = std::move(s.failure);
  } else {
    queue_.push_back(job);
  }
  jobs_[job->id] = job;
  if (!s.idempotency_key.empty()) by_key_[key] = job->id;
  ++created_[int(s.dialect)];
  Submitted out{ViewLocked(*job), true};
  lock.unlock();
  wake_.notify_all();
  return out;
}

std::optional<JobView> Device::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return ViewLocked(*it->second);
}

Device::CancelOutcome Device::Cancel(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return CancelOutcome::kNotFound;
  Job& job = *it->second;
  if (job.state == JobState::kCancelled) return CancelOutcome::kAlreadyCancelled;
  if (IsFinal(job.state)) return CancelOutcome::kAlreadyFinal;
  job.state = JobState::kCancelled;
  job.cancelled = true;
  wake_.notify_all();
  return CancelOutcome::kCancelled;
}

void Device::Fail(const std::string& id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || IsFinal(it->second->state)) return;
  it->second->state = JobState::kFailed;
  it->second->failure = reason;
  it->second->cancelled = true;  // stops a worker busy with it
  wake_.notify_all();
}

void Device::Vanish(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  it->second->cancelled = true;
  if (!it->second->key.empty()) by_key_.erase({int(it->second->dialect), it->second->key});
  jobs_.erase(it);
  wake_.notify_all();
}

std::array<int64_t, kNumDialects> Device::JobsCreated() const {
  std::lock_guard<std::mutex> lock(mu_);
  return created_;
}

void Device::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (stopping_) return;
    // Drop jobs that ended (cancelled, failed, vanished) while queued.
    while (!queue_.empty() && (queue_.front()->state != JobState::kQueued ||
                               queue_.front()->cancelled)) {
      queue_.pop_front();
    }
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const absl::Time now = absl::Now();
    if (queue_.front()->ready > now) {
      wake_.wait_for(lock, absl::ToChronoNanoseconds(queue_.front()->ready - now));
      continue;
    }
    std::shared_ptr<Job> job = queue_.front();
    queue_.pop_front();
    job->state = JobState::kRunning;
    lock.unlock();
    Run(job);
    lock.lock();
  }
}

void Device::Run(const std::shared_ptr<Job>& job) {
  const absl::Time start = absl::Now();
  auto results = std::make_shared<std::vector<std::vector<uint64_t>>>();
  std::string failure = job->fail_when_run;
  int64_t shots = 0;
  if (failure.empty()) {
    for (size_t k = 0; k < job->programs->size(); ++k) {
      const DeviceProgram& p = (*job->programs)[k];
      shots += p.shots;
      absl::StatusOr<std::vector<uint64_t>> taken =
          RunNoisy(simulator_, p.circuit, p.shots, options_.noise,
                   base::DeriveSeed(job->seed, k), &job->cancelled);
      if (!taken.ok()) {
        if (job->cancelled) return;  // the state was set by whoever cancelled it
        failure = std::string(taken.status().message());
        break;
      }
      results->push_back(*std::move(taken));
    }
  }
  // The run time model: the job stays running at least this long.
  const absl::Time end =
      start + options_.timing.run_time_per_job + shots * options_.timing.run_time_per_shot;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_ && !job->cancelled && absl::Now() < end) {
    wake_.wait_for(lock, absl::ToChronoNanoseconds(end - absl::Now()));
  }
  if (job->state != JobState::kRunning) return;  // cancelled, failed or vanished meanwhile
  if (stopping_) return;
  if (!failure.empty()) {
    job->state = JobState::kFailed;
    job->failure = std::move(failure);
  } else {
    job->results = std::move(results);
    job->state = JobState::kCompleted;
  }
}

}  // namespace qgrad::backends::emulator
