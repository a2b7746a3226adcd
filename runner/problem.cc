// Spec problem → cost; see problem.h.
//
// Thread-safety: free functions only.
#include "runner/problem.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "problems/fcidump.h"
#include "problems/models.h"
#include "problems/molecular.h"
#include "problems/polynomial.h"
#include "runner/exact.h"
#include "runner/json_io.h"
#include "runner/maxcut_graph.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

constexpr char kProblem[] = "problem";

// Term count and coefficient sizes of a cost operator (parsed, or built from a molecule or
// model); the parse itself is linear in the text, whose size the caller bounds.
absl::Status CheckSum(const PauliSum& sum, absl::string_view path, const JobLimits& limits) {
  absl::Status s = CheckCount(path, int64_t(sum.size()), "terms", limits.max_pauli_terms,
                              "max_pauli_terms");
  for (size_t i = 0; s.ok() && i < sum.size(); ++i) {
    s = CheckCoefficient(absl::StrCat(path, ": coefficient of ", sum.terms()[i].string.ToString()),
                         std::abs(sum.terms()[i].coeff));
  }
  return s;
}

absl::StatusOr<PauliSum> ParseHermitian(const std::string& text, absl::string_view path) {
  if (text.empty()) return FieldError(path, "empty Pauli sum");
  absl::StatusOr<PauliSum> sum = PauliSum::Parse(text);
  if (!sum.ok()) return WithPath(sum.status(), path);
  if (!sum->IsHermitian()) {
    return FieldError(path, "not Hermitian: every coefficient must be real");
  }
  return sum;
}

absl::StatusOr<BuiltProblem> FromObservable(PauliSum h, absl::string_view path,
                                            const JobLimits& limits) {
  if (absl::Status s = CheckSum(h, path, limits); !s.ok()) return s;
  absl::StatusOr<optimizer::Cost> cost = optimizer::Cost::Observable(std::move(h));
  if (!cost.ok()) return WithPath(cost.status(), path);
  const int n = std::max(1, cost->observable()->NumQubits());
  return BuiltProblem{*std::move(cost), n};
}

absl::StatusOr<BuiltProblem> BuildMaxCut(const v1::MaxCutProblem& m, const JobLimits& limits) {
  if (absl::Status s = CheckMaxCutShots(m, limits); !s.ok()) return s;
  absl::StatusOr<Graph> graph = MaxCutGraph(m, limits);
  if (!graph.ok()) return graph.status();
  absl::StatusOr<PauliSum> h = MaxCutHamiltonian(*graph);
  if (!h.ok()) return WithPath(h.status(), "problem.maxcut");
  absl::StatusOr<BuiltProblem> built = FromObservable(*std::move(h), "problem.maxcut", limits);
  if (!built.ok()) return built;
  built->num_qubits = graph->num_nodes;
  built->graph = *std::move(graph);
  return built;
}

// The frozen orbitals in range and the active register within the limit, before the
// Jordan–Wigner Hamiltonian (O(orbitals⁴) terms) is built.
absl::Status CheckActiveSpace(const v1::MoleculeProblem& m, const MolecularIntegrals& integrals,
                              const JobLimits& limits) {
  const std::string path = "problem.molecule";
  for (const auto& [name, value] : {std::pair{"frozen_core", m.frozen_core()},
                                    std::pair{"frozen_virtual", m.frozen_virtual()}}) {
    absl::Status s = CheckRange(absl::StrCat(path, ".", name), value, 0, integrals.num_orbitals);
    if (!s.ok()) return s;
  }
  const int64_t active = int64_t{integrals.num_orbitals} - m.frozen_core() - m.frozen_virtual();
  return CheckQubits(path, 2 * active, limits.qubits);
}

absl::StatusOr<BuiltProblem> BuildMolecule(const v1::MoleculeProblem& m,
                                           const std::string& base_dir, const JobLimits& limits) {
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
      return WithPath(WithPath(integrals.status(), file), path + ".fcidump_path");
    }
  } else {
    return FieldError(path, "one of fcidump_path or fcidump_text is required");
  }
  if (absl::Status s = CheckActiveSpace(m, *integrals, limits); !s.ok()) return s;
  absl::StatusOr<MolecularHamiltonian> mol = BuildMolecularHamiltonian(
      *integrals, ActiveSpace{m.frozen_core(), m.frozen_virtual()});
  if (!mol.ok()) return WithPath(mol.status(), path);
  absl::StatusOr<BuiltProblem> built = FromObservable(mol->hamiltonian, path, limits);
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
  return FieldError("problem.model.kind", absl::StrCat("unknown model '", kind,
                                         "' (tfim, heisenberg, local_z, global_z, ring_energy)"));
}

absl::Status CheckModelSizes(const v1::ModelProblem& m, const JobLimits& limits) {
  const std::string path = "problem.model";
  if (absl::Status s = CheckQubits(path + ".num_qubits", m.num_qubits(), limits.qubits);
      !s.ok()) {
    return s;
  }
  for (const auto& [name, value] : {std::pair{"j", m.j()}, std::pair{"h", m.h()},
                                    std::pair{"jx", m.jx()}, std::pair{"jy", m.jy()},
                                    std::pair{"jz", m.jz()}, std::pair{"field", m.field()}}) {
    if (absl::Status s = CheckCoefficient(absl::StrCat(path, ".", name), value); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<BuiltProblem> BuildModel(const v1::ModelProblem& m, const JobLimits& limits) {
  if (absl::Status s = CheckModelSizes(m, limits); !s.ok()) return s;
  absl::StatusOr<PauliSum> h = ModelObservable(m);
  if (!h.ok()) {
    // The kind's error names its own field; the builders' concern the whole model.
    return absl::StartsWith(h.status().message(), "problem.model.")
               ? h.status()
               : WithPath(h.status(), "problem.model");
  }
  absl::StatusOr<BuiltProblem> built = FromObservable(*std::move(h), "problem.model", limits);
  if (built.ok()) built->num_qubits = m.num_qubits();
  return built;
}

absl::StatusOr<BuiltProblem> BuildPolynomial(const v1::PolynomialProblem& p,
                                             const JobLimits& limits) {
  const std::string path = "problem.polynomial";
  absl::StatusOr<PauliSum> a = ParseHermitian(p.a(), path + ".a");
  if (!a.ok()) return a.status();
  if (absl::Status s = CheckSum(*a, path + ".a", limits); !s.ok()) return s;
  // A acts on degree × num_qubits <= 64 qubits (one Pauli string).
  if (absl::Status s = CheckRange(path + ".degree", p.degree(), 2, kMaxPauliQubits); !s.ok()) {
    return s;
  }
  int n = p.num_qubits();
  if (absl::Status s = CheckRange(path + ".num_qubits", n, 0, kMaxPauliQubits); !s.ok()) return s;
  if (n == 0) n = std::max(1, (a->NumQubits() + p.degree() - 1) / p.degree());
  if (absl::Status s = CheckQubits(path + ".num_qubits", n, limits.qubits); !s.ok()) return s;
  absl::StatusOr<PolynomialCost> poly = PolynomialCost::Create(*a, p.degree(), n);
  if (!poly.ok()) return WithPath(poly.status(), path);
  return BuiltProblem{optimizer::Cost::Polynomial(*std::move(poly)), n};
}

absl::StatusOr<BuiltProblem> BuildPauliSum(const v1::PauliSumProblem& p,
                                           const JobLimits& limits) {
  const std::string path = "problem.pauli_sum.text";
  absl::StatusOr<PauliSum> h = ParseHermitian(p.text(), path);
  if (!h.ok()) return h.status();
  if (absl::Status s = CheckQubits(path, h->NumQubits(), limits.qubits); !s.ok()) return s;
  return FromObservable(*std::move(h), path, limits);
}

absl::StatusOr<BuiltProblem> BuildKind(const v1::Problem& problem, const std::string& base_dir,
                                       const JobLimits& limits) {
  switch (problem.kind_case()) {
    case v1::Problem::kPauliSum:
      return BuildPauliSum(problem.pauli_sum(), limits);
    case v1::Problem::kMaxcut:
      return BuildMaxCut(problem.maxcut(), limits);
    case v1::Problem::kMolecule:
      return BuildMolecule(problem.molecule(), base_dir, limits);
    case v1::Problem::kModel:
      return BuildModel(problem.model(), limits);
    case v1::Problem::kPolynomial:
      return BuildPolynomial(problem.polynomial(), limits);
    case v1::Problem::KIND_NOT_SET:
      break;
  }
  return FieldError(kProblem,
                    "one of pauli_sum, maxcut, molecule, model or polynomial is required");
}

// A register size given in the spec must fit the problem: a Pauli sum may act on fewer
// qubits, every other problem defines its register exactly.
absl::Status ApplyRegisterSize(const v1::Problem& problem, const JobLimits& limits,
                               BuiltProblem& built) {
  const int wanted = problem.num_qubits();
  if (wanted == 0) return absl::OkStatus();
  if (wanted < 0) return FieldError("problem.num_qubits", "must be >= 0");
  if (absl::Status s = CheckQubits("problem.num_qubits", wanted, limits.qubits); !s.ok()) {
    return s;
  }
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
                                          const BuildOptions& options) {
  absl::StatusOr<BuiltProblem> built = BuildKind(problem, base_dir, options.limits);
  if (!built.ok()) return built;
  if (absl::Status s = ApplyRegisterSize(problem, options.limits, *built); !s.ok()) return s;
  if (absl::Status s = CheckQubits("problem", built->num_qubits, options.limits.qubits);
      !s.ok()) {
    return s;
  }
  if (problem.has_exact_cost()) built->exact_cost = problem.exact_cost();
  if (options.with_exact_reference) {
    if (absl::Status s = AddExactReference(problem, options.should_stop, *built); !s.ok()) {
      return s;
    }
  }
  return built;
}

absl::Status AddExactReference(const v1::Problem& problem, const optimizer::StopCheck& should_stop,
                               BuiltProblem& built) {
  if (built.graph) {
    absl::StatusOr<MaxCutSolution> best = ExactMaxCut(*built.graph, should_stop);
    if (absl::IsCancelled(best.status())) return best.status();
    if (best.ok()) {
      built.max_cut = best->value;
      built.exact_cost = built.graph->TotalWeight() - 2.0 * best->value;
    }
  }
  if (problem.has_exact_cost()) {
    built.exact_cost = problem.exact_cost();
    return absl::OkStatus();
  }
  if (built.exact_cost) return absl::OkStatus();
  absl::StatusOr<std::optional<double>> exact =
      ExactMinimum(built.cost, built.num_qubits, built.hartree_fock_state, should_stop);
  if (!exact.ok()) return exact.status();
  built.exact_cost = *exact;
  return absl::OkStatus();
}

}  // namespace qgrad::runner
