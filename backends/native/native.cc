// Translation entry points (see native.h): parse → decompose (decompose.h) → native gates
// (synthesize.h) → OpenQASM 3 text or Circuit. Pure functions.
#include "backends/native/native.h"

#include <cctype>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/native/decompose.h"
#include "backends/native/synthesize.h"
#include "qasm/qasm.h"

namespace qgrad::backends::native {
namespace {

using internal::NativeOp;

std::string Num(double v) { return absl::StrFormat("%.17g", v); }

struct NativeProgram {
  std::vector<NativeOp> ops;
  std::vector<Gate> others;  // measure / reset / barrier, by NativeOp::other
};

absl::StatusOr<NativeProgram> ToNative(const Circuit& circuit, GateSet set) {
  internal::Decomposer decomposer(circuit.num_qubits());
  const size_t limit =
      internal::kBaseOperations + internal::kOperationsPerGate * circuit.gates().size();
  for (size_t i = 0; i < circuit.gates().size(); ++i) {
    if (absl::Status s = decomposer.Add(circuit.gates()[i]); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("gate #", i, ": ", s.message()));
    }
    if (decomposer.size() > limit) {
      return absl::ResourceExhaustedError(
          absl::StrCat("gate #", i, ": translation exceeds ", limit, " operations"));
    }
  }
  NativeProgram p;
  p.others = decomposer.others();
  p.ops = internal::Synthesize(decomposer.Take(), p.others, circuit.num_qubits(), set);
  return p;
}

std::string Q(int q) { return absl::StrCat("q[", q, "]"); }

std::string EmitNative(const NativeProgram& p, int n, int bits, GateSet set, Translation* t) {
  std::string out = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";
  absl::StrAppend(&out, internal::NativeDefinitions(set));
  if (n > 0) absl::StrAppend(&out, "qubit[", n, "] q;\n");
  if (bits > 0) absl::StrAppend(&out, "bit[", bits, "] c;\n");
  for (const NativeOp& op : p.ops) {
    switch (op.kind) {
      case NativeOp::Kind::kSx:
      case NativeOp::Kind::kX:
        absl::StrAppend(&out, std::string(internal::NativeName(op.kind)), " ", Q(op.q0), ";\n");
        break;
      case NativeOp::Kind::kRz:
      case NativeOp::Kind::kGpi:
      case NativeOp::Kind::kGpi2:
        absl::StrAppend(&out, std::string(internal::NativeName(op.kind)), "(", Num(op.p0), ") ", Q(op.q0),
                        ";\n");
        break;
      case NativeOp::Kind::kEcr:
        absl::StrAppend(&out, "ecr ", Q(op.q0), ", ", Q(op.q1), ";\n");
        break;
      case NativeOp::Kind::kMs:
        absl::StrAppend(&out, "ms(", Num(op.p0), ", ", Num(op.p1), ", ", Num(op.p2), ") ",
                        Q(op.q0), ", ", Q(op.q1), ";\n");
        break;
      case NativeOp::Kind::kOther: {
        const Gate& g = p.others[op.other];
        if (g.kind == GateKind::kMeasure) {
          absl::StrAppend(&out, "c[", g.clbit, "] = measure ", Q(g.qubits[0]), ";\n");
        } else if (g.kind == GateKind::kReset) {
          absl::StrAppend(&out, "reset ", Q(g.qubits[0]), ";\n");
        } else if (!g.qubits.empty()) {
          std::vector<std::string> qs;
          for (int q : g.qubits) qs.push_back(Q(q));
          absl::StrAppend(&out, "barrier ", absl::StrJoin(qs, ", "), ";\n");
        }
        continue;  // not a gate
      }
    }
    ++t->gates;
    if (op.q1 >= 0) ++t->two_qubit_gates;
  }
  return out;
}

// "LINE:COLUMN" of the declaration of input `name` (base name of an array element), found
// by scanning for `input ... name`; "1:1" if it cannot be found.
std::string InputLocation(std::string_view source, std::string_view name) {
  const auto is_ident = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ||
           static_cast<unsigned char>(ch) >= 0x80;
  };
  const auto word_at = [&](size_t pos, std::string_view w) {
    return source.substr(pos, w.size()) == w && (pos == 0 || !is_ident(source[pos - 1])) &&
           (pos + w.size() >= source.size() || !is_ident(source[pos + w.size()]));
  };
  for (size_t pos = source.find("input"); pos != std::string_view::npos;
       pos = source.find("input", pos + 1)) {
    if (!word_at(pos, "input")) continue;
    const size_t end = source.find(';', pos);
    for (size_t p = pos + 5; p < end && p < source.size(); ++p) {
      if (!word_at(p, name)) continue;
      int line = 1, column = 1;
      for (size_t i = 0; i < p; ++i) {
        if (source[i] == '\n') {
          ++line;
          column = 1;
        } else if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) {
          ++column;  // columns count code points
        }
      }
      return absl::StrCat(line, ":", column);
    }
  }
  return "1:1";
}

// Every angle a fixed, finite number (a NaN would be emitted as text no parser reads).
absl::Status CheckAngles(const Circuit& circuit) {
  for (size_t i = 0; i < circuit.gates().size(); ++i) {
    const Gate& g = circuit.gates()[i];
    for (const Angle& a : g.angles) {
      if (!a.is_fixed() || !std::isfinite(a.constant)) {
        return absl::InvalidArgumentError(
            absl::StrCat("gate #", i, " '", std::string(Info(g.kind).name), "' has ",
                         a.is_fixed() ? "a non-finite angle" : "an unbound parameter"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GateSet> ParseGateSet(std::string_view name) {
  if (name == "any") return GateSet::kAny;
  if (name == "ionq") return GateSet::kIonq;
  if (name == "ibm") return GateSet::kIbm;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown gate set '", std::string(name), "' (expected any, ionq or ibm)"));
}

std::vector<std::string> NativeGateNames(GateSet set) {
  switch (set) {
    case GateSet::kIonq: return {"gpi", "gpi2", "ms"};
    case GateSet::kIbm: return {"rz", "sx", "x", "ecr"};
    case GateSet::kAny: break;
  }
  return OpenQasmGateNames();  // what qasm::Emit writes
}

absl::StatusOr<Translation> TranslateProgram(std::string_view qasm,
                                             const std::map<std::string, double>& inputs,
                                             GateSet set) {
  qasm::ParseOptions options;
  options.bindings = inputs;
  absl::StatusOr<qasm::ParsedProgram> parsed = qasm::Parse(qasm, options);
  if (!parsed.ok()) return parsed.status();
  if (parsed->dynamic) {  // translated to one circuit: no control on measurement outcomes
    return absl::InvalidArgumentError(
        "unsupported: control flow that depends on measurement outcomes");
  }
  for (const std::string& name : parsed->param_names) {
    if (inputs.count(name)) continue;
    const std::string base = name.substr(0, name.find('['));
    return absl::InvalidArgumentError(
        absl::StrCat(InputLocation(qasm, base), ": input '", name, "' is not bound"));
  }
  const Circuit& circuit = parsed->circuit;
  if (absl::Status s = CheckAngles(circuit); !s.ok()) return s;
  Translation t;
  t.num_qubits = circuit.num_qubits();
  t.num_clbits = circuit.num_clbits();
  if (set == GateSet::kAny) {
    qasm::EmitOptions emit;
    emit.symbolic_params = false;
    // Every angle is already a number; the values only satisfy Emit's size check.
    std::vector<double> values;
    for (const std::string& name : parsed->param_names) values.push_back(inputs.at(name));
    values.resize(circuit.num_params(), 0.0);
    absl::StatusOr<std::string> text = qasm::Emit(circuit, values, emit);
    if (!text.ok()) return text.status();
    t.qasm = *std::move(text);
    const GateCounts counts = circuit.Counts();
    t.gates = counts.total;
    t.two_qubit_gates = counts.two_qubit;
    return t;
  }
  absl::StatusOr<NativeProgram> p = ToNative(circuit, set);
  if (!p.ok()) return p.status();
  t.qasm = EmitNative(*p, t.num_qubits, t.num_clbits, set, &t);
  return t;
}

absl::StatusOr<Circuit> TranslateCircuit(const Circuit& circuit, GateSet set) {
  if (absl::Status s = CheckAngles(circuit); !s.ok()) return s;
  if (set == GateSet::kAny) return circuit;
  absl::StatusOr<NativeProgram> p = ToNative(circuit, set);
  if (!p.ok()) return p.status();
  Circuit out(circuit.num_qubits(), circuit.num_clbits());
  for (const NativeOp& op : p->ops) {
    Gate g;
    switch (op.kind) {
      case NativeOp::Kind::kOther:
        g = p->others[op.other];
        break;
      case NativeOp::Kind::kRz:
        g.kind = GateKind::kRZ;
        g.qubits = {op.q0};
        g.angles = {Angle::Fixed(op.p0)};
        break;
      case NativeOp::Kind::kSx:
        g.kind = GateKind::kSX;
        g.qubits = {op.q0};
        break;
      case NativeOp::Kind::kX:
        g.kind = GateKind::kX;
        g.qubits = {op.q0};
        break;
      default:  // ecr, gpi, gpi2, ms: GateKind has no such kinds
        g.kind = GateKind::kUnitary;
        g.qubits = op.q1 >= 0 ? std::vector<int>{op.q0, op.q1} : std::vector<int>{op.q0};
        g.matrix = internal::NativeMatrix(op);
        break;
    }
    if (absl::Status s = out.Append(std::move(g)); !s.ok()) return s;
  }
  return out;
}

}  // namespace qgrad::backends::native
