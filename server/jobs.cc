// JobManager; see jobs.h.
//
// Thread-safety: mu_ guards the accepting flag and the id generator; quota_mu_ the
// reservations of submissions in flight (their durable commits run concurrently, so that
// the store can batch them); everything else is the store's and the scheduler's.
#include "server/jobs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "server/exception_status.h"
#include "server/job_records.h"
#include "server/log.h"
#include "server/usage.h"

namespace qgrad::server {
namespace {

using store::JobState;

constexpr char kCancelledByClient[] = "cancelled by the client";

absl::Status NotFound(const std::string& job_id) {
  return absl::NotFoundError(absl::StrCat("job ", job_id, " not found"));
}

// Crockford base32 of the creation time: ids of one server sort roughly by age.
std::string TimePart(int64_t micros) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out(11, '0');
  uint64_t v = static_cast<uint64_t>(micros);
  for (int i = 10; i >= 0; --i, v >>= 5) out[i] = kAlphabet[v & 31];
  return out;
}

}  // namespace

JobManager::JobManager(store::JobStore* store, const JobManagerOptions& options,
                       const base::Clock* clock)
    : store_(store), options_(options), clock_(clock),
      metrics_(options.metrics != nullptr ? options.metrics : &own_metrics_),
      executor_(store, &hub_, clock, metrics_, options.limits, options.store_retry,
                options.backends),
      scheduler_(
          SchedulerOptions{options.max_running_jobs, options.max_running_per_tenant,
                           options.reaper_poll_micros},
          clock, [this](const Task& task, RunControl& control) { RunTask(task, control); },
          [this](const Task& task, RunControl& control) { ExpireTask(task, control); }),
      admission_(options.admission), id_rng_(std::random_device()()) {
  if (options.backends != nullptr) {
    for (const backends::Description& backend : options.backends->List()) {
      metrics_->DeclareBackend(backend.name);
    }
  }
  if (options.replica.has_value()) {
    LeaseKeeperOptions keeper = *options.replica;
    keeper.max_leases = options.max_running_jobs;
    keeper.max_leases_per_tenant = options.max_running_per_tenant;
    keeper_ = std::make_unique<LeaseKeeper>(
        store, clock, keeper,
        [this](const store::JobRecord& job) {
          Task task = TaskOf(job);
          task.lease_owner = job.lease.owner;
          task.lease_token = job.lease.token;
          scheduler_.Enqueue(std::move(task));
        },
        [this](const std::string& job_id, int64_t lease_token) {
          scheduler_.DropLease(job_id, lease_token);
        });
  }
}

JobManager::~JobManager() { Shutdown(); }

Task JobManager::TaskOf(const store::JobRecord& record) {
  Task task;
  task.job_id = record.id;
  task.tenant = record.tenant;
  task.priority = record.priority;
  task.create_micros = record.create_time_micros;
  task.deadline_micros = record.deadline_micros;
  task.resumed = record.state == JobState::kRunning;
  return task;
}

absl::Status JobManager::Requeue(JobState state) {
  store::JobQuery query;
  query.tenant = std::nullopt;  // every tenant: recovery is server-internal
  query.states = {state};
  query.page_size = 500;
  int count = 0;
  for (;;) {
    absl::StatusOr<store::JobPage> page = store_->ListJobs(query);
    if (!page.ok()) return page.status();
    for (const store::JobRecord& record : page->jobs) {
      scheduler_.Enqueue(TaskOf(record));
      ++count;
    }
    if (page->next_page_token.empty()) break;
    query.page_token = page->next_page_token;
  }
  if (count > 0) {
    LogLine(LogLevel::kInfo, "jobs_recovered").Str("state", StateName(state)).Int("count", count);
  }
  return absl::OkStatus();
}

absl::Status JobManager::Start() {
  if (keeper_ != nullptr) {
    store_->SetObserver(this);
    scheduler_.Start();
    keeper_->Start();
    return absl::OkStatus();
  }
  if (absl::Status s = Requeue(JobState::kRunning); !s.ok()) return s;
  if (absl::Status s = Requeue(JobState::kQueued); !s.ok()) return s;
  scheduler_.Start();
  return absl::OkStatus();
}

void JobManager::BeginShutdown() {
  {
    absl::MutexLock lock(&mu_);
    accepting_ = false;
  }
  if (keeper_ != nullptr) keeper_->StopClaiming();
  scheduler_.RequestStop();
  hub_.Close();
}

void JobManager::Shutdown() {
  BeginShutdown();
  admission_.Shutdown();
  scheduler_.Shutdown();
  if (keeper_ != nullptr) {
    // The runs have stopped at a checkpoint: their jobs go back to the store for another
    // replica to resume at once, instead of when the leases expire.
    keeper_->Stop();
    keeper_->ReleaseAll();
    store_->SetObserver(nullptr);
  }
}

void JobManager::RunTask(const Task& task, RunControl& control) {
  executor_.Run(task, control);
  if (keeper_ != nullptr) keeper_->Done(task.job_id, task.lease_token);
}

void JobManager::ExpireTask(const Task& task, RunControl& control) {
  executor_.Expire(task, control);
  if (keeper_ != nullptr) keeper_->Done(task.job_id, task.lease_token);
}

void JobManager::OnJobChanged(const std::string& job_id) { hub_.Notify(job_id); }

void JobManager::OnWorkAvailable() { keeper_->Wake(); }

void JobManager::OnResync() {
  hub_.NotifyAll();
  keeper_->Wake();
}

std::string JobManager::NewJobId() {
  absl::MutexLock lock(&mu_);
  return absl::StrCat("j-", TimePart(clock_->NowMicros()),
                      absl::StrFormat("%016x", static_cast<uint64_t>(id_rng_())));
}

absl::Status JobManager::CheckAccepting() const {
  absl::MutexLock lock(&mu_);
  if (!accepting_) return absl::UnavailableError("the server is shutting down");
  return absl::OkStatus();
}

absl::Status JobManager::ReserveQueuePlace(const std::string& tenant) {
  absl::MutexLock lock(&quota_mu_);
  int& reserved = reserved_[tenant];
  const int64_t queued = int64_t{scheduler_.num_queued(tenant)} + reserved;
  if (queued >= options_.max_queued_per_tenant) {
    if (reserved == 0) reserved_.erase(tenant);
    return absl::ResourceExhaustedError(absl::StrCat(
        "tenant ", tenant, " has ", queued, " queued jobs; the limit is ",
        options_.max_queued_per_tenant, " (max_queued_per_tenant)"));
  }
  ++reserved;
  return absl::OkStatus();
}

void JobManager::ReleaseQueuePlace(const std::string& tenant) {
  absl::MutexLock lock(&quota_mu_);
  auto it = reserved_.find(tenant);
  if (--it->second == 0) reserved_.erase(it);
}

void JobManager::SubmitAsync(std::string tenant, v1::SubmitJobRequest request,
                             std::function<void(absl::StatusOr<v1::SubmitJobResponse>)> done) {
  auto work = [this, tenant = std::move(tenant), request = std::move(request), done,
               deadline = admission_.SlotDeadline()]() {
    absl::StatusOr<v1::SubmitJobResponse> outcome;
    try {
      outcome = Submit(tenant, request, deadline);
    } catch (...) {  // e.g. std::bad_alloc: answer the caller, keep the thread
      outcome = StatusOfException(std::current_exception());
    }
    done(std::move(outcome));
  };
  if (absl::Status s = admission_.Post(std::move(work)); !s.ok()) {
    metrics_->CountSubmission("rejected");
    done(s);
  }
}

absl::StatusOr<v1::SubmitJobResponse> JobManager::Submit(const std::string& tenant,
                                                         const v1::SubmitJobRequest& request,
                                                         absl::Time deadline) {
  absl::StatusOr<v1::SubmitJobResponse> response = Admit(tenant, request, deadline);
  metrics_->CountSubmission(!response.ok()          ? "rejected"
                            : response->created() ? "created"
                                                  : "existing");
  return response;
}

absl::StatusOr<v1::SubmitJobResponse> JobManager::Admit(const std::string& tenant,
                                                        const v1::SubmitJobRequest& request,
                                                        absl::Time deadline) {
  if (absl::Status s = CheckAccepting(); !s.ok()) return s;
  absl::StatusOr<runner::JobShape> shape = [&]() -> absl::StatusOr<runner::JobShape> {
    AdmissionPool::CpuSlot slot(&admission_, deadline);
    if (!slot.status().ok()) return slot.status();
    return ValidateSubmit(request, options_.limits, options_.backends);
  }();
  if (!shape.ok()) return shape.status();
  if (keeper_ != nullptr) return Store(tenant, request, *shape);
  return StoreWithinLocalQuota(tenant, request, *shape);
}

absl::StatusOr<v1::SubmitJobResponse> JobManager::StoreWithinLocalQuota(
    const std::string& tenant, const v1::SubmitJobRequest& request,
    const runner::JobShape& shape) {
  if (absl::Status quota = ReserveQueuePlace(tenant); !quota.ok()) {
    // A retried submission of an existing job is not a new job: answer it.
    if (quota.code() != absl::StatusCode::kResourceExhausted) return quota;
    absl::StatusOr<std::optional<store::JobRecord>> existing =
        store_->FindJobByKey(tenant, request.idempotency_key());
    if (!existing.ok()) return existing.status();
    if (!existing->has_value()) return quota;
    v1::SubmitJobResponse response;
    *response.mutable_job() = JobToProto(**existing, /*with_spec=*/true);
    response.set_created(false);
    return response;
  }
  absl::StatusOr<v1::SubmitJobResponse> response = Store(tenant, request, shape);
  ReleaseQueuePlace(tenant);
  return response;
}

absl::StatusOr<v1::SubmitJobResponse> JobManager::Store(const std::string& tenant,
                                                        const v1::SubmitJobRequest& request,
                                                        const runner::JobShape& shape) {
  const int64_t now = clock_->NowMicros();
  store::JobRecord record;
  record.id = NewJobId();
  record.tenant = tenant;
  record.idempotency_key = request.idempotency_key();
  record.spec = request.spec().SerializeAsString();
  record.labels.insert(request.labels().begin(), request.labels().end());
  record.priority = request.priority();
  record.state = JobState::kQueued;
  record.backend = kBackendName;
  record.create_time_micros = now;
  if (request.deadline_seconds() > 0) {
    record.deadline_micros = now + static_cast<int64_t>(request.deadline_seconds() * 1e6);
  }
  // Replicas: the store counts the tenant's queue, atomically with the insert.
  store::CreateLimits limits;
  if (keeper_ != nullptr) limits.max_queued_per_tenant = options_.max_queued_per_tenant;
  absl::StatusOr<store::CreateJobOutcome> outcome =
      store_->CreateJob(record, {StateEventPayload(JobState::kQueued)}, now, limits);
  if (!outcome.ok()) return outcome.status();
  if (outcome->created) {
    LogLine(LogLevel::kInfo, "job_submitted")
        .Str("job_id", outcome->job.id)
        .Str("tenant", tenant)
        .Str("method", shape.method)
        .Int("qubits", shape.num_qubits)
        .Int("priority", record.priority);
    if (keeper_ != nullptr) {
      keeper_->Wake();
    } else {
      scheduler_.Enqueue(TaskOf(outcome->job));
    }
  }
  v1::SubmitJobResponse response;
  *response.mutable_job() = JobToProto(outcome->job, /*with_spec=*/true);
  response.set_created(outcome->created);
  return response;
}

absl::StatusOr<store::JobRecord> JobManager::Lookup(const std::string& tenant,
                                                    const std::string& job_id) {
  if (absl::Status s = ValidateJobId(job_id); !s.ok()) return s;
  absl::StatusOr<store::JobRecord> record = store_->GetJob(job_id);
  if (record.status().code() == absl::StatusCode::kNotFound) return NotFound(job_id);
  if (!record.ok()) return record.status();
  // Another tenant's job is indistinguishable from a missing one.
  if (record->tenant != tenant) return NotFound(job_id);
  return record;
}

absl::StatusOr<v1::Job> JobManager::GetJob(const std::string& tenant, const std::string& job_id) {
  absl::StatusOr<store::JobRecord> record = Lookup(tenant, job_id);
  if (!record.ok()) return record.status();
  absl::StatusOr<v1::JobUsage> usage = StoredUsage(*store_, *record);
  if (!usage.ok()) return usage.status();
  v1::Job job = JobToProto(*record, /*with_spec=*/true);
  *job.mutable_usage() = *std::move(usage);
  return job;
}

absl::StatusOr<v1::ListJobsResponse> JobManager::ListJobs(const std::string& tenant,
                                                          const v1::ListJobsRequest& request) {
  if (absl::Status s = ValidateList(request); !s.ok()) return s;
  store::JobQuery query;
  query.tenant = tenant;
  for (int state : request.states()) query.states.insert(static_cast<JobState>(state));
  query.labels.insert(request.labels().begin(), request.labels().end());
  query.page_size = request.page_size() > 0 ? request.page_size() : kDefaultPageSize;
  query.page_token = request.page_token();
  absl::StatusOr<store::JobPage> page = store_->ListJobs(query);
  if (!page.ok()) return page.status();
  v1::ListJobsResponse response;
  for (const store::JobRecord& record : page->jobs) {
    *response.add_jobs() = JobToProto(record, /*with_spec=*/false);
  }
  response.set_next_page_token(page->next_page_token);
  return response;
}

absl::StatusOr<v1::CancelJobResponse> JobManager::CancelJob(const std::string& tenant,
                                                            const std::string& job_id) {
  absl::StatusOr<store::JobRecord> record = Lookup(tenant, job_id);
  if (!record.ok()) return record.status();
  if (!store::IsTerminal(record->state)) {
    store::JobUpdate update;
    update.expected_states = {JobState::kQueued, JobState::kRunning};
    update.state = JobState::kCancelled;
    update.cancel_requested = true;
    update.error = kCancelledByClient;
    update.finish_time_micros = update.event_time_micros = clock_->NowMicros();
    update.events.push_back(StateEventPayload(JobState::kCancelled, kCancelledByClient));
    record = store_->UpdateJob(job_id, update);
    if (record.status().code() == absl::StatusCode::kFailedPrecondition) {
      record = store_->GetJob(job_id);  // it finished meanwhile: report that
    } else if (record.ok()) {
      // The store says CANCELLED first, so the worker's further writes are refused;
      // the flag then stops its run within one inner step.
      scheduler_.Cancel(job_id);
      hub_.Notify(job_id);
      LogLine(LogLevel::kInfo, "job_cancelled")
          .Str("job_id", job_id)
          .Str("tenant", tenant)
          .Str("reason", kCancelledByClient);
    }
    if (!record.ok()) return record.status();
  }
  v1::CancelJobResponse response;
  *response.mutable_job() = JobToProto(*record, /*with_spec=*/true);
  return response;
}

absl::StatusOr<v1::JobResult> JobManager::GetResult(const std::string& tenant,
                                                    const std::string& job_id) {
  absl::StatusOr<store::JobRecord> record = Lookup(tenant, job_id);
  if (!record.ok()) return record.status();
  if (record->state != JobState::kSucceeded) {
    return absl::FailedPreconditionError(absl::StrCat("job ", job_id, " is ",
                                                      StateName(record->state),
                                                      "; only a SUCCEEDED job has a result"));
  }
  absl::StatusOr<std::optional<std::string>> bytes = store_->GetResult(job_id);
  if (!bytes.ok()) return bytes.status();
  v1::JobResult result;
  if (!bytes->has_value() || !result.ParseFromString(**bytes)) {
    return absl::DataLossError(absl::StrCat("job ", job_id, ": the stored result is unreadable"));
  }
  return result;
}

absl::StatusOr<v1::GetUsageResponse> JobManager::GetUsage(const std::string& tenant,
                                                          const v1::GetUsageRequest& request) {
  v1::GetUsageResponse response;
  if (!request.job_id().empty()) {
    absl::StatusOr<store::JobRecord> record = Lookup(tenant, request.job_id());
    if (!record.ok()) return record.status();
    absl::StatusOr<v1::JobUsage> usage = StoredUsage(*store_, *record);
    if (!usage.ok()) return usage.status();
    *response.mutable_job() = *std::move(usage);
  }
  store::JobQuery query;
  query.tenant = tenant;
  query.page_size = kMaxPageSize;
  v1::JobUsage& total = *response.mutable_tenant();
  for (;;) {
    absl::StatusOr<store::JobPage> page = store_->ListJobs(query);
    if (!page.ok()) return page.status();
    for (const store::JobRecord& record : page->jobs) {
      absl::StatusOr<v1::JobUsage> usage = StoredUsage(*store_, record);
      if (!usage.ok()) return usage.status();
      AddUsage(*usage, total);
    }
    response.set_jobs(response.jobs() + static_cast<int64_t>(page->jobs.size()));
    if (page->next_page_token.empty()) break;
    query.page_token = page->next_page_token;
  }
  return response;
}

void JobManager::GetUsageAsync(
    std::string tenant, v1::GetUsageRequest request,
    std::function<void(absl::StatusOr<v1::GetUsageResponse>)> done) {
  auto work = [this, tenant = std::move(tenant), request = std::move(request), done]() {
    absl::StatusOr<v1::GetUsageResponse> outcome;
    try {
      outcome = GetUsage(tenant, request);
    } catch (...) {
      outcome = StatusOfException(std::current_exception());
    }
    done(std::move(outcome));
  };
  if (absl::Status s = admission_.Post(std::move(work)); !s.ok()) done(s);
}

std::string JobManager::MetricsText() {
  ScrapeValues scrape;
  scrape.queue_length = scheduler_.num_queued();
  for (JobState state : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded,
                         JobState::kFailed, JobState::kCancelled}) {
    store::JobQuery query;
    query.tenant = std::nullopt;  // every tenant
    query.states = {state};
    absl::StatusOr<int64_t> count = store_->CountJobs(query);
    if (!count.ok()) {
      scrape.jobs_by_state.clear();
      break;
    }
    scrape.jobs_by_state[absl::AsciiStrToLower(StateName(state))] = *count;
  }
  return metrics_->Render(scrape);
}

absl::StatusOr<std::vector<v1::JobEvent>> JobManager::ReadEvents(const std::string& job_id,
                                                                 int64_t after_sequence,
                                                                 int32_t limit) {
  absl::StatusOr<std::vector<store::EventRecord>> records =
      store_->ReadEvents(job_id, after_sequence, limit);
  if (!records.ok()) return records.status();
  std::vector<v1::JobEvent> events;
  events.reserve(records->size());
  for (const store::EventRecord& record : *records) {
    absl::StatusOr<v1::JobEvent> event = DecodeEvent(job_id, record);
    if (!event.ok()) return event.status();
    events.push_back(*std::move(event));
  }
  return events;
}

}  // namespace qgrad::server
