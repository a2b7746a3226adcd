// OpenQASM 3 emitter: Circuit → program text. Gates outside stdgates.inc (Pauli rotations,
// explicit unitaries) become `gate` definitions placed before the first statement; angles
// are printed with 17 significant digits so that parsing the program back reproduces them
// exactly. Thread-safe: pure function.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qasm/qasm.h"
#include "qasm/unitary_synthesis.h"

namespace qgrad::qasm {
namespace {

class Emitter {
 public:
  Emitter(const Circuit& circuit, absl::Span<const double> params, const EmitOptions& options)
      : circuit_(circuit), params_(params), options_(options) {}

  absl::StatusOr<std::string> Run() {
    if (!options_.symbolic_params && static_cast<int>(params_.size()) < circuit_.num_params()) {
      return absl::InvalidArgumentError(absl::StrCat("circuit has ", circuit_.num_params(),
                                                     " parameters, got ", params_.size()));
    }
    bool measured = false;
    for (const Gate& g : circuit_.gates()) {
      measured |= g.kind == GateKind::kMeasure;
      absl::Status status = Statement(g);
      if (!status.ok()) return status;
    }
    int n = circuit_.num_qubits();
    int bits = circuit_.num_clbits();
    bool add_measure = options_.measure_all && !measured && n > 0;
    if (add_measure) {
      if (bits <= n) {
        absl::StrAppend(&body_, "c = measure q;\n");
      } else {
        for (int q = 0; q < n; ++q) absl::StrAppend(&body_, "c[", q, "] = measure q[", q, "];\n");
      }
      bits = std::max(bits, n);
    }
    std::string out = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";
    if (options_.symbolic_params) {
      for (int i = 0; i < circuit_.num_params(); ++i) {
        absl::StrAppend(&out, "input float[64] ", ParamName(i), ";\n");
      }
    }
    absl::StrAppend(&out, definitions_);
    if (n > 0) absl::StrAppend(&out, "qubit[", n, "] q;\n");
    if (bits > 0) absl::StrAppend(&out, "bit[", bits, "] c;\n");
    absl::StrAppend(&out, body_);
    return out;
  }

 private:
  std::string ParamName(int i) const { return absl::StrCat(options_.param_prefix, "_", i); }

  absl::StatusOr<std::string> AngleText(const Angle& a) const {
    if (!std::isfinite(a.constant) || !std::isfinite(a.scale)) {
      return absl::InvalidArgumentError("angle is not a finite number");
    }
    if (a.is_fixed() || !options_.symbolic_params) {
      double v = a.is_fixed() ? a.constant : a.Value(params_);
      if (!std::isfinite(v)) return absl::InvalidArgumentError("angle is not a finite number");
      return FormatNumber(v);
    }
    std::string term = a.scale == 1.0    ? ParamName(a.index)
                       : a.scale == -1.0 ? absl::StrCat("-", ParamName(a.index))
                                         : absl::StrCat(FormatNumber(a.scale), "*", ParamName(a.index));
    if (a.constant == 0.0) return term;
    return absl::StrCat(term, " + ", FormatNumber(a.constant));
  }

  static std::string Qubit(int q) { return absl::StrCat("q[", q, "]"); }

  // "ctrl(2) @ negctrl @ " for the gate's extra controls, in order.
  static std::string ControlPrefix(const Gate& g) {
    std::string out;
    for (size_t i = 0; i < g.controls.size();) {
      size_t j = i;
      while (j < g.controls.size() && g.control_values[j] == g.control_values[i]) ++j;
      std::string word = g.control_values[i] ? "ctrl" : "negctrl";
      if (j - i > 1) absl::StrAppend(&word, "(", j - i, ")");
      absl::StrAppend(&out, word, " @ ");
      i = j;
    }
    return out;
  }

  absl::Status Statement(const Gate& g) {
    switch (g.kind) {
      case GateKind::kMeasure:
        absl::StrAppend(&body_, "c[", g.clbit, "] = measure ", Qubit(g.qubits[0]), ";\n");
        return absl::OkStatus();
      case GateKind::kReset:
        absl::StrAppend(&body_, "reset ", Qubit(g.qubits[0]), ";\n");
        return absl::OkStatus();
      case GateKind::kBarrier: {
        std::vector<std::string> names;
        for (int q : g.qubits) names.push_back(Qubit(q));
        if (names.empty() && circuit_.num_qubits() > 0) names.push_back("q");
        if (!names.empty()) absl::StrAppend(&body_, "barrier ", absl::StrJoin(names, ", "), ";\n");
        return absl::OkStatus();
      }
      default:
        return GateCall(g);
    }
  }

  absl::Status GateCall(const Gate& g) {
    absl::StatusOr<std::string> name = GateName(g);
    if (!name.ok()) return name.status();
    std::vector<std::string> angles;
    for (const Angle& a : g.angles) {
      absl::StatusOr<std::string> text = AngleText(a);
      if (!text.ok()) return text.status();
      angles.push_back(*text);
    }
    std::vector<std::string> qubits;
    for (int q : g.controls) qubits.push_back(Qubit(q));
    for (int q : g.qubits) qubits.push_back(Qubit(q));
    absl::StrAppend(&body_, ControlPrefix(g), *name);
    if (!angles.empty()) absl::StrAppend(&body_, "(", absl::StrJoin(angles, ", "), ")");
    if (!qubits.empty()) absl::StrAppend(&body_, " ", absl::StrJoin(qubits, ", "));
    absl::StrAppend(&body_, ";\n");
    return absl::OkStatus();
  }

  static std::vector<std::string> ArgNames(size_t n) {
    std::vector<std::string> args;
    for (size_t i = 0; i < n; ++i) args.push_back(absl::StrCat("a", i));
    return args;
  }

  // The stdgates name, or the name of a definition written for this gate.
  absl::StatusOr<std::string> GateName(const Gate& g) {
    if (g.kind == GateKind::kPauliRotation) return PauliDefinition(g);
    if (g.kind == GateKind::kUnitary) {
      std::vector<std::string> args = ArgNames(g.qubits.size());
      absl::StatusOr<std::string> body = UnitaryBody(g.matrix, args);
      if (!body.ok()) return body.status();
      std::string name = absl::StrCat("unitary_", unitaries_++);
      absl::StrAppend(&definitions_, "gate ", name, " ", absl::StrJoin(args, ", "), " {\n", *body,
                      "}\n");
      return name;
    }
    return std::string(Info(g.kind).name);
  }

  // exp(−iθP/2): basis change to Z on every non-identity letter, a CNOT ladder computing
  // the parity into the last one, rz(θ), and the ladder and basis change undone.
  std::string PauliDefinition(const Gate& g) {
    std::string letters;
    std::vector<int> active;
    for (size_t i = 0; i < g.qubits.size(); ++i) {
      PauliLetter l = g.pauli.letter(static_cast<int>(i));
      letters.push_back("IXZY"[static_cast<int>(l)]);
      if (l != PauliLetter::kI) active.push_back(static_cast<int>(i));
    }
    std::string name = absl::StrCat("pauli_", letters);
    if (!defined_.emplace(name, true).second) return name;
    std::vector<std::string> args = ArgNames(g.qubits.size());
    std::string before, ladder, after;
    for (int i : active) {
      std::string a = args[i];
      if (letters[i] == 'X') {
        absl::StrAppend(&before, "  h ", a, ";\n");
        after = absl::StrCat("  h ", a, ";\n", after);
      } else if (letters[i] == 'Y') {
        absl::StrAppend(&before, "  sdg ", a, ";\n  h ", a, ";\n");
        after = absl::StrCat("  h ", a, ";\n  s ", a, ";\n", after);
      }
    }
    std::string up, down;
    for (size_t k = 0; k + 1 < active.size(); ++k) {
      std::string line = absl::StrCat("  cx ", args[active[k]], ", ", args[active[k + 1]], ";\n");
      absl::StrAppend(&up, line);
      down = absl::StrCat(line, down);
    }
    std::string core = active.empty()
                           ? std::string("  gphase(-theta/2);\n")
                           : absl::StrCat("  rz(theta) ", args[active.back()], ";\n");
    absl::StrAppend(&definitions_, "gate ", name, "(theta) ", absl::StrJoin(args, ", "), " {\n",
                    before, up, core, down, after, "}\n");
    return name;
  }

  const Circuit& circuit_;
  absl::Span<const double> params_;
  const EmitOptions& options_;
  std::string definitions_;
  std::string body_;
  std::map<std::string, bool> defined_;
  int unitaries_ = 0;
};

}  // namespace

absl::StatusOr<std::string> Emit(const Circuit& circuit, absl::Span<const double> params,
                                 const EmitOptions& options) {
  return Emitter(circuit, params, options).Run();
}

}  // namespace qgrad::qasm
