// OpenQASM 3 parser: gate definitions, gate calls with modifiers and broadcasting, and
// qubit / bit operands. Definitions are checked once when declared (names, arity, syntax)
// and re-read from their tokens at every call with the call's parameters bound, which is
// how modifiers on defined gates and nested definitions get their exact meaning.
// Thread-safe: per-Parse state only.
#include <set>
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

}  // namespace

absl::Status Parser::GateDefinition() {
  const Token& keyword = tokens_[pos_++];
  if (scope_ != nullptr) return ErrorAt(keyword, "gate definitions must be at global scope");
  const Token& name = Cur();
  absl::StatusOr<std::string> id = ExpectIdentifier("a gate name");
  if (!id.ok()) return id.status();
  GateDef def;
  def.name = *id;
  std::set<std::string> names;
  auto add_name = [&](std::vector<std::string>& list) -> absl::Status {
    const Token& t = Cur();
    absl::StatusOr<std::string> arg = ExpectIdentifier("an argument name");
    if (!arg.ok()) return arg.status();
    if (!names.insert(*arg).second) {
      return ErrorAt(t, absl::StrCat("duplicate argument '", *arg, "' in gate '", def.name, "'"));
    }
    list.push_back(*arg);
    return absl::OkStatus();
  };
  absl::Status status;
  if (IsPunct("(")) {
    ++pos_;
    while (status.ok() && !IsPunct(")")) {
      if (!def.params.empty()) status = Expect(",");
      if (status.ok()) status = add_name(def.params);
    }
    if (status.ok()) status = Expect(")");
  }
  while (status.ok() && !IsPunct("{")) {
    if (!def.qubits.empty()) status = Expect(",");
    if (status.ok()) status = add_name(def.qubits);
  }
  if (!status.ok()) return status;
  if (def.qubits.empty()) {
    return ErrorAt(Cur(), absl::StrCat("gate '", def.name, "' needs at least one qubit argument"));
  }
  const Token& open = tokens_[pos_++];
  def.body_begin = pos_;

  GateScope scope;
  scope.def = &def;
  for (const std::string& p : def.params) scope.params[p] = Value::Number(1.0);
  for (size_t i = 0; i < def.qubits.size(); ++i) scope.qubits[def.qubits[i]] = i;
  scope_ = &scope;
  checking_ = true;
  defining_ = def.name;
  std::vector<Gate> unused;
  while (status.ok() && !IsPunct("}")) {
    if (Cur().type == TokenType::kEnd) {
      status = ErrorAt(open, absl::StrCat("unterminated body of gate '", def.name, "'"));
    } else {
      status = BodyStatement(&unused);
    }
  }
  scope_ = nullptr;
  checking_ = false;
  defining_.clear();
  if (!status.ok()) return status;
  def.body_end = pos_++;
  Symbol symbol;
  symbol.kind = SymbolKind::kGate;
  symbol.gate = static_cast<int>(gates_.size());
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  gates_.push_back(std::move(def));
  return absl::OkStatus();
}

absl::Status Parser::BodyStatement(std::vector<Gate>* out) {
  const Token& t = Cur();
  if (t.type == TokenType::kPunct && t.text == ";") {
    ++pos_;
    return absl::OkStatus();
  }
  if (t.type != TokenType::kIdentifier) {
    return ErrorAt(t, absl::StrCat("expected a gate call in the body of gate '",
                                   scope_->def->name, "', got '", t.text, "'"));
  }
  const std::string& w = t.text;
  if (w == "barrier") return Barrier();
  if (w == "gate") return ErrorAt(t, "gate definitions must be at global scope");
  if (w == "measure" || w == "reset") {
    return ErrorAt(t, absl::StrCat("'", w, "' is not allowed in a gate body"));
  }
  if (w == "qubit" || w == "qreg" || w == "bit" || w == "creg" || w == "input" ||
      w == "const" || w == "float" || w == "int" || w == "uint" || w == "angle") {
    return ErrorAt(t, "declarations are not allowed in a gate body");
  }
  if (w == "if" || w == "for" || w == "while" || w == "switch" || w == "delay" || w == "box") {
    return Unsupported(t, absl::StrCat("'", w, "'"));
  }
  return GateCall(out);
}

absl::StatusOr<Callee> Parser::ResolveGate(const Token& name) const {
  if (name.type != TokenType::kIdentifier) {
    return ErrorAt(name, absl::StrCat("expected a gate name, got '", name.text, "'"));
  }
  if (!defining_.empty() && name.text == defining_) {
    return ErrorAt(name, absl::StrCat("gate '", defining_,
                                      "' calls itself; recursive gate definitions are not allowed"));
  }
  Callee callee;
  auto it = symbols_.find(name.text);
  if (it != symbols_.end() && it->second.kind == SymbolKind::kGate) {
    callee.def = &gates_[it->second.gate];
    return callee;
  }
  callee.builtin = FindBuiltin(name.text);
  if (callee.builtin != nullptr) return callee;
  if (it != symbols_.end()) return ErrorAt(name, absl::StrCat("'", name.text, "' is not a gate"));
  return ErrorAt(name, absl::StrCat("unknown gate '", name.text, "'"));
}

absl::StatusOr<std::vector<Modifier>> Parser::Modifiers() {
  std::vector<Modifier> modifiers;
  while (IsModifierWord(Cur())) {
    Modifier m;
    m.token = &Cur();
    const std::string& w = Cur().text;
    m.kind = w == "ctrl"    ? Modifier::kCtrl
             : w == "negctrl" ? Modifier::kNegCtrl
             : w == "inv"   ? Modifier::kInv
                            : Modifier::kPow;
    ++pos_;
    if (m.kind == Modifier::kPow || ((m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) &&
                                     IsPunct("("))) {
      absl::Status status = Expect("(");
      if (!status.ok()) return status;
      if (m.kind == Modifier::kPow) {
        const Token& start = Cur();
        absl::StatusOr<Value> k = Expression();
        if (!k.ok()) return k.status();
        if (!k->is_number()) {
          return Unsupported(start, absl::StrCat("pow() exponent that depends on input '",
                                                 k->input_name, "'"));
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
    modifiers.push_back(m);
  }
  return modifiers;
}

absl::StatusOr<std::vector<Value>> Parser::GateParams() {
  std::vector<Value> params;
  if (!IsPunct("(")) return params;
  ++pos_;
  while (!IsPunct(")")) {
    if (!params.empty() && !IsPunct(",")) {
      return ErrorAt(Cur(), absl::StrCat("expected ',' or ')' after a gate parameter, got ",
                                         Cur().type == TokenType::kEnd
                                             ? std::string("end of input")
                                             : absl::StrCat("'", Cur().text, "'")));
    }
    if (!params.empty()) ++pos_;
    absl::StatusOr<Value> v = Expression();
    if (!v.ok()) return v.status();
    params.push_back(*v);
  }
  ++pos_;
  return params;
}

absl::Status Parser::GateCall(std::vector<Gate>* out) {
  absl::StatusOr<std::vector<Modifier>> modifiers = Modifiers();
  if (!modifiers.ok()) return modifiers.status();
  const Token& name = Cur();
  absl::StatusOr<Callee> callee = ResolveGate(name);
  if (!callee.ok()) return callee.status();
  ++pos_;
  if (IsPunct("[")) return Unsupported(Cur(), "gate duration designator");
  absl::StatusOr<std::vector<Value>> params = GateParams();
  if (!params.ok()) return params.status();
  std::vector<Operand> operands;
  while (!IsPunct(";")) {
    if (!operands.empty()) {
      absl::Status status = Expect(",");
      if (!status.ok()) {
        if (Cur().type == TokenType::kEnd || Cur().starts_line) {
          return ErrorAt(Cur(), absl::StrCat("expected ';' after gate call, got ",
                                             Cur().type == TokenType::kEnd
                                                 ? std::string("end of input")
                                                 : absl::StrCat("'", Cur().text, "'")));
        }
        return ErrorAt(Cur(), absl::StrCat("expected ',' or ';' after a qubit argument, got '",
                                           Cur().text, "'"));
      }
    }
    absl::StatusOr<Operand> operand = QubitOperand();
    if (!operand.ok()) return operand.status();
    operands.push_back(*std::move(operand));
  }
  ++pos_;

  if (static_cast<int>(params->size()) != callee->num_params()) {
    return ErrorAt(name, absl::StrCat("gate '", name.text, "' takes ", callee->num_params(),
                                      " parameter(s), got ", params->size()));
  }
  long long controls = 0;
  for (const Modifier& m : *modifiers) {
    if (m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) controls += m.count;
  }
  if (static_cast<long long>(operands.size()) != controls + callee->num_qubits()) {
    std::string detail =
        controls > 0 ? absl::StrCat(" (", controls, " control(s) + ", callee->num_qubits(), ")")
                     : "";
    return ErrorAt(name, absl::StrCat("gate '", name.text, "' takes ",
                                      controls + callee->num_qubits(), " qubit argument(s)",
                                      detail, ", got ", operands.size()));
  }
  size_t broadcast = 1;
  const Operand* first_register = nullptr;
  for (const Operand& op : operands) {
    if (!op.is_register) continue;
    if (first_register != nullptr && op.indices.size() != broadcast) {
      return ErrorAt(*op.token, absl::StrCat("register sizes differ in broadcast (",
                                             broadcast, " and ", op.indices.size(), ")"));
    }
    first_register = &op;
    broadcast = op.indices.size();
  }
  for (size_t b = 0; b < broadcast; ++b) {
    std::vector<int> qubits;
    std::set<int> seen;
    for (const Operand& op : operands) {
      int q = op.indices[op.is_register ? b : 0];
      if (!seen.insert(q).second) {
        return ErrorAt(*op.token, absl::StrCat("qubit ", QubitName(q),
                                               " used twice in one gate call"));
      }
      qubits.push_back(q);
    }
    if (checking_) continue;
    absl::StatusOr<std::vector<Gate>> gates = Instantiate(*modifiers, *callee, name, *params, qubits);
    if (!gates.ok()) return gates.status();
    for (Gate& g : *gates) out->push_back(std::move(g));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Gate>> Parser::Instantiate(const std::vector<Modifier>& modifiers,
                                                      const Callee& callee, const Token& name,
                                                      const std::vector<Value>& params,
                                                      const std::vector<int>& qubits) {
  std::vector<size_t> control_offset;
  size_t controls = 0;
  for (const Modifier& m : modifiers) {
    control_offset.push_back(controls);
    if (m.kind == Modifier::kCtrl || m.kind == Modifier::kNegCtrl) controls += m.count;
  }
  std::vector<int> own(qubits.begin() + controls, qubits.end());
  absl::StatusOr<std::vector<Gate>> gates;
  if (callee.def != nullptr) {
    gates = ExpandDefinition(*callee.def, name, params, own);
  } else {
    gates = BuildBuiltin(*callee.builtin, params, own);
    if (!gates.ok()) return ErrorAt(name, gates.status().message());
    absl::Status charged = ChargeOperations(name, static_cast<long long>(gates->size()));
    if (!charged.ok()) return charged;
  }
  if (!gates.ok()) return gates;
  // Modifiers apply innermost (rightmost) first.
  for (size_t i = modifiers.size(); i-- > 0;) {
    const Modifier& m = modifiers[i];
    absl::Status work = ChargeWork(*m.token, 1 + static_cast<long long>(gates->size()));
    if (!work.ok()) return work;
    if (m.kind == Modifier::kInv) {
      Invert(*gates);
    } else if (m.kind == Modifier::kPow) {
      absl::Status status = Power(m.power, *gates, budget_);
      if (!status.ok()) {
        if (absl::IsResourceExhausted(status)) {
          return ErrorAt(*m.token, absl::StrCat("program expands to more than ",
                                                options_.max_operations,
                                                " operations (max_operations)"));
        }
        return ErrorAt(*m.token, status.message());
      }
    } else {
      std::vector<int> ctrl(qubits.begin() + control_offset[i],
                            qubits.begin() + control_offset[i] + m.count);
      AddControls(ctrl, std::vector<bool>(ctrl.size(), m.kind == Modifier::kCtrl), *gates);
    }
  }
  return gates;
}

absl::StatusOr<std::vector<Gate>> Parser::ExpandDefinition(const GateDef& def, const Token& call,
                                                           const std::vector<Value>& params,
                                                           const std::vector<int>& qubits) {
  if (call_depth_ >= kMaxGateCallDepth) {
    return ErrorAt(call, absl::StrCat("gate calls nested too deeply (limit ", kMaxGateCallDepth,
                                      ")"));
  }
  absl::Status work =
      ChargeWork(call, 1 + static_cast<long long>(def.body_end - def.body_begin));
  if (!work.ok()) return work;
  GateScope scope;
  scope.def = &def;
  for (size_t i = 0; i < def.params.size(); ++i) scope.params[def.params[i]] = params[i];
  for (size_t i = 0; i < def.qubits.size(); ++i) scope.qubits[def.qubits[i]] = qubits[i];
  size_t saved_pos = pos_;
  GateScope* saved_scope = scope_;
  pos_ = def.body_begin;
  scope_ = &scope;
  ++call_depth_;
  std::vector<Gate> out;
  absl::Status status;
  while (status.ok() && pos_ < def.body_end) status = BodyStatement(&out);
  --call_depth_;
  pos_ = saved_pos;
  scope_ = saved_scope;
  if (!status.ok()) {
    if (call_depth_ > 0) return status;
    return absl::InvalidArgumentError(absl::StrCat(status.message(), " (in gate '", def.name,
                                                   "' called at ", call.line, ":", call.column,
                                                   ")"));
  }
  return out;
}

absl::StatusOr<long long> Parser::IndexValue(int size) {
  absl::StatusOr<long long> i = ConstantInteger("index", -static_cast<long long>(size), size - 1);
  if (!i.ok()) return i;
  return *i < 0 ? *i + size : *i;  // negative indices count from the end
}

// After '[': `i]`, `a:b]`, `a:s:b]` (inclusive, as in OpenQASM 3) or `{i, j, ...}]`.
absl::StatusOr<std::vector<int>> Parser::Index(int size, bool* single) {
  std::vector<int> result;
  *single = false;
  if (IsPunct("{")) {
    ++pos_;
    while (!IsPunct("}")) {
      if (!result.empty()) {
        absl::Status status = Expect(",");
        if (!status.ok()) return status;
      }
      absl::StatusOr<long long> i = IndexValue(size);
      if (!i.ok()) return i.status();
      result.push_back(static_cast<int>(*i));
    }
    ++pos_;
  } else {
    long long start = 0, step = 1, stop = size - 1;
    bool range = IsPunct(":");
    if (!range) {
      absl::StatusOr<long long> i = IndexValue(size);
      if (!i.ok()) return i.status();
      start = *i;
      range = IsPunct(":");
      if (!range) {
        *single = true;
        result.push_back(static_cast<int>(start));
      }
    }
    if (range) {
      // Up to two more parts: `:stop` or `:step:stop`; a part may be left out (`q[1:]`).
      std::vector<const Token*> part_tokens;
      std::vector<long long> parts;
      while (IsPunct(":") && parts.size() < 2) {
        ++pos_;
        if (IsPunct("]") || IsPunct(":")) break;
        part_tokens.push_back(&Cur());
        absl::StatusOr<long long> v =
            ConstantInteger("range bound", -static_cast<long long>(size), size);
        if (!v.ok()) return v.status();
        parts.push_back(*v);
      }
      if (parts.size() == 2) step = parts[0];
      if (!parts.empty()) {
        stop = parts.back();
        if (stop >= size) {
          return ErrorAt(*part_tokens.back(),
                         absl::StrCat("index ", stop, " out of range [", -size, ", ", size - 1, "]"));
        }
        if (stop < 0) stop += size;
      }
      if (step == 0) return ErrorAt(*part_tokens.front(), "range step must not be zero");
      for (long long i = start; step > 0 ? i <= stop : i >= stop; i += step) {
        result.push_back(static_cast<int>(i));
      }
    }
  }
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Operand> Parser::QubitOperand() {
  Operand op;
  op.token = &Cur();
  const Token& t = Cur();
  if (t.type == TokenType::kHardwareQubit) {
    absl::StatusOr<int> q = PhysicalQubit(t);
    if (!q.ok()) return q.status();
    ++pos_;
    op.indices = {*q};
    return op;
  }
  if (t.type != TokenType::kIdentifier) {
    return ErrorAt(t, t.type == TokenType::kEnd
                          ? std::string("expected a qubit, got end of input")
                          : absl::StrCat("expected a qubit, got '", t.text, "'"));
  }
  ++pos_;
  if (scope_ != nullptr) {
    auto it = scope_->qubits.find(t.text);
    if (it == scope_->qubits.end()) {
      return ErrorAt(t, absl::StrCat("'", t.text, "' is not a qubit argument of gate '",
                                     scope_->def->name, "'"));
    }
    if (IsPunct("[")) return ErrorAt(Cur(), "gate qubit arguments cannot be indexed");
    op.indices = {it->second};
    return op;
  }
  auto it = symbols_.find(t.text);
  if (it == symbols_.end()) {
    return ErrorAt(t, absl::StrCat("undeclared qubit register '", t.text, "'"));
  }
  if (it->second.kind != SymbolKind::kQubits) {
    return ErrorAt(t, absl::StrCat("'", t.text, "' is not a qubit register"));
  }
  absl::Status status = RegisterElements(it->second, op);
  if (!status.ok()) return status;
  return op;
}

absl::StatusOr<Operand> Parser::BitOperand() {
  Operand op;
  op.token = &Cur();
  const Token& t = Cur();
  if (t.type != TokenType::kIdentifier) return ErrorAt(t, "expected a bit register");
  ++pos_;
  auto it = symbols_.find(t.text);
  if (it == symbols_.end()) {
    return ErrorAt(t, absl::StrCat("undeclared bit register '", t.text, "'"));
  }
  if (it->second.kind != SymbolKind::kBits) {
    return ErrorAt(t, absl::StrCat("measurement target '", t.text, "' is not a bit register"));
  }
  absl::Status status = RegisterElements(it->second, op);
  if (!status.ok()) return status;
  return op;
}

// `reg`, `reg[i]`, `reg[a:b]`, `reg[{i, j}]` after the name.
absl::Status Parser::RegisterElements(const Symbol& reg, Operand& op) {
  if (IsPunct("[")) {
    if (reg.scalar) {
      return ErrorAt(Cur(), absl::StrCat("'", op.token->text, "' is a single ",
                                         reg.kind == SymbolKind::kQubits ? "qubit" : "bit",
                                         " and cannot be indexed"));
    }
    ++pos_;
    bool single;
    absl::StatusOr<std::vector<int>> indices = Index(reg.size, &single);
    if (!indices.ok()) return indices.status();
    for (int i : *indices) op.indices.push_back(reg.offset + i);
    op.is_register = !single;
    return absl::OkStatus();
  }
  for (int i = 0; i < reg.size; ++i) op.indices.push_back(reg.offset + i);
  op.is_register = !reg.scalar;
  return absl::OkStatus();
}

absl::StatusOr<int> Parser::PhysicalQubit(const Token& token) {
  if (scope_ != nullptr) return ErrorAt(token, "physical qubits are not allowed in a gate body");
  if (!qubit_names_.empty()) {
    return Unsupported(token, absl::StrCat("physical qubit '", token.text,
                                           "' in a program that declares qubits"));
  }
  long long q = 0;
  for (char c : token.text.substr(1)) {
    q = q * 10 + (c - '0');
    if (q >= options_.max_qubits) {
      return ErrorAt(token, absl::StrCat("physical qubit '", token.text, "' out of range (limit ",
                                         options_.max_qubits, " qubits)"));
    }
  }
  physical_qubits_ = std::max(physical_qubits_, static_cast<int>(q) + 1);
  return static_cast<int>(q);
}

std::string Parser::QubitName(int qubit) const {
  if (qubit < static_cast<int>(qubit_names_.size())) return qubit_names_[qubit];
  return absl::StrCat("$", qubit);
}

}  // namespace qgrad::qasm
