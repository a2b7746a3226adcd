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
#include "absl/strings/str_format.h"
#include "base/seed_mix.h"
#include "problems/polynomial.h"
#include "estimation/gradient_state_circuit.h"
#include "estimation/readout_calibration.h"
#include "estimation/shadow_measurement.h"
#include "estimation/shadow_target.h"

namespace qgrad::estimation {
namespace {

using base::DeriveSeed;
using optimizer::EstimationReport;
using optimizer::Interval;

// Parts of one call's randomness.
enum Part : uint64_t { kStateSettings = 1, kStateShots, kGuidedSettings, kGuidedShots };
// The calibration's seed: a stream of its own, beyond every iteration's.
constexpr uint64_t kCalibrationStream = ~uint64_t{0};
// A floor for the estimated visibility: below it the state is nearly all noise, and
// dividing by a v near 0 would turn shot noise into estimates far outside [−1, 1].
constexpr double kMinVisibility = 0.1;

// ⟨P⟩ for every string of `strings` from derandomized-settings data, estimated once.
class MatchedExpectations {
 public:
  static absl::StatusOr<MatchedExpectations> Measure(const shadows::Shadow& shadow,
                                                     const PauliSum& strings,
                                                     const shadows::EstimatorOptions& options) {
    std::vector<PauliString> list;
    for (const PauliTerm& t : strings.terms()) list.push_back(t.string);
    auto estimates = shadows::EstimateMatchedPauliExpectations(shadow, list, options);
    if (!estimates.ok()) return estimates.status();
    MatchedExpectations out;
    for (size_t k = 0; k < list.size(); ++k) out.estimates_.emplace(list[k], (*estimates)[k]);
    return out;
  }
  // The identity is exact; a string outside the measured set counts 0 with [−1, 1].
  shadows::Estimate Get(const PauliString& p) const {
    if (p.is_identity()) return shadows::Estimate{1.0, 0.0, 1.0, 1.0, 0.0, 0};
    auto it = estimates_.find(p);
    return it != estimates_.end() ? it->second : shadows::Estimate{0.0, 0.0, -1.0, 1.0, 0.0, 0};
  }
  double operator()(const PauliString& p) const { return Get(p).value; }

 private:
  std::map<PauliString, shadows::Estimate> estimates_;
};

struct CostEstimate {
  double value = 0.0;
  Interval interval;
};

// Σ c_j ⟨P_j⟩ with the interval Σ |c_j| · (half-width of ⟨P_j⟩): conservative, because the
// terms measured in the same settings are correlated in ways the per-term intervals do not
// show.
CostEstimate SumOfMatched(const PauliSum& sum, const MatchedExpectations& expect) {
  CostEstimate out;
  double half = 0.0;
  for (const PauliTerm& t : sum.terms()) {
    const shadows::Estimate e = expect.Get(t.string);
    out.value += t.coeff.real() * e.value;
    half += std::abs(t.coeff.real()) * 0.5 * (e.high - e.low);
  }
  out.interval = Interval{out.value - half, out.value + half};
  return out;
}

CostEstimate StateCost(const optimizer::Cost& cost, const MatchedExpectations& expect) {
  if (const PauliSum* h = cost.observable()) return SumOfMatched(*h, expect);
  const double value = cost.polynomial()->Value(std::cref(expect));
  return CostEstimate{value, Interval::Exact(value)};
}

PauliSum GradientOperator(const optimizer::Cost& cost, const MatchedExpectations& expect) {
  if (const PauliSum* h = cost.observable()) return *h;
  return cost.polynomial()->GradientOperator(std::cref(expect));
}

// f of the guided state from its shadow (random settings: the ensemble's own estimators).
absl::StatusOr<CostEstimate> GuidedCost(const optimizer::Cost& cost,
                                        const shadows::Shadow& shadow,
                                        const shadows::EstimatorOptions& options) {
  if (const PauliSum* h = cost.observable()) {
    auto e = shadows::EstimateExpectation(shadow, *h, options);
    if (!e.ok()) return e.status();
    return CostEstimate{e->value, Interval{e->low, e->high}};
  }
  std::map<PauliString, double> cache;
  absl::Status status;
  const double value = cost.polynomial()->Value([&](const PauliString& p) {
    if (p.is_identity()) return 1.0;
    auto it = cache.find(p);
    if (it != cache.end()) return it->second;
    auto e = shadows::EstimatePauliExpectations(shadow, {&p, 1}, options);
    if (!e.ok() && status.ok()) status = e.status();
    return cache.emplace(p, e.ok() ? (*e)[0].value : 0.0).first->second;
  });
  if (!status.ok()) return status;
  return CostEstimate{value, Interval::Exact(value)};
}

}  // namespace

// The Pauli strings the cost needs from ψ_t — H's terms (degree 1) or the factors of A's
// terms (degree ≥ 2, where they also make up D) — weighted by |coefficient| for the
// derandomized settings that measure them.
PauliSum CostStrings(const optimizer::Cost& cost) {
  PauliSum strings;
  if (const PauliSum* h = cost.observable()) {
    for (const PauliTerm& t : h->terms()) {
      if (!t.string.is_identity()) strings.AddTerm(std::abs(t.coeff), t.string);
    }
  } else {
    for (const PolynomialCost::Term& t : cost.polynomial()->terms()) {
      for (const PauliString& f : t.factors) {
        if (!f.is_identity()) strings.AddTerm(std::abs(t.coeff), f);
      }
    }
  }
  strings.Simplify();
  return strings;
}

absl::Status ValidateShadowEstimatorOptions(const ShadowEstimatorOptions& options) {
  if (options.shots_per_estimate < 2) {
    return absl::InvalidArgumentError("shots_per_iteration: must be >= 2");
  }
  if (options.shots_per_setting < 1 || options.shots_per_setting > options.shots_per_estimate / 2) {
    return absl::InvalidArgumentError(
        "shots_per_setting: must be in [1, shots_per_iteration / 2]");
  }
  if (options.mitigate_readout && options.calibration_shots < 1) {
    return absl::InvalidArgumentError("calibration_shots: must be >= 1");
  }
  if (options.rescale_visibility && options.shots_per_estimate / 2 / options.shots_per_setting < 2) {
    return absl::InvalidArgumentError("rescale_visibility: needs two or more settings");
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
  request.idempotency_key = BatchKey(shots_seed);
  return request;
}

std::string ShadowGradientStateEstimator::BatchKey(uint64_t batch_seed) const {
  if (options_.job_key.empty()) return "";
  return absl::StrFormat("%s/%016x", options_.job_key, batch_seed);
}

absl::Status ShadowGradientStateEstimator::CalibrateOnce(int num_qubits,
                                                         EstimationReport& report) {
  if (!options_.mitigate_readout || readout_.has_value()) return absl::OkStatus();
  CalibrationRequest request;
  request.num_qubits = num_qubits;
  request.shots = options_.calibration_shots;
  request.seed = DeriveSeed(options_.seed, kCalibrationStream);
  request.idempotency_key = BatchKey(request.seed);
  request.should_stop = options_.should_stop;
  EstimationReport calibration;
  auto readout = CalibrateReadout(*backend_, request, calibration);
  if (!readout.ok()) return readout.status();
  if (stream_ == 0) {
    report.circuits += calibration.circuits;
    report.shots += calibration.shots;
  }
  readout_ = *std::move(readout);
  return absl::OkStatus();
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
  if (state_settings_.empty()) {
    const int64_t count = std::max<int64_t>(
        1, options_.shots_per_estimate / 2 / options_.shots_per_setting);
    auto settings =
        shadows::DerandomizedPauliSettings(cost_strings_, circuit.num_qubits(), int(count));
    if (!settings.ok()) return settings.status();
    state_settings_ = *std::move(settings);
  }
  ShadowRequest request =
      Request(DeriveSeed(call_seed, kStateSettings), DeriveSeed(call_seed, kStateShots));
  request.ensemble = shadows::Ensemble::kPauli;
  request.settings = state_settings_;
  request.min_settings = 1;
  auto shadow = MeasureShadow(*backend_, circuit, circuit.num_qubits(), params, request, report);
  if (!shadow.ok()) return shadow.status();
  if (readout_) shadow->readout = *readout_;
  state_ = StateShadow{circuit, {params.begin(), params.end()}, *std::move(shadow)};
  return &state_->shadow;
}

absl::Status ShadowGradientStateEstimator::RescaleVisibility(shadows::Shadow& guided,
                                                             EstimationReport& report) const {
  auto purity = shadows::EstimatePurity(guided, options_.estimator);
  if (!purity.ok()) return purity.status();
  const int n = guided.num_qubits;
  const auto visibility = [n](double p) {
    return std::max(shadows::VisibilityFromPurity(p, n), kMinVisibility);
  };
  guided.visibility = visibility(purity->value);
  report.visibility = guided.visibility;
  report.visibility_interval = Interval{visibility(purity->low), visibility(purity->high)};
  return absl::OkStatus();
}

absl::StatusOr<optimizer::GradientStateEstimate> ShadowGradientStateEstimator::Estimate(
    const Circuit& circuit, absl::Span<const double> params, const optimizer::StepSize& step) {
  if (absl::Status s = optimizer::ValidateStepSize(step); !s.ok()) return s;
  if (absl::Status s = cost_.CheckQubits(circuit.num_qubits()); !s.ok()) return s;
  const uint64_t call_seed = DeriveSeed(DeriveSeed(options_.seed, stream_), calls_++);
  const shadows::EstimatorOptions& estimator = options_.estimator;
  optimizer::GradientStateEstimate estimate;
  EstimationReport& report = estimate.report;
  report.confidence = estimator.confidence;
  if (absl::Status s = CalibrateOnce(circuit.num_qubits(), report); !s.ok()) return s;

  auto state = StateShadowFor(circuit, params, call_seed, report);
  if (!state.ok()) return state.status();
  auto expect = MatchedExpectations::Measure(**state, cost_strings_, estimator);
  if (!expect.ok()) return expect.status();
  const CostEstimate cost = StateCost(cost_, *expect);
  estimate.cost = cost.value;
  report.cost = cost.interval;
  estimate.gradient_operator = GradientOperator(cost_, *expect);
  estimate.eta = optimizer::ResolveStep(step, estimate.gradient_operator);
  const double shift =
      step.centered ? SumOfMatched(estimate.gradient_operator, *expect).value : 0.0;

  auto lcu = BuildGradientStateCircuit(circuit, estimate.gradient_operator, estimate.eta, shift);
  if (!lcu.ok()) return lcu.status();
  auto guided = MeasureShadow(*backend_, lcu->circuit, circuit.num_qubits(), params,
                              Request(DeriveSeed(call_seed, kGuidedSettings),
                                      DeriveSeed(call_seed, kGuidedShots)),
                              report);
  if (!guided.ok()) return guided.status();
  if (readout_) guided->readout = *readout_;
  if (options_.rescale_visibility) {
    if (absl::Status s = RescaleVisibility(*guided, report); !s.ok()) return s;
  }

  auto psi = simulator_->Prepare(circuit, params);
  if (!psi.ok()) return psi.status();
  auto fidelity = shadows::EstimateFidelity(*guided, psi->amplitudes(), estimator);
  if (!fidelity.ok()) return fidelity.status();
  auto applied = shadows::ApplyShadow(*guided, psi->amplitudes());
  if (!applied.ok()) return applied.status();
  std::complex<double> mean_fidelity = 0.0;
  for (size_t i = 0; i < psi->size(); ++i) {
    mean_fidelity += std::conj(psi->data()[i]) * (*applied)[i];
  }
  estimate.indicator = 1.0 - mean_fidelity.real();
  report.indicator = Interval{1.0 - fidelity->high, 1.0 - fidelity->low};

  auto guided_cost = GuidedCost(cost_, *guided, estimator);
  if (!guided_cost.ok()) return guided_cost.status();
  estimate.guided_cost = guided_cost->value;
  report.guided_cost = guided_cost->interval;
  estimate.target = std::make_unique<ShadowTarget>(*std::move(guided));
  return estimate;
}

}  // namespace qgrad::estimation
