// Tests for Max-Cut: exact max cuts of known graphs, the Hamiltonian's diagonal, the
// energy/cut conversions, generators and edge-list errors.
// Thread-safety: single-threaded tests.
#include "problems/maxcut.h"

#include <bit>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "problems/diagonal.h"

namespace qgrad {
namespace {

using ::testing::HasSubstr;

double MaxCutValue(const Graph& g) {
  absl::StatusOr<MaxCutSolution> s = ExactMaxCut(g);
  EXPECT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(CutValue(g, s->assignment), s->value);
  return s->value;
}

TEST(MaxCutTest, KnownMaxCuts) {
  EXPECT_EQ(MaxCutValue(RingGraph(4)), 4);
  EXPECT_EQ(MaxCutValue(RingGraph(5)), 4);
  EXPECT_EQ(MaxCutValue(PetersenGraph()), 12);
  for (int n = 2; n <= 9; ++n) EXPECT_EQ(MaxCutValue(CompleteGraph(n)), n * n / 4) << n;
  EXPECT_EQ(MaxCutValue(PaperMaxCutGraph()), 3);
}

TEST(MaxCutTest, PaperGraphHamiltonianAndConversions) {
  absl::StatusOr<Graph> g = ParseEdgeList("# the paper's graph\n0 1\n1 2 # middle\n\n2 3\n1 3\n");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->num_nodes, 4);
  absl::StatusOr<PauliSum> h = MaxCutHamiltonian(*g);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->ToString(), PauliSum::Parse("Z0 Z1 + Z1 Z2 + Z1 Z3 + Z2 Z3")->ToString());
  EXPECT_EQ(MaxCutHamiltonian(PaperMaxCutGraph())->ToString(), h->ToString());
  EXPECT_DOUBLE_EQ(ExpectedCut(*g, -2.0), 3.0);  // min ⟨H_c⟩ = −2 ↔ max cut 3
  EXPECT_DOUBLE_EQ(ExpectedCut(*g, 0.0), 2.0);   // |+⟩^⊗4 cuts half of W = 4
  EXPECT_DOUBLE_EQ(ApproximationRatio(ExpectedCut(*g, 0.0), 3.0), 2.0 / 3.0);
}

TEST(MaxCutTest, DiagonalIsTotalWeightMinusTwiceCut) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> weight(-1.0, 2.0);
  absl::StatusOr<Graph> g3 = Random3RegularGraph(8, 11);
  ASSERT_TRUE(g3.ok());
  Graph g = *g3;
  for (WeightedEdge& e : g.edges) e.weight = weight(rng);
  absl::StatusOr<PauliSum> h = MaxCutHamiltonian(g);
  ASSERT_TRUE(h.ok());
  double best = -1e300;
  for (uint64_t b = 0; b < (1u << g.num_nodes); ++b) {
    EXPECT_NEAR(DiagonalElement(*h, b), g.TotalWeight() - 2 * CutValue(g, b), 1e-12);
    best = std::max(best, CutValue(g, b));
  }
  EXPECT_NEAR(MaxCutValue(g), best, 1e-12);  // Gray-code search vs plain enumeration
}

TEST(MaxCutTest, Random3RegularIsSeededAndRegular) {
  absl::StatusOr<Graph> a = Random3RegularGraph(12, 5), b = Random3RegularGraph(12, 5),
                        c = Random3RegularGraph(12, 6);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->edges.size(), 18u);
  std::vector<int> degree(12);
  for (const WeightedEdge& e : a->edges) ++degree[e.u], ++degree[e.v];
  for (int d : degree) EXPECT_EQ(d, 3);
  EXPECT_TRUE(MakeGraph(a->edges).ok());  // simple: no loops, no duplicates
  auto same = [](const Graph& x, const Graph& y) {
    for (size_t i = 0; i < x.edges.size(); ++i) {
      if (x.edges[i].u != y.edges[i].u || x.edges[i].v != y.edges[i].v) return false;
    }
    return true;
  };
  EXPECT_TRUE(same(*a, *b));
  EXPECT_FALSE(same(*a, *c));
  EXPECT_THAT(Random3RegularGraph(7, 1).status().message(), HasSubstr("n=7 must be even"));
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Graph> g = ParseEdgeList(text);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(g.status().message());
}

TEST(MaxCutTest, EdgeListErrorsNameTheLine) {
  EXPECT_THAT(ErrorOf("0 1\n2 2\n"), HasSubstr("edge list line 2: self loop on node 2"));
  EXPECT_THAT(ErrorOf("# nothing\n\n"), HasSubstr("no edges"));
  EXPECT_THAT(ErrorOf(""), HasSubstr("no edges"));
  EXPECT_THAT(ErrorOf("0 1 heavy\n"), HasSubstr("line 1: weight 'heavy' is not a number"));
  EXPECT_THAT(ErrorOf("0 1\n1 2 inf\n"), HasSubstr("line 2: weight inf is not finite"));
  EXPECT_THAT(ErrorOf("0 1 nan\n"), HasSubstr("line 1: weight nan is not finite"));
  EXPECT_THAT(ErrorOf("0 -1\n"), HasSubstr("line 1: node id -1 out of range"));
  EXPECT_THAT(ErrorOf("0 1\n\n1 0 2\n"), HasSubstr("line 3: duplicate edge (1, 0)"));
  EXPECT_THAT(ErrorOf("0 1 2 3\n"), HasSubstr("line 1: expected 'i j' or 'i j w', got 4 fields"));
  EXPECT_THAT(ErrorOf("a b\n"), HasSubstr("line 1: node ids must be integers"));
  EXPECT_THAT(MakeGraph({{0, 1, 1.0}, {1, 1, 1.0}}).status().message(), HasSubstr("edge 1: self loop"));
}

TEST(MaxCutTest, ExactMaxCutPollsItsStopCheck) {
  int polls = 0;
  const auto stop_at_third = [&] { return ++polls >= 3; };
  // 2^22 cuts: the third poll comes after 3·2^16 of them.
  EXPECT_EQ(ExactMaxCut(RingGraph(23), stop_at_third).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(polls, 3);
}

TEST(MaxCutTest, SizeLimits) {
  EXPECT_EQ(ExactMaxCut(RingGraph(kMaxExactMaxCutNodes + 1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(MaxCutHamiltonian(RingGraph(65)).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(MaxCutHamiltonian(RingGraph(64)).ok());
}

}  // namespace
}  // namespace qgrad
