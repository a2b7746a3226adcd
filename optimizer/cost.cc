// Cost (see cost.h).
//
// Thread-safety: immutable values; no shared mutable state.
#include "optimizer/cost.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace qgrad::optimizer {
namespace {

PolynomialCost::Expectation ExactExpectation(const sv::StateVector& state) {
  return [&state](const PauliString& p) {
    return sv::Expectation(state, PauliSum({PauliTerm{1.0, p}}));
  };
}

}  // namespace

absl::StatusOr<Cost> Cost::Observable(PauliSum hamiltonian) {
  if (hamiltonian.empty()) {
    return absl::InvalidArgumentError("observable: the Hamiltonian has no terms");
  }
  if (!hamiltonian.IsHermitian()) {
    return absl::InvalidArgumentError(
        "observable: the Hamiltonian is not Hermitian (a coefficient has an imaginary part)");
  }
  Cost cost;
  cost.hamiltonian_ = std::move(hamiltonian);
  return cost;
}

Cost Cost::Polynomial(PolynomialCost polynomial) {
  Cost cost;
  cost.polynomial_ = std::move(polynomial);
  return cost;
}

absl::Status Cost::CheckQubits(int num_qubits) const {
  if (polynomial_) {
    if (polynomial_->num_qubits() != num_qubits) {
      return absl::InvalidArgumentError(
          absl::StrCat("num_qubits: the polynomial cost acts on ", polynomial_->num_qubits(),
                       " qubits per register but the circuit has ", num_qubits));
    }
    return absl::OkStatus();
  }
  if (hamiltonian_.NumQubits() > num_qubits) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_qubits: the observable acts on ", hamiltonian_.NumQubits(),
                     " qubits but the circuit has ", num_qubits));
  }
  return absl::OkStatus();
}

double Cost::Value(const sv::StateVector& state) const {
  if (polynomial_) return polynomial_->Value(ExactExpectation(state));
  return sv::Expectation(state, hamiltonian_);
}

PauliSum Cost::GradientOperator(const sv::StateVector& state) const {
  if (polynomial_) return polynomial_->GradientOperator(ExactExpectation(state));
  return hamiltonian_;
}

}  // namespace qgrad::optimizer
