// Clifford-shadow costs at n = 12: Clifford::Random, and Overlap / AddProjection of one
// random outcome per Clifford against a random state (the per-snapshot work of the Clifford
// fidelity estimator and of ApplyShadow). A small main; prints wall times.
// Usage: build/bench/clifford_bench [num_qubits] [cliffords]. Single-threaded.
#include <chrono>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "shadows/clifford.h"

namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  using qgrad::shadows::Clifford;
  const int n = argc > 1 ? std::atoi(argv[1]) : 12;
  const int count = argc > 2 ? std::atoi(argv[2]) : 10000;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g;
  std::vector<std::complex<double>> phi(size_t{1} << n);
  double norm = 0;
  for (auto& a : phi) {
    a = {g(rng), g(rng)};
    norm += std::norm(a);
  }
  for (auto& a : phi) a /= std::sqrt(norm);

  // Random() alone, results discarded (what a sampler pays per setting).
  auto r0 = Clock::now();
  size_t checksum = 0;
  for (int k = 0; k < count; ++k) checksum += Clifford::Random(n, rng).gates().size();
  auto r1 = Clock::now();

  auto t0 = Clock::now();
  std::vector<Clifford> cliffords;
  cliffords.reserve(count);
  size_t gates = 0, cx = 0;
  for (int k = 0; k < count; ++k) {
    cliffords.push_back(Clifford::Random(n, rng));
    gates += cliffords.back().gates().size();
    for (const auto& g : cliffords.back().gates()) {
      cx += g.kind == qgrad::shadows::CliffordGate::Kind::kCx;
    }
  }
  auto t1 = Clock::now();
  std::vector<uint64_t> outcomes(count);
  for (auto& b : outcomes) b = rng() & ((uint64_t{1} << n) - 1);

  double fidelity = 0;
  auto t2 = Clock::now();
  for (int k = 0; k < count; ++k) {
    fidelity += std::norm(cliffords[k].Overlap(outcomes[k], phi));
  }
  auto t3 = Clock::now();
  std::vector<std::complex<double>> out(phi.size());
  for (int k = 0; k < count; ++k) {
    cliffords[k].AddProjection(outcomes[k], phi, 1.0 / count, absl::MakeSpan(out));
  }
  auto t4 = Clock::now();

  std::printf("n=%d cliffords=%d\n", n, count);
  std::printf("Random alone:  %.3f s total, %.1f us each (%zu gates)\n", Seconds(r0, r1),
              1e6 * Seconds(r0, r1) / count, checksum);
  std::printf("Random+keep:   %.3f s total, %.1f us each, %.0f gates (%.0f cx) each\n",
              Seconds(t0, t1), 1e6 * Seconds(t0, t1) / count,
              static_cast<double>(gates) / count, static_cast<double>(cx) / count);
  std::printf("Overlap:       %.3f s total, %.1f us each (mean |<b|U|phi>|^2 = %.3g, 1/2^n = %.3g)\n",
              Seconds(t2, t3), 1e6 * Seconds(t2, t3) / count, fidelity / count,
              1.0 / (1 << n));
  std::printf("AddProjection: %.3f s total, %.1f us each\n", Seconds(t3, t4),
              1e6 * Seconds(t3, t4) / count);
  return 0;
}
