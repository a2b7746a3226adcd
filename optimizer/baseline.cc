// Shared baseline helpers (see baseline.h).
//
// Thread-safety: pure functions.
#include "optimizer/baseline.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {

std::string_view BaselineStopName(BaselineStop reason) {
  switch (reason) {
    case BaselineStop::kConverged: return "converged";
    case BaselineStop::kMaxIterations: return "max_iterations";
    case BaselineStop::kTwoQubitBudget: return "two_qubit_budget";
    case BaselineStop::kWallClock: return "wall_clock";
  }
  return "unknown";
}

absl::Status ValidateBaselineStart(const Cost& cost, const Circuit& circuit,
                                   absl::Span<const double> params) {
  if (circuit.num_qubits() < 1) return absl::InvalidArgumentError("circuit: no qubits");
  if (!circuit.IsUnitary()) {
    return absl::InvalidArgumentError("circuit: the start circuit measures or resets");
  }
  if (absl::Status s = cost.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  if (int(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "params: ", params.size(), " values for ", circuit.num_params(), " circuit parameters"));
  }
  return absl::OkStatus();
}

int CnotCount(const Circuit& circuit) {
  int count = 0;
  for (const Gate& gate : circuit.gates()) {
    const int qubits = int(gate.AllQubits().size());
    if (gate.kind == GateKind::kPauliRotation) {
      count += 2 * std::max(gate.pauli.weight() - 1, 0);
    } else if (qubits == 2 && Info(gate.kind).is_unitary) {
      ++count;
    }
  }
  return count;
}

void CountCircuit(BaselineResult& result) {
  result.num_params = int(result.params.size());
  result.two_qubit_gates = result.circuit.Counts().two_qubit;
  result.cnot_count = CnotCount(result.circuit);
}

void EmitEvent(BaselineEvent event, const Stopwatch& clock, const BaselineCallback& callback,
               BaselineResult& result) {
  CountCircuit(result);
  event.num_params = result.num_params;
  event.two_qubit_gates = result.two_qubit_gates;
  event.cnot_count = result.cnot_count;
  event.cost_evaluations = result.cost_evaluations;
  event.elapsed_seconds = clock.Seconds();
  result.history.push_back(std::move(event));
  if (callback) callback(result.history.back());
}

}  // namespace qgrad::optimizer
