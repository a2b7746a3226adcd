// Op execution (see schedule.h). Thread-safety: writes only the given state.
//
// Ops are grouped greedily into cache-blocked passes (kernels.h, Pass) whose qubits fit a
// slice of 2^cache_block_qubits amplitudes made of runs of at least 2^kMinRunBits
// contiguous amplitudes; an op may join a pass ahead of earlier ops on disjoint qubits.
// Each pass costs one sweep over memory, however many ops it holds.
#include "backends/statevector/schedule.h"

#include <bit>

#include "backends/statevector/parallel.h"

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

}  // namespace

// Greedy: each pass takes, in order, every remaining op that fits its slice and touches
// no qubit of an op left for later (so it commutes with all of them).
std::vector<Pass> MakePasses(const std::vector<Op>& ops, int n, int block) {
  std::vector<Pass> passes;
  if (block <= kMinRunBits || n <= block) {
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

void ExecuteOps(const std::vector<Op>& ops, const SimulatorOptions& options,
                StateVector& state) {
  const int n = state.num_qubits();
  const int threads = ThreadsFor(n, options.threads, options.parallel_min_qubits);
  for (const Pass& pass : MakePasses(ops, n, options.cache_block_qubits)) {
    ApplyPass(state.data(), n, pass, options.kernel, threads);
  }
}

}  // namespace qgrad::sv::internal
