// Convergence plots as plain SVG text: one panel per quantity (cost, indicator, error)
// against the event axis of the method (or the time), several runs overlaid with a legend
// sized to its full labels, linear or log-10 y axes, horizontal reference lines (an exact
// value, a tolerance) and bands (chemical accuracy around the exact energy).
//
// Thread-safety: pure functions.
#ifndef QGRAD_RUNNER_SVG_PLOT_H_
#define QGRAD_RUNNER_SVG_PLOT_H_

#include <string>
#include <utility>
#include <vector>

#include "qgrad/v1/job.pb.h"

namespace qgrad::runner {

struct PlotSeries {
  std::string label;  // the legend entry, in full
  std::vector<double> x;
  std::vector<double> y;  // same length as x; non-finite points (and ≤ 0 on log axes) skipped
};

// A dashed horizontal line at y, with its legend entry.
struct PlotLine {
  std::string label;
  double y = 0;
};

// A shaded horizontal band [lo, hi], with its legend entry.
struct PlotBand {
  std::string label;
  double lo = 0;
  double hi = 0;
};

struct PlotPanel {
  PlotPanel() = default;
  PlotPanel(std::string title, std::string y_label, bool log_y = false,
            std::vector<PlotSeries> series = {}, std::string x_label = "iteration")
      : title(std::move(title)), y_label(std::move(y_label)), log_y(log_y),
        series(std::move(series)), x_label(std::move(x_label)) {}

  std::string title;
  std::string y_label;  // with its unit where it has one: "cost (Hartree)"
  bool log_y = false;
  std::vector<PlotSeries> series;
  std::string x_label = "iteration";
  std::vector<PlotLine> lines;
  std::vector<PlotBand> bands;
};

struct PlotOptions {
  std::string title;
  // The document's width with a legend of up to ~17 characters; a longer legend widens the
  // document by what it needs, the plot area stays.
  int width = 760;
  int panel_height = 280;
};

// A complete SVG document: panels stacked vertically, each with axes, axis labels, ticks,
// tick labels, bands, reference lines, a legend box and one polyline (plus point markers)
// per series.
std::string RenderSvg(const std::vector<PlotPanel>& panels, const PlotOptions& options);

struct LabeledResult {
  std::string label;  // the legend entry (qgrad: the spec's name, or --legend)
  v1::JobResult result;
};

// The event axis of the method that produced `result` (its spec): "outer iteration"
// (nested), "ADAPT iteration", "gradient step" (parameter shift), "cost evaluation"
// (hardware-efficient VQE, which reports every evaluation of the minimizer).
std::string EventAxisName(const v1::JobResult& result);

// Chemical accuracy, 1.6 mHa (1 kcal/mol), in Hartree.
inline constexpr double kChemicalAccuracyHartree = 1.6e-3;

struct ConvergencePlotOptions {
  bool log_indicator = true;
  std::string title;
  bool time_axis = false;  // x = seconds since the run's start instead of the event number
};

// Cost, indicator (log scale when `log_indicator`) and, when every run knows its exact
// minimum, |error| (log scale) against the method's event axis; the final point of each
// series is the run's final cost / indicator. Costs of molecules are in Hartree (the axes
// say so). Each known exact minimum is a dashed line on the cost panel; for molecules
// the chemical-accuracy band (exact ± 1.6 mHa) surrounds it and the error panel has the
// 1.6 mHa line.
std::string ConvergencePlot(const std::vector<LabeledResult>& runs,
                            const ConvergencePlotOptions& options);

}  // namespace qgrad::runner

#endif  // QGRAD_RUNNER_SVG_PLOT_H_
