// NLopt wrapper (see local_minimizer.h).
//
// Thread-safety: no shared mutable state; each call owns its nlopt::opt.
#include "optimizer/local_minimizer.h"

#include <cmath>
#include <stdexcept>

#include <nlopt.hpp>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
namespace {

struct Search {
  const Objective* objective;
  const StopCheck* should_stop;
  const std::function<void(int, double)>* on_evaluation;
  absl::Status error;
  LocalMinimum best;
};

// NaN must never reach NLopt (see local_minimizer.h): a non-finite value or gradient ends
// the search with an error instead.
absl::Status CheckFiniteResult(double value, const double* gradient, unsigned n,
                               int evaluation) {
  bool finite = std::isfinite(value);
  for (unsigned i = 0; finite && gradient != nullptr && i < n; ++i) {
    finite = std::isfinite(gradient[i]);
  }
  if (finite) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "local minimizer: the objective (value ", value, ") or its gradient is not finite at ",
      "evaluation ", evaluation, "; check the cost's coefficients and the start parameters"));
}

double Trampoline(unsigned n, const double* x, double* grad, void* data) {
  auto* search = static_cast<Search*>(data);
  // NLopt notices a forced stop only between its iterations and may call again meanwhile.
  if (!search->error.ok()) throw nlopt::forced_stop();
  if (StopRequested(*search->should_stop)) {
    search->error = StoppedError();
    throw nlopt::forced_stop();
  }
  absl::Span<double> gradient = grad ? absl::Span<double>(grad, n) : absl::Span<double>();
  absl::StatusOr<double> value = (*search->objective)(absl::Span<const double>(x, n), gradient);
  ++search->best.evaluations;
  if (value.ok()) {
    search->error = CheckFiniteResult(*value, grad, n, search->best.evaluations);
  } else {
    search->error = value.status();
  }
  if (!search->error.ok()) throw nlopt::forced_stop();
  if (search->best.x.empty() || *value < search->best.value) {
    search->best.x.assign(x, x + n);
    search->best.value = *value;
  }
  if (const auto& report = *search->on_evaluation; report) {
    report(search->best.evaluations, search->best.value);
  }
  return *value;
}

absl::Status ValidateStart(const std::vector<double>& x0) {
  if (x0.empty()) return absl::InvalidArgumentError("x0: no parameters to optimize");
  for (size_t i = 0; i < x0.size(); ++i) {
    if (!(std::abs(x0[i]) <= kMaxStartMagnitude)) {
      return absl::InvalidArgumentError(absl::StrCat("x0[", i, "]: ", x0[i],
                                                     " is not finite or exceeds |x| <= ",
                                                     kMaxStartMagnitude));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptions(const LocalMinimizerOptions& options) {
  if (options.max_evaluations < 1 || options.max_evaluations > kMaxMinimizerEvaluations) {
    return absl::InvalidArgumentError(absl::StrCat("max_evaluations: ", options.max_evaluations,
                                                   " not in [1, ", kMaxMinimizerEvaluations,
                                                   "]"));
  }
  if (!(options.ftol_rel >= 0 && std::isfinite(options.ftol_rel)) ||
      !(options.ftol_abs >= 0 && std::isfinite(options.ftol_abs))) {
    return absl::InvalidArgumentError("ftol_rel, ftol_abs: must be finite and >= 0");
  }
  if (options.stop_value && !std::isfinite(*options.stop_value)) {
    return absl::InvalidArgumentError("stop_value: must be finite");
  }
  const bool cobyla = options.algorithm == LocalMinimizerOptions::Algorithm::kCobyla;
  if (cobyla &&
      !(options.initial_step >= kMinCobylaStep && options.initial_step <= kMaxCobylaStep)) {
    return absl::InvalidArgumentError(absl::StrCat("initial_step: ", options.initial_step,
                                                   " not in [", kMinCobylaStep, ", ",
                                                   kMaxCobylaStep, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLocalMinimizerOptions(const LocalMinimizerOptions& options,
                                           absl::string_view prefix) {
  absl::Status status = CheckOptions(options);
  if (status.ok() || prefix.empty()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, ".", status.message()));
}

absl::StatusOr<LocalMinimum> Minimize(const Objective& objective, std::vector<double> x0,
                                      const LocalMinimizerOptions& options) {
  if (absl::Status s = ValidateStart(x0); !s.ok()) return s;
  if (absl::Status s = ValidateLocalMinimizerOptions(options); !s.ok()) return s;
  const bool lbfgs = options.algorithm == LocalMinimizerOptions::Algorithm::kLbfgs;
  nlopt::opt opt(lbfgs ? nlopt::LD_LBFGS : nlopt::LN_COBYLA, unsigned(x0.size()));
  Search search{&objective, &options.should_stop, &options.on_evaluation, absl::OkStatus(), {}};
  opt.set_min_objective(&Trampoline, &search);
  opt.set_ftol_rel(options.ftol_rel);
  if (options.ftol_abs > 0) opt.set_ftol_abs(options.ftol_abs);
  opt.set_maxeval(options.max_evaluations);
  if (options.stop_value) opt.set_stopval(*options.stop_value);
  if (!lbfgs) {
    opt.set_initial_step(options.initial_step);
    opt.set_xtol_abs(kCobylaMinRadius);
  }

  double value = 0.0;
  try {
    opt.optimize(x0, value);
  } catch (const nlopt::forced_stop&) {
    // Handled below: the search's own error (or stop) is what to report.
  } catch (const nlopt::roundoff_limited&) {
    // Normal near a minimum of a smooth objective: the best point seen stands.
  } catch (const std::runtime_error&) {
    // NLopt's generic failure (e.g. L-BFGS line search); the best point seen stands.
  }
  // Checked whatever NLopt returned: some algorithms finish normally after a forced stop.
  if (!search.error.ok()) return search.error;
  if (search.best.x.empty()) {
    return absl::InternalError("local minimizer: NLopt made no evaluation");
  }
  return std::move(search.best);
}

}  // namespace qgrad::optimizer
