// Progress line, bar, durations and ETA of `qgrad watch`.
#include "cli/progress_bar.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace qgrad::cli {
namespace {

v1::IterationEvent Iteration(int i, double elapsed, double indicator) {
  v1::IterationEvent e;
  e.set_iteration(i);
  e.set_elapsed_seconds(elapsed);
  e.set_indicator(indicator);
  e.set_cost(-1.5);
  e.set_fidelity(0.9999);
  e.set_two_qubit_gates(4);
  return e;
}

v1::JobEvent Wrap(const v1::IterationEvent& it) {
  v1::JobEvent e;
  *e.mutable_iteration() = it;
  return e;
}

v1::JobEvent State(v1::JobState s, const std::string& error = "") {
  v1::JobEvent e;
  e.set_state(s);
  e.set_error(error);
  return e;
}

TEST(FormatDurationTest, ScalesUnits) {
  EXPECT_EQ(FormatDuration(0.42), "0.4s");
  EXPECT_EQ(FormatDuration(12.4), "12s");
  EXPECT_EQ(FormatDuration(187), "3m07s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(RenderBarTest, FillsProportionallyAndClamps) {
  EXPECT_EQ(RenderBar(0.0, 4), "[----]");
  EXPECT_EQ(RenderBar(0.5, 4), "[##--]");
  EXPECT_EQ(RenderBar(1.0, 4), "[####]");
  EXPECT_EQ(RenderBar(3.0, 4), "[####]");
  EXPECT_EQ(RenderBar(-1.0, 4), "[----]");
}

TEST(PlanForTest, DefaultsFollowJobProto) {
  v1::JobSpec spec;
  EXPECT_EQ(PlanFor(spec).max_iterations, 50);  // no method: nested with defaults
  EXPECT_DOUBLE_EQ(PlanFor(spec).indicator_threshold, 1e-9);
  spec.mutable_method()->mutable_nested()->mutable_stop()->set_max_iterations(7);
  EXPECT_EQ(PlanFor(spec).max_iterations, 7);
  spec.mutable_method()->mutable_adapt_vqe();
  EXPECT_EQ(PlanFor(spec).max_iterations, 100);
  EXPECT_EQ(PlanFor(spec).indicator_threshold, 0.0);
  spec.mutable_method()->mutable_parameter_shift()->set_iterations(30);
  EXPECT_EQ(PlanFor(spec).max_iterations, 30);
  spec.mutable_method()->mutable_hea_vqe();
  EXPECT_FALSE(PlanFor(spec).max_iterations.has_value());
}

TEST(EtaTest, BudgetTimesRecentSecondsPerIteration) {
  ProgressPlan plan{10, 0.0};
  // 2 s per iteration; iterations 0..3 done, 6 to go.
  std::vector<v1::IterationEvent> h = {Iteration(0, 5, 0.1), Iteration(1, 7, 0.1),
                                       Iteration(2, 9, 0.1), Iteration(3, 11, 0.1)};
  EXPECT_EQ(EstimateRemainingIterations(h, plan), 6);
  ASSERT_TRUE(EstimateRemainingSeconds(h, plan).has_value());
  EXPECT_DOUBLE_EQ(*EstimateRemainingSeconds(h, plan), 12.0);
}

TEST(EtaTest, IndicatorTrendCanEndTheRunBeforeTheBudget) {
  ProgressPlan plan{50, 1e-9};
  // A decade per iteration from 1e-3: 1e-9 is six decades below the last one (1e-5).
  std::vector<v1::IterationEvent> h = {Iteration(0, 1, 1e-3), Iteration(1, 2, 1e-4),
                                       Iteration(2, 3, 1e-5)};
  EXPECT_EQ(EstimateRemainingIterations(h, plan), 4);
  EXPECT_DOUBLE_EQ(*EstimateRemainingSeconds(h, plan), 4.0);
  // A flat indicator gives no trend: the budget rules.
  std::vector<v1::IterationEvent> flat = {Iteration(0, 1, 1e-3), Iteration(1, 2, 1e-3),
                                          Iteration(2, 3, 1e-3)};
  EXPECT_EQ(EstimateRemainingIterations(flat, plan), 47);
}

TEST(EtaTest, UnknownWithoutTwoEventsOrABound) {
  ProgressPlan plan{10, 0.0};
  EXPECT_FALSE(EstimateRemainingSeconds({Iteration(0, 1, 0.1)}, plan).has_value());
  ProgressPlan unbounded;
  EXPECT_FALSE(
      EstimateRemainingSeconds({Iteration(0, 1, 0), Iteration(1, 2, 0)}, unbounded).has_value());
}

TEST(ProgressTrackerTest, LinesThroughALifecycle) {
  ProgressTracker t(ProgressPlan{10, 0.0});
  t.Add(State(v1::JOB_STATE_QUEUED));
  EXPECT_EQ(t.Line(), "QUEUED     waiting for a free slot");
  t.Add(State(v1::JOB_STATE_RUNNING));
  EXPECT_EQ(t.Line(), "RUNNING    starting");
  t.Add(Wrap(Iteration(0, 1, 2.5e-3)));
  t.Add(Wrap(Iteration(1, 3, 1.0e-3)));
  EXPECT_EQ(t.Line(),
            "RUNNING   [####----------------]   2/10  cost -1.5000000000  indicator 1.00e-03  "
            "fidelity 0.999900  2q 4  3.0s  ETA 16s");
  t.Add(State(v1::JOB_STATE_SUCCEEDED));
  EXPECT_EQ(t.Line(),
            "SUCCEEDED [####################]   2/10  cost -1.5000000000  indicator 1.00e-03  "
            "fidelity 0.999900  2q 4  3.0s");
  EXPECT_EQ(t.iterations(), 2);
}

TEST(ProgressTrackerTest, BaselineShowsTheGradientAndFailuresTheirError) {
  ProgressTracker t(ProgressPlan{});
  v1::IterationEvent e = Iteration(4, 2, 0);
  e.set_cost_evaluations(40);
  e.set_gradient_norm(0.0123);
  e.set_num_params(8);
  t.Add(Wrap(e));  // progress without a RUNNING event still means running
  EXPECT_EQ(t.Line(),
            "RUNNING    iter 5  cost -1.5000000000  gradient 1.23e-02  params 8  2q 4  2.0s  "
            "ETA --");
  t.Add(State(v1::JOB_STATE_FAILED, "out of memory"));
  EXPECT_TRUE(absl::EndsWith(t.Line(), "2.0s  (out of memory)")) << t.Line();
  EXPECT_EQ(t.error(), "out of memory");
}

std::string Printed(bool in_place, const std::vector<std::string>& lines, bool note,
                    int columns = 0) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buffer, &size);
  {
    ProgressPrinter p(f, in_place, columns);
    for (const std::string& line : lines) p.Show(line);
    if (note) p.Note("reconnecting");
    p.Finish();
  }
  std::fclose(f);
  std::string out(buffer, size);
  free(buffer);
  return out;
}

TEST(ProgressPrinterTest, PlainLinesSkipRepeats) {
  EXPECT_EQ(Printed(false, {"a", "a", "b"}, true), "a\nb\nreconnecting\n");
}

TEST(ProgressPrinterTest, InPlaceRedrawsOneLine) {
  EXPECT_EQ(Printed(true, {"a", "b"}, false), "\ra\x1b[K\rb\x1b[K\n");
  // A note goes above the status line, which is drawn again below it.
  EXPECT_EQ(Printed(true, {"a"}, true), "\ra\x1b[K\r\x1b[Kreconnecting\n\ra\x1b[K\n");
}

TEST(ProgressPrinterTest, InPlaceLinesAreCutToTheTerminalWidth) {
  EXPECT_EQ(Printed(true, {"abcdefgh"}, false, 5), "\rabcd\x1b[K\n");
  EXPECT_EQ(Printed(false, {"abcdefgh"}, false, 5), "abcdefgh\n");  // logs keep everything
}

TEST(StateNameTest, DropsThePrefix) {
  EXPECT_EQ(StateName(v1::JOB_STATE_CANCELLED), "CANCELLED");
  EXPECT_EQ(StateName(static_cast<v1::JobState>(42)), "STATE_42");
}

}  // namespace
}  // namespace qgrad::cli
