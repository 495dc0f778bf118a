// Splits a script into statements at ';' outside strings, quoted names and
// comments, remembering the line each statement starts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg {

struct ScriptStatement {
  std::string text;
  int line = 1;  // 1-based line of the script where it starts
};

// Statements with only whitespace or comments are dropped.
std::vector<ScriptStatement> SplitStatements(std::string_view script);

// True when text ends a statement (a ';' outside strings and comments),
// for the shell's multi-line input.
bool IsCompleteStatement(std::string_view text);

}  // namespace kg
