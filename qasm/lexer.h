// Tokenizer for OpenQASM 3 source text (ASCII plus UTF-8 identifiers such as π, τ, ℇ and θ).
// It hands out one token at a time, so a parse never holds a token list, whatever the input
// size; a Lexer made from another's state() reads on from the same place (how gate bodies
// are re-read at each call). Tokens view the source text, carry 1-based line and column,
// and are cheap to copy.
//
// Directives follow the specification's lexer: `pragma` / `#pragma` and an annotation
// `@keyword.name` (an '@' where a statement may begin) run to the end of their line, and
// that text is opaque: comment markers, quotes or anything else in it change nothing after.
// A '#' that does not begin `#pragma` is an error.
//
// Thread-safety: a Lexer is a value with no shared state; use each object from one thread.
#ifndef QGRAD_QASM_LEXER_H_
#define QGRAD_QASM_LEXER_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qgrad::qasm {

enum class TokenType {
  kIdentifier,     // also keywords; the parser decides by text
  kNumber,         // integer or real literal; `number` holds its value
  kString,         // "..." with the quotes stripped
  kHardwareQubit,  // $0, $12
  kDuration,       // 100ns, 2.5us (only ever rejected as unsupported)
  kImaginary,      // 1.5im (only ever rejected as unsupported)
  kPunct,          // operators and punctuation: ; , ( ) [ ] { } @ = -> ** + - ...
  kPragma,         // `pragma ...` / `#pragma ...` to the end of the line; text: the keyword
  kAnnotation,     // `@name.name ...` to the end of the line; text: `@name.name`
  kEnd,            // end of the source (returned again on every later call)
  kError,          // a lexical error, described by Lexer::error()
};

struct Token {
  TokenType type = TokenType::kEnd;
  absl::string_view text;  // a view of the source
  double number = 0.0;
  int line = 1;
  int column = 1;          // in code points
  size_t offset = 0;       // byte offset in the source
  bool starts_line = false;  // first token on its line
};

class Lexer {
 public:
  // Where a lexer stands in its source; a Lexer made from it reads on from there.
  struct State {
    size_t pos = 0;
    int line = 1;
    int column = 1;
    bool seen_on_line = false;
    bool statement_start = true;
  };

  explicit Lexer(absl::string_view source = {}) : src_(source) {}
  Lexer(absl::string_view source, const State& from)
      : src_(source),
        pos_(from.pos),
        line_(from.line),
        column_(from.column),
        seen_on_line_(from.seen_on_line),
        statement_start_(from.statement_start) {}

  State state() const { return {pos_, line_, column_, seen_on_line_, statement_start_}; }

  // The next token. After kEnd or kError, the same token again.
  Token Next();

  // INVALID_ARGUMENT "L:C: ..." once Next() has returned kError: an unterminated comment or
  // string, a malformed number, a stray '#', a character outside the language.
  const absl::Status& error() const { return error_; }

 private:
  void Read(Token& token);
  void Start(Token& token);
  void Advance();
  void SkipInLine(size_t end);
  size_t LineEnd() const;
  char At(size_t i) const;
  char Peek(size_t ahead = 0) const;
  void Fail(Token& token, absl::string_view message);
  bool SkipSpaceAndComments(Token& error);
  // Each reads one token that starts at the current position into `token` (its position
  // already set), or fails it.
  void Lex(Token& token);
  void Word(Token& token);
  void Directive(Token& token, TokenType type);
  void Annotation(Token& token);
  void Punctuation(Token& token);
  void String(Token& token, char quote);
  void Number(Token& token);

  absl::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool seen_on_line_ = false;
  // True where a statement may begin (start, after ';', '{', '}' or a directive): an '@'
  // there begins an annotation, elsewhere it is the modifier separator of `ctrl @ x`.
  bool statement_start_ = true;
  Token last_;  // the kEnd or kError token once reached
  bool done_ = false;
  absl::Status error_;
};

// "L:C: " prefix for error messages.
std::string Where(const Token& token);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_LEXER_H_
