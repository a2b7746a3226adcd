// Affine values of OpenQASM expressions: constant + scale · input[index], the form the
// circuit IR can carry (core/circuit.h Angle). Arithmetic that would leave this form (the
// product of two inputs, sin of an input, ...) fails so the parser can report it as
// unsupported instead of evaluating it wrongly.
//
// Thread-safety: values and pure functions.
#ifndef QGRAD_QASM_VALUE_H_
#define QGRAD_QASM_VALUE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/circuit.h"

namespace qgrad::qasm {

struct Value {
  double constant = 0.0;
  int index = -1;      // input parameter index, -1 for a plain number
  double scale = 0.0;  // meaningful only when index >= 0
  // The input's name ("theta[2]") for error messages; owned by the parser, whose storage
  // never moves it. A pointer keeps Value trivially copyable, and expressions cheap.
  const std::string* input = nullptr;
  // An integer-typed value (int, uint, bool, bit or a comparison): `/` between two of them
  // truncates, as integer division does. Literals are not integer-typed, so `1/2` is 0.5.
  bool integer = false;

  static Value Number(double v) { return Value{v, -1, 0.0, nullptr}; }
  static Value Integer(double v) { return Value{v, -1, 0.0, nullptr, true}; }
  bool is_number() const { return index < 0; }
  absl::string_view input_name() const {
    return input != nullptr ? absl::string_view(*input) : absl::string_view();
  }
  Angle ToAngle() const {
    return is_number() ? Angle::Fixed(constant) : Angle::Param(index, scale, constant);
  }
};

// Binary arithmetic for the operators + - * / % **. Errors are bare messages (the caller
// adds the position): "division by zero", "unsupported: nonlinear use of input 'x'", ...
absl::StatusOr<Value> ApplyBinary(absl::string_view op, const Value& a, const Value& b);
Value Negate(const Value& a);
// Every binary operator of the classical language: the arithmetic above (integer-typed
// operands give integer results, `/` truncating), comparisons == != < <= > >=, logical
// && || and the bit operators & | ^ << >> on integers. The non-arithmetic ones need plain
// numbers (not inputs) and give integer-typed results (0 or 1 for comparisons).
absl::StatusOr<Value> ApplyOperator(absl::string_view op, const Value& a, const Value& b);
// Unary `!` (logical not) and `~` (bitwise not of an integer).
absl::StatusOr<Value> ApplyUnary(absl::string_view op, const Value& a);
// The 64-bit integer a plain integral number holds; INVALID_ARGUMENT otherwise.
absl::StatusOr<long long> ToInteger(const Value& v);
// A math function (sin, cos, ..., pow) of plain numbers; NOT_FOUND for an unknown name.
absl::StatusOr<Value> ApplyFunction(absl::string_view name, absl::Span<const Value> args);
// Whether `name` is a math function, and how many arguments it takes.
int FunctionArity(absl::string_view name);  // 0 when not a function

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_VALUE_H_
