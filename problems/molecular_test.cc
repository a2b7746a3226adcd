// Tests for Jordan–Wigner molecular Hamiltonians: the reference energies of the chemistry
// table (by exact diagonalization in the particle-number/S_z sector), Hartree–Fock energies,
// an independent Slater–Condon construction, and the ladder-operator algebra.
// Thread-safety: single-threaded tests.
#include "problems/molecular.h"

#include <bit>
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "problems/dense_test_util.h"
#include "problems/fcidump.h"
#include "problems/jordan_wigner.h"

namespace qgrad {
namespace {

using ::testing::HasSubstr;
using testing_util::SectorMatrix;
using testing_util::SectorStates;
using testing_util::SymmetricEigenvalues;

MolecularIntegrals Load(const std::string& name) {
  absl::StatusOr<MolecularIntegrals> ints =
      ReadFcidumpFile(std::string(QGRAD_PROBLEMS_TESTDATA) + "/" + name);
  EXPECT_TRUE(ints.ok()) << ints.status();
  return *ints;
}

struct EnergyCase {
  const char* file;
  int frozen_core, frozen_virtual, qubits;
  double scf, exact;  // scf = 0: not tabulated
};

// The chemistry reference table that ships with these FCIDUMP files (psi4 FCI /
// frozen-orbital CI, re-checked by an independent determinant-space diagonalization).
constexpr EnergyCase kTable[] = {
    {"H2_0.735.FCIDUMP", 0, 0, 4, -1.1169989967389, -1.1373060357533},
    {"LiH_1.6.FCIDUMP", 0, 0, 12, -7.8618647697840, -7.8823243788712},
    {"LiH_1.6.FCIDUMP", 1, 0, 10, -7.8618647697840, -7.8820965999068},
    {"LiH_1.6.FCIDUMP", 1, 2, 6, -7.8618647697840, -7.8629193365767},
    {"LiH_2.2.FCIDUMP", 0, 0, 12, -7.8079943691481, -7.8456836231165},
    {"LiH_2.2.FCIDUMP", 1, 2, 6, -7.8079943691481, -7.8097241273507},
};

TEST(MolecularTest, ReproducesReferenceEnergies) {
  for (const EnergyCase& c : kTable) {
    SCOPED_TRACE(::testing::Message() << c.file << " fc=" << c.frozen_core << " fv=" << c.frozen_virtual);
    absl::StatusOr<MolecularHamiltonian> h =
        BuildMolecularHamiltonian(Load(c.file), {c.frozen_core, c.frozen_virtual});
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->num_qubits, c.qubits);
    EXPECT_EQ(h->hamiltonian.NumQubits(), c.qubits);
    EXPECT_TRUE(h->hamiltonian.IsHermitian(0.0));
    EXPECT_EQ(h->hartree_fock_state, (uint64_t{1} << h->num_electrons) - 1);
    // Frozen orbitals are HF-occupied / HF-empty, so every active space keeps the SCF energy.
    EXPECT_NEAR(h->hartree_fock_energy, c.scf, 1e-8);

    const int half = h->num_electrons / 2;
    const std::vector<uint64_t> sector = SectorStates(c.qubits / 2, half, half);
    double leak = 0, max_imag = 0;
    std::vector<double> m = SectorMatrix(h->hamiltonian, sector, &leak, &max_imag);
    EXPECT_LT(leak, 1e-12);      // H conserves N and S_z
    EXPECT_LT(max_imag, 1e-12);  // and is real in the determinant basis
    const std::vector<double> eig = SymmetricEigenvalues(m, static_cast<int>(sector.size()));
    EXPECT_NEAR(eig[0], c.exact, 1e-8);
  }
}

// ---------------------------------------------------------------------------------------
// Independent construction: Slater–Condon rules on spin orbitals (2p + σ), with the sign
// of each excitation found by applying ladder operators to occupation bit strings.

struct SpinIntegrals {
  const MolecularIntegrals& ints;
  double h(int P, int Q) const { return P % 2 == Q % 2 ? ints.h(P / 2, Q / 2) : 0.0; }
  // ⟨PQ||RS⟩ = ⟨PQ|RS⟩ − ⟨PQ|SR⟩, ⟨PQ|RS⟩ = (pr|qs) δ_{σPσR} δ_{σQσS}.
  double Coulomb(int P, int Q, int R, int S) const {
    if (P % 2 != R % 2 || Q % 2 != S % 2) return 0.0;
    return ints.eri(P / 2, R / 2, Q / 2, S / 2);
  }
  double Anti(int P, int Q, int R, int S) const { return Coulomb(P, Q, R, S) - Coulomb(P, Q, S, R); }
};

// Applies a (creation) or a† to |b⟩: returns the sign, or 0 if the result vanishes.
int Apply(uint64_t& b, int mode, bool creation) {
  const uint64_t bit = uint64_t{1} << mode;
  if (((b & bit) != 0) == creation) return 0;
  b ^= bit;
  return std::popcount(b & (bit - 1)) % 2 ? -1 : 1;
}

std::vector<int> Bits(uint64_t v) {
  std::vector<int> out;
  for (; v; v &= v - 1) out.push_back(std::countr_zero(v));
  return out;
}

double SlaterCondon(const SpinIntegrals& s, uint64_t bra, uint64_t ket) {
  if (std::popcount(bra) != std::popcount(ket)) return 0.0;
  const std::vector<int> occ = Bits(ket);
  const std::vector<int> holes = Bits(ket & ~bra), particles = Bits(bra & ~ket);
  if (holes.empty()) {
    double e = s.ints.core_energy;
    for (int i : occ) {
      e += s.h(i, i);
      for (int j : occ) e += 0.5 * s.Anti(i, j, i, j);
    }
    return e;
  }
  if (holes.size() == 1) {
    const int i = holes[0], a = particles[0];
    uint64_t b = ket;
    const int sign = Apply(b, i, false) * Apply(b, a, true);
    double v = s.h(a, i);
    for (int j : occ) v += s.Anti(a, j, i, j);
    return sign * v;
  }
  if (holes.size() == 2) {
    const int i = holes[0], j = holes[1], a = particles[0], c = particles[1];
    uint64_t b = ket;
    const int sign = Apply(b, i, false) * Apply(b, j, false) * Apply(b, c, true) * Apply(b, a, true);
    return sign * s.Anti(a, c, i, j);
  }
  return 0.0;
}

void CompareWithSlaterCondon(const MolecularIntegrals& full, const ActiveSpace& space) {
  absl::StatusOr<MolecularIntegrals> active = FreezeOrbitals(full, space);
  ASSERT_TRUE(active.ok()) << active.status();
  absl::StatusOr<MolecularHamiltonian> h = BuildMolecularHamiltonian(full, space);
  ASSERT_TRUE(h.ok()) << h.status();
  const int dim = 1 << h->num_qubits;
  std::vector<uint64_t> all(dim);
  for (int b = 0; b < dim; ++b) all[b] = b;
  double leak = 0, max_imag = 0;
  const std::vector<double> jw = SectorMatrix(h->hamiltonian, all, &leak, &max_imag);
  SpinIntegrals s{*active};
  std::vector<double> sc(jw.size());
  for (int r = 0; r < dim; ++r) {
    for (int c = 0; c < dim; ++c) sc[r * dim + c] = SlaterCondon(s, r, c);
  }
  for (size_t k = 0; k < jw.size(); ++k) ASSERT_NEAR(jw[k], sc[k], 1e-12) << "element " << k;
  const std::vector<double> e_jw = SymmetricEigenvalues(jw, dim), e_sc = SymmetricEigenvalues(sc, dim);
  for (int k = 0; k < dim; ++k) EXPECT_NEAR(e_jw[k], e_sc[k], 1e-10);
}

TEST(MolecularTest, MatchesSlaterCondonH2) { CompareWithSlaterCondon(Load("H2_0.735.FCIDUMP"), {}); }

TEST(MolecularTest, MatchesSlaterCondonLiHActiveSpace) {
  CompareWithSlaterCondon(Load("LiH_2.2.FCIDUMP"), {1, 2});
}

// ---------------------------------------------------------------------------------------

PauliSum Ladder(std::initializer_list<LadderOp> ops) {
  std::vector<PauliTerm> terms;
  AppendJordanWigner(std::vector<LadderOp>(ops), 1.0, terms);
  PauliSum sum(std::move(terms));
  sum.Simplify();
  return sum;
}

TEST(JordanWignerTest, NumberOperatorAndAnticommutators) {
  EXPECT_EQ(Ladder({{3, true}, {3, false}}).ToString(), PauliSum::Parse("0.5 - 0.5 Z3")->ToString());
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const PauliSum anti = Ladder({{i, false}, {j, true}}) + Ladder({{j, true}, {i, false}});
      EXPECT_EQ(anti.ToString(), i == j ? "1" : "0") << i << "," << j;
      EXPECT_EQ((Ladder({{i, false}, {j, false}}) + Ladder({{j, false}, {i, false}})).ToString(), "0");
    }
  }
}

TEST(MolecularTest, OpenShellHartreeFockFollowsMs2) {
  // H2+ (one electron): the HF determinant is orbital 1 with the spin MS2 asks for, and its
  // energy is h_11 + E_core.
  for (int ms2 : {1, -1}) {
    MolecularIntegrals ints = Load("H2_0.735.FCIDUMP");
    ints.num_electrons = 1;
    ints.ms2 = ms2;
    absl::StatusOr<MolecularHamiltonian> h = BuildMolecularHamiltonian(ints);
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->hartree_fock_state, ms2 == 1 ? 0b01u : 0b10u);
    EXPECT_NEAR(h->hartree_fock_energy, ints.h(0, 0) + ints.core_energy, 1e-14);
  }
}

TEST(MolecularTest, ActiveSpaceErrorsNameTheField) {
  const MolecularIntegrals lih = Load("LiH_1.6.FCIDUMP");
  auto error = [&](ActiveSpace s) {
    absl::StatusOr<MolecularHamiltonian> h = BuildMolecularHamiltonian(lih, s);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(h.status().message());
  };
  EXPECT_THAT(error({-1, 0}), HasSubstr("frozen_core=-1"));
  EXPECT_THAT(error({0, -2}), HasSubstr("frozen_virtual=-2"));
  EXPECT_THAT(error({3, 3}), HasSubstr("leaves no active orbital"));
  EXPECT_THAT(error({3, 0}), HasSubstr("frozen_core=3 needs 6 electrons"));
  EXPECT_THAT(error({0, 5}), HasSubstr("do not fit 1 active orbitals"));
}

}  // namespace
}  // namespace qgrad
