// Tokenizer for OpenQASM 3 (see lexer.h). Thread-safe: no shared state.
#include "qasm/lexer.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

// ASCII classes by hand: the <cctype> functions consult the locale on every call.
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsPunctuation(unsigned char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

bool IsDurationUnit(absl::string_view s) {
  return s == "dt" || s == "ns" || s == "us" || s == "µs" || s == "ms" || s == "s";
}

// Length of the operator at the start of `rest` (non-empty): the longest of ** <= >= << >>
// == != && || -> and their compound assignments (**= <<= >>= += -= *= /= %= &= |= ^=),
// else 1.
size_t OperatorLength(absl::string_view rest) {
  char c = rest[0];
  char d = rest.size() > 1 ? rest[1] : '\0';
  char e = rest.size() > 2 ? rest[2] : '\0';
  switch (c) {
    case '*': case '<': case '>':
      if (d == c) return e == '=' ? 3 : 2;
      return d == '=' ? 2 : 1;
    case '-': return d == '>' || d == '=' ? 2 : 1;
    case '&': case '|': return d == c || d == '=' ? 2 : 1;
    case '=': case '!': case '+': case '/': case '%': case '^': return d == '=' ? 2 : 1;
    default: return 1;
  }
}

// A literal as lexed (digits, '_' separators, '.', exponent), correctly rounded; a value
// beyond the double range is infinite (reported by the parser) or, for a tiny one, zero.
bool ParseNumber(absl::string_view literal, double* value) {
  if (literal.size() <= 15 && std::all_of(literal.begin(), literal.end(), IsDigit)) {
    long long n = 0;  // exact: below 2^53
    for (char c : literal) n = 10 * n + (c - '0');
    *value = static_cast<double>(n);
    return true;
  }
  std::string digits;
  if (literal.find('_') != absl::string_view::npos) {
    for (char c : literal) {
      if (c != '_') digits.push_back(c);
    }
    literal = digits;
  }
  const char* end = literal.data() + literal.size();
  std::from_chars_result result = std::from_chars(literal.data(), end, *value);
  if (result.ec == std::errc::result_out_of_range) {
    bool tiny = literal.find("e-") != absl::string_view::npos ||
                literal.find("E-") != absl::string_view::npos;
    *value = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    return result.ptr == end;
  }
  return result.ec == std::errc() && result.ptr == end;
}

}  // namespace

Token Lexer::Next() {
  Token token;  // the only object returned, so that it is built in place
  if (done_) {
    token = last_;
  } else if (SkipSpaceAndComments(token)) {
    Read(token);
  }
  return token;
}

void Lexer::Read(Token& token) {
  Start(token);
  if (pos_ >= src_.size()) {
    token.type = TokenType::kEnd;
    done_ = true;
    last_ = token;
    return;
  }
  Lex(token);
  if (token.type == TokenType::kError) return;
  char first = token.text.data()[0];
  bool ends_statement = token.type == TokenType::kPunct && token.text.size() == 1 &&
                        (first == ';' || first == '{' || first == '}');
  statement_start_ = ends_statement || token.type == TokenType::kPragma ||
                     token.type == TokenType::kAnnotation;
}

void Lexer::Start(Token& token) {
  token.line = line_;
  token.column = column_;
  token.offset = pos_;
  token.starts_line = !seen_on_line_;
  seen_on_line_ = true;
}

void Lexer::Advance() {
  unsigned char c = src_.data()[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
    seen_on_line_ = false;
  } else if ((c & 0xC0) != 0x80) {
    ++column_;  // columns count code points, not UTF-8 continuation bytes
  }
}

// To `end`, with no newline in between: only the column moves.
void Lexer::SkipInLine(size_t end) {
  for (const char* data = src_.data(); pos_ < end; ++pos_) column_ += (data[pos_] & 0xC0) != 0x80;
}

// Where the current line ends: at the next '\n' or '\r', or at the end of the source.
size_t Lexer::LineEnd() const {
  size_t end = pos_;
  while (end < src_.size() && src_.data()[end] != '\n' && src_.data()[end] != '\r') ++end;
  return end;
}

// Bounds-checked by hand: absl::string_view's operator[] asserts on every call here.
char Lexer::At(size_t i) const { return i < src_.size() ? src_.data()[i] : '\0'; }

char Lexer::Peek(size_t ahead) const { return At(pos_ + ahead); }

void Lexer::Fail(Token& token, absl::string_view message) {
  error_ = absl::InvalidArgumentError(absl::StrCat(Where(token), message));
  token.type = TokenType::kError;
  last_ = token;
  done_ = true;
}

// False on an unterminated /* comment, with `error` the error token.
bool Lexer::SkipSpaceAndComments(Token& error) {
  while (pos_ < src_.size()) {
    char c = src_.data()[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
      ++column_;
    } else if (c == '\n') {
      Advance();
    } else if (c == '/' && Peek(1) == '/') {
      SkipInLine(LineEnd());
    } else if (c == '/' && Peek(1) == '*') {
      Start(error);
      SkipInLine(pos_ + 2);
      while (pos_ < src_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
      if (pos_ >= src_.size()) {
        Fail(error, "unterminated /* comment");
        return false;
      }
      SkipInLine(pos_ + 2);
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
    if (src_.substr(pos_, 7) == "#pragma") {  // as in the grammar: `#pragmas x` is a pragma
      SkipInLine(pos_ + 7);
      return Directive(token, TokenType::kPragma);
    }
    return Fail(token, "'#' is allowed only in '#pragma' (or in a comment)");
  }
  if (c == '@' && statement_start_) return Annotation(token);
  if (c == '$') {
    size_t end = pos_ + 1;
    while (IsDigit(At(end))) ++end;
    SkipInLine(end);
    token.text = src_.substr(token.offset, pos_ - token.offset);
    if (token.text.size() == 1) return Fail(token, "expected digits after '$'");
    token.type = TokenType::kHardwareQubit;
    return;
  }
  return Punctuation(token);
}

void Lexer::Word(Token& token) {
  size_t end = pos_;
  while (end < src_.size() && IsIdentChar(src_.data()[end])) ++end;
  SkipInLine(end);
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
  SkipInLine(LineEnd());
  if (type == TokenType::kPragma && pos_ == content) {
    return Fail(token, absl::StrCat("expected text after '", token.text, "' on the same line"));
  }
  return;
}

// `@name(.name)*` where a statement may begin; the rest of the line is the opaque content.
void Lexer::Annotation(Token& token) {
  size_t end = pos_ + 1;
  while (end < src_.size() && IsIdentStart(At(end))) {
    while (end < src_.size() && IsIdentChar(At(end))) ++end;
    if (At(end) == '.' && IsIdentStart(At(end + 1))) ++end;
  }
  if (end == pos_ + 1) return Fail(token, "expected an annotation keyword right after '@'");
  SkipInLine(end);
  return Directive(token, TokenType::kAnnotation);
}

void Lexer::Punctuation(Token& token) {
  unsigned char c = Peek();
  if (!IsPunctuation(c)) {
    return Fail(token, absl::StrCat("unexpected character (byte 0x", absl::Hex(c), ")"));
  }
  size_t length = OperatorLength(src_.substr(pos_));
  token.type = TokenType::kPunct;
  token.text = src_.substr(pos_, length);
  SkipInLine(pos_ + length);
}

void Lexer::String(Token& token, char quote) {
  size_t begin = pos_ + 1;
  size_t end = begin;
  while (end < src_.size() && At(end) != quote && At(end) != '\n') ++end;
  if (At(end) != quote) return Fail(token, "unterminated string");
  token.type = TokenType::kString;
  token.text = src_.substr(begin, end - begin);
  SkipInLine(end + 1);
}

void Lexer::Number(Token& token) {
  size_t i = pos_;
  auto digits = [&] {
    while (IsDigit(At(i)) || (At(i) == '_' && IsDigit(At(i + 1)))) ++i;
  };
  digits();
  if (At(i) == '.') {
    ++i;
    digits();
  }
  if (At(i) == 'e' || At(i) == 'E') {
    ++i;
    if (At(i) == '+' || At(i) == '-') ++i;
    if (!IsDigit(At(i))) {
      token.text = src_.substr(pos_, i - pos_);
      return Fail(token, absl::StrCat("malformed number '", token.text, "'"));
    }
    digits();
  }
  absl::string_view literal = src_.substr(pos_, i - pos_);
  size_t suffix_begin = i;
  while (i < src_.size() && IsIdentChar(At(i))) ++i;
  absl::string_view suffix = src_.substr(suffix_begin, i - suffix_begin);
  token.text = src_.substr(pos_, i - pos_);
  SkipInLine(i);
  if (!ParseNumber(literal, &token.number)) {
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
}

std::string Where(const Token& token) { return absl::StrCat(token.line, ":", token.column, ": "); }

}  // namespace qgrad::qasm
