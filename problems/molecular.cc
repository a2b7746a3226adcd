// Active spaces and Jordan–Wigner molecular Hamiltonians (see molecular.h).
//
// Thread-safety: free functions and values only.
#include "problems/molecular.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "problems/diagonal.h"
#include "problems/jordan_wigner.h"

namespace qgrad {
namespace {

constexpr double kDropTolerance = 1e-14;
constexpr double kImaginaryTolerance = 1e-12;

absl::Status CheckActiveSpace(const MolecularIntegrals& ints, const ActiveSpace& space) {
  const int n = ints.num_orbitals;
  if (space.frozen_core < 0) {
    return absl::InvalidArgumentError(absl::StrCat("frozen_core=", space.frozen_core, " is negative"));
  }
  if (space.frozen_virtual < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("frozen_virtual=", space.frozen_virtual, " is negative"));
  }
  if (space.frozen_core + space.frozen_virtual >= n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frozen_core=", space.frozen_core, " + frozen_virtual=", space.frozen_virtual,
        " leaves no active orbital of ", n));
  }
  const int active_electrons = ints.num_electrons - 2 * space.frozen_core;
  const int active_orbitals = n - space.frozen_core - space.frozen_virtual;
  if (active_electrons < std::abs(ints.ms2)) {
    return absl::InvalidArgumentError(absl::StrCat("frozen_core=", space.frozen_core, " needs ",
                                                   2 * space.frozen_core, " electrons; NELEC=",
                                                   ints.num_electrons, ", MS2=", ints.ms2));
  }
  if ((active_electrons + std::abs(ints.ms2)) / 2 > active_orbitals) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frozen_virtual=", space.frozen_virtual, ": ", active_electrons,
        " active electrons do not fit ", active_orbitals, " active orbitals"));
  }
  return absl::OkStatus();
}

double FrozenCoreEnergy(const MolecularIntegrals& ints, int k) {
  double e = 0.0;
  for (int c = 0; c < k; ++c) {
    e += 2.0 * ints.h(c, c);
    for (int d = 0; d < k; ++d) e += 2.0 * ints.eri(c, c, d, d) - ints.eri(c, d, d, c);
  }
  return e;
}

// h_pq (p, q active, 0-based in the active space) dressed by the frozen core's mean field.
double DressedOneBody(const MolecularIntegrals& ints, int k, int p, int q) {
  double h = ints.h(p + k, q + k);
  for (int c = 0; c < k; ++c) {
    h += 2.0 * ints.eri(p + k, q + k, c, c) - ints.eri(p + k, c, c, q + k);
  }
  return h;
}

int Qubit(int orbital, int spin) { return 2 * orbital + spin; }

void AppendOneBody(const MolecularIntegrals& ints, std::vector<PauliTerm>& terms) {
  const int n = ints.num_orbitals;
  for (int p = 0; p < n; ++p) {
    for (int q = 0; q < n; ++q) {
      const double h = ints.h(p, q);
      if (h == 0.0) continue;
      for (int s = 0; s < 2; ++s) {
        const LadderOp ops[] = {{Qubit(p, s), true}, {Qubit(q, s), false}};
        AppendJordanWigner(ops, h, terms);
      }
    }
  }
}

void AppendTwoBody(const MolecularIntegrals& ints, std::vector<PauliTerm>& terms) {
  const int n = ints.num_orbitals;
  for (int p = 0; p < n; ++p) {
    for (int q = 0; q < n; ++q) {
      for (int r = 0; r < n; ++r) {
        for (int s = 0; s < n; ++s) {
          const double v = ints.eri(p, q, r, s);
          if (v == 0.0) continue;
          for (int sigma = 0; sigma < 2; ++sigma) {
            for (int tau = 0; tau < 2; ++tau) {
              // a†a† (or aa) on one spin orbital is zero.
              if ((p == r || q == s) && sigma == tau) continue;
              const LadderOp ops[] = {{Qubit(p, sigma), true},
                                      {Qubit(r, tau), true},
                                      {Qubit(s, tau), false},
                                      {Qubit(q, sigma), false}};
              AppendJordanWigner(ops, 0.5 * v, terms);
            }
          }
        }
      }
    }
  }
}

// Rejects imaginary parts that are more than round-off, then makes the coefficients real.
absl::Status MakeReal(PauliSum& h) {
  double largest = 1.0;
  double worst_imag = 0.0;
  for (const PauliTerm& t : h.terms()) {
    largest = std::max(largest, std::abs(t.coeff.real()));
    worst_imag = std::max(worst_imag, std::abs(t.coeff.imag()));
  }
  if (!(worst_imag <= kImaginaryTolerance * largest)) {
    return absl::InternalError(absl::StrCat("Jordan–Wigner Hamiltonian has an imaginary coefficient ",
                                            worst_imag, "; are the integrals real and symmetric?"));
  }
  std::vector<PauliTerm> real_terms;
  real_terms.reserve(h.size());
  for (const PauliTerm& t : h.terms()) real_terms.push_back({Complex(t.coeff.real(), 0.0), t.string});
  h = PauliSum(std::move(real_terms));
  h.Simplify(kDropTolerance);
  return absl::OkStatus();
}

uint64_t HartreeFockState(int num_electrons, int ms2) {
  const int n_alpha = (num_electrons + ms2) / 2;
  const int n_beta = (num_electrons - ms2) / 2;
  uint64_t state = 0;
  for (int p = 0; p < n_alpha; ++p) state |= uint64_t{1} << Qubit(p, 0);
  for (int p = 0; p < n_beta; ++p) state |= uint64_t{1} << Qubit(p, 1);
  return state;
}

}  // namespace

absl::StatusOr<MolecularIntegrals> FreezeOrbitals(const MolecularIntegrals& ints,
                                                  const ActiveSpace& space) {
  if (absl::Status s = CheckActiveSpace(ints, space); !s.ok()) return s;
  const int k = space.frozen_core;
  const int n = ints.num_orbitals - k - space.frozen_virtual;
  MolecularIntegrals out = MolecularIntegrals::Zero(n, ints.num_electrons - 2 * k, ints.ms2);
  out.core_energy = ints.core_energy + FrozenCoreEnergy(ints, k);
  for (int p = 0; p < n; ++p) {
    for (int q = 0; q < n; ++q) {
      out.one_body[p * n + q] = DressedOneBody(ints, k, p, q);
      for (int r = 0; r < n; ++r) {
        for (int s = 0; s < n; ++s) {
          out.two_body[((p * n + q) * n + r) * n + s] = ints.eri(p + k, q + k, r + k, s + k);
        }
      }
    }
  }
  return out;
}

absl::StatusOr<MolecularHamiltonian> BuildMolecularHamiltonian(const MolecularIntegrals& integrals,
                                                               const ActiveSpace& space) {
  absl::StatusOr<MolecularIntegrals> active = FreezeOrbitals(integrals, space);
  if (!active.ok()) return active.status();
  if (2 * active->num_orbitals > kMaxPauliQubits) {
    return absl::ResourceExhaustedError(absl::StrCat(active->num_orbitals, " active orbitals need ",
                                                     2 * active->num_orbitals,
                                                     " qubits; at most 64 are supported"));
  }
  std::vector<PauliTerm> terms = {{Complex(active->core_energy, 0.0), PauliString{}}};
  AppendOneBody(*active, terms);
  AppendTwoBody(*active, terms);
  MolecularHamiltonian result;
  result.hamiltonian = PauliSum(std::move(terms));
  result.hamiltonian.Simplify();
  if (absl::Status s = MakeReal(result.hamiltonian); !s.ok()) return s;
  result.num_qubits = 2 * active->num_orbitals;
  result.num_electrons = active->num_electrons;
  result.ms2 = active->ms2;
  result.constant_energy = active->core_energy;
  result.hartree_fock_state = HartreeFockState(active->num_electrons, active->ms2);
  result.hartree_fock_energy = DiagonalElement(result.hamiltonian, result.hartree_fock_state);
  return result;
}

}  // namespace qgrad

