// SqliteJobStore: the durable JobStore, one SQLite file in WAL mode with synchronous=FULL
// (a write returns only once it is on disk) and a versioned schema (sqlite_schema.h).
//
// Writes go through one writer thread that commits group transactions: every CreateJob /
// UpdateJob queued while the previous transaction was being made durable goes into the
// next one, each inside its own SAVEPOINT so that one write's failure rolls back only that
// write. One fsync then acknowledges a whole batch. Reads run on a small pool of separate
// connections, which WAL lets proceed while the writer commits.
//
// Thread-safe: any number of threads may call any method concurrently.
#ifndef QGRAD_STORE_SQLITE_JOB_STORE_H_
#define QGRAD_STORE_SQLITE_JOB_STORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store/job_store.h"
#include "store/idle_pool.h"
#include "store/write_queue.h"

namespace qgrad::store {

namespace sqlite {
class Connection;
}

struct SqliteOptions {
  // How long a statement waits for a lock held by another process before UNAVAILABLE.
  int busy_timeout_ms = 5000;
  // Read connections; a read waits while all are busy.
  int read_connections = 2;
  // Writes per group transaction at most, so that one huge batch cannot hold back the
  // acknowledgement of its first writes for long.
  int max_batch = 256;
  // Largest payload or row accepted, in bytes; a write with a bigger one fails with
  // INVALID_ARGUMENT. 0: SQLite's built-in limit (10^9).
  int max_value_bytes = 0;
};

// Counters since Open, for tests and monitoring.
struct SqliteStats {
  int64_t writes = 0;        // CreateJob/UpdateJob calls that reached the writer
  int64_t transactions = 0;  // group transactions attempted
  int64_t largest_batch = 0;
};

class SqliteJobStore : public JobStore {
 public:
  // The schema version this build writes and reads.
  static constexpr int kSchemaVersion = 2;

  // Opens or creates the database at `path` and migrates an older schema. A database
  // whose schema is newer than kSchemaVersion is refused with FAILED_PRECONDITION and left
  // untouched. `path` must name a file (WAL needs one; ":memory:" is refused).
  static absl::StatusOr<std::unique_ptr<SqliteJobStore>> Open(const std::string& path,
                                                              const SqliteOptions& options = {});

  // Waits for queued writes to commit, then closes. No call may be in progress or start.
  ~SqliteJobStore() override;
  SqliteJobStore(const SqliteJobStore&) = delete;
  SqliteJobStore& operator=(const SqliteJobStore&) = delete;

  absl::StatusOr<CreateJobOutcome> CreateJob(const JobRecord& job,
                                             const std::vector<std::string>& initial_events,
                                             int64_t event_time_micros,
                                             const CreateLimits& limits = {}) override;
  absl::StatusOr<std::optional<JobRecord>> FindJobByKey(const std::string& tenant,
                                                        const std::string& key) override;
  absl::StatusOr<JobRecord> GetJob(const std::string& id) override;
  absl::StatusOr<JobPage> ListJobs(const JobQuery& query) override;
  absl::StatusOr<int64_t> CountJobs(const JobQuery& query) override;
  absl::StatusOr<JobRecord> UpdateJob(const std::string& id, const JobUpdate& update) override;
  absl::StatusOr<std::vector<EventRecord>> ReadEvents(const std::string& id,
                                                      int64_t after_sequence,
                                                      int32_t limit) override;
  absl::StatusOr<std::optional<std::string>> GetCheckpoint(const std::string& id) override;
  absl::StatusOr<std::optional<std::string>> GetResult(const std::string& id) override;
  absl::StatusOr<std::optional<ClaimedJob>> ClaimJob(const ClaimRequest& request) override;
  absl::StatusOr<Lease> RenewLease(const std::string& id, const LeaseFence& fence,
                                   int64_t lease_micros) override;
  absl::Status ReleaseLease(const std::string& id, const LeaseFence& fence) override;

  SqliteStats stats() const;

 private:
  // A write waiting for the writer thread; lives on the calling thread's stack.
  struct PendingWrite {
    std::function<absl::Status(sqlite::Connection&)> apply;
    absl::Status status;
    bool done = false;
  };

  SqliteJobStore(const SqliteOptions& options, std::unique_ptr<sqlite::Connection> writer,
                 std::vector<std::unique_ptr<sqlite::Connection>> readers);

  // Queues `apply` for the next group transaction and waits until that transaction has
  // committed (or failed). `apply` runs on the writer thread inside a savepoint.
  absl::Status Write(std::function<absl::Status(sqlite::Connection&)> apply);
  void WriterLoop();
  void CommitBatch(const std::vector<PendingWrite*>& batch);

  // Runs `read` on a pooled connection inside one read transaction (one snapshot).
  absl::Status Read(const std::function<absl::Status(sqlite::Connection&)>& read);

  const SqliteOptions options_;
  std::unique_ptr<sqlite::Connection> writer_;  // used by the writer thread only

  internal::WriteQueue<PendingWrite> writes_;

  std::vector<std::unique_ptr<sqlite::Connection>> readers_;  // owned; fixed after Open
  internal::IdlePool<sqlite::Connection> idle_readers_;

  std::thread writer_thread_;  // last: started once everything above exists
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_SQLITE_JOB_STORE_H_
