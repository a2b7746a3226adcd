// OpenQASM 3 parser: arithmetic expressions over numbers, constants, inputs and gate
// parameters, evaluated to affine Values while parsing. Precedence (low to high):
// + -, * / %, unary -, ** (right-associative, binds tighter than a unary minus on its
// left, so -2**2 == -4). Thread-safe: per-Parse state only.
#include <cmath>
#include <numbers>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {
namespace {

// Keeps the recursion depth bounded for inputs like "((((((...": the counter is shared by
// every recursive entry (parentheses, unary operators, ** chains, function arguments).
class DepthGuard {
 public:
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  bool exceeded() const { return depth_ > kMaxExpressionDepth; }

 private:
  int& depth_;
};

bool BuiltinConstant(absl::string_view name, double* value) {
  if (name == "pi" || name == "π") *value = std::numbers::pi;
  else if (name == "tau" || name == "τ") *value = 2 * std::numbers::pi;
  else if (name == "euler" || name == "ℇ") *value = std::numbers::e;
  else return false;
  return true;
}

// How tightly a binary operator binds, loosest first: || && | ^ & (== !=) (< <= > >=)
// (<< >>) (+ -) (* / %); 0 for anything else.
int BinaryPower(const Token& t) {
  if (t.type != TokenType::kPunct) return 0;
  absl::string_view op = t.text;
  bool single = op.size() == 1;
  switch (op[0]) {
    case '|': return single ? 3 : op == "||" ? 1 : 0;
    case '&': return single ? 5 : op == "&&" ? 2 : 0;
    case '^': return single ? 4 : 0;
    case '=': case '!': return op.size() == 2 && op[1] == '=' ? 6 : 0;
    case '<': case '>':
      if (single || op[1] == '=') return op.size() <= 2 ? 7 : 0;
      return op.size() == 2 ? 8 : 0;  // << >> (not <<= >>=)
    case '+': case '-': return single ? 9 : 0;
    case '*': case '/': case '%': return single ? 10 : 0;
    default: return 0;
  }
}

}  // namespace

absl::StatusOr<Value> Parser::Expression() {
  DepthGuard guard(expression_depth_);
  if (guard.exceeded()) {
    return LimitError(cur_, absl::StrCat("expression nested too deeply (limit ",
                                         kMaxExpressionDepth, ")"));
  }
  return Binary(1);
}

absl::StatusOr<Value> Parser::Arithmetic(const Token& op, const Value& a, const Value& b) {
  absl::StatusOr<Value> result = ApplyOperator(op.text, a, b);
  if (result.ok()) return result;
  if (checking_) return Value::Number(1.0);  // placeholder values: only syntax matters
  return ErrorAt(op, result.status().message());
}

// Operands joined by left-associative operators that bind at least as tightly as
// `min_power` (precedence climbing).
absl::StatusOr<Value> Parser::Binary(int min_power) {
  absl::StatusOr<Value> left = Unary();
  for (int power = BinaryPower(cur_); left.ok() && power >= min_power;
       power = BinaryPower(cur_)) {
    Token op = Take();
    absl::StatusOr<Value> right = Binary(power + 1);
    if (!right.ok()) return right;
    left = Arithmetic(op, *left, *right);
  }
  return left;
}

// Prefix - and +, then a primary with an optional ** exponent, which is right-associative
// and binds tighter than a minus on its left.
absl::StatusOr<Value> Parser::Unary() {
  DepthGuard guard(expression_depth_);
  if (guard.exceeded()) {
    return LimitError(cur_, absl::StrCat("expression nested too deeply (limit ",
                                         kMaxExpressionDepth, ")"));
  }
  if (IsPunct("-") || IsPunct("+")) {
    bool minus = IsPunct("-");
    Advance();
    absl::StatusOr<Value> operand = Unary();
    if (!operand.ok() || !minus) return operand;
    return Negate(*operand);
  }
  if (IsPunct("!") || IsPunct("~")) {
    Token op = Take();
    absl::StatusOr<Value> operand = Unary();
    if (!operand.ok()) return operand;
    absl::StatusOr<Value> result = ApplyUnary(op.text, *operand);
    if (result.ok() || checking_) return result.ok() ? result : Value::Number(1.0);
    return ErrorAt(op, result.status().message());
  }
  absl::StatusOr<Value> base = Primary();
  if (!base.ok() || !IsPunct("**")) return base;
  Token op = Take();
  absl::StatusOr<Value> exponent = Unary();
  if (!exponent.ok()) return exponent;
  return Arithmetic(op, *base, *exponent);
}

absl::StatusOr<Value> Parser::Primary() {
  Token t = Cur();
  switch (t.type) {
    case TokenType::kNumber:
      Advance();
      if (!std::isfinite(t.number)) return ErrorAt(t, "number out of range");
      return Value::Number(t.number);
    case TokenType::kIdentifier:
      if (IsTypeWord(t) || t.text == "bit") return Cast(t);
      if (t.text == "true" || t.text == "false") {
        Advance();
        return Value::Integer(t.text == "true");
      }
      return Identifier();
    case TokenType::kString: {  // a bit string, most significant bit first
      Advance();
      double v = 0;
      int digits = 0;
      for (char c : t.text) {
        if (c == '_') continue;
        if ((c != '0' && c != '1') || ++digits > 63) {
          return ErrorAt(t, "a bit string holds at most 63 digits 0 and 1");
        }
        v = 2 * v + (c - '0');
      }
      return Value::Integer(v);
    }
    case TokenType::kDuration:
      return Unsupported(t, "duration literal");
    case TokenType::kImaginary:
      return Unsupported(t, "imaginary literal");
    case TokenType::kEnd:
      return ErrorAt(t, "expected an expression, got end of input");
    default:
      break;
  }
  if (t.type == TokenType::kPunct && t.text == "(") {
    Advance();
    absl::StatusOr<Value> inner = Expression();
    if (!inner.ok()) return inner;
    absl::Status status = Expect(")");
    if (!status.ok()) return status;
    return inner;
  }
  return ErrorAt(t, absl::StrCat("expected an expression, got '", t.text, "'"));
}

absl::StatusOr<Value> Parser::Identifier() {
  Token t = Take();
  absl::string_view name = t.text;
  if (scope_ != nullptr) {
    int arg = scope_->def->Find(name);
    if (arg >= scope_->def->num_params) {
      return ErrorAt(t, absl::StrCat("qubit '", name, "' used as a number"));
    }
    if (arg >= 0) return scope_->params[arg];
  }
  double constant;
  if (BuiltinConstant(name, &constant)) return Value::Number(constant);
  if (int arity = FunctionArity(name); arity > 0) return FunctionCall(t, arity);
  auto it = symbols_.find(name);
  if (it == symbols_.end()) {
    return ErrorAt(t, absl::StrCat("undeclared identifier '", name, "'"));
  }
  if (it->second.kind == SymbolKind::kNumber && (scope_ != nullptr || !IsPunct("["))) {
    return it->second.value;
  }
  const Symbol symbol = it->second;  // a copy: an index or argument may declare names
  if (symbol.kind == SymbolKind::kNumber) return IndexedNumber(t, symbol);
  if (symbol.kind == SymbolKind::kBits && scope_ == nullptr) {
    Operand bits;
    bits.token = t;
    absl::Status status = RegisterElements(symbol, bits);
    if (!status.ok()) return status;
    return ReadBits(bits);
  }
  if (symbol.kind == SymbolKind::kDef && scope_ == nullptr) {
    absl::StatusOr<std::optional<Value>> result = CallDef(t, defs_[symbol.gate], false);
    if (!result.ok()) return result.status();
    if (!result->has_value()) {
      return ErrorAt(t, absl::StrCat("subroutine '", name, "' returns no value"));
    }
    return **result;
  }
  if (symbol.kind != SymbolKind::kInput) {
    return ErrorAt(t, absl::StrCat("'", name, "' is not a number"));
  }
  if (scope_ != nullptr) {
    return ErrorAt(t, absl::StrCat("input '", name, "' is not visible inside gate '",
                                   scope_->def->name, "'; pass it as a gate parameter"));
  }
  int index = symbol.offset;
  if (!symbol.scalar) {
    if (!IsPunct("[")) return ErrorAt(t, absl::StrCat("input array '", name, "' needs an index"));
    Advance();
    absl::StatusOr<long long> i = ConstantInteger("array index", 0, symbol.size - 1);
    if (!i.ok()) return i.status();
    absl::Status status = Expect("]");
    if (!status.ok()) return status;
    index += static_cast<int>(*i);
  }
  const std::string& full_name = param_names_[index];
  auto bound = options_.bindings.find(full_name);
  if (bound != options_.bindings.end()) {
    if (!std::isfinite(bound->second)) {
      return ErrorAt(t, absl::StrCat("binding for '", full_name, "' is not finite"));
    }
    return Value::Number(bound->second);
  }
  return Value{0.0, index, 1.0, &full_name};
}

// After the function's name: `(a)` or `(a, b)`, a trailing comma allowed.
absl::StatusOr<Value> Parser::FunctionCall(const Token& name, int arity) {
  absl::Status status = Expect("(");
  if (!status.ok()) return status;
  int count = 0;
  absl::StatusOr<ValueList> args = ExpressionList("a function argument", arity, &count);
  if (!args.ok()) return args.status();
  if (count != arity) {
    return ErrorAt(name, absl::StrCat("function '", name.text, "' takes ", arity,
                                      " argument(s), got ", count));
  }
  absl::StatusOr<Value> result = ApplyFunction(name.text, *args);
  if (result.ok() || checking_) return result.ok() ? result : Value::Number(1.0);
  return ErrorAt(name, result.status().message());
}

// After '(': expressions up to and past the ')' (a trailing comma allowed). Keeps the first
// `keep` and counts them all in `count`, so that a surplus costs no memory.
absl::StatusOr<ValueList> Parser::ExpressionList(absl::string_view what, int keep, int* count) {
  ValueList values;
  absl::Status status = CommaList(")", what, [&]() -> absl::Status {
    absl::StatusOr<Value> value = Expression();
    if (!value.ok()) return value.status();
    if (++*count <= keep) values.push_back(*value);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  Advance();
  return values;
}

absl::StatusOr<double> Parser::ConstantNumber(absl::string_view what) {
  Token start = Cur();
  absl::StatusOr<Value> value = Expression();
  if (!value.ok()) return value.status();
  if (!value->is_number()) {
    return ErrorAt(start, absl::StrCat(what, " must not depend on input '",
                                       value->input_name(), "'"));
  }
  return value->constant;
}

absl::StatusOr<long long> Parser::ConstantInteger(absl::string_view what, long long min,
                                                  long long max) {
  Token start = Cur();
  absl::StatusOr<double> value = ConstantNumber(what);
  if (!value.ok()) return value.status();
  if (*value != std::floor(*value)) {
    return ErrorAt(start, absl::StrCat(what, " must be an integer, got ", *value));
  }
  if (*value < static_cast<double>(min) || *value > static_cast<double>(max)) {
    return ErrorAt(start, absl::StrCat(what, " ", *value, " out of range [", min, ", ", max, "]"));
  }
  return static_cast<long long>(*value);
}

}  // namespace qgrad::qasm
