// First translation stage: any Circuit gate (extra ctrl/negctrl controls included) becomes
// single-qubit unitaries and CNOTs, exactly up to one global phase for the whole circuit.
// measure / reset / barrier pass through in order.
//
// Thread-safety: a Decomposer is used by one thread.
#ifndef QGRAD_BACKENDS_NATIVE_DECOMPOSE_H_
#define QGRAD_BACKENDS_NATIVE_DECOMPOSE_H_

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "backends/native/mat2.h"
#include "core/circuit.h"

namespace qgrad::backends::native::internal {

struct LogicalOp {
  enum class Kind { kOneQubit, kCx, kOther };
  Kind kind = Kind::kOneQubit;
  int q0 = -1;  // the qubit (one-qubit op) or the CNOT's control
  int q1 = -1;  // the CNOT's target
  Mat2 m;       // kOneQubit
  int other = -1;  // kOther: index into Decomposer::others()
  bool alive = true;
};

// More extra controls than this on one gate is INVALID_ARGUMENT: the ancilla-free
// decomposition grows as 2^(controls+1) CNOTs.
inline constexpr int kMaxControls = 12;
// Translation stops with RESOURCE_EXHAUSTED beyond kBaseOperations + kOperationsPerGate·gates
// single-qubit + CNOT operations: ordinary gates need far fewer than kOperationsPerGate;
// many heavily controlled ones (up to ~2^13 operations each) are refused instead of filling
// memory.
inline constexpr size_t kBaseOperations = 200'000;
inline constexpr size_t kOperationsPerGate = 100;

class Decomposer {
 public:
  explicit Decomposer(int num_qubits);

  // Appends the decomposition of `gate` (angles must be fixed numbers). INVALID_ARGUMENT
  // for parameterized angles, a unitary on three or more qubits, too many controls.
  absl::Status Add(const Gate& gate);
  // Operations appended so far (cancelled ones included): bounds the work.
  size_t size() const { return ops_.size(); }
  // The surviving operations, in order.
  std::vector<LogicalOp> Take();
  // measure / reset / barrier, indexed by LogicalOp::other.
  const std::vector<Gate>& others() const { return others_; }

 private:
  using Controls = std::vector<std::pair<int, bool>>;  // (qubit, required value)

  void OneQubit(int q, const Mat2& m);  // merges with the previous op on q
  void Cx(int c, int t);                // cancels with an adjacent identical CNOT
  void Other(const Gate& gate);
  absl::Status AddPauliRotation(const Gate& gate, const Controls& controls);
  absl::Status AddTwoQubitUnitary(const Gate& gate);
  void Swap(Controls controls, int a, int b);
  // The gate m on `target` when every control has its value; exact, phase included.
  void Controlled(Controls controls, int target, const Mat2& m);
  void Controlled1(int c, int t, const Mat2& m);
  // The diagonal exp(i f(x)) over `qubits`, f(x) = Σ_S a[S]·(−1)^{|S ∩ x|} (a[0] a global
  // phase), by rz on parities walked in Gray-code order: 2^k − 2 CNOTs for k qubits.
  void PhasePolynomial(const std::vector<int>& qubits, const std::vector<double>& a);

  int num_qubits_;
  std::vector<LogicalOp> ops_;
  std::vector<Gate> others_;
  std::vector<std::vector<int>> history_;  // per qubit: indices of live ops touching it
};

}  // namespace qgrad::backends::native::internal

#endif  // QGRAD_BACKENDS_NATIVE_DECOMPOSE_H_
