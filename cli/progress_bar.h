// The live progress display of `qgrad watch`: a status line per job built from its
// events (state, a bar, iteration, cost, indicator or gradient, elapsed time, ETA), and a
// printer that redraws one line in place on a terminal or appends plain lines elsewhere
// (logs, pipes).
//
// ETA: seconds per iteration from the recent events' elapsed times, times the iterations
// left — the fewer of what the iteration budget leaves and what the indicator's recent
// log-linear decay needs to reach the threshold (nested runs stop there).
//
// Thread-safety: ProgressTracker and ProgressPrinter are not thread-safe (one watcher
// thread); the free functions are pure.
#ifndef QGRAD_CLI_PROGRESS_BAR_H_
#define QGRAD_CLI_PROGRESS_BAR_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "qgrad/v1/service.pb.h"

namespace qgrad::cli {

// What a job's spec says about where it will stop.
struct ProgressPlan {
  std::optional<int> max_iterations;  // unknown for the VQE baseline
  double indicator_threshold = 0.0;   // 0: the method does not stop on the indicator
};

// From the spec, with job.proto's documented defaults for absent fields.
ProgressPlan PlanFor(const v1::JobSpec& spec);

// "0.4s", "12s", "3m07s", "2h05m".
std::string FormatDuration(double seconds);

// "[#####---------------]" with `width` cells between the brackets; fraction clamped.
std::string RenderBar(double fraction, int width);

// Iterations still to come, from the budget and the indicator trend (nullopt when
// neither bounds them); `history` holds the progress events so far, oldest first.
std::optional<int> EstimateRemainingIterations(const std::vector<v1::IterationEvent>& history,
                                               const ProgressPlan& plan);
// EstimateRemainingIterations × recent seconds per iteration; nullopt with fewer than two
// events or no bound.
std::optional<double> EstimateRemainingSeconds(const std::vector<v1::IterationEvent>& history,
                                               const ProgressPlan& plan);

// "SUCCEEDED", "RUNNING", ... (the enum name without JOB_STATE_).
std::string StateName(v1::JobState state);

class ProgressTracker {
 public:
  explicit ProgressTracker(ProgressPlan plan) : plan_(plan) {}

  void Add(const v1::JobEvent& event);

  // The current status line, without a newline, e.g.
  // "RUNNING   [######--------------]  12/50  cost -3.9812345678  indicator 1.2e-05
  //  fidelity 0.999900  2q 14  3.4s  ETA 20s".
  std::string Line() const;

  v1::JobState state() const { return state_; }
  const std::string& error() const { return error_; }
  int iterations() const { return static_cast<int>(history_.size()); }
  // Elapsed seconds of the newest progress event (0 before the first).
  double elapsed_seconds() const;

 private:
  ProgressPlan plan_;
  v1::JobState state_ = v1::JOB_STATE_UNSPECIFIED;
  std::string error_;
  std::vector<v1::IterationEvent> history_;
};

class ProgressPrinter {
 public:
  // `in_place`: redraw one line with carriage returns (for a terminal). `columns`: the
  // terminal's width (0: unknown); in-place lines are cut to fit, since a wrapped line
  // cannot be redrawn with a carriage return.
  ProgressPrinter(std::FILE* out, bool in_place, int columns = 0)
      : out_(out), in_place_(in_place), columns_(columns) {}

  // Shows `line`: redrawn in place, or appended when it differs from the last one shown.
  void Show(const std::string& line);
  // A message of its own (e.g. "connection lost, reconnecting"), above the status line.
  void Note(const std::string& message);
  // Ends the in-place line so that later output starts on a fresh one.
  void Finish();

 private:
  std::FILE* out_;
  bool in_place_;
  int columns_;
  std::string last_;
  bool line_open_ = false;  // in place: a status line without its newline is showing
};

}  // namespace qgrad::cli

#endif  // QGRAD_CLI_PROGRESS_BAR_H_
