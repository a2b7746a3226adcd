// Random circuits for tests; see random_circuit.h.
//
// Thread-safety: pure functions.
#include "testing/random_circuit.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace qgrad::testing {
namespace {

std::vector<GateKind> AllUnitaryKinds(bool include_unitary) {
  std::vector<GateKind> kinds;
  for (int k = 0; k <= int(GateKind::kUnitary); ++k) {
    GateKind kind = static_cast<GateKind>(k);
    if (kind == GateKind::kUnitary && !include_unitary) continue;
    kinds.push_back(kind);
  }
  return kinds;
}

Angle RandomAngle(int num_params, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  if (num_params == 0) return Angle::Fixed(2 * u(rng));
  return Angle::Param(int(rng() % num_params), u(rng), 0.3 * u(rng));
}

}  // namespace

std::vector<Complex> RandomUnitary(int num_qubits, std::mt19937_64& rng) {
  const size_t dim = size_t{1} << num_qubits;
  std::normal_distribution<double> normal;
  std::vector<Complex> m(dim * dim);
  for (auto& v : m) v = {normal(rng), normal(rng)};
  // Gram–Schmidt on the columns.
  for (size_t c = 0; c < dim; ++c) {
    for (size_t prev = 0; prev < c; ++prev) {
      Complex dot = 0;
      for (size_t r = 0; r < dim; ++r) dot += std::conj(m[r * dim + prev]) * m[r * dim + c];
      for (size_t r = 0; r < dim; ++r) m[r * dim + c] -= dot * m[r * dim + prev];
    }
    double norm = 0;
    for (size_t r = 0; r < dim; ++r) norm += std::norm(m[r * dim + c]);
    for (size_t r = 0; r < dim; ++r) m[r * dim + c] /= std::sqrt(norm);
  }
  return m;
}

std::vector<double> RandomParams(int count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-std::numbers::pi, std::numbers::pi);
  std::vector<double> p(count);
  for (double& v : p) v = u(rng);
  return p;
}

Circuit RandomCircuit(const RandomCircuitOptions& options, std::mt19937_64& rng) {
  const int n = options.num_qubits;
  const std::vector<GateKind> kinds =
      options.kinds.empty() ? AllUnitaryKinds(options.include_unitary) : options.kinds;
  Circuit c(n);
  c.DeclareParams(options.num_params);
  std::bernoulli_distribution add_control(options.control_probability);
  std::vector<int> perm(n);
  while (int(c.gates().size()) < options.num_gates) {
    const GateKind kind = kinds[rng() % kinds.size()];
    Gate g;
    g.kind = kind;
    int width = Info(kind).num_qubits;
    if (kind == GateKind::kPauliRotation) {
      width = 1 + int(rng() % n);
      for (int i = 0; i < width; ++i) g.pauli.set(i, static_cast<PauliLetter>(1 + rng() % 3));
    } else if (kind == GateKind::kUnitary) {
      width = 1 + int(rng() % std::min(2, n));
      g.matrix = RandomUnitary(width, rng);
    }
    if (width > n) continue;
    for (int i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    g.qubits.assign(perm.begin(), perm.begin() + width);
    for (int a = 0; a < Info(kind).num_angles; ++a) {
      g.angles.push_back(RandomAngle(options.num_params, rng));
    }
    if (width < n && add_control(rng)) {
      g.controls = {perm[width]};
      g.control_values = {rng() % 2 == 0};
    }
    (void)c.Append(std::move(g));  // valid by construction
  }
  return c;
}

}  // namespace qgrad::testing
