// UnitaryDistanceUpToPhase (see native.h): both circuits are run on every basis state,
// column by column, so memory stays at two state vectors. Pure function.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/native/native.h"

namespace qgrad::backends::native {
namespace {

using Complex = std::complex<double>;

// Applies every unitary gate of `c` to `v` (measure / reset / barrier skipped).
void Run(const Circuit& c, std::vector<Complex>& v) {
  for (const Gate& g : c.gates()) {
    if (!Info(g.kind).is_unitary) continue;
    const std::vector<Complex> m = GateMatrix(g, {});
    const size_t k = g.qubits.size(), dim = size_t{1} << k;
    size_t own = 0, cmask = 0, cval = 0;
    for (int q : g.qubits) own |= size_t{1} << q;
    for (size_t i = 0; i < g.controls.size(); ++i) {
      cmask |= size_t{1} << g.controls[i];
      if (g.control_values[i]) cval |= size_t{1} << g.controls[i];
    }
    std::vector<size_t> offset(dim, 0);
    for (size_t j = 0; j < dim; ++j)
      for (size_t b = 0; b < k; ++b)
        if (j >> b & 1) offset[j] |= size_t{1} << g.qubits[b];
    std::vector<Complex> in(dim);
    for (size_t base = 0; base < v.size(); ++base) {
      if ((base & own) != 0 || (base & cmask) != cval) continue;
      for (size_t j = 0; j < dim; ++j) in[j] = v[base | offset[j]];
      for (size_t r = 0; r < dim; ++r) {
        Complex s = 0;
        for (size_t j = 0; j < dim; ++j) s += m[r * dim + j] * in[j];
        v[base | offset[r]] = s;
      }
    }
  }
}

}  // namespace

absl::StatusOr<double> UnitaryDistanceUpToPhase(const Circuit& a, const Circuit& b) {
  const int n = a.num_qubits();
  if (n != b.num_qubits()) {
    return absl::InvalidArgumentError(
        absl::StrCat("qubit counts differ: ", n, " and ", b.num_qubits()));
  }
  if (n > 12) return absl::InvalidArgumentError(absl::StrCat(n, " qubits; at most 12"));
  for (const Circuit* c : {&a, &b}) {
    for (const Gate& g : c->gates()) {
      if (g.IsParameterized()) return absl::InvalidArgumentError("unbound parameter");
    }
  }
  const size_t dim = size_t{1} << n;
  const auto column = [&](const Circuit& c, size_t j) {
    std::vector<Complex> v(dim, 0.0);
    v[j] = 1.0;
    Run(c, v);
    return v;
  };
  // The phase that minimizes the Frobenius distance: e^{iφ} = tr(B†A) / |tr(B†A)|; the
  // entry-wise distance under it bounds the best entry-wise distance from above.
  Complex overlap = 0;
  for (size_t j = 0; j < dim; ++j) {
    const auto ca = column(a, j), cb = column(b, j);
    for (size_t r = 0; r < dim; ++r) overlap += std::conj(cb[r]) * ca[r];
  }
  const Complex phase = std::abs(overlap) > 0 ? overlap / std::abs(overlap) : Complex(1);
  double worst = 0;
  for (size_t j = 0; j < dim; ++j) {
    const auto ca = column(a, j), cb = column(b, j);
    for (size_t r = 0; r < dim; ++r) worst = std::max(worst, std::abs(ca[r] - phase * cb[r]));
  }
  return worst;
}

}  // namespace qgrad::backends::native
