// Probabilities, overlaps and seeded sampling. Thread-safety: read-only on the states.
//
// Sampling draws all uniforms first from std::mt19937_64(seed) (53-bit doubles), sorts
// them, and walks the cumulative distribution once in index order; shots keep their draw
// order. The walk is sequential, so the shots depend only on (state, shots, seed), not on
// threads.
#include <algorithm>
#include <numeric>
#include <random>

#include "absl/strings/str_format.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/statevector.h"

namespace qgrad::sv {

Amplitude InnerProduct(const StateVector& a, const StateVector& b) {
  const Amplitude* pa = a.data();
  const Amplitude* pb = b.data();
  return ParallelSumT<Amplitude>(a.size(), ThreadsFor(a.num_qubits()),
                                 [&](uint64_t begin, uint64_t end) {
                                   Amplitude s = 0.0;
                                   for (uint64_t i = begin; i < end; ++i) {
                                     s += std::conj(pa[i]) * pb[i];
                                   }
                                   return s;
                                 });
}

std::vector<double> Probabilities(const StateVector& state) {
  std::vector<double> p(state.size());
  const Amplitude* psi = state.data();
  ParallelFor(state.size(), ThreadsFor(state.num_qubits()), [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) p[i] = std::norm(psi[i]);
  });
  return p;
}

absl::StatusOr<std::vector<uint64_t>> Sample(const StateVector& state, int64_t shots,
                                              uint64_t seed) {
  if (shots < 0) {
    return absl::InvalidArgumentError(absl::StrFormat("shot count %d is negative", shots));
  }
  std::vector<uint64_t> result(static_cast<size_t>(shots));
  if (shots == 0) return result;
  const double total = state.NormSquared();
  if (!(total > 0.0)) return absl::InvalidArgumentError("cannot sample a zero state");
  std::mt19937_64 gen(seed);
  std::vector<double> u(result.size());
  for (double& v : u) v = static_cast<double>(gen() >> 11) * 0x1.0p-53 * total;
  std::vector<uint64_t> order(u.size());
  std::iota(order.begin(), order.end(), uint64_t{0});
  std::sort(order.begin(), order.end(), [&](uint64_t a, uint64_t b) { return u[a] < u[b]; });

  const Amplitude* psi = state.data();
  double cumulative = 0.0;
  uint64_t last_nonzero = 0;
  size_t next = 0;
  for (uint64_t i = 0; i < state.size() && next < order.size(); ++i) {
    const double p = std::norm(psi[i]);
    if (p == 0.0) continue;
    last_nonzero = i;
    cumulative += p;
    while (next < order.size() && u[order[next]] < cumulative) result[order[next++]] = i;
  }
  // Rounding can leave the last uniforms just above the final cumulative sum.
  for (; next < order.size(); ++next) result[order[next]] = last_nonzero;
  return result;
}

}  // namespace qgrad::sv
