// OpenQASM 3 parser: blocks and scopes, if / else, for, while, break / continue, and the
// timing statements an ideal simulation ignores. Control flow is evaluated eagerly: a
// condition is known when it is reached (in a parse, a condition that needs a measurement
// outcome ends the parse, see Dynamic()), the branch not taken is skipped token by token,
// and a loop reads its body again from a Mark for every iteration. Every token read is
// charged to the step budget, so a loop that never ends fails with RESOURCE_EXHAUSTED.
// Thread-safe: per-Parse state only.
#include <climits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {
namespace {

bool IsOpening(const Token& t) {
  return t.type == TokenType::kPunct && (t.text == "(" || t.text == "[" || t.text == "{");
}
bool IsClosing(const Token& t) {
  return t.type == TokenType::kPunct && (t.text == ")" || t.text == "]" || t.text == "}");
}

}  // namespace

absl::Status Parser::Restore(const Mark& mark) {
  cur_ = mark.cur;
  lexer_ = mark.lexer;
  return ChargeWork(cur_, 1);  // the token the mark holds is read again
}

void Parser::PushFrame() { frames_.push_back(Frame{{}, local_bits_.size()}); }

void Parser::PopFrame() {
  Frame& frame = frames_.back();
  for (auto it = frame.shadowed.rbegin(); it != frame.shadowed.rend(); ++it) {
    if (it->second.has_value()) {
      symbols_.insert_or_assign(it->first, *std::move(it->second));
    } else {
      symbols_.erase(it->first);
    }
  }
  local_bits_.resize(frame.local_bits);
  frames_.pop_back();
}

// `{ statements }` in a scope of its own. After break / continue / return the rest of the
// block is skipped.
absl::Status Parser::Block() {
  Token open = Take();
  PushFrame();
  absl::Status status;
  while (status.ok() && !IsPunct("}")) {
    if (cur_.type == TokenType::kEnd) {
      status = ErrorAt(open, "unterminated block: '{' without '}'");
    } else if (cur_.type == TokenType::kError) {
      status = ErrorAt(cur_, "");
    } else if (flow_ != Flow::kNormal) {
      status = SkipStatementOrBlock();
    } else {
      status = Statement();
    }
  }
  PopFrame();
  if (!status.ok()) return status;
  Advance();
  return absl::OkStatus();
}

// The body of an if, else, for or while: a block, or one statement in a scope of its own.
absl::Status Parser::StatementOrBlock() {
  if (IsPunct("{")) return Block();
  PushFrame();
  absl::Status status = Statement();
  PopFrame();
  return status;
}

absl::Status Parser::IfStatement() {
  Advance();
  absl::Status status = Expect("(");
  if (!status.ok()) return status;
  Token start = Cur();
  absl::StatusOr<Value> condition = Expression();
  if (!condition.ok()) return condition.status();
  if (!condition->is_number()) {
    return Unsupported(start, absl::StrCat("condition that depends on input '",
                                           condition->input_name(), "'"));
  }
  status = Expect(")");
  if (!status.ok()) return status;
  bool taken = condition->constant != 0;
  status = taken ? StatementOrBlock() : SkipStatementOrBlock();
  if (!status.ok() || !IsWord("else")) return status;
  Advance();
  return taken ? SkipStatementOrBlock() : StatementOrBlock();
}

// `for type name in [start:stop]`, `[start:step:stop]` (inclusive) or `{a, b, ...}`; the
// type may be left out (an int).
absl::Status Parser::ForStatement() {
  Token keyword = Take();
  TypeSpec type{ClassicalType::kInt, 0};
  if (IsTypeWord(cur_) || IsWord("bit")) {
    absl::StatusOr<TypeSpec> parsed = ParseType();
    if (!parsed.ok()) return parsed.status();
    type = *parsed;
  }
  Token name = Cur();
  absl::StatusOr<absl::string_view> id = ExpectIdentifier("a loop variable");
  if (!id.ok()) return id.status();
  if (!IsWord("in")) return ErrorAt(cur_, "expected 'in' after the loop variable");
  Advance();
  std::vector<long long> set;
  bool is_set = IsPunct("{");
  long long start = 0, step = 1, count = 0;
  if (is_set) {
    absl::StatusOr<std::vector<long long>> values = LoopValues();
    if (!values.ok()) return values.status();
    set = *std::move(values);
    count = static_cast<long long>(set.size());
  } else if (IsPunct("[")) {
    Advance();
    long long parts[3] = {0, 0, 0};
    int n = 0;
    while (true) {
      absl::StatusOr<long long> v = ConstantInteger("range bound", -(1LL << 52), 1LL << 52);
      if (!v.ok()) return v.status();
      parts[n++] = *v;
      if (!IsPunct(":") || n == 3) break;
      Advance();
    }
    if (n < 2) return ErrorAt(cur_, "expected a range [start:stop] or [start:step:stop]");
    absl::Status status = Expect("]");
    if (!status.ok()) return status;
    start = parts[0];
    long long stop = parts[n - 1];
    if (n == 3) step = parts[1];
    if (step == 0) return ErrorAt(keyword, "range step must not be zero");
    long long span = step > 0 ? stop - start : start - stop;
    count = span < 0 ? 0 : span / (step > 0 ? step : -step) + 1;
  } else {
    return Unsupported(cur_, "for loop over anything but a range [a:b] or a set {a, b}");
  }
  Mark body = Here();
  ++loop_depth_;
  absl::Status status;
  for (long long i = 0; i < count; ++i) {
    long long value = is_set ? set[i] : start + i * step;
    bool done = false;
    status = Restore(body);
    if (!status.ok()) break;
    PushFrame();
    absl::StatusOr<Value> converted =
        Convert(name, Value::Integer(static_cast<double>(value)), type);
    status = converted.status();
    if (status.ok()) {
      Symbol variable;
      variable.value = *converted;
      variable.type = type;
      variable.is_const = false;
      status = Declare(name, variable);
    }
    if (status.ok()) status = LoopBody(&done);
    PopFrame();
    if (!status.ok() || done) break;
  }
  --loop_depth_;
  if (!status.ok()) return status;
  status = Restore(body);
  if (!status.ok()) return status;
  return SkipStatementOrBlock();
}

// One iteration's body; `done` when break or return ended the loop.
absl::Status Parser::LoopBody(bool* done) {
  absl::Status status = StatementOrBlock();
  if (!status.ok()) return status;
  if (flow_ == Flow::kBreak) {
    flow_ = Flow::kNormal;
    *done = true;
  } else if (flow_ == Flow::kContinue) {
    flow_ = Flow::kNormal;
  } else if (flow_ == Flow::kReturn) {
    *done = true;
  }
  return absl::OkStatus();
}

// At '{': the integers of a set `{a, b, ...}`, past the '}'.
absl::StatusOr<std::vector<long long>> Parser::LoopValues() {
  Advance();
  std::vector<long long> values;
  absl::Status status = CommaList("}", "a set element", [&]() -> absl::Status {
    absl::StatusOr<long long> v = ConstantInteger("set element", -(1LL << 52), 1LL << 52);
    if (!v.ok()) return v.status();
    values.push_back(*v);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  Advance();
  return values;
}

absl::Status Parser::WhileStatement() {
  Take();
  Mark condition = Here();
  ++loop_depth_;
  absl::Status status;
  while (status.ok()) {
    status = Restore(condition);
    if (status.ok()) status = Expect("(");
    if (!status.ok()) break;
    Token start = Cur();
    absl::StatusOr<Value> value = Expression();
    if (!value.ok()) {
      status = value.status();
      break;
    }
    if (!value->is_number()) {
      status = Unsupported(start, absl::StrCat("condition that depends on input '",
                                               value->input_name(), "'"));
      break;
    }
    status = Expect(")");
    if (!status.ok() || value->constant == 0) break;
    bool done = false;
    status = LoopBody(&done);
    if (done) break;
  }
  --loop_depth_;
  if (!status.ok()) return status;
  status = Restore(condition);
  if (status.ok()) status = SkipBalanced();
  if (!status.ok()) return status;
  return SkipStatementOrBlock();
}

absl::Status Parser::BreakOrContinue() {
  Token keyword = Take();
  if (loop_depth_ == 0) return ErrorAt(keyword, absl::StrCat("'", keyword.text, "' outside a loop"));
  absl::Status status = Expect(";");
  if (!status.ok()) return status;
  flow_ = keyword.text == "break" ? Flow::kBreak : Flow::kContinue;
  return absl::OkStatus();
}

// Timing has no effect on an ideal simulation: `delay[d] qubits;` is checked and ignored,
// `box [d] { ... }` runs its block, `stretch s;` and `duration d = ...;` declare nothing
// the simulation reads (their expressions are skipped).
absl::Status Parser::TimingStatement() {
  Token keyword = Take();
  absl::Status status;
  if (keyword.text == "box") {
    if (IsPunct("[")) status = SkipBalanced();
    if (!status.ok()) return status;
    if (!IsPunct("{")) return ErrorAt(cur_, "expected '{' after 'box'");
    return Block();
  }
  if (keyword.text == "delay") {
    if (!IsPunct("[")) return ErrorAt(cur_, "expected '[duration]' after 'delay'");
    status = SkipBalanced();
    if (!status.ok()) return status;
    status = CommaList(";", "a qubit argument", [&]() -> absl::Status {
      return QubitOperand().status();
    });
    if (!status.ok()) return status;
    Advance();
    return absl::OkStatus();
  }
  if (IsPunct("[")) status = SkipBalanced();
  if (!status.ok()) return status;
  absl::StatusOr<absl::string_view> id = ExpectIdentifier(absl::StrCat("a ", keyword.text, " name"));
  if (!id.ok()) return id.status();
  return IsPunct("=") ? SkipTo(";") : Expect(";");
}

// At an opening bracket: past its matching closing one.
absl::Status Parser::SkipBalanced() {
  Token open = Cur();
  int depth = 0;
  do {
    if (cur_.type == TokenType::kEnd) {
      return ErrorAt(open, absl::StrCat("'", open.text, "' is never closed"));
    }
    if (cur_.type == TokenType::kError) return ErrorAt(cur_, "");
    if (IsOpening(cur_)) ++depth;
    if (IsClosing(cur_)) --depth;
    Advance();
  } while (depth > 0);
  return absl::OkStatus();
}

// Past the next `punct` outside brackets.
absl::Status Parser::SkipTo(absl::string_view punct) {
  while (!IsPunct(punct)) {
    if (cur_.type == TokenType::kEnd || IsClosing(cur_)) {
      return ErrorAt(cur_, absl::StrCat("expected '", punct, "'"));
    }
    if (cur_.type == TokenType::kError) return ErrorAt(cur_, "");
    if (!IsOpening(cur_)) {
      Advance();
    } else if (absl::Status status = SkipBalanced(); !status.ok()) {
      return status;
    }
  }
  Advance();
  return absl::OkStatus();
}

// Reads past the statement or block that a branch not taken (or a finished loop) holds,
// with no effect.
absl::Status Parser::SkipStatementOrBlock() {
  while (cur_.type == TokenType::kPragma || cur_.type == TokenType::kAnnotation) Advance();
  if (IsPunct("{")) return SkipBalanced();
  absl::Status status;
  if (IsWord("if") || IsWord("while")) {
    bool is_if = IsWord("if");
    Advance();
    if (!IsPunct("(")) return ErrorAt(cur_, "expected '('");
    status = SkipBalanced();
    if (status.ok()) status = SkipStatementOrBlock();
    if (!status.ok() || !is_if || !IsWord("else")) return status;
    Advance();
    return SkipStatementOrBlock();
  }
  if (IsWord("for")) {
    Advance();
    while (!IsWord("in")) {
      if (cur_.type == TokenType::kEnd || cur_.type == TokenType::kError || IsPunct(";") ||
          IsPunct("{")) {
        return ErrorAt(cur_, "expected 'in' in a for loop");
      }
      status = IsPunct("[") ? SkipBalanced() : (Advance(), absl::OkStatus());
      if (!status.ok()) return status;
    }
    Advance();
    status = IsOpening(cur_) ? SkipBalanced() : ExpectIdentifier("a loop set").status();
    if (!status.ok()) return status;
    return SkipStatementOrBlock();
  }
  if (IsWord("box")) {
    Advance();
    if (IsPunct("[")) status = SkipBalanced();
    if (!status.ok()) return status;
    return SkipStatementOrBlock();
  }
  return SkipTo(";");
}

}  // namespace qgrad::qasm
