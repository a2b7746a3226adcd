// The job spec's `estimation` field, validated, and the gradient-state estimator it asks
// for: exact (the optimizer's default) or shadows through a named backend.
//
// Thread-safety: free functions only.
#ifndef QGRAD_RUNNER_ESTIMATION_PLAN_H_
#define QGRAD_RUNNER_ESTIMATION_PLAN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "estimation/shadow_estimator.h"
#include "qgrad/v1/job.pb.h"
#include "runner/limits.h"

namespace qgrad::runner {

struct EstimationPlan {
  bool shadows = false;
  estimation::ShadowEstimatorOptions options;  // shadows only; seed = the spec's
  std::string backend = "local";
  int64_t total_shots = -1;                    // < 0: unlimited
};

// Bounds in job.proto. INVALID_ARGUMENT naming the field (shadows with another method than
// nested, with a warm start or a hand-back, a bad ensemble or range); RESOURCE_EXHAUSTED when
// a program's shots exceed max_shots or an estimate would need more than kMaxSettings
// programs. `num_qubits` is the problem's (the system register's).
inline constexpr int64_t kMaxSettings = 100'000;
absl::StatusOr<EstimationPlan> ToEstimationPlan(const v1::JobSpec& spec, const SpecLimits& limits,
                                                int num_qubits);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_ESTIMATION_PLAN_H_
