// Local minimization of a classical objective with NLopt (L-BFGS on analytic gradients, or
// derivative-free COBYLA), used by layer synthesis, warm starts and hand-back.
//
// NLopt reports some normal stops (round-off limits, forced stops) as exceptions and may
// leave its x at the last trial point; this wrapper always returns the best point it saw.
//
// Why the wrapper guards COBYLA: NLopt 2.7's COBYLA polls its stop flags only where it is
// about to call the objective. Its trust-region subproblem (trstlp) loops until step tests
// pass, and with NaN in the simplex data (a NaN start point makes every vertex NaN) or with a
// degenerate simplex (a flat objective lets the radius halve into the subnormal range, since
// NLopt's default radius floor is 0; stevengj/nlopt#370) those tests never pass: the search
// spins without another objective call, so no stop check can end it. Hence: start points and
// every objective value and gradient must be finite (an error otherwise, before NaN reaches
// NLopt), |x0| is bounded, and the radius never shrinks below kCobylaMinRadius.
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
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "optimizer/stop.h"

namespace qgrad::optimizer {

// COBYLA's trust-region radius stops shrinking here (NLopt's rhoend, set through
// xtol_abs): far above the spacing of doubles near any |x| <= 2e6 (4.7e-10), so the simplex
// stays non-degenerate, and far below any angle resolution a cost can use.
inline constexpr double kCobylaMinRadius = 1e-8;
// Bounds Minimize checks. Start coordinates: angles are 2π-periodic, so larger values only
// lose precision; with COBYLA's radius <= initial_step and max_evaluations, x then stays
// within |x| <= 2e6 whatever the objective does.
inline constexpr double kMaxStartMagnitude = 1e6;
inline constexpr double kMinCobylaStep = 1e-6;
inline constexpr double kMaxCobylaStep = 10.0;
inline constexpr int kMaxMinimizerEvaluations = 100'000;

struct LocalMinimizerOptions {
  enum class Algorithm { kLbfgs, kCobyla };
  Algorithm algorithm = Algorithm::kLbfgs;
  double ftol_rel = 1e-12;   // stop when an iteration improves f by less (relative)
  double ftol_abs = 0.0;
  int max_evaluations = 2000;  // in [1, kMaxMinimizerEvaluations]
  std::optional<double> stop_value;  // stop as soon as f <= stop_value
  // COBYLA's initial simplex size, in [kMinCobylaStep, kMaxCobylaStep].
  double initial_step = 0.2;
  // Polled before every evaluation; when it fires the search ends with CANCELLED.
  StopCheck should_stop = nullptr;
  // After every successful evaluation: the evaluations so far and the lowest value seen.
  // Progress for a long search (a warm start); it must not call back into the search.
  std::function<void(int evaluations, double best_value)> on_evaluation = nullptr;
};

// INVALID_ARGUMENT naming the field ("<prefix>.initial_step: ...", or without a prefix when
// it is empty) when an option is out of its range above.
absl::Status ValidateLocalMinimizerOptions(const LocalMinimizerOptions& options,
                                           absl::string_view prefix = "");

struct LocalMinimum {
  std::vector<double> x;
  double value = 0.0;
  int evaluations = 0;
};

// f(x) and, when `gradient` is non-empty, ∂f/∂x written into it. An error stops the search
// and is returned.
using Objective =
    std::function<absl::StatusOr<double>(absl::Span<const double> x, absl::Span<double> gradient)>;

// INVALID_ARGUMENT ("x0[2]: ...", "initial_step: ...") for an empty or non-finite x0, a
// coordinate above kMaxStartMagnitude or options out of range; INVALID_ARGUMENT when the
// objective returns a non-finite value or gradient (the search stops there); CANCELLED when
// should_stop fired; an objective's own error as it is.
absl::StatusOr<LocalMinimum> Minimize(const Objective& objective, std::vector<double> x0,
                                      const LocalMinimizerOptions& options);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_LOCAL_MINIMIZER_H_
