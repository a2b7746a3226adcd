// Shots of OpenQASM 3 programs whose control flow depends on measurement outcomes
// (qasm::ParsedProgram::dynamic): each shot runs the program as an interpreter
// (qasm::RunShot) on a state vector of its own, which answers every measurement with a
// seeded draw. A static program gives the same distribution through this path, only
// slower than sampling its circuit.
//
// Thread-safety: pure functions of their arguments; each call owns its state.
#ifndef QGRAD_BACKENDS_LOCAL_DYNAMIC_H_
#define QGRAD_BACKENDS_LOCAL_DYNAMIC_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/statevector/statevector.h"

namespace qgrad::backends::local {

struct DynamicShotOptions {
  std::map<std::string, double> bindings;  // input values, as qasm::ParseOptions has them
  size_t max_operations = 1'000'000;       // qasm::ParseOptions::max_operations, per shot
  int max_qubits = 24;                     // more declared qubits: RESOURCE_EXHAUSTED
};

struct DynamicShots {
  int num_qubits = 0;          // the qubits the program declared
  int num_clbits = 0;          // the program's bits (its global bit registers)
  std::vector<uint64_t> bits;  // per shot: bit b of an entry is program bit b
};

// `shots` shots drawn with std::mt19937_64(seed), one after the other: the same seed gives
// the same shots. Errors are the program's (qasm "LINE:COLUMN: ..."), RESOURCE_EXHAUSTED
// for more qubits than allowed, more than 64 bits, or a shot over the parser's budgets.
absl::StatusOr<DynamicShots> RunDynamicShots(const sv::Simulator& simulator,
                                             std::string_view source,
                                             const DynamicShotOptions& options,
                                             int64_t shots, uint64_t seed);

}  // namespace qgrad::backends::local

#endif  // QGRAD_BACKENDS_LOCAL_DYNAMIC_H_
