#include "kg/script.h"

#include <cctype>

namespace kg {
namespace {

// Walks text, calling on_end(offset) at each statement-ending ';'.
template <class Fn>
void Scan(std::string_view text, Fn&& on_end) {
  char quote = 0;
  bool line_comment = false, block_comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (line_comment) {
      if (c == '\n') line_comment = false;
    } else if (block_comment) {
      if (c == '*' && next == '/') {
        block_comment = false;
        ++i;
      }
    } else if (quote) {
      if (c == '\\' && quote != '`') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '/' && next == '/') {
      line_comment = true;
    } else if (c == '/' && next == '*') {
      block_comment = true;
      ++i;
    } else if (c == ';') {
      on_end(i);
    }
  }
}

bool HasContent(std::string_view s) {
  // Content outside comments.
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace

std::vector<ScriptStatement> SplitStatements(std::string_view script) {
  std::vector<ScriptStatement> out;
  size_t start = 0;
  // Lines are counted incrementally: counted_to is how far line is known.
  size_t counted_to = 0;
  int line = 1;
  auto emit = [&](size_t end) {
    std::string_view piece = script.substr(start, end - start);
    if (HasContent(piece)) {
      // Start the statement at its first non-space character.
      size_t skip = 0;
      while (skip < piece.size() && std::isspace(static_cast<unsigned char>(piece[skip]))) ++skip;
      for (; counted_to < start + skip; ++counted_to) line += script[counted_to] == '\n';
      out.push_back({std::string(piece.substr(skip)), line});
    }
    start = end + 1;
  };
  Scan(script, emit);
  if (start < script.size()) emit(script.size());
  return out;
}

bool IsCompleteStatement(std::string_view text) {
  bool complete = false;
  size_t last_end = 0;
  Scan(text, [&](size_t i) {
    complete = true;
    last_end = i;
  });
  if (!complete) return false;
  return !HasContent(text.substr(last_end + 1));
}

}  // namespace kg
