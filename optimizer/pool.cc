// Gate pools and templates (see pool.h).
//
// Thread-safety: free functions only.
#include "optimizer/pool.h"

#include <bit>
#include <set>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
namespace {

constexpr PauliLetter kLetters[] = {PauliLetter::kX, PauliLetter::kY, PauliLetter::kZ};

void AddPairStrings(int a, int b, std::vector<PauliString>& pool) {
  for (PauliLetter la : kLetters) {
    for (PauliLetter lb : kLetters) {
      PauliString p;
      p.set(a, la);
      p.set(b, lb);
      pool.push_back(p);
    }
  }
}

}  // namespace

absl::StatusOr<PoolKind> ParsePoolKind(std::string_view name) {
  if (name == "all_pairs") return PoolKind::kAllPairs;
  if (name == "coupling_graph") return PoolKind::kCouplingGraph;
  return absl::InvalidArgumentError(absl::StrCat(
      "pool: unknown gate pool \"", std::string(name), "\" (all_pairs | coupling_graph)"));
}

absl::Status ValidateCoupling(const Coupling& coupling, int num_qubits, bool required) {
  if (required && coupling.empty()) {
    return absl::InvalidArgumentError("coupling_graph: empty, but the pool needs its edges");
  }
  std::set<std::pair<int, int>> seen;
  for (size_t i = 0; i < coupling.size(); ++i) {
    auto [a, b] = coupling[i];
    if (a < 0 || b < 0 || a >= num_qubits || b >= num_qubits || a == b) {
      return absl::InvalidArgumentError(
          absl::StrCat("coupling_graph: edge ", i, " (", a, ", ", b,
                       ") is not a pair of distinct qubits in [0, ", num_qubits, ")"));
    }
    if (!seen.insert({std::min(a, b), std::max(a, b)}).second) {
      return absl::InvalidArgumentError(absl::StrCat("coupling_graph: edge ", i, " repeated"));
    }
  }
  return absl::OkStatus();
}

std::vector<PauliString> MakePool(PoolKind kind, int num_qubits, const Coupling& coupling) {
  std::vector<PauliString> pool;
  for (int q = 0; q < num_qubits; ++q) {
    for (PauliLetter l : kLetters) {
      PauliString p;
      p.set(q, l);
      pool.push_back(p);
    }
  }
  if (kind == PoolKind::kCouplingGraph) {
    for (auto [a, b] : coupling) AddPairStrings(a, b, pool);
  } else {
    for (int a = 0; a < num_qubits; ++a) {
      for (int b = a + 1; b < num_qubits; ++b) AddPairStrings(a, b, pool);
    }
  }
  return pool;
}

int AppendTemplateBlock(Circuit& layer, int first_param, const Coupling& coupling) {
  int next = first_param;
  const int n = layer.num_qubits();
  for (int q = 0; q < n; ++q) {
    // Builders cannot fail here: qubits are in range by construction.
    (void)layer.Add(GateKind::kRY, {q}, {Angle::Param(next++)});
    (void)layer.Add(GateKind::kRZ, {q}, {Angle::Param(next++)});
  }
  Coupling edges = coupling;
  if (edges.empty()) {
    for (int q = 0; q + 1 < n; ++q) edges.push_back({q, q + 1});
  }
  // ZZ alone has zero derivative at θ = 0 towards real-amplitude targets from real states
  // (the usual case for real Hamiltonians): exp(−iθZZ/2) only adds imaginary parts. YZ and
  // ZY are real rotations, so the block is never stuck at its own starting point there.
  constexpr std::pair<PauliLetter, PauliLetter> kEdgeStrings[] = {
      {PauliLetter::kZ, PauliLetter::kZ},
      {PauliLetter::kY, PauliLetter::kZ},
      {PauliLetter::kZ, PauliLetter::kY}};
  for (auto [a, b] : edges) {
    for (auto [la, lb] : kEdgeStrings) {
      PauliString p;
      p.set(a, la);
      p.set(b, lb);
      (void)layer.AddPauliRotation(p, Angle::Param(next++));
    }
  }
  return next - first_param;
}

sv::Amplitude PauliMatrixElement(const sv::StateVector& w, const PauliString& p,
                                 const sv::StateVector& chi) {
  // P|b⟩ = i^{|x∧z|} (−1)^{|z∧b|} |b ⊕ x⟩.
  static constexpr sv::Amplitude kIPowers[] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  const sv::Amplitude phase = kIPowers[std::popcount(p.x & p.z) & 3];
  const sv::Amplitude* wa = w.data();
  const sv::Amplitude* ca = chi.data();
  sv::Amplitude sum = 0.0;
  for (uint64_t b = 0; b < chi.size(); ++b) {
    const sv::Amplitude term = std::conj(wa[b ^ p.x]) * ca[b];
    sum += (std::popcount(p.z & b) & 1) ? -term : term;
  }
  return phase * sum;
}

std::vector<PauliString> QubitExcitationStrings(int num_qubits) {
  std::vector<PauliString> strings;
  for (int i = 0; i < num_qubits; ++i) {
    for (int j = i + 1; j < num_qubits; ++j) {
      for (int k = j + 1; k < num_qubits; ++k) {
        for (int l = k + 1; l < num_qubits; ++l) {
          const int qubits[] = {i, j, k, l};
          for (int ys = 0; ys < 16; ++ys) {  // bit b set: Y on qubits[b], else X
            if (std::popcount(unsigned(ys)) % 2 == 0) continue;
            PauliString p;
            for (int b = 0; b < 4; ++b) {
              p.set(qubits[b], (ys >> b) & 1 ? PauliLetter::kY : PauliLetter::kX);
            }
            strings.push_back(p);
          }
        }
      }
    }
  }
  return strings;
}

}  // namespace qgrad::optimizer
