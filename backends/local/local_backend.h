// The local backend: the in-process simulator behind the Backend interface. It receives
// what a device receives — OpenQASM 3 text with input bindings — parses every program at
// submission and runs batches on the state-vector simulator with seeded shots (program k
// of a batch draws from ProgramSeed(batch.seed, k), seeds.h), so a batch gives the same
// shots on every run and with any number of worker threads.
//
// Scheduling: a pool of `threads` workers takes programs from the oldest batch that still
// has untaken ones (batches start in submission order; the programs of one batch are
// spread over the workers). Cancel() ends a batch at once — Wait returns CANCELLED — and
// the workers busy with it stop at their next check (between programs and between chunks
// of shots, program.h).
//
// It also offers the exact state-vector simulator itself (simulator()) for the exact
// estimation mode and classical synthesis.
//
// Thread-safety: safe for concurrent use; handles may be used from any thread and may
// outlive the backend (its batches are then cancelled). The destructor cancels every
// batch and joins the workers.
#ifndef QGRAD_BACKENDS_LOCAL_LOCAL_BACKEND_H_
#define QGRAD_BACKENDS_LOCAL_LOCAL_BACKEND_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "backends/local/description.h"
#include "backends/local/program.h"
#include "backends/statevector/statevector.h"

namespace qgrad::backends::local {

// One worker per hardware thread, at least 1 and at most 8.
int DefaultWorkerThreads();

struct LocalBackendOptions {
  std::string name = kLocalName;
  std::string description = kLocalDescription;
  // Worker threads (at least 1); by default one per core, up to 8. Results do not depend on
  // it (seeds.h).
  int threads = DefaultWorkerThreads();
  ProgramLimits limits;            // per program: qubits, shots, parser work
  int64_t max_programs = 100'000;  // per batch
  // The simulator the workers share. Its OpenMP threads (for states of at least
  // parallel_min_qubits qubits) come on top of the workers.
  sv::SimulatorOptions simulator;
};

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(LocalBackendOptions options = {});
  ~LocalBackend() override;
  LocalBackend(const LocalBackend&) = delete;
  LocalBackend& operator=(const LocalBackend&) = delete;

  Description Describe() const override;
  // INVALID_ARGUMENT for an empty batch, RESOURCE_EXHAUSTED for more than max_programs,
  // and the programs' errors (PrepareProgram): that of the lowest-numbered failing one.
  // Big batches are parsed on `threads` threads (the caller's and helpers).
  absl::StatusOr<std::unique_ptr<BatchHandle>> Submit(Batch batch) override;

  // The exact simulator the backend runs on (immutable; shareable across threads).
  const sv::Simulator& simulator() const;

  struct Core;  // shared with the handles and the workers; defined in local_backend.cc

 private:
  std::shared_ptr<Core> core_;
  std::vector<std::thread> workers_;
};

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_LOCAL_BACKEND_H_
