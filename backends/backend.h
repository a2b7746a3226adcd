// The interface every backend implements — the in-process local simulator today, REST
// devices and the device emulator next — and the registry of named backends that the
// server lists and that a job names.
//
// A backend receives what a device receives: a batch of OpenQASM 3 programs, each with
// its `input` bindings and a shot count. Submission is asynchronous: Submit validates the
// batch and returns a handle at once; the handle is polled, waited on with a deadline or
// cancelled.
//
// Bit order (the one place it is defined): a shot is a uint64_t whose bit i is classical
// bit i of the program, classical bits numbered in declaration order (for `bit[3] c;`
// c[0] is bit 0; a second `bit[2] d;` then gives d[0] bit 3). A program has at most
// kMaxShotBits classical bits. BitString() writes the highest bit first, so c[0] is the
// rightmost character (OpenQASM's and Qiskit's convention).
//
// Thread-safety: Backend, BatchHandle and Registry implementations are safe for
// concurrent use; a BatchHandle may be polled, waited on and cancelled from any thread.
#ifndef QGRAD_BACKENDS_BACKEND_H_
#define QGRAD_BACKENDS_BACKEND_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace qgrad::backends {

inline constexpr int kMaxShotBits = 64;

struct Program {
  std::string qasm;                      // an OpenQASM 3 program
  std::map<std::string, double> inputs;  // `input` values by name, or "name[i]" for arrays
  int64_t shots = 0;
};

struct Batch {
  std::vector<Program> programs;
  // Simulating backends draw program k's shots from a generator seeded by (seed, k), so a
  // batch gives the same shots on every run; devices ignore it.
  uint64_t seed = 0;
  // Per-shot results (ProgramResult::memory); counts are always returned.
  bool memory = false;
  // Names one logical submission. Device backends derive each device job's client token
  // (idempotency key) from it and the program index, so a batch submitted again after a
  // crash (same key) finds the device jobs already created instead of creating new ones.
  // Empty: the backend makes a fresh random key. Simulators ignore it.
  std::string idempotency_key;
};

struct ProgramResult {
  int num_clbits = 0;
  int64_t shots = 0;
  std::vector<std::pair<uint64_t, int64_t>> counts;  // (shot value, count), sorted by value
  std::vector<uint64_t> memory;  // every shot in the order taken, when Batch::memory
};

struct BatchResult {
  std::vector<ProgramResult> programs;  // in the batch's order
};

enum class BatchState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
const char* BatchStateName(BatchState state);

struct BatchStatus {
  BatchState state = BatchState::kQueued;
  int64_t programs_done = 0;
  int64_t programs_total = 0;
  absl::Status error;  // kFailed: why
};

class BatchHandle {
 public:
  virtual ~BatchHandle() = default;
  virtual std::string id() const = 0;
  virtual BatchStatus Poll() const = 0;
  // Blocks until the batch ends or `deadline` passes. Returns the results, the batch's
  // error, CANCELLED, or DEADLINE_EXCEEDED (the batch goes on; Wait may be called again).
  virtual absl::StatusOr<BatchResult> Wait(absl::Time deadline) = 0;
  // Asks the batch to stop and returns at once; Wait then returns CANCELLED unless the
  // batch had already ended. Idempotent.
  virtual void Cancel() = 0;
};

struct QueueInfo {
  int64_t pending_batches = 0;   // submitted, not yet running
  int64_t running_batches = 0;
  int64_t pending_shots = 0;     // shots of pending and running batches not yet taken
  // Counts one open batch: queued, else running, with `shots_left` not yet taken.
  void Add(bool queued, int64_t shots_left) {
    ++(queued ? pending_batches : running_batches);
    pending_shots += shots_left;
  }
};

struct Description {
  std::string name;         // registry key, e.g. "local"
  std::string description;
  int max_qubits = 0;       // per program
  int64_t max_shots = 0;    // per program
  int64_t max_programs = 0; // per batch
  std::vector<std::string> native_gates;  // OpenQASM 3 names
  bool exact_amplitudes = false;  // also offers exact state vectors (the local simulator)
  // Per-shot results (Batch::memory) are available; without them Submit refuses a batch
  // that asks for memory (INVALID_ARGUMENT), e.g. a device that returns probabilities.
  bool shot_memory = true;
  bool online = true;
  QueueInfo queue;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Description Describe() const = 0;
  // Validates every program before returning: INVALID_ARGUMENT "program K: ..." (for
  // OpenQASM errors with LINE:COLUMN), RESOURCE_EXHAUSTED over the described limits;
  // UNAVAILABLE when the backend is offline.
  virtual absl::StatusOr<std::unique_ptr<BatchHandle>> Submit(Batch batch) = 0;
};

// What every Submit checks first: INVALID_ARGUMENT for an empty batch, RESOURCE_EXHAUSTED
// for more than `max_programs` programs.
absl::Status CheckBatchSize(const Batch& batch, int64_t max_programs);

// Submit, then Wait until `deadline` (cancelling the batch if the deadline passes).
absl::StatusOr<BatchResult> RunBatch(Backend& backend, Batch batch,
                                     absl::Time deadline = absl::InfiniteFuture());

// The highest of `num_bits` bits first: BitString(0b011, 3) == "011", c[0] rightmost.
std::string BitString(uint64_t shot, int num_bits);

// (value, count) pairs sorted by value.
std::vector<std::pair<uint64_t, int64_t>> CountShots(absl::Span<const uint64_t> shots);

// Named backends. Thread-safe.
class Registry {
 public:
  // ALREADY_EXISTS when the name (Describe().name) is taken.
  absl::Status Add(std::shared_ptr<Backend> backend);
  // NOT_FOUND naming the backend and the names there are.
  absl::StatusOr<std::shared_ptr<Backend>> Find(const std::string& name) const;
  std::vector<Description> List() const;  // sorted by name

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Backend>> backends_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qgrad::backends

#endif  // QGRAD_BACKENDS_BACKEND_H_
