// Tokenizer for OpenQASM 3 source text (ASCII plus the UTF-8 identifiers π, τ, ℇ and θ-like
// names). Tokens carry 1-based line and column so every later error can name its position.
//
// Thread-safety: stateless function; safe to call concurrently.
#ifndef QGRAD_QASM_LEXER_H_
#define QGRAD_QASM_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace qgrad::qasm {

enum class TokenType {
  kIdentifier,  // also keywords; the parser decides by text
  kNumber,      // integer or real literal; `number` holds its value
  kString,      // "..." with the quotes stripped
  kHardwareQubit,  // $0, $12
  kDuration,    // 100ns, 2.5us (only ever rejected as unsupported)
  kImaginary,   // 1.5im (only ever rejected as unsupported)
  kPunct,       // operators and punctuation: ; , ( ) [ ] { } @ = -> ** + - ...
  kEnd,
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;
  double number = 0.0;
  int line = 1;
  int column = 1;
  // True when the token is the first one on its line (annotations and pragmas run to the end
  // of their line).
  bool starts_line = false;
};

// Splits `source` into tokens, ending with one kEnd token. INVALID_ARGUMENT "L:C: ..." for an
// unterminated comment or string, a malformed number, or a character outside the language.
absl::StatusOr<std::vector<Token>> Lex(std::string_view source);

// "L:C: " prefix for error messages.
std::string Where(const Token& token);

}  // namespace qgrad::qasm

#endif  // QGRAD_QASM_LEXER_H_
