// Benchmarks of the shadow estimators (shadows/shadow.h): the fidelity ⟨φ|ρ̂|φ⟩ at n = 12
// from 1,000 Pauli settings × 100 shots (target ≤ 0.1 s with 2 threads) and from 10,000
// Clifford snapshots (target ≤ 1 s), and ρ̂|χ⟩ from the same Pauli data. Outcomes are
// uniform random bits: the estimators' cost does not depend on their values. Run with e.g.
//   ./shadows_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <map>
#include <random>
#include <vector>

#include "shadows/shadow.h"

namespace qgrad::shadows {
namespace {

Shadow RandomData(Ensemble ensemble, int n, int settings, int shots, uint64_t seed) {
  Shadow shadow;
  shadow.ensemble = ensemble;
  shadow.num_qubits = n;
  std::mt19937_64 rng(seed);
  for (Setting& s : RandomSettings(ensemble, n, settings, seed)) {
    std::map<uint64_t, int64_t> counts;
    for (int k = 0; k < shots; ++k) ++counts[rng() & ((uint64_t{1} << n) - 1)];
    shadow.settings.push_back({std::move(s), {counts.begin(), counts.end()}, shots});
  }
  return shadow;
}

std::vector<std::complex<double>> RandomState(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<std::complex<double>> v(size_t{1} << n);
  double norm = 0.0;
  for (auto& a : v) {
    a = {normal(rng), normal(rng)};
    norm += std::norm(a);
  }
  for (auto& a : v) a /= std::sqrt(norm);
  return v;
}

// Args: n, settings, shots, threads.
void BM_PauliFidelity(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const Shadow shadow = RandomData(Ensemble::kPauli, n, static_cast<int>(st.range(1)),
                                   static_cast<int>(st.range(2)), 1);
  const auto phi = RandomState(n, 2);
  const EstimatorOptions options{.threads = static_cast<int>(st.range(3))};
  for (auto _ : st) benchmark::DoNotOptimize(EstimateFidelity(shadow, phi, options));
}
BENCHMARK(BM_PauliFidelity)->Args({12, 1000, 100, 1})->Args({12, 1000, 100, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PauliApplyShadow(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const Shadow shadow = RandomData(Ensemble::kPauli, n, static_cast<int>(st.range(1)),
                                   static_cast<int>(st.range(2)), 1);
  const auto chi = RandomState(n, 2);
  for (auto _ : st) benchmark::DoNotOptimize(ApplyShadow(shadow, chi, static_cast<int>(st.range(3))));
}
BENCHMARK(BM_PauliApplyShadow)->Args({12, 1000, 100, 1})->Args({12, 1000, 100, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// Args: n, settings (one shot each), threads.
void BM_CliffordFidelity(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const Shadow shadow = RandomData(Ensemble::kClifford, n, static_cast<int>(st.range(1)), 1, 3);
  const auto phi = RandomState(n, 4);
  const EstimatorOptions options{.threads = static_cast<int>(st.range(2))};
  for (auto _ : st) benchmark::DoNotOptimize(EstimateFidelity(shadow, phi, options));
}
BENCHMARK(BM_CliffordFidelity)->Args({12, 10000, 1})->Args({12, 10000, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace qgrad::shadows

BENCHMARK_MAIN();
