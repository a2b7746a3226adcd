// Adjoint-method gradients; see adjoint.h for the two sweeps.
//
// Notation: ψ_k is the state after gate k, λ_k = G_{k+1}†⋯G_m† λ_m with λ_m = Hψ (or the
// target state for fidelities). Then ∂f/∂a_k = 2 Re(w ⟨λ_k| ∂G_k/∂a |ψ_{k−1}⟩), w = 1 for
// expectations and w = conj⟨target|ψ⟩ for fidelities.
//
// Thread-safety: see adjoint.h.
#include "backends/statevector/adjoint.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "backends/statevector/fusion.h"
#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/pass_runner.h"
#include "backends/statevector/schedule.h"
#include "core/gate_matrix.h"

namespace qgrad::sv {
namespace {

using Matrix = std::vector<Amplitude>;

// Inserts a zero bit at each position of `sorted_positions` (ascending) into `j`.
inline uint64_t InsertZeroBits(uint64_t j, absl::Span<const int> sorted_positions) {
  for (int p : sorted_positions) {
    uint64_t low = j & ((uint64_t{1} << p) - 1);
    j = low | ((j ^ low) << 1);
  }
  return j;
}

// The qubits a gate touches with the pattern its controls require.
struct Support {
  std::vector<int> fixed_sorted;  // targets and controls, ascending
  uint64_t control_pattern = 0;   // bits that must be 1 (negctrl bits stay 0)
  std::vector<uint64_t> offsets;  // offsets[r]: the index bits of local target index r
};

Support SupportOf(absl::Span<const int> targets, absl::Span<const int> controls,
                  const std::vector<bool>& control_values) {
  Support s;
  s.fixed_sorted.assign(targets.begin(), targets.end());
  s.fixed_sorted.insert(s.fixed_sorted.end(), controls.begin(), controls.end());
  std::sort(s.fixed_sorted.begin(), s.fixed_sorted.end());
  for (size_t i = 0; i < controls.size(); ++i) {
    if (control_values[i]) s.control_pattern |= uint64_t{1} << controls[i];
  }
  size_t dim = size_t{1} << targets.size();
  s.offsets.resize(dim);
  for (size_t r = 0; r < dim; ++r) {
    uint64_t off = 0;
    for (size_t b = 0; b < targets.size(); ++b) {
      if ((r >> b) & 1) off |= uint64_t{1} << targets[b];
    }
    s.offsets[r] = off;
  }
  return s;
}

int Threads(const Simulator& sim, int num_qubits) {
  return ThreadsFor(num_qubits, sim.options().threads, sim.options().parallel_min_qubits);
}

// Σ term(i) over the basis indices i where the support's controls hold and its targets
// are 0, summed in fixed chunks so the result does not depend on the thread count.
template <class TermFn>
Amplitude SumOverSubspace(const Simulator& sim, int n, const Support& s, const TermFn& term) {
  const uint64_t count = uint64_t{1} << (n - int(s.fixed_sorted.size()));
  return ParallelSumT<Amplitude>(count, Threads(sim, n), [&](uint64_t begin, uint64_t end) {
    Amplitude sum = 0;
    for (uint64_t j = begin; j < end; ++j) {
      sum += term(InsertZeroBits(j, s.fixed_sorted) | s.control_pattern);
    }
    return sum;
  });
}

// ⟨bra| M |ket⟩ with M acting on `targets` where the controls hold, and zero elsewhere.
Amplitude MatrixElement(const Simulator& sim, const StateVector& bra, const Support& s,
                        const Matrix& m, const StateVector& ket) {
  const size_t dim = s.offsets.size();
  const Amplitude* b = bra.data();
  const Amplitude* k = ket.data();
  return SumOverSubspace(sim, bra.num_qubits(), s, [&](uint64_t base) {
    Amplitude sum = 0;
    for (size_t r = 0; r < dim; ++r) {
      Amplitude row = 0;
      for (size_t c = 0; c < dim; ++c) row += m[r * dim + c] * k[base | s.offsets[c]];
      sum += std::conj(b[base | s.offsets[r]]) * row;
    }
    return sum;
  });
}

// ⟨bra| P |ket⟩ for a Pauli rotation's string (on the gate's qubits) where controls hold.
Amplitude PauliElement(const Simulator& sim, const StateVector& bra, const Gate& g,
                       const StateVector& ket) {
  uint64_t x = 0, z = 0;
  for (size_t i = 0; i < g.qubits.size(); ++i) {
    PauliLetter l = g.pauli.letter(int(i));
    if (l == PauliLetter::kX || l == PauliLetter::kY) x |= uint64_t{1} << g.qubits[i];
    if (l == PauliLetter::kZ || l == PauliLetter::kY) z |= uint64_t{1} << g.qubits[i];
  }
  static const Amplitude kIPow[4] = {1, {0, 1}, -1, {0, -1}};
  const Amplitude base_phase = kIPow[__builtin_popcountll(x & z) & 3];
  const Amplitude* b = bra.data();
  const Amplitude* k = ket.data();
  const Support s = SupportOf({}, g.controls, g.control_values);
  return base_phase * SumOverSubspace(sim, bra.num_qubits(), s, [&](uint64_t i) {
    const Amplitude t = std::conj(b[i ^ x]) * k[i];
    return (__builtin_popcountll(i & z) & 1) ? -t : t;
  });
}

// Adds w-weighted terms of `gate` to `gradient`; `element(angle)` gives ⟨λ|∂G/∂a|ψ_{k−1}⟩.
template <class ElementFn>
void AccumulateGate(const Gate& gate, Amplitude weight, ElementFn element,
                    std::vector<double>& gradient) {
  for (size_t a = 0; a < gate.angles.size(); ++a) {
    const Angle& angle = gate.angles[a];
    if (angle.is_fixed()) continue;
    gradient[angle.index] += 2 * (weight * element(int(a))).real() * angle.scale;
  }
}

bool IsWide(const Gate& g, int max_block_qubits) {
  return int(g.AllQubits().size()) > max_block_qubits;
}

// Undoes one gate on φ and λ, adding its parameters' terms. `phi` holds ψ_k on entry.
void UndoGate(const Simulator& sim, const Gate& g, absl::Span<const double> params,
              Amplitude weight, StateVector& phi, StateVector& lambda,
              std::vector<double>& gradient) {
  const Gate inverse = InverseGate(g);
  if (g.kind == GateKind::kPauliRotation && g.IsParameterized()) {
    // ∂G/∂a ψ_{k−1} = −i/2 P G ψ_{k−1} = −i/2 P ψ_k: no derivative matrix of size 4^k.
    Amplitude p = PauliElement(sim, lambda, g, phi);
    AccumulateGate(g, weight, [&](int) { return Amplitude(0, -0.5) * p; }, gradient);
    sim.ApplyGate(inverse, params, phi);
  } else {
    sim.ApplyGate(inverse, params, phi);
    if (g.IsParameterized()) {
      Support s = SupportOf(g.qubits, g.controls, g.control_values);
      AccumulateGate(g, weight, [&](int a) {
        return MatrixElement(sim, lambda, s, GateMatrixDerivative(g, params, a), phi);
      }, gradient);
    }
  }
  sim.ApplyGate(inverse, params, lambda);
}

// ---- Blocked sweep ------------------------------------------------------------------

struct Block {
  std::vector<int> qubits;  // ascending; local bit i is qubit qubits[i]
  std::vector<int> gates;   // indices into the circuit, in circuit order
};

// Greedy grouping that lets a gate move past earlier gates on other qubits: a gate joins
// the latest block touching any of its qubits when the union stays within `max_qubits`
// (nothing after that block touches those qubits, so the order is unchanged where it
// matters); gates on fresh qubits join the newest block with room.
std::vector<Block> GroupIntoBlocks(const std::vector<Gate>& gates, int num_qubits,
                                   int max_qubits) {
  std::vector<Block> blocks;
  std::vector<bool> closed;                 // wide gates take a block of their own
  std::vector<int> last_block(num_qubits, -1);
  for (int i = 0; i < int(gates.size()); ++i) {
    const Gate& g = gates[i];
    if (g.kind == GateKind::kBarrier) continue;
    const std::vector<int> qubits = g.AllQubits();
    int latest = -1;
    for (int q : qubits) latest = std::max(latest, last_block[q]);
    const bool wide = IsWide(g, max_qubits);
    int target = latest >= 0 ? latest : int(blocks.size()) - 1;
    if (!wide && target >= 0 && !closed[target]) {
      std::vector<int> merged = blocks[target].qubits;
      for (int q : qubits) {
        if (std::find(merged.begin(), merged.end(), q) == merged.end()) merged.push_back(q);
      }
      if (int(merged.size()) > max_qubits) {
        target = -1;
      } else {
        std::sort(merged.begin(), merged.end());
        blocks[target].qubits = std::move(merged);
      }
    } else {
      target = -1;
    }
    if (target < 0) {
      target = int(blocks.size());
      std::vector<int> sorted = wide ? std::vector<int>{} : qubits;  // empty: a wide gate
      std::sort(sorted.begin(), sorted.end());
      blocks.push_back(Block{std::move(sorted), {}});
      closed.push_back(wide);
    }
    blocks[target].gates.push_back(i);
    for (int q : qubits) last_block[q] = target;
  }
  return blocks;
}

Matrix Identity(size_t dim) {
  Matrix m(dim * dim, 0);
  for (size_t i = 0; i < dim; ++i) m[i * dim + i] = 1;
  return m;
}

Matrix MatMul(const Matrix& a, const Matrix& b, size_t dim) {
  Matrix c(dim * dim, 0);
  for (size_t r = 0; r < dim; ++r)
    for (size_t k = 0; k < dim; ++k) {
      Amplitude v = a[r * dim + k];
      if (v == Amplitude(0)) continue;
      for (size_t col = 0; col < dim; ++col) c[r * dim + col] += v * b[k * dim + col];
    }
  return c;
}

// The gate's matrix `m` (own qubits) lifted to the block's qubits. Where the controls do
// not hold the result is the identity, or zero when `zero_off_controls` (a derivative).
Matrix Embed(const Gate& g, const Matrix& m, const std::vector<int>& block_qubits,
             bool zero_off_controls) {
  auto local = [&](int q) {
    return int(std::find(block_qubits.begin(), block_qubits.end(), q) - block_qubits.begin());
  };
  const size_t dim = size_t{1} << block_qubits.size();
  const size_t gdim = size_t{1} << g.qubits.size();
  uint64_t control_mask = 0, control_pattern = 0, target_mask = 0;
  for (size_t i = 0; i < g.controls.size(); ++i) {
    control_mask |= uint64_t{1} << local(g.controls[i]);
    if (g.control_values[i]) control_pattern |= uint64_t{1} << local(g.controls[i]);
  }
  std::vector<uint64_t> spread(gdim);  // local target index → block index bits
  for (size_t r = 0; r < gdim; ++r) {
    uint64_t bits = 0;
    for (size_t b = 0; b < g.qubits.size(); ++b) {
      if ((r >> b) & 1) bits |= uint64_t{1} << local(g.qubits[b]);
    }
    spread[r] = bits;
  }
  for (size_t b = 0; b < g.qubits.size(); ++b) target_mask |= uint64_t{1} << local(g.qubits[b]);
  Matrix out(dim * dim, 0);
  for (size_t col = 0; col < dim; ++col) {
    if ((col & control_mask) != control_pattern) {
      if (!zero_off_controls) out[col * dim + col] = 1;
      continue;
    }
    size_t gcol = 0;
    for (size_t r = 0; r < gdim; ++r) {
      if ((col & target_mask) == spread[r]) gcol = r;
    }
    const uint64_t rest = col & ~target_mask;
    for (size_t gr = 0; gr < gdim; ++gr) out[(rest | spread[gr]) * dim + col] = m[gr * gdim + gcol];
  }
  return out;
}

// A reduced operator on a block's qubits, summed over chunks in a fixed order.
using Reduced = ElementwiseSum<Amplitude>;

// The sweep over indices [begin, end) of the rest of the state for a block of dimension
// D: φ ← B†φ, λ ← B†λ and, when kReduce, R[c][r] += φ'_c conj(λ_r). Real and imaginary
// parts are kept apart and D is a compile-time constant so that the loops unroll and
// vectorize; this is the hot loop of the gradient.
template <int D, bool kReduce>
Reduced SweepRange(uint64_t begin, uint64_t end, const Support& s, const double* b_re,
                   const double* b_im, double* f, double* l) {
  double r_re[kReduce ? D * D : 1] = {}, r_im[kReduce ? D * D : 1] = {};
  uint64_t off[D];
  for (int k = 0; k < D; ++k) off[k] = 2 * s.offsets[k];
  for (uint64_t j = begin; j < end; ++j) {
    const uint64_t base = 2 * InsertZeroBits(j, s.fixed_sorted);
    double fr[D], fi[D], lr[D], li[D];
    for (int k = 0; k < D; ++k) {
      fr[k] = f[base + off[k]];
      fi[k] = f[base + off[k] + 1];
      lr[k] = l[base + off[k]];
      li[k] = l[base + off[k] + 1];
    }
    double gr[D], gi[D], mr[D], mi[D];
    for (int row = 0; row < D; ++row) {
      double ar = 0, ai = 0, cr = 0, ci = 0;
      for (int k = 0; k < D; ++k) {
        const double br = b_re[row * D + k], bi = b_im[row * D + k];
        ar += br * fr[k] - bi * fi[k];
        ai += br * fi[k] + bi * fr[k];
        cr += br * lr[k] - bi * li[k];
        ci += br * li[k] + bi * lr[k];
      }
      gr[row] = ar;
      gi[row] = ai;
      mr[row] = cr;
      mi[row] = ci;
    }
    if constexpr (kReduce) {
      for (int c = 0; c < D; ++c) {
        for (int row = 0; row < D; ++row) {
          r_re[c * D + row] += gr[c] * lr[row] + gi[c] * li[row];
          r_im[c * D + row] += gi[c] * lr[row] - gr[c] * li[row];
        }
      }
    }
    for (int k = 0; k < D; ++k) {
      f[base + off[k]] = gr[k];
      f[base + off[k] + 1] = gi[k];
      l[base + off[k]] = mr[k];
      l[base + off[k] + 1] = mi[k];
    }
  }
  Reduced out;
  if constexpr (kReduce) {
    out.values.resize(D * D);
    for (int i = 0; i < D * D; ++i) out.values[i] = {r_re[i], r_im[i]};
  }
  return out;
}

template <int D>
Reduced SweepBlockOf(const Simulator& sim, const Support& s, const Matrix& b_dagger,
                     bool reduce, StateVector& phi, StateVector& lambda) {
  const int n = phi.num_qubits();
  const uint64_t count = uint64_t{1} << (n - int(s.fixed_sorted.size()));
  double b_re[D * D], b_im[D * D];
  for (int i = 0; i < D * D; ++i) {
    b_re[i] = b_dagger[i].real();
    b_im[i] = b_dagger[i].imag();
  }
  double* f = reinterpret_cast<double*>(phi.data());
  double* l = reinterpret_cast<double*>(lambda.data());
  return ParallelSumT<Reduced>(count, Threads(sim, n), [&](uint64_t begin, uint64_t end) {
    return reduce ? SweepRange<D, true>(begin, end, s, b_re, b_im, f, l)
                  : SweepRange<D, false>(begin, end, s, b_re, b_im, f, l);
  });
}

// One pass over both vectors: φ ← B†φ, λ ← B†λ, and (when `reduce`) the reduced operator
// R[c][r] = Σ φ'_c conj(λ_r) over the rest of the index (λ before its update, φ after).
Matrix SweepBlock(const Simulator& sim, const std::vector<int>& block_qubits,
                  const Matrix& b_dagger, bool reduce, StateVector& phi, StateVector& lambda) {
  const Support s = SupportOf(block_qubits, {}, {});
  switch (block_qubits.size()) {
    case 0: return SweepBlockOf<1>(sim, s, b_dagger, reduce, phi, lambda).values;
    case 1: return SweepBlockOf<2>(sim, s, b_dagger, reduce, phi, lambda).values;
    case 2: return SweepBlockOf<4>(sim, s, b_dagger, reduce, phi, lambda).values;
    case 3: return SweepBlockOf<8>(sim, s, b_dagger, reduce, phi, lambda).values;
    case 4: return SweepBlockOf<16>(sim, s, b_dagger, reduce, phi, lambda).values;
    default: return SweepBlockOf<32>(sim, s, b_dagger, reduce, phi, lambda).values;
  }
}

// A block's fused matrix and what its parameters' terms need: with E_i the block's gates
// lifted to its qubits, prefix[i] = E_{i−1}⋯E_0 and suffix[i] = E_{m−1}⋯E_{i+1}.
struct BlockMatrices {
  size_t dim = 1;
  std::vector<Matrix> prefix, suffix;
  Matrix b_dagger;  // (E_{m−1}⋯E_0)†
  bool has_params = false;
};

BlockMatrices ComputeBlockMatrices(const Circuit& circuit, const Block& block,
                                   absl::Span<const double> params) {
  BlockMatrices out;
  const size_t dim = out.dim = size_t{1} << block.qubits.size();
  const size_t m = block.gates.size();
  std::vector<Matrix> embedded(m);
  for (size_t i = 0; i < m; ++i) {
    const Gate& g = circuit.gates()[block.gates[i]];
    embedded[i] = Embed(g, GateMatrix(g, params), block.qubits, false);
    out.has_params |= g.IsParameterized();
  }
  out.prefix.resize(m + 1);
  out.suffix.resize(m);
  out.prefix[0] = Identity(dim);
  for (size_t i = 0; i < m; ++i) out.prefix[i + 1] = MatMul(embedded[i], out.prefix[i], dim);
  Matrix acc = Identity(dim);
  for (size_t i = m; i-- > 0;) {
    out.suffix[i] = acc;
    acc = MatMul(acc, embedded[i], dim);
  }
  out.b_dagger.resize(dim * dim);
  for (size_t r = 0; r < dim; ++r)
    for (size_t c = 0; c < dim; ++c) out.b_dagger[c * dim + r] = std::conj(out.prefix[m][r * dim + c]);
  return out;
}

// Adds the block's parameter terms from the reduced operator R[c][r] = Σ φ_c conj(λ_r)
// taken before the block (φ = ψ_{k−1}, λ = λ_k).
void AddBlockTerms(const Circuit& circuit, const Block& block, const BlockMatrices& mats,
                   absl::Span<const double> params, Amplitude weight, const Matrix& reduced,
                   std::vector<double>& gradient) {
  const size_t dim = mats.dim;
  for (size_t i = 0; i < block.gates.size(); ++i) {
    const Gate& g = circuit.gates()[block.gates[i]];
    if (!g.IsParameterized()) continue;
    AccumulateGate(g, weight, [&](int a) {
      Matrix d = Embed(g, GateMatrixDerivative(g, params, a), block.qubits, true);
      Matrix full = MatMul(mats.suffix[i], MatMul(d, mats.prefix[i], dim), dim);
      Amplitude e = 0;
      for (size_t r = 0; r < dim; ++r)
        for (size_t c = 0; c < dim; ++c) e += full[r * dim + c] * reduced[c * dim + r];
      return e;
    }, gradient);
  }
}

void UndoBlock(const Simulator& sim, const Circuit& circuit, const Block& block,
               absl::Span<const double> params, Amplitude weight, StateVector& phi,
               StateVector& lambda, std::vector<double>& gradient) {
  const BlockMatrices mats = ComputeBlockMatrices(circuit, block, params);
  const Matrix reduced =
      SweepBlock(sim, block.qubits, mats.b_dagger, mats.has_params, phi, lambda);
  AddBlockTerms(circuit, block, mats, params, weight, reduced, gradient);
}

// ---- Paired sweep ----------------------------------------------------------------------
//
// The blocks are the simulator's own fused ops (fusion.h), so the sweep undoes as many ops
// as the forward pass applied. φ and λ are interleaved on a new bit 0 of one (n+1)-qubit
// state: an op's inverse applied to that state undoes it on both at once, and the whole
// sweep runs through the simulator's cache-blocked passes and SIMD kernels. Before the
// inverse of an op with parameters, a reduce op reads R_old[c][r] = Σ φ_c conj(λ_r) on its
// qubits (only the diagonal for a diagonal op); the sweep's R is B†·R_old. Passes may move
// an op ahead of ops on other qubits; R is unchanged by that, since a partial trace over
// the other qubits is invariant under a unitary applied there to both φ and λ.

void Interleave(const StateVector& phi, const StateVector& lambda, StateVector& pair) {
  const Amplitude* f = phi.data();
  const Amplitude* l = lambda.data();
  Amplitude* out = pair.data();
  ParallelFor(phi.size(), ThreadsFor(phi.num_qubits()), [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      out[2 * i] = f[i];
      out[2 * i + 1] = l[i];
    }
  });
}

internal::Op InverseOp(internal::Op op) {
  using Kind = internal::Op::Kind;
  switch (op.kind) {
    case Kind::kDense: {
      const size_t dim = size_t{1} << op.qubits.size();
      Matrix m(dim * dim);
      for (size_t r = 0; r < dim; ++r)
        for (size_t c = 0; c < dim; ++c) m[c * dim + r] = std::conj(op.matrix[r * dim + c]);
      op.matrix = std::move(m);
      break;
    }
    case Kind::kDiagonal:
      for (Amplitude& v : op.matrix) v = std::conj(v);
      break;
    case Kind::kPauliRotation:
      op.theta = -op.theta;
      break;
    case Kind::kScale:
      op.scale = std::conj(op.scale);
      break;
    case Kind::kReduce:
    case Kind::kReduceDiagonal:
    case Kind::kReducePauli:
      break;
  }
  return op;
}

// The op on the paired state (every qubit one bit up).
internal::Op ShiftedUp(internal::Op op) {
  for (int& q : op.qubits) ++q;
  op.cmask <<= 1;
  op.cval <<= 1;
  op.x <<= 1;
  op.z <<= 1;
  return op;
}

bool HasParams(const Circuit& circuit, const std::vector<int>& gates) {
  return std::any_of(gates.begin(), gates.end(),
                     [&](int g) { return circuit.gates()[g].IsParameterized(); });
}

// Parameters can be differentiated through a Pauli rotation op (a wide one, left unfused)
// or an uncontrolled dense or diagonal op whose qubits hold all its gates' qubits.
bool Differentiable(const Circuit& circuit, const internal::SourcedOp& s) {
  using Kind = internal::Op::Kind;
  if (s.op.kind == Kind::kPauliRotation) return true;
  if (!(s.op.kind == Kind::kDense && s.op.cmask == 0) && s.op.kind != Kind::kDiagonal) {
    return false;
  }
  for (int g : s.gates) {
    for (int q : circuit.gates()[g].AllQubits()) {
      if (std::find(s.op.qubits.begin(), s.op.qubits.end(), q) == s.op.qubits.end()) {
        return false;
      }
    }
  }
  return true;
}

// A gate's diagonal lifted to the block's qubits (as Embed, for diagonal gates).
std::vector<Amplitude> EmbedDiagonal(const Gate& g, const Matrix& m,
                                     const std::vector<int>& block_qubits,
                                     bool zero_off_controls) {
  auto bit = [&](int q) {
    return uint64_t{1} << (std::find(block_qubits.begin(), block_qubits.end(), q) -
                           block_qubits.begin());
  };
  const size_t gdim = size_t{1} << g.qubits.size();
  const size_t dim = size_t{1} << block_qubits.size();
  std::vector<Amplitude> out(dim);
  for (size_t c = 0; c < dim; ++c) {
    bool active = true;
    for (size_t i = 0; i < g.controls.size(); ++i) {
      active &= ((c & bit(g.controls[i])) != 0) == bool(g.control_values[i]);
    }
    size_t local = 0;
    for (size_t b = 0; b < g.qubits.size(); ++b) {
      if (c & bit(g.qubits[b])) local |= size_t{1} << b;
    }
    out[c] = active ? m[local * gdim + local] : (zero_off_controls ? 0.0 : 1.0);
  }
  return out;
}

// The terms of a diagonal block's parameters from R_old's diagonal (the block undone:
// R[c] = conj(B[c])·R_old[c]); the block's gates are diagonal and commute.
void AddDiagonalBlockTerms(const Circuit& circuit, const internal::SourcedOp& s,
                           absl::Span<const double> params, Amplitude weight,
                           const Amplitude* r_old, std::vector<double>& gradient) {
  const size_t dim = size_t{1} << s.op.qubits.size();
  const size_t m = s.gates.size();
  std::vector<std::vector<Amplitude>> e(m);
  for (size_t i = 0; i < m; ++i) {
    const Gate& g = circuit.gates()[s.gates[i]];
    e[i] = EmbedDiagonal(g, GateMatrix(g, params), s.op.qubits, false);
  }
  // others[i][c] = Π_{j≠i} e_j[c], from prefix and suffix products.
  std::vector<Amplitude> prefix(dim, 1.0), total(dim, 1.0);
  for (size_t i = 0; i < m; ++i)
    for (size_t c = 0; c < dim; ++c) total[c] *= e[i][c];
  std::vector<Amplitude> reduced(dim);
  for (size_t c = 0; c < dim; ++c) reduced[c] = std::conj(total[c]) * r_old[c];
  std::vector<Amplitude> suffix(dim, 1.0);
  std::vector<std::vector<Amplitude>> suffixes(m);
  for (size_t i = m; i-- > 0;) {
    suffixes[i] = suffix;
    for (size_t c = 0; c < dim; ++c) suffix[c] *= e[i][c];
  }
  for (size_t i = 0; i < m; ++i) {
    const Gate& g = circuit.gates()[s.gates[i]];
    if (g.IsParameterized()) {
      AccumulateGate(g, weight, [&](int a) {
        const std::vector<Amplitude> d =
            EmbedDiagonal(g, GateMatrixDerivative(g, params, a), s.op.qubits, true);
        Amplitude sum = 0;
        for (size_t c = 0; c < dim; ++c) sum += suffixes[i][c] * d[c] * prefix[c] * reduced[c];
        return sum;
      }, gradient);
    }
    for (size_t c = 0; c < dim; ++c) prefix[c] *= e[i][c];
  }
}

void AddDenseBlockTerms(const Circuit& circuit, const internal::SourcedOp& s,
                        absl::Span<const double> params, Amplitude weight,
                        const Amplitude* r_old, std::vector<double>& gradient) {
  const Block block{s.op.qubits, s.gates};
  const BlockMatrices mats = ComputeBlockMatrices(circuit, block, params);
  const Matrix old(r_old, r_old + mats.dim * mats.dim);
  AddBlockTerms(circuit, block, mats, params, weight, MatMul(mats.b_dagger, old, mats.dim),
                gradient);
}

internal::Op::Kind ReduceKindFor(internal::Op::Kind kind) {
  using Kind = internal::Op::Kind;
  return kind == Kind::kDiagonal        ? Kind::kReduceDiagonal
         : kind == Kind::kPauliRotation ? Kind::kReducePauli
                                        : Kind::kReduce;
}

bool IsReduce(const internal::Op& op) {
  using Kind = internal::Op::Kind;
  return op.kind == Kind::kReduce || op.kind == Kind::kReduceDiagonal ||
         op.kind == Kind::kReducePauli;
}

// Entries of a reduce op's sum per slot.
size_t ReduceSize(const internal::Op& op) {
  using Kind = internal::Op::Kind;
  const size_t k = op.qubits.size();
  return op.kind == Kind::kReduce ? size_t{1} << (2 * k)
         : op.kind == Kind::kReduceDiagonal ? size_t{1} << k
                                            : 1;
}

// Drops the ops no later reduce op depends on: an op on qubits disjoint from every later
// kept op and reduce op commutes past all of them, and a reduced operator does not see a
// unitary on other qubits. (In a layered ansatz this removes the whole first layer.)
std::vector<internal::Op> WithoutDeadOps(std::vector<internal::Op> ops) {
  uint64_t live = 0;
  std::vector<bool> keep(ops.size());
  for (size_t i = ops.size(); i-- > 0;) {
    const internal::Op& op = ops[i];
    const uint64_t mask = op.QubitMask();
    keep[i] = IsReduce(op) || (mask & live) != 0;
    if (keep[i]) live |= mask;
  }
  std::vector<internal::Op> kept;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(ops[i]));
  }
  return kept;
}

// The op's parameters' terms from its reduce op's sum.
void AddTerms(const Circuit& circuit, const internal::SourcedOp& s,
              absl::Span<const double> params, Amplitude weight,
              const std::vector<Amplitude>& sum, std::vector<double>& gradient) {
  switch (s.op.kind) {
    case internal::Op::Kind::kDiagonal:
      AddDiagonalBlockTerms(circuit, s, params, weight, sum.data(), gradient);
      return;
    case internal::Op::Kind::kPauliRotation:
      // ∂G/∂a ψ_{k−1} = −i/2 P ψ_k, and the sweep read ⟨λ_k|P|ψ_k⟩.
      AccumulateGate(circuit.gates()[s.gates[0]], weight,
                     [&](int) { return Amplitude(0, -0.5) * sum[0]; }, gradient);
      return;
    default:
      AddDenseBlockTerms(circuit, s, params, weight, sum.data(), gradient);
  }
}

// nullopt when a parameterized gate is not inside a differentiable op.
std::optional<std::vector<internal::Op>> PairedOps(
    const Circuit& circuit, const std::vector<internal::SourcedOp>& compiled) {
  std::vector<internal::Op> ops;
  for (size_t k = compiled.size(); k-- > 0;) {
    const internal::SourcedOp& s = compiled[k];
    if (HasParams(circuit, s.gates)) {
      if (!Differentiable(circuit, s)) return std::nullopt;
      internal::Op reduce;
      reduce.kind = ReduceKindFor(s.op.kind);
      reduce.qubits = s.op.qubits;
      reduce.cmask = s.op.cmask;
      reduce.cval = s.op.cval;
      reduce.x = s.op.x;
      reduce.z = s.op.z;
      reduce.tag = int(k);
      ops.push_back(ShiftedUp(std::move(reduce)));
    }
    ops.push_back(ShiftedUp(InverseOp(s.op)));
  }
  return WithoutDeadOps(std::move(ops));
}

struct PairedPlan {
  std::vector<internal::SourcedOp> compiled;
  std::vector<internal::Op> ops;  // on the paired state
};

// nullopt when the paired sweep does not apply (see PairedOps).
std::optional<PairedPlan> PlanPairedSweep(const Circuit& circuit, absl::Span<const double> params,
                                          const AdjointOptions& options) {
  if (options.sweep != AdjointSweep::kPaired) return std::nullopt;
  PairedPlan plan;
  plan.compiled = internal::CompileGatesWithSources(circuit.gates(), params,
                                                    options.max_block_qubits);
  std::optional<std::vector<internal::Op>> ops = PairedOps(circuit, plan.compiled);
  if (!ops.has_value()) return std::nullopt;
  plan.ops = *std::move(ops);
  return plan;
}

// Runs the sweep on the paired state (φ = ψ_m on even indices, λ = λ_m on odd ones).
std::vector<double> PairedSweep(const Simulator& sim, const Circuit& circuit,
                                absl::Span<const double> params, Amplitude weight,
                                const PairedPlan& plan, StateVector& pair) {
  const int n = circuit.num_qubits();
  std::vector<double> gradient(circuit.num_params(), 0.0);
  const SimulatorOptions& options = sim.options();
  const int threads = Threads(sim, n + 1);
  std::vector<Amplitude> sums;
  for (internal::Pass& pass : internal::MakePasses(plan.ops, n + 1, options.cache_block_qubits)) {
    const uint64_t slots = internal::SlotCount(pass, n + 1);
    struct Reduce {
      int compiled;   // index into plan.compiled
      size_t offset;  // into sums
      size_t size;    // entries per slot
    };
    std::vector<Reduce> reduces;
    size_t total = 0;
    for (internal::Op& op : pass.ops) {
      if (!IsReduce(op)) continue;
      reduces.push_back({op.tag, total, ReduceSize(op)});
      total += slots * reduces.back().size;
    }
    sums.assign(total, 0.0);
    size_t next = 0;
    for (internal::Op& op : pass.ops) {
      if (IsReduce(op)) op.reduce_out = sums.data() + reduces[next++].offset;
    }
    internal::ApplyPass(pair.data(), n + 1, pass, options.kernel, threads);
    for (const auto& [k, offset, size] : reduces) {
      const internal::SourcedOp& s = plan.compiled[k];
      std::vector<Amplitude> sum(size, 0.0);
      for (uint64_t slot = 0; slot < slots; ++slot)
        for (size_t i = 0; i < size; ++i) sum[i] += sums[offset + slot * size + i];
      AddTerms(circuit, s, params, weight, sum, gradient);
    }
  }
  return gradient;
}

// ---- Shared driver ---------------------------------------------------------------------

absl::Status CheckInputs(const Circuit& circuit, absl::Span<const double> params,
                         const AdjointOptions& options) {
  if (!circuit.IsUnitary()) {
    return absl::FailedPreconditionError("gradients need a circuit without measure or reset");
  }
  if (int(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrCat("circuit has ", circuit.num_params(),
                                                   " parameters, got ", params.size()));
  }
  if (options.max_block_qubits < 1 || options.max_block_qubits > 5) {
    return absl::InvalidArgumentError("max_block_qubits must be in [1, 5]");
  }
  return absl::OkStatus();
}

// Runs the blocked or gate-by-gate sweep from φ = ψ_m, λ = λ_m.
std::vector<double> Backward(const Simulator& sim, const Circuit& circuit,
                             absl::Span<const double> params, Amplitude weight,
                             StateVector& phi, StateVector& lambda,
                             const AdjointOptions& options) {
  std::vector<double> gradient(circuit.num_params(), 0.0);
  const auto& gates = circuit.gates();
  if (options.sweep == AdjointSweep::kGateByGate) {
    for (size_t k = gates.size(); k-- > 0;) {
      if (gates[k].kind == GateKind::kBarrier) continue;
      UndoGate(sim, gates[k], params, weight, phi, lambda, gradient);
    }
    return gradient;
  }
  std::vector<Block> blocks =
      GroupIntoBlocks(gates, circuit.num_qubits(), options.max_block_qubits);
  for (size_t b = blocks.size(); b-- > 0;) {
    if (blocks[b].qubits.empty() && !gates[blocks[b].gates[0]].AllQubits().empty()) {
      UndoGate(sim, gates[blocks[b].gates[0]], params, weight, phi, lambda, gradient);
    } else {
      UndoBlock(sim, circuit, blocks[b], params, weight, phi, lambda, gradient);
    }
  }
  return gradient;
}

}  // namespace

bool UsesPairedSweep(const Circuit& circuit, absl::Span<const double> params,
                     const AdjointOptions& options) {
  return CheckInputs(circuit, params, options).ok() &&
         PlanPairedSweep(circuit, params, options).has_value();
}

absl::StatusOr<ValueAndGradient> ExpectationGradient(const Simulator& simulator,
                                                     const Circuit& circuit,
                                                     absl::Span<const double> params,
                                                     const PauliSum& observable,
                                                     const StateVector* initial,
                                                     const AdjointOptions& options) {
  if (absl::Status s = CheckInputs(circuit, params, options); !s.ok()) return s;
  if (!observable.IsHermitian()) {
    return absl::InvalidArgumentError("observable is not Hermitian (complex coefficients)");
  }
  if (observable.NumQubits() > circuit.num_qubits()) {
    return absl::InvalidArgumentError(absl::StrCat("observable acts on ",
                                                   observable.NumQubits(), " qubits, circuit has ",
                                                   circuit.num_qubits()));
  }
  absl::StatusOr<StateVector> phi = simulator.Prepare(circuit, params, initial);
  if (!phi.ok()) return phi.status();
  ValueAndGradient out;
  if (std::optional<PairedPlan> plan = PlanPairedSweep(circuit, params, options)) {
    absl::StatusOr<StateVector> pair = StateVector::CreateForOverwrite(circuit.num_qubits() + 1);
    if (!pair.ok()) return pair.status();
    out.value = internal::FillPairWithHamiltonian(observable, *phi, *pair);
    *phi = StateVector();
    out.gradient = PairedSweep(simulator, circuit, params, 1.0, *plan, *pair);
    return out;
  }
  absl::StatusOr<StateVector> lambda = StateVector::Create(circuit.num_qubits());
  if (!lambda.ok()) return lambda.status();
  ApplyPauliSum(observable, *phi, *lambda);
  out.value = InnerProduct(*phi, *lambda).real();
  out.gradient = Backward(simulator, circuit, params, 1.0, *phi, *lambda, options);
  return out;
}

absl::StatusOr<ValueAndGradient> FidelityGradient(const Simulator& simulator,
                                                  const Circuit& circuit,
                                                  absl::Span<const double> params,
                                                  const StateVector& target,
                                                  const StateVector* initial,
                                                  const AdjointOptions& options) {
  if (absl::Status s = CheckInputs(circuit, params, options); !s.ok()) return s;
  if (target.num_qubits() != circuit.num_qubits()) {
    return absl::InvalidArgumentError(absl::StrCat("target state has ", target.num_qubits(),
                                                   " qubits, circuit ", circuit.num_qubits()));
  }
  absl::StatusOr<StateVector> phi = simulator.Prepare(circuit, params, initial);
  if (!phi.ok()) return phi.status();
  const Amplitude overlap = InnerProduct(target, *phi);
  ValueAndGradient out;
  out.value = std::norm(overlap);
  if (std::optional<PairedPlan> plan = PlanPairedSweep(circuit, params, options)) {
    absl::StatusOr<StateVector> pair = StateVector::CreateForOverwrite(circuit.num_qubits() + 1);
    if (!pair.ok()) return pair.status();
    Interleave(*phi, target, *pair);
    *phi = StateVector();
    out.gradient = PairedSweep(simulator, circuit, params, std::conj(overlap), *plan, *pair);
    return out;
  }
  StateVector lambda = target.Copy();
  out.gradient = Backward(simulator, circuit, params, std::conj(overlap), *phi, lambda, options);
  return out;
}

}  // namespace qgrad::sv
