// Test helpers (see test_util.h).
//
// Thread-safety: free functions only.
#include "optimizer/test_util.h"

#include <bit>
#include <cmath>

namespace qgrad::optimizer::test {

sv::StateVector RandomState(int num_qubits, std::mt19937_64& rng) {
  std::normal_distribution<double> g;
  std::vector<sv::Amplitude> a(size_t{1} << num_qubits);
  for (sv::Amplitude& x : a) x = {g(rng), g(rng)};
  return FromAmplitudes(a);
}

PauliSum RandomHermitian(int num_qubits, int terms, std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> mask(0, (uint64_t{1} << num_qubits) - 1);
  std::normal_distribution<double> g;
  PauliSum h;
  for (int t = 0; t < terms; ++t) h.AddTerm(g(rng), PauliString{mask(rng), mask(rng)});
  h.Simplify();
  return h;
}

sv::StateVector FromAmplitudes(const std::vector<sv::Amplitude>& amplitudes) {
  const int n = std::countr_zero(amplitudes.size());
  sv::StateVector s = sv::StateVector::Create(n).value();
  (void)s.SetAmplitudes(amplitudes, /*normalize=*/true);
  return s;
}

}  // namespace qgrad::optimizer::test
