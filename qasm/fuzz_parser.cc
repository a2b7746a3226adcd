// libFuzzer target for the OpenQASM 3 parser: any input must either fail cleanly or parse;
// a successful parse is emitted and the emitted program must parse again to a circuit of
// the same size and, for small circuits, the same unitary. A dynamic program (control flow
// on measurement outcomes) is also run as one shot, on a state that ignores the gates and
// answers measurements 0, 1, 0, ...: it must end or fail cleanly within its budgets.
// Built only with -DQGRAD_FUZZ=ON (clang).
//
// Thread-safety: called by libFuzzer from one thread.
#include <cstdint>
#include <cstdio>
#include <string_view>

#include <cmath>
#include <vector>

#include "qasm/dense_testing.h"
#include "qasm/qasm.h"

namespace {

// Small enough for a dense comparison, with angles small enough to compare at 1e-6.
bool Comparable(const qgrad::Circuit& c) {
  if (c.num_qubits() > 4 || c.gates().size() > 200) return false;
  for (const qgrad::Gate& g : c.gates()) {
    for (const qgrad::Angle& a : g.angles) {
      if (std::fabs(a.constant) > 1e6 || std::fabs(a.scale) > 1e6) return false;
    }
  }
  return true;
}

// Stands in for a simulator: the interpreter's control flow is what is fuzzed.
class AlternatingState : public qgrad::qasm::QuantumState {
 public:
  absl::Status Apply(const qgrad::Circuit&) override { return absl::OkStatus(); }
  absl::StatusOr<int> Measure(int) override { return next_ ^= 1; }

 private:
  int next_ = 1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  qgrad::qasm::ParseOptions options;
  options.max_operations = 20'000;  // keeps each run fast; blow-ups must still be caught
  options.max_qubits = 64;
  absl::StatusOr<qgrad::qasm::ParsedProgram> parsed = qgrad::qasm::Parse(text, options);
  if (!parsed.ok()) return 0;
  if (parsed->dynamic) {
    AlternatingState state;
    absl::StatusOr<std::vector<int>> bits = qgrad::qasm::RunShot(text, options, state);
    if (bits.ok() && bits->size() < parsed->clbit_names.size()) {
      std::fprintf(stderr, "a shot has fewer bits than the parse declared\n");
      __builtin_trap();
    }
  }
  absl::StatusOr<std::string> emitted = qgrad::qasm::Emit(parsed->circuit);
  if (!emitted.ok()) return 0;  // e.g. an angle that overflowed after pow() scaling
  options.max_operations = 200'000;  // definitions the emitter writes expand to a few gates
  absl::StatusOr<qgrad::qasm::ParsedProgram> again = qgrad::qasm::Parse(*emitted, options);
  if (!again.ok() || again->circuit.num_qubits() != parsed->circuit.num_qubits() ||
      again->circuit.num_clbits() != parsed->circuit.num_clbits()) {
    std::fprintf(stderr, "emitted program does not parse back: %s\n%s\n",
                 again.ok() ? "size mismatch" : std::string(again.status().message()).c_str(),
                 emitted->c_str());
    __builtin_trap();
  }
  if (Comparable(parsed->circuit)) {
    std::vector<double> params(parsed->circuit.num_params(), 0.37);
    double diff = qgrad::qasm::testing::MaxDiff(
        qgrad::qasm::testing::CircuitUnitary(parsed->circuit, params),
        qgrad::qasm::testing::CircuitUnitary(again->circuit, params));
    if (!(diff < 1e-6)) {
      std::fprintf(stderr, "emitted program changes the unitary by %g:\n%s\n", diff,
                   emitted->c_str());
      __builtin_trap();
    }
  }
  return 0;
}
