// Clifford unitaries for Clifford shadows: uniform sampling (a recursion over symplectic
// transvections, then a random Pauli), the Heisenberg-picture tableau of the emitted gates,
// and the stabilizer states U†|b⟩ through a reduced generator set and Gray-code walks.
//
// Conventions: a symplectic vector is the (x, z) mask pair of a Pauli string; the Hermitian
// string H(x, z) = i^{|x & z|} X^x Z^z as in core/pauli.h; ⟨a, b⟩ = |a.x & b.z| + |a.z & b.x|
// mod 2 is 1 exactly when the strings anticommute. For a unitary V, S_V(P) = V P V† (up to
// sign) is its symplectic action, and S_{AB} = S_A ∘ S_B.
//
// Thread-safety: as clifford.h (immutable after construction).
#include "shadows/clifford.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::shadows {
namespace {

using Kind = CliffordGate::Kind;

struct Sym {
  uint64_t x = 0;
  uint64_t z = 0;
  bool is_zero() const { return (x | z) == 0; }
  friend bool operator==(const Sym& a, const Sym& b) = default;
};

Sym operator+(Sym a, Sym b) { return {a.x ^ b.x, a.z ^ b.z}; }
// Parity by folding: the default target has no popcount instruction, and std::popcount
// then becomes a library call that dominated the Gray-code walks.
int Parity(uint64_t v) {
  v ^= v >> 32;
  v ^= v >> 16;
  v ^= v >> 8;
  v ^= v >> 4;
  return (0x6996 >> (v & 0xf)) & 1;
}
int Inner(Sym a, Sym b) { return Parity((a.x & b.z) ^ (a.z & b.x)); }

// The transvection T_h(v) = v + ⟨v, h⟩ h (an involution, since ⟨h, h⟩ = 0).
Sym Transvect(Sym h, Sym v) { return Inner(v, h) ? v + h : v; }

// A uniformly random vector supported on qubits first..n−1.
Sym RandomVector(int first, int n, std::mt19937_64& rng) {
  const int bits = n - first;
  const uint64_t mask = (bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1) << first;
  const uint64_t x = rng() & mask;
  return {x, rng() & mask};
}

// At most two transvection vectors, the first applied first.
struct Transvections {
  Sym h[2];
  int count = 0;
  const Sym* begin() const { return h; }
  const Sym* end() const { return h + count; }
};
Transvections None() { return {}; }
Transvections One(Sym a) { return {{a, Sym{}}, 1}; }
Transvections Two(Sym a, Sym b) { return {{a, b}, 2}; }

void Add(std::vector<CliffordGate>& out, Kind kind, int target, int control = -1) {
  out.push_back(CliffordGate{kind, target, control});
}

// Emits exp(−iπ/4 H_h), whose conjugation maps an anticommuting Q to −i H_h Q (vector
// q + h) and fixes commuting ones: its symplectic action is T_h. Basis change B (h for X,
// sdg then h for Y, since H S† Y S H = H X H = Z) turns H_h into a Z string, a CNOT ladder
// collects the Z string's parity on one qubit, and exp(−iπ/4 Z) = e^{−iπ/4} S.
void EmitTransvection(Sym h, std::vector<CliffordGate>& out) {
  const uint64_t support = h.x | h.z;
  assert(support != 0);
  const int target = 63 - std::countl_zero(support);
  for (uint64_t m = support; m != 0; m &= m - 1) {
    const int q = std::countr_zero(m);
    const bool x = (h.x >> q) & 1, z = (h.z >> q) & 1;
    if (x && z) Add(out, Kind::kSdg, q);
    if (x) Add(out, Kind::kH, q);
  }
  for (uint64_t m = support & ~(uint64_t{1} << target); m != 0; m &= m - 1) {
    Add(out, Kind::kCx, target, std::countr_zero(m));
  }
  Add(out, Kind::kS, target);
  for (uint64_t m = support & ~(uint64_t{1} << target); m != 0; m &= m - 1) {
    Add(out, Kind::kCx, target, std::countr_zero(m));
  }
  for (uint64_t m = support; m != 0; m &= m - 1) {
    const int q = std::countr_zero(m);
    const bool x = (h.x >> q) & 1, z = (h.z >> q) & 1;
    if (x) Add(out, Kind::kH, q);
    if (x && z) Add(out, Kind::kS, q);
  }
}

// Transvection vectors (first applied first) whose product maps e = X_i to v ≠ 0, all
// supported on qubits ≥ i.
Transvections MapXTo(int i, Sym v) {
  const Sym e{uint64_t{1} << i, 0};
  if (v == e) return None();
  if (Inner(e, v)) return One(e + v);  // T_{e+v}(e) = e + ⟨e, v⟩(e + v) = v
  // ⟨e, v⟩ = 0: go through z with ⟨e, z⟩ = ⟨z, v⟩ = 1, so T_{z+v} T_{e+z} (e) = T_{z+v}(z)
  // = v. ⟨e, v⟩ = v.z_i = 0, so v's letter on qubit i is I or X.
  Sym z;
  if ((v.x >> i) & 1) {
    z.z = uint64_t{1} << i;  // v_i = X: z = Z_i anticommutes with e and with v
  } else {
    // v_i = I: z = Z_i ⊗ (a letter anticommuting with v on v's lowest other qubit k).
    const int k = std::countr_zero(v.x | v.z);
    const bool vx = (v.x >> k) & 1;
    z.z = uint64_t{1} << i;
    if (vx) {
      z.z |= uint64_t{1} << k;  // X or Y on k: Z anticommutes with both
    } else {
      z.x |= uint64_t{1} << k;  // Z on k: X anticommutes
    }
  }
  return Two(e + z, z + v);
}

// Transvection vectors (first applied first) that fix e = X_i and map f = Z_i to w, where
// ⟨e, w⟩ = 1; each has ⟨e, h⟩ = 0, so fixes e.
Transvections MapZTo(int i, Sym w) {
  const Sym e{uint64_t{1} << i, 0};
  const Sym f{0, uint64_t{1} << i};
  if (w == f) return None();
  // ⟨e, f + w⟩ = 1 + 1 = 0.
  if (Inner(f, w)) return One(f + w);
  // z = w + e: ⟨f, z⟩ = 0 + 1 = 1 and ⟨z, w⟩ = ⟨e, w⟩ = 1; ⟨e, f + z⟩ = 1 + 1 = 0 and
  // z + w = e.
  const Sym z = w + e;
  return Two(f + z, z + w);
}

bool IsInversePair(Kind a, Kind b) {
  switch (a) {
    case Kind::kS: return b == Kind::kSdg;
    case Kind::kSdg: return b == Kind::kS;
    default: return a == b;  // h, x, y, z and (same operands checked by the caller) cx
  }
}

// Removes adjacent inverse pairs (h h, s sdg, x x, cx cx on the same operands, ... with no
// gate on their qubits in between), repeatedly: the undo of one transvection's basis change
// often meets the next one's. The product is unchanged. Each kept gate links to the
// previous kept gate on each of its qubits, so a removal exposes the gate before it.
std::vector<CliffordGate> CancelInversePairs(const std::vector<CliffordGate>& in) {
  struct Kept {
    CliffordGate gate;
    int prev_target;   // previous live gate on gate.target, −1 if none
    int prev_control;  // the same on gate.control (cx)
    bool removed;
  };
  std::vector<Kept> kept;
  kept.reserve(in.size());
  int head[64];  // the last live gate on each qubit
  std::fill(std::begin(head), std::end(head), -1);
  for (const CliffordGate& g : in) {
    const int h = head[g.target];
    if (h >= 0) {
      const CliffordGate& prev = kept[h].gate;
      const bool cancels =
          IsInversePair(prev.kind, g.kind) && prev.target == g.target &&
          (g.kind != Kind::kCx || (prev.control == g.control && head[g.control] == h));
      if (cancels) {
        kept[h].removed = true;
        head[g.target] = kept[h].prev_target;
        if (g.kind == Kind::kCx) head[g.control] = kept[h].prev_control;
        continue;
      }
    }
    const int index = static_cast<int>(kept.size());
    kept.push_back({g, head[g.target], g.kind == Kind::kCx ? head[g.control] : -1, false});
    head[g.target] = index;
    if (g.kind == Kind::kCx) head[g.control] = index;
  }
  std::vector<CliffordGate> out;
  out.reserve(kept.size());
  for (const Kept& k : kept) {
    if (!k.removed) out.push_back(k.gate);
  }
  return out;
}

}  // namespace

Clifford::Clifford(int num_qubits, std::vector<CliffordGate> gates)
    : num_qubits_(num_qubits), gates_(std::move(gates)) {
  ComputeHeisenberg();
  ReduceGenerators();
}

Clifford Clifford::FromGates(int num_qubits, std::vector<CliffordGate> gates) {
  assert(num_qubits >= 1 && num_qubits <= 64);
  for ([[maybe_unused]] const CliffordGate& g : gates) {
    assert(g.target >= 0 && g.target < num_qubits);
    assert(g.kind != Kind::kCx || (g.control >= 0 && g.control < num_qubits &&
                                   g.control != g.target));
  }
  return Clifford(num_qubits, std::move(gates));
}

// Uniformity. Write Sp_m for the symplectic group of the qubits i..n−1 (m = n − i). The map
// S ↦ (S e, S f) with (e, f) = (X_i, Z_i) sends Sp_m onto the pairs (v, w) with ⟨v, w⟩ = 1,
// and the fibre of (v, w) is the coset T · Stab, where T is any element with
// T(e, f) = (v, w) and Stab = {1 ⊕ S' : S' ∈ Sp_{m−1}} fixes e and f. All fibres thus have
// |Sp_{m−1}| elements. Step i draws (v, w) uniformly over the pairs (v uniform nonzero, then
// w uniform among the vectors with ⟨v, w⟩ = 1 — the count of those is 2^{2m−1} for every
// v ≠ 0, so the pair is uniform), builds T from transvections as a function of (v, w), and
// composes T ∘ (1 ⊕ S') with S' from the later steps, which is uniform on Sp_{m−1} by
// induction and independent of (v, w). So T ∘ (1 ⊕ S') is uniform on the fibre of a uniform
// pair: uniform on Sp_m. In unitaries: U_i = T_i · U_{i+1} (U_{i+1} applied first; it acts
// on qubits > i only, since every transvection vector of later steps lives there, so it
// fixes X_i and Z_i). Finally, the Cliffords with a given symplectic action are exactly
// U_0 · P for the 4^n Paulis P, distinct modulo phase, so a uniform Pauli applied first
// makes U = U_0 · P uniform over the Clifford group modulo phase.
Clifford Clifford::Random(int num_qubits, std::mt19937_64& rng) {
  assert(num_qubits >= 1 && num_qubits <= 64);
  const int n = num_qubits;
  // Step i's gates go to steps[block_start[i] ..), to be assembled in reverse step order.
  std::vector<CliffordGate> steps;
  steps.reserve(static_cast<size_t>(n) * (10 * n + 8));
  std::vector<size_t> block_start(n + 1);
  for (int i = 0; i < n; ++i) {
    block_start[i] = steps.size();
    Sym v;
    do {
      v = RandomVector(i, n, rng);
    } while (v.is_zero());
    Sym w;
    do {
      w = RandomVector(i, n, rng);
    } while (Inner(v, w) != 1);
    // T = S_1 ∘ S_2 with S_1 (product of `first`) mapping e to v and S_2 fixing e and
    // mapping f to w' = S_1^{-1}(w) (⟨e, w'⟩ = ⟨v, w⟩ = 1). Then T e = v and T f = w.
    const Transvections first = MapXTo(i, v);
    Sym pulled = w;
    for (int k = first.count - 1; k >= 0; --k) pulled = Transvect(first.h[k], pulled);
    const Transvections second = MapZTo(i, pulled);
    for (const Sym& h : second) EmitTransvection(h, steps);
    for (const Sym& h : first) EmitTransvection(h, steps);
  }
  block_start[n] = steps.size();
  std::vector<CliffordGate> gates;
  gates.reserve(steps.size() + n);
  for (int q = 0; q < n; ++q) {
    switch (rng() & 3) {
      case 1: Add(gates, Kind::kX, q); break;
      case 2: Add(gates, Kind::kY, q); break;
      case 3: Add(gates, Kind::kZ, q); break;
      default: break;
    }
  }
  for (int i = n - 1; i >= 0; --i) {
    gates.insert(gates.end(), steps.begin() + block_start[i], steps.begin() + block_start[i + 1]);
  }
  return Clifford(n, CancelInversePairs(gates));
}

// U† Z_r U = G_1† ⋯ G_m† Z_r G_m ⋯ G_1 for U = G_m ⋯ G_1: conjugate P ↦ G† P G through the
// gates from the last applied to the first. The n rows are bit-sliced: col_x[q] bit r is
// the x bit of qubit q in row r, so each gate updates all rows in a few word operations.
void Clifford::ComputeHeisenberg() {
  const int n = num_qubits_;
  std::vector<uint64_t> col_x(n, 0), col_z(n, 0);
  uint64_t sign = 0;  // bit r: row r is negative
  for (int q = 0; q < n; ++q) col_z[q] = uint64_t{1} << q;
  for (auto it = gates_.rbegin(); it != gates_.rend(); ++it) {
    const int t = it->target;
    uint64_t& x = col_x[t];
    uint64_t& z = col_z[t];
    switch (it->kind) {
      case Kind::kH:  // X ↔ Z, Y → −Y
        sign ^= x & z;
        std::swap(x, z);
        break;
      case Kind::kS:  // S† X S = −Y, S† Y S = X
        sign ^= x & ~z;
        z ^= x;
        break;
      case Kind::kSdg:  // S X S† = Y, S Y S† = −X
        sign ^= x & z;
        z ^= x;
        break;
      case Kind::kX: sign ^= z; break;      // flips Z and Y
      case Kind::kY: sign ^= x ^ z; break;  // flips X and Z
      case Kind::kZ: sign ^= x; break;      // flips X and Y
      case Kind::kCx: {
        // X_c → X_c X_t, Z_t → Z_c Z_t; X^x Z^z maps to X^x' Z^z' without sign, and the
        // prefactor i^{|x&z|} changes by −1 exactly when x_c z_t (1 + x_t + z_c) = 1.
        const int c = it->control;
        sign ^= col_x[c] & col_z[t] & ~(col_x[t] ^ col_z[c]);
        col_x[t] ^= col_x[c];
        col_z[c] ^= col_z[t];
        break;
      }
    }
  }
  z_heisenberg_.assign(n, SignedPauli{});
  for (int q = 0; q < n; ++q) {
    for (int r = 0; r < n; ++r) {
      z_heisenberg_[r].string.x |= ((col_x[q] >> r) & 1) << q;
      z_heisenberg_[r].string.z |= ((col_z[q] >> r) & 1) << q;
    }
  }
  for (int r = 0; r < n; ++r) z_heisenberg_[r].negative = (sign >> r) & 1;
}

namespace {

// a ← a · b for commuting Hermitian rows: a · b = i^k H(a ⊕ b) with
// k = |a.x & a.z| + |b.x & b.z| − |c.x & c.z| + 2|a.z & b.x| (moving Z^{a.z} past X^{b.x}),
// which is 0 or 2 mod 4 because the product of commuting Hermitian operators is Hermitian.
template <typename Row>
void MultiplyInto(Row& a, const Row& b) {
  const uint64_t cx = a.x ^ b.x, cz = a.z ^ b.z;
  const int k = std::popcount(a.x & a.z) + std::popcount(b.x & b.z) -
                std::popcount(cx & cz) + 2 * std::popcount(a.z & b.x) +
                2 * (a.negative + b.negative);
  assert((k & 1) == 0);
  a.x = cx;
  a.z = cz;
  a.combo ^= b.combo;
  a.negative = (k & 3) == 2;
}

}  // namespace

void Clifford::ReduceGenerators() {
  const int n = num_qubits_;
  reduced_.assign(n, ReducedRow{});
  for (int q = 0; q < n; ++q) {
    reduced_[q].x = z_heisenberg_[q].string.x;
    reduced_[q].z = z_heisenberg_[q].string.z;
    reduced_[q].negative = z_heisenberg_[q].negative;
    reduced_[q].combo = uint64_t{1} << q;
  }
  // Gauss–Jordan on the X parts over all rows.
  int r = 0;
  for (int col = 0; col < n && r < n; ++col) {
    const uint64_t bit = uint64_t{1} << col;
    int p = r;
    while (p < n && !(reduced_[p].x & bit)) ++p;
    if (p == n) continue;
    std::swap(reduced_[r], reduced_[p]);
    reduced_[r].pivot = col;
    for (int i = 0; i < n; ++i) {
      if (i != r && (reduced_[i].x & bit)) MultiplyInto(reduced_[i], reduced_[r]);
    }
    ++r;
  }
  rank_ = r;
  // Gauss–Jordan on the Z parts of the Z-only rows; independence of the generators makes
  // them full rank.
  for (int col = 0; col < n && r < n; ++col) {
    const uint64_t bit = uint64_t{1} << col;
    int p = r;
    while (p < n && !(reduced_[p].z & bit)) ++p;
    if (p == n) continue;
    std::swap(reduced_[r], reduced_[p]);
    reduced_[r].pivot = col;
    for (int i = rank_; i < n; ++i) {
      if (i != r && (reduced_[i].z & bit)) MultiplyInto(reduced_[i], reduced_[r]);
    }
    ++r;
  }
  assert(r == n);
}

// The support is x0 ⊕ span{x_j : j < rank}: every support state satisfies the Z-only rows,
// (−1)^{z_r · x} = sign_r, and the reduced Z pivots make x0 = Σ_{sign_r = −1} e_{pivot_r} a
// solution (X parts of the other rows commute with Z-only rows, so adding them keeps the
// constraints). A stabilizer g = (−1)^s i^y X^{x_g} Z^{z_g} with g|s⟩ = |s⟩ gives
// ⟨x ⊕ x_g|s⟩ = (−1)^s i^y (−1)^{z_g · x} ⟨x|s⟩, so each Gray-code step multiplies the
// amplitude by a power of i, tracked exactly as an exponent mod 4.
template <typename Visit>
void Clifford::Walk(uint64_t outcome, Visit&& visit) const {
  const int n = num_qubits_;
  const int k = rank_;
  uint64_t x = 0;
  for (int r = k; r < n; ++r) {
    const ReducedRow& row = reduced_[r];
    if (row.negative ^ Parity(row.combo & outcome)) x |= uint64_t{1} << row.pivot;
  }
  uint64_t xs[64], zs[64];
  unsigned cs[64];
  for (int j = 0; j < k; ++j) {
    const ReducedRow& row = reduced_[j];
    xs[j] = row.x;
    zs[j] = row.z;
    cs[j] = static_cast<unsigned>(std::popcount(row.x & row.z) +
                                  2 * (row.negative ^ Parity(row.combo & outcome)));
  }
  unsigned phase = 0;
  visit(x, phase);
  const uint64_t count = uint64_t{1} << k;
  for (uint64_t t = 1; t < count; ++t) {
    const int j = std::countr_zero(t);
    phase = (phase + cs[j] + 2 * static_cast<unsigned>(Parity(zs[j] & x))) & 3;
    x ^= xs[j];
    visit(x, phase);
  }
}

namespace {

std::complex<double> IPower(unsigned p) {
  switch (p & 3) {
    case 0: return {1, 0};
    case 1: return {0, 1};
    case 2: return {-1, 0};
    default: return {0, -1};
  }
}

}  // namespace

std::vector<std::complex<double>> Clifford::StabilizerState(uint64_t outcome) const {
  assert(num_qubits_ < 64);
  std::vector<std::complex<double>> state(size_t{1} << num_qubits_);
  const double norm = std::ldexp(1.0, -rank_) == 0 ? 0 : std::sqrt(std::ldexp(1.0, -rank_));
  Walk(outcome, [&](uint64_t x, unsigned p) { state[x] = norm * IPower(p); });
  return state;
}

std::complex<double> Clifford::Overlap(uint64_t outcome,
                                       absl::Span<const std::complex<double>> phi) const {
  assert(phi.size() == size_t{1} << num_qubits_);
  // Sums of φ_x by amplitude phase i^p; ⟨s|φ⟩ = 2^{−k/2} Σ_p i^{−p} sum_p.
  double re[4] = {0, 0, 0, 0}, im[4] = {0, 0, 0, 0};
  const std::complex<double>* data = phi.data();
  Walk(outcome, [&](uint64_t x, unsigned p) {
    re[p] += data[x].real();
    im[p] += data[x].imag();
  });
  // i^{−1}(a + ib) = b − ia; i^{−3}(a + ib) = −b + ia.
  const double real = re[0] - re[2] + im[1] - im[3];
  const double imag = im[0] - im[2] - re[1] + re[3];
  const double norm = std::sqrt(std::ldexp(1.0, -rank_));
  return {norm * real, norm * imag};
}

void Clifford::AddProjection(uint64_t outcome, absl::Span<const std::complex<double>> chi,
                             std::complex<double> weight,
                             absl::Span<std::complex<double>> out) const {
  assert(out.size() == size_t{1} << num_qubits_);
  const std::complex<double> scale =
      weight * Overlap(outcome, chi) * std::sqrt(std::ldexp(1.0, -rank_));
  const std::complex<double> by_phase[4] = {scale, scale * IPower(1), -scale,
                                            scale * IPower(3)};
  std::complex<double>* data = out.data();
  Walk(outcome, [&](uint64_t x, unsigned p) { data[x] += by_phase[p]; });
}

// ⟨s|P|s⟩ is 0 when P anticommutes with a stabilizer. Otherwise ±P lies in the stabilizer
// group (which is maximal abelian): P = λ R with R a product of reduced rows, and
// ⟨s|P|s⟩ = λ. The rows to multiply are read off the pivots: X rows by P's X part, then
// Z-only rows by the remaining Z part.
int Clifford::PauliValue(uint64_t outcome, const PauliString& pauli) const {
  const int n = num_qubits_;
  const Sym p{pauli.x, pauli.z};
  for (const ReducedRow& row : reduced_) {
    if (Inner(p, Sym{row.x, row.z})) return 0;
  }
  ReducedRow product;  // identity
  for (int j = 0; j < rank_; ++j) {
    if ((p.x >> reduced_[j].pivot) & 1) MultiplyInto(product, reduced_[j]);
  }
  const uint64_t rest = product.z ^ p.z;
  for (int r = rank_; r < n; ++r) {
    if ((rest >> reduced_[r].pivot) & 1) MultiplyInto(product, reduced_[r]);
  }
  if (product.x != p.x || product.z != p.z) return 0;  // P acts beyond the register
  return product.negative ^ Parity(product.combo & outcome) ? -1 : 1;
}

std::string Clifford::Qasm(absl::Span<const std::string> qubits) const {
  std::string text;
  for (const CliffordGate& g : gates_) {
    const std::string& t = qubits[g.target];
    switch (g.kind) {
      case Kind::kH: absl::StrAppend(&text, "h ", t, ";\n"); break;
      case Kind::kS: absl::StrAppend(&text, "s ", t, ";\n"); break;
      case Kind::kSdg: absl::StrAppend(&text, "sdg ", t, ";\n"); break;
      case Kind::kX: absl::StrAppend(&text, "x ", t, ";\n"); break;
      case Kind::kY: absl::StrAppend(&text, "y ", t, ";\n"); break;
      case Kind::kZ: absl::StrAppend(&text, "z ", t, ";\n"); break;
      case Kind::kCx: absl::StrAppend(&text, "cx ", qubits[g.control], ", ", t, ";\n"); break;
    }
  }
  return text;
}

}  // namespace qgrad::shadows
