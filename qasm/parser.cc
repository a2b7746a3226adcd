// OpenQASM 3 parser: entry point, statements and declarations (see parser_impl.h for the
// split). Thread-safe: each Parse() call owns its Parser.
#include <algorithm>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {
namespace {

// Valid OpenQASM 3 the simulator cannot execute faithfully; rejected by name.
const std::set<std::string, std::less<>>& UnsupportedWords() {
  static const auto* const kWords = new std::set<std::string, std::less<>>{
      "if",     "else",   "for",   "while",    "switch",        "case",    "default",
      "def",    "extern", "return", "break",   "continue",      "end",     "box",
      "delay",  "cal",    "defcal", "defcalgrammar", "let",     "opaque",  "output",
      "duration", "stretch", "bool", "complex", "array",        "void",    "durationof",
      "sizeof", "true",   "false"};
  return *kWords;
}

// Statement keywords of the supported subset; not usable as names.
bool IsKeyword(absl::string_view w) {
  static const std::set<std::string, std::less<>> kKeywords = {
      "OPENQASM", "include", "pragma", "qubit", "qreg", "bit",  "creg",    "input",
      "const",    "float",   "int",    "uint",  "angle", "gate", "measure", "reset",
      "barrier",  "ctrl",    "negctrl", "inv",  "pow",  "gphase", "U"};
  return kKeywords.count(w) > 0;
}

bool IsAssignmentOp(const Token& t) {
  static const std::set<std::string, std::less<>> kOps = {
      "=", "+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>="};
  return t.type == TokenType::kPunct && kOps.count(t.text) > 0;
}

}  // namespace

Parser::Parser(std::vector<Token> tokens, const ParseOptions& options)
    : options_(options), tokens_(std::move(tokens)) {
  budget_ = static_cast<long long>(std::min<size_t>(options.max_operations, 1ULL << 58));
  work_budget_ = 16 * budget_ + (1 << 20);
}

const Token& Parser::Ahead(size_t n) const {
  return tokens_[std::min(pos_ + n, tokens_.size() - 1)];
}
bool Parser::IsPunct(absl::string_view text) const {
  return Cur().type == TokenType::kPunct && Cur().text == text;
}
bool Parser::IsWord(absl::string_view text) const {
  return Cur().type == TokenType::kIdentifier && Cur().text == text;
}

absl::Status Parser::ErrorAt(const Token& token, absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(Where(token), message));
}
absl::Status Parser::Unsupported(const Token& token, absl::string_view what) const {
  return ErrorAt(token, absl::StrCat("unsupported: ", what));
}

absl::Status Parser::Expect(absl::string_view punct) {
  if (!IsPunct(punct)) {
    const Token& t = Cur();
    std::string got = t.type == TokenType::kEnd ? "end of input" : absl::StrCat("'", t.text, "'");
    return ErrorAt(t, absl::StrCat("expected '", punct, "', got ", got));
  }
  ++pos_;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Parser::ExpectIdentifier(absl::string_view what) {
  if (Cur().type != TokenType::kIdentifier) {
    return ErrorAt(Cur(), absl::StrCat("expected ", what));
  }
  return tokens_[pos_++].text;
}

absl::StatusOr<ParsedProgram> Parser::Run() {
  while (Cur().type != TokenType::kEnd) {
    absl::Status status = Statement();
    if (!status.ok()) return status;
    ++statements_;
  }
  int num_qubits = std::max<int>(qubit_names_.size(), physical_qubits_);
  for (int q = qubit_names_.size(); q < num_qubits; ++q) qubit_names_.push_back(QubitName(q));
  ParsedProgram program;
  program.circuit = Circuit(num_qubits, static_cast<int>(clbit_names_.size()));
  program.circuit.DeclareParams(static_cast<int>(param_names_.size()));
  for (Pending& op : ops_) {
    absl::Status status = program.circuit.Append(std::move(op.gate));
    if (!status.ok()) return ErrorAt(*op.at, status.message());
  }
  program.param_names = std::move(param_names_);
  program.clbit_names = std::move(clbit_names_);
  program.qubit_names = std::move(qubit_names_);
  return program;
}

absl::Status Parser::Statement() {
  const Token& t = Cur();
  if (t.type == TokenType::kPunct && (t.text == "@" || t.text == "#") && t.starts_line) {
    return SkipLine();  // annotation or #pragma: no effect on the simulation
  }
  if (t.type == TokenType::kPunct && t.text == ";") {
    ++pos_;
    return absl::OkStatus();
  }
  if (t.type != TokenType::kIdentifier) {
    if (t.type == TokenType::kPunct && t.text == "{") return Unsupported(t, "scoped block");
    return ErrorAt(t, absl::StrCat("expected a statement, got '", t.text, "'"));
  }
  const std::string& w = t.text;
  if (w == "OPENQASM") return Header();
  if (w == "include") return Include();
  if (w == "pragma") return SkipLine();
  if (w == "qubit" || w == "qreg") return QubitDeclaration();
  if (w == "bit" || w == "creg") return BitDeclaration();
  if (w == "input") return InputDeclaration();
  if (w == "const") return ConstDeclaration(true);
  if (w == "float" || w == "int" || w == "uint" || w == "angle") return ConstDeclaration(false);
  if (w == "gate") return GateDefinition();
  if (w == "measure") return MeasureArrow();
  if (w == "reset") return Reset();
  if (w == "barrier") return Barrier();
  if (UnsupportedWords().count(w) > 0) return Unsupported(t, absl::StrCat("'", w, "'"));
  auto it = symbols_.find(w);
  bool is_data = it != symbols_.end() && it->second.kind != SymbolKind::kGate;
  if (is_data || (it == symbols_.end() && !FindBuiltin(w) &&
                  (IsAssignmentOp(Ahead(1)) || Ahead(1).text == "["))) {
    return Assignment();
  }
  std::vector<Gate> gates;
  absl::Status status = GateCall(&gates);
  if (!status.ok()) return status;
  for (Gate& g : gates) {
    status = AddPending(std::move(g), t);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status Parser::AddPending(Gate gate, const Token& at) {
  ops_.push_back(Pending{std::move(gate), &at});
  return absl::OkStatus();
}

absl::Status Parser::SkipLine() {
  int line = Cur().line;
  while (Cur().type != TokenType::kEnd && Cur().line == line) ++pos_;
  return absl::OkStatus();
}

absl::Status Parser::Header() {
  const Token& keyword = Cur();
  if (statements_ != 0) return ErrorAt(keyword, "OPENQASM must be the first statement");
  ++pos_;
  const Token& version = Cur();
  if (version.type != TokenType::kNumber ||
      !(version.number == 3.0 || version.number == 3.1 || version.number == 2.0)) {
    return Unsupported(version, absl::StrCat("OpenQASM version '", version.text, "'"));
  }
  ++pos_;
  return Expect(";");
}

absl::Status Parser::Include() {
  ++pos_;
  const Token& file = Cur();
  if (file.type != TokenType::kString) return ErrorAt(file, "expected a file name string");
  if (file.text != "stdgates.inc" && file.text != "qelib1.inc") {
    return Unsupported(file, absl::StrCat("include \"", file.text, "\""));
  }
  included_stdgates_ = true;
  ++pos_;
  return Expect(";");
}

absl::Status Parser::Declare(const Token& name_token, Symbol symbol) {
  const std::string& name = name_token.text;
  if (UnsupportedWords().count(name) > 0 || IsKeyword(name) || name == "pi" || name == "π" || name == "tau" ||
      name == "τ" || name == "euler" || name == "ℇ" || FunctionArity(name) > 0) {
    return ErrorAt(name_token, absl::StrCat("'", name, "' is a reserved name"));
  }
  if (symbols_.count(name) > 0 || FindBuiltin(name) != nullptr) {
    // A program without include "stdgates.inc" may define its own library gate.
    bool library_gate = FindBuiltin(name) != nullptr && symbols_.count(name) == 0;
    if (!(library_gate && symbol.kind == SymbolKind::kGate && !included_stdgates_ &&
          name != "U" && name != "gphase")) {
      return ErrorAt(name_token, absl::StrCat("'", name, "' is already declared",
                                              symbols_.count(name) == 0 ? " (a standard gate)" : ""));
    }
  }
  symbols_[name] = std::move(symbol);
  return absl::OkStatus();
}

// [n] after a type keyword; absent means a scalar.
absl::StatusOr<int> Parser::RegisterSize(bool* scalar) {
  *scalar = !IsPunct("[");
  if (*scalar) return 1;
  ++pos_;
  absl::StatusOr<long long> size = ConstantInteger("register size", 1, options_.max_qubits);
  if (!size.ok()) return size.status();
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  return static_cast<int>(*size);
}

absl::Status Parser::QubitDeclaration() {
  if (physical_qubits_ > 0) {
    return Unsupported(Cur(), "declaring qubits in a program that uses physical qubits ($n)");
  }
  absl::StatusOr<Symbol> reg = RegisterDeclaration(SymbolKind::kQubits, qubit_names_);
  if (!reg.ok()) return reg.status();
  return Expect(";");
}

absl::Status Parser::BitDeclaration() {
  absl::StatusOr<Symbol> reg = RegisterDeclaration(SymbolKind::kBits, clbit_names_);
  if (!reg.ok()) return reg.status();
  if (IsPunct("=")) {
    Operand bits;
    bits.token = &tokens_[pos_++];
    if (!IsWord("measure")) return Unsupported(Cur(), "bit initializer other than measure");
    bits.is_register = !reg->scalar;
    for (int i = 0; i < reg->size; ++i) bits.indices.push_back(reg->offset + i);
    return MeasureInto(bits);
  }
  return Expect(";");
}

// `qubit q;`, `qubit[n] q;`, `qreg q[n];` and the bit / creg forms; appends the element
// names to `names`.
absl::StatusOr<Symbol> Parser::RegisterDeclaration(SymbolKind kind,
                                                   std::vector<std::string>& names) {
  const Token& keyword = tokens_[pos_++];
  bool legacy = keyword.text == "qreg" || keyword.text == "creg";
  bool scalar = true;
  absl::StatusOr<int> size = 1;
  if (!legacy) size = RegisterSize(&scalar);
  if (!size.ok()) return size.status();
  const Token& name = Cur();
  absl::StatusOr<std::string> id = ExpectIdentifier("a register name");
  if (!id.ok()) return id.status();
  // `qubit q[2];` (size after the name, as in OpenQASM 2 and some 3.0 examples) too.
  if (legacy || (scalar && IsPunct("["))) size = RegisterSize(&scalar);
  if (!size.ok()) return size.status();
  if (static_cast<long long>(names.size()) + *size > options_.max_qubits) {
    return ErrorAt(name, absl::StrCat("too many ", kind == SymbolKind::kQubits ? "qubits" : "bits",
                                      " (limit ", options_.max_qubits, ")"));
  }
  Symbol symbol = MakeRegister(kind, static_cast<int>(names.size()), *size, scalar);
  absl::Status status = Declare(name, symbol);
  if (!status.ok()) return status;
  for (int i = 0; i < *size; ++i) names.push_back(scalar ? *id : absl::StrCat(*id, "[", i, "]"));
  return symbol;
}

// float[64], float, angle[32], angle, int[32], uint: the size only affects classical
// precision, which the simulator does not model.
absl::Status Parser::ScalarType() {
  const Token& type = Cur();
  if (!(IsWord("float") || IsWord("angle") || IsWord("int") || IsWord("uint"))) {
    if (type.type == TokenType::kIdentifier && UnsupportedWords().count(type.text) == 0 &&
        type.text != "bit" && type.text != "qubit") {
      return ErrorAt(type, absl::StrCat("expected a type, got '", type.text, "'"));
    }
    return Unsupported(type, absl::StrCat("type '", type.text, "' here"));
  }
  ++pos_;
  if (!IsPunct("[")) return absl::OkStatus();
  ++pos_;
  absl::StatusOr<long long> bits = ConstantInteger("type width", 1, 1024);
  if (!bits.ok()) return bits.status();
  return Expect("]");
}

absl::Status Parser::InputDeclaration() {
  ++pos_;
  bool is_array = IsWord("array");
  int size = 1;
  if (is_array) {
    pos_ += 1;
    absl::Status status = Expect("[");
    if (status.ok()) status = ScalarType();
    if (status.ok()) status = Expect(",");
    if (!status.ok()) return status;
    absl::StatusOr<long long> n = ConstantInteger("array size", 1, options_.max_qubits);
    if (!n.ok()) return n.status();
    size = static_cast<int>(*n);
    status = Expect("]");
    if (!status.ok()) return status;
  } else {
    absl::Status status = ScalarType();
    if (!status.ok()) return status;
  }
  const Token& name = Cur();
  absl::StatusOr<std::string> id = ExpectIdentifier("an input name");
  if (!id.ok()) return id.status();
  if (static_cast<long long>(param_names_.size()) + size > options_.max_qubits) {
    return ErrorAt(name, "too many input parameters");
  }
  Symbol symbol = MakeRegister(SymbolKind::kInput, static_cast<int>(param_names_.size()), size, !is_array);
  absl::Status status = Declare(name, symbol);
  if (!status.ok()) return status;
  for (int i = 0; i < size; ++i) {
    param_names_.push_back(is_array ? absl::StrCat(*id, "[", i, "]") : *id);
  }
  return Expect(";");
}

// `const float x = expr;` and the non-const `float x = expr;`: the latter is only ever
// read (any later assignment is rejected), so it behaves like a constant.
absl::Status Parser::ConstDeclaration(bool is_const) {
  if (is_const) ++pos_;
  absl::Status status = ScalarType();
  if (!status.ok()) return status;
  const Token& name = Cur();
  absl::StatusOr<std::string> id = ExpectIdentifier("a variable name");
  if (!id.ok()) return id.status();
  if (!IsPunct("=")) return Unsupported(Cur(), "classical variable without initializer");
  ++pos_;
  const Token& init = Cur();
  absl::StatusOr<Value> value = Expression();
  if (!value.ok()) return value.status();
  if (is_const && !value->is_number()) {
    return ErrorAt(init, absl::StrCat("const '", *id, "' depends on input '",
                                      value->input_name, "'"));
  }
  Symbol symbol;
  symbol.value = *value;
  status = Declare(name, symbol);
  if (!status.ok()) return status;
  return Expect(";");
}

absl::Status Parser::MeasureArrow() {
  const Token& keyword = tokens_[pos_++];
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  if (IsPunct(";")) return Unsupported(keyword, "measure without a target bit");
  absl::Status status = Expect("->");
  if (!status.ok()) return status;
  absl::StatusOr<Operand> bits = BitOperand();
  if (!bits.ok()) return bits.status();
  status = AddMeasures(*qubits, *bits, keyword, *bits->token);
  if (!status.ok()) return status;
  return Expect(";");
}

absl::Status Parser::AddMeasures(const Operand& qubits, const Operand& bits,
                                 const Token& keyword, const Token& mismatch_at) {
  if (qubits.indices.size() != bits.indices.size() || qubits.is_register != bits.is_register) {
    return ErrorAt(mismatch_at, absl::StrCat("measure of ", qubits.indices.size(),
                                             " qubit(s) into ", bits.indices.size(), " bit(s)"));
  }
  for (size_t i = 0; i < bits.indices.size(); ++i) {
    Gate g;
    g.kind = GateKind::kMeasure;
    g.qubits = {qubits.indices[i]};
    g.clbit = bits.indices[i];
    absl::Status status = ChargeOperations(keyword, 1);
    if (!status.ok()) return status;
    status = AddPending(std::move(g), keyword);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// target = measure operand;   (anything else assigned is classical computation)
absl::Status Parser::Assignment() {
  const Token& name = Cur();
  auto it = symbols_.find(name.text);
  if (it == symbols_.end()) {
    return ErrorAt(name, absl::StrCat("undeclared identifier '", name.text, "'"));
  }
  if (it->second.kind == SymbolKind::kQubits) {
    return ErrorAt(name, absl::StrCat("cannot assign to qubit register '", name.text, "'"));
  }
  if (it->second.kind != SymbolKind::kBits) {
    // Skip a possible index to find the operator; the message names the construct.
    return Unsupported(name, absl::StrCat("classical assignment to '", name.text, "'"));
  }
  absl::StatusOr<Operand> bits = BitOperand();
  if (!bits.ok()) return bits.status();
  const Token& op = Cur();
  if (!IsAssignmentOp(op)) {
    return ErrorAt(op, absl::StrCat("expected '=' after '", name.text, "'"));
  }
  if (op.text != "=") return Unsupported(op, absl::StrCat("classical operator '", op.text, "'"));
  ++pos_;
  if (!IsWord("measure")) return Unsupported(Cur(), "classical assignment (only measure)");
  return MeasureInto(*bits);
}

// At `measure`: parses `measure operand;` and records one measurement per bit.
absl::Status Parser::MeasureInto(const Operand& bits) {
  const Token& keyword = tokens_[pos_++];
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  absl::Status status = AddMeasures(*qubits, bits, keyword, *qubits->token);
  if (!status.ok()) return status;
  return Expect(";");
}

absl::Status Parser::Reset() {
  const Token& keyword = tokens_[pos_++];
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  for (int q : qubits->indices) {
    Gate g;
    g.kind = GateKind::kReset;
    g.qubits = {q};
    absl::Status status = ChargeOperations(keyword, 1);
    if (status.ok()) status = AddPending(std::move(g), keyword);
    if (!status.ok()) return status;
  }
  return Expect(";");
}

absl::Status Parser::Barrier() {
  const Token& keyword = tokens_[pos_++];
  Gate g;
  g.kind = GateKind::kBarrier;
  std::set<int> seen;
  bool any_operand = false;
  while (!IsPunct(";")) {
    if (any_operand) {
      absl::Status status = Expect(",");
      if (!status.ok()) return status;
    }
    absl::StatusOr<Operand> qubits = QubitOperand();
    if (!qubits.ok()) return qubits.status();
    any_operand = true;
    for (int q : qubits->indices) {
      if (seen.insert(q).second) g.qubits.push_back(q);
    }
  }
  ++pos_;
  if (scope_ != nullptr) return absl::OkStatus();  // no effect inside a gate body
  if (!any_operand) {  // `barrier;` synchronizes every qubit declared so far
    for (int q = 0; q < static_cast<int>(qubit_names_.size()); ++q) g.qubits.push_back(q);
  }
  absl::Status status = ChargeOperations(keyword, 1);
  if (!status.ok()) return status;
  return AddPending(std::move(g), keyword);
}

absl::Status Parser::ChargeOperations(const Token& at, long long count) {
  if (count > budget_) {
    return ErrorAt(at, absl::StrCat("program expands to more than ", options_.max_operations,
                                    " operations (max_operations)"));
  }
  budget_ -= count;
  return absl::OkStatus();
}

absl::Status Parser::ChargeWork(const Token& at, long long count) {
  if (count > work_budget_) {
    return ErrorAt(at, absl::StrCat("program expands to more than ", options_.max_operations,
                                    " operations (max_operations; counting gate-body steps)"));
  }
  work_budget_ -= count;
  return absl::OkStatus();
}

absl::StatusOr<ParsedProgram> Parse(std::string_view source, const ParseOptions& options) {
  absl::StatusOr<std::vector<Token>> tokens = Lex(source);
  if (!tokens.ok()) return tokens.status();
  return Parser(*std::move(tokens), options).Run();
}

}  // namespace qgrad::qasm
