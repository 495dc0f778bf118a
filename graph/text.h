// Small text helpers shared by the JSON reader and writer, the Cypher
// exporter and the query lexer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kg/utf8.h"
#include "kg/value.h"

namespace kg::graph {

// Appends s between two quote characters, escaping the quote, '\' and
// control characters (\n \r \t \b \f, else \u00XX): a JSON string with
// quote '"', a Cypher string literal with quote '\''.
void AppendQuotedEscaped(std::string* out, std::string_view s, char quote);

// Why a property named key with value v holds text that is not valid UTF-8
// (in its name, or in a string of the value), or "" when all is valid.
std::string InvalidText(std::string_view key, const Value& v);

}  // namespace kg::graph
