// Gate fusion (see fusion.h). Thread-safety: pure functions.
#include "backends/statevector/fusion.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>

#include "core/gate_matrix.h"

namespace qgrad::sv::internal {
namespace {

// A gate prepared for fusion: a dense matrix or a diagonal on `qubits` (controls folded
// in), a stand-alone op, or a bare global phase.
struct Item {
  enum class Kind { kDense, kDiagonal, kOpaque, kPhase };
  Kind kind = Kind::kDense;
  std::vector<int> qubits;
  std::vector<Amplitude> values;  // matrix (kDense) or diagonal (kDiagonal)
  Op op;                          // kOpaque
  Amplitude phase = 1.0;          // kPhase
  bool Real() const {
    for (const Amplitude& v : values) {
      if (v.imag() != 0.0) return false;
    }
    return true;
  }
  uint64_t Mask() const {
    uint64_t m = 0;
    for (int q : qubits) m |= uint64_t{1} << q;
    return kind == Kind::kOpaque ? op.QubitMask() : m;
  }
};

struct Block {
  Item::Kind kind;
  uint64_t mask = 0;
  std::vector<int> items;
  bool real = false;  // every item real (kDense / kDiagonal)
};

// How GroupItems merges. Run() keeps real dense blocks real (the real kernels take half
// the arithmetic of complex ones) and leaves diagonal gates in small blocks, which the
// scheduler merges per cache-blocked pass (schedule.cc): a 10-qubit diagonal formed here
// may span qubits that no single pass holds, and then costs a sweep of its own. The
// adjoint keeps the previous grouping (its reduce ops follow the blocks).
struct Policy {
  bool keep_real = false;
  int diagonal_limit = kMaxDiagonalQubits;
};

// Control bits as the low bits of a local index: the pattern that activates the gate.
uint64_t ActivePattern(const Gate& gate) {
  uint64_t active = 0;
  for (size_t b = 0; b < gate.control_values.size(); ++b) {
    if (gate.control_values[b]) active |= uint64_t{1} << b;
  }
  return active;
}

// `g` (2^k × 2^k) with the gate's controls as extra low index bits: identity wherever
// the control bits differ from their required values.
std::vector<Amplitude> ControlledMatrix(const Gate& gate, const std::vector<Amplitude>& g) {
  const int c = static_cast<int>(gate.controls.size());
  const uint64_t gdim = std::sqrt(static_cast<double>(g.size())) + 0.5;
  const uint64_t dim = gdim << c;
  const uint64_t cm = (uint64_t{1} << c) - 1;
  const uint64_t active = ActivePattern(gate);
  std::vector<Amplitude> m(dim * dim, 0.0);
  for (uint64_t r = 0; r < dim; ++r) {
    if ((r & cm) != active) {
      m[r * dim + r] = 1.0;
      continue;
    }
    for (uint64_t col = 0; col < dim; ++col) {
      if ((col & cm) == active) m[r * dim + col] = g[(r >> c) * gdim + (col >> c)];
    }
  }
  return m;
}

std::vector<Amplitude> ControlledDiagonal(const Gate& gate, const std::vector<Amplitude>& d) {
  const int c = static_cast<int>(gate.controls.size());
  const uint64_t cm = (uint64_t{1} << c) - 1;
  const uint64_t active = ActivePattern(gate);
  std::vector<Amplitude> out(d.size() << c);
  for (uint64_t r = 0; r < out.size(); ++r) out[r] = (r & cm) == active ? d[r >> c] : 1.0;
  return out;
}

// Non-identity qubits of a Pauli rotation with local masks (bit b = qubits[b]).
struct LocalPauli {
  std::vector<int> qubits;
  uint64_t x = 0, z = 0;
};
LocalPauli PauliOnGateQubits(const Gate& gate) {
  LocalPauli p;
  for (size_t i = 0; i < gate.qubits.size(); ++i) {
    const PauliLetter letter = gate.pauli.letter(static_cast<int>(i));
    if (letter == PauliLetter::kI) continue;
    const uint64_t bit = uint64_t{1} << p.qubits.size();
    if (letter == PauliLetter::kX || letter == PauliLetter::kY) p.x |= bit;
    if (letter == PauliLetter::kZ || letter == PauliLetter::kY) p.z |= bit;
    p.qubits.push_back(gate.qubits[i]);
  }
  return p;
}

// exp(−iθP/2) = cos(θ/2) − i sin(θ/2) P with P[i][i^x] = i^{|x&z|} (−1)^{|(i^x)&z|}.
std::vector<Amplitude> PauliRotationMatrix(const LocalPauli& p, double theta) {
  const uint64_t dim = uint64_t{1} << p.qubits.size();
  const Amplitude f = Amplitude(0, -std::sin(theta / 2)) *
                      std::pow(Amplitude(0, 1), std::popcount(p.x & p.z) & 3);
  std::vector<Amplitude> m(dim * dim, 0.0);
  for (uint64_t i = 0; i < dim; ++i) {
    const uint64_t j = i ^ p.x;
    m[i * dim + i] += std::cos(theta / 2);
    m[i * dim + j] += f * ((std::popcount(j & p.z) & 1) ? -1.0 : 1.0);
  }
  return m;
}

bool IsDiagonal(const std::vector<Amplitude>& m, uint64_t dim) {
  for (uint64_t r = 0; r < dim; ++r) {
    for (uint64_t c = 0; c < dim; ++c) {
      if (r != c && m[r * dim + c] != 0.0) return false;
    }
  }
  return true;
}

std::vector<Amplitude> DiagonalOf(const std::vector<Amplitude>& m, uint64_t dim) {
  std::vector<Amplitude> d(dim);
  for (uint64_t r = 0; r < dim; ++r) d[r] = m[r * dim + r];
  return d;
}

uint64_t ControlMask(const Gate& gate, uint64_t* cval) {
  uint64_t mask = 0;
  *cval = 0;
  for (size_t b = 0; b < gate.controls.size(); ++b) {
    mask |= uint64_t{1} << gate.controls[b];
    if (gate.control_values[b]) *cval |= uint64_t{1} << gate.controls[b];
  }
  return mask;
}

Item OpaquePauli(const Gate& gate, const LocalPauli& p, double theta) {
  Item item;
  item.kind = Item::Kind::kOpaque;
  item.op.kind = Op::Kind::kPauliRotation;
  for (size_t b = 0; b < p.qubits.size(); ++b) {
    const uint64_t bit = uint64_t{1} << p.qubits[b];
    if ((p.x >> b) & 1) item.op.x |= bit;
    if ((p.z >> b) & 1) item.op.z |= bit;
  }
  item.op.theta = theta;
  item.op.cmask = ControlMask(gate, &item.op.cval);
  return item;
}

// Local matrix `m` on gate.qubits (+ controls) becomes a fusable item when small enough.
// `may_be_diagonal` false: a dense item even when `m` happens to be diagonal.
Item ItemFromMatrix(const Gate& gate, std::vector<int> local_qubits,
                    std::vector<Amplitude> m, int max_fused, bool may_be_diagonal = true) {
  const uint64_t gdim = uint64_t{1} << local_qubits.size();
  const int total = static_cast<int>(local_qubits.size() + gate.controls.size());
  std::vector<int> all = gate.controls;
  all.insert(all.end(), local_qubits.begin(), local_qubits.end());
  Item item;
  item.qubits = all;
  if (all.empty()) {
    item.kind = Item::Kind::kPhase;
    item.phase = m[0];
    return item;
  }
  if (may_be_diagonal && IsDiagonal(m, gdim) && total <= kMaxDiagonalQubits) {
    item.kind = Item::Kind::kDiagonal;
    item.values = ControlledDiagonal(gate, DiagonalOf(m, gdim));
    return item;
  }
  if (total <= max_fused) {
    item.kind = Item::Kind::kDense;
    item.values = ControlledMatrix(gate, m);
    return item;
  }
  item.kind = Item::Kind::kOpaque;
  item.op.kind = Op::Kind::kDense;
  item.op.qubits = std::move(local_qubits);
  item.op.matrix = std::move(m);
  item.op.cmask = ControlMask(gate, &item.op.cval);
  return item;
}

// Whether the gate is diagonal for every value of its parameters (its derivatives are
// diagonal too), not only at `params`: a rotation at angle 0 is diagonal, its derivative
// need not be.
bool DiagonalForAllParams(const Gate& gate, absl::Span<const double> params) {
  if (!gate.IsParameterized()) return true;
  if (gate.kind == GateKind::kPauliRotation) return PauliOnGateQubits(gate).x == 0;
  const uint64_t gdim = uint64_t{1} << gate.qubits.size();
  for (size_t a = 0; a < gate.angles.size(); ++a) {
    if (gate.angles[a].is_fixed()) continue;
    if (!IsDiagonal(GateMatrixDerivative(gate, params, static_cast<int>(a)), gdim)) return false;
  }
  return true;
}

// `structural`: a parameterized gate becomes a diagonal item only when diagonal for all
// parameter values (see DiagonalForAllParams).
Item MakeItem(const Gate& gate, absl::Span<const double> params, int max_fused,
              bool structural = false) {
  const bool may_be_diagonal = !structural || DiagonalForAllParams(gate, params);
  if (gate.kind == GateKind::kPauliRotation) {
    const LocalPauli p = PauliOnGateQubits(gate);
    const double theta = gate.angles[0].Value(params);
    const int total = static_cast<int>(p.qubits.size() + gate.controls.size());
    const bool small = total <= max_fused || (p.x == 0 && total <= kMaxDiagonalQubits);
    if (!small && !p.qubits.empty()) return OpaquePauli(gate, p, theta);
    return ItemFromMatrix(gate, p.qubits, PauliRotationMatrix(p, theta), max_fused,
                          may_be_diagonal);
  }
  return ItemFromMatrix(gate, gate.qubits, GateMatrix(gate, params), max_fused,
                        may_be_diagonal);
}

int Popcount(uint64_t m) { return std::popcount(m); }

// Whether `item` may join `block`, and the block's kind afterwards. Under keep_real, a
// real dense block does not take a complex diagonal gate (it would turn complex and cost
// twice the arithmetic; the gate costs less in a diagonal op), and a complex diagonal
// block does not take a real dense gate (the gate starts a real block instead).
std::optional<Item::Kind> MergedKind(const Block& block, const Item& item, int max_fused,
                                     const Policy& policy, bool item_real) {
  if (block.kind == Item::Kind::kOpaque || item.kind == Item::Kind::kOpaque) return {};
  const int size = Popcount(block.mask | item.Mask());
  if (block.kind == Item::Kind::kDiagonal && item.kind == Item::Kind::kDiagonal) {
    if (size <= policy.diagonal_limit) return Item::Kind::kDiagonal;
    return {};
  }
  if (policy.keep_real && block.real != item_real) {
    if (block.kind == Item::Kind::kDense && item.kind == Item::Kind::kDiagonal) return {};
    if (block.kind == Item::Kind::kDiagonal && item.kind == Item::Kind::kDense) return {};
  }
  if (size <= max_fused) return Item::Kind::kDense;
  return {};
}

std::vector<Block> GroupItems(const std::vector<Item>& items, int max_fused,
                              const Policy& policy) {
  std::vector<Block> blocks;
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    const Item& item = items[i];
    const bool item_real = item.kind != Item::Kind::kOpaque && item.Real();
    const uint64_t mask = item.Mask();
    // Diagonal gates commute with diagonal blocks, so a diagonal gate may move back
    // past them to the last non-diagonal block it touches (`last`); on the way it notes
    // the latest diagonal block it could join.
    const bool diagonal = item.kind == Item::Kind::kDiagonal;
    int last = -1, diagonal_candidate = -1;
    for (int b = static_cast<int>(blocks.size()) - 1; b >= 0; --b) {
      if (!(blocks[b].mask & mask)) continue;
      if (diagonal && blocks[b].kind == Item::Kind::kDiagonal) {
        if (diagonal_candidate < 0 && MergedKind(blocks[b], item, max_fused, policy, item_real)) {
          diagonal_candidate = b;
        }
        continue;
      }
      last = b;
      break;
    }
    // Preference: a block that already holds all the gate's qubits (free), a diagonal
    // block, the last block touched, the most recent block.
    const int covering = (last >= 0 && (blocks[last].mask & mask) == mask) ? last : -1;
    bool merged = false;
    if (max_fused > 0) {
      for (int b : {covering, diagonal_candidate, last, static_cast<int>(blocks.size()) - 1}) {
        if (b < 0 || b < last) continue;
        if (auto kind = MergedKind(blocks[b], item, max_fused, policy, item_real)) {
          blocks[b].kind = *kind;
          blocks[b].mask |= mask;
          blocks[b].real = blocks[b].real && item_real;
          blocks[b].items.push_back(i);
          merged = true;
          break;
        }
      }
    }
    if (!merged) blocks.push_back(Block{item.kind, mask, {i}, item_real});
  }
  return blocks;
}

// Position of each of `qubits` in `block_qubits`.
std::vector<int> Positions(const std::vector<int>& qubits, const std::vector<int>& block_qubits) {
  std::vector<int> pos;
  for (int q : qubits) {
    for (size_t b = 0; b < block_qubits.size(); ++b) {
      if (block_qubits[b] == q) pos.push_back(static_cast<int>(b));
    }
  }
  return pos;
}

// m ← G·m, with G (on block positions `pos`) embedded in the block's index space.
void LeftMultiply(std::vector<Amplitude>& m, uint64_t dim, const std::vector<Amplitude>& g,
                  const std::vector<int>& pos) {
  const int k = static_cast<int>(pos.size());
  const uint64_t gdim = uint64_t{1} << k;
  uint64_t gate_bits = 0;
  for (int p : pos) gate_bits |= uint64_t{1} << p;
  std::vector<uint64_t> spread(gdim);
  for (uint64_t j = 0; j < gdim; ++j) {
    spread[j] = 0;
    for (int b = 0; b < k; ++b) spread[j] |= ((j >> b) & 1) << pos[b];
  }
  std::vector<Amplitude> out(dim * dim, 0.0);
  for (uint64_t r = 0; r < dim; ++r) {
    const uint64_t rg = ExtractBits(r, pos.data(), k);
    const uint64_t rest = r & ~gate_bits;
    for (uint64_t j = 0; j < gdim; ++j) {
      const Amplitude f = g[rg * gdim + j];
      if (f == 0.0) continue;
      const Amplitude* src = &m[(rest | spread[j]) * dim];
      Amplitude* dst = &out[r * dim];
      for (uint64_t c = 0; c < dim; ++c) dst[c] += f * src[c];
    }
  }
  m.swap(out);
}

std::vector<int> BlockQubits(const Block& block, const std::vector<Item>& items) {
  std::vector<int> qubits;
  for (int i : block.items) {
    for (int q : items[i].qubits) {
      if (Positions({q}, qubits).empty()) qubits.push_back(q);
    }
  }
  return qubits;
}

Op BuildOp(const Block& block, const std::vector<Item>& items) {
  if (block.kind == Item::Kind::kOpaque) return items[block.items[0]].op;
  Op op;
  op.qubits = BlockQubits(block, items);
  const uint64_t dim = uint64_t{1} << op.qubits.size();
  if (block.kind == Item::Kind::kDiagonal) {
    op.kind = Op::Kind::kDiagonal;
    op.matrix.assign(dim, 1.0);
    for (int i : block.items) {
      const std::vector<int> pos = Positions(items[i].qubits, op.qubits);
      for (uint64_t r = 0; r < dim; ++r) {
        op.matrix[r] *= items[i].values[ExtractBits(r, pos.data(), static_cast<int>(pos.size()))];
      }
    }
    return op;
  }
  op.kind = Op::Kind::kDense;
  op.matrix.assign(dim * dim, 0.0);
  for (uint64_t r = 0; r < dim; ++r) op.matrix[r * dim + r] = 1.0;
  for (int i : block.items) {
    const Item& item = items[i];
    std::vector<Amplitude> g = item.values;
    if (item.kind == Item::Kind::kDiagonal) {  // a diagonal gate inside a dense block
      const uint64_t gdim = g.size();
      g.assign(gdim * gdim, 0.0);
      for (uint64_t r = 0; r < gdim; ++r) g[r * gdim + r] = item.values[r];
    }
    LeftMultiply(op.matrix, dim, g, Positions(item.qubits, op.qubits));
  }
  return op;
}

// Folds a global phase into the first diagonal or complex uncontrolled dense op, else the
// first real one (which then turns complex), else a kScale op.
void AttachPhase(std::vector<Op>& ops, Amplitude phase) {
  if (phase == Amplitude(1.0)) return;
  for (bool allow_real : {false, true}) {
    for (Op& op : ops) {
      const bool dense = op.kind == Op::Kind::kDense && op.cmask == 0;
      if (op.kind == Op::Kind::kDiagonal || (dense && (allow_real || !op.HasRealMatrix()))) {
        for (Amplitude& v : op.matrix) v *= phase;
        return;
      }
    }
  }
  Op scale;
  scale.kind = Op::Kind::kScale;
  scale.scale = phase;
  ops.push_back(scale);
}

// Items of the non-barrier, non-phase gates with their gate indices; the product of the
// global phases.
struct Items {
  std::vector<Item> items;
  std::vector<int> gate_of_item;
  Amplitude phase = 1.0;
};

Items MakeItems(absl::Span<const Gate> gates, absl::Span<const double> params, int max_fused,
                bool structural) {
  Items out;
  for (int g = 0; g < static_cast<int>(gates.size()); ++g) {
    if (gates[g].kind == GateKind::kBarrier) continue;
    Item item = MakeItem(gates[g], params, max_fused, structural);
    if (item.kind == Item::Kind::kPhase) {
      out.phase *= item.phase;
    } else {
      out.items.push_back(std::move(item));
      out.gate_of_item.push_back(g);
    }
  }
  return out;
}

}  // namespace

std::vector<Op> CompileGates(absl::Span<const Gate> gates, absl::Span<const double> params,
                             int max_fused_qubits) {
  const Items items = MakeItems(gates, params, max_fused_qubits, /*structural=*/false);
  const Policy policy{
      .keep_real = true,
      .diagonal_limit = std::min(kMaxDiagonalQubits, std::max(2, max_fused_qubits))};
  std::vector<Op> ops;
  for (const Block& block : GroupItems(items.items, max_fused_qubits, policy)) {
    ops.push_back(BuildOp(block, items.items));
  }
  AttachPhase(ops, items.phase);
  return ops;
}

std::vector<SourcedOp> CompileGatesWithSources(absl::Span<const Gate> gates,
                                               absl::Span<const double> params,
                                               int max_fused_qubits) {
  const Items items = MakeItems(gates, params, max_fused_qubits, /*structural=*/true);
  std::vector<SourcedOp> out;
  for (const Block& block : GroupItems(items.items, max_fused_qubits, Policy{})) {
    SourcedOp sourced{BuildOp(block, items.items), {}};
    for (int i : block.items) sourced.gates.push_back(items.gate_of_item[i]);
    out.push_back(std::move(sourced));
  }
  if (items.phase != Amplitude(1.0)) {
    Op scale;
    scale.kind = Op::Kind::kScale;
    scale.scale = items.phase;
    out.push_back(SourcedOp{std::move(scale), {}});
  }
  return out;
}

}  // namespace qgrad::sv::internal
