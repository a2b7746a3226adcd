// Progress line, ETA and the line printer; see progress_bar.h.
//
// Thread-safety: see progress_bar.h.
#include "cli/progress_bar.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qgrad::cli {
namespace {

// Defaults documented in proto/qgrad/v1/job.proto; the runner applies the same ones.
constexpr int kNestedMaxIterations = 50;
constexpr double kNestedIndicatorThreshold = 1e-9;
constexpr int kAdaptMaxIterations = 100;
constexpr int kParameterShiftIterations = 20;

// The recent past predicts the next iterations better than the whole run: early
// iterations are often slower (bigger layers) or faster (warm start done before).
constexpr size_t kTrendWindow = 5;

bool IsTerminalState(v1::JobState s) {
  return s == v1::JOB_STATE_SUCCEEDED || s == v1::JOB_STATE_FAILED || s == v1::JOB_STATE_CANCELLED;
}

// Iterations until the indicator falls below the threshold if it keeps decaying at the
// recent log-linear rate; nullopt when it does not decay.
std::optional<int> IterationsByIndicatorTrend(const std::vector<v1::IterationEvent>& history,
                                              double threshold) {
  if (threshold <= 0 || history.size() < 3) return std::nullopt;
  const size_t n = std::min(history.size(), kTrendWindow);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t k = history.size() - n; k < history.size(); ++k) {
    const double indicator = history[k].indicator();
    if (!(indicator > 0)) return std::nullopt;  // baselines, or an exact stationary point
    const double x = history[k].iteration(), y = std::log10(indicator);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double denominator = n * sxx - sx * sx;
  if (denominator <= 0) return std::nullopt;
  const double slope = (n * sxy - sx * sy) / denominator;  // decades per iteration
  if (!(slope < 0)) return std::nullopt;
  const double last = std::log10(history.back().indicator());
  const double needed = (std::log10(threshold) - last) / slope;
  // At least one: the run only stops when its next iteration measures the indicator.
  return std::max(1, static_cast<int>(std::ceil(needed)));
}

std::string Metrics(const v1::IterationEvent& e) {
  if (e.cost_evaluations() > 0) {  // a baseline: no guided state, no synthesis
    return absl::StrFormat("cost %+.10f  gradient %.2e  params %d  2q %d", e.cost(),
                           e.gradient_norm(), e.num_params(), e.two_qubit_gates());
  }
  return absl::StrFormat("cost %+.10f  indicator %.2e  fidelity %.6f  2q %d", e.cost(),
                         e.indicator(), e.fidelity(), e.two_qubit_gates());
}

}  // namespace

ProgressPlan PlanFor(const v1::JobSpec& spec) {
  ProgressPlan plan;
  const v1::Method& m = spec.method();
  switch (m.kind_case()) {
    case v1::Method::kNested:
    case v1::Method::KIND_NOT_SET: {  // nested with defaults
      const v1::StoppingRules& stop = m.nested().stop();
      plan.max_iterations =
          stop.has_max_iterations() ? stop.max_iterations() : kNestedMaxIterations;
      plan.indicator_threshold =
          stop.has_indicator_threshold() ? stop.indicator_threshold() : kNestedIndicatorThreshold;
      break;
    }
    case v1::Method::kAdaptVqe:
      plan.max_iterations =
          m.adapt_vqe().has_max_iterations() ? m.adapt_vqe().max_iterations() : kAdaptMaxIterations;
      break;
    case v1::Method::kParameterShift:
      plan.max_iterations = m.parameter_shift().has_iterations() ? m.parameter_shift().iterations()
                                                                 : kParameterShiftIterations;
      break;
    case v1::Method::kHeaVqe:  // stops when its optimizer stalls: no budget in iterations
      break;
  }
  return plan;
}

std::string FormatDuration(double seconds) {
  if (!(seconds >= 0)) return "?";
  if (seconds < 10) return absl::StrFormat("%.1fs", seconds);
  const long s = std::lround(seconds);
  if (s < 60) return absl::StrFormat("%lds", s);
  if (s < 3600) return absl::StrFormat("%ldm%02lds", s / 60, s % 60);
  return absl::StrFormat("%ldh%02ldm", s / 3600, (s % 3600) / 60);
}

std::string RenderBar(double fraction, int width) {
  if (!(fraction >= 0)) fraction = 0;
  fraction = std::min(fraction, 1.0);
  const int filled = static_cast<int>(std::floor(fraction * width + 1e-9));
  return absl::StrCat("[", std::string(filled, '#'), std::string(width - filled, '-'), "]");
}

std::optional<int> EstimateRemainingIterations(const std::vector<v1::IterationEvent>& history,
                                               const ProgressPlan& plan) {
  const int done = history.empty() ? 0 : history.back().iteration() + 1;
  std::optional<int> remaining;
  if (plan.max_iterations.has_value()) remaining = std::max(0, *plan.max_iterations - done);
  if (std::optional<int> trend = IterationsByIndicatorTrend(history, plan.indicator_threshold)) {
    remaining = remaining.has_value() ? std::min(*remaining, *trend) : *trend;
  }
  return remaining;
}

std::optional<double> EstimateRemainingSeconds(const std::vector<v1::IterationEvent>& history,
                                               const ProgressPlan& plan) {
  if (history.size() < 2) return std::nullopt;
  const std::optional<int> remaining = EstimateRemainingIterations(history, plan);
  if (!remaining.has_value()) return std::nullopt;
  const v1::IterationEvent& first =
      history[history.size() - std::min(history.size(), kTrendWindow)];
  const v1::IterationEvent& last = history.back();
  const int steps = last.iteration() - first.iteration();
  if (steps <= 0) return std::nullopt;
  const double per_iteration = (last.elapsed_seconds() - first.elapsed_seconds()) / steps;
  return std::max(0.0, per_iteration) * *remaining;
}

std::string StateName(v1::JobState state) {
  std::string name = v1::JobState_Name(state);
  if (absl::StartsWith(name, "JOB_STATE_")) name = name.substr(10);
  return name.empty() ? absl::StrCat("STATE_", static_cast<int>(state)) : name;
}

void ProgressTracker::Add(const v1::JobEvent& event) {
  if (event.has_state()) {
    state_ = event.state();
    error_ = event.error();
  } else if (event.has_iteration()) {
    history_.push_back(event.iteration());
    // Progress implies running, even when the watch started after the RUNNING event.
    if (state_ == v1::JOB_STATE_UNSPECIFIED || state_ == v1::JOB_STATE_QUEUED) {
      state_ = v1::JOB_STATE_RUNNING;
    }
  }
}

double ProgressTracker::elapsed_seconds() const {
  return history_.empty() ? 0.0 : history_.back().elapsed_seconds();
}

std::string ProgressTracker::Line() const {
  std::string line = absl::StrFormat("%-9s", StateName(state_));
  if (history_.empty()) {
    if (state_ == v1::JOB_STATE_QUEUED) absl::StrAppend(&line, "  waiting for a free slot");
    if (state_ == v1::JOB_STATE_RUNNING) absl::StrAppend(&line, "  starting");
  } else {
    const int done = history_.back().iteration() + 1;
    const std::optional<int> remaining = EstimateRemainingIterations(history_, plan_);
    if (state_ == v1::JOB_STATE_SUCCEEDED) {
      absl::StrAppend(&line, " ", RenderBar(1.0, 20));
    } else if (remaining.has_value()) {
      absl::StrAppend(&line, " ", RenderBar(double(done) / (done + *remaining), 20));
    }
    if (plan_.max_iterations.has_value()) {
      absl::StrAppendFormat(&line, " %3d/%d", done, *plan_.max_iterations);
    } else {
      absl::StrAppendFormat(&line, "  iter %d", done);
    }
    absl::StrAppend(&line, "  ", Metrics(history_.back()), "  ", FormatDuration(elapsed_seconds()));
    if (!IsTerminalState(state_)) {
      const std::optional<double> eta = EstimateRemainingSeconds(history_, plan_);
      absl::StrAppend(&line, "  ETA ", eta.has_value() ? FormatDuration(*eta) : "--");
    }
  }
  if (!error_.empty()) absl::StrAppend(&line, "  (", error_, ")");
  return line;
}

void ProgressPrinter::Show(const std::string& line) {
  if (in_place_) {
    // The last column stays free: some terminals wrap as soon as it is written.
    const std::string shown =
        columns_ > 1 && line.size() >= size_t(columns_) ? line.substr(0, columns_ - 1) : line;
    // Carriage return, the line, then erase whatever a longer previous line left.
    std::fprintf(out_, "\r%s\x1b[K", shown.c_str());
    line_open_ = true;
  } else if (line != last_) {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  last_ = line;
  std::fflush(out_);
}

void ProgressPrinter::Note(const std::string& message) {
  if (in_place_ && line_open_) {
    std::fprintf(out_, "\r\x1b[K%s\n", message.c_str());
    Show(last_);
    return;
  } else {
    std::fprintf(out_, "%s\n", message.c_str());
  }
  std::fflush(out_);
}

void ProgressPrinter::Finish() {
  if (in_place_ && line_open_) std::fprintf(out_, "\n");
  line_open_ = false;
  std::fflush(out_);
}

}  // namespace qgrad::cli
