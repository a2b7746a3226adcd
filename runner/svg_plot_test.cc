// SVG plot tests: the document is well formed (balanced tags) and carries every series.
//
// Thread-safety: single-threaded tests.
#include "runner/svg_plot.h"

#include <cmath>
#include <string>
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
  const std::string svg = ConvergencePlot(
      {{"greedy <pool>", FakeRun(2, true)}, {"template & co", FakeRun(1.5, true)}}, true,
      "H2 comparison");
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

TEST(SvgPlotTest, DegenerateInputsStillRender) {
  EXPECT_TRUE(TagsBalanced(RenderSvg({}, {})));
  PlotPanel flat{"flat", "y", true, {{"zeros", {0, 1}, {0, 0}}}};
  EXPECT_TRUE(TagsBalanced(RenderSvg({flat}, {})));
  EXPECT_EQ(ConvergencePlot({{"one", FakeRun(1, false)}}).find("Error"), std::string::npos);
}

}  // namespace
}  // namespace qgrad::runner
