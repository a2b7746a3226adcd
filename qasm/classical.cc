// OpenQASM 3 parser: classical declarations (bool, int, uint, float, angle, bits in blocks),
// `let` aliases, assignments (plain and compound, to variables, bits and single bits of
// integers and angles), casts, and the bridge between measurements and classical values.
// In a parse, a step that needs a measurement outcome ends the parse (Dynamic()); in a
// shot the outcome comes from the QuantumState. Thread-safe: per-Parse state only.
#include <cmath>
#include <numbers>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

bool IsCompoundOp(absl::string_view op) { return op.size() >= 2 && op.back() == '='; }

}  // namespace

bool Parser::IsTypeWord(const Token& t) const {
  if (t.type != TokenType::kIdentifier) return false;
  absl::string_view w = t.text;
  return w == "bool" || w == "int" || w == "uint" || w == "float" || w == "angle";
}

// bit, bool, int, uint, float, angle with an optional [width].
absl::StatusOr<TypeSpec> Parser::ParseType() {
  Token t = Take();
  TypeSpec spec;
  if (t.text == "bit") spec.type = ClassicalType::kBit;
  else if (t.text == "bool") spec.type = ClassicalType::kBool;
  else if (t.text == "int") spec.type = ClassicalType::kInt;
  else if (t.text == "uint") spec.type = ClassicalType::kUint;
  else if (t.text == "float") spec.type = ClassicalType::kFloat;
  else if (t.text == "angle") spec.type = ClassicalType::kAngle;
  else if (t.type == TokenType::kIdentifier && IsUnsupportedWord(t.text)) {
    return Unsupported(t, absl::StrCat("type '", t.text, "'"));
  } else {
    return ErrorAt(t, absl::StrCat("expected a type, got '", t.text, "'"));
  }
  if (spec.type == ClassicalType::kBit) spec.width = 1;
  if (!IsPunct("[") || spec.type == ClassicalType::kBool) return spec;
  Advance();
  absl::StatusOr<long long> width = ConstantInteger("type width", 1, 1024);
  if (!width.ok()) return width.status();
  spec.width = static_cast<int>(*width);
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  return spec;
}

// A value as stored in a variable of `type`: integers truncate, uint / bit / angle wrap,
// bool is 0 or 1. Integer types need plain numbers; float and angle may hold an input.
absl::StatusOr<Value> Parser::Convert(const Token& at, const Value& v,
                                      const TypeSpec& type) const {
  Value r = v;
  if (type.type == ClassicalType::kFloat || type.type == ClassicalType::kAngle) {
    r.integer = false;
    if (type.type == ClassicalType::kAngle && r.is_number()) {
      r.constant = std::fmod(r.constant, kTwoPi);
      if (r.constant < 0) r.constant += kTwoPi;
    }
    return r;
  }
  if (!v.is_number()) {
    return Unsupported(at, absl::StrCat("integer value that depends on input '",
                                        v.input_name(), "'"));
  }
  if (type.type == ClassicalType::kBool) return Value::Integer(v.constant != 0);
  double x = std::trunc(v.constant);
  if (!(std::fabs(x) < 0x1p63)) return ErrorAt(at, absl::StrCat("value ", x, " out of range"));
  if (type.type != ClassicalType::kInt && type.width > 0 && type.width < 64) {
    auto bits = static_cast<unsigned long long>(static_cast<long long>(x));
    x = static_cast<double>(bits & ((1ULL << type.width) - 1));
  }
  return Value::Integer(x);
}

// The bits of an integer or angle variable: an angle[n] holds k·2π/2^n.
absl::StatusOr<unsigned long long> Parser::IntegerBits(const Symbol& variable,
                                                       const Token& at) const {
  if (variable.type.type == ClassicalType::kAngle) {
    int w = variable.type.width;
    if (w <= 0 || w > 62 || !variable.value.is_number()) {
      return ErrorAt(at, "bits of an angle need a number of width 1 to 62 (angle[n])");
    }
    double k = std::nearbyint(variable.value.constant / kTwoPi * std::ldexp(1.0, w));
    return static_cast<unsigned long long>(static_cast<long long>(k)) & ((1ULL << w) - 1);
  }
  absl::StatusOr<long long> i = ToInteger(variable.value);
  if (!i.ok()) return ErrorAt(at, i.status().message());
  return static_cast<unsigned long long>(*i);
}

// Sets the variable (bit < 0) or one of its bits to `v`.
absl::Status Parser::SetVariableBit(Symbol& variable, int bit, const Value& v, const Token& at) {
  if (variable.is_const) return ErrorAt(at, "cannot assign to a constant");
  if (bit < 0) {
    absl::StatusOr<Value> converted = Convert(at, v, variable.type);
    if (!converted.ok()) return converted.status();
    variable.value = *converted;
    return absl::OkStatus();
  }
  absl::StatusOr<unsigned long long> bits = IntegerBits(variable, at);
  if (!bits.ok()) return bits.status();
  if (variable.type.width > 0 && bit >= variable.type.width) {
    return ErrorAt(at, absl::StrCat("bit ", bit, " out of range [0, ", variable.type.width - 1,
                                    "]"));
  }
  unsigned long long mask = 1ULL << bit;
  return SetIntegerBits(variable, v.constant != 0 ? (*bits | mask) : (*bits & ~mask), at);
}

// Sets an integer or angle variable from its bits (IntegerBits' inverse, wrapping).
absl::Status Parser::SetIntegerBits(Symbol& variable, unsigned long long k, const Token& at) {
  if (variable.type.type != ClassicalType::kAngle) {
    return SetVariableBit(variable, -1,
                          Value::Integer(static_cast<double>(static_cast<long long>(k))), at);
  }
  if (variable.is_const) return ErrorAt(at, "cannot assign to a constant");
  int w = variable.type.width;  // 1 to 62, as IntegerBits checked
  k &= (1ULL << w) - 1;
  variable.value = Value::Number(static_cast<double>(k) * kTwoPi / std::ldexp(1.0, w));
  return absl::OkStatus();
}

// `[const] type name [= expression | = measure q];`
absl::Status Parser::ClassicalDeclaration() {
  bool is_const = IsWord("const");
  if (is_const) Advance();
  if (IsWord("bit") || IsWord("creg")) return Unsupported(cur_, "const bit register");
  absl::StatusOr<TypeSpec> type = ParseType();
  if (!type.ok()) return type.status();
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("a variable name");
  if (!id.ok()) return id.status();
  Value value = Value::Integer(0);
  if (IsPunct("=")) {
    Advance();
    Token init = Cur();
    absl::StatusOr<Value> v = ValueOrMeasurement();
    if (!v.ok()) return v.status();
    if (is_const && !v->is_number()) {
      return ErrorAt(init, absl::StrCat("const '", *id, "' depends on input '",
                                        v->input_name(), "'"));
    }
    absl::StatusOr<Value> converted = Convert(init, *v, *type);
    if (!converted.ok()) return converted.status();
    value = *converted;
  } else if (is_const) {
    return ErrorAt(cur_, absl::StrCat("const '", *id, "' needs a value"));
  }
  Symbol symbol;
  symbol.value = value;
  symbol.type = *type;
  symbol.is_const = is_const;
  absl::Status status = Declare(name, symbol);
  if (!status.ok()) return status;
  return Expect(";");
}

// `bit[n] b;` in a block or subroutine: storage of its own, not a program result.
absl::Status Parser::LocalBitDeclaration() {
  absl::StatusOr<RegisterHead> head = RegisterNameAndSize();
  if (!head.ok()) return head.status();
  const Token& name = head->name;
  absl::Status status = CheckCount(name, "classical bits", head->size);
  if (status.ok()) status = ChargeWork(name, head->size);
  if (!status.ok()) return status;
  Symbol reg = MakeRegister(SymbolKind::kBits, static_cast<int>(local_bits_.size()),
                            head->size, head->scalar);
  reg.local = true;
  status = Declare(name, reg);
  if (!status.ok()) return status;
  local_bits_.resize(local_bits_.size() + head->size, 0);
  return BitInitializer(reg);
}

// `let name = qubits;`: an alias of a qubit, register, slice or index set.
absl::Status Parser::LetDeclaration() {
  Advance();
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("an alias name");
  if (!id.ok()) return id.status();
  absl::Status status = Expect("=");
  if (!status.ok()) return status;
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  if (IsPunct("++")) return Unsupported(cur_, "register concatenation");
  Symbol alias = MakeRegister(SymbolKind::kQubits, 0, static_cast<int>(qubits->indices.size()),
                              !qubits->is_register);
  alias.elements.assign(qubits->indices.begin(), qubits->indices.end());
  status = Declare(name, alias);
  if (!status.ok()) return status;
  return Expect(";");
}

// The bits' value, bit k of the operand as bit k of an integer; a single bit is 0 or 1.
absl::StatusOr<Value> Parser::ReadBits(const Operand& bits) {
  if (bits.indices.size() > 63) return ErrorAt(bits.token, "more than 63 bits in a value");
  const std::vector<int8_t>& store = bits.local ? local_bits_ : bit_values_;
  long long v = 0;
  for (size_t k = 0; k < bits.indices.size(); ++k) {
    int8_t b = store[bits.indices[k]];
    if (b < 0) return Dynamic(bits.token);
    v |= static_cast<long long>(b) << k;
  }
  return Value::Integer(static_cast<double>(v));
}

// Writes `v` into the bits (a single bit takes v != 0). In a parse, a program bit may only
// be written where that changes nothing: its value is a circuit result.
absl::Status Parser::WriteBits(const Operand& bits, const Value& v) {
  std::vector<int8_t> values(bits.indices.size());
  if (!bits.is_register && values.size() == 1) {
    if (!v.is_number()) return ErrorAt(bits.token, "a bit cannot hold an input's value");
    values[0] = v.constant != 0;
  } else {
    absl::StatusOr<long long> n = ToInteger(v);
    if (!n.ok()) return ErrorAt(bits.token, n.status().message());
    for (size_t k = 0; k < values.size(); ++k) {
      values[k] = k < 64 ? static_cast<int8_t>((static_cast<unsigned long long>(*n) >> k) & 1) : 0;
    }
  }
  std::vector<int8_t>& store = bits.local ? local_bits_ : bit_values_;
  for (size_t k = 0; k < values.size(); ++k) {
    if (!bits.local && state_ == nullptr && store[bits.indices[k]] != values[k]) {
      return Dynamic(bits.token);
    }
    store[bits.indices[k]] = values[k];
  }
  return absl::OkStatus();
}

// `measure qubits` as a value: the outcomes, qubit k's as bit k.
absl::StatusOr<Value> Parser::MeasureValue(const Token& keyword, const Operand& qubits) {
  if (qubits.indices.size() > 63) return ErrorAt(keyword, "more than 63 bits in a value");
  absl::Status status = ChargeOperations(keyword, static_cast<long long>(qubits.indices.size()));
  if (!status.ok()) return status;
  if (state_ == nullptr) return Dynamic(keyword);
  status = Flush();
  if (!status.ok()) return status;
  long long v = 0;
  for (size_t k = 0; k < qubits.indices.size(); ++k) {
    absl::StatusOr<int> outcome = state_->Measure(qubits.indices[k]);
    if (!outcome.ok()) return outcome.status();
    v |= static_cast<long long>(*outcome != 0) << k;
  }
  return Value::Integer(static_cast<double>(v));
}

// An expression, or `measure qubits` where a value is expected (an initializer, the right
// side of `=`, a return value).
absl::StatusOr<Value> Parser::ValueOrMeasurement() {
  if (!IsWord("measure")) return Expression();
  Token keyword = Take();
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  return MeasureValue(keyword, *qubits);
}

// `type(expression)` or `type[n](expression)`.
absl::StatusOr<Value> Parser::Cast(const Token& type_token) {
  absl::StatusOr<TypeSpec> type = ParseType();
  if (!type.ok()) return type.status();
  absl::Status status = Expect("(");
  if (!status.ok()) return status;
  absl::StatusOr<Value> v = Expression();
  if (!v.ok()) return v.status();
  status = Expect(")");
  if (!status.ok()) return status;
  return Convert(type_token, *v, *type);
}

// At '[' after an integer or angle variable: one of its bits.
absl::StatusOr<Value> Parser::IndexedNumber(const Token& name, const Symbol& symbol) {
  Advance();
  absl::StatusOr<long long> i = ConstantInteger("bit index", 0, 63);
  if (!i.ok()) return i.status();
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  absl::StatusOr<unsigned long long> bits = IntegerBits(symbol, name);
  if (!bits.ok()) return bits.status();
  return Value::Integer(static_cast<double>((*bits >> *i) & 1));
}

// `name = value;`, `name op= value;`, `name[i] = value;`, `bits = measure q;` for bit
// registers, integer / float / angle / bool variables and bits of integers and angles.
absl::Status Parser::ClassicalAssignment() {
  Token name = Cur();
  Symbol* symbol = FindSymbol(name.text);
  if (symbol == nullptr) {
    if (IsUnsupportedWord(name.text)) return Unsupported(name, absl::StrCat("'", name.text, "'"));
    return ErrorAt(name, absl::StrCat("undeclared identifier '", name.text, "'"));
  }
  if (symbol->kind == SymbolKind::kQubits) {
    return ErrorAt(name, absl::StrCat("cannot assign to qubit register '", name.text, "'"));
  }
  if (symbol->kind != SymbolKind::kBits && symbol->kind != SymbolKind::kNumber) {
    return ErrorAt(name, absl::StrCat("cannot assign to '", name.text, "'"));
  }
  bool is_bits = symbol->kind == SymbolKind::kBits;
  Operand bits;
  int bit = -1;
  if (is_bits) {
    absl::StatusOr<Operand> operand = BitOperand();
    if (!operand.ok()) return operand.status();
    bits = *std::move(operand);
  } else {
    Advance();
    if (IsPunct("[")) {
      Advance();
      absl::StatusOr<long long> i = ConstantInteger("bit index", 0, 63);
      if (!i.ok()) return i.status();
      bit = static_cast<int>(*i);
      absl::Status status = Expect("]");
      if (!status.ok()) return status;
    }
  }
  Token op = Cur();
  if (op.type != TokenType::kPunct || (op.text != "=" && !IsCompoundOp(op.text)) ||
      op.text == "==" || op.text == "!=" || op.text == "<=" || op.text == ">=") {
    return ErrorAt(op, absl::StrCat("expected '=' after '", name.text, "'"));
  }
  Advance();
  if (is_bits && op.text == "=" && IsWord("measure")) return MeasureInto(bits);
  absl::StatusOr<Value> rhs = op.text == "=" ? ValueOrMeasurement() : Expression();
  if (!rhs.ok()) return rhs.status();
  symbol = FindSymbol(name.text);  // the right-hand side may have called a subroutine
  if (op.text != "=") {
    absl::string_view base = op.text.substr(0, op.text.size() - 1);
    absl::StatusOr<Value> current = Value::Integer(0);
    if (is_bits) {
      current = ReadBits(bits);
    } else if (bit >= 0) {
      absl::StatusOr<unsigned long long> all = IntegerBits(*symbol, name);
      if (!all.ok()) return all.status();
      current = Value::Integer(static_cast<double>((*all >> bit) & 1));
    } else if (symbol->type.type == ClassicalType::kAngle && (base == "<<" || base == ">>")) {
      // Shifting an angle[n] shifts its bits.
      absl::StatusOr<unsigned long long> all = IntegerBits(*symbol, name);
      if (!all.ok()) return all.status();
      current = Value::Integer(static_cast<double>(static_cast<long long>(*all)));
      absl::StatusOr<Value> shifted = ApplyOperator(base, *current, *rhs);
      if (!shifted.ok()) return ErrorAt(op, shifted.status().message());
      absl::StatusOr<long long> k = ToInteger(*shifted);
      if (!k.ok()) return ErrorAt(op, k.status().message());
      absl::Status status = SetIntegerBits(*symbol, static_cast<unsigned long long>(*k), name);
      if (!status.ok()) return status;
      return Expect(";");
    } else {
      current = symbol->value;
    }
    if (!current.ok()) return current.status();
    rhs = ApplyOperator(base, *current, *rhs);
    if (!rhs.ok()) return ErrorAt(op, rhs.status().message());
  }
  absl::Status status =
      is_bits ? WriteBits(bits, *rhs) : SetVariableBit(*symbol, bit, *rhs, name);
  if (!status.ok()) return status;
  return Expect(";");
}

}  // namespace qgrad::qasm
