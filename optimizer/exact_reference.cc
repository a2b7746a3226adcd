// Exact reference ground value (see exact_reference.h).
//
// Thread-safety: no shared mutable state.
#include "optimizer/exact_reference.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
namespace {

using sv::Amplitude;
using sv::StateVector;

bool InSector(uint64_t b, const std::vector<SectorConstraint>& sector) {
  for (const SectorConstraint& c : sector) {
    if (std::popcount(b & c.mask) != c.weight) return false;
  }
  return true;
}

void Project(const std::vector<SectorConstraint>& sector, StateVector& v) {
  if (sector.empty()) return;
  Amplitude* a = v.data();
  for (uint64_t b = 0; b < v.size(); ++b) {
    if (!InSector(b, sector)) a[b] = 0.0;
  }
}

double Norm(const StateVector& v) { return std::sqrt(v.NormSquared()); }

// y += c·x.
void AddScaled(Amplitude c, const StateVector& x, StateVector& y) {
  const Amplitude* xa = x.data();
  Amplitude* ya = y.data();
  for (size_t i = 0; i < y.size(); ++i) ya[i] += c * xa[i];
}

// Two Gram–Schmidt passes against the basis ("twice is enough" keeps it orthogonal to
// machine precision, which plain Lanczos loses as soon as a Ritz value converges).
void Reorthogonalize(const std::vector<StateVector>& basis, int count, StateVector& w) {
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < count; ++i) AddScaled(-sv::InnerProduct(basis[i], w), basis[i], w);
  }
}

struct Eigenpair {
  double value = 0.0;
  std::vector<double> vector;
};

// Applies the rotation in the (p, q) plane that zeroes a[p][q] (cyclic Jacobi).
void JacobiRotate(std::vector<double>& a, std::vector<double>& v, int n, int p, int q) {
  const double apq = a[p * n + q];
  const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
  const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
  const double c = 1.0 / std::sqrt(t * t + 1), s = t * c;
  for (int k = 0; k < n; ++k) {  // columns: A·J
    const double kp = a[k * n + p], kq = a[k * n + q];
    a[k * n + p] = c * kp - s * kq;
    a[k * n + q] = s * kp + c * kq;
  }
  for (int k = 0; k < n; ++k) {  // rows: Jᵀ·A
    const double pk = a[p * n + k], qk = a[q * n + k];
    a[p * n + k] = c * pk - s * qk;
    a[q * n + k] = s * pk + c * qk;
  }
  for (int k = 0; k < n; ++k) {
    const double kp = v[k * n + p], kq = v[k * n + q];
    v[k * n + p] = c * kp - s * kq;
    v[k * n + q] = s * kp + c * kq;
  }
}

// Lowest eigenpair of the symmetric tridiagonal matrix (alpha, beta). Dense Jacobi: the
// matrix is at most krylov_dimension wide, and Jacobi is accurate for every eigenvector.
Eigenpair LowestOfTridiagonal(const std::vector<double>& alpha, const std::vector<double>& beta) {
  const int n = int(alpha.size());
  std::vector<double> a(n * n, 0.0), v(n * n, 0.0);
  for (int i = 0; i < n; ++i) {
    a[i * n + i] = alpha[i];
    v[i * n + i] = 1.0;
    if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = beta[i];
  }
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0.0, diag = 0.0;
    for (int p = 0; p < n; ++p) {
      diag += a[p * n + p] * a[p * n + p];
      for (int q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-32 * diag || off == 0.0) break;
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        if (a[p * n + q] != 0.0) JacobiRotate(a, v, n, p, q);
      }
    }
  }
  int best = 0;
  for (int i = 1; i < n; ++i) {
    if (a[i * n + i] < a[best * n + best]) best = i;
  }
  Eigenpair pair{a[best * n + best], std::vector<double>(n)};
  for (int k = 0; k < n; ++k) pair.vector[k] = v[k * n + best];
  return pair;
}

// d(b) = Σ_z c_z (−1)^{|z∧b|}: the Walsh–Hadamard transform of the Z-string coefficients.
std::vector<double> DiagonalOf(const PauliSum& h, int num_qubits) {
  std::vector<double> d(size_t{1} << num_qubits, 0.0);
  for (const PauliTerm& t : h.terms()) d[t.string.z] += t.coeff.real();
  for (size_t half = 1; half < d.size(); half <<= 1) {
    for (size_t i = 0; i < d.size(); i += 2 * half) {
      for (size_t j = i; j < i + half; ++j) {
        const double u = d[j], w = d[j + half];
        d[j] = u + w;
        d[j + half] = u - w;
      }
    }
  }
  return d;
}

absl::StatusOr<ExactReference> DiagonalGround(const PauliSum& h, int num_qubits,
                                              const ExactReferenceOptions& options) {
  const std::vector<double> d = DiagonalOf(h, num_qubits);
  ExactReference result;
  result.diagonal = true;
  result.converged = true;
  result.energy = std::numeric_limits<double>::infinity();
  for (uint64_t b = 0; b < d.size(); ++b) {
    if (d[b] < result.energy && InSector(b, options.sector)) {
      result.energy = d[b];
      result.basis_state = b;
    }
  }
  if (std::isinf(result.energy)) {
    return absl::InvalidArgumentError("sector: no basis state satisfies the constraints");
  }
  if (options.want_state) {
    auto state = StateVector::Create(num_qubits);
    if (!state.ok()) return state.status();
    state->SetBasisState(result.basis_state);
    result.state = std::move(*state);
  }
  return result;
}

absl::StatusOr<StateVector> StartVector(int num_qubits, const ExactReferenceOptions& options) {
  auto v = StateVector::Create(num_qubits);
  if (!v.ok()) return v.status();
  if (options.start_basis_state) {
    v->SetBasisState(*options.start_basis_state);
  } else {
    std::mt19937_64 rng(options.seed);
    std::normal_distribution<double> normal;
    for (Amplitude& a : v->amplitudes()) a = {normal(rng), normal(rng)};
  }
  Project(options.sector, *v);
  const double norm = Norm(*v);
  if (norm == 0.0) {
    return absl::InvalidArgumentError(
        "start_basis_state: the start vector has no component in the sector");
  }
  v->Scale(1.0 / norm);
  return v;
}

// Restarted Lanczos; one cycle builds up to `basis.size()` vectors from basis[0].
class Lanczos {
 public:
  Lanczos(const PauliSum& h, const ExactReferenceOptions& options, std::vector<StateVector> basis,
          StateVector work)
      : h_(h), options_(options), basis_(std::move(basis)), w_(std::move(work)) {}

  // One cycle from basis_[0]; leaves the Ritz vector in basis_[0] and returns whether the
  // residual tolerance (or an invariant subspace) was reached. CANCELLED when should_stop
  // fires (polled before every H·v).
  absl::StatusOr<bool> Cycle(ExactReference& result);
  StateVector TakeRitzVector() && { return std::move(basis_[0]); }

 private:
  const PauliSum& h_;
  const ExactReferenceOptions& options_;
  std::vector<StateVector> basis_;
  StateVector w_;
};

absl::StatusOr<bool> Lanczos::Cycle(ExactReference& result) {
  std::vector<double> alpha, beta;
  Eigenpair ritz;
  bool done = false;
  const int m = int(basis_.size());
  int used = 0;
  for (int j = 0; j < m; ++j) {
    if (StopRequested(options_.should_stop)) return StoppedError();
    sv::ApplyPauliSum(h_, basis_[j], w_);
    ++result.matrix_vector_products;
    Project(options_.sector, w_);
    alpha.push_back(sv::InnerProduct(basis_[j], w_).real());
    Reorthogonalize(basis_, j + 1, w_);
    const double b = Norm(w_);
    used = j + 1;
    ritz = LowestOfTridiagonal(alpha, beta);
    result.energy = ritz.value;
    result.residual = b * std::abs(ritz.vector[j]);
    // A tiny β means the Krylov space is invariant: the Ritz pair is exact.
    if (result.residual <= options_.residual_tolerance * std::max(1.0, std::abs(ritz.value)) ||
        b <= 1e-14 * std::max(1.0, std::abs(alpha.back()))) {
      done = true;
      break;
    }
    if (j + 1 == m) break;
    beta.push_back(b);
    basis_[j + 1].CopyFrom(w_);
    basis_[j + 1].Scale(1.0 / b);
  }
  // Ritz vector x = Σ s_i v_i, built in w_ and moved to the front for the next cycle.
  for (Amplitude& a : w_.amplitudes()) a = 0.0;
  for (int i = 0; i < used; ++i) AddScaled(ritz.vector[i], basis_[i], w_);
  w_.Scale(1.0 / Norm(w_));
  basis_[0].CopyFrom(w_);
  return done;
}

absl::StatusOr<ExactReference> LanczosGround(const PauliSum& h, int num_qubits,
                                             const ExactReferenceOptions& options) {
  const int64_t bytes = int64_t(StateVector::BytesFor(num_qubits));
  const int64_t fit = options.max_bytes / bytes - 1;  // one work vector besides the basis
  const int64_t dim = int64_t{1} << num_qubits;
  const int m = int(std::min<int64_t>({options.krylov_dimension, fit, dim}));
  if (m < std::min<int64_t>(3, dim)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_bytes: fewer than 3 Lanczos vectors of ", bytes, " bytes fit in ",
        options.max_bytes));
  }
  auto start = StartVector(num_qubits, options);
  if (!start.ok()) return start.status();
  std::vector<StateVector> basis;
  basis.push_back(std::move(*start));
  for (int i = 1; i < m; ++i) {
    auto v = StateVector::Create(num_qubits);
    if (!v.ok()) return v.status();
    basis.push_back(std::move(*v));
  }
  auto work = StateVector::Create(num_qubits);
  if (!work.ok()) return work.status();
  Lanczos lanczos(h, options, std::move(basis), std::move(*work));
  ExactReference result;
  for (;;) {
    absl::StatusOr<bool> converged = lanczos.Cycle(result);
    if (!converged.ok()) return converged.status();
    result.converged = *converged;
    if (result.converged || result.restarts >= options.max_restarts) break;
    ++result.restarts;
  }
  if (options.want_state) result.state = std::move(lanczos).TakeRitzVector();
  return result;
}

}  // namespace

std::vector<SectorConstraint> SpinOrbitalSector(uint64_t determinant, int num_qubits) {
  uint64_t alpha = 0;
  for (int q = 0; q < num_qubits; q += 2) alpha |= uint64_t{1} << q;
  const uint64_t all = num_qubits >= 64 ? ~uint64_t{0} : (uint64_t{1} << num_qubits) - 1;
  const uint64_t beta = all & ~alpha;
  return {{alpha, std::popcount(determinant & alpha)}, {beta, std::popcount(determinant & beta)}};
}

absl::Status ValidateExactReferenceOptions(const ExactReferenceOptions& options,
                                           int num_qubits) {
  if (options.max_qubits < 1 || options.max_qubits > sv::kMaxQubits) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_qubits: ", options.max_qubits, " is outside [1, ", sv::kMaxQubits, "]"));
  }
  if (options.krylov_dimension < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "krylov_dimension: ", options.krylov_dimension, " (at least 3 Lanczos vectors)"));
  }
  if (options.max_bytes <= 0) return absl::InvalidArgumentError("max_bytes: must be > 0");
  if (options.max_restarts < 0) return absl::InvalidArgumentError("max_restarts: must be >= 0");
  if (!(options.residual_tolerance > 0) || !std::isfinite(options.residual_tolerance)) {
    return absl::InvalidArgumentError("residual_tolerance: must be finite and > 0");
  }
  if (num_qubits < 1) {
    return absl::InvalidArgumentError(absl::StrCat("num_qubits: ", num_qubits, " (need >= 1)"));
  }
  if (options.start_basis_state && num_qubits < 64 &&
      *options.start_basis_state >= (uint64_t{1} << num_qubits)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start_basis_state: ", *options.start_basis_state, " has bits beyond ", num_qubits,
        " qubits"));
  }
  for (size_t i = 0; i < options.sector.size(); ++i) {
    if (options.sector[i].weight < 0) {
      return absl::InvalidArgumentError(absl::StrCat("sector: constraint ", i, " has weight < 0"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExactReference> ExactGroundEnergy(const PauliSum& hamiltonian, int num_qubits,
                                                 const ExactReferenceOptions& options) {
  if (absl::Status s = ValidateExactReferenceOptions(options, num_qubits); !s.ok()) return s;
  if (num_qubits > options.max_qubits) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "num_qubits: ", num_qubits, " exceeds max_qubits = ", options.max_qubits));
  }
  if (hamiltonian.empty() || !hamiltonian.IsHermitian()) {
    return absl::InvalidArgumentError("hamiltonian: empty or not Hermitian");
  }
  if (hamiltonian.NumQubits() > num_qubits) {
    return absl::InvalidArgumentError(absl::StrCat("hamiltonian: acts on ",
                                                   hamiltonian.NumQubits(), " qubits, not ",
                                                   num_qubits));
  }
  const bool diagonal = std::all_of(hamiltonian.terms().begin(), hamiltonian.terms().end(),
                                    [](const PauliTerm& t) { return t.string.is_diagonal(); });
  if (diagonal) return DiagonalGround(hamiltonian, num_qubits, options);
  return LanczosGround(hamiltonian, num_qubits, options);
}

}  // namespace qgrad::optimizer
