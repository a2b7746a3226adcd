// `qgrad simulate`; see simulate_command.h.
//
// Thread-safety: single-threaded; reads global flags.
#include "cli/simulate_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "backends/backend.h"
#include "backends/local/dynamic.h"
#include "backends/local/local_backend.h"
#include "backends/statevector/shots.h"
#include "estimation/shadow_measurement.h"
#include "shadows/shadow.h"
#include "cli/shared_flags.h"
#include "backends/statevector/statevector.h"
#include "base/file.h"
#include "nlohmann/json.hpp"
#include "qasm/qasm.h"
#include "runner/json_io.h"

ABSL_FLAG(int64_t, shots, -1,
          "shots to sample; default 1024 when the program measures or nothing else is asked");
ABSL_FLAG(uint64_t, seed, 1, "random seed for sampling (the same seed gives the same shots)");
ABSL_FLAG(bool, statevector, false, "print the final amplitudes");
ABSL_FLAG(std::string, expect, "", "a Pauli sum to evaluate, e.g. \"0.5 * Z0 Z1 - X2\"");
ABSL_FLAG(std::vector<std::string>, bind, {},
          "values of input parameters: name=value[,name=value...] (arrays: name[i]=value)");

ABSL_FLAG(std::string, shadow, "",
          "estimate --expect from a classical shadow instead: pauli | clifford (the program "
          "text goes through the local backend with random measurement suffixes)");
ABSL_FLAG(int64_t, shots_per_setting, 0,
          "--shadow: shots per random setting (default 100 for pauli, 1 for clifford)");
ABSL_FLAG(int32_t, groups, 1, "--shadow: median-of-means groups (odd)");
ABSL_FLAG(double, confidence, 0.95, "--shadow: confidence level of the interval");

namespace qgrad::cli {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultShots = 1024;
// Text output lists at most this many amplitudes (JSON lists all).
constexpr size_t kMaxPrintedAmplitudes = 4096;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "qgrad simulate: %s\n", message.c_str());
  return code;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::stringstream buffer;
    buffer << std::cin.rdbuf();
    return buffer.str();
  }
  return base::ReadFile(path, runner::kMaxTextFileBytes);
}

absl::StatusOr<std::map<std::string, double>> ParseBindings(
    const std::vector<std::string>& items) {
  std::map<std::string, double> bindings;
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    double value = 0;
    if (eq == std::string::npos || eq == 0 || !absl::SimpleAtod(item.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--bind expects name=number, got '", item, "'"));
    }
    bindings[item.substr(0, eq)] = value;
  }
  return bindings;
}

// Classical register values print highest bit first, c[0] rightmost (backends/backend.h).
using backends::BitString;

// The circuit plus `c[i] = measure q[i]` for every qubit into a fresh register.
Circuit WithMeasureAll(const Circuit& circuit) {
  Circuit measured(circuit.num_qubits(), circuit.num_qubits());
  (void)measured.Extend(circuit);
  for (int q = 0; q < circuit.num_qubits(); ++q) (void)measured.AddMeasure(q, q);
  return measured;
}

bool HasMeasurement(const Circuit& c) {
  return std::any_of(c.gates().begin(), c.gates().end(),
                     [](const Gate& g) { return g.kind == GateKind::kMeasure; });
}

bool HasReset(const Circuit& c) {
  return std::any_of(c.gates().begin(), c.gates().end(),
                     [](const Gate& g) { return g.kind == GateKind::kReset; });
}

// The circuit's unitary gates: measurements, resets and barriers left out.
Circuit UnitaryPart(const Circuit& circuit) {
  Circuit unitary(circuit.num_qubits());
  unitary.DeclareParams(circuit.num_params());
  for (const Gate& g : circuit.gates()) {
    if (Info(g.kind).is_unitary) (void)unitary.Append(g);
  }
  return unitary;
}

// The state before the (terminal) measurements.
absl::StatusOr<sv::StateVector> FinalState(const sv::Simulator& sim, const Circuit& circuit,
                                           const std::vector<double>& params) {
  if (!circuit.MeasurementsAreTerminal() || HasReset(circuit)) {
    return absl::FailedPreconditionError(
        "--statevector and --expect need a program without mid-circuit measurement or reset");
  }
  const Circuit unitary = UnitaryPart(circuit);
  absl::StatusOr<sv::StateVector> state = sv::StateVector::Create(circuit.num_qubits());
  if (!state.ok()) return state.status();
  if (absl::Status s = sim.Run(unitary, params, *state); !s.ok()) return s;
  return state;
}

void PrintCounts(const std::map<uint64_t, int64_t>& counts, int width, int64_t shots,
                 uint64_t seed) {
  std::vector<std::pair<uint64_t, int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::printf("counts (%lld shots, seed %llu; bits c[%d]..c[0]):\n", (long long)shots,
              (unsigned long long)seed, width - 1);
  for (const auto& [value, count] : sorted) {
    std::printf("  %s  %8lld  %.4f\n", BitString(value, width).c_str(), (long long)count,
                double(count) / double(shots));
  }
}

void PrintAmplitudes(const sv::StateVector& state) {
  std::printf("amplitudes (|q[%d]..q[0]⟩, nonzero only):\n", state.num_qubits() - 1);
  size_t printed = 0;
  for (uint64_t i = 0; i < state.size(); ++i) {
    const sv::Amplitude a = state.data()[i];
    if (std::norm(a) < 1e-24) continue;
    if (printed++ == kMaxPrintedAmplitudes) {
      std::printf("  ... (use --json for all amplitudes)\n");
      break;
    }
    std::printf("  |%s⟩  %+.12f %+.12fi  p=%.6f\n", BitString(i, state.num_qubits()).c_str(),
                a.real(), a.imag(), std::norm(a));
  }
}

// A program whose control flow depends on measurement outcomes: each shot runs the program
// text (backends/local/dynamic.h). Returns an exit code.
int SimulateDynamic(const std::string& path, const std::string& source,
                    const std::map<std::string, double>& bindings) {
  if (absl::GetFlag(FLAGS_statevector) || !absl::GetFlag(FLAGS_expect).empty() ||
      !absl::GetFlag(FLAGS_shadow).empty()) {
    return Fail(kExitUsage, "--statevector, --expect and --shadow need a program whose control "
                            "flow does not depend on measurement outcomes");
  }
  int64_t shots = absl::GetFlag(FLAGS_shots);
  if (shots < 0) shots = kDefaultShots;
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  backends::local::DynamicShotOptions options;
  options.bindings = bindings;
  options.max_qubits = sv::kMaxQubits;  // StateVector::Create checks the memory
  sv::Simulator sim;
  absl::StatusOr<backends::local::DynamicShots> taken =
      backends::local::RunDynamicShots(sim, source, options, shots, seed);
  if (!taken.ok()) {  // an OpenQASM error the parse did not reach is still bad input
    return Fail(taken.status().code() == absl::StatusCode::kInvalidArgument ? kExitBadInput
                                                                             : kExitFailure,
                absl::StrCat(path, ":", taken.status().message()));
  }
  const std::map<uint64_t, int64_t> counts = sv::CountShots(taken->bits);
  const int width = std::max(taken->num_clbits, 1);
  if (absl::GetFlag(FLAGS_json)) {
    json c = json::object();
    for (const auto& [value, count] : counts) c[BitString(value, width)] = count;
    json out = {{"file", path},   {"qubits", taken->num_qubits}, {"dynamic", true},
                {"shots", shots}, {"seed", seed},                {"counts", c}};
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%s: %d qubits, control flow on measurement outcomes (each shot runs the "
              "program)\n", path.c_str(), taken->num_qubits);
  if (shots > 0) PrintCounts(counts, width, shots, seed);
  return kExitOk;
}

constexpr int64_t kDefaultShadowShots = 10'000;

absl::StatusOr<shadows::Ensemble> ShadowEnsemble(const std::string& name) {
  if (name == "pauli") return shadows::Ensemble::kPauli;
  if (name == "clifford") return shadows::Ensemble::kClifford;
  return absl::InvalidArgumentError(
      absl::StrCat("--shadow: \"", name, "\" is not pauli or clifford"));
}

// `qgrad simulate --shadow`: the shadow estimate of ⟨H⟩ with its interval beside the exact
// value. Returns an exit code.
int RunShadowEstimate(const Circuit& circuit, const PauliSum& observable, const sv::Simulator& sim,
                      json& out) {
  auto ensemble = ShadowEnsemble(absl::GetFlag(FLAGS_shadow));
  if (!ensemble.ok()) return Fail(kExitUsage, std::string(ensemble.status().message()));
  if (!circuit.MeasurementsAreTerminal() || HasReset(circuit)) {
    return Fail(kExitUsage, "--shadow measures the program's final state: it needs a program "
                            "without mid-circuit measurement or reset");
  }
  // The program's own final measurements give way to the shadow's random-basis ones.
  const Circuit unitary = UnitaryPart(circuit);
  const int64_t shots =
      absl::GetFlag(FLAGS_shots) < 0 ? kDefaultShadowShots : absl::GetFlag(FLAGS_shots);
  int64_t per_setting = absl::GetFlag(FLAGS_shots_per_setting);
  if (per_setting <= 0) per_setting = *ensemble == shadows::Ensemble::kPauli ? 100 : 1;
  if (shots < 1 || per_setting > shots) {
    return Fail(kExitUsage, "--shadow needs --shots >= 1 and --shots_per_setting <= --shots");
  }
  shadows::EstimatorOptions estimator{absl::GetFlag(FLAGS_groups),
                                      absl::GetFlag(FLAGS_confidence)};
  if (absl::Status s = shadows::ValidateEstimatorOptions(estimator); !s.ok()) {
    return Fail(kExitUsage, std::string(s.message()));
  }
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  estimation::ShadowRequest request;
  request.ensemble = *ensemble;
  request.shots = shots;
  request.shots_per_setting = per_setting;
  request.settings_seed = seed;
  request.shots_seed = seed + 1;
  request.min_settings = estimator.groups;
  backends::local::LocalBackend backend;
  optimizer::EstimationReport report;
  const std::vector<double> params(circuit.num_params(), 0.0);
  auto shadow = estimation::MeasureShadow(backend, unitary, unitary.num_qubits(), params, request,
                                          report);
  if (!shadow.ok()) return Fail(kExitFailure, std::string(shadow.status().message()));
  auto estimate = shadows::EstimateExpectation(*shadow, observable, estimator);
  if (!estimate.ok()) return Fail(kExitFailure, std::string(estimate.status().message()));
  auto state = FinalState(sim, circuit, params);
  if (!state.ok()) return Fail(kExitFailure, std::string(state.status().message()));
  const double exact = sv::Expectation(*state, observable);
  out["shadow"] = {{"ensemble", shadows::EnsembleName(*ensemble)},
                   {"shots", report.shots},
                   {"settings", report.circuits},
                   {"estimate", estimate->value},
                   {"std_error", estimate->std_error},
                   {"low", estimate->low},
                   {"high", estimate->high},
                   {"confidence", estimate->confidence},
                   {"exact", exact}};
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("shadow (%s, %lld shots in %lld settings, seed %llu):\n",
                shadows::EnsembleName(*ensemble), (long long)report.shots,
                (long long)report.circuits, (unsigned long long)seed);
    std::printf("  <H> = %.6f ± %.6f   %.0f%% interval [%.6f, %.6f]\n", estimate->value,
                estimate->std_error, 100 * estimate->confidence, estimate->low, estimate->high);
    std::printf("  exact <H> = %.6f   (H = %s)\n", exact, observable.ToString().c_str());
  }
  return kExitOk;
}

}  // namespace

int RunSimulate(const std::vector<std::string>& args) {
  if (args.size() != 1) return Fail(kExitUsage, "expects one FILE.qasm argument (or - for stdin)");
  const std::string& path = args[0];
  absl::StatusOr<std::map<std::string, double>> bindings = ParseBindings(absl::GetFlag(FLAGS_bind));
  if (!bindings.ok()) return Fail(kExitUsage, std::string(bindings.status().message()));
  absl::StatusOr<std::string> source = ReadInput(path);
  if (!source.ok()) return Fail(kExitBadInput, std::string(source.status().message()));

  qasm::ParseOptions parse_options;
  parse_options.bindings = *bindings;
  absl::StatusOr<qasm::ParsedProgram> program = qasm::Parse(*source, parse_options);
  if (!program.ok()) {
    return Fail(kExitBadInput, absl::StrCat(path, ":", program.status().message()));
  }
  if (program->dynamic) return SimulateDynamic(path, *source, *bindings);
  const Circuit& circuit = program->circuit;
  // Bound inputs were substituted by the parser; any angle still referring to an input
  // has no value.
  std::set<int> unbound;
  for (const Gate& g : circuit.gates()) {
    for (const Angle& a : g.angles) {
      if (!a.is_fixed()) unbound.insert(a.index);
    }
  }
  if (!unbound.empty()) {
    std::string names;
    for (int i : unbound) {
      absl::StrAppend(&names, names.empty() ? "" : ", ",
                      i < int(program->param_names.size()) ? program->param_names[i] : "?");
    }
    return Fail(kExitUsage, absl::StrCat("inputs without a value: ", names,
                                         "; pass --bind name=value"));
  }
  // Every angle is a number now; the simulator still wants one slot per declared input.
  const std::vector<double> params(circuit.num_params(), 0.0);
  PauliSum observable;
  const std::string expect = absl::GetFlag(FLAGS_expect);
  if (!expect.empty()) {
    absl::StatusOr<PauliSum> parsed = PauliSum::Parse(expect);
    if (!parsed.ok()) return Fail(kExitUsage, absl::StrCat("--expect: ", parsed.status().message()));
    if (parsed->NumQubits() > circuit.num_qubits()) {
      return Fail(kExitUsage, absl::StrCat("--expect acts on ", parsed->NumQubits(),
                                           " qubits; the program has ", circuit.num_qubits()));
    }
    observable = *parsed;
  }

  sv::Simulator sim;
  if (!absl::GetFlag(FLAGS_shadow).empty()) {
    if (expect.empty()) return Fail(kExitUsage, "--shadow estimates --expect: pass a Pauli sum");
    json out = {{"file", path}, {"qubits", circuit.num_qubits()}};
    const int code = RunShadowEstimate(circuit, observable, sim, out);
    if (code == kExitOk && absl::GetFlag(FLAGS_json)) std::printf("%s\n", out.dump(2).c_str());
    return code;
  }
  const bool want_state = absl::GetFlag(FLAGS_statevector) || !expect.empty();
  int64_t shots = absl::GetFlag(FLAGS_shots);
  if (shots < 0) shots = (HasMeasurement(circuit) || !want_state) ? kDefaultShots : 0;
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const bool as_json = absl::GetFlag(FLAGS_json);

  json out = {{"file", path}, {"qubits", circuit.num_qubits()}};
  if (!as_json) {
    GateCounts counts = circuit.Counts();
    std::printf("%s: %d qubits, %d gates (%d two-qubit), depth %d\n", path.c_str(),
                circuit.num_qubits(), counts.total, counts.two_qubit, circuit.Depth());
  }
  if (want_state) {
    absl::StatusOr<sv::StateVector> state = FinalState(sim, circuit, params);
    if (!state.ok()) return Fail(kExitFailure, std::string(state.status().message()));
    if (!expect.empty()) {
      const double value = sv::Expectation(*state, observable);
      out["expectation"] = {{"observable", observable.ToString()}, {"value", value}};
      if (!as_json) std::printf("<H> = %.15g   (H = %s)\n", value, observable.ToString().c_str());
    }
    if (absl::GetFlag(FLAGS_statevector)) {
      if (as_json) {
        json amps = json::array();
        for (sv::Amplitude a : state->amplitudes()) amps.push_back({a.real(), a.imag()});
        out["statevector"] = amps;
      } else {
        PrintAmplitudes(*state);
      }
    }
  }
  if (shots > 0) {
    const Circuit measured = HasMeasurement(circuit) ? circuit : WithMeasureAll(circuit);
    sv::ShotOptions options;
    options.shots = shots;
    options.seed = seed;
    absl::StatusOr<std::vector<uint64_t>> results = sv::RunShots(sim, measured, params, options);
    if (!results.ok()) return Fail(kExitFailure, std::string(results.status().message()));
    std::map<uint64_t, int64_t> counts = sv::CountShots(*results);
    const int width = std::max(measured.num_clbits(), 1);
    if (as_json) {
      json c = json::object();
      for (const auto& [value, count] : counts) c[BitString(value, width)] = count;
      out["shots"] = shots;
      out["seed"] = seed;
      out["counts"] = c;
    } else {
      PrintCounts(counts, width, shots, seed);
    }
  }
  if (as_json) std::printf("%s\n", out.dump(2).c_str());
  return kExitOk;
}

}  // namespace qgrad::cli
