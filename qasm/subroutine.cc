// OpenQASM 3 parser: subroutines (`def`). A definition records its arguments and where
// its body starts, and skips the body; every call binds the arguments in a scope of its
// own and reads the body again, as gate bodies are. Qubit arguments alias the caller's
// qubits; classical arguments are passed by value. Calls nest at most kMaxGateCallDepth
// deep. Thread-safe: per-Parse state only.
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {

// `qubit q`, `qubit[n] q`, `bit[n] b` or a classical type and a name.
absl::StatusOr<DefParam> Parser::DefParameter() {
  DefParam param;
  if (IsWord("qubit")) {
    Advance();
    param.qubit = true;
    absl::StatusOr<int> size = RegisterSize(&param.scalar);
    if (!size.ok()) return size.status();
    param.size = *size;
  } else {
    if (!(IsTypeWord(cur_) || IsWord("bit"))) {
      if (cur_.type == TokenType::kIdentifier && IsUnsupportedWord(cur_.text)) {
        return Unsupported(cur_, absl::StrCat("subroutine argument of type '", cur_.text, "'"));
      }
      return ErrorAt(cur_, "expected an argument type");
    }
    absl::StatusOr<TypeSpec> type = ParseType();
    if (!type.ok()) return type.status();
    param.type = *type;
  }
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("an argument name");
  if (!id.ok()) return id.status();
  param.name = *id;
  return param;
}

// `def name(arguments) [-> type] { body }`
absl::Status Parser::DefDefinition() {
  Token keyword = Take();
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("a subroutine name");
  if (!id.ok()) return id.status();
  DefInfo def;
  def.name = std::string(*id);
  absl::Status status = Expect("(");
  if (!status.ok()) return status;
  status = CommaList(")", "a subroutine argument", [&]() -> absl::Status {
    absl::StatusOr<DefParam> param = DefParameter();
    if (!param.ok()) return param.status();
    def.params.push_back(*param);
    return ChargeOperations(keyword, 1);
  });
  if (!status.ok()) return status;
  Advance();
  if (IsPunct("->")) {
    Advance();
    if (!(IsTypeWord(cur_) || IsWord("bit"))) return ErrorAt(cur_, "expected a return type");
    absl::StatusOr<TypeSpec> type = ParseType();
    if (!type.ok()) return type.status();
    def.result = *type;
  }
  if (!IsPunct("{")) return ErrorAt(cur_, absl::StrCat("expected '{' after subroutine '",
                                                       def.name, "'"));
  def.body = Here();
  status = SkipBalanced();
  if (!status.ok()) return status;
  Symbol symbol;
  symbol.kind = SymbolKind::kDef;
  symbol.gate = static_cast<int>(defs_.size());
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  defs_.push_back(std::move(def));
  return absl::OkStatus();
}

// After the subroutine's name: `(arguments)` and, called as a statement (`gate_style`),
// qubit arguments after the parentheses as a gate call has them (`f q;`, `f(1) q, r;`).
// Runs the body; its return value, if any.
absl::StatusOr<std::optional<Value>> Parser::CallDef(const Token& name, const DefInfo& def,
                                                     bool gate_style) {
  struct Argument {
    Value value;
    Operand qubits;
  };
  std::vector<Argument> args;
  auto item = [&]() -> absl::Status {
    if (args.size() == def.params.size()) {
      return ErrorAt(cur_, absl::StrCat("subroutine '", def.name, "' takes ",
                                        def.params.size(), " argument(s)"));
    }
    const DefParam& param = def.params[args.size()];
    Argument& arg = args.emplace_back();
    if (param.qubit) {
      absl::StatusOr<Operand> qubits = QubitOperand();
      if (!qubits.ok()) return qubits.status();
      if (qubits->indices.size() != static_cast<size_t>(param.size)) {
        return ErrorAt(qubits->token, absl::StrCat("argument '", param.name, "' of '",
                                                   def.name, "' takes ", param.size,
                                                   " qubit(s), got ", qubits->indices.size()));
      }
      arg.qubits = *std::move(qubits);
      return absl::OkStatus();
    }
    absl::StatusOr<Value> value = Expression();
    if (!value.ok()) return value.status();
    arg.value = *value;
    return absl::OkStatus();
  };
  absl::Status status;
  if (IsPunct("(")) {
    Advance();
    status = CommaList(")", "an argument", item);
    if (!status.ok()) return status;
    Advance();
  } else if (!gate_style) {
    return ErrorAt(cur_, absl::StrCat("expected '(' after subroutine '", def.name, "'"));
  }
  if (gate_style && !IsPunct(";")) status = CommaList(";", "a qubit argument", item);
  if (!status.ok()) return status;
  if (args.size() != def.params.size()) {
    return ErrorAt(name, absl::StrCat("subroutine '", def.name, "' takes ", def.params.size(),
                                      " argument(s), got ", args.size()));
  }
  if (def_depth_ + call_depth_ >= kMaxGateCallDepth) {
    return LimitError(name, absl::StrCat("subroutine calls nested too deeply (limit ",
                                         kMaxGateCallDepth, ")"));
  }
  status = ChargeOperations(name, 1);
  if (!status.ok()) return status;

  Mark back = Here();
  int loops = loop_depth_;
  loop_depth_ = 0;
  ++def_depth_;
  PushFrame();
  for (size_t i = 0; status.ok() && i < args.size(); ++i) {
    const DefParam& param = def.params[i];
    Token param_name = name;
    param_name.text = param.name;
    Symbol symbol;
    if (param.qubit) {
      symbol = MakeRegister(SymbolKind::kQubits, 0, param.size, param.scalar);
      symbol.elements.assign(args[i].qubits.indices.begin(), args[i].qubits.indices.end());
    } else {
      absl::StatusOr<Value> value = Convert(name, args[i].value, param.type);
      if (!value.ok()) {
        status = value.status();
        break;
      }
      symbol.value = *value;
      symbol.type = param.type;
      symbol.is_const = false;
    }
    status = Declare(param_name, symbol);
  }
  if (status.ok()) status = Restore(def.body);
  if (status.ok()) status = Block();
  std::optional<Value> result = std::move(return_value_);
  return_value_.reset();
  flow_ = Flow::kNormal;
  PopFrame();
  --def_depth_;
  loop_depth_ = loops;
  cur_ = back.cur;
  lexer_ = back.lexer;
  if (!status.ok()) return status;
  if (!def.result.has_value()) return std::optional<Value>();
  if (!result.has_value()) {
    return ErrorAt(name, absl::StrCat("subroutine '", def.name, "' ended without returning a value"));
  }
  absl::StatusOr<Value> converted = Convert(name, *result, *def.result);
  if (!converted.ok()) return converted.status();
  return std::optional<Value>(*converted);
}

// `return;`, `return expression;` or `return measure q;`
absl::Status Parser::ReturnStatement() {
  Token keyword = Take();
  if (def_depth_ == 0) return ErrorAt(keyword, "'return' outside a subroutine");
  std::optional<Value> value;
  if (!IsPunct(";")) {
    absl::StatusOr<Value> v = ValueOrMeasurement();
    if (!v.ok()) return v.status();
    value = *v;
  }
  absl::Status status = Expect(";");
  if (!status.ok()) return status;
  return_value_ = value;
  flow_ = Flow::kReturn;
  return absl::OkStatus();
}

}  // namespace qgrad::qasm
