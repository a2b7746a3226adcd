// Gate pools and layer templates for layer synthesis: the Pauli rotations exp(−iθP/2) a
// greedy layer may draw from, the fixed template layer, and the cheap score of every pool
// candidate at θ = 0 (one string at a time, or the whole pool batched by support).
//
// Thread-safety: free functions and values only; PauliMatrixElements runs its own OpenMP
// team and may be called concurrently on different (or the same const) states.
#ifndef QGRAD_OPTIMIZER_POOL_H_
#define QGRAD_OPTIMIZER_POOL_H_

#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backends/statevector/statevector.h"
#include "core/circuit.h"
#include "core/pauli.h"
#include "optimizer/stop.h"

namespace qgrad::optimizer {

using Coupling = std::vector<std::pair<int, int>>;

enum class PoolKind {
  kAllPairs,       // X, Y, Z on every qubit; the 9 two-letter strings on every pair
  kCouplingGraph,  // the same, two-qubit strings only on the coupling graph's edges
};
// "all_pairs" | "coupling_graph"; INVALID_ARGUMENT ("pool: ...") otherwise.
absl::StatusOr<PoolKind> ParsePoolKind(std::string_view name);

// INVALID_ARGUMENT ("coupling_graph: ...") for an out-of-range, repeated or self edge, or an
// empty graph when `required`.
absl::Status ValidateCoupling(const Coupling& coupling, int num_qubits, bool required);

// The pool's Pauli strings (global qubit indices). REQUIRES: validated arguments.
std::vector<PauliString> MakePool(PoolKind kind, int num_qubits, const Coupling& coupling);

// Tang et al.'s qubit-excitation strings: every {X,Y}⁴ string with an odd number of Y on
// every 4 qubits (8·C(n,4) strings). They reach double excitations, which no 1- or 2-qubit
// rotation does to first order (e.g. from a Hartree–Fock state).
std::vector<PauliString> QubitExcitationStrings(int num_qubits);

// One template block with parameters first_param, first_param+1, …: RY then RZ on every
// qubit, then ZZ, YZ and ZY rotations on each coupling edge (on the chain (q, q+1) when
// `coupling` is empty). All angles start at 0, where the block is the identity. Returns
// the parameter count used.
int AppendTemplateBlock(Circuit& layer, int first_param, const Coupling& coupling);

// ⟨w|P|chi⟩ in one pass over the amplitudes. REQUIRES: same qubit count, P fits.
// The reference for PauliMatrixElements.
sv::Amplitude PauliMatrixElement(const sv::StateVector& w, const PauliString& p,
                                 const sv::StateVector& chi);

// ⟨w|P|chi⟩ for every string of `pool`, in pool order (equal to PauliMatrixElement up to
// round-off). Strings of weight 1 and 2 are batched by support: one pass per qubit pair
// (a, b) computes the 4×4 matrix M[x][y] = Σ_rest conj(w[rest, x])·chi[rest, y], from which
// every string on that pair is Σ P_xy M_xy and every string on a or b alone a partial trace
// (an all-pairs pool of n qubits costs n(n−1)/2 passes instead of 9n(n−1)/2 + 3n). Other
// weights keep one PauliMatrixElement pass each.
//
// Pairs on the low 13 qubits are summed in cache-sized blocks, up to 8 pairs per block
// visit. The work units (such a group of pairs, a pair on a higher qubit, or one other
// string) are spread over `threads` OpenMP threads (0 = the OpenMP default, 1 = serial),
// but each value is computed by one thread in a fixed order: the result has the same bits
// for every thread count. `should_stop` is polled on the calling thread before every unit
// it takes (CANCELLED).
// REQUIRES: w and chi on the same qubits, every string fits.
absl::StatusOr<std::vector<sv::Amplitude>> PauliMatrixElements(
    const sv::StateVector& w, const sv::StateVector& chi, absl::Span<const PauliString> pool,
    int threads = 1, const StopCheck& should_stop = nullptr);

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_POOL_H_
