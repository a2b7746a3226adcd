// Spec Max-Cut graphs; see maxcut_graph.h.
//
// Thread-safety: free functions only.
#include "runner/maxcut_graph.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

// MakeGraph names edge i as "edge i"; re-express that as the spec's field path.
absl::Status EdgeError(const absl::Status& status, absl::string_view edges_path) {
  absl::string_view message = status.message();
  if (absl::ConsumePrefix(&message, "edge ")) {
    const size_t colon = message.find(':');
    int index = 0;
    if (colon != absl::string_view::npos && absl::SimpleAtoi(message.substr(0, colon), &index)) {
      return absl::Status(status.code(), absl::StrCat(edges_path, "[", index, "]",
                                                       message.substr(colon)));
    }
  }
  return WithPath(status, edges_path);
}

absl::StatusOr<Graph> GenerateGraph(const v1::GraphGenerator& g, absl::string_view path,
                                    const JobLimits& limits) {
  const int n = g.num_nodes();
  const std::string kind = g.kind();
  if (kind == "petersen") return PetersenGraph();
  if (kind == "paper") return PaperMaxCutGraph();
  if (absl::Status s = CheckQubits(absl::StrCat(path, ".num_nodes"), n, limits.qubits);
      !s.ok()) {
    return s;
  }
  if (kind == "ring") {
    if (n < 3) return FieldError(absl::StrCat(path, ".num_nodes"), "ring needs >= 3 nodes");
    return RingGraph(n);
  }
  if (kind == "complete") {
    if (n < 2) return FieldError(absl::StrCat(path, ".num_nodes"), "complete needs >= 2 nodes");
    return CompleteGraph(n);
  }
  if (kind == "random_3_regular") {
    absl::StatusOr<Graph> graph = Random3RegularGraph(n, g.seed());
    if (!graph.ok()) return WithPath(graph.status(), absl::StrCat(path, ".num_nodes"));
    return graph;
  }
  return FieldError(absl::StrCat(path, ".kind"),
                    absl::StrCat("unknown generator '", kind,
                                 "' (ring, complete, petersen, paper, random_3_regular)"));
}

// Lines of an edge list that hold an edge (text before '#' that is not blank): counted
// without allocating, so that an edge list too long for the register is refused before the
// parser builds it.
int64_t EdgeLines(absl::string_view text) {
  int64_t lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = line.substr(0, line.find('#'));
    if (!absl::StripAsciiWhitespace(line).empty()) ++lines;
  }
  return lines;
}

// Inline edges, each checked against the register limit before the graph is built.
absl::StatusOr<Graph> InlineGraph(const v1::EdgeList& list, const std::string& path,
                                  const JobLimits& limits) {
  if (absl::Status s = CheckEdgeCount(path, list.edges_size(), limits.qubits); !s.ok()) return s;
  std::vector<WeightedEdge> edges;
  for (int i = 0; i < list.edges_size(); ++i) {
    const v1::Edge& e = list.edges(i);
    const std::string where = absl::StrCat(path, "[", i, "]");
    const int64_t highest = std::max(e.u(), e.v());
    if (absl::Status s = CheckQubits(where, highest + 1, limits.qubits); !s.ok()) return s;
    const double weight = e.has_weight() ? e.weight() : 1.0;
    if (absl::Status s = CheckCoefficient(where + ".weight", weight); !s.ok()) return s;
    edges.push_back({e.u(), e.v(), weight});
  }
  if (edges.empty()) return FieldError(path, "graph has no edges");
  absl::StatusOr<Graph> graph = MakeGraph(std::move(edges));
  if (!graph.ok()) return EdgeError(graph.status(), path);
  return graph;
}

}  // namespace

absl::StatusOr<Graph> MaxCutGraph(const v1::MaxCutProblem& m, const JobLimits& limits) {
  const std::string path = "problem.maxcut";
  switch (m.graph_case()) {
    case v1::MaxCutProblem::kEdgeList: {
      if (absl::Status s = CheckEdgeCount(path + ".edge_list", EdgeLines(m.edge_list()),
                                          limits.qubits);
          !s.ok()) {
        return s;
      }
      absl::StatusOr<Graph> graph = ParseEdgeList(m.edge_list());
      if (!graph.ok()) return WithPath(graph.status(), path + ".edge_list");
      absl::Status s = CheckQubits(path + ".edge_list", graph->num_nodes, limits.qubits);
      if (!s.ok()) return s;
      return graph;
    }
    case v1::MaxCutProblem::kEdges:
      return InlineGraph(m.edges(), path + ".edges.edges", limits);  // EdgeList.edges
    case v1::MaxCutProblem::kGenerator:
      return GenerateGraph(m.generator(), path + ".generator", limits);
    case v1::MaxCutProblem::GRAPH_NOT_SET:
      break;
  }
  return FieldError(path, "one of edge_list, edges or generator is required");
}

absl::Status CheckMaxCutShots(const v1::MaxCutProblem& m, const JobLimits& limits) {
  if (!m.has_shots()) return absl::OkStatus();
  const std::string path = "problem.maxcut.shots";
  if (absl::Status s = CheckRange(path, m.shots(), 0, INT64_MAX); !s.ok()) return s;
  return CheckCount(path, m.shots(), "shots", limits.max_shots, "max_shots");
}

}  // namespace qgrad::runner
