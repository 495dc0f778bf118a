// Lexer: turns query text into tokens with positions. Keywords are not told
// apart here: they are identifiers the parser matches case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/query_error.h"

namespace kg::query {

// ASCII case folding, as keywords and function names compare.
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

enum class TokenKind {
  kEnd,
  kIdentifier,      // name, or `back quoted` (quoted = true)
  kInteger,         // text holds the literal as written (decimal, 0x.., 0o..)
  kFloat,
  kString,          // text holds the unescaped value
  kParameter,       // text holds the name without '$'
  kSymbol,          // punctuation and operators: text holds it
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  Position pos;
  int length = 0;        // in bytes of the source
  bool quoted = false;   // a back-quoted identifier
};

// Splits the whole text into tokens, ending with kEnd. Throws QueryError
// (SyntaxError) on an unterminated string or comment, a bad escape, or a
// character that starts no token.
std::vector<Token> Tokenize(std::string_view text);

// The first two words of a statement, upper-cased and space-separated,
// skipping whitespace and comments ("CREATE INDEX"): enough to tell a
// statement's kind without tokenizing it.
std::string OpeningWords(std::string_view text);

}  // namespace kg::query
