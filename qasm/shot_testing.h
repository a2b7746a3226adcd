// Test helper: the exact outcome distribution of a program run with RunShot(), found by
// following every branch of its measurements (and of its resets, which measure too) on a
// dense state vector (dense_testing.h). No sampling: each branch's probability
// is the product of its outcomes' Born probabilities, so tests compare exact numbers.
// Branches below `min_probability` are not followed; `missing` is the probability of the
// branches not followed (1 minus the total found).
//
// Thread-safety: pure functions; a BranchingState is used by one shot at a time.
#ifndef QGRAD_QASM_SHOT_TESTING_H_
#define QGRAD_QASM_SHOT_TESTING_H_

#include <cmath>
#include <complex>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/circuit.h"
#include "qasm/dense_testing.h"
#include "qasm/qasm.h"

namespace qgrad::qasm::testing {


// Follows one branch: the outcomes in `forced`, then 0 where possible. Records where the
// other outcome was possible too, so the caller can follow that branch next.
class BranchingState : public QuantumState {
 public:
  explicit BranchingState(std::vector<int> forced) : forced_(std::move(forced)) {}

  absl::Status Apply(const Circuit& segment) override {
    Grow(segment.num_qubits());
    for (const Gate& g : segment.gates()) {
      if (g.kind == GateKind::kReset) {
        if (Collapse(g.qubits[0]) == 1) Flip(g.qubits[0]);
      } else if (Info(g.kind).is_unitary) {
        ApplyGate(g, {}, n_, psi_, 1);
      } else if (g.kind != GateKind::kBarrier) {
        return absl::InternalError("unexpected operation in a segment");
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<int> Measure(int qubit) override {
    if (qubit >= n_) return absl::InternalError("measured qubit beyond the state");
    int outcome = Collapse(qubit);
    record_.push_back(outcome);
    return outcome;
  }

  double probability() const { return probability_; }
  // Branches not taken: their outcomes and the probability of reaching them.
  const std::vector<std::pair<std::vector<int>, double>>& alternatives() const {
    return alternatives_;
  }
  // The outcomes of the measurements (not the resets), in order.
  const std::vector<int>& record() const { return record_; }

 private:
  void Grow(int n) {
    if (n <= n_) return;
    psi_.resize(size_t{1} << n, 0.0);  // new qubits are high bits, in |0>
    n_ = n;
  }
  void Flip(int qubit) {
    Gate x;
    x.kind = GateKind::kX;
    x.qubits = {qubit};
    ApplyGate(x, {}, n_, psi_, 1);
  }
  int Collapse(int qubit) {
    size_t bit = size_t{1} << qubit;
    double p1 = 0;
    for (size_t i = 0; i < psi_.size(); ++i) {
      if (i & bit) p1 += std::norm(psi_[i]);
    }
    double p0 = 1 - p1;
    size_t step = taken_.size();
    int outcome;
    if (step < forced_.size()) {
      outcome = forced_[step];
    } else {
      outcome = p0 > 1e-12 ? 0 : 1;
      if (outcome == 0 && p1 > 1e-12) {
        std::vector<int> other = taken_;
        other.push_back(1);
        alternatives_.emplace_back(std::move(other), probability_ * p1);
      }
    }
    taken_.push_back(outcome);
    double p = outcome ? p1 : p0;
    probability_ *= p;
    double scale = p > 0 ? 1 / std::sqrt(p) : 0;
    for (size_t i = 0; i < psi_.size(); ++i) {
      psi_[i] = (((i & bit) != 0) == (outcome == 1)) ? psi_[i] * scale : 0.0;
    }
    return outcome;
  }

  std::vector<int> forced_;
  std::vector<int> taken_;  // every collapse's outcome (measurements and resets)
  std::vector<int> record_;
  std::vector<std::pair<std::vector<int>, double>> alternatives_;
  double probability_ = 1.0;
  int n_ = 0;
  Dense psi_ = Dense(1, 1.0);
};

struct Distribution {
  // Keyed by the program's bits ("0110": bit 0 first) or, with by_record, by the
  // measurement outcomes in program order.
  std::map<std::string, double> p;
  double missing = 0;  // probability of the branches not followed
};

inline absl::StatusOr<Distribution> ExactDistribution(const std::string& source,
                                                      double min_probability = 1e-9,
                                                      bool by_record = false,
                                                      const ParseOptions& options = {}) {
  Distribution d;
  std::vector<std::vector<int>> pending = {{}};
  while (!pending.empty()) {
    BranchingState state(pending.back());
    pending.pop_back();
    absl::StatusOr<std::vector<int>> bits = RunShot(source, options, state);
    if (!bits.ok()) return bits.status();
    std::string key;
    for (int b : by_record ? state.record() : *bits) key.push_back(b ? '1' : '0');
    d.p[key] += state.probability();
    for (const auto& [other, p] : state.alternatives()) {
      if (p >= min_probability) pending.push_back(other);
    }
  }
  d.missing = 1;
  for (const auto& [key, p] : d.p) d.missing -= p;
  return d;
}

}  // namespace qgrad::qasm::testing

#endif  // QGRAD_QASM_SHOT_TESTING_H_
