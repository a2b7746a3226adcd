// Bad job specifications: each must fail with the right canonical code and a message that
// names the offending field (or the file line). The hostile ones (non-finite numbers in
// every floating-point field, sizes that would allocate gigabytes or overflow 32 bits,
// expansion bombs) must be refused by the limits before any of that work: were the
// checks late, these tests would exhaust memory or time out instead of failing an assert.
//
// Thread-safety: single-threaded tests.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "runner/field_path_for_testing.h"
#include "runner/json_io.h"
#include "runner/runner.h"

namespace qgrad::runner {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct BadSpec {
  std::string name;
  std::string json;
  absl::StatusCode code;
  std::string message_part;
  SpecLimits limits = {};  // the caller's limits (qgrad CLI defaults)
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
       "problem.maxcut.edges.edges: graph has no edges"},
      {"empty edge list", R"({"problem": {"maxcut": {"edgeList": "# nothing\n"}}})", invalid,
       "problem.maxcut.edge_list: edge list has no edges"},
      {"self loop",
       R"({"problem": {"maxcut": {"edges": {"edges": [{"u": 0, "v": 1}, {"u": 1, "v": 3},
          {"u": 3, "v": 0}, {"u": 2, "v": 2}]}}}})",
       invalid, "problem.maxcut.edges.edges[3]: self loop on node 2"},
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
       invalid, "problem.molecule.frozen_core: must be <= 2, got 3"},
      {"frozen core and virtual together too large",
       std::string(R"({"problem": {"molecule": {"frozenCore": 1, "frozenVirtual": 1,
           "fcidumpText": ")") + kH2Header + R"(0.5 1 1 0 0\n0.7 0 0 0 0\n"}}})",
       invalid, "problem.molecule: frozen_core"},
      {"no problem", R"({})", invalid, "problem: one of"},
      {"unknown model", R"({"problem": {"model": {"kind": "potts", "numQubits": 3}}})", invalid,
       "problem.model.kind: unknown model 'potts'"},
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
       invalid, "method.nested.stop.max_iterations: must be >= 0, got -1"},
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

// The error RunJob reports, after checking that validation alone (what the job server does
// on submission) reports the same one.
absl::Status RunAndValidate(const v1::JobSpec& spec, const SpecLimits& limits) {
  RunOptions options;
  options.limits = limits;
  const absl::Status run = RunJob(spec, options).status();
  const absl::Status validated = ValidateJob(spec, "", limits).status();
  EXPECT_EQ(validated.code(), run.code()) << validated;
  EXPECT_EQ(validated.message(), run.message());
  return run;
}

void ExpectRefused(const std::vector<BadSpec>& table) {
  for (const BadSpec& bad : table) {
    SCOPED_TRACE(bad.name);
    absl::StatusOr<v1::JobSpec> spec = ParseJobSpecJson(bad.json);
    const absl::Status status = spec.ok() ? RunAndValidate(*spec, bad.limits) : spec.status();
    EXPECT_EQ(status.code(), bad.code) << status;
    EXPECT_NE(std::string(status.message()).find(bad.message_part), std::string::npos)
        << "got: " << status;
    // One path convention (the JSON parser's own messages aside).
    if (!absl::StartsWith(status.message(), "spec JSON:")) {
      EXPECT_EQ(FieldPathProblemForTesting(status.message(), *v1::JobSpec::descriptor()), "");
    }
  }
}

TEST(BadSpecTest, EachNamesTheFieldOrLine) { ExpectRefused(Table()); }

// "numbers" as a JSON array of `count` copies of `value`.
std::string JsonArray(int count, const std::string& value) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) absl::StrAppend(&out, i ? ", " : "", value);
  return out + "]";
}

// The issue's cases and every size or knob bound (job.proto), under the default limits
// unless a case lowers them to keep its input small.
std::vector<BadSpec> HostileTable() {
  const auto invalid = absl::StatusCode::kInvalidArgument;
  const auto exhausted = absl::StatusCode::kResourceExhausted;
  const std::string tfim4 = R"("problem": {"model": {"kind": "tfim", "numQubits": 4}})";
  const std::string z0z1 = R"("problem": {"pauliSum": {"text": "Z0 Z1"}})";
  SpecLimits few_terms;
  few_terms.max_pauli_terms = 3;
  SpecLimits few_gates;
  few_gates.max_start_gates = 5;
  SpecLimits server;
  server.max_qubits = 20;
  server.max_shots = 5000;
  return {
      {"NaN start parameter (the issue's maxcut.json case)",
       R"({"problem": {"maxcut": {"generator": {"kind": "paper"}}}, "initialState":
          {"preparation": "plus", "ansatz": {"name": "qaoa"}, "params": ["NaN", 0.5]},
          "method": {"nested": {"warmStart": {"optimizer": "cobyla"}}}})",
       invalid, "initial_state.params[0]: must be finite, got nan"},
      {"complete graph of 2^31 - 1 nodes",
       R"({"problem": {"maxcut": {"generator": {"kind": "complete",
          "numNodes": 2147483647}}}})",
       exhausted,
       "problem.maxcut.generator.num_nodes: 2147483647 qubits exceed limits.max_qubits = 20"},
      {"hardware-efficient start ansatz with 2e9 layers",
       "{" + tfim4 + R"(, "initialState": {"ansatz": {"name": "hardware_efficient",
          "layers": 2000000000}}})",
       exhausted,
       "initial_state.ansatz.layers: 22000000000 start gates exceed max_start_gates = 10000"},
      {"hea_vqe baseline with 2e9 layers",
       "{" + tfim4 + R"(, "method": {"heaVqe": {"layers": 2000000000}}})", exhausted,
       "method.hea_vqe.layers: 22000000008 ansatz gates exceed max_start_gates = 10000"},
      {"polynomial degree x qubits wrapping 32 bits",
       R"({"problem": {"polynomial": {"a": "Z0 Z1", "degree": 65536, "numQubits": 65536}}})",
       invalid, "problem.polynomial.degree: must be <= 64, got 65536"},
      {"polynomial degree x qubits above 64",
       R"({"problem": {"polynomial": {"a": "Z0 Z1", "degree": 8, "numQubits": 9}}})", invalid,
       "problem.polynomial: degree=8 x num_qubits=9 exceeds 64 qubits"},
      {"huge node index in an inline edge",
       R"({"problem": {"maxcut": {"edges": {"edges": [{"u": 0, "v": 2147483647}]}}}})",
       exhausted, "problem.maxcut.edges.edges[0]: 2147483648 qubits exceed limits.max_qubits = 20"},
      {"huge node index in an edge list",
       R"({"problem": {"maxcut": {"edgeList": "0 1\n1 1048576\n"}}})", exhausted,
       "problem.maxcut.edge_list: 1048577 qubits exceed limits.max_qubits = 20"},
      {"more inline edges than a 20-node graph has",
       R"({"problem": {"maxcut": {"edges": {"edges": )" +
           JsonArray(191, R"({"u": 0, "v": 1})") + "}}}}",
       exhausted, "problem.maxcut.edges.edges: 191 edges exceed the 190 of a complete graph on "
                  "limits.max_qubits = 20 qubits"},
      {"more edge-list lines than a 20-node graph has",
       R"({"problem": {"maxcut": {"edgeList": ")" + [] {
         std::string lines;
         for (int i = 0; i < 191; ++i) absl::StrAppend(&lines, "0 1 # again\\n");
         return lines;
       }() + R"("}}})",
       exhausted, "problem.maxcut.edge_list: 191 edges exceed the 190 of a complete graph"},
      {"more Pauli terms than max_pauli_terms",
       R"({"problem": {"pauliSum": {"text": "Z0 + Z1 + Z2 + Z3"}}})", exhausted,
       "problem.pauli_sum.text: 4 terms exceed max_pauli_terms = 3", few_terms},
      {"more params than max_start_gates",
       "{" + z0z1 + R"(, "initialState": {"params": )" + JsonArray(6, "0") + "}}", exhausted,
       "initial_state.params: 6 values exceed max_start_gates = 5", few_gates},
      {"OpenQASM start program above max_start_gates",
       "{" + z0z1 + R"(, "initialState": {"qasm": "OPENQASM 3.0; include \"stdgates.inc\";
          qubit[2] q; h q; h q; h q;"}})",
       exhausted, "initial_state.qasm: 2:33: program needs more than 5 operations",
       few_gates},
      {"register above the caller's limit",
       R"({"problem": {"model": {"kind": "tfim", "numQubits": 30}},
           "limits": {"maxQubits": 40}})",
       exhausted, "problem.model.num_qubits: 30 qubits exceed max_qubits = 20", server},
      {"shots above the caller's limit",
       R"({"problem": {"maxcut": {"generator": {"kind": "paper"}, "shots": 5001}}})",
       exhausted, "problem.maxcut.shots: 5001 shots exceed max_shots = 5000", server},
      {"negative shots",
       R"({"problem": {"maxcut": {"generator": {"kind": "paper"}, "shots": -1}}})", invalid,
       "problem.maxcut.shots: must be >= 0, got -1"},
      {"FCIDUMP active space above the register limit",
       R"({"problem": {"molecule": {"fcidumpText": "&FCI NORB=12, NELEC=2, MS2=0, /\n)"
       R"(0.7 0 0 0 0\n"}}})",
       exhausted, "problem.molecule: 24 qubits exceed limits.max_qubits = 20"},
      {"huge frozen core",
       R"({"problem": {"molecule": {"frozenCore": 2147483647, "frozenVirtual": 2147483647,
          "fcidumpText": "&FCI NORB=2, NELEC=2, MS2=0, /\n0.7 0 0 0 0\n"}}})",
       invalid, "problem.molecule.frozen_core: must be <= 2, got 2147483647"},
      {"huge Pauli-sum coefficient", R"({"problem": {"pauliSum": {"text": "1e300 Z0"}}})",
       invalid, "problem.pauli_sum.text: coefficient of Z0: |1e+300| exceeds 1e+06"},
      {"coefficients that overflow when combined",
       R"({"problem": {"pauliSum": {"text": "1e308 Z0 + 1e308 Z0"}}})", invalid,
       "problem.pauli_sum.text: coefficient of Z0: |inf| exceeds 1e+06"},
      {"huge edge weight",
       R"({"problem": {"maxcut": {"edges": {"edges": [{"u": 0, "v": 1, "weight": 1e7}]}}}})",
       invalid, "problem.maxcut.edges.edges[0].weight: |1e+07| exceeds 1e+06"},
      {"huge model coupling",
       R"({"problem": {"model": {"kind": "tfim", "numQubits": 3, "h": -1e9}}})", invalid,
       "problem.model.h: |-1e+09| exceeds 1e+06"},
      {"huge start parameter",
       "{" + z0z1 + R"(, "initialState": {"ansatz": {"name": "qaoa"}, "params": [0, 1e300]}})",
       invalid, "initial_state.params[1]: must be <= 10000, got 1e+300"},
      {"amplitudes on 9 qubits",
       R"({"problem": {"model": {"kind": "local_z", "numQubits": 9}},
           "initialState": {"amplitudes": )" + JsonArray(512, "1") + "}}",
       invalid, "initial_state.amplitudes: at most 8 qubits"},
      {"huge step size", "{" + z0z1 + R"(, "method": {"nested": {"stepSize": 1e300}}})",
       invalid, "method.nested.step_size: must be <= 1e+06, got 1e+300"},
      {"outer iterations above the bound",
       "{" + z0z1 + R"(, "method": {"nested": {"stop": {"maxIterations": 1000000}}}})",
       invalid, "method.nested.stop.max_iterations: must be <= 100000, got 1000000"},
      {"step shrinks above the bound",
       "{" + z0z1 + R"(, "method": {"nested": {"stepControl": {"maxShrinks": 1000}}}})",
       invalid, "method.nested.step_control.max_shrinks: must be <= 60"},
      {"gates per layer above the bound",
       "{" + z0z1 + R"(, "method": {"nested": {"maxGatesPerLayer": 100000}}})", invalid,
       "method.nested.max_gates_per_layer: must be <= 1000"},
      {"negative recompression period",
       "{" + z0z1 + R"(, "method": {"nested": {"recompressEvery": -1}}})", invalid,
       "method.nested.recompress_every: must be >= 0"},
      {"recompression without gates",
       "{" + z0z1 + R"(, "method": {"nested": {"recompressMaxGates": 0}}})", invalid,
       "method.nested.recompress_max_gates: must be >= 1"},
      {"warm-start evaluations above the bound",
       "{" + z0z1 + R"(, "method": {"nested": {"warmStart": {"maxEvaluations": 1000000000}}}})",
       invalid, "method.nested.warm_start.max_evaluations: must be <= 100000"},
      {"COBYLA simplex of zero size",
       "{" + z0z1 + R"(, "method": {"nested": {"warmStart": {"initialStep": 0}}}})", invalid,
       "method.nested.warm_start.initial_step: must be >= 1e-06, got 0"},
      {"coupling graph with more edges than pairs",
       "{" + z0z1 + R"(, "method": {"nested": {"coupling": )" +
           JsonArray(2, R"({"a": 0, "b": 1})") + "}}}",
       invalid, "method.nested.coupling: 2 edges, but 2 qubits have only 1 distinct pairs"},
      {"parameter-shift iterations above the bound",
       "{" + z0z1 + R"(, "method": {"parameterShift": {"iterations": 2000000000}}})", invalid,
       "method.parameter_shift.iterations: must be <= 100000"},
      {"parameter-shift learning rate above the bound",
       "{" + z0z1 + R"(, "method": {"parameterShift": {"learningRate": 1e9}}})", invalid,
       "method.parameter_shift.learning_rate: must be <= 1000, got 1e+09"},
      {"ADAPT iterations above the bound",
       "{" + z0z1 + R"(, "method": {"adaptVqe": {"maxIterations": 2000000000}}})", invalid,
       "method.adapt_vqe.max_iterations: must be <= 10000"},
      {"HEA evaluations above the bound",
       "{" + z0z1 + R"(, "method": {"heaVqe": {"maxEvaluations": 2000000000}}})", invalid,
       "method.hea_vqe.max_evaluations: must be <= 100000"},
      {"spec register limit above 64", "{" + z0z1 + R"(, "limits": {"maxQubits": 65}})",
       invalid, "limits.max_qubits: must be <= 64, got 65"},
      {"wall-clock limit above a year", "{" + z0z1 + R"(, "limits": {"maxWallSeconds": 1e30}})",
       invalid, "limits.max_wall_seconds: must be <= 3.16224e+07"},
      {"unknown fidelity rule",
       "{" + z0z1 + R"(, "method": {"nested": {"fidelityTarget": {"rule": "exact"}}}})",
       invalid, "method.nested.fidelity_target.rule: unknown rule 'exact' (adaptive, fixed)"},
      {"fixed fidelity rule without its value",
       "{" + z0z1 + R"(, "method": {"nested": {"fidelityTarget": {"rule": "fixed"}}}})",
       invalid, "method.nested.fidelity_target.fixed: rule fixed needs it"},
      {"fixed fidelity rule with an adaptive field",
       "{" + z0z1 + R"(, "method": {"nested": {"fidelityTarget": {"rule": "fixed",
          "fixed": 0.99, "floor": 0.9}}}})",
       invalid, "method.nested.fidelity_target: indicator_fraction, floor and ceiling belong "
                "to rule adaptive"},
      {"fixed fidelity rule of 0",
       "{" + z0z1 + R"(, "method": {"nested": {"fidelityTarget": {"rule": "fixed",
          "fixed": 0}}}})",
       invalid, "method.nested.fidelity_target: the fixed rule needs fixed in (0, 1]"},
  };
}

TEST(BadSpecTest, HostileSizesAndValuesAreRefusedBeforeAnyWork) {
  ExpectRefused(HostileTable());
}

TEST(BadSpecTest, ANestedDefinitionBombStopsAtTheStartGateBudget) {
  // 30 definitions, each calling the previous one twice: 2^30 gates from ~800 bytes.
  std::string program = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\n";
  absl::StrAppend(&program, "gate g0 a { x a; }\n");
  for (int k = 1; k <= 30; ++k) absl::StrAppend(&program, "gate g", k, " a { g", k - 1,
                                                " a; g", k - 1, " a; }\n");
  absl::StrAppend(&program, "g30 q[0];\n");
  v1::JobSpec spec;
  spec.mutable_problem()->mutable_pauli_sum()->set_text("Z0 Z1");
  spec.mutable_initial_state()->set_qasm(program);
  SpecLimits limits;
  limits.max_start_gates = 1000;  // the default 10^4 works alike, at 10 times the test's time
  const absl::Status status = RunAndValidate(spec, limits);
  // The parser reports its budget as INVALID_ARGUMENT with LINE:COLUMN today; a budget
  // reported as RESOURCE_EXHAUSTED is as good.
  EXPECT_TRUE(absl::IsInvalidArgument(status) || absl::IsResourceExhausted(status)) << status;
  EXPECT_NE(std::string(status.message()).find("initial_state.qasm: "), std::string::npos)
      << status;
  EXPECT_NE(std::string(status.message()).find("more than 1000 operations (max_operations"),
            std::string::npos)
      << status;
}

// Sets the double field at `path` (under `message`) to `value`: singular fields directly,
// repeated ones as their only element ("[0]"), creating the messages on the way.
struct DoubleField {
  std::string path;                                     // "problem.exact_cost"
  std::vector<const FieldDescriptor*> fields;           // from JobSpec down to the double
};

void CollectDoubleFields(const google::protobuf::Descriptor& descriptor, DoubleField prefix,
                         std::vector<DoubleField>& out) {
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor* field = descriptor.field(i);
    DoubleField next = prefix;
    absl::StrAppend(&next.path, next.path.empty() ? "" : ".", field->name(),
                    field->is_repeated() ? "[0]" : "");
    next.fields.push_back(field);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      CollectDoubleFields(*field->message_type(), next, out);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ||
               field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
      out.push_back(next);
    }
  }
}

void SetDouble(Message& root, const DoubleField& target, double value) {
  Message* message = &root;
  for (const FieldDescriptor* field : target.fields) {
    const google::protobuf::Reflection& r = *message->GetReflection();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      message = field->is_repeated() ? r.AddMessage(message, field)
                                     : r.MutableMessage(message, field);
    } else if (field->is_repeated()) {
      field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ? r.AddDouble(message, field, value)
                                                           : r.AddFloat(message, field, value);
    } else {
      field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ? r.SetDouble(message, field, value)
                                                           : r.SetFloat(message, field, value);
    }
  }
}

TEST(BadSpecTest, EveryFloatingPointFieldMustBeFinite) {
  std::vector<DoubleField> fields;
  CollectDoubleFields(*v1::JobSpec::descriptor(), {}, fields);
  EXPECT_GE(fields.size(), 26u);  // as job.proto declares them today
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const DoubleField& field : fields) {
    for (double bad : {nan, inf, -inf}) {
      SCOPED_TRACE(absl::StrCat(field.path, " = ", bad));
      v1::JobSpec spec;  // otherwise empty: the finite check comes before anything else
      SetDouble(spec, field, bad);
      const absl::Status status = RunAndValidate(spec, {});
      EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
      EXPECT_EQ(status.message(), absl::StrCat(field.path, ": must be finite, got ", bad));
    }
  }
}

}  // namespace
}  // namespace qgrad::runner
