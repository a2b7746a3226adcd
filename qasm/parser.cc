// OpenQASM 3 parser: entry point, token access, budgets, directives and the statements that
// are not declarations or gate calls (see parser_impl.h for the split). Thread-safe: each
// Parse() call owns its Parser.
#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"
#include "qasm/qasm.h"

namespace qgrad::qasm {

bool IsUnsupportedWord(absl::string_view w) {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      "switch", "case",   "default", "extern", "end",      "cal",    "defcal",
      "defcalgrammar",    "opaque",  "output", "complex",  "array",  "void",
      "sizeof", "nop",    "port",    "frame",  "waveform", "readonly", "mutable"};
  return kWords->contains(w);
}

namespace {

// The work budget for a given max_operations (see ChargeWork).
long long WorkLimit(long long operations) { return 16 * operations + (1 << 16); }

bool IsAssignmentOp(const Token& t) {
  static const auto* const kOps = new absl::flat_hash_set<absl::string_view>{
      "=", "+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>="};
  return t.type == TokenType::kPunct && kOps->contains(t.text);
}

std::string Describe(const Token& t) {
  return t.type == TokenType::kEnd ? std::string("end of input") : absl::StrCat("'", t.text, "'");
}

}  // namespace

Parser::Parser(std::string_view source, const ParseOptions& options, QuantumState* state)
    : options_(options), state_(state), source_(source.data(), source.size()), lexer_(source_) {
  budget_ = static_cast<long long>(std::min<size_t>(options.max_operations, 1ULL << 58));
  work_budget_ = WorkLimit(budget_);
}

Token Parser::Take() {
  Token t = cur_;
  Advance();
  return t;
}

void Parser::Advance() {
  if (cur_.type == TokenType::kError) return;
  cur_ = lexer_.Next();
  if (cur_.type == TokenType::kError) {
    token_error_ = lexer_.error();
  } else if (work_budget_ > 0) {
    --work_budget_;
  } else {
    token_error_ = ChargeWork(cur_, 1);
    cur_.type = TokenType::kError;
  }
}

Token Parser::Ahead() const {
  Lexer copy = lexer_;
  return copy.Next();
}

// A lexical error or an exhausted budget surfaces where the parser reaches it, with its own
// message.
absl::Status Parser::ErrorAt(const Token& token, absl::string_view message) const {
  if (token.type == TokenType::kError) return token_error_;
  return absl::InvalidArgumentError(absl::StrCat(Where(token), message));
}
absl::Status Parser::Unsupported(const Token& token, absl::string_view what) const {
  return ErrorAt(token, absl::StrCat("unsupported: ", what));
}
absl::Status Parser::LimitError(const Token& token, absl::string_view message) const {
  return absl::ResourceExhaustedError(absl::StrCat(Where(token), message));
}

absl::Status Parser::Expect(absl::string_view punct) {
  if (!IsPunct(punct)) {
    return ErrorAt(cur_, absl::StrCat("expected '", punct, "', got ", Describe(cur_)));
  }
  Advance();
  return absl::OkStatus();
}

absl::StatusOr<absl::string_view> Parser::ExpectIdentifier(absl::string_view what) {
  if (cur_.type != TokenType::kIdentifier) {
    return ErrorAt(cur_, absl::StrCat("expected ", what, ", got ", Describe(cur_)));
  }
  return Take().text;
}

// `item, item, ...` up to (not including) `close`; the grammar's lists allow a trailing
// comma and, where the caller permits, no item at all.
absl::Status Parser::CommaList(absl::string_view close, absl::string_view what,
                               absl::FunctionRef<absl::Status()> item) {
  while (!IsPunct(close)) {
    absl::Status status = item();
    if (!status.ok()) return status;
    if (IsPunct(close)) break;
    if (!IsPunct(",")) {
      bool line_ended = cur_.type == TokenType::kEnd || cur_.starts_line;
      return ErrorAt(cur_, absl::StrCat("expected ", line_ended ? "" : "',' or ", "'", close,
                                        "' after ", what, ", got ", Describe(cur_)));
    }
    Advance();
  }
  return absl::OkStatus();
}

// Gates after expansion and declarations, each kept until the end, and gate calls that
// expand to nothing (so that `id q;` cannot be repeated for free).
absl::Status Parser::ChargeOperations(const Token& at, long long count) {
  if (count > budget_) {
    return LimitError(at, absl::StrCat("program needs more than ", options_.max_operations,
                                       " operations (max_operations = ",
                                       options_.max_operations,
                                       "; gates after expansion, gate calls that expand to "
                                       "nothing and declarations count one each)"));
  }
  budget_ -= count;
  return absl::OkStatus();
}

// Steps of work, so that time is bounded even where no gate is emitted: every token read
// (gate bodies are read again at every call), every qubit index an operand holds, every
// control a modifier adds, every element pow() copies.
absl::Status Parser::ChargeWork(const Token& at, long long count) {
  if (count > work_budget_) {
    long long operations = std::min<size_t>(options_.max_operations, 1ULL << 58);
    return LimitError(at, absl::StrCat("program takes more than ", WorkLimit(operations),
                                       " steps to read and expand (16 * max_operations",
                                       " + 65536, max_operations = ",
                                       options_.max_operations, ")"));
  }
  work_budget_ -= count;
  return absl::OkStatus();
}

absl::StatusOr<ParsedProgram> Parser::Run() {
  Advance();
  while (cur_.type != TokenType::kEnd) {
    absl::Status status = Statement();
    if (dynamic_) break;
    if (!status.ok()) return status;
    ++statements_;
  }
  ParsedProgram program;
  if (state_ != nullptr) {
    absl::Status status = Flush();
    if (!status.ok()) return status;
  }
  if (dynamic_) {
    ops_.clear();
    program.dynamic = true;
  }
  absl::Status status = BuildCircuit(program);
  if (!status.ok()) return status;
  return program;
}

std::vector<int> Parser::ShotBits() const {
  std::vector<int> bits(bit_values_.size());
  for (size_t i = 0; i < bits.size(); ++i) bits[i] = bit_values_[i] == 1 ? 1 : 0;
  return bits;
}

// In a parse (no state), a step whose effect depends on a measurement outcome ends the
// parse: the program is dynamic and runs shot by shot (RunShot).
absl::Status Parser::Dynamic(const Token& at) {
  dynamic_ = true;
  return absl::CancelledError(absl::StrCat(Where(at), "depends on a measurement outcome"));
}

absl::Status Parser::BuildCircuit(ParsedProgram& program) {
  int num_qubits = std::max<int>(qubit_names_.size(), physical_qubits_);
  for (int q = qubit_names_.size(); q < num_qubits; ++q) qubit_names_.push_back(QubitName(q));
  program.circuit = Circuit(num_qubits, static_cast<int>(clbit_names_.size()));
  program.circuit.DeclareParams(static_cast<int>(param_names_.size()));
  absl::Status status = MoveOps(program.circuit);
  if (!status.ok()) return status;
  program.param_names.assign(std::make_move_iterator(param_names_.begin()),
                             std::make_move_iterator(param_names_.end()));
  program.clbit_names = std::move(clbit_names_);
  program.qubit_names = std::move(qubit_names_);
  return absl::OkStatus();
}

// Moves the gates into the circuit front to back, so the list shrinks as the circuit grows;
// an invalid gate is reported at the statement that made it.
absl::Status Parser::MoveOps(Circuit& into) {
  for (; !ops_.empty(); ++flushed_) {
    while (source_cursor_ + 1 < op_sources_.size() &&
           op_sources_[source_cursor_ + 1].first <= flushed_) {
      ++source_cursor_;
    }
    absl::Status status = into.Append(std::move(ops_.front()));
    ops_.pop_front();
    if (!status.ok()) {
      if (op_sources_.empty()) return absl::InvalidArgumentError(status.message());
      const OpSource& at = op_sources_[source_cursor_];
      return absl::InvalidArgumentError(
          absl::StrCat(at.line, ":", at.column, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

// Hands the gates made so far to the shot's state (before a measurement, and at the end),
// with the qubit count even when there are none, so the state knows every qubit measured.
absl::Status Parser::Flush() {
  Circuit segment(std::max<int>(qubit_names_.size(), physical_qubits_), 0);
  segment.DeclareParams(static_cast<int>(param_names_.size()));
  absl::Status status = MoveOps(segment);
  if (!status.ok()) return status;
  return state_->Apply(segment);
}

absl::Status Parser::Statement() {
  absl::Status status = Directives();
  if (!status.ok() || cur_.type == TokenType::kEnd) return status;
  // Recorded before the statement runs, so that the statements nested in it (blocks,
  // loops, subroutines) come after it and their gates are attributed to them.
  size_t made = flushed_ + ops_.size();
  op_sources_.push_back(OpSource{made, cur_.line, cur_.column});
  size_t entry = op_sources_.size();
  status = TopLevelStatement();
  if (op_sources_.size() == entry && flushed_ + ops_.size() == made) op_sources_.pop_back();
  return status;
}

// Pragmas and annotations: opaque text the lexer has already cut at the end of the line,
// with no effect on the simulation. An annotation must be followed by the statement it
// annotates (the grammar's `annotation* statement`), not by the end of the input or scope.
absl::Status Parser::Directives() {
  while (cur_.type == TokenType::kPragma || cur_.type == TokenType::kAnnotation) {
    ++statements_;  // so that OPENQASM after a directive is not the first statement
    Token directive = Take();
    if (directive.type == TokenType::kPragma || cur_.type == TokenType::kAnnotation) continue;
    if (cur_.type == TokenType::kEnd || cur_.type == TokenType::kPragma || IsPunct("}")) {
      return ErrorAt(directive, absl::StrCat("annotation '", directive.text,
                                             "' must be followed by a statement, got ",
                                             cur_.type == TokenType::kPragma
                                                 ? std::string("a pragma")
                                                 : Describe(cur_)));
    }
  }
  return absl::OkStatus();
}

absl::Status Parser::TopLevelStatement() {
  if (IsPunct(";")) {
    Advance();
    return absl::OkStatus();
  }
  Token t = cur_;
  if (t.type != TokenType::kIdentifier) {
    if (IsPunct("{")) return Block();
    return ErrorAt(t, absl::StrCat("expected a statement, got ", Describe(t)));
  }
  absl::string_view w = t.text;
  bool global = frames_.empty();
  if (!global && (w == "OPENQASM" || w == "include" || w == "qubit" || w == "qreg" ||
                  w == "input" || w == "gate" || w == "def")) {
    return ErrorAt(t, absl::StrCat("'", w, "' is only allowed at global scope"));
  }
  if (w == "OPENQASM") return Header();
  if (w == "include") return Include();
  if (w == "qubit" || w == "qreg") return QubitDeclaration();
  if (w == "bit" || w == "creg") return global ? BitDeclaration() : LocalBitDeclaration();
  if (w == "input") return InputDeclaration();
  if (w == "const" || IsTypeWord(t)) return ClassicalDeclaration();
  if (w == "let") return LetDeclaration();
  if (w == "gate") return GateDefinition();
  if (w == "def") return DefDefinition();
  if (w == "if") return IfStatement();
  if (w == "for") return ForStatement();
  if (w == "while") return WhileStatement();
  if (w == "break" || w == "continue") return BreakOrContinue();
  if (w == "return") return ReturnStatement();
  if (w == "measure") return MeasureArrow();
  if (w == "reset") return Reset();
  if (w == "barrier") return Barrier();
  if (w == "delay" || w == "box" || w == "stretch" || w == "duration") {
    return TimingStatement();
  }
  Symbol* symbol = FindSymbol(w);
  if (symbol != nullptr && symbol->kind == SymbolKind::kDef) {
    Advance();
    absl::StatusOr<std::optional<Value>> result = CallDef(t, defs_[symbol->gate], true);
    if (!result.ok()) return result.status();
    return Expect(";");
  }
  bool is_gate = symbol != nullptr ? symbol->kind == SymbolKind::kGate
                                   : FindBuiltin(w) != nullptr;
  if (!is_gate) {
    Token next = Ahead();
    if (IsAssignmentOp(next) || (next.type == TokenType::kPunct && next.text == "[")) {
      return ClassicalAssignment();
    }
  }
  return GateCall(&ops_);
}

absl::Status Parser::Header() {
  Token keyword = Take();
  if (statements_ != 0) return ErrorAt(keyword, "OPENQASM must be the first statement");
  Token version = Cur();
  if (version.type != TokenType::kNumber ||
      !(version.number == 3.0 || version.number == 3.1 || version.number == 2.0)) {
    return Unsupported(version, absl::StrCat("OpenQASM version '", version.text, "'"));
  }
  Advance();
  return Expect(";");
}

// The library's gates are builtins; the include makes their names taken, so a name the
// program declared before it clashes with the include.
absl::Status Parser::Include() {
  Advance();
  Token file = Cur();
  if (file.type != TokenType::kString) return ErrorAt(file, "expected a file name string");
  if (file.text != "stdgates.inc" && file.text != "qelib1.inc") {
    return Unsupported(file, absl::StrCat("include \"", file.text, "\""));
  }
  const std::pair<const std::string, Symbol>* clash = nullptr;  // the first declared
  for (const auto& entry : symbols_) {
    if (FindBuiltin(entry.first) == nullptr) continue;
    const Symbol& s = entry.second;
    if (clash == nullptr || std::make_pair(s.line, s.column) <
                                std::make_pair(clash->second.line, clash->second.column)) {
      clash = &entry;
    }
  }
  if (clash != nullptr) {
    return ErrorAt(file, absl::StrCat("\"", file.text, "\" defines gate '", clash->first,
                                      "', already declared at ", clash->second.line, ":",
                                      clash->second.column));
  }
  included_stdgates_ = true;
  Advance();
  return Expect(";");
}

absl::Status Parser::MeasureArrow() {
  Token keyword = Take();
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  if (IsPunct(";")) return Unsupported(keyword, "measure without a target bit");
  absl::Status status = Expect("->");
  if (!status.ok()) return status;
  Symbol* target = cur_.type == TokenType::kIdentifier ? FindSymbol(cur_.text) : nullptr;
  if (target != nullptr && target->kind == SymbolKind::kNumber) {
    if (qubits->indices.size() != 1) {
      return ErrorAt(cur_, "measure of several qubits into a classical variable");
    }
    Advance();
    int bit = -1;
    if (IsPunct("[")) {
      Advance();
      absl::StatusOr<long long> i = ConstantInteger("bit index", 0, 63);
      if (!i.ok()) return i.status();
      bit = static_cast<int>(*i);
      status = Expect("]");
      if (!status.ok()) return status;
    }
    absl::StatusOr<Value> outcome = MeasureValue(keyword, *qubits);
    if (!outcome.ok()) return outcome.status();
    status = SetVariableBit(*target, bit, *outcome, keyword);
    if (!status.ok()) return status;
    return Expect(";");
  }
  absl::StatusOr<Operand> bits = BitOperand();
  if (!bits.ok()) return bits.status();
  status = AddMeasures(*qubits, *bits, keyword, bits->token);
  if (!status.ok()) return status;
  return Expect(";");
}

absl::Status Parser::AddMeasures(const Operand& qubits, const Operand& bits,
                                 const Token& keyword, const Token& mismatch_at) {
  if (qubits.indices.size() != bits.indices.size() || qubits.is_register != bits.is_register) {
    return ErrorAt(mismatch_at, absl::StrCat("measure of ", qubits.indices.size(),
                                             " qubit(s) into ", bits.indices.size(), " bit(s)"));
  }
  absl::Status status = ChargeOperations(keyword, static_cast<long long>(bits.indices.size()));
  if (!status.ok()) return status;
  if (state_ != nullptr) {  // running a shot: the outcomes are known now
    status = Flush();
    for (size_t i = 0; status.ok() && i < bits.indices.size(); ++i) {
      absl::StatusOr<int> outcome = state_->Measure(qubits.indices[i]);
      if (!outcome.ok()) return outcome.status();
      (bits.local ? local_bits_ : bit_values_)[bits.indices[i]] = static_cast<int8_t>(*outcome);
    }
    return status;
  }
  if (bits.local) return Dynamic(keyword);  // only the program's bits are circuit bits
  for (size_t i = 0; i < bits.indices.size(); ++i) {
    bit_values_[bits.indices[i]] = -1;
    Gate& g = ops_.emplace_back();
    g.kind = GateKind::kMeasure;
    g.qubits = {qubits.indices[i]};
    g.clbit = bits.indices[i];
  }
  return absl::OkStatus();
}

// At `measure`: parses `measure operand;` and records one measurement per bit.
absl::Status Parser::MeasureInto(const Operand& bits) {
  Token keyword = Take();
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  absl::Status status = AddMeasures(*qubits, bits, keyword, qubits->token);
  if (!status.ok()) return status;
  return Expect(";");
}

absl::Status Parser::Reset() {
  Token keyword = Take();
  absl::StatusOr<Operand> qubits = QubitOperand();
  if (!qubits.ok()) return qubits.status();
  absl::Status status =
      ChargeOperations(keyword, static_cast<long long>(qubits->indices.size()));
  if (!status.ok()) return status;
  for (int q : qubits->indices) {
    Gate& g = ops_.emplace_back();
    g.kind = GateKind::kReset;
    g.qubits = {q};
  }
  return Expect(";");
}

absl::Status Parser::Barrier() {
  Token keyword = Take();
  Gate g;
  g.kind = GateKind::kBarrier;
  NewCall();
  bool any_operand = false;
  absl::Status status = CommaList(";", "a qubit argument", [&]() -> absl::Status {
    absl::StatusOr<Operand> qubits = QubitOperand();
    if (!qubits.ok()) return qubits.status();
    any_operand = true;
    for (int q : qubits->indices) {
      if (FirstUseInCall(q)) g.qubits.push_back(q);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  Advance();
  if (scope_ != nullptr) return absl::OkStatus();  // no effect inside a gate body
  if (!any_operand) {  // `barrier;` synchronizes every qubit declared so far
    status = ChargeWork(keyword, static_cast<long long>(qubit_names_.size()));
    if (!status.ok()) return status;
    for (int q = 0; q < static_cast<int>(qubit_names_.size()); ++q) g.qubits.push_back(q);
  }
  status = ChargeOperations(keyword, 1);
  if (!status.ok()) return status;
  ops_.push_back(std::move(g));
  return absl::OkStatus();
}

absl::StatusOr<ParsedProgram> Parse(std::string_view source, const ParseOptions& options) {
  return Parser(source, options).Run();
}

absl::StatusOr<std::vector<int>> RunShot(std::string_view source, const ParseOptions& options,
                                         QuantumState& state) {
  Parser parser(source, options, &state);
  absl::StatusOr<ParsedProgram> program = parser.Run();
  if (!program.ok()) return program.status();
  return parser.ShotBits();
}

}  // namespace qgrad::qasm
