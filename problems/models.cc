// Built-in model Hamiltonians (see models.h).
//
// Thread-safety: free functions and values only.
#include "problems/models.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad {
namespace {

absl::Status CheckQubits(int n, int min) {
  if (n < min || n > kMaxPauliQubits) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_qubits=", n, " out of range [", min, ", ", kMaxPauliQubits, "]"));
  }
  return absl::OkStatus();
}

std::vector<std::pair<int, int>> ChainBonds(int n, bool periodic) {
  std::vector<std::pair<int, int>> bonds;
  for (int i = 0; i + 1 < n; ++i) bonds.push_back({i, i + 1});
  if (periodic && n >= 3) bonds.push_back({n - 1, 0});
  return bonds;
}

uint64_t Bit(int q) { return uint64_t{1} << q; }

// c · P_a P_b with the same letter on both sites (x, z masks of one site's letter).
void AddPair(PauliSum& h, double c, std::pair<int, int> bond, bool x, bool z) {
  const uint64_t mask = Bit(bond.first) | Bit(bond.second);
  h.AddTerm(c, PauliString{x ? mask : 0, z ? mask : 0});
}

PauliSum Constant(double c) { return PauliSum({{Complex(c, 0.0), PauliString{}}}); }

}  // namespace

absl::StatusOr<PauliSum> TransverseFieldIsing(int n, double j, double h, bool periodic) {
  if (absl::Status s = CheckQubits(n, 1); !s.ok()) return s;
  PauliSum op;
  for (auto bond : ChainBonds(n, periodic)) AddPair(op, -j, bond, false, true);
  for (int i = 0; i < n; ++i) op.AddTerm(-h, PauliString{Bit(i), 0});
  op.Simplify();
  return op;
}

absl::StatusOr<PauliSum> HeisenbergXxz(int n, const XxzCouplings& c, bool periodic) {
  if (absl::Status s = CheckQubits(n, 1); !s.ok()) return s;
  PauliSum op;
  for (auto bond : ChainBonds(n, periodic)) {
    AddPair(op, c.jx, bond, true, false);
    AddPair(op, c.jy, bond, true, true);  // (x, z) = (1, 1) is the letter Y
    AddPair(op, c.jz, bond, false, true);
  }
  for (int i = 0; i < n; ++i) op.AddTerm(c.field, PauliString{0, Bit(i)});
  op.Simplify();
  return op;
}

absl::StatusOr<PauliSum> LocalZCost(int n) {
  if (absl::Status s = CheckQubits(n, 1); !s.ok()) return s;
  PauliSum op = Constant(0.5);
  op.AddTerm(-0.5, PauliString{0, Bit(0)});
  op.Simplify();
  return op;
}

absl::StatusOr<PauliSum> GlobalZCost(int n) {
  if (absl::Status s = CheckQubits(n, 1); !s.ok()) return s;
  PauliSum op = Constant(0.5);
  op.AddTerm(-0.5, PauliString{0, n == 64 ? ~uint64_t{0} : Bit(n) - 1});
  op.Simplify();
  return op;
}

absl::StatusOr<RingEnergyCost> RingEnergy(int n) {
  if (absl::Status s = CheckQubits(n, 2); !s.ok()) return s;
  const std::vector<std::pair<int, int>> bonds = ChainBonds(n, /*periodic=*/true);
  RingEnergyCost r;
  for (auto bond : bonds) AddPair(r.hamiltonian, -0.5, bond, false, true);
  r.hamiltonian.Simplify();
  const double b = static_cast<double>(bonds.size());
  r.e0 = -0.5 * b;
  r.emax = (n % 2 == 0 || n == 2) ? 0.5 * b : 0.5 * (n - 2);
  const double scale = 1.0 / (r.emax - r.e0);
  r.cost = (r.hamiltonian - Constant(r.e0)) * Complex(scale, 0.0);
  return r;
}

}  // namespace qgrad
