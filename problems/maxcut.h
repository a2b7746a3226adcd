// Max-Cut problems: weighted graphs (parsed from edge lists or generated), the cost
// Hamiltonian, exact maximum cuts, and the conversions between energy and cut.
//
// Convention: node i is qubit i; bit i of an assignment is node i's side. The cost
// Hamiltonian is H_c = Σ_(i,j) w_ij Z_i Z_j, and since cut(z) = Σ w_ij (1 − z_i z_j)/2,
//   ⟨H_c⟩ = W − 2·E[cut]   (W = Σ w_ij),   so   expected cut = (W − ⟨H_c⟩)/2,
// and the minimum of ⟨H_c⟩ is W − 2·maxcut (−2 for the paper's 4-node graph).
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_PROBLEMS_MAXCUT_H_
#define QGRAD_PROBLEMS_MAXCUT_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/pauli.h"

namespace qgrad {

struct WeightedEdge {
  int u = 0;
  int v = 0;
  double weight = 1.0;
};

struct Graph {
  int num_nodes = 0;  // 1 + the largest node id (isolated ids in between are allowed)
  std::vector<WeightedEdge> edges;

  double TotalWeight() const;
};

// Node ids above this are rejected when parsing (they would only make huge, empty graphs).
inline constexpr int kMaxGraphNodeId = 1 << 20;
// ExactMaxCut enumerates 2^(n−1) assignments; above this it refuses.
inline constexpr int kMaxExactMaxCutNodes = 30;

// Checks a graph: at least one edge, ids in [0, kMaxGraphNodeId], no self loops, no edge
// given twice (in either orientation), finite weights. Sets num_nodes. INVALID_ARGUMENT
// naming the edge's index.
absl::StatusOr<Graph> MakeGraph(std::vector<WeightedEdge> edges);

// One edge per line, "i j" (weight 1) or "i j w", fields separated by spaces, tabs or
// commas; '#' starts a comment; blank lines are
// skipped. Errors are INVALID_ARGUMENT naming the 1-based line ("edge list line 3: …").
absl::StatusOr<Graph> ParseEdgeList(std::string_view text);

// H_c = Σ w_ij Z_i Z_j. RESOURCE_EXHAUSTED above 64 nodes.
absl::StatusOr<PauliSum> MaxCutHamiltonian(const Graph& graph);

// Total weight of the edges cut by `assignment`. REQUIRES: graph.num_nodes ≤ 64.
double CutValue(const Graph& graph, uint64_t assignment);

struct MaxCutSolution {
  double value = 0.0;
  uint64_t assignment = 0;  // one optimal assignment; node num_nodes−1 is on side 0
};

// Exact maximum cut by Gray-code enumeration, O(2^(n−1)·degree). RESOURCE_EXHAUSTED above
// kMaxExactMaxCutNodes nodes; CANCELLED when `should_stop` (polled every 2^16 cuts, so at
// least every few milliseconds) returns true.
absl::StatusOr<MaxCutSolution> ExactMaxCut(const Graph& graph,
                                           const std::function<bool()>& should_stop = nullptr);

// Expected cut (W − ⟨H_c⟩)/2 of a state with energy ⟨H_c⟩.
double ExpectedCut(const Graph& graph, double energy);
// expected_cut / max_cut (1 for an optimal state).
double ApproximationRatio(double expected_cut, double max_cut);

// Generators (unit weights).
Graph RingGraph(int n);      // REQUIRES n ≥ 3: edges (i, i+1 mod n)
Graph CompleteGraph(int n);  // REQUIRES n ≥ 2
Graph PetersenGraph();       // 10 nodes, 15 edges, max cut 12
// The paper's 4-node instance: edges (0,1), (1,2), (2,3), (1,3); max cut 3, min ⟨H_c⟩ = −2.
Graph PaperMaxCutGraph();
// Uniform-ish random simple 3-regular graph on n nodes by the pairing model with rejection,
// deterministic for a given seed (std::mt19937_64). INVALID_ARGUMENT unless n is even and
// 4 ≤ n ≤ 10000.
absl::StatusOr<Graph> Random3RegularGraph(int n, uint64_t seed);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_MAXCUT_H_
