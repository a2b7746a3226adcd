// FCIDUMP reader: molecular integrals in the Knowles–Handy format (as written by psi4,
// PySCF and Molpro) for restricted, real orbitals.
//
// Accepted header: a namelist `&FCI NORB=…, NELEC=…, MS2=…, ORBSYM=…, ISYM=…, /` (or
// closed by `&END`, `$END` or `/`), on one or several lines, keys in any case. NORB and NELEC
// are required; MS2 defaults to 0; ORBSYM, when given, must list NORB entries; UHF=.TRUE. is
// rejected (spin-unrestricted integrals are not supported); other keys are ignored.
// Body lines: `value i j k l` with 1-based orbital indices, Fortran `D` exponents allowed:
//   i j k l > 0: two-electron integral (ij|kl), chemists' notation, 8-fold symmetry;
//   i j 0 0:     one-electron integral h_ij (symmetric);
//   i 0 0 0:     orbital energy (ignored);
//   0 0 0 0:     core energy (nuclear repulsion + frozen core); required, so that a file
//                cut short is detected.
// Errors are INVALID_ARGUMENT and name the 1-based line ("FCIDUMP line 17: …").
//
// Thread-safety: free functions and values only.
#ifndef QGRAD_PROBLEMS_FCIDUMP_H_
#define QGRAD_PROBLEMS_FCIDUMP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace qgrad {

// Integrals over `num_orbitals` real spatial orbitals (0-based indices here).
struct MolecularIntegrals {
  int num_orbitals = 0;
  int num_electrons = 0;
  int ms2 = 0;                 // 2·S_z
  double core_energy = 0.0;    // constant added to every energy
  std::vector<double> one_body;  // h_pq at [p·N + q]
  std::vector<double> two_body;  // (pq|rs) at [((p·N + q)·N + r)·N + s]

  double h(int p, int q) const { return one_body[p * num_orbitals + q]; }
  double eri(int p, int q, int r, int s) const {
    const int n = num_orbitals;
    return two_body[((p * n + q) * n + r) * n + s];
  }
  // Allocates zeroed tables for n orbitals.
  static MolecularIntegrals Zero(int num_orbitals, int num_electrons, int ms2);
  // Sets (pq|rs) and its 7 symmetric images.
  void SetEri(int p, int q, int r, int s, double value);
  void SetH(int p, int q, double value);
};

// The largest NORB accepted: the two-electron table has NORB^4 entries (48^4 doubles =
// 42 MB), and a Jordan–Wigner mapping holds at most 32 active orbitals anyway.
inline constexpr int kMaxFcidumpOrbitals = 48;

absl::StatusOr<MolecularIntegrals> ParseFcidump(std::string_view text);
// Files above this are refused before parsing: at kMaxFcidumpOrbitals a file lists at most
// about 0.7 million distinct integrals (~35 MB of text).
inline constexpr uint64_t kMaxFcidumpFileBytes = uint64_t{256} << 20;
// Reads the file (base::ReadFile: NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT for a
// directory, RESOURCE_EXHAUSTED above kMaxFcidumpFileBytes) and parses it; errors also name
// the path.
absl::StatusOr<MolecularIntegrals> ReadFcidumpFile(const std::string& path);

}  // namespace qgrad

#endif  // QGRAD_PROBLEMS_FCIDUMP_H_
