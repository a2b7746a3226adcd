// Record ⇄ message conversions; see job_records.h.
//
// Thread-safety: no shared state.
#include "server/job_records.h"

#include "absl/strings/str_cat.h"

namespace qgrad::server {

v1::JobState ToProtoState(store::JobState state) {
  return static_cast<v1::JobState>(static_cast<int>(state));
}

absl::StatusOr<store::JobState> FromProtoState(int state) {
  if (state < 1 || state > 5) {
    return absl::InvalidArgumentError(absl::StrCat("unknown job state ", state));
  }
  return static_cast<store::JobState>(state);
}

std::string StateName(store::JobState state) {
  switch (state) {
    case store::JobState::kQueued: return "QUEUED";
    case store::JobState::kRunning: return "RUNNING";
    case store::JobState::kSucceeded: return "SUCCEEDED";
    case store::JobState::kFailed: return "FAILED";
    case store::JobState::kCancelled: return "CANCELLED";
  }
  return "UNKNOWN";
}

v1::Job JobToProto(const store::JobRecord& record, bool with_spec) {
  v1::Job job;
  job.set_id(record.id);
  job.set_tenant(record.tenant);
  job.set_idempotency_key(record.idempotency_key);
  if (with_spec) job.mutable_spec()->ParseFromString(record.spec);
  for (const auto& [key, value] : record.labels) (*job.mutable_labels())[key] = value;
  job.set_priority(record.priority);
  job.set_state(ToProtoState(record.state));
  job.set_error(record.error);
  job.set_create_time_unix_micros(record.create_time_micros);
  job.set_start_time_unix_micros(record.start_time_micros);
  job.set_finish_time_unix_micros(record.finish_time_micros);
  job.set_deadline_unix_micros(record.deadline_micros);
  job.set_iterations_done(record.iterations_done);
  job.set_last_event_sequence(record.last_event_sequence);
  job.set_backend(record.backend);
  return job;
}

std::string StateEventPayload(store::JobState state, const std::string& error,
                              const v1::JobUsage* usage) {
  v1::JobEvent event;
  event.set_state(ToProtoState(state));
  event.set_error(error);
  if (usage != nullptr) *event.mutable_usage() = *usage;
  return event.SerializeAsString();
}

std::string IterationEventPayload(const v1::IterationEvent& iteration,
                                  const v1::JobUsage* usage) {
  v1::JobEvent event;
  *event.mutable_iteration() = iteration;
  if (usage != nullptr) *event.mutable_usage() = *usage;
  return event.SerializeAsString();
}

absl::StatusOr<v1::JobEvent> DecodeEvent(const std::string& job_id,
                                         const store::EventRecord& record) {
  v1::JobEvent event;
  if (!event.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("job ", job_id, ": event ", record.sequence, " is unreadable"));
  }
  event.set_job_id(job_id);
  event.set_sequence(record.sequence);
  event.set_time_unix_micros(record.time_micros);
  return event;
}

}  // namespace qgrad::server
