// Parser: a hand-written recursive-descent parser (Pratt for operators) from
// tokens to a Statement. One token of lookahead, small accept/expect helpers,
// a nesting-depth limit, and the first error only, with its position.
#pragma once

#include <string_view>

#include "query/ast.h"

namespace kg::query {

// Parses one statement (a trailing ';' is allowed). Throws QueryError.
Statement Parse(std::string_view text);

// The deepest nesting of brackets and sub-expressions accepted.
inline constexpr int kMaxNestingDepth = 500;

}  // namespace kg::query
