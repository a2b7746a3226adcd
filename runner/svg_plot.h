// Convergence plots as plain SVG text: one panel per quantity (cost, indicator, error)
// against the iteration, several runs overlaid with a legend, linear or log-10 y axes.
//
// Thread-safety: pure functions.
#ifndef QGRAD_RUNNER_SVG_PLOT_H_
#define QGRAD_RUNNER_SVG_PLOT_H_

#include <string>
#include <vector>

#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

struct PlotSeries {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;  // same length as x; non-finite points (and ≤ 0 on log axes) skipped
};

struct PlotPanel {
  std::string title;
  std::string y_label;
  bool log_y = false;
  std::vector<PlotSeries> series;
};

struct PlotOptions {
  std::string title;
  int width = 760;
  int panel_height = 280;
};

// A complete SVG document: panels stacked vertically, each with axes, ticks, tick labels,
// a legend and one polyline (plus point markers) per series.
std::string RenderSvg(const std::vector<PlotPanel>& panels, const PlotOptions& options);

struct LabeledResult {
  std::string label;
  v1::JobResult result;
};

// Cost, indicator (log scale when `log_indicator`) and, when every run knows its exact
// minimum, |error| (log scale) against the iteration; the final point of each series is the
// run's final cost / indicator.
std::string ConvergencePlot(const std::vector<LabeledResult>& runs, bool log_indicator = true,
                            const std::string& title = "");

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_SVG_PLOT_H_
