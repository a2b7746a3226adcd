// Translation of a spec's `method.nested` (and `limits`) into optimizer::NestedOptions.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_NESTED_OPTIONS_H_
#define QGRAD_RUNNER_NESTED_OPTIONS_H_

#include "absl/status/statusor.h"
#include "optimizer/nested.h"
#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

// Absent optional fields keep the optimizer's defaults (documented in job.proto).
// INVALID_ARGUMENT naming the field ("method.nested.step_size: must be > 0",
// "method.nested.pool: ...").
absl::StatusOr<optimizer::NestedOptions> ToNestedOptions(const v1::NestedMethod& spec,
                                                         const v1::Limits& limits,
                                                         int num_qubits);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_NESTED_OPTIONS_H_
