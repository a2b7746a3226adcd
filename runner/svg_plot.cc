// SVG convergence plots; see svg_plot.h.
//
// Thread-safety: pure functions.
#include "runner/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace qgrad::runner {
namespace {

constexpr double kMarginLeft = 78, kMarginRight = 170, kMarginTop = 34, kMarginBottom = 42;
// Legend geometry: the box starts kLegendGap right of the plot; an entry is a swatch of
// kSwatch pixels and its text, kLegendRow apart.
constexpr double kLegendGap = 8, kLegendPad = 8, kSwatch = 20, kLegendRow = 18;
// Average advance of a 12 px sans-serif character, a little generous so that text fits.
constexpr double kCharWidth = 7.0;
constexpr double kTitleHeight = 30;
// A qualitative palette that stays distinguishable when printed in grey.
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#e377c2", "#17becf"};
// Series past the palette's length repeat its colours with a dash pattern per round, so
// that no two series (up to 24) look alike; reference lines keep their own "6 4" dashes.
constexpr const char* kSeriesDashes[] = {"", " stroke-dasharray=\"2 3\"",
                                         " stroke-dasharray=\"9 3 2 3\""};

const char* SeriesColor(size_t index) { return kColors[index % std::size(kColors)]; }
const char* SeriesDash(size_t index) {
  return kSeriesDashes[(index / std::size(kColors)) % std::size(kSeriesDashes)];
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

bool Plottable(double y, bool log_y) { return std::isfinite(y) && (!log_y || y > 0); }

// Estimated width of `text` in 12 px sans-serif: UTF-8 continuation bytes do not advance.
double TextWidth(const std::string& text) {
  double chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars * kCharWidth;
}

// Every legend entry of a panel: series, then lines, then bands.
std::vector<std::string> LegendLabels(const PlotPanel& panel) {
  std::vector<std::string> labels;
  for (const PlotSeries& s : panel.series) labels.push_back(s.label);
  for (const PlotLine& l : panel.lines) labels.push_back(l.label);
  for (const PlotBand& b : panel.bands) labels.push_back(b.label);
  return labels;
}

// The legend box's width: its widest label, the swatch and the padding.
double LegendWidth(const std::vector<PlotPanel>& panels) {
  double text = 0;
  for (const PlotPanel& panel : panels) {
    for (const std::string& label : LegendLabels(panel)) text = std::max(text, TextWidth(label));
  }
  return 2 * kLegendPad + kSwatch + 6 + text;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool empty() const { return !(lo <= hi); }
};

// Widens a degenerate or empty range so that a scale can be drawn.
Range Padded(Range r, double fallback_lo, double fallback_hi) {
  if (r.empty()) return {fallback_lo, fallback_hi};
  if (r.hi - r.lo < 1e-12 * std::max(1.0, std::abs(r.hi))) {
    const double pad = std::max(0.5, std::abs(r.hi) * 0.1);
    return {r.lo - pad, r.hi + pad};
  }
  return r;
}

// Tick spacing 1, 2 or 5 × 10^k giving about five ticks.
double NiceStep(double span) {
  const double raw = span / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10.0 * power;
}

std::string TickLabel(double v, bool log_y) {
  if (log_y) return absl::StrFormat("1e%d", static_cast<int>(std::lround(v)));
  if (std::abs(v) < 1e-12) return "0";
  return absl::StrFormat("%g", v);
}

class Panel {
 public:
  // `plot_width`: the plot area's; `legend_width`: the legend box's.
  Panel(const PlotPanel& panel, double top, double plot_width, double legend_width,
        const PlotOptions& options)
      : panel_(panel), top_(top), plot_width_(plot_width), legend_width_(legend_width),
        height_(options.panel_height) {
    Range xs, ys;
    auto add_y = [&](double y) {
      if (Plottable(y, panel.log_y)) ys.Add(panel.log_y ? std::log10(y) : y);
    };
    for (const PlotSeries& s : panel.series) {
      for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!Plottable(s.y[i], panel.log_y)) continue;
        xs.Add(s.x[i]);
        add_y(s.y[i]);
      }
    }
    for (const PlotLine& l : panel.lines) add_y(l.y);
    for (const PlotBand& b : panel.bands) add_y(b.lo), add_y(b.hi);
    x_ = Padded(xs, 0, 1);
    y_ = Padded(ys, 0, 1);
    if (panel.log_y) y_ = {std::floor(y_.lo), std::ceil(y_.hi)};
  }

  std::string Render() const {
    std::string out = absl::StrFormat(
        "<text x=\"%g\" y=\"%g\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
        kMarginLeft, top_ + 20, Escape(panel_.title));
    absl::StrAppend(&out, Bands(), Frame(), XTicks(), YTicks(), Lines());
    for (size_t i = 0; i < panel_.series.size(); ++i) absl::StrAppend(&out, Series(i));
    absl::StrAppend(&out, Legend());
    return out;
  }

 private:
  double Left() const { return kMarginLeft; }
  double Right() const { return kMarginLeft + plot_width_; }
  double Top() const { return top_ + kMarginTop; }
  double Bottom() const { return top_ + height_ - kMarginBottom; }
  double X(double x) const { return Left() + (x - x_.lo) / (x_.hi - x_.lo) * (Right() - Left()); }
  double Y(double y) const {
    return Bottom() - (y - y_.lo) / (y_.hi - y_.lo) * (Bottom() - Top());
  }

  std::string Frame() const {
    return absl::StrFormat(
        "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n"
        "<text class=\"x-label\" x=\"%g\" y=\"%g\" font-size=\"12\" "
        "text-anchor=\"middle\">%s</text>\n"
        "<text class=\"y-label\" x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\" "
        "transform=\"rotate(-90 %g %g)\">%s</text>\n",
        Left(), Top(), Right() - Left(), Bottom() - Top(), (Left() + Right()) / 2, Bottom() + 34,
        Escape(panel_.x_label), 18.0, (Top() + Bottom()) / 2, 18.0, (Top() + Bottom()) / 2,
        Escape(panel_.y_label));
  }

  // y in the panel's pixels, clamped to the plot area.
  double ClampedY(double value) const {
    const double y = Y(panel_.log_y ? std::log10(value) : value);
    return std::clamp(y, Top(), Bottom());
  }

  std::string Bands() const {
    std::string out;
    for (size_t i = 0; i < panel_.bands.size(); ++i) {
      const PlotBand& b = panel_.bands[i];
      if (!Plottable(b.lo, panel_.log_y) || !Plottable(b.hi, panel_.log_y)) continue;
      const double y_hi = ClampedY(b.hi), y_lo = ClampedY(b.lo);
      absl::StrAppendFormat(&out,
                            "<rect class=\"band\" data-label=\"%s\" x=\"%.2f\" y=\"%.2f\" "
                            "width=\"%.2f\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.18\"/>\n",
                            Escape(b.label), Left(), y_hi, Right() - Left(),
                            std::max(1.0, y_lo - y_hi), BandColor(i));
    }
    return out;
  }

  std::string Lines() const {
    std::string out;
    for (size_t i = 0; i < panel_.lines.size(); ++i) {
      const PlotLine& l = panel_.lines[i];
      if (!Plottable(l.y, panel_.log_y)) continue;
      absl::StrAppendFormat(&out,
                            "<line class=\"reference\" data-label=\"%s\" x1=\"%.2f\" "
                            "y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                            "stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>\n",
                            Escape(l.label), Left(), ClampedY(l.y), Right(), ClampedY(l.y),
                            LineColor(i));
    }
    return out;
  }

  static const char* LineColor(size_t i) { return i % 2 == 0 ? "#000" : "#666"; }
  static const char* BandColor(size_t i) { return i % 2 == 0 ? "#2ca02c" : "#9467bd"; }

  std::string XTicks() const {
    std::string out;
    const double step = std::max(1.0, std::round(NiceStep(x_.hi - x_.lo)));
    for (double x = std::ceil(x_.lo / step) * step; x <= x_.hi + 1e-9; x += step) {
      absl::StrAppendFormat(&out,
                            "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>"
                            "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" "
                            "text-anchor=\"middle\">%g</text>\n",
                            X(x), Bottom(), X(x), Bottom() + 5, X(x), Bottom() + 17, x);
    }
    return out;
  }

  std::string YTicks() const {
    std::string out;
    const double step = panel_.log_y ? std::max(1.0, std::ceil((y_.hi - y_.lo) / 8))
                                     : NiceStep(y_.hi - y_.lo);
    for (double y = std::ceil(y_.lo / step - 1e-9) * step; y <= y_.hi + 1e-9 * step; y += step) {
      absl::StrAppendFormat(&out,
                            "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#ddd\"/>"
                            "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" "
                            "text-anchor=\"end\">%s</text>\n",
                            Left(), Y(y), Right(), Y(y), Left() - 6, Y(y) + 4,
                            TickLabel(y, panel_.log_y));
    }
    return out;
  }

  std::string Series(size_t index) const {
    const PlotSeries& s = panel_.series[index];
    const char* color = SeriesColor(index);
    std::string points, markers;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!Plottable(s.y[i], panel_.log_y)) continue;
      const double y = Y(panel_.log_y ? std::log10(s.y[i]) : s.y[i]);
      absl::StrAppendFormat(&points, "%.2f,%.2f ", X(s.x[i]), y);
      absl::StrAppendFormat(&markers, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>",
                            X(s.x[i]), y, color);
    }
    return absl::StrFormat(
        "<g class=\"series\" data-label=\"%s\"><polyline fill=\"none\" stroke=\"%s\"%s "
        "stroke-width=\"1.8\" points=\"%s\"/>%s</g>\n",
        Escape(s.label), color, SeriesDash(index), points, markers);
  }

  // A box sized to the widest label of any panel, so that every label shows in full.
  std::string Legend() const {
    const std::vector<std::string> labels = LegendLabels(panel_);
    if (labels.empty()) return "";
    const double x = Right() + kLegendGap;
    std::string out = absl::StrFormat(
        "<g class=\"legend\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
        "fill=\"white\" stroke=\"#bbb\"/>\n",
        x, Top(), legend_width_, kLegendPad + kLegendRow * double(labels.size()));
    const size_t lines = panel_.series.size() + panel_.lines.size();
    for (size_t k = 0; k < labels.size(); ++k) {
      const double y = Top() + kLegendPad + 6 + kLegendRow * double(k);
      const double x1 = x + kLegendPad, x2 = x1 + kSwatch;
      if (k < panel_.series.size()) {
        absl::StrAppendFormat(&out,
                              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                              "stroke=\"%s\"%s stroke-width=\"3\"/>",
                              x1, y, x2, y, SeriesColor(k), SeriesDash(k));
      } else if (k < lines) {
        absl::StrAppendFormat(&out,
                              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                              "stroke=\"%s\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>",
                              x1, y, x2, y, LineColor(k - panel_.series.size()));
      } else {
        absl::StrAppendFormat(&out,
                              "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"8\" "
                              "fill=\"%s\" fill-opacity=\"0.18\"/>",
                              x1, y - 4, kSwatch, BandColor(k - lines));
      }
      absl::StrAppendFormat(&out, "<text class=\"legend-label\" x=\"%.2f\" y=\"%.2f\" "
                            "font-size=\"12\">%s</text>\n",
                            x2 + 6, y + 4, Escape(labels[k]));
    }
    return out + "</g>\n";
  }

  const PlotPanel& panel_;
  double top_;
  double plot_width_;
  double legend_width_;
  double height_;
  Range x_, y_;
};

// One series per run: history values against the event number (or the time), then the
// final value one event later (or at the run's end).
PlotSeries RunSeries(const LabeledResult& run, double (*value)(const v1::IterationEvent&),
                     double final_value, bool time_axis) {
  PlotSeries s{run.label, {}, {}};
  double last_time = 0;
  for (const v1::IterationEvent& e : run.result.history()) {
    s.x.push_back(time_axis ? e.elapsed_seconds() : e.iteration());
    s.y.push_back(value(e));
    last_time = std::max(last_time, e.elapsed_seconds());
  }
  s.x.push_back(time_axis ? std::max(last_time, run.result.wall_seconds())
                          : run.result.history_size());
  s.y.push_back(final_value);
  return s;
}

// The distinct names, in first-seen order, joined by " / ".
std::string Joined(const std::vector<std::string>& names) {
  std::vector<std::string> distinct;
  for (const std::string& n : names) {
    if (std::find(distinct.begin(), distinct.end(), n) == distinct.end()) distinct.push_back(n);
  }
  return absl::StrJoin(distinct, " / ");
}

// The exact minima of the runs that know one, each once: (value, label of its first run).
std::vector<std::pair<double, std::string>> ExactValues(const std::vector<LabeledResult>& runs) {
  std::vector<std::pair<double, std::string>> values;
  for (const LabeledResult& run : runs) {
    if (!run.result.has_exact_cost()) continue;
    const double v = run.result.exact_cost();
    const bool seen = std::any_of(values.begin(), values.end(), [v](const auto& known) {
      return std::abs(known.first - v) <= 1e-12 * std::max(1.0, std::abs(v));
    });
    if (!seen) values.push_back({v, run.label});
  }
  return values;
}

}  // namespace

std::string RenderSvg(const std::vector<PlotPanel>& panels, const PlotOptions& options) {
  const double title = options.title.empty() ? 0 : kTitleHeight;
  const double height = title + options.panel_height * std::max<size_t>(1, panels.size());
  const double plot_width = std::max(100.0, options.width - kMarginLeft - kMarginRight);
  const double legend_width = LegendWidth(panels);
  const int width = static_cast<int>(std::ceil(
      kMarginLeft + plot_width + std::max(kMarginRight, kLegendGap + legend_width + 12)));
  std::string out = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%g\" "
      "viewBox=\"0 0 %d %g\" font-family=\"sans-serif\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      width, height, width, height);
  if (!options.title.empty()) {
    absl::StrAppendFormat(&out,
                          "<text x=\"%d\" y=\"22\" font-size=\"16\" text-anchor=\"middle\" "
                          "font-weight=\"bold\">%s</text>\n",
                          width / 2, Escape(options.title));
  }
  for (size_t i = 0; i < panels.size(); ++i) {
    absl::StrAppend(&out, Panel(panels[i], title + i * options.panel_height, plot_width,
                                legend_width, options)
                              .Render());
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

std::string EventAxisName(const v1::JobResult& result) {
  switch (result.spec().method().kind_case()) {
    case v1::Method::kHeaVqe:
      return "cost evaluation";
    case v1::Method::kAdaptVqe:
      return "ADAPT iteration";
    case v1::Method::kParameterShift:
      return "gradient step";
    case v1::Method::kNested:
    case v1::Method::KIND_NOT_SET:  // the default method
      break;
  }
  return "outer iteration";
}

std::string ConvergencePlot(const std::vector<LabeledResult>& runs,
                            const ConvergencePlotOptions& options) {
  bool all_exact = !runs.empty(), all_molecules = !runs.empty();
  std::vector<std::string> axes;
  for (const LabeledResult& run : runs) {
    all_exact = all_exact && run.result.has_exact_cost();
    all_molecules = all_molecules && run.result.spec().problem().has_molecule();
    axes.push_back(EventAxisName(run.result));
  }
  const std::string unit = all_molecules ? " (Hartree)" : "";
  const std::string x_label = options.time_axis ? "time (s)" : Joined(axes);
  PlotPanel cost("Cost", "cost" + unit, false, {}, x_label);
  PlotPanel indicator("Indicator I_t", "indicator", options.log_indicator, {}, x_label);
  PlotPanel error("Error |cost - exact|", "|cost - exact|" + unit, true, {}, x_label);
  for (const LabeledResult& run : runs) {
    const v1::JobResult& r = run.result;
    cost.series.push_back(RunSeries(
        run, [](const v1::IterationEvent& e) { return e.cost(); }, r.final_cost(),
        options.time_axis));
    indicator.series.push_back(RunSeries(
        run, [](const v1::IterationEvent& e) { return e.indicator(); }, r.final_indicator(),
        options.time_axis));
    if (!all_exact) continue;
    PlotSeries e = cost.series.back();
    for (double& y : e.y) y = std::abs(y - r.exact_cost());
    error.series.push_back(std::move(e));
  }
  const std::vector<std::pair<double, std::string>> exact = ExactValues(runs);
  for (const auto& [value, first_run] : exact) {
    const std::string of = exact.size() > 1 ? absl::StrCat(" (", first_run, ")") : "";
    cost.lines.push_back({absl::StrCat("exact", of), value});
    if (all_molecules) {
      cost.bands.push_back({absl::StrCat("chemical accuracy, exact ± 1.6 mHa", of),
                            value - kChemicalAccuracyHartree, value + kChemicalAccuracyHartree});
    }
  }
  if (all_molecules) error.lines.push_back({"chemical accuracy (1.6 mHa)", kChemicalAccuracyHartree});
  std::vector<PlotPanel> panels = {cost, indicator};
  if (all_exact) panels.push_back(error);
  return RenderSvg(panels, PlotOptions{options.title});
}

}  // namespace qgrad::runner
