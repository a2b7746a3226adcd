// Layer synthesis: a new shallow layer V(θ), the identity at θ = 0, trained so that
// V(θ)|ψ_t⟩ reaches the target (the guided state) with fidelity ≥ a threshold.
//
// Two layer kinds: a fixed template (RY+RZ on every qubit and ZZ/YZ/ZY rotations on the
// coupling edges, repeated block by block), and greedy growth from a gate pool — each round appends
// the pool rotation with the largest |∂F/∂θ| at θ = 0 (started at its one-dimensional
// optimum, which is closed-form for a Pauli rotation) and re-optimizes all the layer's
// angles with L-BFGS on adjoint gradients.
//
// Thread-safety: pure functions of their arguments.
#ifndef QGRAD_OPTIMIZER_SYNTHESIS_H_
#define QGRAD_OPTIMIZER_SYNTHESIS_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "optimizer/local_minimizer.h"
#include "optimizer/pool.h"
#include "optimizer/synthesis_target.h"

namespace qgrad::optimizer {

enum class LayerKind { kGreedyPool, kTemplate };
// "greedy" | "template"; INVALID_ARGUMENT ("layer_kind: ...") otherwise.
absl::StatusOr<LayerKind> ParseLayerKind(std::string_view name);

// L-BFGS with a per-round evaluation budget; a synthesis round stops early at F_th.
inline LocalMinimizerOptions SynthesisMinimizerDefaults() {
  LocalMinimizerOptions options;
  options.max_evaluations = 400;
  return options;
}

struct SynthesisOptions {
  LayerKind kind = LayerKind::kGreedyPool;
  PoolKind pool = PoolKind::kAllPairs;
  Coupling coupling;              // required for kCouplingGraph; the template's edges
  bool qubit_excitations = false; // greedy: add QubitExcitationStrings to the pool
  int max_gates = 20;             // greedy: rotations per layer
  // Greedy: the layer stops growing before a rotation would take its CNOT-equivalents
  // (2(w − 1) per weight-w rotation) to this or above; < 0: no cap.
  int max_cnot_count = -1;
  int max_template_blocks = 3;    // template: blocks per layer
  // A greedy layer stops growing when no candidate has |∂F/∂θ| above this.
  double min_candidate_gradient = 1e-9;
  // Its should_stop is also polled before every greedy round or template block.
  LocalMinimizerOptions minimizer = SynthesisMinimizerDefaults();
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateSynthesisOptions(const SynthesisOptions& options, int num_qubits);

struct SynthesizedLayer {
  Circuit layer;               // on the target's qubits, parameters 0 … params.size()−1
  std::vector<double> params;
  double initial_fidelity = 0.0;  // F with the identity layer
  double fidelity = 0.0;          // F reached
  int evaluations = 0;            // fidelity-gradient evaluations
};

// Trains a layer from `initial` (= U_t|0⟩) towards `target` until F ≥ fidelity_target or
// the layer budget ends. INVALID_ARGUMENT for bad options or mismatched qubit counts.
absl::StatusOr<SynthesizedLayer> SynthesizeLayer(const sv::Simulator& simulator,
                                                 const sv::StateVector& initial,
                                                 const SynthesisTarget& target,
                                                 double fidelity_target,
                                                 const SynthesisOptions& options);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_SYNTHESIS_H_
