// What the baseline optimizers (hardware-efficient VQE, ADAPT-VQE, parameter-shift gradient
// descent) share: one progress event per iteration, the stop reasons, and a result shaped
// like the nested optimizer's, so that a job can compare them under matched settings.
//
// Thread-safety: values and pure helpers; callbacks run on the caller's thread.
#ifndef QGRAD_OPTIMIZER_BASELINE_H_
#define QGRAD_OPTIMIZER_BASELINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/circuit.h"
#include "optimizer/cost.h"

namespace qgrad::optimizer {

struct BaselineEvent {
  int iteration = 0;            // 0-based
  double cost = 0.0;            // after this iteration (before the step, for gradient descent)
  double gradient_norm = 0.0;   // ‖∇f‖₂ (ADAPT: the picked operator's |∂E/∂θ| at 0)
  int num_params = 0;
  int two_qubit_gates = 0;      // whole circuit
  int cnot_count = 0;           // whole circuit, CNOT-equivalent (see CnotCount)
  int64_t cost_evaluations = 0; // so far: circuit runs for parameter shift, f or f+∇f calls else
  double elapsed_seconds = 0.0;
  std::string added_operator;   // ADAPT: the appended Pauli string
};

enum class BaselineStop {
  kConverged,      // ADAPT: max pool gradient below threshold; VQE: the local minimizer stopped
  kMaxIterations,
  kTwoQubitBudget,  // two-qubit gate or CNOT-equivalent budget exceeded
  kWallClock,
};
std::string_view BaselineStopName(BaselineStop reason);

struct BaselineResult {
  double start_cost = 0.0;
  double final_cost = 0.0;
  Circuit circuit;              // reference/start gates + the ansatz
  std::vector<double> params;
  std::vector<BaselineEvent> history;
  int num_params = 0;
  int two_qubit_gates = 0;      // gates on exactly 2 qubits; a 2-qubit Pauli rotation is one
  int cnot_count = 0;
  int64_t cost_evaluations = 0;
  BaselineStop stop_reason = BaselineStop::kMaxIterations;
};

using BaselineCallback = std::function<void(const BaselineEvent&)>;
// Resumable baselines (ADAPT-VQE, parameter-shift descent) hand out the run so far after
// each iteration, right after its event. Passing it to the method's Resume function with the
// same options continues the run and, the methods being deterministic, ends as the
// uninterrupted run would (elapsed times restart; a wall-clock limit counts from the resume).
using BaselineCheckpointCallback = std::function<void(const BaselineResult&)>;

// INVALID_ARGUMENT ("circuit: ..." / "params: ...") unless the start circuit can be scored
// by `cost` at `params`.
absl::Status ValidateBaselineStart(const Cost& cost, const Circuit& circuit,
                                   absl::Span<const double> params);

// Measures wall time from construction.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Fills the event's circuit counts from `result` and the elapsed time, appends it to the
// history and calls `callback` (if any).
void EmitEvent(BaselineEvent event, const Stopwatch& clock, const BaselineCallback& callback,
               BaselineResult& result);

// CNOT-equivalent cost, for comparing pools with strings of different weight: a Pauli
// rotation of weight w compiles to 2(w − 1) CNOTs (parity ladder); any other gate on two
// qubits counts 1; gates on 3+ qubits other than Pauli rotations are not counted.
int CnotCount(const Circuit& circuit);

// Sets num_params, two_qubit_gates and cnot_count from the circuit.
void CountCircuit(BaselineResult& result);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_BASELINE_H_
