// Expectation values and H·ψ against dense Pauli matrices built in the test (Y terms,
// complex coefficients, identity term), plus a larger state checked letter by letter.
#include <random>

#include "backends/statevector/dense_reference.h"
#include "backends/statevector/statevector.h"
#include "gtest/gtest.h"

namespace qgrad::sv {
namespace {

using testing::C;

PauliSum RandomSum(int n, int terms, std::mt19937_64& rng, bool diagonal_only = false) {
  std::uniform_real_distribution<double> u(-1, 1);
  PauliSum h;
  h.AddTerm(C(u(rng), u(rng)), PauliString{});  // identity
  for (int t = 0; t < terms; ++t) {
    PauliString p;
    for (int q = 0; q < n; ++q) {
      const int letter = static_cast<int>(rng() % 4);
      p.set(q, static_cast<PauliLetter>(diagonal_only ? (letter % 2) * 2 : letter));
    }
    h.AddTerm(C(u(rng), rng() % 2 ? u(rng) : 0.0), p);
  }
  return h;
}

StateVector FromAmplitudes(const std::vector<C>& v, int n) {
  StateVector s = *StateVector::Create(n);
  EXPECT_TRUE(s.SetAmplitudes(v).ok());
  return s;
}

TEST(Expectation, MatchesDensePauliMatrices) {
  std::mt19937_64 rng(3);
  for (int n = 1; n <= 7; ++n) {
    for (int rep = 0; rep < 4; ++rep) {
      const PauliSum h = RandomSum(n, 6, rng);
      const std::vector<C> psi = testing::RandomState(n, rng);
      std::vector<C> h_psi(psi.size(), 0.0);
      for (const PauliTerm& t : h.terms()) {
        const std::vector<C> p_psi = testing::Apply(testing::PauliMatrix(t.string, n), psi);
        for (size_t i = 0; i < psi.size(); ++i) h_psi[i] += t.coeff * p_psi[i];
      }
      C expected = 0;
      for (size_t i = 0; i < psi.size(); ++i) expected += std::conj(psi[i]) * h_psi[i];

      const StateVector state = FromAmplitudes(psi, n);
      EXPECT_LT(std::abs(ExpectationComplex(state, h) - expected), 1e-12) << h.ToString();
      EXPECT_NEAR(Expectation(state, h), expected.real(), 1e-12);
      StateVector out = *StateVector::Create(n);
      ApplyPauliSum(h, state, out);
      for (size_t i = 0; i < psi.size(); ++i) ASSERT_LT(std::abs(out.data()[i] - h_psi[i]), 1e-12);
    }
  }
}

// ψ ↦ Pψ applying the 2×2 letter matrices qubit by qubit (textbook X, Y, Z).
std::vector<C> ApplyLetters(const PauliString& p, std::vector<C> v, int n) {
  const C i(0, 1);
  for (int q = 0; q < n; ++q) {
    const PauliLetter l = p.letter(q);
    if (l == PauliLetter::kI) continue;
    const size_t bit = size_t{1} << q;
    for (size_t k = 0; k < v.size(); ++k) {
      if (k & bit) continue;
      const C a0 = v[k], a1 = v[k | bit];
      if (l == PauliLetter::kX) { v[k] = a1; v[k | bit] = a0; }
      if (l == PauliLetter::kY) { v[k] = -i * a1; v[k | bit] = i * a0; }
      if (l == PauliLetter::kZ) { v[k | bit] = -a1; }
    }
  }
  return v;
}

// Above the evaluator's low-bit block (10 qubits): terms split across low and high bits.
TEST(Expectation, LargerStatesWithTermsAcrossBlocks) {
  std::mt19937_64 rng(8);
  for (int n : {12, 15}) {
    for (bool diagonal : {true, false}) {
      PauliSum h = RandomSum(n, 12, rng, diagonal);
      for (int q = 0; q < n; ++q) {  // a ZZ ring: crosses the block boundary twice
        PauliString zz;
        zz.set(q, PauliLetter::kZ);
        zz.set((q + 1) % n, PauliLetter::kZ);
        h.AddTerm(0.25 + 0.01 * q, zz);
      }
      const std::vector<C> psi = testing::RandomState(n, rng);
      C expected = 0;
      std::vector<C> h_psi(psi.size(), 0.0);
      for (const PauliTerm& t : h.terms()) {
        const std::vector<C> p_psi = ApplyLetters(t.string, psi, n);
        for (size_t k = 0; k < psi.size(); ++k) h_psi[k] += t.coeff * p_psi[k];
      }
      for (size_t k = 0; k < psi.size(); ++k) expected += std::conj(psi[k]) * h_psi[k];
      const StateVector state = FromAmplitudes(psi, n);
      EXPECT_LT(std::abs(ExpectationComplex(state, h) - expected), 1e-11) << "n=" << n;
      StateVector out = *StateVector::Create(n);
      ApplyPauliSum(h, state, out);
      double err = 0;
      for (size_t k = 0; k < psi.size(); ++k) err = std::max(err, std::abs(out.data()[k] - h_psi[k]));
      EXPECT_LT(err, 1e-12);
    }
  }
}

TEST(Expectation, ObservableOnFewerQubitsThanState) {
  PauliSum h = *PauliSum::Parse("0.5 * Z0 - 1.5 * X1 + 2");
  StateVector state = *StateVector::Create(3);
  state.SetBasisState(0b100);
  EXPECT_NEAR(Expectation(state, h), 0.5 + 2, 1e-14);
}

}  // namespace
}  // namespace qgrad::sv
