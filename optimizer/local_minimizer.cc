// NLopt wrapper (see local_minimizer.h).
//
// Thread-safety: no shared mutable state; each call owns its nlopt::opt.
#include "optimizer/local_minimizer.h"

#include <limits>
#include <stdexcept>

#include <nlopt.hpp>

namespace qgrad::optimizer {
namespace {

struct Search {
  const Objective* objective;
  const StopCheck* should_stop;
  absl::Status error;
  LocalMinimum best;
};

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
  if (!value.ok()) {
    search->error = value.status();
    throw nlopt::forced_stop();
  }
  if (search->best.x.empty() || *value < search->best.value) {
    search->best.x.assign(x, x + n);
    search->best.value = *value;
  }
  return *value;
}

}  // namespace

absl::StatusOr<LocalMinimum> Minimize(const Objective& objective, std::vector<double> x0,
                                      const LocalMinimizerOptions& options) {
  const bool lbfgs = options.algorithm == LocalMinimizerOptions::Algorithm::kLbfgs;
  nlopt::opt opt(lbfgs ? nlopt::LD_LBFGS : nlopt::LN_COBYLA, unsigned(x0.size()));
  Search search{&objective, &options.should_stop, absl::OkStatus(), {}};
  opt.set_min_objective(&Trampoline, &search);
  opt.set_ftol_rel(options.ftol_rel);
  if (options.ftol_abs > 0) opt.set_ftol_abs(options.ftol_abs);
  opt.set_maxeval(options.max_evaluations);
  if (options.stop_value) opt.set_stopval(*options.stop_value);
  if (!lbfgs) opt.set_initial_step(options.initial_step);

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
