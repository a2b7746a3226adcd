// SVG convergence plots; see svg_plot.h.
//
// Thread-safety: pure functions.
#include "runner/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qgrad::runner {
namespace {

constexpr double kMarginLeft = 78, kMarginRight = 170, kMarginTop = 34, kMarginBottom = 42;
constexpr double kTitleHeight = 30;
// A qualitative palette that stays distinguishable when printed in grey.
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#e377c2", "#17becf"};

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
  Panel(const PlotPanel& panel, double top, const PlotOptions& options)
      : panel_(panel), top_(top), width_(options.width), height_(options.panel_height) {
    Range xs, ys;
    for (const PlotSeries& s : panel.series) {
      for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!Plottable(s.y[i], panel.log_y)) continue;
        xs.Add(s.x[i]);
        ys.Add(panel.log_y ? std::log10(s.y[i]) : s.y[i]);
      }
    }
    x_ = Padded(xs, 0, 1);
    y_ = Padded(ys, 0, 1);
    if (panel.log_y) y_ = {std::floor(y_.lo), std::ceil(y_.hi)};
  }

  std::string Render() const {
    std::string out = absl::StrFormat(
        "<text x=\"%g\" y=\"%g\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
        kMarginLeft, top_ + 20, Escape(panel_.title));
    absl::StrAppend(&out, Frame(), XTicks(), YTicks());
    for (size_t i = 0; i < panel_.series.size(); ++i) absl::StrAppend(&out, Series(i), Legend(i));
    return out;
  }

 private:
  double Left() const { return kMarginLeft; }
  double Right() const { return width_ - kMarginRight; }
  double Top() const { return top_ + kMarginTop; }
  double Bottom() const { return top_ + height_ - kMarginBottom; }
  double X(double x) const { return Left() + (x - x_.lo) / (x_.hi - x_.lo) * (Right() - Left()); }
  double Y(double y) const {
    return Bottom() - (y - y_.lo) / (y_.hi - y_.lo) * (Bottom() - Top());
  }

  std::string Frame() const {
    return absl::StrFormat(
        "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n"
        "<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\">iteration</text>\n"
        "<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\" "
        "transform=\"rotate(-90 %g %g)\">%s</text>\n",
        Left(), Top(), Right() - Left(), Bottom() - Top(), (Left() + Right()) / 2, Bottom() + 34,
        18.0, (Top() + Bottom()) / 2, 18.0, (Top() + Bottom()) / 2, Escape(panel_.y_label));
  }

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
    const char* color = kColors[index % std::size(kColors)];
    std::string points, markers;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!Plottable(s.y[i], panel_.log_y)) continue;
      const double y = Y(panel_.log_y ? std::log10(s.y[i]) : s.y[i]);
      absl::StrAppendFormat(&points, "%.2f,%.2f ", X(s.x[i]), y);
      absl::StrAppendFormat(&markers, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>",
                            X(s.x[i]), y, color);
    }
    return absl::StrFormat(
        "<g class=\"series\" data-label=\"%s\"><polyline fill=\"none\" stroke=\"%s\" "
        "stroke-width=\"1.8\" points=\"%s\"/>%s</g>\n",
        Escape(s.label), color, points, markers);
  }

  // Long run names are cut to fit the right margin; the full name is the tooltip.
  static std::string Shortened(const std::string& label) {
    constexpr size_t kMaxBytes = 17;
    if (label.size() <= kMaxBytes) return label;
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
    return label.substr(0, cut) + "\u2026";
  }

  std::string Legend(size_t index) const {
    const double y = Top() + 8 + 18 * index;
    const char* color = kColors[index % std::size(kColors)];
    const std::string& label = panel_.series[index].label;
    return absl::StrFormat(
        "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"3\"/>"
        "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\"><title>%s</title>%s</text>\n",
        Right() + 12, y, Right() + 32, y, color, Right() + 38, y + 4, Escape(label),
        Escape(Shortened(label)));
  }

  const PlotPanel& panel_;
  double top_;
  double width_;
  double height_;
  Range x_, y_;
};

// One series per run: history values, then the final value one iteration later.
PlotSeries RunSeries(const LabeledResult& run, double (*value)(const v1::IterationEvent&),
                     double final_value) {
  PlotSeries s{run.label, {}, {}};
  for (const v1::IterationEvent& e : run.result.history()) {
    s.x.push_back(e.iteration());
    s.y.push_back(value(e));
  }
  s.x.push_back(run.result.history_size());
  s.y.push_back(final_value);
  return s;
}

}  // namespace

std::string RenderSvg(const std::vector<PlotPanel>& panels, const PlotOptions& options) {
  const double title = options.title.empty() ? 0 : kTitleHeight;
  const double height = title + options.panel_height * std::max<size_t>(1, panels.size());
  std::string out = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%g\" "
      "viewBox=\"0 0 %d %g\" font-family=\"sans-serif\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      options.width, height, options.width, height);
  if (!options.title.empty()) {
    absl::StrAppendFormat(&out,
                          "<text x=\"%d\" y=\"22\" font-size=\"16\" text-anchor=\"middle\" "
                          "font-weight=\"bold\">%s</text>\n",
                          options.width / 2, Escape(options.title));
  }
  for (size_t i = 0; i < panels.size(); ++i) {
    absl::StrAppend(&out, Panel(panels[i], title + i * options.panel_height, options).Render());
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

std::string ConvergencePlot(const std::vector<LabeledResult>& runs, bool log_indicator,
                            const std::string& title) {
  PlotPanel cost{"Cost", "cost", false, {}};
  PlotPanel indicator{"Indicator I_t", "indicator", log_indicator, {}};
  PlotPanel error{"Error |cost - exact|", "error", true, {}};
  bool all_exact = !runs.empty();
  for (const LabeledResult& run : runs) {
    const v1::JobResult& r = run.result;
    cost.series.push_back(
        RunSeries(run, [](const v1::IterationEvent& e) { return e.cost(); }, r.final_cost()));
    indicator.series.push_back(RunSeries(
        run, [](const v1::IterationEvent& e) { return e.indicator(); }, r.final_indicator()));
    if (!r.has_exact_cost()) {
      all_exact = false;
      continue;
    }
    PlotSeries e = cost.series.back();
    for (double& y : e.y) y = std::abs(y - r.exact_cost());
    error.series.push_back(std::move(e));
  }
  std::vector<PlotPanel> panels = {cost, indicator};
  if (all_exact) panels.push_back(error);
  return RenderSvg(panels, PlotOptions{title});
}

}  // namespace qgrad::runner
