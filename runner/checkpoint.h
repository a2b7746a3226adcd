// Checkpoints of resumable runs as bytes: a nested run's state after an outer iteration
// (optimizer::NestedResult) or a resumable baseline's after an iteration
// (optimizer::BaselineResult) ⇄ a serialized qgrad.v1.Checkpoint
// (proto/qgrad/v1/checkpoint.proto). The circuit is stored gate by gate in IR terms and
// every double bit-exactly, so decoding what was encoded gives an identical run state and
// ResumeNested continues exactly as the uninterrupted run.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_CHECKPOINT_H_
#define QGRAD_RUNNER_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/circuit.h"
#include "optimizer/baseline.h"
#include "optimizer/nested.h"
#include "qgrad/v1/checkpoint.pb.h"

namespace qgrad::runner {

inline constexpr uint32_t kCheckpointVersion = 1;

v1::CheckpointCircuit CircuitToProto(const Circuit& circuit);
// INVALID_ARGUMENT ("gates[3]: ...") for an unknown gate kind or a gate the IR rejects.
absl::StatusOr<Circuit> CircuitFromProto(const v1::CheckpointCircuit& proto);

optimizer::IterationEvent IterationFromProto(const v1::IterationEvent& proto);

std::string EncodeNestedCheckpoint(const optimizer::NestedResult& run, uint64_t seed);
// INVALID_ARGUMENT ("checkpoint: ...") for bytes that are not a nested checkpoint of this
// version, or one written for another seed.
absl::StatusOr<optimizer::NestedResult> DecodeNestedCheckpoint(const std::string& bytes,
                                                               uint64_t seed);

// A resumable baseline's state after an iteration; `method` is "adapt_vqe" or
// "parameter_shift". Decoding refuses (INVALID_ARGUMENT, "checkpoint: ...") bytes written for
// another method or seed, or by another version.
std::string EncodeBaselineCheckpoint(const optimizer::BaselineResult& run,
                                     const std::string& method, uint64_t seed);
absl::StatusOr<optimizer::BaselineResult> DecodeBaselineCheckpoint(const std::string& bytes,
                                                                   const std::string& method,
                                                                   uint64_t seed);

// The iterations a checkpoint of any method holds (0 for empty or unreadable bytes).
int32_t CheckpointIterations(const std::string& bytes);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_CHECKPOINT_H_
