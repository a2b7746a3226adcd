// OpenQASM 3 parser: qubit and bit operands — gate arguments, registers, indices, slices,
// index sets and physical qubits. Every index an operand holds is charged as work before it
// is made, so register-sized operands cannot be multiplied for free.
// Thread-safe: per-Parse state only.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "qasm/parser_impl.h"

namespace qgrad::qasm {

absl::StatusOr<Operand> Parser::QubitOperand() {
  Operand op;
  op.token = Cur();
  const Token& t = op.token;
  if (t.type == TokenType::kHardwareQubit) {
    absl::StatusOr<int> q = PhysicalQubit(t);
    if (!q.ok()) return q.status();
    Advance();
    op.indices = {*q};
    return op;
  }
  if (t.type != TokenType::kIdentifier) {
    return ErrorAt(t, t.type == TokenType::kEnd
                          ? std::string("expected a qubit, got end of input")
                          : absl::StrCat("expected a qubit, got '", t.text, "'"));
  }
  Advance();
  if (scope_ != nullptr) {
    int arg = scope_->def->Find(t.text);
    if (arg < scope_->def->num_params) {
      return ErrorAt(t, absl::StrCat("'", t.text, "' is not a qubit argument of gate '",
                                     scope_->def->name, "'"));
    }
    if (IsPunct("[")) return ErrorAt(cur_, "gate qubit arguments cannot be indexed");
    op.indices = {scope_->qubits[arg - scope_->def->num_params]};
    return op;
  }
  absl::Status status = NamedRegister(SymbolKind::kQubits, "", op);
  if (!status.ok()) return status;
  return op;
}

absl::StatusOr<Operand> Parser::BitOperand() {
  Operand op;
  op.token = Cur();
  if (op.token.type != TokenType::kIdentifier) return ErrorAt(op.token, "expected a bit register");
  Advance();
  absl::Status status = NamedRegister(SymbolKind::kBits, "measurement target ", op);
  if (!status.ok()) return status;
  return op;
}

Symbol* Parser::FindSymbol(absl::string_view name) {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : &it->second;
}

// After the name op.token: the register of `kind` it names and the elements taken from it.
absl::Status Parser::NamedRegister(SymbolKind kind, absl::string_view role, Operand& op) {
  absl::string_view noun = kind == SymbolKind::kQubits ? "qubit register" : "bit register";
  auto it = symbols_.find(op.token.text);
  if (it == symbols_.end()) {
    return ErrorAt(op.token, absl::StrCat("undeclared ", noun, " '", op.token.text, "'"));
  }
  if (it->second.kind != kind) {
    return ErrorAt(op.token, absl::StrCat(role, "'", op.token.text, "' is not a ", noun));
  }
  const Symbol reg = it->second;  // a copy: an index may call a subroutine
  return RegisterElements(reg, op);
}

// `reg`, `reg[i]`, `reg[a:b]`, `reg[{i, j}]` after the name.
absl::Status Parser::RegisterElements(const Symbol& reg, Operand& op) {
  if (IsPunct("[")) {
    if (reg.scalar) {
      return ErrorAt(cur_, absl::StrCat("'", op.token.text, "' is a single ",
                                        reg.kind == SymbolKind::kQubits ? "qubit" : "bit",
                                        " and cannot be indexed"));
    }
    Advance();
    bool single;
    absl::StatusOr<QubitList> indices = Index(op.token, reg.size, &single);
    if (!indices.ok()) return indices.status();
    op.indices = *std::move(indices);
    for (int& i : op.indices) i = reg.elements.empty() ? i + reg.offset : reg.elements[i];
    op.is_register = !single;
    op.local = reg.local;
    return absl::OkStatus();
  }
  absl::Status status = ChargeWork(op.token, reg.size);
  if (!status.ok()) return status;
  for (int i = 0; i < reg.size; ++i) {
    op.indices.push_back(reg.elements.empty() ? reg.offset + i : reg.elements[i]);
  }
  op.is_register = !reg.scalar;
  op.local = reg.local;
  return absl::OkStatus();
}

absl::StatusOr<long long> Parser::IndexValue(int size) {
  absl::StatusOr<long long> i = ConstantInteger("index", -static_cast<long long>(size), size - 1);
  if (!i.ok()) return i;
  return *i < 0 ? *i + size : *i;  // negative indices count from the end
}

// After '[': `i]`, `a:b]`, `a:s:b]` (inclusive, as in OpenQASM 3) or `{i, j, ...}]`. A
// trailing comma before ']' is allowed (the grammar's index lists); a second index is not,
// registers having one dimension.
absl::StatusOr<QubitList> Parser::Index(const Token& reg, int size, bool* single) {
  QubitList result;
  *single = false;
  if (IsPunct("{")) {
    Advance();
    absl::Status status = CommaList("}", "an index", [&]() -> absl::Status {
      absl::StatusOr<long long> i = IndexValue(size);
      if (!i.ok()) return i.status();
      result.push_back(static_cast<int>(*i));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    Advance();
  } else if (IsPunct(":")) {
    absl::StatusOr<QubitList> range = Range(reg, size, 0);
    if (!range.ok()) return range.status();
    result = *std::move(range);
  } else {
    absl::StatusOr<long long> i = IndexValue(size);
    if (!i.ok()) return i.status();
    if (IsPunct(":")) {
      absl::StatusOr<QubitList> range = Range(reg, size, *i);
      if (!range.ok()) return range.status();
      result = *std::move(range);
    } else {
      *single = true;
      result.push_back(static_cast<int>(*i));
    }
  }
  if (IsPunct(",")) {
    Advance();
    if (!IsPunct("]")) {
      return ErrorAt(cur_, absl::StrCat("'", reg.text, "' has one dimension; expected ']', got '",
                                        cur_.text, "'"));
    }
  }
  absl::Status status = Expect("]");
  if (!status.ok()) return status;
  return result;
}

// At the first ':' of a range that starts at `start`: `:stop` or `:step:stop`, where a part
// may be left out (`q[1:]`, `q[:]`).
absl::StatusOr<QubitList> Parser::Range(const Token& reg, int size, long long start) {
  long long step = 1, stop = size - 1;
  std::vector<Token> part_tokens;
  std::vector<long long> parts;
  while (IsPunct(":") && parts.size() < 2) {
    Advance();
    if (IsPunct("]") || IsPunct(":")) break;
    part_tokens.push_back(cur_);
    absl::StatusOr<long long> v =
        ConstantInteger("range bound", -static_cast<long long>(size), size);
    if (!v.ok()) return v.status();
    parts.push_back(*v);
  }
  if (parts.size() == 2) step = parts[0];
  if (!parts.empty()) {
    stop = parts.back();
    if (stop >= size) {
      return ErrorAt(part_tokens.back(),
                     absl::StrCat("index ", stop, " out of range [", -size, ", ", size - 1, "]"));
    }
    if (stop < 0) stop += size;
  }
  if (step == 0) return ErrorAt(part_tokens.front(), "range step must not be zero");
  long long span = step > 0 ? stop - start : start - stop;
  long long count = span < 0 ? 0 : span / std::abs(step) + 1;
  absl::Status status = ChargeWork(reg, count);
  if (!status.ok()) return status;
  QubitList result;
  result.reserve(count);
  for (long long i = start; step > 0 ? i <= stop : i >= stop; i += step) {
    result.push_back(static_cast<int>(i));
  }
  return result;
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
      return LimitError(token, absl::StrCat("physical qubit '", token.text, "' is beyond ",
                                            "max_qubits = ", options_.max_qubits));
    }
  }
  physical_qubits_ = std::max(physical_qubits_, static_cast<int>(q) + 1);
  return static_cast<int>(q);
}

void Parser::NewCall() {
  if (++stamp_ == 0) {  // wrapped: forget every old stamp
    std::fill(call_stamp_.begin(), call_stamp_.end(), 0);
    stamp_ = 1;
  }
}

bool Parser::FirstUseInCall(int qubit) {
  if (qubit >= static_cast<int>(call_stamp_.size())) call_stamp_.resize(qubit + 1, 0);
  if (call_stamp_[qubit] == stamp_) return false;
  call_stamp_[qubit] = stamp_;
  return true;
}

std::string Parser::QubitName(int qubit) const {
  if (qubit < static_cast<int>(qubit_names_.size())) return qubit_names_[qubit];
  return absl::StrCat("$", qubit);
}

}  // namespace qgrad::qasm
