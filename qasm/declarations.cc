// OpenQASM 3 parser: declarations of registers and inputs, the names they may take and the
// scopes they live in (classical variables: classical.cc). Thread-safe: per-Parse state only.
#include <climits>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {
namespace {

// Keywords of the supported subset, builtin constants and math functions: never a name.
// The library gates (x, h, cx, ...) are not reserved: without include "stdgates.inc" they
// are ordinary identifiers, as in the specification.
bool IsReservedName(absl::string_view w) {
  static const auto* const kKeywords = new absl::flat_hash_set<absl::string_view>{
      "OPENQASM", "include", "pragma", "qubit", "qreg",  "bit",  "creg",    "input",
      "const",    "float",   "int",    "uint",  "angle", "gate", "measure", "reset",
      "barrier",  "ctrl",    "negctrl", "inv",  "pow",   "gphase", "U",     "pi",
      "π",        "tau",     "τ",      "euler", "ℇ",    "bool",  "if",    "else",
      "for",      "in",      "while",  "break", "continue", "def", "return", "let",
      "true",     "false",   "delay",  "box",   "stretch", "duration", "durationof"};
  return kKeywords->contains(w) || IsUnsupportedWord(w) || FunctionArity(w) > 0;
}

}  // namespace

// Every declaration counts one operation: the parser keeps it to the end, like a gate.
absl::Status Parser::Declare(const Token& name_token, Symbol symbol) {
  absl::string_view name = name_token.text;
  if (IsReservedName(name)) {
    return ErrorAt(name_token, absl::StrCat("'", name, "' is a reserved name"));
  }
  int depth = static_cast<int>(frames_.size());
  auto it = symbols_.find(name);
  if (it != symbols_.end() && it->second.depth == depth) {
    return ErrorAt(name_token, absl::StrCat("'", name, "' is already declared at ",
                                            it->second.line, ":", it->second.column));
  }
  if (included_stdgates_ && depth == 0 && FindBuiltin(name) != nullptr) {  // blocks may shadow
    return ErrorAt(name_token, absl::StrCat("'", name, "' is already declared as a gate of "
                                            "the included standard library"));
  }
  absl::Status status = ChargeOperations(name_token, 1);
  if (!status.ok()) return status;
  symbol.line = name_token.line;
  symbol.column = name_token.column;
  symbol.depth = depth;
  if (depth > 0) {  // a block's name: shadows an outer one until the block closes
    std::optional<Symbol> outer;
    if (it != symbols_.end()) outer = it->second;
    frames_.back().shadowed.emplace_back(std::string(name), std::move(outer));
  }
  symbols_.insert_or_assign(std::string(name), std::move(symbol));
  return absl::OkStatus();
}

absl::Status Parser::CheckCount(const Token& at, absl::string_view what, long long count) const {
  if (count <= options_.max_qubits) return absl::OkStatus();
  return LimitError(at, absl::StrCat("too many ", what, ": ", count, " declared, more than ",
                                     "max_qubits = ", options_.max_qubits));
}

// [n] after a type keyword; absent means a scalar.
absl::StatusOr<int> Parser::RegisterSize(bool* scalar) {
  *scalar = !IsPunct("[");
  if (*scalar) return 1;
  Advance();
  absl::StatusOr<long long> size = ConstantInteger("register size", 1, INT_MAX);
  if (!size.ok()) return size.status();
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  return static_cast<int>(*size);
}

absl::Status Parser::QubitDeclaration() {
  if (physical_qubits_ > 0) {
    return Unsupported(cur_, "declaring qubits in a program that uses physical qubits ($n)");
  }
  absl::StatusOr<Symbol> reg = RegisterDeclaration(SymbolKind::kQubits, qubit_names_);
  if (!reg.ok()) return reg.status();
  return Expect(";");
}

// A global bit register: the program's result bits.
absl::Status Parser::BitDeclaration() {
  absl::StatusOr<Symbol> reg = RegisterDeclaration(SymbolKind::kBits, clbit_names_);
  if (!reg.ok()) return reg.status();
  bit_values_.resize(clbit_names_.size(), 0);
  return BitInitializer(*reg);
}

// `= measure q;`, `= "0110";`, `= expression;` or just `;` after a bit register's name.
absl::Status Parser::BitInitializer(const Symbol& reg) {
  if (!IsPunct("=")) return Expect(";");
  Operand bits;
  bits.token = Take();
  bits.is_register = !reg.scalar;
  bits.local = reg.local;
  for (int i = 0; i < reg.size; ++i) bits.indices.push_back(reg.offset + i);
  if (IsWord("measure")) return MeasureInto(bits);
  absl::StatusOr<Value> value = Expression();
  if (!value.ok()) return value.status();
  absl::Status status = WriteBits(bits, *value);
  if (!status.ok()) return status;
  return Expect(";");
}

// `qubit q`, `qubit[n] q`, `qreg q[n]` and the bit / creg forms: the name and size.
absl::StatusOr<RegisterHead> Parser::RegisterNameAndSize() {
  Token keyword = Take();
  bool legacy = keyword.text == "qreg" || keyword.text == "creg";
  RegisterHead head;
  absl::StatusOr<int> size = 1;
  if (!legacy) size = RegisterSize(&head.scalar);
  if (!size.ok()) return size.status();
  head.name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("a register name");
  if (!id.ok()) return id.status();
  // `qubit q[2];` (size after the name, as in OpenQASM 2 and some 3.0 examples) too.
  if (legacy || (head.scalar && IsPunct("["))) size = RegisterSize(&head.scalar);
  if (!size.ok()) return size.status();
  head.size = *size;
  return head;
}

// A global register; appends the element names to `names`.
absl::StatusOr<Symbol> Parser::RegisterDeclaration(SymbolKind kind,
                                                   std::vector<std::string>& names) {
  absl::StatusOr<RegisterHead> head = RegisterNameAndSize();
  if (!head.ok()) return head.status();
  const Token& name = head->name;
  absl::Status status =
      CheckCount(name, kind == SymbolKind::kQubits ? "qubits" : "classical bits",
                 static_cast<long long>(names.size()) + head->size);
  if (!status.ok()) return status;
  Symbol symbol = MakeRegister(kind, static_cast<int>(names.size()), head->size, head->scalar);
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  for (int i = 0; i < head->size; ++i) {
    names.push_back(head->scalar ? std::string(name.text) : absl::StrCat(name.text, "[", i, "]"));
  }
  return symbol;
}

// float[64], float, angle[32], angle, int[32], uint: the size only affects classical
// precision, which the simulator does not model.
absl::Status Parser::ScalarType() {
  Token type = Cur();
  if (!(IsWord("float") || IsWord("angle") || IsWord("int") || IsWord("uint"))) {
    if (type.type == TokenType::kIdentifier && !IsUnsupportedWord(type.text) &&
        type.text != "bit" && type.text != "qubit") {
      return ErrorAt(type, absl::StrCat("expected a type, got '", type.text, "'"));
    }
    return Unsupported(type, absl::StrCat("type '", type.text, "' here"));
  }
  Advance();
  if (!IsPunct("[")) return absl::OkStatus();
  Advance();
  absl::StatusOr<long long> bits = ConstantInteger("type width", 1, 1024);
  if (!bits.ok()) return bits.status();
  return Expect("]");
}

// `input float[64] x;` or `input array[float[64], n] x;` (one dimension; the grammar's
// trailing comma after n is allowed).
absl::Status Parser::InputDeclaration() {
  Advance();
  bool is_array = IsWord("array");
  int size = 1;
  if (is_array) {
    Advance();
    absl::Status status = Expect("[");
    if (status.ok()) status = ScalarType();
    if (status.ok()) status = Expect(",");
    if (!status.ok()) return status;
    absl::StatusOr<long long> n = ConstantInteger("array size", 1, INT_MAX);
    if (!n.ok()) return n.status();
    size = static_cast<int>(*n);
    if (IsPunct(",")) {
      Advance();
      if (!IsPunct("]")) return Unsupported(cur_, "input array of more than one dimension");
    }
    status = Expect("]");
    if (!status.ok()) return status;
  } else {
    absl::Status status = ScalarType();
    if (!status.ok()) return status;
  }
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("an input name");
  if (!id.ok()) return id.status();
  absl::Status status = CheckCount(name, "input parameters",
                                   static_cast<long long>(param_names_.size()) + size);
  if (!status.ok()) return status;
  Symbol symbol =
      MakeRegister(SymbolKind::kInput, static_cast<int>(param_names_.size()), size, !is_array);
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  for (int i = 0; i < size; ++i) {
    param_names_.push_back(is_array ? absl::StrCat(*id, "[", i, "]") : std::string(*id));
  }
  return Expect(";");
}

}  // namespace qgrad::qasm
