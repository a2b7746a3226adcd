// Test support: independent dense model of circuits (see dense_reference.h). Pure functions.
#include "backends/statevector/dense_reference.h"

#include <cmath>
#include <numbers>

namespace qgrad::sv::testing {
namespace {

const C kI(0, 1);

Dense Make(size_t dim, std::initializer_list<C> entries) {
  Dense m{dim, std::vector<C>(entries)};
  return m;
}

Dense U3(double t, double p, double l) {
  return Make(2, {std::cos(t / 2), -std::exp(kI * l) * std::sin(t / 2),
                  std::exp(kI * p) * std::sin(t / 2), std::exp(kI * (p + l)) * std::cos(t / 2)});
}
Dense Rx(double t) {
  return Make(2, {std::cos(t / 2), -kI * std::sin(t / 2), -kI * std::sin(t / 2), std::cos(t / 2)});
}
Dense Ry(double t) {
  return Make(2, {std::cos(t / 2), -std::sin(t / 2), std::sin(t / 2), std::cos(t / 2)});
}
Dense Rz(double t) { return Make(2, {std::exp(-kI * (t / 2)), 0, 0, std::exp(kI * (t / 2))}); }
Dense Phase(double l) { return Make(2, {1, 0, 0, std::exp(kI * l)}); }
Dense Letter(PauliLetter l) {
  switch (l) {
    case PauliLetter::kX: return Make(2, {0, 1, 1, 0});
    case PauliLetter::kY: return Make(2, {0, -kI, kI, 0});
    case PauliLetter::kZ: return Make(2, {1, 0, 0, -1});
    default: return Identity(2);
  }
}

// |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U with the control as the LOW bit (qubits[0] of the gate).
Dense ControlledLow(const Dense& u) {
  Dense p0 = Make(2, {1, 0, 0, 0});
  Dense p1 = Make(2, {0, 0, 0, 1});
  Dense a = Kron(Identity(u.dim), p0);
  Dense b = Kron(u, p1);
  for (size_t i = 0; i < a.a.size(); ++i) a.a[i] += b.a[i];
  return a;
}

Dense Swap() { return Make(4, {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}); }

Dense Scaled(Dense m, C f) {
  for (C& v : m.a) v *= f;
  return m;
}

// exp(−iθP/2) = cos(θ/2) I − i sin(θ/2) P.
Dense PauliRotation(const PauliString& p, int k, double t) {
  Dense pm = PauliMatrix(p, k);
  Dense r = Identity(pm.dim);
  for (size_t i = 0; i < r.a.size(); ++i) r.a[i] = r.a[i] * std::cos(t / 2) - kI * std::sin(t / 2) * pm.a[i];
  return r;
}

}  // namespace

Dense Identity(size_t dim) {
  Dense m{dim, std::vector<C>(dim * dim, 0.0)};
  for (size_t i = 0; i < dim; ++i) m.at(i, i) = 1.0;
  return m;
}

Dense Kron(const Dense& a, const Dense& b) {
  Dense m{a.dim * b.dim, std::vector<C>(a.dim * b.dim * a.dim * b.dim)};
  for (size_t i = 0; i < a.dim; ++i)
    for (size_t j = 0; j < a.dim; ++j)
      for (size_t k = 0; k < b.dim; ++k)
        for (size_t l = 0; l < b.dim; ++l) m.at(i * b.dim + k, j * b.dim + l) = a.at(i, j) * b.at(k, l);
  return m;
}

Dense Multiply(const Dense& a, const Dense& b) {
  Dense m{a.dim, std::vector<C>(a.dim * a.dim, 0.0)};
  for (size_t i = 0; i < a.dim; ++i)
    for (size_t k = 0; k < a.dim; ++k)
      for (size_t j = 0; j < a.dim; ++j) m.at(i, j) += a.at(i, k) * b.at(k, j);
  return m;
}

Dense PauliMatrix(const PauliString& p, int n) {
  Dense m = Identity(1);
  for (int q = n - 1; q >= 0; --q) m = Kron(m, Letter(p.letter(q)));
  return m;
}

Dense TextbookMatrix(const Gate& g, const std::vector<double>& params) {
  auto a = [&](int i) { return g.angles[i].Value(params); };
  const double pi = std::numbers::pi;
  switch (g.kind) {
    case GateKind::kX: return Letter(PauliLetter::kX);
    case GateKind::kY: return Letter(PauliLetter::kY);
    case GateKind::kZ: return Letter(PauliLetter::kZ);
    case GateKind::kH: return Scaled(Make(2, {1, 1, 1, -1}), 1 / std::sqrt(2.0));
    case GateKind::kS: return Phase(pi / 2);
    case GateKind::kSdg: return Phase(-pi / 2);
    case GateKind::kT: return Phase(pi / 4);
    case GateKind::kTdg: return Phase(-pi / 4);
    case GateKind::kSX: return Scaled(Make(2, {1.0 + kI, 1.0 - kI, 1.0 - kI, 1.0 + kI}), 0.5);
    case GateKind::kP: return Phase(a(0));
    case GateKind::kRX: return Rx(a(0));
    case GateKind::kRY: return Ry(a(0));
    case GateKind::kRZ: return Rz(a(0));
    case GateKind::kU: return U3(a(0), a(1), a(2));
    case GateKind::kCX: return ControlledLow(Letter(PauliLetter::kX));
    case GateKind::kCY: return ControlledLow(Letter(PauliLetter::kY));
    case GateKind::kCZ: return ControlledLow(Letter(PauliLetter::kZ));
    case GateKind::kCH: return ControlledLow(Scaled(Make(2, {1, 1, 1, -1}), 1 / std::sqrt(2.0)));
    case GateKind::kSwap: return Swap();
    case GateKind::kCP: return ControlledLow(Phase(a(0)));
    case GateKind::kCRX: return ControlledLow(Rx(a(0)));
    case GateKind::kCRY: return ControlledLow(Ry(a(0)));
    case GateKind::kCRZ: return ControlledLow(Rz(a(0)));
    case GateKind::kCU: return ControlledLow(Scaled(U3(a(0), a(1), a(2)), std::exp(kI * a(3))));
    case GateKind::kCCX: return ControlledLow(ControlledLow(Letter(PauliLetter::kX)));
    case GateKind::kCSwap: return ControlledLow(Swap());
    case GateKind::kGPhase: return Make(1, {std::exp(kI * a(0))});
    case GateKind::kPauliRotation:
      return PauliRotation(g.pauli, static_cast<int>(g.qubits.size()), a(0));
    case GateKind::kUnitary: return Dense{size_t{1} << g.qubits.size(), g.matrix};
    default: return Identity(1);
  }
}

Dense FullMatrix(const Gate& gate, const std::vector<double>& params, int n) {
  // Controls become extra low bits of a local operator on m = |controls| + |qubits| qubits.
  Dense local = TextbookMatrix(gate, params);
  for (int b = static_cast<int>(gate.controls.size()) - 1; b >= 0; --b) {
    local = ControlledLow(local);
    if (!gate.control_values[b]) {  // negctrl: conjugate the control bit with X
      Dense x = Kron(Identity(local.dim / 2), Letter(PauliLetter::kX));
      local = Multiply(x, Multiply(local, x));
    }
  }
  std::vector<int> order = gate.AllQubits();  // local bit t ↔ qubit order[t]
  const int m = static_cast<int>(order.size());
  Dense lifted = Kron(Identity(size_t{1} << (n - m)), local);
  // Local bit t sits at position t of `lifted`; move it to qubit order[t].
  std::vector<int> where(n, -1);
  std::vector<bool> used(n, false);
  for (int t = 0; t < m; ++t) {
    where[t] = order[t];
    used[order[t]] = true;
  }
  for (int t = m, q = 0; t < n; ++t) {
    while (used[q]) ++q;
    where[t] = q++;
  }
  std::vector<size_t> to_global(lifted.dim, 0);
  for (size_t i = 0; i < lifted.dim; ++i)
    for (int t = 0; t < n; ++t) to_global[i] |= ((i >> t) & 1) << where[t];
  Dense full{lifted.dim, std::vector<C>(lifted.a.size())};
  for (size_t r = 0; r < lifted.dim; ++r)
    for (size_t c = 0; c < lifted.dim; ++c) full.at(to_global[r], to_global[c]) = lifted.at(r, c);
  return full;
}

std::vector<C> Apply(const Dense& m, const std::vector<C>& v) {
  std::vector<C> out(m.dim, 0.0);
  for (size_t r = 0; r < m.dim; ++r)
    for (size_t c = 0; c < m.dim; ++c) out[r] += m.at(r, c) * v[c];
  return out;
}

std::vector<C> ReferenceRun(const Circuit& circuit, const std::vector<double>& params,
                            std::vector<C> initial) {
  const int n = circuit.num_qubits();
  std::vector<C> v = std::move(initial);
  if (v.empty()) {
    v.assign(size_t{1} << n, 0.0);
    v[0] = 1.0;
  }
  for (const Gate& g : circuit.gates()) {
    if (g.kind == GateKind::kBarrier) continue;
    v = Apply(FullMatrix(g, params, n), v);
  }
  return v;
}

std::vector<C> RandomState(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<C> v(size_t{1} << n);
  double norm = 0;
  for (C& a : v) {
    a = C(normal(rng), normal(rng));
    norm += std::norm(a);
  }
  for (C& a : v) a /= std::sqrt(norm);
  return v;
}

namespace {

// Haar-ish random unitary: Gram–Schmidt on Gaussian columns.
std::vector<C> RandomUnitary(int k, std::mt19937_64& rng) {
  const size_t dim = size_t{1} << k;
  std::normal_distribution<double> normal;
  std::vector<std::vector<C>> cols(dim, std::vector<C>(dim));
  for (size_t c = 0; c < dim; ++c) {
    for (C& a : cols[c]) a = C(normal(rng), normal(rng));
    for (size_t p = 0; p < c; ++p) {
      C dot = 0;
      for (size_t r = 0; r < dim; ++r) dot += std::conj(cols[p][r]) * cols[c][r];
      for (size_t r = 0; r < dim; ++r) cols[c][r] -= dot * cols[p][r];
    }
    double norm = 0;
    for (C& a : cols[c]) norm += std::norm(a);
    for (C& a : cols[c]) a /= std::sqrt(norm);
  }
  std::vector<C> m(dim * dim);
  for (size_t r = 0; r < dim; ++r)
    for (size_t c = 0; c < dim; ++c) m[r * dim + c] = cols[c][r];
  return m;
}

Angle RandomAngle(int num_params, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-4, 4);
  if (num_params > 0 && rng() % 2 == 0) {
    return Angle::Param(static_cast<int>(rng() % num_params), u(rng) / 2, u(rng));
  }
  return Angle::Fixed(u(rng));
}

}  // namespace

Circuit RandomCircuit(int n, int num_gates, int num_params, std::mt19937_64& rng) {
  Circuit circuit(n);
  circuit.DeclareParams(num_params);
  const int num_kinds = static_cast<int>(GateKind::kUnitary) + 1;
  while (static_cast<int>(circuit.gates().size()) < num_gates) {
    Gate g;
    g.kind = static_cast<GateKind>(rng() % num_kinds);
    int k = Info(g.kind).num_qubits;
    if (k < 0) k = 1 + static_cast<int>(rng() % std::min(n, g.kind == GateKind::kUnitary ? 3 : n));
    if (k > n) continue;
    std::vector<int> perm(n);
    for (int i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    g.qubits.assign(perm.begin(), perm.begin() + k);
    const int free = n - k;
    const int extra = free > 0 && rng() % 4 == 0 ? 1 + static_cast<int>(rng() % std::min(free, 2)) : 0;
    for (int c = 0; c < extra; ++c) {
      g.controls.push_back(perm[k + c]);
      g.control_values.push_back(rng() % 2 == 0);
    }
    for (int a = 0; a < Info(g.kind).num_angles; ++a) g.angles.push_back(RandomAngle(num_params, rng));
    if (g.kind == GateKind::kPauliRotation) {
      for (int i = 0; i < k; ++i) g.pauli.set(i, static_cast<PauliLetter>(rng() % 4));
    }
    if (g.kind == GateKind::kUnitary) g.matrix = RandomUnitary(k, rng);
    if (!circuit.Append(std::move(g)).ok()) std::abort();
  }
  return circuit;
}

}  // namespace qgrad::sv::testing
