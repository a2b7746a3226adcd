// Tests for the exact reference ground value: Lanczos against dense diagonalization of
// random Pauli sums, closed forms, the diagonal shortcut, the molecular reference energies
// from the Hartree–Fock sector, restarts, the returned state, and the error paths.
// Thread-safety: single-threaded tests.
#include "optimizer/exact_reference.h"

#include <cmath>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "optimizer/test_util.h"
#include "problems/dense_test_util.h"
#include "problems/diagonal.h"
#include "problems/fcidump.h"
#include "problems/generated_molecules_test_data.h"
#include "problems/models.h"
#include "problems/molecular.h"

namespace qgrad::optimizer {
namespace {

using ::testing::HasSubstr;

// Lowest eigenvalue of a Hermitian Pauli sum from the real embedding [[A, −B], [B, A]] of
// H = A + iB (each eigenvalue of H appears twice), by the problems module's Jacobi oracle.
double DenseGround(const PauliSum& h, int n) {
  const int dim = 1 << n;
  std::vector<double> m(4 * dim * dim, 0.0);
  for (int c = 0; c < dim; ++c) {
    testing_util::State e(dim, 0.0);
    e[c] = 1.0;
    const testing_util::State col = testing_util::ApplyPauliSum(h, e);
    for (int r = 0; r < dim; ++r) {
      m[r * 2 * dim + c] = m[(r + dim) * 2 * dim + c + dim] = col[r].real();
      m[r * 2 * dim + c + dim] = -col[r].imag();
      m[(r + dim) * 2 * dim + c] = col[r].imag();
    }
  }
  return testing_util::SymmetricEigenvalues(m, 2 * dim)[0];
}

MolecularHamiltonian Molecule(const std::string& file, ActiveSpace space) {
  auto ints = ReadFcidumpFile(std::string(QGRAD_PROBLEMS_TESTDATA) + "/" + file);
  EXPECT_TRUE(ints.ok()) << ints.status();
  auto h = BuildMolecularHamiltonian(*ints, space);
  EXPECT_TRUE(h.ok()) << h.status();
  return *h;
}

TEST(ExactReferenceTest, MatchesDenseDiagonalizationOfRandomSums) {
  std::mt19937_64 rng(7);
  for (int n : {1, 2, 3, 4, 5}) {
    for (int trial = 0; trial < 3; ++trial) {
      const PauliSum h = test::RandomHermitian(n, 3 * n + 2, rng);
      auto ref = ExactGroundEnergy(h, n);
      ASSERT_TRUE(ref.ok()) << ref.status();
      EXPECT_TRUE(ref->converged);
      EXPECT_NEAR(ref->energy, DenseGround(h, n), 1e-9) << h.ToString();
    }
  }
}

TEST(ExactReferenceTest, TwoSiteIsingClosedForm) {
  const double j = 1.0, field = 0.7;
  const PauliSum h = TransverseFieldIsing(2, j, field, false).value();
  auto ref = ExactGroundEnergy(h, 2);
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_FALSE(ref->diagonal);
  EXPECT_NEAR(ref->energy, -std::sqrt(j * j + 4 * field * field), 1e-12);
}

TEST(ExactReferenceTest, RestartsConvergeWithASmallKrylovSpace) {
  std::mt19937_64 rng(3);
  const PauliSum h = test::RandomHermitian(6, 30, rng);
  ExactReferenceOptions options;
  options.krylov_dimension = 5;
  options.max_restarts = 2000;
  options.want_state = true;
  auto ref = ExactGroundEnergy(h, 6, options);
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_TRUE(ref->converged);
  EXPECT_GT(ref->restarts, 0);
  auto full = ExactGroundEnergy(h, 6);
  ASSERT_TRUE(full.ok());
  EXPECT_NEAR(ref->energy, full->energy, 1e-9);
  // The returned state is the eigenvector: ⟨H⟩ = λ and ‖Hx − λx‖ small.
  ASSERT_TRUE(ref->state.has_value());
  EXPECT_NEAR(sv::Expectation(*ref->state, h), ref->energy, 1e-9);
  sv::StateVector hx = ref->state->Copy();
  sv::ApplyPauliSum(h, *ref->state, hx);
  double r2 = 0;
  for (size_t i = 0; i < hx.size(); ++i) {
    r2 += std::norm(hx.data()[i] - ref->energy * ref->state->data()[i]);
  }
  EXPECT_LT(std::sqrt(r2), 1e-8);
}

TEST(ExactReferenceTest, StopCheckCancelsWithinOneProduct) {
  std::mt19937_64 rng(4);
  const PauliSum h = test::RandomHermitian(6, 30, rng);
  ExactReferenceOptions options;
  options.krylov_dimension = 5;
  options.max_restarts = 2000;
  auto full = ExactGroundEnergy(h, 6, options);
  ASSERT_TRUE(full.ok());
  ASSERT_GT(full->matrix_vector_products, 12);
  int polls = 0;
  options.should_stop = [&] { return ++polls > 12; };  // in the third restart cycle
  auto stopped = ExactGroundEnergy(h, 6, options);
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << stopped.status();
  EXPECT_EQ(polls, 13);
}

TEST(ExactReferenceTest, DiagonalShortcutMinimizesOverBasisStates) {
  std::mt19937_64 rng(11);
  PauliSum h;
  std::uniform_int_distribution<uint64_t> mask(0, 31);
  std::normal_distribution<double> g;
  for (int t = 0; t < 12; ++t) h.AddTerm(g(rng), PauliString{0, mask(rng)});
  h.Simplify();
  double best = 1e300;
  for (uint64_t b = 0; b < 32; ++b) best = std::min(best, DiagonalElement(h, b));
  ExactReferenceOptions options;
  options.want_state = true;
  auto ref = ExactGroundEnergy(h, 5, options);
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_TRUE(ref->diagonal);
  EXPECT_NEAR(ref->energy, best, 1e-12);
  EXPECT_NEAR(DiagonalElement(h, ref->basis_state), best, 1e-12);
  EXPECT_NEAR(sv::Expectation(*ref->state, h), best, 1e-12);

  const RingEnergyCost ring = RingEnergy(6).value();
  auto ring_ref = ExactGroundEnergy(ring.hamiltonian, 6);
  ASSERT_TRUE(ring_ref.ok());
  EXPECT_NEAR(ring_ref->energy, ring.e0, 1e-12);
}

TEST(ExactReferenceTest, MolecularEnergiesFromHartreeFock) {
  struct Case {
    const char* file;
    ActiveSpace space;
    double exact;
  };
  for (const Case& c : {Case{"H2_0.735.FCIDUMP", {0, 0}, -1.1373060357533},
                        Case{"LiH_2.2.FCIDUMP", {1, 2}, -7.8097241273507}}) {
    SCOPED_TRACE(c.file);
    const MolecularHamiltonian mol = Molecule(c.file, c.space);
    ExactReferenceOptions options;
    options.start_basis_state = mol.hartree_fock_state;
    auto from_hf = ExactGroundEnergy(mol.hamiltonian, mol.num_qubits, options);
    ASSERT_TRUE(from_hf.ok()) << from_hf.status();
    EXPECT_NEAR(from_hf->energy, c.exact, 1e-8);
    options.sector = SpinOrbitalSector(mol.hartree_fock_state, mol.num_qubits);
    auto in_sector = ExactGroundEnergy(mol.hamiltonian, mol.num_qubits, options);
    ASSERT_TRUE(in_sector.ok()) << in_sector.status();
    EXPECT_NEAR(in_sector->energy, c.exact, 1e-8);
    // A random start within the sector finds the same state.
    options.start_basis_state.reset();
    auto random_in_sector = ExactGroundEnergy(mol.hamiltonian, mol.num_qubits, options);
    ASSERT_TRUE(random_in_sector.ok()) << random_in_sector.status();
    EXPECT_NEAR(random_in_sector->energy, c.exact, 1e-8);
  }
}

// The molecules of examples/data/molecules/ whose (N_α, N_β) sector is too large for the
// dense oracle of problems_test (BeH2, 14 qubits, 1225 determinants): Lanczos from
// Hartree–Fock in that sector — the runner's exact-reference path — gives psi4's FCI energy.
TEST(ExactReferenceTest, GeneratedMoleculesMatchPsi4) {
  for (const testing_util::GeneratedMolecule& c : testing_util::kGeneratedMolecules) {
    if (c.qubits < 14 || std::string(c.file).rfind("BeH2", 0) != 0) continue;
    SCOPED_TRACE(::testing::Message() << c.file << " fc=" << c.frozen_core);
    auto ints = ReadFcidumpFile(std::string(QGRAD_MOLECULES_DIR) + "/" + c.file);
    ASSERT_TRUE(ints.ok()) << ints.status();
    auto mol = BuildMolecularHamiltonian(*ints, {c.frozen_core, c.frozen_virtual});
    ASSERT_TRUE(mol.ok()) << mol.status();
    ASSERT_EQ(mol->num_qubits, c.qubits);
    EXPECT_NEAR(mol->hartree_fock_energy, c.scf, 1e-8);
    ExactReferenceOptions options;
    options.start_basis_state = mol->hartree_fock_state;
    options.sector = SpinOrbitalSector(mol->hartree_fock_state, mol->num_qubits);
    auto exact = ExactGroundEnergy(mol->hamiltonian, mol->num_qubits, options);
    ASSERT_TRUE(exact.ok()) << exact.status();
    EXPECT_TRUE(exact->converged);
    EXPECT_NEAR(exact->energy, c.exact, 1e-8);
  }
}

TEST(ExactReferenceTest, SpinOrbitalSectorCountsAlphaAndBeta) {
  const auto sector = SpinOrbitalSector(0b0111, 6);  // 0↑ 0↓ 1↑
  ASSERT_EQ(sector.size(), 2u);
  EXPECT_EQ(sector[0].mask, 0b010101u);
  EXPECT_EQ(sector[0].weight, 2);
  EXPECT_EQ(sector[1].mask, 0b101010u);
  EXPECT_EQ(sector[1].weight, 1);
}

TEST(ExactReferenceTest, Errors) {
  const PauliSum h = PauliSum::Parse("X0 + Z1").value();
  ExactReferenceOptions options;
  options.max_qubits = 1;
  EXPECT_EQ(ExactGroundEnergy(h, 2, options).status().code(),
            absl::StatusCode::kResourceExhausted);
  options = {};
  options.krylov_dimension = 2;
  EXPECT_THAT(ExactGroundEnergy(h, 2, options).status().message(),
              HasSubstr("krylov_dimension"));
  options = {};
  options.max_bytes = 16;
  EXPECT_EQ(ExactGroundEnergy(h, 2, options).status().code(),
            absl::StatusCode::kResourceExhausted);
  options = {};
  options.residual_tolerance = 0;
  EXPECT_THAT(ExactGroundEnergy(h, 2, options).status().message(),
              HasSubstr("residual_tolerance"));
  options = {};
  options.start_basis_state = 4;
  EXPECT_THAT(ExactGroundEnergy(h, 2, options).status().message(),
              HasSubstr("start_basis_state"));
  options.start_basis_state = 1;
  options.sector = {{0b11, 2}};
  EXPECT_THAT(ExactGroundEnergy(h, 2, options).status().message(),
              HasSubstr("start_basis_state"));
  EXPECT_THAT(ExactGroundEnergy(h, 1).status().message(), HasSubstr("hamiltonian"));
  EXPECT_THAT(ExactGroundEnergy(PauliSum::Parse("1j X0").value(), 1).status().message(),
              HasSubstr("hamiltonian"));
  options = {};
  options.sector = {{1, 2}};
  EXPECT_THAT(ExactGroundEnergy(PauliSum::Parse("Z0").value(), 1, options).status().message(),
              HasSubstr("sector"));
}

}  // namespace
}  // namespace qgrad::optimizer
