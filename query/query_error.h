// The engine's errors: kg::QueryError (kg/query_result.h), the one error
// type, thrown by the front end and the executor with the position of the
// offending token. The connection turns it into a failed QueryResult; it
// never leaves query/.
#pragma once

#include <string>

#include "kg/query_result.h"
#include "kg/utf8.h"

namespace kg::query {

// 1-based position in the query text; line 0 means "no position".
struct Position {
  int line = 0;
  int column = 0;
  int offset = 0;  // byte offset
};

// A QueryError at pos.
// (A message may quote bytes of the statement; one cut from a character is
// shown as U+FFFD, so that every message is valid UTF-8.)
inline QueryError ErrorAt(std::string code, std::string detail, bool runtime, std::string message, Position pos = {}) {
  if (!IsValidUtf8(message)) message = ToValidUtf8(message);
  return QueryError(std::move(code), std::move(detail), runtime, std::move(message), pos.line, pos.column);
}

// Compile-time errors.
[[noreturn]] void SyntaxError(const std::string& detail, const std::string& message, Position pos = {});
[[noreturn]] void SemanticError(const std::string& detail, const std::string& message, Position pos = {});
// Runtime errors.
[[noreturn]] void RuntimeError(const std::string& code, const std::string& detail, const std::string& message,
                               Position pos = {});
[[noreturn]] void TypeError(const std::string& detail, const std::string& message, Position pos = {});

}  // namespace kg::query
