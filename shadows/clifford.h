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

  // The amplitudes of U†|b⟩ (2^n entries, exact up to a global phase, which may depend
  // on b and which the estimators never need) — test and reference use. The stabilizer-
  // state methods below need 2^n amplitudes, so they are for n ≲ 30.
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
  void ComputeHeisenberg();  // z_heisenberg_ from gates_
  void ReduceGenerators();   // the reduced_ rows from z_heisenberg_
  // Calls visit(x, p) for every basis state x in the support of U†|b⟩, whose amplitude is
  // 2^{−rank/2} · i^p (p in 0..3), in Gray-code order.
  template <typename Visit>
  void Walk(uint64_t outcome, Visit&& visit) const;

  // The stabilizer generators of U†|0⟩ brought to a reduced form (Gauss–Jordan over the X
  // parts, then over the Z parts of the Z-only rows). Row r is the product of the
  // generators U†Z_qU over the q in `combo`, equal to (−1)^negative · string; for outcome
  // b the row picks up (−1)^{|combo & b|}. Rows 0..rank−1 have independent X parts (with
  // pivot column `pivot`), rows rank..n−1 are Z-only and pivot on distinct Z columns that
  // no other Z-only row contains. Depends only on the gates, so it is computed once.
  struct ReducedRow {
    uint64_t x = 0;
    uint64_t z = 0;
    uint64_t combo = 0;
    bool negative = false;
    int pivot = -1;
  };
  int rank_ = 0;
  std::vector<ReducedRow> reduced_;

  int num_qubits_ = 0;
  std::vector<CliffordGate> gates_;
  std::vector<SignedPauli> z_heisenberg_;
};

}  // namespace qgrad::shadows

#endif  // QGRAD_SHADOWS_CLIFFORD_H_
