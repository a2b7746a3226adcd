// Local minimization of a classical objective with NLopt (L-BFGS on analytic gradients, or
// derivative-free COBYLA), used by layer synthesis, warm starts and hand-back.
//
// NLopt reports some normal stops (round-off limits, forced stops) as exceptions and may
// leave its x at the last trial point; this wrapper always returns the best point it saw.
//
// Thread-safety: pure function of its arguments (the objective is called on the caller's
// thread only).
#ifndef QGRAD_OPTIMIZER_LOCAL_MINIMIZER_H_
#define QGRAD_OPTIMIZER_LOCAL_MINIMIZER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "optimizer/stop.h"

namespace qgrad::optimizer {

struct LocalMinimizerOptions {
  enum class Algorithm { kLbfgs, kCobyla };
  Algorithm algorithm = Algorithm::kLbfgs;
  double ftol_rel = 1e-12;   // stop when an iteration improves f by less (relative)
  double ftol_abs = 0.0;
  int max_evaluations = 2000;
  std::optional<double> stop_value;  // stop as soon as f <= stop_value
  double initial_step = 0.2;  // COBYLA's initial simplex size
  // Polled before every evaluation; when it fires the search ends with CANCELLED.
  StopCheck should_stop = nullptr;
};

struct LocalMinimum {
  std::vector<double> x;
  double value = 0.0;
  int evaluations = 0;
};

// f(x) and, when `gradient` is non-empty, ∂f/∂x written into it. An error stops the search
// and is returned.
using Objective =
    std::function<absl::StatusOr<double>(absl::Span<const double> x, absl::Span<double> gradient)>;

// REQUIRES: x0 non-empty.
absl::StatusOr<LocalMinimum> Minimize(const Objective& objective, std::vector<double> x0,
                                      const LocalMinimizerOptions& options);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_LOCAL_MINIMIZER_H_
