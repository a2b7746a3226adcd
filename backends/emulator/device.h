// The emulated device behind the three dialects: a store of jobs (each a list of parsed
// programs), idempotency keys, and a small worker pool that runs the jobs on the
// state-vector simulator with noise (noise.h).
//
// Timing: a job stays queued for Timing::queue_latency after submission, then waits for
// one of Timing::workers workers (jobs start in submission order); it then runs: its
// programs are simulated, and it stays running until run_time_per_job + shots ·
// run_time_per_shot have passed since it started. Cancelling ends it at once (a worker
// busy with it stops at the next trajectory).
//
// Seeds: job n (in creation order) draws from DeriveSeed(seed, n), its program k from
// DeriveSeed(that, k); ids come from a generator seeded by `seed` too. With concurrent
// submissions the creation order, and so the shots, depend on thread timing.
//
// Thread-safety: safe for concurrent use. The destructor cancels the jobs and joins the
// workers.
#ifndef QGRAD_BACKENDS_EMULATOR_DEVICE_H_
#define QGRAD_BACKENDS_EMULATOR_DEVICE_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "backends/emulator/options.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"

namespace qgrad::backends::emulator {

enum class JobState { kQueued, kRunning, kCompleted, kFailed, kCancelled };
bool IsFinal(JobState state);

struct DeviceProgram {
  Circuit circuit;  // no unbound inputs
  int64_t shots = 0;
  std::string register_name = "c";  // the first classical register's name
};

struct JobView {
  std::string id;
  Dialect dialect = Dialect::kIonq;
  JobState state = JobState::kQueued;
  std::string failure;  // kFailed: why
  std::shared_ptr<const std::vector<DeviceProgram>> programs;
  // kCompleted: per program, its shots (bit i = classical bit i).
  std::shared_ptr<const std::vector<std::vector<uint64_t>>> results;
  std::map<std::string, std::string> attributes;  // dialect-specific, set at submission
  absl::Time created;
};

struct DeviceOptions {
  Timing timing;
  NoiseModel noise;
  uint64_t seed = 1;
};

class Device {
 public:
  explicit Device(DeviceOptions options);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  struct Submission {
    Dialect dialect = Dialect::kIonq;
    std::string idempotency_key;  // empty: none
    std::vector<DeviceProgram> programs;
    std::map<std::string, std::string> attributes;
    std::string failure;  // non-empty: the job is created failed with this reason
    std::string fail_when_run;  // non-empty: the job fails with this reason when it runs
  };
  struct Submitted {
    JobView job;
    bool created = false;  // false: an earlier job with the same idempotency key
  };
  Submitted Submit(Submission submission);

  // nullopt for an unknown or vanished job.
  std::optional<JobView> Get(const std::string& id) const;

  enum class CancelOutcome { kNotFound, kCancelled, kAlreadyCancelled, kAlreadyFinal };
  CancelOutcome Cancel(const std::string& id);

  // Fault injection: the job fails now (unless final); the job disappears, together with
  // its idempotency key (a resubmission with that key creates a new job).
  void Fail(const std::string& id, const std::string& reason);
  void Vanish(const std::string& id);

  std::array<int64_t, kNumDialects> JobsCreated() const;

 private:
  struct Job;
  void Work();
  void Run(const std::shared_ptr<Job>& job);
  JobView ViewLocked(const Job& job) const;
  std::string NewIdLocked();

  const DeviceOptions options_;
  const sv::Simulator simulator_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::map<std::pair<int, std::string>, std::string> by_key_;  // (dialect, key) → id
  std::deque<std::shared_ptr<Job>> queue_;
  std::mt19937_64 id_gen_;
  uint64_t next_job_number_ = 0;
  std::array<int64_t, kNumDialects> created_{};
  std::vector<std::thread> workers_;
};

}  // namespace qgrad::backends::emulator

#endif  // QGRAD_BACKENDS_EMULATOR_DEVICE_H_
