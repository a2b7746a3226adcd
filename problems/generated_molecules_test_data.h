// The molecules of examples/data/molecules/ (scripts/make_molecules.py: psi4 1.3.2, RHF/STO-3G,
// C1, full orbital space in each file) with psi4's energies from energies.json beside them:
// the SCF energy and, per active space, the exact energy (FCI for the full space, CASCI
// with the RHF orbitals for a frozen core). Test data only, shared by problems_test (dense
// diagonalization) and baselines_test (Lanczos, up to 14 qubits).
//
// Thread-safety: constants only.
#ifndef QGRAD_PROBLEMS_GENERATED_MOLECULES_TEST_DATA_H_
#define QGRAD_PROBLEMS_GENERATED_MOLECULES_TEST_DATA_H_

namespace qgrad::testing_util {

struct GeneratedMolecule {
  const char* file;
  int frozen_core, frozen_virtual, qubits;
  double scf, exact;  // Hartree, total
};

inline constexpr GeneratedMolecule kGeneratedMolecules[] = {
    {"H4_chain_1.0.FCIDUMP", 0, 0, 8, -2.0985459368299, -2.1663874485275},
    {"H4_square_1.23.FCIDUMP", 0, 0, 8, -1.7792432698345, -1.9695121652439},
    {"LiH_1.6.FCIDUMP", 1, 0, 10, -7.8618647697840, -7.8820965999069},
    {"LiH_1.6.FCIDUMP", 0, 0, 12, -7.8618647697840, -7.8823243788713},
    {"HF_0.917.FCIDUMP", 1, 0, 10, -98.5707799860624, -98.5966034370099},
    {"HF_0.917.FCIDUMP", 0, 0, 12, -98.5707799860624, -98.5966241800688},
    {"H6_chain_1.0.FCIDUMP", 0, 0, 12, -3.1355322137632, -3.2360662797759},
    {"BeH2_1.326.FCIDUMP", 1, 0, 12, -15.5603349359521, -15.5948434748667},
    {"BeH2_1.326.FCIDUMP", 0, 0, 14, -15.5603349359521, -15.5951823566535},
    {"H2O_0.958_104.5.FCIDUMP", 1, 0, 12, -74.9630485355311, -75.0125508846425},
    {"H2O_0.958_104.5.FCIDUMP", 0, 0, 14, -74.9630485355311, -75.0126289450518},
};

}  // namespace qgrad::testing_util

#endif  // QGRAD_PROBLEMS_GENERATED_MOLECULES_TEST_DATA_H_
