// QueryError: the one exception the query front end and executor throw. The
// connection turns it into a failed QueryResult; it never leaves query/.
#pragma once

#include <stdexcept>
#include <string>

namespace kg::query {

// 1-based position in the query text; line 0 means "no position".
struct Position {
  int line = 0;
  int column = 0;
  int offset = 0;  // byte offset, for carets
};

struct QueryError : std::runtime_error {
  QueryError(std::string code, std::string detail, bool runtime, std::string message, Position pos = {})
      : std::runtime_error(message),
        code(std::move(code)),
        detail(std::move(detail)),
        runtime(runtime),
        message(std::move(message)),
        pos(pos) {}
  std::string code;    // TCK error type: SyntaxError, SemanticError, TypeError, ...
  std::string detail;  // TCK detail code, or empty
  bool runtime;        // raised while executing (vs. while compiling)
  std::string message;
  Position pos;
  int length = 1;      // characters under the caret
};

// Compile-time errors.
[[noreturn]] void SyntaxError(const std::string& detail, const std::string& message, Position pos = {});
[[noreturn]] void SemanticError(const std::string& detail, const std::string& message, Position pos = {});
// Runtime errors.
[[noreturn]] void RuntimeError(const std::string& code, const std::string& detail, const std::string& message,
                               Position pos = {});
[[noreturn]] void TypeError(const std::string& detail, const std::string& message, Position pos = {});

}  // namespace kg::query
