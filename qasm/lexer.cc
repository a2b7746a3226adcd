// Tokenizer for OpenQASM 3 (see lexer.h). Thread-safe: no shared state.
#include "qasm/lexer.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace qgrad::qasm {
namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || std::isdigit(c); }

bool IsDurationUnit(absl::string_view s) {
  return s == "dt" || s == "ns" || s == "us" || s == "µs" || s == "ms" || s == "s";
}

// Multi-character operators, longest first so that "**" wins over "*".
constexpr absl::string_view kOperators[] = {
    "**=", "<<=", ">>=", "->", "**", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=",
    "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=",
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source.data(), source.size()) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      absl::Status skipped = SkipSpaceAndComments();
      if (!skipped.ok()) return skipped;
      Token token = Start();
      if (pos_ >= src_.size()) {
        token.type = TokenType::kEnd;
        tokens.push_back(std::move(token));
        return tokens;
      }
      absl::Status status = Next(token);
      if (!status.ok()) return status;
      tokens.push_back(std::move(token));
    }
  }

 private:
  Token Start() {
    Token token;
    token.line = line_;
    token.column = column_;
    token.starts_line = !seen_on_line_;
    seen_on_line_ = true;
    return token;
  }

  void Advance() {
    unsigned char c = src_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
      seen_on_line_ = false;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;  // columns count code points, not UTF-8 continuation bytes
    }
  }
  // Continuation bytes do not start a new column; step over them without counting.
  void AdvanceN(size_t n) {
    for (size_t i = 0; i < n && pos_ < src_.size(); ++i) Advance();
  }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  absl::Status Error(int line, int column, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(line, ":", column, ": ", message));
  }

  absl::Status SkipSpaceAndComments() {
    while (pos_ < src_.size()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (pos_ < src_.size() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        int line = line_, column = column_;
        AdvanceN(2);
        while (pos_ < src_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
        if (pos_ >= src_.size()) return Error(line, column, "unterminated /* comment");
        AdvanceN(2);
      } else {
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Next(Token& token) {
    unsigned char c = Peek();
    if (std::isdigit(c) || (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      return Number(token);
    }
    if (IsIdentStart(c)) {
      size_t begin = pos_;
      while (pos_ < src_.size() && IsIdentChar(Peek())) Advance();
      token.type = TokenType::kIdentifier;
      token.text = std::string(src_.substr(begin, pos_ - begin));
      return absl::OkStatus();
    }
    if (c == '"' || c == '\'') return String(token, c);
    if (c == '$') {
      size_t begin = pos_;
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
      token.text = std::string(src_.substr(begin, pos_ - begin));
      if (token.text.size() == 1) return Error(token.line, token.column, "expected digits after '$'");
      token.type = TokenType::kHardwareQubit;
      return absl::OkStatus();
    }
    token.type = TokenType::kPunct;
    for (absl::string_view op : kOperators) {
      if (src_.substr(pos_, op.size()) == op) {
        token.text = std::string(op);
        AdvanceN(op.size());
        return absl::OkStatus();
      }
    }
    if (std::ispunct(c)) {
      token.text = std::string(1, static_cast<char>(c));
      Advance();
      return absl::OkStatus();
    }
    return Error(token.line, token.column,
                 absl::StrCat("unexpected character (byte 0x", absl::Hex(c), ")"));
  }

  absl::Status String(Token& token, char quote) {
    Advance();
    size_t begin = pos_;
    while (pos_ < src_.size() && Peek() != quote && Peek() != '\n') Advance();
    if (Peek() != quote) return Error(token.line, token.column, "unterminated string");
    token.type = TokenType::kString;
    token.text = std::string(src_.substr(begin, pos_ - begin));
    Advance();
    return absl::OkStatus();
  }

  absl::Status Number(Token& token) {
    size_t begin = pos_;
    auto digits = [&] {
      while (std::isdigit(static_cast<unsigned char>(Peek())) ||
             (Peek() == '_' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
        Advance();
      }
    };
    digits();
    if (Peek() == '.') {
      Advance();
      digits();
    }
    if (Peek() == 'e' || Peek() == 'E') {
      Advance();
      if (Peek() == '+' || Peek() == '-') Advance();
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) {
        return Error(token.line, token.column,
                     absl::StrCat("malformed number '", src_.substr(begin, pos_ - begin), "'"));
      }
      digits();
    }
    std::string text(src_.substr(begin, pos_ - begin));
    size_t suffix_begin = pos_;
    while (pos_ < src_.size() && IsIdentChar(Peek())) Advance();
    absl::string_view suffix = src_.substr(suffix_begin, pos_ - suffix_begin);
    token.text = std::string(src_.substr(begin, pos_ - begin));
    std::string digits_only;
    for (char ch : text) {
      if (ch != '_') digits_only.push_back(ch);
    }
    if (!absl::SimpleAtod(digits_only, &token.number)) {
      return Error(token.line, token.column, absl::StrCat("malformed number '", token.text, "'"));
    }
    if (suffix.empty()) {
      token.type = TokenType::kNumber;
    } else if (suffix == "im") {
      token.type = TokenType::kImaginary;
    } else if (IsDurationUnit(suffix)) {
      token.type = TokenType::kDuration;
    } else {
      return Error(token.line, token.column, absl::StrCat("malformed number '", token.text, "'"));
    }
    return absl::OkStatus();
  }

  absl::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool seen_on_line_ = false;
};

}  // namespace

absl::StatusOr<std::vector<Token>> Lex(std::string_view source) { return Lexer(source).Run(); }

std::string Where(const Token& token) { return absl::StrCat(token.line, ":", token.column, ": "); }

}  // namespace qgrad::qasm
