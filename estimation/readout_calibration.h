// Readout calibration through a backend: two programs on the system qubits — all prepared
// in 0, all prepared in 1 (x on each) — measured `shots` times each. Qubit q's p01 is the
// fraction of the first program's shots that read q as 1, its p10 the fraction of the
// second's that read q as 0. Assumes independent per-qubit readout errors (what
// shadows::ReadoutError models) and state preparation much better than readout.
//
// Thread-safety: free functions only.
#ifndef QGRAD_ESTIMATION_READOUT_CALIBRATION_H_
#define QGRAD_ESTIMATION_READOUT_CALIBRATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/backend.h"
#include "optimizer/estimator.h"
#include "shadows/shadow.h"

namespace qgrad::estimation {

// Rates above this are clamped (the estimators need p < 0.5, and such a qubit is useless
// anyway).
inline constexpr double kMaxReadoutError = 0.45;

struct CalibrationRequest {
  int num_qubits = 0;
  int64_t shots = 10'000;  // per program
  uint64_t seed = 0;       // the batch's seed (simulating backends)
  std::string idempotency_key;
  std::function<bool()> should_stop = nullptr;  // cancels the batch (CANCELLED)
};

// The per-qubit readout errors; the two programs and their shots are added to `report`.
absl::StatusOr<std::vector<shadows::ReadoutError>> CalibrateReadout(
    backends::Backend& backend, const CalibrationRequest& request,
    optimizer::EstimationReport& report);

// The two calibration programs' OpenQASM 3 text (prepared bit `value` on every qubit).
std::string CalibrationProgram(int num_qubits, int value);

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_READOUT_CALIBRATION_H_
