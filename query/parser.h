// Parser: a hand-written recursive-descent parser (Pratt for operators) from
// tokens to a Statement. One token of lookahead, small accept/expect helpers,
// a nesting-depth limit, and the first error only, with its position.
#pragma once

#include <string_view>

#include "query/ast.h"

namespace kg::query {

// Parses one statement (a trailing ';' is allowed). Throws QueryError.
Statement Parse(std::string_view text);

// The deepest nesting of brackets and sub-expressions accepted, and the
// most levels an expression tree may have (a flat chain of 600 terms of +
// or AND, or of property accesses, is 600 levels deep).
inline constexpr int kMaxNestingDepth = 500;

// The longest source text an inner expression keeps verbatim (for column
// names and for matching ORDER BY to projected items); a longer one keeps a
// prefix and its position, so that a long chain costs linear, not
// quadratic, text.
inline constexpr size_t kMaxExpressionText = 4096;

// The most clauses a statement has (subqueries and UNION parts included),
// and the most relationships and comma-separated parts a pattern has: each
// is a level of the operators' and the matcher's recursion.
inline constexpr size_t kMaxClauses = 1000;
inline constexpr size_t kMaxPatternLength = 500;

}  // namespace kg::query
