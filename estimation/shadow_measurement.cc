// Measuring a classical shadow through a backend (see shadow_measurement.h).
//
// Thread-safety: free functions only.
#include "estimation/shadow_measurement.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "estimation/gradient_state_circuit.h"

namespace qgrad::estimation {
namespace {

std::map<std::string, double> Inputs(absl::Span<const double> params) {
  std::map<std::string, double> inputs;
  for (size_t k = 0; k < params.size(); ++k) inputs[absl::StrCat("theta_", k)] = params[k];
  return inputs;
}

}  // namespace

absl::StatusOr<backends::BatchResult> RunBatchUntilStopped(
    backends::Backend& backend, backends::Batch batch, const std::function<bool()>& should_stop) {
  auto handle = backend.Submit(std::move(batch));
  if (!handle.ok()) return handle.status();
  while (true) {
    auto result = (*handle)->Wait(absl::Now() + absl::Milliseconds(50));
    if (!absl::IsDeadlineExceeded(result.status())) return result;
    if (should_stop && should_stop()) {
      (*handle)->Cancel();
      return absl::CancelledError("estimation cancelled");
    }
  }
}

absl::StatusOr<shadows::Shadow> MeasureShadow(backends::Backend& backend, const Circuit& circuit,
                                              int system_qubits, absl::Span<const double> params,
                                              const ShadowRequest& request,
                                              optimizer::EstimationReport& report) {
  const int n = system_qubits;
  const int count = int(std::max<int64_t>(1, request.shots / request.shots_per_setting));
  std::vector<shadows::Setting> settings =
      request.settings.empty()
          ? shadows::RandomSettings(request.ensemble, n, count, request.settings_seed)
          : request.settings;
  auto prefix = EmitProgram(circuit, n, "");
  if (!prefix.ok()) return prefix.status();
  const std::vector<std::string> qubits = SystemQubitOperands(n);
  const std::vector<std::string> bits = SystemBitOperands(n);
  backends::Batch batch;
  batch.seed = request.shots_seed;
  batch.idempotency_key = request.idempotency_key;
  const std::map<std::string, double> inputs = Inputs(params);
  for (const shadows::Setting& setting : settings) {
    batch.programs.push_back(backends::Program{
        absl::StrCat(*prefix, shadows::QasmSuffix(request.ensemble, setting, qubits, bits)),
        inputs, request.shots_per_setting});
  }
  auto result = RunBatchUntilStopped(backend, std::move(batch), request.should_stop);
  if (!result.ok()) return result.status();

  const bool post_select = circuit.num_qubits() > n;
  shadows::Shadow shadow{request.ensemble, n, {}, {}};
  for (size_t k = 0; k < settings.size(); ++k) {
    const backends::ProgramResult& program = result->programs[k];
    shadows::SettingData data{std::move(settings[k]), {}, 0};
    for (const auto& [value, count] : program.counts) {
      if ((value >> n) != 0) continue;  // an ancilla read 1: not the guided state
      data.counts.emplace_back(value, count);
      data.shots += count;
    }
    report.circuits += 1;
    report.shots += program.shots;
    if (post_select) {
      report.guided_shots += program.shots;
      report.post_selected_shots += data.shots;
    }
    if (data.shots > 0) shadow.settings.push_back(std::move(data));
  }
  if (shadow.settings.size() < size_t(std::max(1, request.min_settings))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "shadows: only ", shadow.settings.size(), " settings kept shots after post-selection (",
        report.post_selected_shots, " of ", report.guided_shots,
        " shots); raise shots_per_iteration or lower the step size"));
  }
  return shadow;
}

}  // namespace qgrad::estimation
