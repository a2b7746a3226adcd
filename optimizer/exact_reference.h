// The exact reference ground value of a Hamiltonian: the lowest eigenvalue (and optionally
// its eigenvector) by restarted Lanczos with full reorthogonalization, H applied as a Pauli
// sum on state vectors; a diagonal H (only I/Z strings) is minimized over basis states
// directly (its diagonal is the Walsh–Hadamard transform of the Z-string coefficients).
//
// Symmetry sectors: Lanczos only explores the Krylov space of its start vector, so a start
// inside a symmetry sector (e.g. the Hartree–Fock determinant, which fixes particle number
// and S_z) finds the lowest state of THAT sector — what chemistry wants, since the global
// minimum of a Jordan–Wigner Hamiltonian may have another electron count. `sector` also
// projects every Krylov vector onto the sector, so round-off cannot leak into lower
// states of other sectors over many restarts. The sector must be one H preserves (H commutes
// with its projector P); otherwise the result is the lowest eigenvalue of PHP.
//
// Thread-safety: pure functions of their arguments.
#ifndef QGRAD_OPTIMIZER_EXACT_REFERENCE_H_
#define QGRAD_OPTIMIZER_EXACT_REFERENCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"
#include "core/pauli.h"
#include "optimizer/stop.h"

namespace qgrad::optimizer {

// Basis states b with popcount(b & mask) == weight.
struct SectorConstraint {
  uint64_t mask = 0;
  int weight = 0;
};
// The (N_α, N_β) sector of a determinant in the interleaved-spin ordering of
// problems/molecular.h (even qubits α, odd qubits β).
std::vector<SectorConstraint> SpinOrbitalSector(uint64_t determinant, int num_qubits);

struct ExactReferenceOptions {
  int max_qubits = 24;
  // Lanczos vectors kept per restart cycle; reduced so that they fit in max_bytes.
  int krylov_dimension = 40;
  int64_t max_bytes = int64_t{4} << 30;
  int max_restarts = 100;
  // Converged when ‖Hx − λx‖ ≤ residual_tolerance · max(1, |λ|); the eigenvalue error is
  // then about residual²/gap.
  double residual_tolerance = 1e-10;
  // Start: this basis state when set (e.g. Hartree–Fock), else a seeded Gaussian vector
  // (projected onto `sector`).
  std::optional<uint64_t> start_basis_state;
  uint64_t seed = 1;
  std::vector<SectorConstraint> sector;  // empty: the whole space
  bool want_state = false;
  // Polled before every matrix-vector product; when it fires the call returns CANCELLED.
  StopCheck should_stop = nullptr;
};
// INVALID_ARGUMENT naming the field.
absl::Status ValidateExactReferenceOptions(const ExactReferenceOptions& options,
                                           int num_qubits);

struct ExactReference {
  double energy = 0.0;
  std::optional<sv::StateVector> state;  // want_state only
  double residual = 0.0;          // ‖Hx − λx‖ of the returned pair (0 for the diagonal path)
  int matrix_vector_products = 0;
  int restarts = 0;
  bool diagonal = false;          // found by the diagonal shortcut
  uint64_t basis_state = 0;       // diagonal shortcut: the minimizing basis state
  bool converged = false;         // residual tolerance met (always true when diagonal)
};

// Lowest eigenvalue of `hamiltonian` on `num_qubits` qubits (within `options.sector`, or the
// start's Krylov space). INVALID_ARGUMENT for a non-Hermitian or too-wide H, bad options or
// an empty sector / a start outside it; RESOURCE_EXHAUSTED above max_qubits or when fewer
// than 3 Lanczos vectors fit in max_bytes / memory; CANCELLED when should_stop fired. Not
// converging within max_restarts is reported in `converged`, not as an error.
absl::StatusOr<ExactReference> ExactGroundEnergy(const PauliSum& hamiltonian, int num_qubits,
                                                 const ExactReferenceOptions& options = {});

}  // namespace qgrad::optimizer

#endif  // QGRAD_OPTIMIZER_EXACT_REFERENCE_H_
