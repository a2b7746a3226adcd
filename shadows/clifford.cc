// STUB of the Clifford class so that qgrad_shadows links before the real implementation
// (branch h-shadows-clifford) lands; that file replaces this one. Every method returns a
// trivial value (the identity Clifford). Thread-safety: as clifford.h.
#include "shadows/clifford.h"

#include <utility>

namespace qgrad::shadows {

Clifford::Clifford(int num_qubits, std::vector<CliffordGate> gates)
    : num_qubits_(num_qubits), gates_(std::move(gates)) {
  z_heisenberg_.resize(num_qubits);
  for (int q = 0; q < num_qubits; ++q) z_heisenberg_[q].string.set(q, PauliLetter::kZ);
}
Clifford Clifford::Random(int num_qubits, std::mt19937_64& rng) { return Clifford(num_qubits, {}); }
Clifford Clifford::FromGates(int num_qubits, std::vector<CliffordGate> gates) {
  return Clifford(num_qubits, std::move(gates));
}
std::vector<std::complex<double>> Clifford::StabilizerState(uint64_t outcome) const {
  std::vector<std::complex<double>> s(size_t{1} << num_qubits_);
  s[outcome] = 1.0;
  return s;
}
std::complex<double> Clifford::Overlap(uint64_t outcome,
                                       absl::Span<const std::complex<double>> phi) const {
  return phi[outcome];
}
void Clifford::AddProjection(uint64_t outcome, absl::Span<const std::complex<double>> chi,
                             std::complex<double> weight,
                             absl::Span<std::complex<double>> out) const {
  out[outcome] += weight * chi[outcome];
}
int Clifford::PauliValue(uint64_t outcome, const PauliString& pauli) const {
  if (pauli.x != 0) return 0;
  return (__builtin_popcountll(outcome & pauli.z) & 1) ? -1 : 1;
}
std::string Clifford::Qasm(absl::Span<const std::string> qubits) const { return ""; }

}  // namespace qgrad::shadows
