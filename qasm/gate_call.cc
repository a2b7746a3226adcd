// OpenQASM 3 parser: gate definitions and gate calls with modifiers and broadcasting.
// Definitions are checked once when declared (names, arity, syntax) and re-read from the
// source at every call with the call's arguments bound, which is how modifiers on defined
// gates and nested definitions get their exact meaning. Expansion appends to one output list
// and modifiers rewrite the tail their call produced, so nesting never copies gates.
// Thread-safe: per-Parse state only.
#include <climits>
#include <cmath>
#include <numeric>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/modifiers.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {
namespace {

bool IsModifierWord(const Token& t) {
  return t.type == TokenType::kIdentifier &&
         (t.text == "ctrl" || t.text == "negctrl" || t.text == "inv" || t.text == "pow");
}

bool IsDeclarationWord(absl::string_view w) {
  return w == "qubit" || w == "qreg" || w == "bit" || w == "creg" || w == "input" ||
         w == "const" || w == "float" || w == "int" || w == "uint" || w == "angle";
}

// A budget charge computed in floating point (pow() exponents can be huge): saturates.
long long Saturate(double x) {
  return x >= static_cast<double>(LLONG_MAX) ? LLONG_MAX : static_cast<long long>(x);
}

}  // namespace

absl::Status Parser::GateDefinition() {
  Token keyword = Take();
  if (scope_ != nullptr) return ErrorAt(keyword, "gate definitions must be at global scope");
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("a gate name");
  if (!id.ok()) return id.status();
  GateDef def;
  def.name = std::string(*id);
  absl::Status status = DefinitionArguments(def);
  if (!status.ok()) return status;
  def.body = lexer_.state();  // cur_ is the '{'
  status = CheckDefinitionBody(def);
  if (!status.ok()) return status;
  Symbol symbol;
  symbol.kind = SymbolKind::kGate;
  symbol.gate = static_cast<int>(gates_.size());
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  gates_.push_back(std::move(def));
  return absl::OkStatus();
}

// `(a, b) q, r` up to the body's '{'. Each argument is kept, so each counts one operation.
absl::Status Parser::DefinitionArguments(GateDef& def) {
  auto add = [&](int& counter) -> absl::Status {
    Token t = Cur();
    absl::StatusOr<absl::string_view> arg = ExpectIdentifier("an argument name");
    if (!arg.ok()) return arg.status();
    absl::Status status = ChargeOperations(t, 1);
    if (!status.ok()) return status;
    if (!def.args.emplace(*arg, def.num_params + def.num_qubits).second) {
      return ErrorAt(t, absl::StrCat("duplicate argument '", *arg, "' in gate '", def.name, "'"));
    }
    ++counter;
    return absl::OkStatus();
  };
  if (IsPunct("(")) {
    Advance();
    absl::Status status =
        CommaList(")", "a parameter name", [&] { return add(def.num_params); });
    if (!status.ok()) return status;
    Advance();
  }
  absl::Status status = CommaList("{", "a qubit argument", [&] { return add(def.num_qubits); });
  if (!status.ok()) return status;
  if (def.num_qubits == 0) {
    return ErrorAt(cur_, absl::StrCat("gate '", def.name, "' needs at least one qubit argument"));
  }
  return absl::OkStatus();
}

// Reads the body once with placeholder arguments (names, arity and syntax are checked, no
// gate is built) and records where it ends for the calls to re-read.
absl::Status Parser::CheckDefinitionBody(GateDef& def) {
  Token open = Take();
  std::vector<Value> params(def.num_params, Value::Number(1.0));
  std::vector<int> qubits(def.num_qubits);
  std::iota(qubits.begin(), qubits.end(), 0);
  GateScope scope{&def, params, qubits};
  scope_ = &scope;
  checking_ = true;
  defining_ = def.name;
  GateList unused;
  absl::Status status;
  while (status.ok() && !IsPunct("}")) {
    if (cur_.type == TokenType::kEnd) {
      status = ErrorAt(open, absl::StrCat("unterminated body of gate '", def.name, "'"));
    } else {
      status = BodyStatement(&unused);
    }
  }
  scope_ = nullptr;
  checking_ = false;
  defining_ = {};
  if (!status.ok()) return status;
  def.body_end = cur_.offset;
  Advance();
  return absl::OkStatus();
}

absl::Status Parser::BodyStatement(GateList* out) {
  absl::Status status = Directives();
  if (!status.ok() || IsPunct("}")) return status;
  Token t = Cur();
  if (IsPunct(";")) {
    Advance();
    return absl::OkStatus();
  }
  if (t.type != TokenType::kIdentifier) {
    return ErrorAt(t, absl::StrCat("expected a gate call in the body of gate '",
                                   scope_->def->name, "', got '", t.text, "'"));
  }
  absl::string_view w = t.text;
  if (w == "barrier") return Barrier();
  if (w == "gate") return ErrorAt(t, "gate definitions must be at global scope");
  if (w == "measure" || w == "reset") {
    return ErrorAt(t, absl::StrCat("'", w, "' is not allowed in a gate body"));
  }
  if (IsDeclarationWord(w)) return ErrorAt(t, "declarations are not allowed in a gate body");
  return GateCall(out);
}

// Names resolve innermost first: a gate's own arguments, then the program's declarations,
// then the builtin and library gates.
absl::StatusOr<Callee> Parser::ResolveGate(const Token& name) const {
  if (name.type != TokenType::kIdentifier) {
    return ErrorAt(name, absl::StrCat("expected a gate name, got ",
                                      name.type == TokenType::kEnd
                                          ? std::string("end of input")
                                          : absl::StrCat("'", name.text, "'")));
  }
  if (scope_ != nullptr && scope_->def->Find(name.text) >= 0) {
    return ErrorAt(name, absl::StrCat("'", name.text, "' is an argument of gate '",
                                      scope_->def->name, "', not a gate"));
  }
  if (!defining_.empty() && name.text == defining_) {
    return ErrorAt(name, absl::StrCat("gate '", defining_, "' calls itself; recursive gate ",
                                      "definitions are not allowed"));
  }
  Callee callee;
  auto it = symbols_.find(name.text);
  if (it != symbols_.end()) {
    if (it->second.kind != SymbolKind::kGate) {
      return ErrorAt(name, absl::StrCat("'", name.text, "' is not a gate (declared at ",
                                        it->second.line, ":", it->second.column, ")"));
    }
    callee.def = &gates_[it->second.gate];
    return callee;
  }
  callee.builtin = FindBuiltin(name.text);
  if (callee.builtin != nullptr) return callee;
  if (IsUnsupportedWord(name.text)) return Unsupported(name, absl::StrCat("'", name.text, "'"));
  return ErrorAt(name, absl::StrCat("unknown gate '", name.text, "'"));
}

absl::StatusOr<std::vector<Modifier>> Parser::Modifiers() {
  std::vector<Modifier> modifiers;
  while (IsModifierWord(cur_)) {
    if (modifiers.size() == kMaxModifiers) {
      return LimitError(cur_, absl::StrCat("more than ", kMaxModifiers,
                                           " modifiers on one gate call (limit ", kMaxModifiers,
                                           ")"));
    }
    Modifier m;
    m.token = Take();
    absl::string_view w = m.token.text;
    m.kind = w == "ctrl"      ? Modifier::kCtrl
             : w == "negctrl" ? Modifier::kNegCtrl
             : w == "inv"     ? Modifier::kInv
                              : Modifier::kPow;
    if (m.kind == Modifier::kPow || (m.kind != Modifier::kInv && IsPunct("("))) {
      absl::Status status = Expect("(");
      if (!status.ok()) return status;
      if (m.kind == Modifier::kPow) {
        Token start = Cur();
        absl::StatusOr<Value> k = Expression();
        if (!k.ok()) return k.status();
        if (!k->is_number()) {
          return Unsupported(start, absl::StrCat("pow() exponent that depends on input '",
                                                 k->input_name(), "'"));
        }
        m.power = k->constant;
      } else {
        absl::StatusOr<long long> k = ConstantInteger("control count", 1, options_.max_qubits);
        if (!k.ok()) return k.status();
        m.count = static_cast<int>(*k);
      }
      status = Expect(")");
      if (!status.ok()) return status;
    }
    absl::Status status = Expect("@");
    if (!status.ok()) return status;
    modifiers.push_back(std::move(m));
  }
  return modifiers;
}

// `(a, b)` after the gate name (optional when the gate takes none); only the parameters the
// gate takes are kept, surplus ones are counted for the message.
absl::StatusOr<ValueList> Parser::GateParams(const Token& name, int expected) {
  ValueList params;
  int count = 0;
  if (IsPunct("(")) {
    Advance();
    absl::StatusOr<ValueList> list = ExpressionList("a gate parameter", expected, &count);
    if (!list.ok()) return list.status();
    params = *std::move(list);
  }
  if (count != expected) {
    return ErrorAt(name, absl::StrCat("gate '", name.text, "' takes ", expected,
                                      " parameter(s), got ", count));
  }
  return params;
}

// The qubit arguments up to ';'; only as many as the call takes are kept.
absl::StatusOr<OperandList> Parser::GateOperands(const Token& name, long long controls,
                                                 int own) {
  long long expected = controls + own;
  OperandList operands;
  long long count = 0;
  absl::Status status = CommaList(";", "a qubit argument", [&]() -> absl::Status {
    absl::StatusOr<Operand> operand = QubitOperand();
    if (!operand.ok()) return operand.status();
    if (++count <= expected) operands.push_back(*std::move(operand));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  Advance();
  if (count != expected) {
    std::string detail =
        controls > 0 ? absl::StrCat(" (", controls, " control(s) + ", own, ")") : "";
    return ErrorAt(name, absl::StrCat("gate '", name.text, "' takes ", expected,
                                      " qubit argument(s)", detail, ", got ", count));
  }
  return operands;
}

absl::Status Parser::GateCall(GateList* out) {
  absl::StatusOr<std::vector<Modifier>> modifiers = Modifiers();
  if (!modifiers.ok()) return modifiers.status();
  Token name = Cur();
  absl::StatusOr<Callee> callee = ResolveGate(name);
  if (!callee.ok()) return callee.status();
  Advance();
  if (IsPunct("[")) return Unsupported(cur_, "gate duration designator");
  absl::StatusOr<ValueList> params = GateParams(name, callee->num_params());
  if (!params.ok()) return params.status();
  long long controls = 0;
  for (const Modifier& m : *modifiers) {
    if (m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) controls += m.count;
  }
  absl::StatusOr<OperandList> operands = GateOperands(name, controls, callee->num_qubits());
  if (!operands.ok()) return operands.status();
  return Broadcast(*modifiers, *callee, name, *params, *operands, out);
}

// One call per element when registers are passed (all of the same size; single qubits pair
// with every element).
absl::Status Parser::Broadcast(absl::Span<const Modifier> modifiers, const Callee& callee,
                               const Token& name, absl::Span<const Value> params,
                               absl::Span<const Operand> operands, GateList* out) {
  size_t broadcast = 1;
  const Operand* first_register = nullptr;
  for (const Operand& op : operands) {
    if (!op.is_register) continue;
    if (first_register != nullptr && op.indices.size() != broadcast) {
      return ErrorAt(op.token, absl::StrCat("register sizes differ in broadcast (",
                                            broadcast, " and ", op.indices.size(), ")"));
    }
    first_register = &op;
    broadcast = op.indices.size();
  }
  QubitList qubits(operands.size());
  for (size_t b = 0; b < broadcast; ++b) {
    NewCall();
    for (size_t i = 0; i < operands.size(); ++i) {
      const Operand& op = operands[i];
      qubits[i] = op.indices[op.is_register ? b : 0];
      if (!FirstUseInCall(qubits[i])) {
        std::string qubit = scope_ != nullptr ? std::string(op.token.text) : QubitName(qubits[i]);
        return ErrorAt(op.token, absl::StrCat("qubit ", qubit, " used twice in one gate call"));
      }
    }
    if (checking_) continue;
    absl::Status status = Instantiate(modifiers, callee, name, params, qubits, out);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Appends the gates of one call to `out`; modifiers then rewrite that tail in place,
// innermost (rightmost) first.
absl::Status Parser::Instantiate(absl::Span<const Modifier> modifiers, const Callee& callee,
                                 const Token& name, absl::Span<const Value> params,
                                 absl::Span<const int> qubits, GateList* out) {
  size_t begin = out->size();
  absl::InlinedVector<size_t, 4> control_offset;
  size_t controls = 0;
  for (const Modifier& m : modifiers) {
    control_offset.push_back(controls);
    if (m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) controls += m.count;
  }
  absl::Span<const int> own = qubits.subspan(controls);
  if (callee.def != nullptr) {
    absl::Status status = ExpandDefinition(*callee.def, name, params, own, out);
    if (!status.ok()) return status;
  } else {
    absl::StatusOr<std::vector<Gate>> gates = BuildBuiltin(*callee.builtin, params, own);
    if (!gates.ok()) return ErrorAt(name, gates.status().message());
    absl::Status status = ChargeOperations(name, static_cast<long long>(gates->size()));
    if (!status.ok()) return status;
    for (Gate& g : *gates) out->push_back(std::move(g));
  }
  if (out->size() == begin) {  // a call that expands to nothing still counts
    absl::Status status = ChargeOperations(name, 1);
    if (!status.ok()) return status;
  }
  for (size_t i = modifiers.size(); i-- > 0;) {
    const Modifier& m = modifiers[i];
    absl::Status status =
        ApplyModifier(m, qubits.subspan(control_offset[i], m.count), *out, begin);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// Charges what the modifier will do to the gates from `begin` on, then does it.
absl::Status Parser::ApplyModifier(const Modifier& m, absl::Span<const int> controls,
                                   GateList& out, size_t begin) {
  long long n = static_cast<long long>(out.size() - begin);
  if (m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) {
    long long grown = 1;  // every gate's control list is rewritten
    for (size_t i = begin; i < out.size(); ++i) grown += out[i].controls.size() + m.count + 1;
    absl::Status status = ChargeWork(m.token, grown);
    if (!status.ok()) return status;
    AddControls(controls, m.kind == Modifier::kCtrl, out, begin);
    return absl::OkStatus();
  }
  absl::Status status = ChargeWork(m.token, 1 + n);
  if (!status.ok()) return status;
  if (m.kind == Modifier::kInv) {
    Invert(out, begin);
    return absl::OkStatus();
  }
  double copies = std::fabs(m.power) - 1;  // integer powers: whole copies of the gates
  if (m.power != std::round(m.power)) {
    status = ChargeOperations(m.token, 1);  // a fractional power adds at most one gate
  } else if (n > 0 && copies > 0) {
    long long size = 0;
    for (size_t i = begin; i < out.size(); ++i) {
      size += 1 + out[i].qubits.size() + out[i].controls.size();
    }
    status = ChargeOperations(m.token, Saturate(copies * static_cast<double>(n)));
    if (status.ok()) status = ChargeWork(m.token, Saturate(copies * static_cast<double>(size)));
  }
  if (!status.ok()) return status;
  status = Power(m.power, out, begin);
  if (!status.ok()) return ErrorAt(m.token, status.message());
  return absl::OkStatus();
}

absl::Status Parser::ExpandDefinition(const GateDef& def, const Token& call,
                                      absl::Span<const Value> params,
                                      absl::Span<const int> qubits, GateList* out) {
  if (call_depth_ >= kMaxGateCallDepth) {
    return LimitError(call, absl::StrCat("gate calls nested too deeply (limit ",
                                         kMaxGateCallDepth, ")"));
  }
  GateScope scope{&def, params, qubits};
  Token saved_cur = cur_;
  Lexer saved_lexer = lexer_;
  GateScope* saved_scope = scope_;
  lexer_ = Lexer(source_, def.body);
  cur_ = Token();  // not kError, which Advance() would keep
  Advance();
  scope_ = &scope;
  ++call_depth_;
  absl::Status status;
  while (status.ok() && cur_.type != TokenType::kError && cur_.offset < def.body_end) {
    status = BodyStatement(out);
  }
  if (status.ok() && cur_.type == TokenType::kError) status = token_error_;
  --call_depth_;
  cur_ = saved_cur;
  lexer_ = saved_lexer;
  scope_ = saved_scope;
  if (status.ok() || call_depth_ > 0) return status;
  return absl::Status(status.code(), absl::StrCat(status.message(), " (in gate '", def.name,
                                                  "' called at ", call.line, ":", call.column,
                                                  ")"));
}

}  // namespace qgrad::qasm
