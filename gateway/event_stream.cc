// SSE frames and the WatchJob reader behind GET /v1/jobs/{id}/events (event_stream.h).
#include "gateway/event_stream.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/http_errors.h"
#include "gateway/json.h"

namespace qgrad::gateway {

std::string EventFrame(const v1::JobEvent& event) {
  // The JSON printer writes one line (no newline inside), as an SSE data line must be.
  return absl::StrCat("id: ", event.sequence(), "\nevent: job_event\ndata: ", ToJson(event),
                      "\n\n");
}

std::string EndFrame() { return "event: end\ndata: {}\n\n"; }

std::string ErrorFrame(const grpc::Status& status) {
  return absl::StrCat("event: error\ndata: ", ErrorJson(status.error_code(), status.error_message()),
                      "\n\n");
}

std::optional<int64_t> ResumeAfter(const std::string& last_event_id, const std::string& after) {
  const std::string& text = !last_event_id.empty() ? last_event_id : after;
  if (text.empty()) return 0;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 0) return std::nullopt;
  return value;
}

EventStream::EventStream(v1::JobService::Stub& stub, const std::string& authorization,
                         const std::string& job_id, int64_t after_sequence) {
  if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
  request_.set_job_id(job_id);
  request_.set_after_sequence(after_sequence);
  stub.async()->WatchJob(&context_, &request_, this);
  StartRead(&incoming_);
  StartCall();
}

EventStream::~EventStream() {
  context_.TryCancel();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done_));
}

EventStream::Batch EventStream::Take(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || finished_.has_value();
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  Batch batch;
  batch.events.assign(std::make_move_iterator(queue_.begin()),
                      std::make_move_iterator(queue_.end()));
  queue_.clear();
  batch.finished = finished_;
  return batch;
}

void EventStream::Cancel() { context_.TryCancel(); }

void EventStream::OnReadDone(bool ok) {
  if (!ok) return;  // the call is ending; OnDone follows with its status
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(incoming_));
  }
  incoming_.Clear();
  StartRead(&incoming_);
}

void EventStream::OnDone(const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  finished_ = status;
  done_ = true;
}

}  // namespace qgrad::gateway
