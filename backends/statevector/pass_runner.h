// Internal to backends/statevector: the loop shared by the scalar and SIMD pass
// executors (see Pass in kernels.h). `apply(op_index, amplitudes, num_qubits, threads,
// slot)` applies one op of the pass to a (sub)state; `slot` numbers the slice (0 when the
// pass is not blocked), for ops that accumulate sums (kReduce).
// Thread-safety: each thread works on its own slice and its own buffer.
#ifndef QGRAD_BACKENDS_STATEVECTOR_PASS_RUNNER_H_
#define QGRAD_BACKENDS_STATEVECTOR_PASS_RUNNER_H_

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"

namespace qgrad::sv::internal {

// The number of slots (slices) of a pass: see Op::Kind::kReduce.
inline uint64_t SlotCount(const Pass& pass, int n) {
  if (!pass.blocked || pass.LocalQubits() >= n) return 1;
  return uint64_t{1} << (n - pass.LocalQubits());
}

// A per-thread buffer of at least 2^local amplitudes, kept between passes: allocating a
// fresh one per pass costs page faults and page clearing comparable to the pass itself.
inline Amplitude* SliceBuffer(int local) {
  struct Free {
    void operator()(Amplitude* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<Amplitude[], Free> buffer;
  thread_local int capacity = -1;
  if (capacity < local) {
    buffer.reset(static_cast<Amplitude*>(std::aligned_alloc(64, sizeof(Amplitude) << local)));
    capacity = local;
  }
  return buffer.get();
}

// Local qubits of an L1-sized sub-slice (2^10 × 16 B = 16 KiB).
inline constexpr int kL1Qubits = 10;

// Applies ops [0, count) to a cache-resident slice of 2^local amplitudes. Consecutive ops
// on local qubits below kL1Qubits run together on each 16 KiB sub-slice, so they read and
// write L1 instead of L2.
template <typename ApplyFn>
void ApplyToSlice(const Pass& pass, const std::vector<bool>& l1_op, Amplitude* slice,
                  int local, uint64_t slot, const ApplyFn& apply) {
  const int ops = static_cast<int>(pass.ops.size());
  for (int i = 0; i < ops;) {
    if (!l1_op[i] || local <= kL1Qubits) {
      apply(i++, slice, local, 1, slot);
      continue;
    }
    int j = i;
    while (j < ops && l1_op[j]) ++j;
    const uint64_t sub = uint64_t{1} << kL1Qubits;
    for (uint64_t c = 0; c < (uint64_t{1} << (local - kL1Qubits)); ++c) {
      for (int k = i; k < j; ++k) apply(k, slice + c * sub, kL1Qubits, 1, slot);
    }
    i = j;
  }
}

template <typename ApplyFn>
void RunPass(Amplitude* psi, int n, const Pass& pass, int threads, const ApplyFn& apply) {
  const int ops = static_cast<int>(pass.ops.size());
  if (!pass.blocked || pass.LocalQubits() >= n) {
    for (int i = 0; i < ops; ++i) apply(i, psi, n, threads, uint64_t{0});
    return;
  }
  const int local = pass.LocalQubits();
  const int nh = static_cast<int>(pass.high.size());
  std::vector<int> fixed;  // global bits inside the slice, ascending
  for (int b = 0; b < pass.run_bits; ++b) fixed.push_back(b);
  fixed.insert(fixed.end(), pass.high.begin(), pass.high.end());
  std::vector<uint64_t> run_offset(uint64_t{1} << nh, 0);
  for (uint64_t h = 0; h < run_offset.size(); ++h) {
    for (int t = 0; t < nh; ++t) run_offset[h] |= ((h >> t) & 1) << pass.high[t];
  }
  const uint64_t run_len = uint64_t{1} << pass.run_bits;
  std::vector<bool> l1_op(ops);
  for (int i = 0; i < ops; ++i) l1_op[i] = pass.ops[i].QubitMask() < (uint64_t{1} << kL1Qubits);
  ParallelFor(uint64_t{1} << (n - local), threads, [&](uint64_t begin, uint64_t end) {
    Amplitude* buffer = nh > 0 ? SliceBuffer(local) : nullptr;
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t base = InsertZeroBits(r, fixed.data(), local);
      if (nh == 0) {  // the slice is contiguous: work in place
        ApplyToSlice(pass, l1_op, psi + base, local, r, apply);
        continue;
      }
      for (uint64_t h = 0; h < run_offset.size(); ++h) {
        std::memcpy(buffer + h * run_len, psi + base + run_offset[h], run_len * sizeof(Amplitude));
      }
      ApplyToSlice(pass, l1_op, buffer, local, r, apply);
      for (uint64_t h = 0; h < run_offset.size(); ++h) {
        std::memcpy(psi + base + run_offset[h], buffer + h * run_len, run_len * sizeof(Amplitude));
      }
    }
  }, /*min_count=*/2);  // a slice is 2^local amplitudes of work
}

}  // namespace qgrad::sv::internal

#endif  // QGRAD_BACKENDS_STATEVECTOR_PASS_RUNNER_H_
