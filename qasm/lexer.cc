// Tokenizer for OpenQASM 3 (see lexer.h). Thread-safe: no shared state.
#include "qasm/lexer.h"

#include <cctype>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || std::isdigit(c); }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

bool IsDurationUnit(absl::string_view s) {
  return s == "dt" || s == "ns" || s == "us" || s == "µs" || s == "ms" || s == "s";
}

// Multi-character operators, longest first so that "**" wins over "*".
constexpr absl::string_view kOperators[] = {
    "**=", "<<=", ">>=", "->", "**", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=",
    "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=",
};

}  // namespace

Token Lexer::Next() {
  if (done_) return last_;
  Token token;
  if (!SkipSpaceAndComments(token)) return token;
  Start(token);
  if (pos_ >= src_.size()) {
    token.type = TokenType::kEnd;
    done_ = true;
    last_ = token;
    return token;
  }
  Lex(token);
  if (token.type == TokenType::kError) return token;
  char first = token.text.empty() ? '\0' : token.text[0];
  bool ends_statement = token.type == TokenType::kPunct && token.text.size() == 1 &&
                        (first == ';' || first == '{' || first == '}');
  statement_start_ = ends_statement || token.type == TokenType::kPragma ||
                     token.type == TokenType::kAnnotation;
  return token;
}

void Lexer::Start(Token& token) {
  token.line = line_;
  token.column = column_;
  token.offset = pos_;
  token.starts_line = !seen_on_line_;
  seen_on_line_ = true;
}

void Lexer::Advance() {
  unsigned char c = src_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
    seen_on_line_ = false;
  } else if ((c & 0xC0) != 0x80) {
    ++column_;  // columns count code points, not UTF-8 continuation bytes
  }
}

void Lexer::AdvanceN(size_t n) {
  for (size_t i = 0; i < n && pos_ < src_.size(); ++i) Advance();
}

char Lexer::Peek(size_t ahead) const {
  return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
}

void Lexer::Fail(Token& token, absl::string_view message) {
  error_ = absl::InvalidArgumentError(absl::StrCat(Where(token), message));
  token.type = TokenType::kError;
  last_ = token;
  done_ = true;
}

// False on an unterminated /* comment, with `error` the error token.
bool Lexer::SkipSpaceAndComments(Token& error) {
  while (pos_ < src_.size()) {
    char c = Peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      Advance();
    } else if (c == '/' && Peek(1) == '/') {
      while (pos_ < src_.size() && Peek() != '\n') Advance();
    } else if (c == '/' && Peek(1) == '*') {
      Start(error);
      AdvanceN(2);
      while (pos_ < src_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
      if (pos_ >= src_.size()) {
        Fail(error, "unterminated /* comment");
        return false;
      }
      AdvanceN(2);
    } else {
      return true;
    }
  }
  return true;
}

void Lexer::Lex(Token& token) {
  char c = Peek();
  if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return Number(token);
  if (IsIdentStart(c)) return Word(token);
  if (c == '"' || c == '\'') return String(token, c);
  if (c == '#') {
    if (src_.substr(pos_, 7) == "#pragma" && !IsIdentChar(Peek(7))) {
      AdvanceN(7);
      return Directive(token, TokenType::kPragma);
    }
    return Fail(token, "'#' is allowed only in '#pragma' (or in a comment)");
  }
  if (c == '@' && statement_start_) return Annotation(token);
  if (c == '$') {
    Advance();
    while (IsDigit(Peek())) Advance();
    token.text = src_.substr(token.offset, pos_ - token.offset);
    if (token.text.size() == 1) return Fail(token, "expected digits after '$'");
    token.type = TokenType::kHardwareQubit;
    return;
  }
  return Punctuation(token);
}

void Lexer::Word(Token& token) {
  while (pos_ < src_.size() && IsIdentChar(Peek())) Advance();
  token.text = src_.substr(token.offset, pos_ - token.offset);
  if (token.text == "pragma") return Directive(token, TokenType::kPragma);
  token.type = TokenType::kIdentifier;
  return;
}

// After a directive's keyword: skips the opaque text to the end of the line. A pragma needs
// some text (the grammar's RemainingLineContent).
void Lexer::Directive(Token& token, TokenType type) {
  token.type = type;
  token.text = src_.substr(token.offset, pos_ - token.offset);
  while (Peek() == ' ' || Peek() == '\t') Advance();
  size_t content = pos_;
  while (pos_ < src_.size() && Peek() != '\n' && Peek() != '\r') Advance();
  if (type == TokenType::kPragma && pos_ == content) {
    return Fail(token, absl::StrCat("expected text after '", token.text, "' on the same line"));
  }
  return;
}

// `@name(.name)*` where a statement may begin; the rest of the line is the opaque content.
void Lexer::Annotation(Token& token) {
  size_t end = pos_ + 1;
  while (end < src_.size() && IsIdentStart(src_[end])) {
    while (end < src_.size() && IsIdentChar(src_[end])) ++end;
    if (end + 1 < src_.size() && src_[end] == '.' && IsIdentStart(src_[end + 1])) ++end;
  }
  if (end == pos_ + 1) return Fail(token, "expected an annotation keyword right after '@'");
  AdvanceN(end - pos_);
  return Directive(token, TokenType::kAnnotation);
}

void Lexer::Punctuation(Token& token) {
  unsigned char c = Peek();
  token.type = TokenType::kPunct;
  for (absl::string_view op : kOperators) {
    if (op[0] == c && src_.substr(pos_, op.size()) == op) {
      token.text = src_.substr(pos_, op.size());
      AdvanceN(op.size());
      return;
    }
  }
  if (std::ispunct(c)) {
    token.text = src_.substr(pos_, 1);
    Advance();
    return;
  }
  return Fail(token, absl::StrCat("unexpected character (byte 0x", absl::Hex(c), ")"));
}

void Lexer::String(Token& token, char quote) {
  Advance();
  size_t begin = pos_;
  while (pos_ < src_.size() && Peek() != quote && Peek() != '\n') Advance();
  if (Peek() != quote) return Fail(token, "unterminated string");
  token.type = TokenType::kString;
  token.text = src_.substr(begin, pos_ - begin);
  Advance();
  return;
}

void Lexer::Number(Token& token) {
  auto digits = [&] {
    while (IsDigit(Peek()) || (Peek() == '_' && IsDigit(Peek(1)))) Advance();
  };
  digits();
  if (Peek() == '.') {
    Advance();
    digits();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    if (!IsDigit(Peek())) {
      token.text = src_.substr(token.offset, pos_ - token.offset);
      return Fail(token, absl::StrCat("malformed number '", token.text, "'"));
    }
    digits();
  }
  absl::string_view literal = src_.substr(token.offset, pos_ - token.offset);
  size_t suffix_begin = pos_;
  while (pos_ < src_.size() && IsIdentChar(Peek())) Advance();
  absl::string_view suffix = src_.substr(suffix_begin, pos_ - suffix_begin);
  token.text = src_.substr(token.offset, pos_ - token.offset);
  std::string digits_only;
  for (char ch : literal) {
    if (ch != '_') digits_only.push_back(ch);
  }
  if (!absl::SimpleAtod(digits_only, &token.number)) {
    return Fail(token, absl::StrCat("malformed number '", token.text, "'"));
  }
  if (suffix.empty()) {
    token.type = TokenType::kNumber;
  } else if (suffix == "im") {
    token.type = TokenType::kImaginary;
  } else if (IsDurationUnit(suffix)) {
    token.type = TokenType::kDuration;
  } else {
    return Fail(token, absl::StrCat("malformed number '", token.text, "'"));
  }
  return;
}

std::string Where(const Token& token) { return absl::StrCat(token.line, ":", token.column, ": "); }

}  // namespace qgrad::qasm
