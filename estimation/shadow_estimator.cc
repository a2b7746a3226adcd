// The shot-based gradient-state estimator (see shadow_estimator.h).
//
// Thread-safety: one thread at a time per object.
#include "estimation/shadow_estimator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "estimation/gradient_state_circuit.h"
#include "estimation/shadow_measurement.h"
#include "estimation/shadow_target.h"

namespace qgrad::estimation {
namespace {

using optimizer::EstimationReport;
using optimizer::Interval;

// splitmix64's finalizer: consecutive inputs give unrelated outputs.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Derive(uint64_t seed, uint64_t part) { return Mix(seed ^ Mix(part)); }

// Parts of one call's randomness.
enum Part : uint64_t { kStateSettings = 1, kStateShots, kGuidedSettings, kGuidedShots };

// Pauli expectations from a shadow, each string estimated once.
class ShadowExpectations {
 public:
  ShadowExpectations(const shadows::Shadow& shadow, const shadows::EstimatorOptions& options)
      : shadow_(shadow), options_(options) {}
  double operator()(const PauliString& p) {
    if (p.is_identity()) return 1.0;
    auto it = cache_.find(p);
    if (it != cache_.end()) return it->second;
    auto e = shadows::EstimatePauliExpectations(shadow_, {&p, 1}, options_);
    const double value = e.ok() ? (*e)[0].value : 0.0;
    if (!e.ok() && status_.ok()) status_ = e.status();
    cache_.emplace(p, value);
    return value;
  }
  const absl::Status& status() const { return status_; }

 private:
  const shadows::Shadow& shadow_;
  const shadows::EstimatorOptions& options_;
  std::map<PauliString, double> cache_;
  absl::Status status_;
};

struct CostEstimate {
  double value = 0.0;
  Interval interval;
};

absl::StatusOr<CostEstimate> EstimateCost(const optimizer::Cost& cost,
                                          const shadows::Shadow& shadow,
                                          const shadows::EstimatorOptions& options) {
  if (const PauliSum* h = cost.observable()) {
    auto e = shadows::EstimateExpectation(shadow, *h, options);
    if (!e.ok()) return e.status();
    return CostEstimate{e->value, Interval{e->low, e->high}};
  }
  ShadowExpectations expect(shadow, options);
  const double value = cost.polynomial()->Value(std::ref(expect));
  if (!expect.status().ok()) return expect.status();
  return CostEstimate{value, Interval::Exact(value)};
}

absl::StatusOr<PauliSum> GradientOperator(const optimizer::Cost& cost,
                                          const shadows::Shadow& state,
                                          const shadows::EstimatorOptions& options) {
  if (const PauliSum* h = cost.observable()) return *h;
  ShadowExpectations expect(state, options);
  PauliSum d = cost.polynomial()->GradientOperator(std::ref(expect));
  if (!expect.status().ok()) return expect.status();
  return d;
}

}  // namespace

absl::Status ValidateShadowEstimatorOptions(const ShadowEstimatorOptions& options) {
  if (options.shots_per_estimate < 2) {
    return absl::InvalidArgumentError("shots_per_iteration: must be >= 2");
  }
  if (options.shots_per_setting < 1 || options.shots_per_setting > options.shots_per_estimate / 2) {
    return absl::InvalidArgumentError(
        "shots_per_setting: must be in [1, shots_per_iteration / 2]");
  }
  return shadows::ValidateEstimatorOptions(options.estimator);
}

ShadowRequest ShadowGradientStateEstimator::Request(uint64_t settings_seed,
                                                    uint64_t shots_seed) const {
  ShadowRequest request;
  request.ensemble = options_.ensemble;
  request.shots = options_.shots_per_estimate / 2;
  request.shots_per_setting = options_.shots_per_setting;
  request.settings_seed = settings_seed;
  request.shots_seed = shots_seed;
  request.min_settings = options_.estimator.groups;
  request.should_stop = options_.should_stop;
  return request;
}

void ShadowGradientStateEstimator::BeginStream(uint64_t stream) {
  stream_ = stream;
  calls_ = 0;
  state_.reset();
}

absl::StatusOr<const shadows::Shadow*> ShadowGradientStateEstimator::StateShadowFor(
    const Circuit& circuit, absl::Span<const double> params, uint64_t call_seed,
    EstimationReport& report) {
  const bool same = state_ && state_->circuit.gates().size() == circuit.gates().size() &&
                    state_->circuit.num_qubits() == circuit.num_qubits() &&
                    std::equal(params.begin(), params.end(), state_->params.begin(),
                               state_->params.end());
  if (same) return &state_->shadow;
  auto shadow = MeasureShadow(*backend_, circuit, circuit.num_qubits(), params,
                              Request(Derive(call_seed, kStateSettings),
                                      Derive(call_seed, kStateShots)),
                              report);
  if (!shadow.ok()) return shadow.status();
  state_ = StateShadow{circuit, {params.begin(), params.end()}, *std::move(shadow)};
  return &state_->shadow;
}

absl::StatusOr<optimizer::GradientStateEstimate> ShadowGradientStateEstimator::Estimate(
    const Circuit& circuit, absl::Span<const double> params, const optimizer::StepSize& step) {
  if (absl::Status s = optimizer::ValidateStepSize(step); !s.ok()) return s;
  if (absl::Status s = cost_.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  const uint64_t call_seed = Derive(Derive(options_.seed, stream_), calls_++);
  const shadows::EstimatorOptions& estimator = options_.estimator;
  optimizer::GradientStateEstimate estimate;
  EstimationReport& report = estimate.report;
  report.confidence = estimator.confidence;

  auto state = StateShadowFor(circuit, params, call_seed, report);
  if (!state.ok()) return state.status();
  auto cost = EstimateCost(cost_, **state, estimator);
  if (!cost.ok()) return cost.status();
  auto d = GradientOperator(cost_, **state, estimator);
  if (!d.ok()) return d.status();
  estimate.cost = cost->value;
  report.cost = cost->interval;
  estimate.gradient_operator = *std::move(d);
  estimate.eta = optimizer::ResolveStep(step, estimate.gradient_operator);
  double shift = 0.0;
  if (step.centered) {
    auto mean = shadows::EstimateExpectation(**state, estimate.gradient_operator, estimator);
    if (!mean.ok()) return mean.status();
    shift = mean->value;
  }

  auto lcu = BuildGradientStateCircuit(circuit, estimate.gradient_operator, estimate.eta, shift);
  if (!lcu.ok()) return lcu.status();
  auto guided = MeasureShadow(*backend_, lcu->circuit, circuit.num_qubits(), params,
                              Request(Derive(call_seed, kGuidedSettings),
                                      Derive(call_seed, kGuidedShots)),
                              report);
  if (!guided.ok()) return guided.status();

  auto psi = simulator_->Prepare(circuit, params);
  if (!psi.ok()) return psi.status();
  auto fidelity = shadows::EstimateFidelity(*guided, psi->amplitudes(), estimator);
  if (!fidelity.ok()) return fidelity.status();
  auto applied = shadows::ApplyShadow(*guided, psi->amplitudes());
  if (!applied.ok()) return applied.status();
  std::complex<double> mean_fidelity = 0.0;
  for (size_t i = 0; i < psi->size(); ++i) mean_fidelity += std::conj(psi->data()[i]) * (*applied)[i];
  estimate.indicator = 1.0 - mean_fidelity.real();
  report.indicator = Interval{1.0 - fidelity->high, 1.0 - fidelity->low};

  auto guided_cost = EstimateCost(cost_, *guided, estimator);
  if (!guided_cost.ok()) return guided_cost.status();
  estimate.guided_cost = guided_cost->value;
  report.guided_cost = guided_cost->interval;
  estimate.target = std::make_unique<ShadowTarget>(*std::move(guided));
  return estimate;
}

}  // namespace qgrad::estimation
