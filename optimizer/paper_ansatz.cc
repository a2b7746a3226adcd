// The paper's Max-Cut start ansätze (see paper_ansatz.h).
//
// Thread-safety: free functions only.
#include "optimizer/paper_ansatz.h"

namespace qgrad::optimizer::test {
namespace {

// The paper writes exp(−iθP); the IR's rotation is exp(−iθ'P/2), so θ' = 2θ.
constexpr double kPaperScale = 2.0;

PauliString Pair(int a, PauliLetter la, int b, PauliLetter lb) {
  PauliString p;
  p.set(a, la);
  p.set(b, lb);
  return p;
}

PauliString Single(int q, PauliLetter l) {
  PauliString p;
  p.set(q, l);
  return p;
}

Circuit PlusState(int n) {
  Circuit c(n);
  for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kH, {q});
  return c;
}

void AddEachQubit(Circuit& c, PauliLetter letter, int param) {
  for (int q = 0; q < c.num_qubits(); ++q) {
    (void)c.AddPauliRotation(Single(q, letter), Angle::Param(param, kPaperScale));
  }
}

void AddCostLayer(Circuit& c, const Graph& graph, int param) {
  for (const WeightedEdge& e : graph.edges) {
    (void)c.AddPauliRotation(Pair(e.u, PauliLetter::kZ, e.v, PauliLetter::kZ),
                             Angle::Param(param, kPaperScale * e.weight));
  }
}

void AddPairRotation(Circuit& c, int a, int b, PauliLetter letter, int param) {
  (void)c.AddPauliRotation(Pair(a, letter, b, letter), Angle::Param(param, kPaperScale));
}

}  // namespace

Circuit QaoaP1(const Graph& graph) {
  Circuit c = PlusState(graph.num_nodes);
  AddCostLayer(c, graph, 0);
  AddEachQubit(c, PauliLetter::kX, 1);
  return c;
}

Circuit RotationalQaoa(const Graph& graph) {
  Circuit c = PlusState(graph.num_nodes);
  AddCostLayer(c, graph, 0);
  AddEachQubit(c, PauliLetter::kX, 1);
  AddEachQubit(c, PauliLetter::kX, 2);
  return c;
}

Circuit HardwareEfficient() {
  Circuit c = PlusState(4);
  AddPairRotation(c, 0, 1, PauliLetter::kZ, 0);
  AddPairRotation(c, 2, 3, PauliLetter::kZ, 1);
  AddPairRotation(c, 1, 2, PauliLetter::kX, 2);
  AddPairRotation(c, 1, 3, PauliLetter::kX, 3);
  return c;
}

Circuit Qcbm() {
  Circuit c = PlusState(4);
  AddPairRotation(c, 0, 1, PauliLetter::kZ, 0);
  AddPairRotation(c, 2, 3, PauliLetter::kZ, 1);
  AddEachQubit(c, PauliLetter::kY, 2);
  AddEachQubit(c, PauliLetter::kY, 3);
  AddPairRotation(c, 1, 2, PauliLetter::kZ, 4);
  AddPairRotation(c, 1, 3, PauliLetter::kZ, 5);
  return c;
}

}  // namespace qgrad::optimizer::test
