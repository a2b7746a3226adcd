// Cost of a full adjoint gradient against one forward pass of the same circuit:
// hardware-efficient ansatz (RY, RZ on every qubit, CZ chain) × layers, with
// H = Σ Z_i Z_{i+1} + Σ X_i. The "ratio" target of the foundation issue is gradient /
// forward ≤ 4.
//
// Run: build/bench/adjoint_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "backends/statevector/adjoint.h"

namespace qgrad::sv {
namespace {

Circuit HardwareEfficient(int n, int layers) {
  Circuit c(n);
  int p = 0;
  for (int l = 0; l < layers; ++l) {
    for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRY, {q}, {Angle::Param(p++)});
    for (int q = 0; q < n; ++q) (void)c.Add(GateKind::kRZ, {q}, {Angle::Param(p++)});
    for (int q = 0; q + 1 < n; ++q) (void)c.Add(GateKind::kCZ, {q, q + 1});
  }
  return c;
}

PauliSum IsingLike(int n) {
  std::string text;
  for (int q = 0; q + 1 < n; ++q) absl::StrAppend(&text, " + Z", q, " Z", q + 1);
  for (int q = 0; q < n; ++q) absl::StrAppend(&text, " + 0.5 * X", q);
  return *PauliSum::Parse(text);
}

std::vector<double> Params(int count) {
  std::vector<double> p(count);
  for (int i = 0; i < count; ++i) p[i] = 0.1 + 0.37 * i;
  return p;
}

void BM_Forward(benchmark::State& state) {
  const int n = int(state.range(0)), layers = int(state.range(1));
  Circuit c = HardwareEfficient(n, layers);
  std::vector<double> params = Params(c.num_params());
  Simulator sim;
  StateVector psi = *StateVector::Create(n);
  for (auto _ : state) {
    psi.SetBasisState(0);
    benchmark::DoNotOptimize(sim.Run(c, params, psi));
  }
  state.counters["params"] = c.num_params();
}

void BM_Gradient(benchmark::State& state) {
  const int n = int(state.range(0)), layers = int(state.range(1));
  // range(2): blocks of at most this many qubits; range(3): 0 = paired (the default),
  // 1 = blocked, 2 = gate by gate.
  const int block = int(state.range(2));
  const AdjointSweep sweeps[] = {AdjointSweep::kPaired, AdjointSweep::kBlocked,
                                 AdjointSweep::kGateByGate};
  const AdjointOptions options{sweeps[state.range(3)], block};
  Circuit c = HardwareEfficient(n, layers);
  std::vector<double> params = Params(c.num_params());
  PauliSum h = IsingLike(n);
  Simulator sim;
  for (auto _ : state) {
    auto g = ExpectationGradient(sim, c, params, h, nullptr, options);
    benchmark::DoNotOptimize(g);
  }
  state.counters["params"] = c.num_params();
}

BENCHMARK(BM_Forward)->ArgsProduct({{8, 12, 16, 20}, {4}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Gradient)
    ->ArgsProduct({{8, 12, 16, 20}, {4}, {2}, {0, 1}})
    ->ArgsProduct({{20}, {4}, {1, 3}, {0, 1}})
    ->Args({16, 4, 4, 2})
    ->Args({20, 4, 4, 2})
    ->ArgNames({"n", "layers", "block", "sweep"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace qgrad::sv

BENCHMARK_MAIN();
