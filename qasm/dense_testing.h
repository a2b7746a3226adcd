// Test helper: dense unitaries of small circuits (≤ 4 qubits) built from core's GateMatrix,
// so the qasm tests can compare meanings without the simulator.
//
// Thread-safety: pure functions.
#ifndef QGRAD_QASM_DENSE_TESTING_H_
#define QGRAD_QASM_DENSE_TESTING_H_

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "absl/types/span.h"
#include "core/circuit.h"

namespace qgrad::qasm::testing {

using Dense = std::vector<std::complex<double>>;  // row-major 2^n × 2^n

inline Dense Identity(int n) {
  size_t dim = size_t{1} << n;
  Dense m(dim * dim);
  for (size_t i = 0; i < dim; ++i) m[i * dim + i] = 1.0;
  return m;
}

// Applies `gate` (extra controls included) to every column of `m`, a 2^n × `columns`
// row-major matrix (2^n × 2^n by default; 1 column: a state vector).
inline void ApplyGate(const Gate& gate, absl::Span<const double> params, int n, Dense& m,
                      size_t columns = 0) {
  if (!Info(gate.kind).is_unitary) return;
  Dense g = GateMatrix(gate, params);
  size_t k = gate.qubits.size(), sub = size_t{1} << k, dim = size_t{1} << n;
  if (columns == 0) columns = dim;
  size_t gate_mask = 0;
  for (int q : gate.qubits) gate_mask |= size_t{1} << q;
  for (size_t col = 0; col < columns; ++col) {
    for (size_t base = 0; base < dim; ++base) {
      if (base & gate_mask) continue;
      bool active = true;
      for (size_t c = 0; c < gate.controls.size(); ++c) {
        active &= (((base >> gate.controls[c]) & 1) != 0) == gate.control_values[c];
      }
      if (!active) continue;
      std::vector<std::complex<double>> in(sub), out(sub);
      std::vector<size_t> rows(sub);
      for (size_t s = 0; s < sub; ++s) {
        size_t row = base;
        for (size_t b = 0; b < k; ++b) {
          if ((s >> b) & 1) row |= size_t{1} << gate.qubits[b];
        }
        rows[s] = row;
        in[s] = m[row * columns + col];
      }
      for (size_t r = 0; r < sub; ++r) {
        for (size_t s = 0; s < sub; ++s) out[r] += g[r * sub + s] * in[s];
      }
      for (size_t s = 0; s < sub; ++s) m[rows[s] * columns + col] = out[s];
    }
  }
}

inline Dense CircuitUnitary(const Circuit& c, absl::Span<const double> params) {
  Dense m = Identity(c.num_qubits());
  for (const Gate& g : c.gates()) ApplyGate(g, params, c.num_qubits(), m);
  return m;
}

inline double MaxDiff(const Dense& a, const Dense& b) {
  if (a.size() != b.size()) return 1e300;
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

}  // namespace qgrad::qasm::testing

#endif  // QGRAD_QASM_DENSE_TESTING_H_
