// Checkpoint encoding; see checkpoint.h.
//
// Thread-safety: no shared state.
#include "runner/checkpoint.h"

#include <complex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runner/finite.h"
#include "runner/result.h"

namespace qgrad::runner {
namespace {

constexpr int kNumGateKinds = static_cast<int>(GateKind::kBarrier) + 1;

absl::StatusOr<GateKind> KindNamed(const std::string& name) {
  for (int k = 0; k < kNumGateKinds; ++k) {
    if (Info(static_cast<GateKind>(k)).name == name) return static_cast<GateKind>(k);
  }
  return absl::InvalidArgumentError(absl::StrCat("kind: unknown gate kind \"", name, "\""));
}

v1::CheckpointGate GateToProto(const Gate& gate) {
  v1::CheckpointGate p;
  p.set_kind(std::string(Info(gate.kind).name));
  for (int q : gate.qubits) p.add_qubits(q);
  for (const Angle& a : gate.angles) {
    v1::CheckpointAngle* angle = p.add_angles();
    angle->set_constant(a.constant);
    angle->set_index(a.index);
    angle->set_scale(a.scale);
  }
  for (int c : gate.controls) p.add_controls(c);
  for (bool v : gate.control_values) p.add_control_values(v);
  p.set_pauli_x(gate.pauli.x);
  p.set_pauli_z(gate.pauli.z);
  for (const std::complex<double>& m : gate.matrix) {
    p.add_matrix(m.real());
    p.add_matrix(m.imag());
  }
  p.set_clbit(gate.clbit);
  return p;
}

absl::StatusOr<Gate> GateFromProto(const v1::CheckpointGate& p) {
  absl::StatusOr<GateKind> kind = KindNamed(p.kind());
  if (!kind.ok()) return kind.status();
  if (p.matrix_size() % 2 != 0) {
    return absl::InvalidArgumentError("matrix: needs real and imaginary parts in pairs");
  }
  Gate gate;
  gate.kind = *kind;
  gate.qubits.assign(p.qubits().begin(), p.qubits().end());
  for (const v1::CheckpointAngle& a : p.angles()) {
    gate.angles.push_back(Angle{a.constant(), a.index(), a.scale()});
  }
  gate.controls.assign(p.controls().begin(), p.controls().end());
  gate.control_values.assign(p.control_values().begin(), p.control_values().end());
  gate.pauli.x = p.pauli_x();
  gate.pauli.z = p.pauli_z();
  for (int i = 0; i + 1 < p.matrix_size(); i += 2) {
    gate.matrix.emplace_back(p.matrix(i), p.matrix(i + 1));
  }
  gate.clbit = p.clbit();
  return gate;
}

v1::NestedCheckpoint NestedToProto(const optimizer::NestedResult& run) {
  v1::NestedCheckpoint p;
  p.set_start_cost(run.start_cost);
  p.set_warm_start_cost(run.warm_start_cost);
  *p.mutable_circuit() = CircuitToProto(run.circuit);
  for (double x : run.params) p.add_params(x);
  for (const optimizer::IterationEvent& e : run.history) *p.add_history() = ToProto(e);
  p.set_layers(run.layers);
  p.set_two_qubit_gates(run.two_qubit_gates);
  p.set_added_two_qubit_gates(run.added_two_qubit_gates);
  p.set_added_cnot_count(run.added_cnot_count);
  p.set_fidelity_evaluations(run.fidelity_evaluations);
  p.set_hand_backs(run.hand_backs);
  if (run.estimation.shots > 0) *p.mutable_estimation() = ToProto(run.estimation);
  p.set_recompressions(run.recompressions);
  p.set_start_gates(run.start_gates);
  p.set_start_params(run.start_params);
  if (run.best.iteration >= 0) {
    p.set_best_iteration(run.best.iteration);
    p.set_best_cost(run.best.cost);
    p.set_best_cost_low(run.best.cost_interval.low);
    p.set_best_cost_high(run.best.cost_interval.high);
    *p.mutable_best_circuit() = CircuitToProto(run.best.circuit);
    for (double x : run.best.params) p.add_best_params(x);
  }
  return p;
}

absl::Status Corrupt(const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat("checkpoint: ", status.message()));
}

// The envelope of a checkpoint of this version written for `seed`.
absl::StatusOr<v1::Checkpoint> ParseCheckpoint(const std::string& bytes, uint64_t seed) {
  v1::Checkpoint checkpoint;
  if (!checkpoint.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("checkpoint: not a qgrad.v1.Checkpoint");
  }
  if (checkpoint.version() != kCheckpointVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: version ", checkpoint.version(), " is not supported"));
  }
  if (checkpoint.seed() != seed) {
    return absl::InvalidArgumentError("checkpoint: written for another seed");
  }
  // Runs write finite numbers only; a NaN parameter must not reach an optimizer.
  if (absl::Status s = CheckAllFinite(checkpoint); !s.ok()) return Corrupt(s);
  return checkpoint;
}

// The fields nested and baseline events share.
template <typename Event>
Event SharedFieldsFromProto(const v1::IterationEvent& p) {
  Event e;
  e.iteration = p.iteration();
  e.cost = p.cost();
  e.num_params = p.num_params();
  e.two_qubit_gates = p.two_qubit_gates();
  e.cnot_count = p.cnot_count();
  e.elapsed_seconds = p.elapsed_seconds();
  return e;
}

optimizer::BaselineEvent BaselineEventFromProto(const v1::IterationEvent& p) {
  auto e = SharedFieldsFromProto<optimizer::BaselineEvent>(p);
  e.gradient_norm = p.gradient_norm();
  e.cost_evaluations = p.cost_evaluations();
  e.added_operator = p.added_operator();
  return e;
}

}  // namespace

v1::CheckpointCircuit CircuitToProto(const Circuit& circuit) {
  v1::CheckpointCircuit p;
  p.set_num_qubits(circuit.num_qubits());
  p.set_num_clbits(circuit.num_clbits());
  p.set_num_params(circuit.num_params());
  for (const Gate& gate : circuit.gates()) *p.add_gates() = GateToProto(gate);
  return p;
}

absl::StatusOr<Circuit> CircuitFromProto(const v1::CheckpointCircuit& proto) {
  if (proto.num_qubits() < 0 || proto.num_clbits() < 0 || proto.num_params() < 0) {
    return absl::InvalidArgumentError("circuit: negative size");
  }
  Circuit circuit(proto.num_qubits(), proto.num_clbits());
  for (int i = 0; i < proto.gates_size(); ++i) {
    absl::StatusOr<Gate> gate = GateFromProto(proto.gates(i));
    absl::Status appended = gate.ok() ? circuit.Append(*std::move(gate)) : gate.status();
    if (!appended.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("gates[", i, "]: ", appended.message()));
    }
  }
  circuit.DeclareParams(proto.num_params());
  return circuit;
}

optimizer::IterationEvent IterationFromProto(const v1::IterationEvent& p) {
  auto e = SharedFieldsFromProto<optimizer::IterationEvent>(p);
  e.guided_cost = p.guided_cost();
  e.indicator = p.indicator();
  e.eta = p.eta();
  e.fidelity_target = p.fidelity_target();
  e.fidelity = p.fidelity();
  e.layer_gates = p.layer_gates();
  e.layers = p.layers();
  e.handed_back = p.handed_back();
  e.refused_layers = p.refused_layers();
  e.recompressed = p.recompressed();
  e.estimation = ReportFromProto(p.estimation());
  return e;
}

std::string EncodeNestedCheckpoint(const optimizer::NestedResult& run, uint64_t seed) {
  v1::Checkpoint checkpoint;
  checkpoint.set_version(kCheckpointVersion);
  checkpoint.set_seed(seed);
  *checkpoint.mutable_nested() = NestedToProto(run);
  return checkpoint.SerializeAsString();
}

namespace {

// The measured run's best state, when the checkpoint holds one.
absl::Status BestFromProto(const v1::NestedCheckpoint& p, optimizer::NestedResult& run) {
  if (!p.has_best_circuit()) return absl::OkStatus();
  absl::StatusOr<Circuit> circuit = CircuitFromProto(p.best_circuit());
  if (!circuit.ok()) return circuit.status();
  if (p.best_iteration() < 0 || p.best_iteration() >= p.history_size() ||
      p.best_params_size() < circuit->num_params() ||
      circuit->num_qubits() != run.circuit.num_qubits()) {
    return absl::InvalidArgumentError("best_circuit: does not fit the run");
  }
  run.best.iteration = p.best_iteration();
  run.best.cost = p.best_cost();
  run.best.cost_interval = {p.best_cost_low(), p.best_cost_high()};
  run.best.circuit = *std::move(circuit);
  run.best.params.assign(p.best_params().begin(), p.best_params().end());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<optimizer::NestedResult> DecodeNestedCheckpoint(const std::string& bytes,
                                                               uint64_t seed) {
  absl::StatusOr<v1::Checkpoint> checkpoint = ParseCheckpoint(bytes, seed);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!checkpoint->has_nested()) {
    return absl::InvalidArgumentError("checkpoint: not a nested run's checkpoint");
  }
  const v1::NestedCheckpoint& p = checkpoint->nested();
  optimizer::NestedResult run;
  absl::StatusOr<Circuit> circuit = CircuitFromProto(p.circuit());
  if (!circuit.ok()) return Corrupt(circuit.status());
  run.circuit = *std::move(circuit);
  run.start_cost = p.start_cost();
  run.warm_start_cost = p.warm_start_cost();
  run.params.assign(p.params().begin(), p.params().end());
  for (const v1::IterationEvent& e : p.history()) run.history.push_back(IterationFromProto(e));
  run.layers = p.layers();
  run.two_qubit_gates = p.two_qubit_gates();
  run.added_two_qubit_gates = p.added_two_qubit_gates();
  run.added_cnot_count = p.added_cnot_count();
  run.fidelity_evaluations = p.fidelity_evaluations();
  run.hand_backs = p.hand_backs();
  run.estimation = ReportFromProto(p.estimation());
  run.recompressions = p.recompressions();
  run.start_gates = p.start_gates();
  run.start_params = p.start_params();
  if (run.recompressions < 0 || run.start_gates < 0 ||
      size_t(run.start_gates) > run.circuit.gates().size() || run.start_params < 0 ||
      size_t(run.start_params) > run.params.size()) {
    return Corrupt(absl::InvalidArgumentError("start_gates: outside the circuit"));
  }
  if (absl::Status s = BestFromProto(p, run); !s.ok()) return Corrupt(s);
  return run;
}

std::string EncodeBaselineCheckpoint(const optimizer::BaselineResult& run,
                                     const std::string& method, uint64_t seed) {
  v1::Checkpoint checkpoint;
  checkpoint.set_version(kCheckpointVersion);
  checkpoint.set_seed(seed);
  v1::BaselineCheckpoint& p = *checkpoint.mutable_baseline();
  p.set_method(method);
  p.set_start_cost(run.start_cost);
  p.set_final_cost(run.final_cost);
  *p.mutable_circuit() = CircuitToProto(run.circuit);
  for (double x : run.params) p.add_params(x);
  for (const optimizer::BaselineEvent& e : run.history) *p.add_history() = ToProto(e);
  p.set_cost_evaluations(run.cost_evaluations);
  return checkpoint.SerializeAsString();
}

absl::StatusOr<optimizer::BaselineResult> DecodeBaselineCheckpoint(const std::string& bytes,
                                                                   const std::string& method,
                                                                   uint64_t seed) {
  absl::StatusOr<v1::Checkpoint> checkpoint = ParseCheckpoint(bytes, seed);
  if (!checkpoint.ok()) return checkpoint.status();
  if (!checkpoint->has_baseline() || checkpoint->baseline().method() != method) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint: not a ", method, " checkpoint"));
  }
  const v1::BaselineCheckpoint& p = checkpoint->baseline();
  optimizer::BaselineResult run;
  absl::StatusOr<Circuit> circuit = CircuitFromProto(p.circuit());
  if (!circuit.ok()) return Corrupt(circuit.status());
  run.circuit = *std::move(circuit);
  run.start_cost = p.start_cost();
  run.final_cost = p.final_cost();
  run.params.assign(p.params().begin(), p.params().end());
  for (const v1::IterationEvent& e : p.history()) {
    run.history.push_back(BaselineEventFromProto(e));
  }
  run.cost_evaluations = p.cost_evaluations();
  return run;
}

int32_t CheckpointIterations(const std::string& bytes) {
  v1::Checkpoint checkpoint;
  if (bytes.empty() || !checkpoint.ParseFromString(bytes)) return 0;
  if (checkpoint.has_baseline()) return checkpoint.baseline().history_size();
  return checkpoint.nested().history_size();
}

}  // namespace qgrad::runner
