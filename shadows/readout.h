// Internal to shadows/: readout-error mitigation kernels. Each qubit's confusion matrix
// A_q = [[1−p01, p10], [p01, 1−p10]] (column: prepared bit, row: read bit) is inverted on
// the outcomes, either on a histogram over read outcomes (A⁻¹ h: quasi-counts of prepared
// outcomes) or, transposed, on a function of prepared outcomes ((A⁻¹)ᵀ g: its value at each
// read outcome). Also the Clifford unitaries applied to state vectors, which mitigated
// Clifford estimators need for every outcome at once.
// Thread-safety: pure functions on caller-owned buffers.
#ifndef QGRAD_SHADOWS_READOUT_H_
#define QGRAD_SHADOWS_READOUT_H_

#include <complex>
#include <cstdint>

#include "absl/types/span.h"
#include "shadows/clifford.h"
#include "shadows/shadow.h"

namespace qgrad::shadows::internal {

// The mitigated value of (−1)^{prepared bit} given the read bit: (±1 − (p10 − p01)) /
// (1 − p01 − p10), + for a read 0.
double MitigatedSign(const ReadoutError& e, bool read_one);

// v ← (⊗_q A_q⁻¹) v over 2^n entries (v indexed by read outcome on input, by prepared
// outcome on output).
void ApplyInverseConfusion(absl::Span<const ReadoutError> readout, double* v);
// v ← (⊗_q A_q⁻¹)ᵀ v.
void ApplyInverseConfusionTransposed(absl::Span<const ReadoutError> readout, double* v);

// a ← U a (or U† a) for the Clifford's gates, on 2^n amplitudes, up to a global phase.
void ApplyClifford(const Clifford& clifford, bool adjoint, std::complex<double>* a);

}  // namespace qgrad::shadows::internal

#endif  // QGRAD_SHADOWS_READOUT_H_
