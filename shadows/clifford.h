// n-qubit Clifford unitaries for Clifford shadows: uniform sampling, the gate list a
// device runs, and the stabilizer states U†|b⟩ the estimators need.
//
// A Clifford is stored as the gates that are emitted (h, s, sdg, cx, x, y, z in
// application order) together with its stabilizer tableau, so the suffix and the
// estimator can never disagree.
//
// Thread-safety: immutable after construction; const methods may be called concurrently.
#ifndef QGRAD_SHADOWS_CLIFFORD_H_
#define QGRAD_SHADOWS_CLIFFORD_H_

#include <complex>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "core/pauli.h"

namespace qgrad::shadows {

struct CliffordGate {
  enum class Kind : uint8_t { kH, kS, kSdg, kCx, kX, kY, kZ };
  Kind kind;
  int target;
  int control = -1;  // kCx only
};

// A signed Pauli string: sign · P with sign ±1 (Hermitian).
struct SignedPauli {
  PauliString string;
  bool negative = false;
};

class Clifford {
 public:
  // Uniform over the n-qubit Clifford group modulo global phase (every symplectic matrix
  // and every sign pattern equally likely), drawing from `rng`. REQUIRES: 1 ≤ n ≤ 64.
  static Clifford Random(int num_qubits, std::mt19937_64& rng);
  // From explicit gates (tests). REQUIRES: valid qubits.
  static Clifford FromGates(int num_qubits, std::vector<CliffordGate> gates);

  int num_qubits() const { return num_qubits_; }
  const std::vector<CliffordGate>& gates() const { return gates_; }

  // U† Z_q U, whose sign-flipped products stabilize U†|b⟩.
  const SignedPauli& ZHeisenberg(int qubit) const { return z_heisenberg_[qubit]; }

  // The amplitudes of U†|b⟩ (2^n entries, exact up to a global phase common to all b
  // never needed by the estimators) — test and reference use.
  std::vector<std::complex<double>> StabilizerState(uint64_t outcome) const;
  // ⟨b|U|φ⟩ up to a phase: the overlap of φ (2^n amplitudes) with U†|b⟩, enumerating only
  // the 2^k nonzero amplitudes of the stabilizer state.
  std::complex<double> Overlap(uint64_t outcome, absl::Span<const std::complex<double>> phi) const;
  // out += weight · ⟨s|χ⟩ · |s⟩ for s = U†|b⟩ (the projector part of ρ̂|χ⟩).
  void AddProjection(uint64_t outcome, absl::Span<const std::complex<double>> chi,
                     std::complex<double> weight, absl::Span<std::complex<double>> out) const;
  // ⟨b|U P U†|b⟩ = Tr(P U†|b⟩⟨b|U) ∈ {−1, 0, +1}.
  int PauliValue(uint64_t outcome, const PauliString& pauli) const;

  // The gates as OpenQASM 3 statements on the given operand texts.
  std::string Qasm(absl::Span<const std::string> qubits) const;

 private:
  Clifford(int num_qubits, std::vector<CliffordGate> gates);
  int num_qubits_ = 0;
  std::vector<CliffordGate> gates_;
  std::vector<SignedPauli> z_heisenberg_;
};

}  // namespace qgrad::shadows

#endif  // QGRAD_SHADOWS_CLIFFORD_H_
