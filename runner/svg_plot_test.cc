// SVG plot tests: the document is well formed (balanced tags) and carries every series; the
// legend shows its labels in full inside a box within the document; the axes name the
// method's events and the problem's unit; a molecule's exact energy is a line inside the
// chemical-accuracy band, at its centre. The SVG is read back as text (attributes parsed).
//
// Thread-safety: single-threaded tests.
#include "runner/svg_plot.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace qgrad::runner {
namespace {

// Minimal XML check: every start tag is closed in order; self-closing tags, the XML
// declaration and attribute values (which may hold '>') are handled.
bool TagsBalanced(const std::string& svg) {
  std::vector<std::string> open;
  for (size_t i = svg.find('<'); i != std::string::npos; i = svg.find('<', i + 1)) {
    size_t end = i + 1;
    for (bool quoted = false; end < svg.size() && (quoted || svg[end] != '>'); ++end) {
      if (svg[end] == '"') quoted = !quoted;
    }
    if (end >= svg.size()) return false;
    const std::string tag = svg.substr(i + 1, end - i - 1);
    if (tag.empty() || tag[0] == '?') continue;
    const std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" />", 1) - (tag[0] == '/'));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
  }
  return open.empty();
}

v1::JobResult FakeRun(double scale, bool exact) {
  v1::JobResult r;
  for (int i = 0; i < 5; ++i) {
    v1::IterationEvent* e = r.add_history();
    e->set_iteration(i);
    e->set_cost(-scale * (1 - std::pow(0.5, i)));
    e->set_indicator(std::pow(0.1, i + 1));
  }
  r.set_final_cost(-scale);
  r.set_final_indicator(1e-9);
  if (exact) r.set_exact_cost(-scale - 1e-4);
  return r;
}

TEST(SvgPlotTest, OverlayIsWellFormedAndLabelled) {
  ConvergencePlotOptions options;
  options.title = "H2 comparison";
  const std::string svg = ConvergencePlot(
      {{"greedy <pool>", FakeRun(2, true)}, {"template & co", FakeRun(1.5, true)}}, options);
  EXPECT_TRUE(TagsBalanced(svg)) << svg;
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("greedy &lt;pool&gt;"), std::string::npos);
  EXPECT_NE(svg.find("template &amp; co"), std::string::npos);
  EXPECT_NE(svg.find("Error"), std::string::npos);  // every run has an exact reference
  EXPECT_NE(svg.find(">1e-9<"), std::string::npos);  // log-scale indicator ticks
  size_t series = 0;
  for (size_t i = svg.find("<polyline"); i != std::string::npos; i = svg.find("<polyline", i + 1)) {
    ++series;
  }
  EXPECT_EQ(series, 6u);  // 2 runs × (cost, indicator, error)
}

// The attributes of the first element that starts with `start` at or after `from`
// (attribute values as text); empty when there is none.
std::map<std::string, std::string> Attributes(const std::string& svg, const std::string& start,
                                              size_t from = 0) {
  std::map<std::string, std::string> out;
  const size_t at = svg.find(start, from);
  if (at == std::string::npos) return out;
  const size_t end = svg.find('>', at);
  const std::string tag = svg.substr(at, end - at);
  for (size_t eq = tag.find("=\""); eq != std::string::npos; eq = tag.find("=\"", eq + 1)) {
    const size_t name_start = tag.rfind(' ', eq) + 1;
    const size_t value_end = tag.find('"', eq + 2);
    out[tag.substr(name_start, eq - name_start)] = tag.substr(eq + 2, value_end - eq - 2);
  }
  return out;
}

double Number(const std::map<std::string, std::string>& attributes, const std::string& name) {
  auto it = attributes.find(name);
  return it == attributes.end() ? std::nan("") : std::strtod(it->second.c_str(), nullptr);
}

// The texts of the elements of class `cls`, in order.
std::vector<std::string> Texts(const std::string& svg, const std::string& cls) {
  std::vector<std::string> texts;
  const std::string key = "class=\"" + cls + "\"";
  for (size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const size_t open = svg.find('>', at) + 1;
    texts.push_back(svg.substr(open, svg.find("</text>", open) - open));
  }
  return texts;
}

v1::JobResult WithMethod(v1::JobResult r, const std::string& method) {
  v1::Method* m = r.mutable_spec()->mutable_method();
  if (method == "hea_vqe") m->mutable_hea_vqe();
  if (method == "adapt_vqe") m->mutable_adapt_vqe();
  if (method == "parameter_shift") m->mutable_parameter_shift();
  if (method == "nested") m->mutable_nested();
  return r;
}

v1::JobResult Molecule(double exact) {
  v1::JobResult r = FakeRun(1, false);
  r.mutable_spec()->mutable_problem()->mutable_molecule()->set_fcidump_text("...");
  for (v1::IterationEvent& e : *r.mutable_history()) e.set_cost(exact + 0.05 * e.indicator());
  r.set_final_cost(exact + 1e-4);
  r.set_exact_cost(exact);
  return r;
}

TEST(SvgPlotTest, LegendShowsFullLabelsInABoxInsideTheDocument) {
  const std::string long_label = "nested + hand-back at end, η = 4/‖H‖₁, 120 gates per layer";
  const std::string svg =
      ConvergencePlot({{long_label, FakeRun(2, false)}, {"start", FakeRun(1, false)}}, {});
  EXPECT_TRUE(TagsBalanced(svg)) << svg;
  const std::vector<std::string> labels = Texts(svg, "legend-label");
  ASSERT_EQ(labels.size(), 4u);  // 2 runs × (cost, indicator)
  EXPECT_EQ(labels[0], "nested + hand-back at end, η = 4/‖H‖₁, 120 gates per layer");
  EXPECT_EQ(labels[1], "start");
  EXPECT_EQ(svg.find("\u2026"), std::string::npos);  // nothing cut with an ellipsis
  // The box holds the text (58 characters at 12 px are at least 58 × 5 px wide) and the
  // document holds the box.
  const double doc_width = Number(Attributes(svg, "<svg"), "width");
  const size_t legend = svg.find("<g class=\"legend\">");
  const auto box = Attributes(svg, "<rect", legend);
  const auto text = Attributes(svg, "<text class=\"legend-label\"", legend);
  EXPECT_GE(Number(box, "x") + Number(box, "width"), Number(text, "x") + 58 * 5.0);
  EXPECT_LE(Number(box, "x") + Number(box, "width"), doc_width);
  EXPECT_GT(doc_width, 760);  // widened for the long label, the plot area unchanged
  const std::string narrow = ConvergencePlot({{"start", FakeRun(1, false)}}, {});
  EXPECT_EQ(Number(Attributes(narrow, "<svg"), "width"), 760);
  EXPECT_EQ(Number(Attributes(svg, "<rect x="), "width"),
            Number(Attributes(narrow, "<rect x="), "width"));
}

// More series than the palette has colours: the later ones repeat the colours with a dash
// pattern, so that every series (and its legend swatch) still looks different.
TEST(SvgPlotTest, EverySeriesLooksDifferentBeyondThePalette) {
  std::vector<LabeledResult> runs;
  for (int i = 0; i < 10; ++i) {
    runs.push_back({"run " + std::to_string(i), FakeRun(1 + i, false)});
  }
  const std::string svg = ConvergencePlot(runs, {});
  EXPECT_TRUE(TagsBalanced(svg)) << svg;
  using Style = std::pair<std::string, std::string>;  // (stroke, stroke-dasharray)
  // The styles of the first runs.size() elements named `tag` from `from` on.
  const auto styles = [&](const std::string& tag, size_t from) {
    std::vector<Style> out;
    for (size_t at = svg.find(tag, from); out.size() < runs.size() && at != std::string::npos;
         at = svg.find(tag, at + 1)) {
      auto a = Attributes(svg, tag, at);
      out.emplace_back(a["stroke"], a["stroke-dasharray"]);
    }
    return out;
  };
  const std::vector<Style> series = styles("<polyline", 0);
  const std::vector<Style> swatches = styles("<line", svg.find("<g class=\"legend\">"));
  ASSERT_EQ(series.size(), runs.size());
  EXPECT_EQ(std::set<Style>(series.begin(), series.end()).size(), runs.size());
  EXPECT_EQ(swatches, series);
  EXPECT_EQ(series[8].first, series[0].first);  // the palette's first colour again, dashed
  EXPECT_NE(series[8].second, series[0].second);
}

TEST(SvgPlotTest, TheXAxisNamesEachMethodsEvents) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nested", "outer iteration"}, {"", "outer iteration"},
      {"adapt_vqe", "ADAPT iteration"}, {"parameter_shift", "gradient step"},
      {"hea_vqe", "cost evaluation"}};
  for (const auto& [method, axis] : cases) {
    const std::string svg = ConvergencePlot({{"run", WithMethod(FakeRun(1, true), method)}}, {});
    const std::vector<std::string> x = Texts(svg, "x-label");
    ASSERT_EQ(x.size(), 3u) << method;  // cost, indicator, error
    for (const std::string& label : x) EXPECT_EQ(label, axis) << method;
  }
  const std::string mixed = ConvergencePlot(
      {{"a", WithMethod(FakeRun(1, false), "nested")},
       {"b", WithMethod(FakeRun(1, false), "parameter_shift")},
       {"c", WithMethod(FakeRun(1, false), "nested")}},
      {});
  EXPECT_EQ(Texts(mixed, "x-label")[0], "outer iteration / gradient step");
  ConvergencePlotOptions time;
  time.time_axis = true;
  EXPECT_EQ(Texts(ConvergencePlot({{"a", FakeRun(1, false)}}, time), "x-label")[0], "time (s)");
}

TEST(SvgPlotTest, AMoleculeHasHartreeAxesTheExactLineAndChemicalAccuracy) {
  const std::string svg = ConvergencePlot({{"H2", Molecule(-1.137)}}, {});
  EXPECT_TRUE(TagsBalanced(svg)) << svg;
  const std::vector<std::string> y = Texts(svg, "y-label");
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0], "cost (Hartree)");
  EXPECT_EQ(y[1], "indicator");
  EXPECT_EQ(y[2], "|cost - exact| (Hartree)");
  // The exact line lies in the middle of the band, which spans 2 × 1.6 mHa on the cost
  // axis: compare with the axis' own scale, from two tick labels.
  const auto exact = Attributes(svg, "<line class=\"reference\" data-label=\"exact\"");
  const auto band = Attributes(svg, "<rect class=\"band\"");
  ASSERT_FALSE(exact.empty()) << svg;
  ASSERT_FALSE(band.empty()) << svg;
  EXPECT_EQ(band.at("data-label"), "chemical accuracy, exact ± 1.6 mHa");
  const double top = Number(band, "y"), height = Number(band, "height");
  EXPECT_NEAR(Number(exact, "y1"), top + height / 2, 0.02);
  EXPECT_EQ(Number(exact, "y1"), Number(exact, "y2"));  // horizontal
  // Tick labels are "%g" values at "y + 4": pixels per Hartree from the first two.
  std::vector<std::pair<double, double>> ticks;  // (value, pixel)
  for (size_t at = svg.find("text-anchor=\"end\">"); at != std::string::npos && ticks.size() < 2;
       at = svg.find("text-anchor=\"end\">", at + 1)) {
    const size_t tag = svg.rfind("<text", at);
    const double value = std::strtod(svg.c_str() + at + 19, nullptr);
    ticks.push_back({value, Number(Attributes(svg, "<text", tag), "y") - 4});
  }
  ASSERT_EQ(ticks.size(), 2u);
  const double pixels_per_hartree =
      std::abs((ticks[1].second - ticks[0].second) / (ticks[1].first - ticks[0].first));
  EXPECT_NEAR(height, 2 * kChemicalAccuracyHartree * pixels_per_hartree, 0.05);
  const std::vector<std::string> legend = Texts(svg, "legend-label");
  EXPECT_NE(std::find(legend.begin(), legend.end(), "exact"), legend.end());
  EXPECT_NE(std::find(legend.begin(), legend.end(), "chemical accuracy (1.6 mHa)"), legend.end());
  EXPECT_NE(svg.find("data-label=\"chemical accuracy (1.6 mHa)\""), std::string::npos);
}

TEST(SvgPlotTest, OtherProblemsHaveNoUnitAndNoChemicalAccuracy) {
  const std::string svg = ConvergencePlot({{"maxcut", FakeRun(2, true)}}, {});
  EXPECT_EQ(Texts(svg, "y-label")[0], "cost");
  EXPECT_NE(svg.find("data-label=\"exact\""), std::string::npos);  // the exact minimum
  EXPECT_EQ(svg.find("chemical accuracy"), std::string::npos);
  EXPECT_EQ(svg.find("Hartree"), std::string::npos);
  // Two runs with different exact minima: one line each, named after its run.
  const std::string two =
      ConvergencePlot({{"a", FakeRun(2, true)}, {"b", FakeRun(3, true)}}, {});
  EXPECT_NE(two.find("data-label=\"exact (a)\""), std::string::npos);
  EXPECT_NE(two.find("data-label=\"exact (b)\""), std::string::npos);
}

TEST(SvgPlotTest, DegenerateInputsStillRender) {
  EXPECT_TRUE(TagsBalanced(RenderSvg({}, {})));
  PlotPanel flat{"flat", "y", true, {{"zeros", {0, 1}, {0, 0}}}};
  EXPECT_TRUE(TagsBalanced(RenderSvg({flat}, {})));
  EXPECT_EQ(ConvergencePlot({{"one", FakeRun(1, false)}}, {}).find("Error"), std::string::npos);
}

}  // namespace
}  // namespace qgrad::runner
