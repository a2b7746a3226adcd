// Readout-error mitigation kernels and Clifford state-vector application; see readout.h.
// Thread-safety: pure functions.
#include "shadows/readout.h"

#include <cmath>
#include <utility>

namespace qgrad::shadows::internal {
namespace {

using Amplitude = std::complex<double>;

// m = [[m00, m01], [m10, m11]] (row, column) on bit q of every index pair.
template <typename T, typename M>
void ApplyOnBit(int q, uint64_t size, const M& m, T* v) {
  const uint64_t bit = uint64_t{1} << q;
  for (uint64_t x = 0; x < size; ++x) {
    if (x & bit) continue;
    const T a = v[x];
    const T b = v[x | bit];
    v[x] = m[0][0] * a + m[0][1] * b;
    v[x | bit] = m[1][0] * a + m[1][1] * b;
  }
}

// A⁻¹ = [[1−p10, −p10], [−p01, 1−p01]] / (1 − p01 − p10).
void InverseConfusion(const ReadoutError& e, double (&m)[2][2]) {
  const double d = 1.0 - e.p01 - e.p10;
  m[0][0] = (1.0 - e.p10) / d;
  m[0][1] = -e.p10 / d;
  m[1][0] = -e.p01 / d;
  m[1][1] = (1.0 - e.p01) / d;
}

void ApplyConfusionInverse(absl::Span<const ReadoutError> readout, bool transposed, double* v) {
  const uint64_t size = uint64_t{1} << readout.size();
  for (size_t q = 0; q < readout.size(); ++q) {
    double m[2][2];
    InverseConfusion(readout[q], m);
    if (transposed) std::swap(m[0][1], m[1][0]);
    ApplyOnBit(static_cast<int>(q), size, m, v);
  }
}

void ApplyCx(int control, int target, uint64_t size, Amplitude* a) {
  const uint64_t c = uint64_t{1} << control;
  const uint64_t t = uint64_t{1} << target;
  for (uint64_t x = 0; x < size; ++x) {
    if ((x & c) && !(x & t)) std::swap(a[x], a[x | t]);
  }
}

void ApplyGate(const CliffordGate& g, bool adjoint, uint64_t size, Amplitude* a) {
  using Kind = CliffordGate::Kind;
  const double r = std::sqrt(0.5);
  const Amplitude i{0.0, 1.0};
  const Amplitude s_phase = (g.kind == Kind::kS) != adjoint ? i : -i;  // S: i, S†: −i
  switch (g.kind) {
    case Kind::kH: {
      const Amplitude m[2][2] = {{r, r}, {r, -r}};
      return ApplyOnBit(g.target, size, m, a);
    }
    case Kind::kS:
    case Kind::kSdg: {
      const Amplitude m[2][2] = {{1.0, 0.0}, {0.0, s_phase}};
      return ApplyOnBit(g.target, size, m, a);
    }
    case Kind::kX: {
      const Amplitude m[2][2] = {{0.0, 1.0}, {1.0, 0.0}};
      return ApplyOnBit(g.target, size, m, a);
    }
    case Kind::kY: {
      const Amplitude m[2][2] = {{0.0, -i}, {i, 0.0}};
      return ApplyOnBit(g.target, size, m, a);
    }
    case Kind::kZ: {
      const Amplitude m[2][2] = {{1.0, 0.0}, {0.0, -1.0}};
      return ApplyOnBit(g.target, size, m, a);
    }
    case Kind::kCx:
      return ApplyCx(g.control, g.target, size, a);
  }
}

}  // namespace

double MitigatedSign(const ReadoutError& e, bool read_one) {
  return ((read_one ? -1.0 : 1.0) - (e.p10 - e.p01)) / (1.0 - e.p01 - e.p10);
}

void ApplyInverseConfusion(absl::Span<const ReadoutError> readout, double* v) {
  ApplyConfusionInverse(readout, /*transposed=*/false, v);
}

void ApplyInverseConfusionTransposed(absl::Span<const ReadoutError> readout, double* v) {
  ApplyConfusionInverse(readout, /*transposed=*/true, v);
}

void ApplyClifford(const Clifford& clifford, bool adjoint, std::complex<double>* a) {
  const uint64_t size = uint64_t{1} << clifford.num_qubits();
  const std::vector<CliffordGate>& gates = clifford.gates();
  if (!adjoint) {
    for (const CliffordGate& g : gates) ApplyGate(g, false, size, a);
  } else {
    for (auto it = gates.rbegin(); it != gates.rend(); ++it) ApplyGate(*it, true, size, a);
  }
}

}  // namespace qgrad::shadows::internal
