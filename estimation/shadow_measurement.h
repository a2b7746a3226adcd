// Measuring a classical shadow through a backend: one OpenQASM 3 program per random
// setting (the circuit, ancilla measurements, the setting's rotation and measurement
// suffix), run as one batch, the system outcomes grouped by setting, and shots whose
// ancillas did not read 0 dropped (post-selection). Shared by the shadows-mode estimator
// and `qgrad simulate --shadow`.
//
// Thread-safety: free functions; the backend is used as its own contract allows.
#ifndef QGRAD_ESTIMATION_SHADOW_MEASUREMENT_H_
#define QGRAD_ESTIMATION_SHADOW_MEASUREMENT_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/backend.h"
#include "core/circuit.h"
#include "optimizer/estimator.h"
#include "shadows/shadow.h"

namespace qgrad::estimation {

struct ShadowRequest {
  shadows::Ensemble ensemble = shadows::Ensemble::kPauli;
  int64_t shots = 0;              // in all; max(1, shots / shots_per_setting) settings
  int64_t shots_per_setting = 1;  // REQUIRES ≥ 1
  uint64_t settings_seed = 0;     // the random settings
  // When non-empty: these settings (e.g. derandomized ones) instead of random ones; `shots`
  // and settings_seed are then unused.
  std::vector<shadows::Setting> settings;
  uint64_t shots_seed = 0;        // the backend batch's seed
  std::string idempotency_key;    // the batch's (backend.h); empty: the backend picks one
  // FAILED_PRECONDITION when fewer settings keep a shot after post-selection.
  int min_settings = 1;
  // Polled every 50 ms while the batch runs: true cancels it (CANCELLED).
  std::function<bool()> should_stop = nullptr;
};

// `circuit` acts on system qubits 0..system_qubits−1 and ancillas above them; its
// parameters are sent as `input` values. Adds the programs and shots to `report`
// (guided_shots and post_selected_shots when the circuit has ancillas).
// Submits `batch` and waits for it, polling `should_stop` every 50 ms (true cancels the
// batch: CANCELLED).
absl::StatusOr<backends::BatchResult> RunBatchUntilStopped(
    backends::Backend& backend, backends::Batch batch, const std::function<bool()>& should_stop);

absl::StatusOr<shadows::Shadow> MeasureShadow(backends::Backend& backend, const Circuit& circuit,
                                              int system_qubits, absl::Span<const double> params,
                                              const ShadowRequest& request,
                                              optimizer::EstimationReport& report);

}  // namespace qgrad::estimation

#endif  // QGRAD_ESTIMATION_SHADOW_MEASUREMENT_H_
