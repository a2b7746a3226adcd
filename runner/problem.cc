// Spec problem → cost; see problem.h.
//
// Thread-safety: free functions only.
#include "runner/problem.h"

#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "problems/fcidump.h"
#include "problems/models.h"
#include "problems/molecular.h"
#include "problems/polynomial.h"
#include "runner/exact.h"
#include "runner/json_io.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

constexpr char kProblem[] = "problem";

absl::StatusOr<PauliSum> ParseHermitian(const std::string& text, absl::string_view path) {
  if (text.empty()) return FieldError(path, "empty Pauli sum");
  absl::StatusOr<PauliSum> sum = PauliSum::Parse(text);
  if (!sum.ok()) return WithPath(sum.status(), path);
  if (!sum->IsHermitian()) {
    return FieldError(path, "not Hermitian: every coefficient must be real");
  }
  return sum;
}

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

absl::StatusOr<Graph> GenerateGraph(const v1::GraphGenerator& g, absl::string_view path) {
  const int n = g.num_nodes();
  const std::string kind = g.kind();
  if (kind == "petersen") return PetersenGraph();
  if (kind == "paper") return PaperMaxCutGraph();
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

absl::StatusOr<Graph> MaxCutGraph(const v1::MaxCutProblem& m) {
  const std::string path = "problem.maxcut";
  switch (m.graph_case()) {
    case v1::MaxCutProblem::kEdgeList: {
      absl::StatusOr<Graph> graph = ParseEdgeList(m.edge_list());
      if (!graph.ok()) return WithPath(graph.status(), path + ".edge_list");
      return graph;
    }
    case v1::MaxCutProblem::kEdges: {
      std::vector<WeightedEdge> edges;
      for (const v1::Edge& e : m.edges().edges()) {
        edges.push_back({e.u(), e.v(), e.has_weight() ? e.weight() : 1.0});
      }
      if (edges.empty()) return FieldError(path + ".edges", "graph has no edges");
      absl::StatusOr<Graph> graph = MakeGraph(std::move(edges));
      if (!graph.ok()) return EdgeError(graph.status(), path + ".edges");
      return graph;
    }
    case v1::MaxCutProblem::kGenerator:
      return GenerateGraph(m.generator(), path + ".generator");
    case v1::MaxCutProblem::GRAPH_NOT_SET:
      break;
  }
  return FieldError(path, "one of edge_list, edges or generator is required");
}

absl::StatusOr<BuiltProblem> FromObservable(PauliSum h, absl::string_view path) {
  absl::StatusOr<optimizer::Cost> cost = optimizer::Cost::Observable(std::move(h));
  if (!cost.ok()) return WithPath(cost.status(), path);
  const int n = std::max(1, cost->observable()->NumQubits());
  return BuiltProblem{*std::move(cost), n};
}

absl::StatusOr<BuiltProblem> BuildMaxCut(const v1::MaxCutProblem& m, bool exact) {
  absl::StatusOr<Graph> graph = MaxCutGraph(m);
  if (!graph.ok()) return graph.status();
  absl::StatusOr<PauliSum> h = MaxCutHamiltonian(*graph);
  if (!h.ok()) return WithPath(h.status(), "problem.maxcut");
  absl::StatusOr<BuiltProblem> built = FromObservable(*std::move(h), "problem.maxcut");
  if (!built.ok()) return built;
  built->num_qubits = graph->num_nodes;
  if (absl::StatusOr<MaxCutSolution> best = exact ? ExactMaxCut(*graph)
                                                  : absl::UnavailableError("not asked");
      best.ok()) {
    built->exact_cost = graph->TotalWeight() - 2.0 * best->value;
  }
  built->graph = *std::move(graph);
  return built;
}

absl::StatusOr<BuiltProblem> BuildMolecule(const v1::MoleculeProblem& m,
                                           const std::string& base_dir) {
  const std::string path = "problem.molecule";
  absl::StatusOr<MolecularIntegrals> integrals;
  if (m.source_case() == v1::MoleculeProblem::kFcidumpText) {
    integrals = ParseFcidump(m.fcidump_text());
    if (!integrals.ok()) return WithPath(integrals.status(), path + ".fcidump_text");
  } else if (m.source_case() == v1::MoleculeProblem::kFcidumpPath) {
    std::string file = m.fcidump_path();
    if (!base_dir.empty() && !absl::StartsWith(file, "/")) file = base_dir + "/" + file;
    absl::StatusOr<std::string> text = ReadTextFile(file);
    if (!text.ok()) return WithPath(text.status(), path + ".fcidump_path");
    integrals = ParseFcidump(*text);
    if (!integrals.ok()) {
      return WithPath(integrals.status(), absl::StrCat(path, ".fcidump_path (", file, ")"));
    }
  } else {
    return FieldError(path, "one of fcidump_path or fcidump_text is required");
  }
  absl::StatusOr<MolecularHamiltonian> mol = BuildMolecularHamiltonian(
      *integrals, ActiveSpace{m.frozen_core(), m.frozen_virtual()});
  if (!mol.ok()) return WithPath(mol.status(), path);
  absl::StatusOr<BuiltProblem> built = FromObservable(mol->hamiltonian, path);
  if (!built.ok()) return built;
  built->num_qubits = mol->num_qubits;
  built->hartree_fock_state = mol->hartree_fock_state;
  return built;
}

absl::StatusOr<PauliSum> ModelObservable(const v1::ModelProblem& m) {
  const int n = m.num_qubits();
  const std::string& kind = m.kind();
  if (kind == "tfim") {
    return TransverseFieldIsing(n, m.has_j() ? m.j() : 1.0, m.has_h() ? m.h() : 1.0,
                                m.periodic());
  }
  if (kind == "heisenberg") {
    XxzCouplings c{m.has_jx() ? m.jx() : 1.0, m.has_jy() ? m.jy() : 1.0,
                   m.has_jz() ? m.jz() : 1.0, m.field()};
    return HeisenbergXxz(n, c, m.periodic());
  }
  if (kind == "local_z") return LocalZCost(n);
  if (kind == "global_z") return GlobalZCost(n);
  if (kind == "ring_energy") {
    absl::StatusOr<RingEnergyCost> ring = RingEnergy(n);
    if (!ring.ok()) return ring.status();
    return ring->cost;
  }
  return FieldError("kind", absl::StrCat("unknown model '", kind,
                                         "' (tfim, heisenberg, local_z, global_z, ring_energy)"));
}

absl::StatusOr<BuiltProblem> BuildModel(const v1::ModelProblem& m) {
  absl::StatusOr<PauliSum> h = ModelObservable(m);
  if (!h.ok()) return WithPath(h.status(), "problem.model");
  absl::StatusOr<BuiltProblem> built = FromObservable(*std::move(h), "problem.model");
  if (built.ok()) built->num_qubits = m.num_qubits();
  return built;
}

absl::StatusOr<BuiltProblem> BuildPolynomial(const v1::PolynomialProblem& p) {
  const std::string path = "problem.polynomial";
  absl::StatusOr<PauliSum> a = ParseHermitian(p.a(), path + ".a");
  if (!a.ok()) return a.status();
  if (p.degree() < 2) return FieldError(path + ".degree", "must be >= 2");
  int n = p.num_qubits();
  if (n == 0) n = std::max(1, (a->NumQubits() + p.degree() - 1) / p.degree());
  absl::StatusOr<PolynomialCost> poly = PolynomialCost::Create(*a, p.degree(), n);
  if (!poly.ok()) return WithPath(poly.status(), path);
  return BuiltProblem{optimizer::Cost::Polynomial(*std::move(poly)), n};
}

absl::StatusOr<BuiltProblem> BuildKind(const v1::Problem& problem, const std::string& base_dir,
                                       bool exact) {
  switch (problem.kind_case()) {
    case v1::Problem::kPauliSum: {
      absl::StatusOr<PauliSum> h = ParseHermitian(problem.pauli_sum().text(),
                                                  "problem.pauli_sum.text");
      if (!h.ok()) return h.status();
      return FromObservable(*std::move(h), "problem.pauli_sum.text");
    }
    case v1::Problem::kMaxcut:
      return BuildMaxCut(problem.maxcut(), exact);
    case v1::Problem::kMolecule:
      return BuildMolecule(problem.molecule(), base_dir);
    case v1::Problem::kModel:
      return BuildModel(problem.model());
    case v1::Problem::kPolynomial:
      return BuildPolynomial(problem.polynomial());
    case v1::Problem::KIND_NOT_SET:
      break;
  }
  return FieldError(kProblem,
                    "one of pauli_sum, maxcut, molecule, model or polynomial is required");
}

// A register size given in the spec must fit the problem: a Pauli sum may act on fewer
// qubits, every other problem defines its register exactly.
absl::Status ApplyRegisterSize(const v1::Problem& problem, BuiltProblem& built) {
  const int wanted = problem.num_qubits();
  if (wanted == 0) return absl::OkStatus();
  if (wanted < 0) return FieldError("problem.num_qubits", "must be >= 0");
  const bool may_grow = problem.has_pauli_sum() && wanted >= built.num_qubits;
  if (wanted != built.num_qubits && !may_grow) {
    return FieldError("problem.num_qubits",
                      absl::StrCat(wanted, " does not match the problem's ", built.num_qubits,
                                   " qubits"));
  }
  built.num_qubits = wanted;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BuiltProblem> BuildProblem(const v1::Problem& problem,
                                          const std::string& base_dir,
                                          bool with_exact_reference,
                                          const optimizer::StopCheck& should_stop) {
  absl::StatusOr<BuiltProblem> built = BuildKind(problem, base_dir, with_exact_reference);
  if (!built.ok()) return built;
  if (absl::Status s = ApplyRegisterSize(problem, *built); !s.ok()) return s;
  if (problem.has_exact_cost()) {
    built->exact_cost = problem.exact_cost();
  } else if (!with_exact_reference) {
    built->exact_cost.reset();
  } else if (!built->exact_cost) {
    absl::StatusOr<std::optional<double>> exact =
        ExactMinimum(built->cost, built->num_qubits, built->hartree_fock_state, should_stop);
    if (!exact.ok()) return exact.status();
    built->exact_cost = *exact;
  }
  return built;
}

}  // namespace qgrad::runner
