// Op execution (see schedule.h). Thread-safety: writes only the given state.
//
// Ops are grouped greedily into cache-blocked passes (kernels.h, Pass) whose qubits fit a
// slice of 2^cache_block_qubits amplitudes made of runs of at least 2^kMinRunBits
// contiguous amplitudes; an op may join a pass ahead of earlier ops on disjoint qubits.
// Each pass costs one sweep over memory, however many ops it holds. For Run(), the
// diagonal ops of each pass are then merged into as few tables as possible (fusion leaves
// diagonal gates in small blocks so that each lands in a pass that holds its qubits), and
// the ops on L1 sub-slice qubits move ahead of commuting ops above them, so that they run
// as one group per 16 KiB sub-slice (pass_runner.h).
//
// The hardware-efficient layer at n = 24 (RY, RZ, CZ chain) becomes two passes: qubits
// 0–15 contiguous (8 real 2-qubit blocks, 2 diagonal tables), then 7 contiguous bits and
// qubits 15–23 (4 real blocks, 1 diagonal table with the CZ across the boundary).
#include "backends/statevector/schedule.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "backends/statevector/fusion.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/pass_runner.h"

namespace qgrad::sv::internal {
namespace {

// Copied runs of at least 64 amplitudes (1 KiB): with shorter runs the gather and scatter
// measured slower than the extra in-place sweep they save.
constexpr int kMinRunBits = 6;

// The slice layout for qubit set `mask`, if it fits `block` local qubits: the largest run
// length r with r + |mask ∩ [r, ∞)| <= block.
bool Layout(uint64_t mask, int block, int* run_bits) {
  for (int r = block; r >= kMinRunBits; --r) {
    if (r + std::popcount(mask >> r) <= block) {
      *run_bits = r;
      return true;
    }
  }
  return false;
}

int Local(int q, const Pass& pass) {
  if (q < pass.run_bits) return q;
  for (size_t t = 0; t < pass.high.size(); ++t) {
    if (pass.high[t] == q) return pass.run_bits + static_cast<int>(t);
  }
  return -1;  // unreachable for qubits of the pass
}

uint64_t LocalMask(uint64_t mask, const Pass& pass) {
  uint64_t out = 0;
  for (; mask != 0; mask &= mask - 1) out |= uint64_t{1} << Local(std::countr_zero(mask), pass);
  return out;
}

// Renumbers the pass's ops into its local qubit space.
void Localize(Pass& pass) {
  for (Op& op : pass.ops) {
    for (int& q : op.qubits) q = Local(q, pass);
    op.cmask = LocalMask(op.cmask, pass);
    op.cval = LocalMask(op.cval, pass);
    op.x = LocalMask(op.x, pass);
    op.z = LocalMask(op.z, pass);
  }
}

void Finish(Pass& pass, uint64_t mask, int block, std::vector<Pass>& out) {
  if (pass.ops.empty()) return;
  int run_bits = 0;
  if (pass.ops.size() > 1 && Layout(mask, block, &run_bits)) {
    pass.blocked = true;
    pass.run_bits = run_bits;
    for (uint64_t m = mask >> run_bits; m != 0; m &= m - 1) {
      pass.high.push_back(run_bits + std::countr_zero(m));
    }
    Localize(pass);
  }
  out.push_back(std::move(pass));
  pass = Pass{};
}

// Whether MakePasses blocks at all for these sizes.
bool Blocks(int n, int block) { return block > kMinRunBits && n > block; }

// `into` (diagonal) times `op` (diagonal): a table over the union of their qubits.
void MultiplyDiagonal(Op& into, const Op& op) {
  std::vector<int> qubits = into.qubits;
  for (int q : op.qubits) {
    if (((into.QubitMask() >> q) & 1) == 0) qubits.push_back(q);
  }
  std::vector<int> pos;  // positions of op's qubits in the union
  for (int q : op.qubits) {
    for (size_t b = 0; b < qubits.size(); ++b) {
      if (qubits[b] == q) pos.push_back(static_cast<int>(b));
    }
  }
  const int k_old = static_cast<int>(into.qubits.size());
  const uint64_t dim = uint64_t{1} << qubits.size();
  std::vector<Amplitude> table(dim);
  for (uint64_t t = 0; t < dim; ++t) {
    const uint64_t old_index = t & ((uint64_t{1} << k_old) - 1);
    table[t] = into.matrix[old_index] *
               op.matrix[ExtractBits(t, pos.data(), static_cast<int>(pos.size()))];
  }
  into.qubits = std::move(qubits);
  into.matrix = std::move(table);
}

}  // namespace

void MergeDiagonals(std::vector<Op>& ops, int max_qubits) {
  std::vector<Op> out;
  out.reserve(ops.size());
  for (Op& op : ops) {
    if (op.kind != Op::Kind::kDiagonal || op.cmask != 0) {
      out.push_back(std::move(op));
      continue;
    }
    // Move back past ops that commute with `op` (diagonal, or on other qubits); among the
    // diagonal ops passed, join the one sharing most qubits that stays within the limit.
    const uint64_t mask = op.QubitMask();
    int best = -1, best_overlap = -1;
    for (int j = static_cast<int>(out.size()) - 1; j >= 0; --j) {
      const uint64_t other = out[j].QubitMask();
      if (out[j].kind != Op::Kind::kDiagonal || out[j].cmask != 0) {
        if (other & mask) break;
        continue;
      }
      const int overlap = std::popcount(other & mask);
      if (std::popcount(other | mask) <= max_qubits && overlap > best_overlap) {
        best = j;
        best_overlap = overlap;
      }
    }
    if (best >= 0) {
      MultiplyDiagonal(out[best], op);
    } else {
      out.push_back(std::move(op));
    }
  }
  ops.swap(out);
}

// Greedy: each pass takes, in order, every remaining op that fits its slice and touches
// no qubit of an op left for later (so it commutes with all of them).
std::vector<Pass> MakePasses(const std::vector<Op>& ops, int n, int block) {
  std::vector<Pass> passes;
  if (!Blocks(n, block)) {
    for (const Op& op : ops) {
      Pass pass;
      pass.ops.push_back(op);
      passes.push_back(std::move(pass));
    }
    return passes;
  }
  std::vector<const Op*> remaining;
  for (const Op& op : ops) remaining.push_back(&op);
  while (!remaining.empty()) {
    Pass pass;
    uint64_t mask = 0, deferred_mask = 0;
    std::vector<const Op*> deferred;
    int run_bits = 0;
    for (const Op* op : remaining) {
      const uint64_t m = op->QubitMask();
      if ((m & deferred_mask) == 0 && Layout(mask | m, block, &run_bits)) {
        pass.ops.push_back(*op);
        mask |= m;
      } else {
        deferred.push_back(op);
        deferred_mask |= m;
      }
    }
    if (pass.ops.empty()) {  // too large for any slice: runs alone, unblocked
      pass.ops.push_back(*deferred.front());
      deferred.erase(deferred.begin());
    }
    Finish(pass, mask, block, passes);
    remaining.swap(deferred);
  }
  return passes;
}

// Moves each op of a blocked pass that fits an L1 sub-slice (pass_runner.h) ahead of the
// ops above it that it commutes with, so that the L1 ops form fewer groups: each group
// costs one pass over the slice through L1, each other op one pass through L2.
void GroupL1Ops(Pass& pass) {
  if (!pass.blocked || pass.LocalQubits() <= kL1Qubits) return;
  const uint64_t l1 = uint64_t{1} << kL1Qubits;
  auto commute = [](const Op& a, const Op& b) {
    return (a.QubitMask() & b.QubitMask()) == 0 ||
           (a.kind == Op::Kind::kDiagonal && b.kind == Op::Kind::kDiagonal);
  };
  std::vector<Op>& ops = pass.ops;
  for (size_t i = 1; i < ops.size(); ++i) {
    if (ops[i].QubitMask() >= l1) continue;
    size_t j = i;
    while (j > 0 && ops[j - 1].QubitMask() >= l1 && commute(ops[j - 1], ops[i])) --j;
    if (j < i) std::rotate(ops.begin() + j, ops.begin() + i, ops.begin() + i + 1);
  }
}

void ExecuteOps(std::vector<Op> ops, const SimulatorOptions& options, StateVector& state) {
  const int n = state.num_qubits();
  const int threads = ThreadsFor(n, options.threads, options.parallel_min_qubits);
  const bool merge = options.max_fused_qubits > 0;
  const bool blocks = Blocks(n, options.cache_block_qubits);
  if (merge && !blocks) MergeDiagonals(ops, kMaxDiagonalQubits);
  for (Pass& pass : MakePasses(ops, n, options.cache_block_qubits)) {
    if (merge && blocks) {
      MergeDiagonals(pass.ops, kMaxDiagonalQubits);
      GroupL1Ops(pass);
    }
    ApplyPass(state.data(), n, pass, options.kernel, threads);
  }
}

}  // namespace qgrad::sv::internal
