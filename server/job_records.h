// How the job service keeps qgrad.v1 messages in the opaque store records: the spec, the
// result and every event are serialized messages; a stored event is a JobEvent without
// job_id, sequence and time, which the store records beside it and which are filled back
// in when the event is read. Also the conversions between store and API job states.
//
// Thread-safety: free functions only.
#ifndef QGRAD_SERVER_JOB_RECORDS_H_
#define QGRAD_SERVER_JOB_RECORDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "qgrad/v1/job.pb.h"
#include "qgrad/v1/service.pb.h"
#include "store/job_store.h"

namespace qgrad::server {

v1::JobState ToProtoState(store::JobState state);
// INVALID_ARGUMENT for JOB_STATE_UNSPECIFIED or an unknown number.
absl::StatusOr<store::JobState> FromProtoState(int state);
// "QUEUED", "RUNNING", ...
std::string StateName(store::JobState state);

// The API view of a stored job; the spec is parsed only when `with_spec`.
v1::Job JobToProto(const store::JobRecord& record, bool with_spec);

// `usage` (may be null): the job's usage up to this event (JobEvent.usage).
std::string StateEventPayload(store::JobState state, const std::string& error = "",
                              const v1::JobUsage* usage = nullptr);
std::string IterationEventPayload(const v1::IterationEvent& iteration,
                                  const v1::JobUsage* usage = nullptr);
// DATA_LOSS when the payload is not a JobEvent.
absl::StatusOr<v1::JobEvent> DecodeEvent(const std::string& job_id,
                                         const store::EventRecord& record);

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOB_RECORDS_H_
