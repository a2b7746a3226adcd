// Layer synthesis (see synthesis.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/synthesis.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/statevector/parallel.h"

namespace qgrad::optimizer {
namespace {

absl::StatusOr<double> Overlap(const sv::StateVector& chi, const SynthesisTarget& target) {
  auto applied = target.Apply(chi);
  if (!applied.ok()) return applied.status();
  return sv::InnerProduct(chi, *applied).real();
}

// Maximizes F over all the layer's angles, starting from layer->params. `at_start`, when
// given, is F and ∂F/∂θ already computed at layer->params: L-BFGS's first evaluation is
// that point, so it is answered from there instead of rerunning the layer forward and
// backward (the same bits; not counted again in layer->evaluations).
absl::Status Reoptimize(const sv::Simulator& simulator, const sv::StateVector& initial,
                        const SynthesisTarget& target, double fidelity_target,
                        const SynthesisOptions& options, SynthesizedLayer* layer,
                        const sv::ValueAndGradient* at_start = nullptr) {
  const std::vector<double> start = layer->params;
  bool reused = false;
  Objective negative_fidelity = [&](absl::Span<const double> x,
                                    absl::Span<double> gradient) -> absl::StatusOr<double> {
    if (at_start != nullptr && !reused && std::equal(x.begin(), x.end(), start.begin(),
                                                     start.end())) {
      reused = true;
      for (size_t i = 0; i < gradient.size(); ++i) gradient[i] = -at_start->gradient[i];
      return -at_start->value;
    }
    auto f = target.Fidelity(simulator, layer->layer, x, initial);
    if (!f.ok()) return f.status();
    for (size_t i = 0; i < gradient.size(); ++i) gradient[i] = -f->gradient[i];
    return -f->value;
  };
  LocalMinimizerOptions minimizer = options.minimizer;
  minimizer.stop_value = -fidelity_target;
  auto best = Minimize(negative_fidelity, layer->params, minimizer);
  if (!best.ok()) return best.status();
  layer->evaluations += best->evaluations - (reused ? 1 : 0);
  if (-best->value >= layer->fidelity) {
    layer->params = std::move(best->x);
    layer->fidelity = -best->value;
  }
  return absl::OkStatus();
}

absl::StatusOr<sv::StateVector> LayerState(const sv::Simulator& simulator,
                                           const sv::StateVector& initial,
                                           const SynthesizedLayer& layer) {
  sv::StateVector chi = initial.Copy();
  if (absl::Status s = simulator.Run(layer.layer, layer.params, chi); !s.ok()) return s;
  return chi;
}

// The angle maximizing F(θ) = (a+b)/2 + (a−b)/2·cos θ + m·sin θ for appending exp(−iθP/2)
// to chi, where a = F(0), b = ⟨Pχ|ρ|Pχ⟩ and m = ∂F/∂θ at 0.
absl::StatusOr<double> BestRotationAngle(const sv::StateVector& chi, const PauliString& p,
                                         double a, double m, const SynthesisTarget& target) {
  sv::StateVector pchi = chi.Copy();
  sv::ApplyPauliSum(PauliSum({PauliTerm{1.0, p}}), chi, pchi);
  const absl::StatusOr<double> b = Overlap(pchi, target);
  if (!b.ok()) return b.status();
  return std::atan2(m, 0.5 * (a - *b));
}

struct Candidate {
  size_t index = 0;
  double gradient = 0.0;  // ∂F/∂θ at 0
};

// The pool string with the largest |∂F/∂θ| at 0, m = Im⟨w|P|χ⟩ with w = ρχ; the first
// index wins a tie. All m come from one batched PauliMatrixElements call (one state pass per
// qubit pair, tens of thousands of passes with qubit excitations), which polls the stop
// check per pair or string.
absl::StatusOr<Candidate> BestCandidate(const sv::StateVector& w, const sv::StateVector& chi,
                                        const std::vector<PauliString>& pool, int threads,
                                        const StopCheck& should_stop) {
  auto elements = PauliMatrixElements(w, chi, pool, threads, should_stop);
  if (!elements.ok()) return elements.status();
  Candidate best;
  for (size_t i = 0; i < pool.size(); ++i) {
    const double m = (*elements)[i].imag();
    if (std::abs(m) > std::abs(best.gradient)) best = {i, m};
  }
  return best;
}

absl::Status GrowGreedy(const sv::Simulator& simulator, const sv::StateVector& initial,
                        const SynthesisTarget& target, double fidelity_target,
                        const SynthesisOptions& options, SynthesizedLayer* layer) {
  const int n = initial.num_qubits();
  std::vector<PauliString> pool = MakePool(options.pool, n, options.coupling);
  if (options.qubit_excitations) {
    for (const PauliString& p : QubitExcitationStrings(n)) pool.push_back(p);
  }
  // The simulator's thread setting and small-state threshold apply to the scoring too.
  const int threads = sv::ThreadsFor(n, simulator.options().threads,
                                     simulator.options().parallel_min_qubits);
  sv::StateVector chi = initial.Copy();
  int cnots = 0;  // the layer's CNOT-equivalents (a weight-w rotation costs 2(w − 1))
  while (layer->fidelity < fidelity_target && int(layer->params.size()) < options.max_gates) {
    if (StopRequested(options.minimizer.should_stop)) return StoppedError();
    auto applied = target.Apply(chi);
    if (!applied.ok()) return applied.status();
    auto best = BestCandidate(*applied, chi, pool, threads, options.minimizer.should_stop);
    if (!best.ok()) return best.status();
    if (std::abs(best->gradient) <= options.min_candidate_gradient) break;
    const PauliString& p = pool[best->index];
    const int gate_cnots = 2 * std::max(p.weight() - 1, 0);
    if (options.max_cnot_count >= 0 && cnots + gate_cnots >= options.max_cnot_count) break;
    cnots += gate_cnots;
    const absl::StatusOr<double> angle =
        BestRotationAngle(chi, p, layer->fidelity, best->gradient, target);
    if (!angle.ok()) return angle.status();
    const int index = int(layer->params.size());
    if (absl::Status s = layer->layer.AddPauliRotation(p, Angle::Param(index)); !s.ok()) {
      return s;
    }
    layer->params.push_back(*angle);
    auto f = target.Fidelity(simulator, layer->layer, layer->params, initial);
    if (!f.ok()) return f.status();
    layer->fidelity = f->value;
    ++layer->evaluations;
    if (layer->fidelity < fidelity_target) {
      if (absl::Status s =
              Reoptimize(simulator, initial, target, fidelity_target, options, layer, &*f);
          !s.ok()) {
        return s;
      }
    }
    auto next = LayerState(simulator, initial, *layer);
    if (!next.ok()) return next.status();
    chi = std::move(*next);
  }
  return absl::OkStatus();
}

absl::Status GrowTemplate(const sv::Simulator& simulator, const sv::StateVector& initial,
                          const SynthesisTarget& target, double fidelity_target,
                          const SynthesisOptions& options, SynthesizedLayer* layer) {
  for (int block = 0;
       block < options.max_template_blocks && layer->fidelity < fidelity_target; ++block) {
    if (StopRequested(options.minimizer.should_stop)) return StoppedError();
    const int added =
        AppendTemplateBlock(layer->layer, int(layer->params.size()), options.coupling);
    layer->params.resize(layer->params.size() + added, 0.0);
    if (absl::Status s = Reoptimize(simulator, initial, target, fidelity_target, options, layer);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LayerKind> ParseLayerKind(std::string_view name) {
  if (name == "greedy") return LayerKind::kGreedyPool;
  if (name == "template") return LayerKind::kTemplate;
  return absl::InvalidArgumentError(
      absl::StrCat("layer_kind: unknown layer kind \"", std::string(name),
                   "\" (greedy | template)"));
}

absl::Status ValidateSynthesisOptions(const SynthesisOptions& options, int num_qubits) {
  if (options.kind != LayerKind::kGreedyPool && options.kind != LayerKind::kTemplate) {
    return absl::InvalidArgumentError("layer_kind: unknown layer kind");
  }
  if (options.pool != PoolKind::kAllPairs && options.pool != PoolKind::kCouplingGraph) {
    return absl::InvalidArgumentError("pool: unknown gate pool");
  }
  const bool needs_coupling =
      options.kind == LayerKind::kGreedyPool && options.pool == PoolKind::kCouplingGraph;
  if (absl::Status s = ValidateCoupling(options.coupling, num_qubits, needs_coupling); !s.ok()) {
    return s;
  }
  if (options.kind == LayerKind::kGreedyPool && options.max_gates < 1) {
    return absl::InvalidArgumentError("max_gates: must be >= 1");
  }
  if (options.kind == LayerKind::kTemplate && options.max_template_blocks < 1) {
    return absl::InvalidArgumentError("max_template_blocks: must be >= 1");
  }
  return ValidateLocalMinimizerOptions(options.minimizer, "minimizer");
}

absl::StatusOr<SynthesizedLayer> SynthesizeLayer(const sv::Simulator& simulator,
                                                 const sv::StateVector& initial,
                                                 const SynthesisTarget& target,
                                                 double fidelity_target,
                                                 const SynthesisOptions& options) {
  const int n = initial.num_qubits();
  if (target.num_qubits() != n) {
    return absl::InvalidArgumentError(absl::StrCat("num_qubits: the target has ",
                                                   target.num_qubits(),
                                                   " qubits, the current state ", n));
  }
  if (absl::Status s = ValidateSynthesisOptions(options, n); !s.ok()) return s;
  SynthesizedLayer layer{Circuit(n), {}, 0.0, 0.0, 0};
  const absl::StatusOr<double> initial_fidelity = Overlap(initial, target);
  if (!initial_fidelity.ok()) return initial_fidelity.status();
  layer.initial_fidelity = layer.fidelity = *initial_fidelity;
  absl::Status grown =
      options.kind == LayerKind::kTemplate
          ? GrowTemplate(simulator, initial, target, fidelity_target, options, &layer)
          : GrowGreedy(simulator, initial, target, fidelity_target, options, &layer);
  if (!grown.ok()) return grown;
  return layer;
}

}  // namespace qgrad::optimizer
