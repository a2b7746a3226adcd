// Affine value arithmetic for the OpenQASM parser (see value.h). Thread-safe: pure.
#include "qasm/value.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

absl::Status Nonlinear(const Value& a, const Value& b) {
  const Value& input = a.is_number() ? b : a;
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported: nonlinear use of input '", input.input_name(),
                   "' (bind it with a value, or use it affinely)"));
}

absl::StatusOr<Value> Finite(Value v) {
  if (!std::isfinite(v.constant) || (v.index >= 0 && !std::isfinite(v.scale))) {
    return absl::InvalidArgumentError("expression value is not a finite number");
  }
  if (v.index >= 0 && v.scale == 0.0) {
    v.index = -1;
    v.input = nullptr;
  }
  return v;
}

Value Scaled(const Value& v, double factor) {
  Value r = v;
  r.constant *= factor;
  r.scale *= factor;
  return r;
}

absl::StatusOr<Value> Add(const Value& a, const Value& b) {
  if (!a.is_number() && !b.is_number() && a.index != b.index) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported: an angle may depend on only one input ('", a.input_name(), "' and '",
        b.input_name(), "')"));
  }
  Value r = a.is_number() ? b : a;
  r.constant = a.constant + b.constant;
  r.scale = (a.is_number() ? 0.0 : a.scale) + (b.is_number() ? 0.0 : b.scale);
  return Finite(r);
}

}  // namespace

Value Negate(const Value& a) { return Scaled(a, -1.0); }

absl::StatusOr<Value> ApplyBinary(absl::string_view op, const Value& a, const Value& b) {
  if (op == "+") return Add(a, b);
  if (op == "-") return Add(a, Negate(b));
  if (op == "*") {
    if (!a.is_number() && !b.is_number()) return Nonlinear(a, b);
    return Finite(a.is_number() ? Scaled(b, a.constant) : Scaled(a, b.constant));
  }
  if (op == "/") {
    if (!b.is_number()) return Nonlinear(a, b);
    if (b.constant == 0.0) return absl::InvalidArgumentError("division by zero");
    return Finite(Scaled(a, 1.0 / b.constant));
  }
  if (!a.is_number() || !b.is_number()) return Nonlinear(a, b);
  if (op == "%") {
    if (b.constant == 0.0) return absl::InvalidArgumentError("modulo by zero");
    return Finite(Value::Number(std::fmod(a.constant, b.constant)));
  }
  if (op == "**") return Finite(Value::Number(std::pow(a.constant, b.constant)));
  return absl::InvalidArgumentError(absl::StrCat("unsupported: operator '", op, "'"));
}

namespace {

absl::Status NeedsNumbers(absl::string_view op, const Value& a, const Value& b) {
  const Value& input = a.is_number() ? b : a;
  return absl::InvalidArgumentError(absl::StrCat("unsupported: operator '", op,
                                                 "' on input '", input.input_name(),
                                                 "' (bind it with a value)"));
}

bool IsArithmetic(absl::string_view op) {
  return op == "+" || op == "-" || op == "*" || op == "/" || op == "%" || op == "**";
}

}  // namespace

absl::StatusOr<long long> ToInteger(const Value& v) {
  if (!v.is_number() || v.constant != std::trunc(v.constant) ||
      std::fabs(v.constant) >= 0x1p63) {
    return absl::InvalidArgumentError(absl::StrCat("expected an integer, got ", v.constant));
  }
  return static_cast<long long>(v.constant);
}

absl::StatusOr<Value> ApplyOperator(absl::string_view op, const Value& a, const Value& b) {
  bool integers = a.integer && b.integer && a.is_number() && b.is_number();
  if (IsArithmetic(op)) {
    if (integers && op == "/") {
      if (b.constant == 0.0) return absl::InvalidArgumentError("division by zero");
      return Value::Integer(std::trunc(a.constant / b.constant));
    }
    absl::StatusOr<Value> r = ApplyBinary(op, a, b);
    if (r.ok()) r->integer = integers;
    return r;
  }
  if (!a.is_number() || !b.is_number()) return NeedsNumbers(op, a, b);
  double x = a.constant, y = b.constant;
  if (op == "==") return Value::Integer(x == y);
  if (op == "!=") return Value::Integer(x != y);
  if (op == "<") return Value::Integer(x < y);
  if (op == "<=") return Value::Integer(x <= y);
  if (op == ">") return Value::Integer(x > y);
  if (op == ">=") return Value::Integer(x >= y);
  if (op == "&&") return Value::Integer(x != 0 && y != 0);
  if (op == "||") return Value::Integer(x != 0 || y != 0);
  absl::StatusOr<long long> i = ToInteger(a);
  if (!i.ok()) return i.status();
  absl::StatusOr<long long> j = ToInteger(b);
  if (!j.ok()) return j.status();
  if (op == "&") return Value::Integer(static_cast<double>(*i & *j));
  if (op == "|") return Value::Integer(static_cast<double>(*i | *j));
  if (op == "^") return Value::Integer(static_cast<double>(*i ^ *j));
  if (op == "<<" || op == ">>") {
    if (*j < 0 || *j > 63) {
      return absl::InvalidArgumentError(absl::StrCat("shift by ", *j, " outside [0, 63]"));
    }
    auto u = static_cast<unsigned long long>(*i);
    u = op == "<<" ? u << *j : u >> *j;
    return Value::Integer(static_cast<double>(static_cast<long long>(u)));
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported: operator '", op, "'"));
}

absl::StatusOr<Value> ApplyUnary(absl::string_view op, const Value& a) {
  if (!a.is_number()) return NeedsNumbers(op, a, a);
  if (op == "!") return Value::Integer(a.constant == 0);
  absl::StatusOr<long long> i = ToInteger(a);
  if (!i.ok()) return i.status();
  return Value::Integer(static_cast<double>(~*i));
}

int FunctionArity(absl::string_view name) {
  static const auto* const kArity = new absl::flat_hash_map<absl::string_view, int>{
      {"sin", 1},  {"cos", 1},  {"tan", 1},     {"arcsin", 1},  {"arccos", 1}, {"arctan", 1},
      {"exp", 1},  {"ln", 1},   {"log", 1},     {"sqrt", 1},    {"floor", 1},  {"ceiling", 1},
      {"mod", 2},  {"pow", 2}};
  auto it = kArity->find(name);
  return it == kArity->end() ? 0 : it->second;
}

absl::StatusOr<Value> ApplyFunction(absl::string_view name, absl::Span<const Value> args) {
  for (const Value& v : args) {
    if (!v.is_number()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported: nonlinear use of input '", v.input_name(), "' in ", name,
                       "() (bind it with a value)"));
    }
  }
  if (args.size() == 2) {
    if (name == "mod") return ApplyBinary("%", args[0], args[1]);
    return ApplyBinary("**", args[0], args[1]);
  }
  double x = args.at(0).constant;
  double y;
  if (name == "sin") y = std::sin(x);
  else if (name == "cos") y = std::cos(x);
  else if (name == "tan") y = std::tan(x);
  else if (name == "arcsin") y = std::asin(x);
  else if (name == "arccos") y = std::acos(x);
  else if (name == "arctan") y = std::atan(x);
  else if (name == "exp") y = std::exp(x);
  else if (name == "ln" || name == "log") y = std::log(x);
  else if (name == "sqrt") y = std::sqrt(x);
  else if (name == "floor") y = std::floor(x);
  else if (name == "ceiling") y = std::ceil(x);
  else return absl::NotFoundError(absl::StrCat("unknown function '", name, "'"));
  if (!std::isfinite(y)) {
    return absl::InvalidArgumentError(absl::StrCat(name, "(", x, ") is not a finite number"));
  }
  return Value::Number(y);
}

}  // namespace qgrad::qasm
