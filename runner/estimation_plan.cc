// The job spec's estimation field (see estimation_plan.h).
//
// Thread-safety: free functions only.
#include "runner/estimation_plan.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"

namespace qgrad::runner {
namespace {

constexpr int64_t kMaxShotsPerIteration = 1'000'000'000;
constexpr char kPath[] = "estimation.shadows";

std::string Field(const char* name) { return absl::StrCat(kPath, ".", name); }

absl::Status CheckMethod(const v1::JobSpec& spec) {
  const v1::Method::KindCase kind = spec.method().kind_case();
  if (kind != v1::Method::kNested && kind != v1::Method::KIND_NOT_SET) {
    return absl::InvalidArgumentError(
        absl::StrCat(kPath, ": only the nested method estimates from measurements"));
  }
  const v1::NestedMethod& nested = spec.method().nested();
  if (nested.has_warm_start()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kPath, ": method.nested.warm_start optimizes the cost classically; remove it"));
  }
  if (!nested.hand_back().empty() && nested.hand_back() != "never") {
    return absl::InvalidArgumentError(absl::StrCat(
        kPath, ": method.nested.hand_back optimizes the cost classically; remove it"));
  }
  return absl::OkStatus();
}

absl::StatusOr<shadows::Ensemble> ParseEnsemble(const std::string& name) {
  if (name.empty() || name == "pauli") return shadows::Ensemble::kPauli;
  if (name == "clifford") return shadows::Ensemble::kClifford;
  return absl::InvalidArgumentError(
      absl::StrCat(Field("ensemble"), ": \"", name, "\" is not \"pauli\" or \"clifford\""));
}

}  // namespace

absl::StatusOr<EstimationPlan> ToEstimationPlan(const v1::JobSpec& spec,
                                                const SpecLimits& limits, int num_qubits) {
  EstimationPlan plan;
  if (!spec.estimation().has_shadows()) return plan;
  if (absl::Status s = CheckMethod(spec); !s.ok()) return s;
  const v1::ShadowEstimation& m = spec.estimation().shadows();
  plan.shadows = true;
  estimation::ShadowEstimatorOptions& o = plan.options;
  auto ensemble = ParseEnsemble(m.ensemble());
  if (!ensemble.ok()) return ensemble.status();
  o.ensemble = *ensemble;
  o.seed = spec.seed();
  if (m.has_shots_per_iteration()) o.shots_per_estimate = m.shots_per_iteration();
  if (absl::Status s = CheckRange(Field("shots_per_iteration"), o.shots_per_estimate, 2,
                                  kMaxShotsPerIteration);
      !s.ok()) {
    return s;
  }
  const int64_t default_per_setting = o.ensemble == shadows::Ensemble::kPauli ? 100 : 10;
  o.shots_per_setting = m.has_shots_per_setting()
                            ? m.shots_per_setting()
                            : std::min(default_per_setting, o.shots_per_estimate / 2);
  if (absl::Status s = CheckRange(Field("shots_per_setting"), o.shots_per_setting, 1,
                                  o.shots_per_estimate / 2);
      !s.ok()) {
    return s;
  }
  if (o.shots_per_setting > limits.max_shots) {
    return absl::ResourceExhaustedError(absl::StrCat(Field("shots_per_setting"), ": ",
                                                     o.shots_per_setting,
                                                     " shots exceed max_shots = ",
                                                     limits.max_shots));
  }
  const int64_t settings = o.shots_per_estimate / 2 / o.shots_per_setting;
  if (settings > kMaxSettings) {
    return absl::ResourceExhaustedError(absl::StrCat(
        Field("shots_per_iteration"), ": ", settings, " programs per shadow exceed ",
        kMaxSettings, "; raise shots_per_setting"));
  }
  if (m.has_total_shots()) {
    if (absl::Status s = CheckRange(Field("total_shots"), m.total_shots(), 0,
                                    std::numeric_limits<int64_t>::max());
        !s.ok()) {
      return s;
    }
    plan.total_shots = m.total_shots();
  }
  if (m.has_confidence()) o.estimator.confidence = m.confidence();
  if (!(o.estimator.confidence > 0.0 && o.estimator.confidence < 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(Field("confidence"), ": must be in (0, 1)"));
  }
  o.estimator.groups = m.has_groups() ? m.groups() : 1;
  if (absl::Status s = CheckRange(Field("groups"), o.estimator.groups, 1, 99); !s.ok()) return s;
  if (o.estimator.groups % 2 == 0) {
    return absl::InvalidArgumentError(absl::StrCat(Field("groups"), ": must be odd"));
  }
  if (o.estimator.groups > settings) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field("groups"), ": ", o.estimator.groups, " groups need at least as many settings (",
        settings, ")"));
  }
  if (!m.backend().empty()) plan.backend = m.backend();
  o.rescale_visibility = m.rescale_visibility();
  if (o.rescale_visibility && settings < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field("rescale_visibility"), ": the purity needs two or more settings; this job has ",
        settings, " (lower shots_per_setting)"));
  }
  if (o.rescale_visibility && o.ensemble == shadows::Ensemble::kClifford &&
      num_qubits > shadows::kMaxCliffordPurityQubits) {
    return absl::InvalidArgumentError(absl::StrCat(
        Field("rescale_visibility"), ": with the clifford ensemble at most ",
        shadows::kMaxCliffordPurityQubits, " qubits; this problem has ", num_qubits));
  }
  if (m.has_readout_mitigation()) {
    const v1::ReadoutMitigation& r = m.readout_mitigation();
    o.mitigate_readout = r.enabled();
    if (r.has_calibration_shots()) o.calibration_shots = r.calibration_shots();
    if (absl::Status s = CheckRange(Field("readout_mitigation.calibration_shots"),
                                    o.calibration_shots, 100, 10'000'000);
        !s.ok()) {
      return s;
    }
    if (o.mitigate_readout && o.calibration_shots > limits.max_shots) {
      return absl::ResourceExhaustedError(
          absl::StrCat(Field("readout_mitigation.calibration_shots"), ": ", o.calibration_shots,
                       " shots exceed max_shots = ", limits.max_shots));
    }
  }
  return plan;
}

}  // namespace qgrad::runner
