// Simulator: validation, fusion (fusion.h) and execution of the resulting ops through the
// selected kernels. Thread-safety: a Simulator is immutable; see statevector.h.
#include "backends/statevector/statevector.h"

#include "absl/strings/str_format.h"
#include "backends/statevector/fusion.h"
#include "backends/statevector/kernels.h"
#include "backends/statevector/parallel.h"
#include "backends/statevector/schedule.h"

namespace qgrad::sv {

Simulator::Simulator(SimulatorOptions options) : options_(options) {}

namespace {

absl::Status ValidateRun(const Circuit& circuit, absl::Span<const double> params,
                         const StateVector& state) {
  if (circuit.num_qubits() != state.num_qubits()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the circuit has %d qubits but the state has %d",
                        circuit.num_qubits(), state.num_qubits()));
  }
  if (static_cast<int64_t>(params.size()) < circuit.num_params()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the circuit needs %d parameters, %d given", circuit.num_params(), params.size()));
  }
  for (const Gate& gate : circuit.gates()) {
    if (gate.kind == GateKind::kMeasure || gate.kind == GateKind::kReset) {
      return absl::FailedPreconditionError(
          "the state-vector simulator applies unitary circuits only (found measure/reset)");
    }
    for (const Angle& angle : gate.angles) {
      if (angle.index >= static_cast<int64_t>(params.size())) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "gate angle uses parameter %d but only %d are given", angle.index, params.size()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Simulator::Run(const Circuit& circuit, absl::Span<const double> params,
                            StateVector& state) const {
  if (absl::Status s = ValidateRun(circuit, params, state); !s.ok()) return s;
  internal::ExecuteOps(
      internal::CompileGates(circuit.gates(), params, options_.max_fused_qubits), options_,
      state);
  return absl::OkStatus();
}

absl::StatusOr<StateVector> Simulator::Prepare(const Circuit& circuit,
                                              absl::Span<const double> params,
                                              const StateVector* initial) const {
  if (initial != nullptr && initial->num_qubits() != circuit.num_qubits()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the initial state has %d qubits but the circuit has %d", initial->num_qubits(),
        circuit.num_qubits()));
  }
  absl::StatusOr<StateVector> state = StateVector::Create(circuit.num_qubits());
  if (!state.ok()) return state.status();
  if (initial != nullptr) state->CopyFrom(*initial);
  if (absl::Status s = Run(circuit, params, *state); !s.ok()) return s;
  return state;
}

void Simulator::ApplyGate(const Gate& gate, absl::Span<const double> params,
                          StateVector& state) const {
  const int threads =
      ThreadsFor(state.num_qubits(), options_.threads, options_.parallel_min_qubits);
  for (const internal::Op& op : internal::CompileGates({&gate, 1}, params, 0)) {
    internal::ApplyOp(state.data(), state.num_qubits(), op, options_.kernel, threads);
  }
}

void Simulator::ApplyMatrix(absl::Span<const int> qubits, absl::Span<const Amplitude> matrix,
                            StateVector& state, absl::Span<const int> controls,
                            absl::Span<const bool> control_values) const {
  internal::Op op;
  op.kind = internal::Op::Kind::kDense;
  op.qubits.assign(qubits.begin(), qubits.end());
  op.matrix.assign(matrix.begin(), matrix.end());
  for (size_t b = 0; b < controls.size(); ++b) {
    op.cmask |= uint64_t{1} << controls[b];
    const bool value = b < control_values.size() ? control_values[b] : true;
    if (value) op.cval |= uint64_t{1} << controls[b];
  }
  const int threads =
      ThreadsFor(state.num_qubits(), options_.threads, options_.parallel_min_qubits);
  internal::ApplyOp(state.data(), state.num_qubits(), op, options_.kernel, threads);
}

}  // namespace qgrad::sv
