// Readout calibration through a backend (see readout_calibration.h).
//
// Thread-safety: free functions only.
#include "estimation/readout_calibration.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "estimation/shadow_measurement.h"

namespace qgrad::estimation {

std::string CalibrationProgram(int num_qubits, int value) {
  std::string qasm = absl::StrCat("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[", num_qubits,
                                  "] q;\nbit[", num_qubits, "] c;\n");
  if (value == 1) {
    for (int q = 0; q < num_qubits; ++q) absl::StrAppend(&qasm, "x q[", q, "];\n");
  }
  absl::StrAppend(&qasm, "c = measure q;\n");
  return qasm;
}

absl::StatusOr<std::vector<shadows::ReadoutError>> CalibrateReadout(
    backends::Backend& backend, const CalibrationRequest& request,
    optimizer::EstimationReport& report) {
  const int n = request.num_qubits;
  if (n < 1 || n > backends::kMaxShotBits || request.shots < 1) {
    return absl::InvalidArgumentError(absl::StrCat("readout calibration of ", n, " qubits with ",
                                                   request.shots, " shots"));
  }
  backends::Batch batch;
  batch.seed = request.seed;
  batch.idempotency_key = request.idempotency_key;
  for (int value : {0, 1}) {
    batch.programs.push_back(backends::Program{CalibrationProgram(n, value), {}, request.shots});
  }
  auto result = RunBatchUntilStopped(backend, std::move(batch), request.should_stop);
  if (!result.ok()) return result.status();
  std::vector<shadows::ReadoutError> readout(n);
  for (int value : {0, 1}) {
    const backends::ProgramResult& program = result->programs[value];
    report.circuits += 1;
    report.shots += program.shots;
    if (program.shots <= 0) return absl::InternalError("readout calibration: no shots returned");
    for (int q = 0; q < n; ++q) {
      int64_t wrong = 0;
      for (const auto& [shot, count] : program.counts) {
        if (static_cast<int>((shot >> q) & 1) != value) wrong += count;
      }
      const double rate =
          std::min(kMaxReadoutError, static_cast<double>(wrong) / static_cast<double>(program.shots));
      (value == 0 ? readout[q].p01 : readout[q].p10) = rate;
    }
  }
  return readout;
}

}  // namespace qgrad::estimation
