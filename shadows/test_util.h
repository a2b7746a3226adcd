// Test helpers for shadows/ tests (not part of the library): dense-matrix oracles for
// Pauli and Clifford snapshots and seeded simulation of measurement data from exact
// outcome distributions. Everything here is written independently of the estimator
// kernels (explicit Kronecker products). Thread-safety: pure functions.
#ifndef QGRAD_SHADOWS_TEST_UTIL_H_
#define QGRAD_SHADOWS_TEST_UTIL_H_

#include <complex>
#include <cstdint>
#include <random>
#include <vector>

#include "core/pauli.h"
#include "shadows/shadow.h"

namespace qgrad::shadows::testing {

using Vec = std::vector<std::complex<double>>;
// Row-major dim × dim.
struct DenseMatrix {
  int dim = 0;
  Vec a;
  std::complex<double>& at(int r, int c) { return a[static_cast<size_t>(r) * dim + c]; }
  std::complex<double> at(int r, int c) const { return a[static_cast<size_t>(r) * dim + c]; }
};

DenseMatrix Zero(int dim);
DenseMatrix Identity(int dim);
// a ⊗ b (b on the low index bits).
DenseMatrix Kron(const DenseMatrix& a, const DenseMatrix& b);
DenseMatrix Add(const DenseMatrix& a, const DenseMatrix& b, std::complex<double> scale_b = 1.0);
Vec Apply(const DenseMatrix& m, const Vec& v);
std::complex<double> Dot(const Vec& a, const Vec& b);  // ⟨a|b⟩

// The dense Pauli matrix (qubit q = bit q of the index).
DenseMatrix PauliMatrix(const PauliString& p, int n);
DenseMatrix SumMatrix(const PauliSum& sum, int n);
// The basis rotation ⊗_q U_q (H for X, H·S† for Y, I for Z).
DenseMatrix BasisRotation(const PauliString& basis, int n);
// One Pauli snapshot ⊗_q (3 U_q†|b_q⟩⟨b_q|U_q − I).
DenseMatrix PauliSnapshot(const PauliString& basis, uint64_t outcome, int n);
// The mean snapshot of a shadow, from PauliSnapshot or (2^n+1)|s⟩⟨s| − I with
// s = StabilizerState(b).
// With shadow.readout set, each read outcome counts as the prepared outcomes with the
// weights of the inverse confusion matrices (PreparedWeight); with shadow.visibility v < 1
// the result is rescaled to (ρ̂ − (1 − v) I/2^n)/v.
DenseMatrix DenseShadow(const Shadow& shadow);
// Π_q (A_q⁻¹)[prepared_q][read_q], from a general 2×2 inversion; δ when readout is empty.
double PreparedWeight(const std::vector<ReadoutError>& readout, uint64_t prepared, uint64_t read);
// Flips every shot's bits with the readout errors (0 → 1 with p01, 1 → 0 with p10).
void AddReadoutErrors(const std::vector<ReadoutError>& readout, std::mt19937_64& rng,
                      Shadow& shadow);

Vec RandomState(int n, std::mt19937_64& rng);
// An identity term plus `terms` strings of weight 1..max_weight, real coefficients.
PauliSum RandomPauliSum(int n, int terms, std::mt19937_64& rng, int max_weight = 3);
double Uniform(std::mt19937_64& rng);  // [0, 1)

// Measurement data for the settings on state ψ: `shots` samples per setting from the
// exact outcome distribution |⟨b|U|ψ⟩|²; with visibility v < 1, of the depolarized state
// v|ψ⟩⟨ψ| + (1 − v) I/2^n (each shot uniformly random with probability 1 − v).
Shadow SimulateShadow(Ensemble ensemble, const Vec& psi, int n, const std::vector<Setting>& settings,
                      int shots, std::mt19937_64& rng, double visibility = 1.0);

}  // namespace qgrad::shadows::testing

#endif  // QGRAD_SHADOWS_TEST_UTIL_H_
