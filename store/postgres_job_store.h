// PostgresJobStore: the JobStore that several server replicas share, one PostgreSQL
// database (15 or newer) reached through libpq.
//
// Writes (CreateJob, UpdateJob, ClaimJob, RenewLease, ReleaseLease) go through one writer
// thread that commits group transactions: every write queued while the previous
// transaction was committing goes into the next one, each inside its own SAVEPOINT so that
// one write's failure rolls back only that write; one COMMIT (synchronous_commit on: on
// disk) then acknowledges the batch. Reads run on a pool of connections, each read one
// statement (one snapshot). A connection that breaks (PostgreSQL restarted) fails its call
// with UNAVAILABLE and is re-opened by the next call. Across replicas, claims lock rows
// with FOR UPDATE SKIP LOCKED and per-tenant limits are counted under transaction-scoped
// advisory locks; other replicas' writes reach SetObserver's observer through
// LISTEN/NOTIFY. Design and error table: store/README.md, "The PostgreSQL store".
//
// Thread-safe: any number of threads may call any method concurrently.
#ifndef QGRAD_STORE_POSTGRES_JOB_STORE_H_
#define QGRAD_STORE_POSTGRES_JOB_STORE_H_

#include <atomic>
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

namespace pg {
class Connection;
struct ConnectConfig;
}  // namespace pg

struct PostgresOptions {
  // A file whose first line is the password (e.g. a mounted secret); it overrides any in
  // the conninfo. Empty: libpq's own mechanisms (PGPASSWORD, ~/.pgpass, the conninfo).
  std::string password_file;
  // Read connections; a read waits while all are busy.
  int read_connections = 4;
  // Writes per group transaction at most.
  int max_batch = 256;
  // How often a deadlocked or serialization-failed write is retried inside its batch
  // before it fails with UNAVAILABLE.
  int conflict_retries = 3;
  // How long a write that met a lock waits for it (in its own transaction, after its
  // batch) before it fails with UNAVAILABLE. Other replicas hold locks for one batch
  // (milliseconds); this bounds the stall that a stuck session holding a lock can cause,
  // since the writer thread waits with it.
  int lock_timeout_ms = 2000;
};

// Counters since Open, for tests and monitoring.
struct PostgresStats {
  int64_t writes = 0;        // writes that reached the writer thread
  int64_t transactions = 0;  // group transactions attempted
  int64_t largest_batch = 0;
  int64_t reconnects = 0;    // connections re-opened after they broke
  int64_t deferred = 0;      // writes that met a lock in a batch and ran alone after it
};

class PostgresJobStore : public JobStore {
 public:
  // The schema version this build writes and reads.
  static constexpr int kSchemaVersion = 2;

  // Connects (conninfo: a libpq URI or keyword string), migrates the schema (see
  // postgres_schema.h) and opens the pool. FAILED_PRECONDITION for a newer schema or a
  // failed login; UNAVAILABLE when the server cannot be reached. Messages name the
  // database by its conninfo without the password.
  static absl::StatusOr<std::unique_ptr<PostgresJobStore>> Open(const std::string& conninfo,
                                                                PostgresOptions options = {});

  // Waits for queued writes to commit, stops the listener, closes. No call may be in
  // progress or start.
  ~PostgresJobStore() override;
  PostgresJobStore(const PostgresJobStore&) = delete;
  PostgresJobStore& operator=(const PostgresJobStore&) = delete;

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
  // Starts listening (a dedicated connection and thread) at the first non-null observer.
  bool SetObserver(StoreObserver* observer) override;

  PostgresStats stats() const;

 private:
  // What a committed write tells the other replicas.
  struct Notices {
    std::vector<std::string> changed_jobs;
    bool work_available = false;
  };
  // What a write knows of its transaction and tells the writer.
  struct WriteContext {
    // False: the write shares a batch, and must not wait for a lock another transaction
    // holds (it would wait holding its batch's locks: two replicas' batches could deadlock);
    // it sets `deferred` instead. True: it runs in a transaction of its own and may wait.
    bool alone = false;
    bool deferred = false;  // undo this write and run it again, alone, after the batch
    Notices notices;
  };
  using WriteFn = std::function<absl::Status(pg::Connection&, WriteContext&)>;
  // A write waiting for the writer thread; lives on the calling thread's stack.
  struct PendingWrite {
    WriteFn apply;
    absl::Status status;
    bool done = false;
    bool deferred = false;
  };
  // A pooled connection, re-opened when it broke.
  struct Slot {
    std::unique_ptr<pg::Connection> connection;
  };

  PostgresJobStore(const PostgresOptions& options, std::unique_ptr<pg::ConnectConfig> config);

  // Opens `slot`'s connection if it has none or it broke.
  absl::Status EnsureConnected(Slot& slot);
  // Queues `apply` for the next group transaction and waits until that transaction has
  // committed (or failed). `apply` runs on the writer thread inside a savepoint.
  absl::Status Write(WriteFn apply);
  void WriterLoop();
  // Commits `batch` in one transaction; a write that met a lock is left `deferred`.
  void CommitBatch(const std::vector<PendingWrite*>& batch, bool alone);
  void RunDeferred(const std::vector<PendingWrite*>& deferred);
  absl::Status RunBatch(pg::Connection& c, const std::vector<PendingWrite*>& batch, bool alone);
  absl::Status ApplyWithRetries(pg::Connection& c, PendingWrite& w, bool alone,
                                Notices& notices);
  // Runs `read` on a pooled connection.
  absl::Status Read(const std::function<absl::Status(pg::Connection&)>& read);

  void ListenLoop();
  bool ListenOnce(pg::Connection& c);
  absl::StatusOr<std::unique_ptr<pg::Connection>> OpenListener();
  void DispatchReceived(pg::Connection& c);
  void Dispatch(const std::string& channel, const std::string& payload);

  const PostgresOptions options_;
  const std::unique_ptr<pg::ConnectConfig> config_;
  Slot writer_;  // used by the writer thread only (and Open before it starts)

  internal::WriteQueue<PendingWrite> writes_;
  mutable absl::Mutex stats_mu_;
  int64_t reconnects_ ABSL_GUARDED_BY(stats_mu_) = 0;
  int64_t deferred_ ABSL_GUARDED_BY(stats_mu_) = 0;

  std::vector<std::unique_ptr<Slot>> readers_;  // owned; fixed after Open
  internal::IdlePool<Slot> idle_readers_;

  // The observer; callbacks run under observer_mu_ so that SetObserver(nullptr) returns
  // only once no callback is running.
  absl::Mutex observer_mu_;
  StoreObserver* observer_ ABSL_GUARDED_BY(observer_mu_) = nullptr;
  std::unique_ptr<pg::Connection> first_listener_;  // handed to the listen thread
  std::atomic<bool> stop_listening_{false};
  std::thread listen_thread_;

  std::thread writer_thread_;  // last: started once everything above exists
};

}  // namespace qgrad::store

#endif  // QGRAD_STORE_POSTGRES_JOB_STORE_H_
