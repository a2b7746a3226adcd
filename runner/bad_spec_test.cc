// Bad job specifications: each must fail with the right canonical code and a message that
// names the offending field (or the file line).
//
// Thread-safety: single-threaded tests.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runner/json_io.h"
#include "runner/runner.h"

namespace qgrad::runner {
namespace {

struct BadSpec {
  std::string name;
  std::string json;
  absl::StatusCode code;
  std::string message_part;
};

constexpr char kH2Header[] = R"(&FCI NORB=2, NELEC=2, MS2=0, /\n)";

std::vector<BadSpec> Table() {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  return {
      {"qubit count mismatch",
       R"({"problem": {"maxcut": {"generator": {"kind": "paper"}}, "numQubits": 5}})", invalid,
       "problem.num_qubits: 5 does not match the problem's 4 qubits"},
      {"non-Hermitian observable", R"({"problem": {"pauliSum": {"text": "(0.5+1j) Z0"}}})",
       invalid, "problem.pauli_sum.text: not Hermitian"},
      {"empty Pauli sum", R"({"problem": {"pauliSum": {"text": ""}}})", invalid,
       "problem.pauli_sum.text: empty"},
      {"empty inline graph", R"({"problem": {"maxcut": {"edges": {}}}})", invalid,
       "problem.maxcut.edges: graph has no edges"},
      {"empty edge list", R"({"problem": {"maxcut": {"edgeList": "# nothing\n"}}})", invalid,
       "problem.maxcut.edge_list: edge list has no edges"},
      {"self loop",
       R"({"problem": {"maxcut": {"edges": {"edges": [{"u": 0, "v": 1}, {"u": 1, "v": 3},
          {"u": 3, "v": 0}, {"u": 2, "v": 2}]}}}})",
       invalid, "problem.maxcut.edges[3]: self loop on node 2"},
      {"bad edge list line", R"({"problem": {"maxcut": {"edgeList": "0 1\n1 x\n"}}})", invalid,
       "problem.maxcut.edge_list: edge list line 2"},
      {"unknown generator",
       R"({"problem": {"maxcut": {"generator": {"kind": "hexagon"}}}})", invalid,
       "problem.maxcut.generator.kind: unknown generator 'hexagon'"},
      {"step size zero",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"nested": {"stepSize": 0}}})",
       invalid, "method.nested.step_size: must be > 0"},
      {"step size negative",
       R"({"problem": {"pauliSum": {"text": "Z0"}},
           "method": {"nested": {"relativeStepSize": -0.5}}})",
       invalid, "method.nested.relative_step_size: must be > 0"},
      {"unknown pool",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"nested": {"pool": "triangles"}}})",
       invalid, "method.nested.pool:"},
      {"unknown layer kind",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"nested": {"layerKind": "x"}}})",
       invalid, "method.nested.layer_kind:"},
      {"unknown hand-back",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"nested": {"handBack": "x"}}})",
       invalid, "method.nested.hand_back: unknown mode 'x'"},
      {"FCIDUMP without NORB",
       R"({"problem": {"molecule": {"fcidumpText": "&FCI NELEC=2, MS2=0, /\n0.7 0 0 0 0\n"}}})",
       invalid, "problem.molecule.fcidump_text: FCIDUMP header (line 1): missing field NORB"},
      {"FCIDUMP index out of range",
       std::string(R"({"problem": {"molecule": {"fcidumpText": ")") + kH2Header +
           R"(0.5 3 1 0 0\n0.7 0 0 0 0\n"}}})",
       invalid, "problem.molecule.fcidump_text: FCIDUMP line 2"},
      {"missing FCIDUMP file",
       R"({"problem": {"molecule": {"fcidumpPath": "/nonexistent/x.FCIDUMP"}}})",
       absl::StatusCode::kNotFound, "problem.molecule.fcidump_path"},
      {"frozen core too large",
       std::string(R"({"problem": {"molecule": {"frozenCore": 3, "fcidumpText": ")") +
           kH2Header + R"(0.5 1 1 0 0\n0.7 0 0 0 0\n"}}})",
       invalid, "problem.molecule: frozen_core"},
      {"no problem", R"({})", invalid, "problem: one of"},
      {"unknown model", R"({"problem": {"model": {"kind": "potts", "numQubits": 3}}})", invalid,
       "problem.model: kind: unknown model 'potts'"},
      {"polynomial degree 1", R"({"problem": {"polynomial": {"a": "Z0", "degree": 1}}})",
       invalid, "problem.polynomial.degree: must be >= 2"},
      {"unknown ansatz",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "initialState": {"ansatz": {"name": "x"}}})",
       invalid, "initial_state.ansatz.name: unknown ansatz 'x'"},
      {"qasm qubit mismatch",
       R"({"problem": {"pauliSum": {"text": "Z0 Z1"}},
           "initialState": {"qasm": "OPENQASM 3.0; qubit[3] q;"}})",
       invalid, "initial_state.qasm: the program has 3 qubits, the problem 2"},
      {"wrong parameter count",
       R"({"problem": {"pauliSum": {"text": "Z0 Z1"}},
           "initialState": {"ansatz": {"name": "qaoa"}, "params": [0.1]}})",
       invalid, "initial_state.params: 1 values for 2 circuit parameters"},
      {"hartree-fock without molecule",
       R"({"problem": {"pauliSum": {"text": "Z0"}},
           "initialState": {"preparation": "hartree_fock"}})",
       invalid, "initial_state.preparation: hartree_fock needs a molecule"},
      {"too many qubits",
       R"({"problem": {"model": {"kind": "local_z", "numQubits": 8}},
           "limits": {"maxQubits": 6}})",
       absl::StatusCode::kResourceExhausted, "limits.max_qubits = 6"},
      {"negative iteration budget",
       R"({"problem": {"pauliSum": {"text": "Z0"}},
           "method": {"nested": {"stop": {"maxIterations": -1}}}})",
       invalid, "method.nested.max_iterations: must be >= 0"},
      {"hea_vqe after an ansatz",
       R"({"problem": {"pauliSum": {"text": "Z0 Z1"}},
           "initialState": {"ansatz": {"name": "qaoa"}}, "method": {"heaVqe": {}}})",
       invalid, "initial_state: hea_vqe builds its own ansatz"},
      {"adapt_vqe unknown pool",
       R"({"problem": {"pauliSum": {"text": "Z0"}}, "method": {"adaptVqe": {"pool": "x"}}})",
       invalid, "method.adapt_vqe.pool:"},
      {"unknown JSON field", R"({"problem": {"pauliSum": {"txt": "Z0"}}})", invalid,
       "spec JSON:"},
  };
}

TEST(BadSpecTest, EachNamesTheFieldOrLine) {
  for (const BadSpec& bad : Table()) {
    SCOPED_TRACE(bad.name);
    absl::Status status;
    absl::StatusOr<v1::JobSpec> spec = ParseJobSpecJson(bad.json);
    if (spec.ok()) {
      status = RunJob(*spec).status();
      // Validation alone (what the job server does on submission) finds the same error.
      const absl::Status validated = ValidateJob(*spec).status();
      EXPECT_EQ(validated.code(), status.code()) << validated;
      EXPECT_EQ(validated.message(), status.message());
    } else {
      status = spec.status();
    }
    EXPECT_EQ(status.code(), bad.code) << status;
    EXPECT_NE(std::string(status.message()).find(bad.message_part), std::string::npos)
        << "got: " << status;
  }
}

}  // namespace
}  // namespace qgrad::runner
