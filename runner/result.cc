// JobResult assembly; see result.h.
//
// Thread-safety: free functions only.
#include "runner/result.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/local/description.h"
#include "base/version.h"
#include "optimizer/baseline.h"
#include "qasm/qasm.h"

namespace qgrad::runner {
namespace {

constexpr int64_t kDefaultMaxCutShots = 1024;

// Node 0 first, '1' for side 1.
std::string Assignment(uint64_t bits, int n) {
  std::string s(n, '0');
  for (int i = 0; i < n; ++i) s[i] = ((bits >> i) & 1) ? '1' : '0';
  return s;
}

absl::Status FillMaxCut(const sv::Simulator& simulator, const BuiltProblem& problem,
                        const v1::JobSpec& spec, const RunSummary& run,
                        v1::MaxCutReport& report) {
  const Graph& graph = *problem.graph;
  const v1::MaxCutProblem& m = spec.problem().maxcut();
  report.set_expected_cut(ExpectedCut(graph, run.exact_final_cost.value_or(run.final_cost)));
  if (problem.max_cut) {
    report.set_max_cut(*problem.max_cut);
    report.set_approximation_ratio(ApproximationRatio(report.expected_cut(), *problem.max_cut));
  }
  const int64_t shots = m.has_shots() ? m.shots() : kDefaultMaxCutShots;
  if (shots <= 0) return absl::OkStatus();
  absl::StatusOr<sv::StateVector> state = sv::StateVector::Create(run.circuit.num_qubits());
  if (!state.ok()) return state.status();
  if (absl::Status s = simulator.Run(run.circuit, run.params, *state); !s.ok()) return s;
  absl::StatusOr<std::vector<uint64_t>> samples = sv::Sample(*state, shots, spec.seed());
  if (!samples.ok()) return samples.status();
  double best_cut = -1;
  uint64_t best_bits = 0;
  for (uint64_t bits : *samples) {
    const double cut = CutValue(graph, bits);
    if (cut > best_cut) best_cut = cut, best_bits = bits;
  }
  report.set_best_sampled_cut(best_cut);
  report.set_best_sampled_assignment(Assignment(best_bits, graph.num_nodes));
  report.set_shots(shots);
  return absl::OkStatus();
}

void FillCircuit(const RunSummary& run, v1::JobResult& result) {
  absl::StatusOr<std::string> text = qasm::Emit(run.circuit, run.params);
  if (text.ok()) {
    result.set_qasm(*text);
  } else {
    result.set_qasm_note(absl::StrCat("not expressible in OpenQASM 3: ", text.status().message()));
  }
  for (double p : run.params) result.add_params(p);
  v1::Counts& counts = *result.mutable_counts();
  counts = run.counts;
  counts.set_gates(run.circuit.Counts().total);
  counts.set_num_params(run.circuit.num_params());
  counts.set_depth(run.circuit.Depth());
  counts.set_cnot_count(optimizer::CnotCount(run.circuit));
}

// The fields nested and baseline events share.
template <typename Event>
v1::IterationEvent SharedFieldsToProto(const Event& e) {
  v1::IterationEvent p;
  p.set_iteration(e.iteration);
  p.set_cost(e.cost);
  p.set_num_params(e.num_params);
  p.set_two_qubit_gates(e.two_qubit_gates);
  p.set_cnot_count(e.cnot_count);
  p.set_elapsed_seconds(e.elapsed_seconds);
  return p;
}

// Where the run's costs were computed: the exact state-vector simulator unless shadows mode
// measured them on a backend ("local" when the spec names none, as estimation_plan.h).
std::string ResultBackend(const v1::JobSpec& spec) {
  if (!spec.estimation().has_shadows()) return backends::local::kStatevectorName;
  const std::string& name = spec.estimation().shadows().backend();
  return name.empty() ? "local" : name;
}

// What produced the result: spec, seed, backend and software version.
void FillProvenance(const v1::JobSpec& spec, v1::JobResult& result) {
  *result.mutable_spec() = spec;
  result.set_seed(spec.seed());
  result.set_backend(ResultBackend(spec));
  result.set_software_version(std::string(base::SoftwareVersion()));
}

}  // namespace

v1::IterationEvent ToProto(const optimizer::IterationEvent& e) {
  v1::IterationEvent p = SharedFieldsToProto(e);
  p.set_guided_cost(e.guided_cost);
  p.set_indicator(e.indicator);
  p.set_eta(e.eta);
  p.set_fidelity_target(e.fidelity_target);
  p.set_fidelity(e.fidelity);
  p.set_layer_gates(e.layer_gates);
  p.set_layers(e.layers);
  p.set_handed_back(e.handed_back);
  p.set_refused_layers(e.refused_layers);
  p.set_recompressed(e.recompressed);
  if (e.estimation.shots > 0) *p.mutable_estimation() = ToProto(e.estimation);
  return p;
}

v1::EstimationReport ToProto(const optimizer::EstimationReport& r) {
  v1::EstimationReport p;
  p.set_circuits(r.circuits);
  p.set_shots(r.shots);
  p.set_guided_shots(r.guided_shots);
  p.set_post_selected_shots(r.post_selected_shots);
  p.set_post_selection_rate(r.PostSelectionRate());
  p.set_confidence(r.confidence);
  const auto interval = [](const optimizer::Interval& i) {
    v1::Interval out;
    out.set_low(i.low);
    out.set_high(i.high);
    return out;
  };
  *p.mutable_cost() = interval(r.cost);
  *p.mutable_guided_cost() = interval(r.guided_cost);
  *p.mutable_indicator() = interval(r.indicator);
  if (r.visibility > 0.0) {
    p.set_visibility(r.visibility);
    *p.mutable_visibility_interval() = interval(r.visibility_interval);
  }
  return p;
}

optimizer::EstimationReport ReportFromProto(const v1::EstimationReport& p) {
  optimizer::EstimationReport r;
  r.circuits = p.circuits();
  r.shots = p.shots();
  r.guided_shots = p.guided_shots();
  r.post_selected_shots = p.post_selected_shots();
  r.confidence = p.confidence();
  r.cost = {p.cost().low(), p.cost().high()};
  r.guided_cost = {p.guided_cost().low(), p.guided_cost().high()};
  r.indicator = {p.indicator().low(), p.indicator().high()};
  if (p.visibility() > 0.0) {
    r.visibility = p.visibility();
    r.visibility_interval = {p.visibility_interval().low(), p.visibility_interval().high()};
  }
  return r;
}

v1::IterationEvent ToProto(const optimizer::BaselineEvent& e) {
  v1::IterationEvent p = SharedFieldsToProto(e);
  p.set_gradient_norm(e.gradient_norm);
  p.set_cost_evaluations(e.cost_evaluations);
  p.set_added_operator(e.added_operator);
  return p;
}

RunSummary SummarizeNested(const optimizer::NestedResult& run) {
  RunSummary s{"nested", run.start_cost, run.warm_start_cost, run.final_cost,
               run.final_indicator, run.circuit, run.params, {}, {},
               std::string(optimizer::StopReasonName(run.stop_reason)), std::nullopt,
               std::nullopt, std::nullopt};
  for (const optimizer::IterationEvent& e : run.history) s.history.push_back(ToProto(e));
  s.counts.set_layers(run.layers);
  s.counts.set_two_qubit_gates(run.two_qubit_gates);
  s.counts.set_added_two_qubit_gates(run.added_two_qubit_gates);
  s.counts.set_fidelity_evaluations(run.fidelity_evaluations);
  s.counts.set_hand_backs(run.hand_backs);
  s.counts.set_recompressions(run.recompressions);
  if (run.estimation.shots > 0) s.estimation = ToProto(run.estimation);
  if (run.returned_iteration >= 0) s.returned_iteration = run.returned_iteration;
  return s;
}

absl::StatusOr<v1::JobResult> MakeResult(const sv::Simulator& simulator,
                                         const BuiltProblem& problem, const v1::JobSpec& spec,
                                         const RunSummary& run) {
  v1::JobResult result;
  result.set_name(spec.name());
  result.set_method(run.method);
  result.set_num_qubits(problem.num_qubits);
  result.set_start_cost(run.start_cost);
  result.set_warm_start_cost(run.warm_start_cost);
  result.set_final_cost(run.final_cost);
  result.set_final_indicator(run.final_indicator);
  if (run.estimation) {
    *result.mutable_estimation() = *run.estimation;
    if (run.exact_final_cost) result.set_exact_final_cost(*run.exact_final_cost);
  }
  if (problem.exact_cost) {
    result.set_exact_cost(*problem.exact_cost);
    result.set_error(run.exact_final_cost.value_or(run.final_cost) - *problem.exact_cost);
  }
  if (problem.graph) {
    absl::Status s = FillMaxCut(simulator, problem, spec, run, *result.mutable_maxcut());
    if (!s.ok()) return absl::InternalError(absl::StrCat("max-cut report: ", s.message()));
  }
  FillCircuit(run, result);
  for (const v1::IterationEvent& e : run.history) *result.add_history() = e;
  result.set_stop_reason(run.stop_reason);
  if (run.returned_iteration) result.set_returned_iteration(*run.returned_iteration);
  FillProvenance(spec, result);
  return result;
}

}  // namespace qgrad::runner
