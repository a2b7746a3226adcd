// Named start ansätze; see ansatz.h.
//
// Thread-safety: free functions only.
#include "runner/ansatz.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

constexpr char kName[] = "initial_state.ansatz.name";

PauliString Letters(std::initializer_list<std::pair<int, PauliLetter>> letters) {
  PauliString p;
  for (const auto& [q, letter] : letters) p.set(q, letter);
  return p;
}

// exp(−iθ·c·P) with θ = params[index]: the IR angle is 2c·θ.
absl::Status Rotation(Circuit& c, const PauliString& p, int index, double coeff = 1.0) {
  return c.AddPauliRotation(p, Angle::Param(index, 2.0 * coeff));
}

// Builds into a fresh circuit with parameters from 0; the caller appends it.
class Builder {
 public:
  explicit Builder(int n) : circuit_(n) {}
  int NewParam() { return next_++; }
  Circuit& circuit() { return circuit_; }
  int num_params() const { return next_; }

 private:
  Circuit circuit_;
  int next_ = 0;
};

absl::Status CostLayer(Builder& b, const PauliSum& h, int gamma) {
  for (const PauliTerm& t : h.terms()) {
    if (t.string.is_identity()) continue;
    if (absl::Status s = Rotation(b.circuit(), t.string, gamma, t.coeff.real()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OnEveryQubit(Builder& b, PauliLetter letter, int index) {
  for (int q = 0; q < b.circuit().num_qubits(); ++q) {
    if (absl::Status s = Rotation(b.circuit(), Letters({{q, letter}}), index); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CzChain(Builder& b) {
  for (int q = 0; q + 1 < b.circuit().num_qubits(); ++q) {
    if (absl::Status s = b.circuit().Add(GateKind::kCZ, {q, q + 1}); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Qaoa(Builder& b, const BuiltProblem& problem, int layers, bool rotational) {
  const PauliSum* h = problem.cost.observable();
  if (h == nullptr) return FieldError(kName, "qaoa needs an observable (degree-1) problem");
  for (int l = 0; l < layers; ++l) {
    if (absl::Status s = CostLayer(b, *h, b.NewParam()); !s.ok()) return s;
    if (rotational) {
      if (absl::Status s = OnEveryQubit(b, PauliLetter::kX, b.NewParam()); !s.ok()) return s;
    }
    if (absl::Status s = OnEveryQubit(b, PauliLetter::kX, b.NewParam()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status HardwareEfficient(Builder& b, int layers) {
  for (int l = 0; l < layers; ++l) {
    for (int q = 0; q < b.circuit().num_qubits(); ++q) {
      for (PauliLetter letter : {PauliLetter::kY, PauliLetter::kZ}) {
        if (absl::Status s = Rotation(b.circuit(), Letters({{q, letter}}), b.NewParam());
            !s.ok()) {
          return s;
        }
      }
    }
    if (absl::Status s = CzChain(b); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TwoQubitRotations(Builder& b, PauliLetter letter,
                               std::initializer_list<std::pair<int, int>> pairs) {
  for (const auto& [u, v] : pairs) {
    if (absl::Status s = Rotation(b.circuit(), Letters({{u, letter}, {v, letter}}), b.NewParam());
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The paper's 4-qubit hardware-efficient ansatz: ZZ on (0,1),(2,3), XX on (1,2),(1,3).
absl::Status PaperHardwareEfficient(Builder& b) {
  if (absl::Status s = TwoQubitRotations(b, PauliLetter::kZ, {{0, 1}, {2, 3}}); !s.ok()) return s;
  return TwoQubitRotations(b, PauliLetter::kX, {{1, 2}, {1, 3}});
}

// The paper's QCBM: ZZ on (0,1),(2,3), two RY^⊗4 layers (one shared angle each), ZZ on
// (1,2),(1,3).
absl::Status Qcbm(Builder& b) {
  if (absl::Status s = TwoQubitRotations(b, PauliLetter::kZ, {{0, 1}, {2, 3}}); !s.ok()) return s;
  for (int k = 0; k < 2; ++k) {
    if (absl::Status s = OnEveryQubit(b, PauliLetter::kY, b.NewParam()); !s.ok()) return s;
  }
  return TwoQubitRotations(b, PauliLetter::kZ, {{1, 2}, {1, 3}});
}

// McClean et al.'s random circuits: RY(π/4) everywhere, then layers of a random RX/RY/RZ on
// each qubit and a CZ chain. Gate choices and start angles come from `seed`.
absl::Status RandomLayers(Builder& b, int layers, uint64_t seed, std::vector<double>& start) {
  const int n = b.circuit().num_qubits();
  for (int q = 0; q < n; ++q) {
    if (absl::Status s = b.circuit().Add(GateKind::kRY, {q}, {Angle::Fixed(std::numbers::pi / 4)});
        !s.ok()) {
      return s;
    }
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> axis(0, 2);
  std::uniform_real_distribution<double> angle(0.0, 2.0 * std::numbers::pi);
  const GateKind kinds[] = {GateKind::kRX, GateKind::kRY, GateKind::kRZ};
  for (int l = 0; l < layers; ++l) {
    for (int q = 0; q < n; ++q) {
      const int index = b.NewParam();
      if (absl::Status s = b.circuit().Add(kinds[axis(rng)], {q}, {Angle::Param(index)}); !s.ok()) {
        return s;
      }
      start.push_back(angle(rng));
    }
    if (absl::Status s = CzChain(b); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status NeedFourQubits(const std::string& name, int n) {
  if (n == 4) return absl::OkStatus();
  return FieldError(kName, absl::StrCat(name, " is defined on 4 qubits, the problem has ", n));
}

int Layers(const v1::Ansatz& ansatz) { return ansatz.layers() == 0 ? 1 : ansatz.layers(); }

// The gates a named ansatz appends, in 64-bit arithmetic (no layer count can wrap it);
// 0 for the fixed 4-qubit ansätze and unknown names (Build reports those).
int64_t AnsatzGates(const v1::Ansatz& ansatz, const BuiltProblem& problem) {
  const std::string& name = ansatz.name();
  const int64_t layers = Layers(ansatz);
  const int64_t n = problem.num_qubits;
  const int64_t cz_chain = std::max<int64_t>(n - 1, 0);
  if (name == "qaoa" || name == "rotational_qaoa") {
    int64_t cost_terms = 0;
    if (const PauliSum* h = problem.cost.observable()) {
      for (const PauliTerm& t : h->terms()) cost_terms += t.string.is_identity() ? 0 : 1;
    }
    return layers * (cost_terms + (name == "rotational_qaoa" ? 2 : 1) * n);
  }
  if (name == "hardware_efficient") return layers * (2 * n + cz_chain);
  if (name == "random_layers") return n + layers * (n + cz_chain);
  return 0;
}

absl::Status Build(const v1::Ansatz& ansatz, const BuiltProblem& problem, uint64_t seed,
                   Builder& b, std::vector<double>& start) {
  const std::string& name = ansatz.name();
  const int layers = Layers(ansatz);
  if (name == "qaoa") return Qaoa(b, problem, layers, false);
  if (name == "rotational_qaoa") return Qaoa(b, problem, layers, true);
  if (name == "hardware_efficient") return HardwareEfficient(b, layers);
  if (name == "random_layers") return RandomLayers(b, layers, seed, start);
  if (name == "paper_hardware_efficient" || name == "qcbm") {
    if (absl::Status s = NeedFourQubits(name, problem.num_qubits); !s.ok()) return s;
    return name == "qcbm" ? Qcbm(b) : PaperHardwareEfficient(b);
  }
  return FieldError(kName, absl::StrCat("unknown ansatz '", name,
                                        "' (qaoa, rotational_qaoa, hardware_efficient, "
                                        "paper_hardware_efficient, qcbm, random_layers)"));
}

// Renumbers `layer`'s parameters after `offset` ones.
absl::Status AppendShifted(const Circuit& layer, int offset, Circuit& circuit) {
  for (Gate g : layer.gates()) {
    for (Angle& a : g.angles) {
      if (!a.is_fixed()) a.index += offset;
    }
    if (absl::Status s = circuit.Append(std::move(g)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AppendAnsatz(const v1::Ansatz& ansatz, const BuiltProblem& problem, uint64_t seed,
                          const JobLimits& limits, Circuit& circuit, std::vector<double>& params) {
  const std::string path = "initial_state.ansatz.layers";
  if (ansatz.layers() < 0) return FieldError(path, "must be >= 0");
  const int64_t gates = int64_t(circuit.gates().size()) + AnsatzGates(ansatz, problem);
  if (absl::Status s = CheckCount(path, gates, "start gates", limits.max_start_gates,
                                  "max_start_gates");
      !s.ok()) {
    return s;
  }
  Builder b(circuit.num_qubits());
  std::vector<double> start;
  if (absl::Status s = Build(ansatz, problem, seed, b, start); !s.ok()) return s;
  const int offset = static_cast<int>(params.size());
  if (absl::Status s = AppendShifted(b.circuit(), offset, circuit); !s.ok()) {
    return WithPath(s, "initial_state.ansatz");
  }
  start.resize(b.num_params(), 0.0);
  params.insert(params.end(), start.begin(), start.end());
  circuit.DeclareParams(static_cast<int>(params.size()));
  return absl::OkStatus();
}

}  // namespace qgrad::runner
