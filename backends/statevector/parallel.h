// OpenMP helpers for the simulator: contiguous static partitions of an index range, and
// sums whose rounding does not depend on the thread count (fixed chunking, ordered
// reduction), so results are reproducible across machines and `threads` settings.
// Thread-safety: the helpers are reentrant; `fn` must be safe to call concurrently on
// disjoint ranges.
#ifndef QGRAD_BACKENDS_STATEVECTOR_PARALLEL_H_
#define QGRAD_BACKENDS_STATEVECTOR_PARALLEL_H_

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace qgrad::sv {

inline constexpr int kDefaultParallelMinQubits = 14;

// Thread count for a state of n qubits: 1 below `min_qubits`, else `threads` (0 = the
// OpenMP default).
inline int ThreadsFor(int num_qubits, int threads = 0,
                      int min_qubits = kDefaultParallelMinQubits) {
  if (num_qubits < min_qubits) return 1;
  return threads > 0 ? threads : omp_get_max_threads();
}

// Below this many (small) iterations a parallel region costs more than it saves (and on a
// busy machine a team can wait milliseconds for a descheduled thread).
inline constexpr uint64_t kMinParallelCount = 256;

// Calls fn(begin, end) on `threads` contiguous pieces of [0, count); serially when count
// is below `min_count` (pass a smaller one when each iteration is a lot of work).
template <typename Fn>
void ParallelFor(uint64_t count, int threads, const Fn& fn,
                 uint64_t min_count = kMinParallelCount) {
  if (threads <= 1 || count < std::max<uint64_t>(min_count, 2)) {
    if (count > 0) fn(uint64_t{0}, count);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const uint64_t t = static_cast<uint64_t>(omp_get_thread_num());
    const uint64_t nt = static_cast<uint64_t>(omp_get_num_threads());
    const uint64_t begin = count * t / nt;
    const uint64_t end = count * (t + 1) / nt;
    if (begin < end) fn(begin, end);
  }
}

// Σ over [0, count) of fn(begin, end) partial sums, computed on kSumChunks fixed chunks
// and added in chunk order: the same bits for every thread count.
inline constexpr int kSumChunks = 64;
template <typename T, typename Fn>
T ParallelSumT(uint64_t count, int threads, const Fn& fn) {
  std::array<T, kSumChunks> partial{};
  const uint64_t chunks = std::min<uint64_t>(kSumChunks, std::max<uint64_t>(count, 1));
  auto run_chunk = [&](uint64_t c) {
    const uint64_t begin = count * c / chunks;
    const uint64_t end = count * (c + 1) / chunks;
    partial[c] = begin < end ? fn(begin, end) : T{};
  };
  if (threads <= 1) {
    for (uint64_t c = 0; c < chunks; ++c) run_chunk(c);
  } else {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t c = 0; c < static_cast<int64_t>(chunks); ++c) run_chunk(c);
  }
  T total{};
  for (uint64_t c = 0; c < chunks; ++c) total += partial[c];
  return total;
}

// Several sums at once for ParallelSumT: adds elementwise (an empty one is zero).
template <typename T>
struct ElementwiseSum {
  std::vector<T> values;
  ElementwiseSum& operator+=(const ElementwiseSum& other) {
    if (values.empty()) values.assign(other.values.size(), T{});
    for (size_t i = 0; i < other.values.size() && i < values.size(); ++i) {
      values[i] += other.values[i];
    }
    return *this;
  }
};

template <typename Fn>
double ParallelSum(uint64_t count, int threads, const Fn& fn) {
  return ParallelSumT<double>(count, threads, fn);
}

}  // namespace qgrad::sv

#endif  // QGRAD_BACKENDS_STATEVECTOR_PARALLEL_H_
