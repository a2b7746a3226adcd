// Spec → NestedOptions; see nested_options.h.
//
// Thread-safety: free functions only.
#include "runner/nested_options.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "runner/limits.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

using optimizer::HandBack;
using optimizer::LocalMinimizerOptions;
using optimizer::NestedOptions;
using optimizer::StepSize;

constexpr char kPath[] = "method.nested";

// Upper bounds of the knobs (job.proto): beyond them a knob only makes one iteration longer.
constexpr int kMaxShrinks = 60;  // 0.5^60 ≈ 1e-18: no step is left to shrink
constexpr int kMaxGatesPerLayer = 1000;
constexpr int kMaxTemplateBlocks = 100;
constexpr double kMaxHandBackRatio = 1e3;
constexpr int kMaxRecompressEvery = 100000;

std::string Field(absl::string_view name) { return absl::StrCat(kPath, ".", name); }

absl::Status SetStep(const v1::NestedMethod& spec, StepSize& step) {
  step.centered = spec.centered_step();
  if (spec.step_case() == v1::NestedMethod::STEP_NOT_SET) return absl::OkStatus();
  const bool relative = spec.step_case() == v1::NestedMethod::kRelativeStepSize;
  const double value = relative ? spec.relative_step_size() : spec.step_size();
  absl::Status s = CheckPositive(Field(relative ? "relative_step_size" : "step_size"), value,
                                 kMaxStepSize);
  if (!s.ok()) return s;
  step.mode = relative ? StepSize::Mode::kRelativeOneNorm : StepSize::Mode::kAbsolute;
  step.value = value;
  return absl::OkStatus();
}

absl::Status SetFidelityTarget(const v1::FidelityTargetRule& spec,
                               optimizer::FidelityTargetRule& rule) {
  const std::string& name = spec.rule();
  if (name == "fixed") {
    if (!spec.has_fixed()) return FieldError(Field("fidelity_target.fixed"), "rule fixed needs it");
    if (spec.has_indicator_fraction() || spec.has_floor() || spec.has_ceiling()) {
      return FieldError(Field("fidelity_target"),
                        "indicator_fraction, floor and ceiling belong to rule adaptive");
    }
    rule.mode = optimizer::FidelityTargetRule::Mode::kFixed;
  } else if (!name.empty() && name != "adaptive") {
    return FieldError(Field("fidelity_target.rule"),
                      absl::StrCat("unknown rule '", name, "' (adaptive, fixed)"));
  }
  if (spec.has_fixed()) rule.fixed = spec.fixed();
  if (spec.has_indicator_fraction()) rule.indicator_fraction = spec.indicator_fraction();
  if (spec.has_floor()) rule.floor = spec.floor();
  if (spec.has_ceiling()) rule.ceiling = spec.ceiling();
  return absl::OkStatus();
}

absl::Status SetStepControl(const v1::StepControl& spec, optimizer::StepControl& control) {
  for (absl::Status s : {CheckRangeIfSet(spec.has_max_shrinks(), Field("step_control.max_shrinks"),
                                         spec.max_shrinks(), 0, kMaxShrinks),
                         CheckRealRangeIfSet(spec.has_tolerance(), Field("step_control.tolerance"),
                                             spec.tolerance(), 0, kMaxCoefficient)}) {
    if (!s.ok()) return s;
  }
  if (spec.has_shrink()) control.shrink = spec.shrink();
  if (spec.has_max_shrinks()) control.max_shrinks = spec.max_shrinks();
  if (spec.has_tolerance()) control.tolerance = spec.tolerance();
  return absl::OkStatus();
}

absl::Status SetStopping(const v1::StoppingRules& spec, const v1::Limits& limits,
                         optimizer::StoppingRules& stop) {
  for (absl::Status s :
       {CheckRealRangeIfSet(spec.has_indicator_threshold(), Field("stop.indicator_threshold"),
                            spec.indicator_threshold(), 0, 1),
        CheckRangeIfSet(spec.has_max_iterations(), Field("stop.max_iterations"),
                        spec.max_iterations(), 0, kMaxIterations),
        CheckRangeIfSet(spec.has_max_layers(), Field("stop.max_layers"), spec.max_layers(), 0,
                        kMaxIterations),
        CheckRangeIfSet(spec.has_max_added_two_qubit_gates(),
                        Field("stop.max_added_two_qubit_gates"), spec.max_added_two_qubit_gates(),
                        0, INT32_MAX),
        CheckRangeIfSet(spec.has_max_added_cnot_count(), Field("stop.max_added_cnot_count"),
                        spec.max_added_cnot_count(), 0, INT32_MAX)}) {
    if (!s.ok()) return s;
  }
  if (spec.has_indicator_threshold()) stop.indicator_threshold = spec.indicator_threshold();
  if (spec.has_max_iterations()) stop.max_iterations = spec.max_iterations();
  if (spec.has_max_layers()) stop.max_layers = spec.max_layers();
  if (spec.has_max_added_two_qubit_gates()) {
    stop.max_added_two_qubit_gates = spec.max_added_two_qubit_gates();
  }
  if (spec.has_max_added_cnot_count()) stop.max_added_cnot_count = spec.max_added_cnot_count();
  stop.max_seconds = limits.max_wall_seconds();
  return absl::OkStatus();
}

absl::StatusOr<LocalMinimizerOptions> WarmStartOptions(const v1::WarmStart& spec) {
  LocalMinimizerOptions o;
  const std::string& name = spec.optimizer();
  if (name.empty() || name == "cobyla") {
    o.algorithm = LocalMinimizerOptions::Algorithm::kCobyla;
  } else if (name != "lbfgs") {
    return FieldError(Field("warm_start.optimizer"),
                      absl::StrCat("unknown optimizer '", name, "' (cobyla, lbfgs)"));
  }
  for (absl::Status s :
       {CheckRealRangeIfSet(spec.has_ftol_rel(), Field("warm_start.ftol_rel"), spec.ftol_rel(), 0,
                            1),
        CheckRealRangeIfSet(spec.has_ftol_abs(), Field("warm_start.ftol_abs"), spec.ftol_abs(), 0,
                            kMaxCoefficient),
        CheckRangeIfSet(spec.has_max_evaluations(), Field("warm_start.max_evaluations"),
                        spec.max_evaluations(), 1, optimizer::kMaxMinimizerEvaluations),
        CheckRealRangeIfSet(spec.has_initial_step(), Field("warm_start.initial_step"),
                            spec.initial_step(), optimizer::kMinCobylaStep,
                            optimizer::kMaxCobylaStep)}) {
    if (!s.ok()) return s;
  }
  o.ftol_rel = spec.has_ftol_rel() ? spec.ftol_rel() : 1e-8;
  o.ftol_abs = spec.has_ftol_abs() ? spec.ftol_abs() : 1e-12;
  o.max_evaluations = spec.has_max_evaluations() ? spec.max_evaluations() : 400;
  if (spec.has_initial_step()) o.initial_step = spec.initial_step();
  return o;
}

absl::StatusOr<HandBack> ParseHandBack(const std::string& name) {
  if (name.empty() || name == "never") return HandBack::kNever;
  if (name == "at_end") return HandBack::kAtEnd;
  if (name == "every_iteration") return HandBack::kEveryIteration;
  if (name == "when_favourable") return HandBack::kWhenFavourable;
  return FieldError(Field("hand_back"),
                    absl::StrCat("unknown mode '", name,
                                 "' (never, at_end, every_iteration, when_favourable)"));
}

absl::Status CheckSynthesisBounds(const v1::NestedMethod& spec, int num_qubits) {
  for (absl::Status s :
       {CheckCouplingCount(Field("coupling"), spec.coupling_size(), num_qubits),
        CheckRangeIfSet(spec.has_max_gates_per_layer(), Field("max_gates_per_layer"),
                        spec.max_gates_per_layer(), 1, kMaxGatesPerLayer),
        CheckRangeIfSet(spec.has_max_template_blocks(), Field("max_template_blocks"),
                        spec.max_template_blocks(), 1, kMaxTemplateBlocks),
        CheckRangeIfSet(spec.has_synthesis_max_evaluations(), Field("synthesis_max_evaluations"),
                        spec.synthesis_max_evaluations(), 1, optimizer::kMaxMinimizerEvaluations),
        CheckRealRangeIfSet(spec.has_hand_back_ratio(), Field("hand_back_ratio"),
                            spec.hand_back_ratio(), 0, kMaxHandBackRatio),
        CheckRangeIfSet(true, Field("recompress_every"), spec.recompress_every(), 0,
                        kMaxRecompressEvery),
        CheckRangeIfSet(spec.has_recompress_max_gates(), Field("recompress_max_gates"),
                        spec.recompress_max_gates(), 1, kMaxGatesPerLayer)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SetSynthesis(const v1::NestedMethod& spec, optimizer::SynthesisOptions& s) {
  if (!spec.layer_kind().empty()) {
    absl::StatusOr<optimizer::LayerKind> kind = optimizer::ParseLayerKind(spec.layer_kind());
    if (!kind.ok()) return WithParent(kind.status(), kPath);
    s.kind = *kind;
  }
  if (!spec.pool().empty()) {
    absl::StatusOr<optimizer::PoolKind> pool = optimizer::ParsePoolKind(spec.pool());
    if (!pool.ok()) return WithParent(pool.status(), kPath);
    s.pool = *pool;
  }
  for (const v1::CouplingEdge& e : spec.coupling()) s.coupling.emplace_back(e.a(), e.b());
  if (spec.has_max_gates_per_layer()) s.max_gates = spec.max_gates_per_layer();
  s.qubit_excitations = spec.qubit_excitations();
  if (spec.has_max_template_blocks()) s.max_template_blocks = spec.max_template_blocks();
  if (spec.has_synthesis_max_evaluations()) {
    s.minimizer.max_evaluations = spec.synthesis_max_evaluations();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NestedOptions> ToNestedOptions(const v1::NestedMethod& spec,
                                              const v1::Limits& limits, int num_qubits) {
  NestedOptions o;
  if (absl::Status s = SetStep(spec, o.step); !s.ok()) return s;
  if (absl::Status s = SetFidelityTarget(spec.fidelity_target(), o.fidelity_target); !s.ok()) {
    return s;
  }
  if (absl::Status s = SetStepControl(spec.step_control(), o.step_control); !s.ok()) return s;
  if (absl::Status s = SetStopping(spec.stop(), limits, o.stop); !s.ok()) return s;
  if (absl::Status s = CheckSynthesisBounds(spec, num_qubits); !s.ok()) return s;
  if (absl::Status s = SetSynthesis(spec, o.synthesis); !s.ok()) return s;
  if (spec.has_warm_start()) {
    absl::StatusOr<LocalMinimizerOptions> warm = WarmStartOptions(spec.warm_start());
    if (!warm.ok()) return warm.status();
    o.warm_start = *warm;
  }
  absl::StatusOr<HandBack> hand_back = ParseHandBack(spec.hand_back());
  if (!hand_back.ok()) return hand_back.status();
  o.hand_back = *hand_back;
  o.recompression.every = spec.recompress_every();
  if (spec.has_recompress_max_gates()) {
    o.recompression.max_gates = spec.recompress_max_gates();
  }
  if (spec.has_hand_back_ratio()) o.hand_back_ratio = spec.hand_back_ratio();
  if (absl::Status s = optimizer::ValidateNestedOptions(o, num_qubits); !s.ok()) {
    return WithParent(s, kPath);
  }
  return o;
}

}  // namespace qgrad::runner
