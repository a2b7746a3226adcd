// Max-Cut graphs, Hamiltonians and exact solutions (see maxcut.h).
//
// Thread-safety: free functions and values only.
#include "problems/maxcut.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qgrad {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Checks one edge against the ones before it; `where` names it in messages.
absl::Status CheckEdge(const WeightedEdge& e, std::set<std::pair<int, int>>& seen,
                       const std::string& where) {
  for (int id : {e.u, e.v}) {
    if (id < 0 || id > kMaxGraphNodeId) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": node id ", id, " out of range [0, ",
                                                     kMaxGraphNodeId, "]"));
    }
  }
  if (e.u == e.v) return absl::InvalidArgumentError(absl::StrCat(where, ": self loop on node ", e.u));
  if (!std::isfinite(e.weight)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": weight ", e.weight, " is not finite"));
  }
  if (!seen.insert({std::min(e.u, e.v), std::max(e.u, e.v)}).second) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate edge (", e.u, ", ", e.v, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Graph> Finish(std::vector<WeightedEdge> edges) {
  if (edges.empty()) return absl::InvalidArgumentError("graph has no edges");
  Graph g;
  for (const WeightedEdge& e : edges) g.num_nodes = std::max({g.num_nodes, e.u + 1, e.v + 1});
  g.edges = std::move(edges);
  return g;
}

absl::StatusOr<WeightedEdge> ParseEdgeLine(absl::string_view line, const std::string& where) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, absl::ByAnyChar(" \t\r,"), absl::SkipEmpty());
  if (fields.size() != 2 && fields.size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": expected 'i j' or 'i j w', got ",
                                                   fields.size(), " fields"));
  }
  WeightedEdge e;
  if (!absl::SimpleAtoi(fields[0], &e.u) || !absl::SimpleAtoi(fields[1], &e.v)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": node ids must be integers"));
  }
  if (fields.size() == 3 && !absl::SimpleAtod(fields[2], &e.weight)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": weight '", fields[2], "' is not a number"));
  }
  return e;
}

}  // namespace

double Graph::TotalWeight() const {
  double w = 0;
  for (const WeightedEdge& e : edges) w += e.weight;
  return w;
}

absl::StatusOr<Graph> MakeGraph(std::vector<WeightedEdge> edges) {
  std::set<std::pair<int, int>> seen;
  for (size_t i = 0; i < edges.size(); ++i) {
    if (absl::Status s = CheckEdge(edges[i], seen, absl::StrCat("edge ", i)); !s.ok()) return s;
  }
  return Finish(std::move(edges));
}

absl::StatusOr<Graph> ParseEdgeList(std::string_view text) {
  std::vector<WeightedEdge> edges;
  std::set<std::pair<int, int>> seen;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(text), '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat("edge list line ", line_number);
    absl::StatusOr<WeightedEdge> e = ParseEdgeLine(line, where);
    if (!e.ok()) return e.status();
    if (absl::Status s = CheckEdge(*e, seen, where); !s.ok()) return s;
    edges.push_back(*e);
  }
  if (edges.empty()) return absl::InvalidArgumentError("edge list has no edges");
  return Finish(std::move(edges));
}

absl::StatusOr<PauliSum> MaxCutHamiltonian(const Graph& graph) {
  if (graph.num_nodes > kMaxPauliQubits) {
    return absl::ResourceExhaustedError(absl::StrCat("graph has ", graph.num_nodes,
                                                     " nodes; at most 64 qubits are supported"));
  }
  PauliSum h;
  for (const WeightedEdge& e : graph.edges) {
    const uint64_t zz = (uint64_t{1} << e.u) | (uint64_t{1} << e.v);
    h.AddTerm(e.weight, PauliString{0, zz});
  }
  h.Simplify();
  return h;
}

double CutValue(const Graph& graph, uint64_t assignment) {
  double cut = 0;
  for (const WeightedEdge& e : graph.edges) {
    if (((assignment >> e.u) ^ (assignment >> e.v)) & 1) cut += e.weight;
  }
  return cut;
}

absl::StatusOr<MaxCutSolution> ExactMaxCut(const Graph& graph,
                                           const std::function<bool()>& should_stop) {
  const int n = graph.num_nodes;
  if (n > kMaxExactMaxCutNodes) {
    return absl::ResourceExhaustedError(absl::StrCat("exact max cut enumerates 2^(n-1) cuts; ", n,
                                                     " nodes exceed the limit of ",
                                                     kMaxExactMaxCutNodes));
  }
  std::vector<std::vector<std::pair<int, double>>> adjacency(n);
  for (const WeightedEdge& e : graph.edges) {
    adjacency[e.u].push_back({e.v, e.weight});
    adjacency[e.v].push_back({e.u, e.weight});
  }
  // Gray code over nodes 0..n−2 (node n−1 stays on side 0: a cut and its complement are
  // equal); each step flips one node and updates the cut by that node's edges.
  MaxCutSolution best{0.0, 0};
  uint64_t assignment = 0;
  double cut = 0.0;
  constexpr uint64_t kPollMask = (uint64_t{1} << 16) - 1;
  for (uint64_t step = 1; step < (uint64_t{1} << (n - 1)); ++step) {
    if ((step & kPollMask) == 0 && should_stop && should_stop()) {
      return absl::CancelledError("stopped on request");
    }
    const int node = std::countr_zero(step);
    const bool side = (assignment >> node) & 1;
    for (const auto& [other, w] : adjacency[node]) {
      cut += (((assignment >> other) & 1) == side) ? w : -w;
    }
    assignment ^= uint64_t{1} << node;
    if (cut > best.value) best = {cut, assignment};
  }
  // Re-evaluate the winner exactly: the running sum collects round-off over 2^(n−1) steps.
  best.value = CutValue(graph, best.assignment);
  return best;
}

double ExpectedCut(const Graph& graph, double energy) { return 0.5 * (graph.TotalWeight() - energy); }

double ApproximationRatio(double expected_cut, double max_cut) { return expected_cut / max_cut; }

Graph RingGraph(int n) {
  Graph g{n, {}};
  for (int i = 0; i < n; ++i) g.edges.push_back({i, (i + 1) % n, 1.0});
  return g;
}

Graph CompleteGraph(int n) {
  Graph g{n, {}};
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) g.edges.push_back({i, j, 1.0});
  }
  return g;
}

Graph PetersenGraph() {
  Graph g{10, {}};
  for (int i = 0; i < 5; ++i) {
    g.edges.push_back({i, (i + 1) % 5, 1.0});          // outer pentagon
    g.edges.push_back({i, i + 5, 1.0});                // spokes
    g.edges.push_back({5 + i, 5 + (i + 2) % 5, 1.0});  // inner pentagram
  }
  return g;
}

Graph PaperMaxCutGraph() { return Graph{4, {{0, 1, 1.0}, {1, 2, 1.0}, {2, 3, 1.0}, {1, 3, 1.0}}}; }

absl::StatusOr<Graph> Random3RegularGraph(int n, uint64_t seed) {
  if (n < 4 || n > 10000 || n % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("random 3-regular graph: n=", n, " must be even and in [4, 10000]"));
  }
  std::mt19937_64 rng(seed);
  std::vector<int> points(3 * n);
  // A pairing is simple with probability ≈ e^{-2}, so 10^4 tries fail with odds ~e^{-1353}.
  for (int attempt = 0; attempt < 10000; ++attempt) {
    for (int i = 0; i < 3 * n; ++i) points[i] = i / 3;
    for (int i = 3 * n - 1; i > 0; --i) {
      // Modulo rather than std::uniform_int_distribution: the latter's output is not fixed by
      // the standard, and a seed must give the same graph everywhere.
      std::swap(points[i], points[rng() % static_cast<uint64_t>(i + 1)]);
    }
    std::set<std::pair<int, int>> seen;
    std::vector<WeightedEdge> edges;
    for (int i = 0; i < 3 * n; i += 2) {
      const int u = std::min(points[i], points[i + 1]), v = std::max(points[i], points[i + 1]);
      if (u == v || !seen.insert({u, v}).second) break;
      edges.push_back({u, v, 1.0});
    }
    if (static_cast<int>(edges.size()) == 3 * n / 2) return Graph{n, std::move(edges)};
  }
  return absl::InternalError("random 3-regular graph: no simple pairing found");
}

}  // namespace qgrad
