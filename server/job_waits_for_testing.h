// Test helper: waits for a job record in a store to satisfy a condition, polling (for the
// JobManager's tests, whose runs happen on the manager's own threads).
//
// Thread-safety: call from the test's thread; the store is thread-safe.
#ifndef QGRAD_SERVER_JOB_WAITS_FOR_TESTING_H_
#define QGRAD_SERVER_JOB_WAITS_FOR_TESTING_H_

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "store/job_store.h"

namespace qgrad::server {

// The record once `done(record)` holds; after `timeout` a test failure and the last record
// seen (an empty one if there was none).
inline store::JobRecord WaitForJobRecord(store::JobStore& store, const std::string& id,
                                         const std::function<bool(const store::JobRecord&)>& done,
                                         std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    absl::StatusOr<store::JobRecord> record = store.GetJob(id);
    if (record.ok() && done(*record)) return *record;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "timed out waiting for " << id;
      return record.ok() ? *record : store::JobRecord();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace qgrad::server

#endif  // QGRAD_SERVER_JOB_WAITS_FOR_TESTING_H_
