// Benchmarks of the state-vector simulator against the anchors of
// shared/reference/simulators.md: one hardware-efficient layer (RY, RZ on every qubit, CZ
// chain), a single RY gate, and ⟨Σ Z_i Z_{i+1 mod n}⟩. Variants without fusion and with
// the scalar kernels give the ratios. Run with e.g.
//   OMP_NUM_THREADS=2 ./statevector_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true --benchmark_filter=HeaLayer
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "backends/statevector/statevector.h"

namespace qgrad::sv {
namespace {

// With --benchmark_repetitions=N, the minimum is the figure least disturbed by other
// processes on a shared machine.
double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

Circuit HeaLayer(int n) {
  Circuit c(n);
  for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRY, {q}, {Angle::Param(q)});
  for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRZ, {q}, {Angle::Param(n + q)});
  for (int q = 0; q + 1 < n; ++q) (void)c.Add(GateKind::kCZ, {q, q + 1});
  return c;
}

std::vector<double> Angles(int count) {
  std::vector<double> p(count);
  for (int i = 0; i < count; ++i) p[i] = 0.1 + 0.37 * i;
  return p;
}

// Args: n, max_fused_qubits, kernel (0 scalar, 1 SIMD), threads, cache_block_qubits.
void BM_HeaLayer(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const Simulator sim({.max_fused_qubits = static_cast<int>(st.range(1)),
                       .threads = static_cast<int>(st.range(3)),
                       .kernel = st.range(2) ? KernelChoice::kSimd : KernelChoice::kScalar,
                       .cache_block_qubits = static_cast<int>(st.range(4))});
  const Circuit circuit = HeaLayer(n);
  const std::vector<double> params = Angles(2 * n);
  StateVector state = *StateVector::Create(n);
  for (auto _ : st) {
    if (!sim.Run(circuit, params, state).ok()) st.SkipWithError("run failed");
  }
  st.counters["gates"] = 3 * n - 1;
}
BENCHMARK(BM_HeaLayer)
    ->ArgNames({"n", "fuse", "simd", "threads", "block"})
    ->ArgsProduct({{20, 24, 26}, {2}, {1}, {2}, {16}})  // the defaults, 2 threads
    ->ArgsProduct({{24}, {2, 3, 4}, {1}, {1, 2}, {0, 16}})  // fusion width, blocking
    ->ArgsProduct({{20, 24}, {0}, {1}, {2}, {0}})       // gate by gate
    ->ArgsProduct({{20, 24}, {2}, {0}, {2}, {16}})      // scalar kernels
    ->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3)->ComputeStatistics("min", Min);

// Args: n, target, kernel, threads.
void BM_RY(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const Simulator sim({.threads = static_cast<int>(st.range(3)),
                       .kernel = st.range(2) ? KernelChoice::kSimd : KernelChoice::kScalar});
  Gate ry;
  ry.kind = GateKind::kRY;
  ry.qubits = {static_cast<int>(st.range(1))};
  ry.angles = {Angle::Fixed(0.3)};
  StateVector state = *StateVector::Create(n);
  for (auto _ : st) sim.ApplyGate(ry, {}, state);
  st.SetBytesProcessed(int64_t(st.iterations()) * 2 * int64_t(StateVector::BytesFor(n)));
}
BENCHMARK(BM_RY)
    ->ArgNames({"n", "target", "simd", "threads"})
    ->Args({24, 0, 1, 2})->Args({24, 12, 1, 2})->Args({26, 13, 1, 2})
    ->Args({24, 0, 0, 2})->Args({24, 12, 0, 2})
    ->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(10)->ComputeStatistics("min", Min);

void BM_ZZRing(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  PauliSum h;
  for (int q = 0; q < n; ++q) {
    PauliString zz;
    zz.set(q, PauliLetter::kZ);
    zz.set((q + 1) % n, PauliLetter::kZ);
    h.AddTerm(1.0, zz);
  }
  StateVector state = *StateVector::Create(n);
  const Simulator sim({.threads = 2});
  (void)sim.Run(HeaLayer(n), Angles(2 * n), state);
  double e = 0;
  for (auto _ : st) benchmark::DoNotOptimize(e = Expectation(state, h));
  st.counters["value"] = e;
}
BENCHMARK(BM_ZZRing)->Arg(24)->Arg(26)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(5)->ComputeStatistics("min", Min);

}  // namespace
}  // namespace qgrad::sv

BENCHMARK_MAIN();
