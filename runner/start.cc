// Start circuits; see start.h.
//
// Thread-safety: free functions only.
#include "runner/start.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "qasm/qasm.h"
#include "runner/ansatz.h"
#include "runner/status_util.h"

namespace qgrad::runner {
namespace {

// A Householder reflection H = I − 2uuᵀ, u ∝ e0 − a, maps |0⟩ to the real unit vector a.
std::vector<std::complex<double>> ReflectionOnto(const std::vector<double>& a) {
  const size_t dim = a.size();
  std::vector<double> u(a.size());
  for (size_t i = 0; i < dim; ++i) u[i] = (i == 0 ? 1.0 : 0.0) - a[i];
  double norm2 = 0;
  for (double x : u) norm2 += x * x;
  std::vector<std::complex<double>> m(dim * dim, 0.0);
  for (size_t r = 0; r < dim; ++r) {
    for (size_t c = 0; c < dim; ++c) {
      const double reflect = norm2 < 1e-30 ? 0.0 : 2.0 * u[r] * u[c] / norm2;
      m[r * dim + c] = (r == c ? 1.0 : 0.0) - reflect;
    }
  }
  return m;
}

absl::Status PrepareAmplitudes(const v1::InitialState& spec, Circuit& circuit) {
  const std::string path = "initial_state.amplitudes";
  const int n = circuit.num_qubits();
  if (n > kMaxAmplitudeQubits) {
    return FieldError(path, absl::StrCat("at most ", kMaxAmplitudeQubits, " qubits"));
  }
  if (spec.amplitudes_size() != (1 << n)) {
    return FieldError(path, absl::StrCat("has ", spec.amplitudes_size(), " entries, the ", n,
                                         "-qubit register needs ", 1 << n));
  }
  std::vector<double> a(spec.amplitudes().begin(), spec.amplitudes().end());
  double norm2 = 0;
  for (double x : a) norm2 += x * x;
  if (!(norm2 > 0) || !std::isfinite(norm2)) return FieldError(path, "zero or non-finite vector");
  for (double& x : a) x /= std::sqrt(norm2);
  Gate g;
  g.kind = GateKind::kUnitary;
  for (int q = 0; q < n; ++q) g.qubits.push_back(q);
  g.matrix = ReflectionOnto(a);
  return WithPath(circuit.Append(std::move(g)), path);
}

absl::Status Prepare(const v1::InitialState& spec, const BuiltProblem& problem,
                     Circuit& circuit) {
  if (spec.amplitudes_size() > 0) return PrepareAmplitudes(spec, circuit);
  const std::string& prep = spec.preparation();
  if (prep.empty() || prep == "zero") return absl::OkStatus();
  if (prep == "plus") {
    for (int q = 0; q < circuit.num_qubits(); ++q) {
      if (absl::Status s = circuit.Add(GateKind::kH, {q}); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  if (prep == "hartree_fock") {
    if (!problem.hartree_fock_state) {
      return FieldError("initial_state.preparation", "hartree_fock needs a molecule problem");
    }
    for (int q = 0; q < circuit.num_qubits(); ++q) {
      if ((*problem.hartree_fock_state >> q) & 1) {
        if (absl::Status s = circuit.Add(GateKind::kX, {q}); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }
  return FieldError("initial_state.preparation",
                    absl::StrCat("unknown preparation '", prep, "' (zero, plus, hartree_fock)"));
}

// The parser counts operations while it expands definitions, so a nested-definition bomb
// stops at the budget. Its max_qubits also bounds `input` parameters, hence the larger of
// the register limit and the gate budget (declared qubits only cost their names; the count
// must match the problem's anyway).
qasm::ParseOptions QasmBudget(const JobLimits& limits) {
  qasm::ParseOptions options;
  options.max_operations = size_t(limits.max_start_gates);
  options.max_qubits = int(std::clamp<int64_t>(
      std::max<int64_t>(limits.qubits.value, limits.max_start_gates), 1, INT32_MAX));
  return options;
}

absl::StatusOr<StartCircuit> FromQasm(const v1::InitialState& spec, int num_qubits,
                                      const JobLimits& limits) {
  const std::string path = "initial_state.qasm";
  absl::StatusOr<qasm::ParsedProgram> program = qasm::Parse(spec.qasm(), QasmBudget(limits));
  if (!program.ok()) return WithPath(program.status(), path);
  if (program->circuit.num_qubits() != num_qubits) {
    return FieldError(path, absl::StrCat("the program has ", program->circuit.num_qubits(),
                                         " qubits, the problem ", num_qubits));
  }
  if (program->dynamic || !program->circuit.IsUnitary()) {
    return FieldError(path, "a start circuit may not measure or reset");
  }
  return StartCircuit{std::move(program->circuit), {}};
}

// Count and magnitudes of the given params, before any circuit is built.
absl::Status CheckGivenParams(const v1::InitialState& spec, const JobLimits& limits) {
  const std::string path = "initial_state.params";
  if (absl::Status s = CheckCount(path, spec.params_size(), "values", limits.max_start_gates,
                                  "max_start_gates");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < spec.params_size(); ++i) {
    absl::Status s = CheckRealRange(absl::StrCat(path, "[", i, "]"), spec.params(i),
                                    -kMaxStartParam, kMaxStartParam);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ApplyGivenParams(const v1::InitialState& spec, StartCircuit& start) {
  if (spec.params_size() == 0) {
    start.params.resize(start.circuit.num_params(), 0.0);
    return absl::OkStatus();
  }
  if (spec.params_size() != start.circuit.num_params()) {
    return FieldError("initial_state.params",
                      absl::StrCat(spec.params_size(), " values for ",
                                   start.circuit.num_params(), " circuit parameters"));
  }
  start.params.assign(spec.params().begin(), spec.params().end());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StartCircuit> BuildStart(const v1::InitialState& spec, const BuiltProblem& problem,
                                        uint64_t seed, const JobLimits& limits) {
  if (absl::Status s = CheckGivenParams(spec, limits); !s.ok()) return s;
  StartCircuit start{Circuit(problem.num_qubits), {}};
  if (!spec.qasm().empty()) {
    absl::StatusOr<StartCircuit> parsed = FromQasm(spec, problem.num_qubits, limits);
    if (!parsed.ok()) return parsed.status();
    start = *std::move(parsed);
  } else {
    if (absl::Status s = Prepare(spec, problem, start.circuit); !s.ok()) return s;
    if (spec.has_ansatz()) {
      absl::Status s =
          AppendAnsatz(spec.ansatz(), problem, seed, limits, start.circuit, start.params);
      if (!s.ok()) return s;
    }
  }
  if (absl::Status s = ApplyGivenParams(spec, start); !s.ok()) return s;
  return start;
}

}  // namespace qgrad::runner
