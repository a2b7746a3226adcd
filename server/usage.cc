// Job usage; see usage.h.
//
// Thread-safety: RunUsage on its run's thread; the free functions keep no state.
#include "server/usage.h"

#include <time.h>

#include <algorithm>
#include <vector>

#include "server/job_records.h"

namespace qgrad::server {
namespace {

// The last events that can hold the newest usage (see StoredUsage), with one to spare.
constexpr int32_t kUsageEventsToRead = 3;

}  // namespace

double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

void AddUsage(const v1::JobUsage& more, v1::JobUsage& total) {
  total.set_cpu_seconds(total.cpu_seconds() + more.cpu_seconds());
  total.set_shots(total.shots() + more.shots());
  total.set_circuits(total.circuits() + more.circuits());
}

absl::StatusOr<v1::JobUsage> StoredUsage(store::JobStore& store, const store::JobRecord& job) {
  const int64_t after = std::max<int64_t>(0, job.last_event_sequence - kUsageEventsToRead);
  absl::StatusOr<std::vector<store::EventRecord>> events =
      store.ReadEvents(job.id, after, kUsageEventsToRead);
  if (!events.ok()) return events.status();
  for (auto it = events->rbegin(); it != events->rend(); ++it) {
    absl::StatusOr<v1::JobEvent> event = DecodeEvent(job.id, *it);
    if (!event.ok()) return event.status();
    if (event->has_usage()) return event->usage();
  }
  return v1::JobUsage();
}

RunUsage::RunUsage(const v1::JobUsage& before) : total_(before), cpu_start_(ThreadCpuSeconds()) {}

void RunUsage::AddMeasurements(int64_t shots, int64_t circuits) {
  total_.set_shots(total_.shots() + shots);
  total_.set_circuits(total_.circuits() + circuits);
}

v1::JobUsage RunUsage::Total() const {
  v1::JobUsage total = total_;
  total.set_cpu_seconds(total.cpu_seconds() + (ThreadCpuSeconds() - cpu_start_));
  return total;
}

}  // namespace qgrad::server
