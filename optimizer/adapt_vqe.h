// ADAPT-VQE baseline, qubit-pool variant (Grimsley et al. 2019; Tang et al. 2021): from a
// reference circuit (Hartree–Fock X gates, |+⟩ for Max-Cut, …) repeatedly append the pool
// rotation exp(−iθP/2) with the largest energy gradient |∂f/∂θ| at θ = 0, then re-optimize
// ALL angles with L-BFGS on adjoint gradients; stop when the largest pool gradient (or the
// pool gradient's norm) falls below a threshold, or on the iteration / gate / wall-clock
// budget.
//
// The pool is the nested optimizer's (pool.h: X, Y, Z on every qubit and the 9 two-letter
// strings on all pairs or on a coupling graph), so both methods draw from the same gates.
// Caveat for molecules: from a canonical Hartree–Fock reference EVERY such gradient is
// zero — a string on ≤ 2 qubits reaches at most singly excited determinants, and
// ⟨HF|H|singles⟩ = 0 (Brillouin's theorem) — so ADAPT stops at once at the HF energy.
// `qubit_excitations` adds Tang et al.'s 4-qubit strings (the Jordan–Wigner strings of
// double excitations with their Z chains dropped: every {X,Y}⁴ string with an odd number
// of Y on every 4 qubits), which reach doubles and make the run take off.
//
// Thread-safety: pure functions of their arguments; the callback runs on the caller's thread.
#ifndef QGRAD_OPTIMIZER_ADAPT_VQE_H_
#define QGRAD_OPTIMIZER_ADAPT_VQE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "core/pauli.h"
#include "optimizer/baseline.h"
#include "optimizer/cost.h"
#include "optimizer/local_minimizer.h"
#include "optimizer/pool.h"

namespace qgrad::optimizer {

struct AdaptOptions {
  PoolKind pool = PoolKind::kAllPairs;
  Coupling coupling;                 // required for kCouplingGraph
  bool qubit_excitations = false;    // also the 4-qubit odd-Y {X,Y}⁴ strings (see above)
  // Converged when the pool gradient measure falls below gradient_threshold: the largest
  // |∂f/∂θ| (kMax) or the 2-norm over the pool (kNorm, Grimsley et al.'s criterion).
  enum class Criterion { kMax, kNorm };
  Criterion criterion = Criterion::kMax;
  double gradient_threshold = 1e-4;
  int max_iterations = 100;          // operators appended at most
  int max_two_qubit_gates = -1;      // < 0: unlimited; stop once exceeded
  int max_cnot_count = -1;           // the same on the CNOT-equivalent count (baseline.h)
  double max_seconds = 0.0;          // <= 0: unlimited
  // Re-optimization of all angles (L-BFGS by default); its should_stop is also polled
  // before every ADAPT iteration and pool string.
  LocalMinimizerOptions minimizer;
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateAdaptOptions(const AdaptOptions& options, int num_qubits);


// ∂f/∂θ at θ = 0 for appending exp(−iθP/2) to ψ, for every P in `pool`, given d_psi = Dψ
// (D = H for an observable): with ψ(θ) = e^{−iθP/2}ψ,
//   ∂⟨ψ(θ)|D|ψ(θ)⟩/∂θ|₀ = (i/2)⟨ψ|[P, D]|ψ⟩ = Im⟨Dψ|P|ψ⟩,
// so one vector Dψ and one pass per pool string give every score. `should_stop` is polled
// before every string (CANCELLED).
absl::StatusOr<std::vector<double>> PoolGradients(const sv::StateVector& psi,
                                                  const sv::StateVector& d_psi,
                                                  absl::Span<const PauliString> pool,
                                                  const StopCheck& should_stop = nullptr);

// Runs ADAPT-VQE from `reference` at `params` (its own parameters, if any, are re-optimized
// together with the appended angles; new angles start at 0). One event per appended operator,
// each followed by a checkpoint (baseline.h).
absl::StatusOr<BaselineResult> RunAdaptVqe(
    const sv::Simulator& simulator, const Cost& cost, Circuit reference,
    std::vector<double> params, const AdaptOptions& options,
    const BaselineCallback& callback = nullptr,
    const BaselineCheckpointCallback& on_checkpoint = nullptr);

// Continues a run from one of its checkpoints with the same options; the result equals the
// uninterrupted run's except for elapsed times.
absl::StatusOr<BaselineResult> ResumeAdaptVqe(
    const sv::Simulator& simulator, const Cost& cost, BaselineResult checkpoint,
    const AdaptOptions& options, const BaselineCallback& callback = nullptr,
    const BaselineCheckpointCallback& on_checkpoint = nullptr);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_ADAPT_VQE_H_
