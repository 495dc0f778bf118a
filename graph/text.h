// Small text helpers shared by the JSON reader and writer, the Cypher
// exporter and the query lexer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kg::graph {

// Appends code point cp as UTF-8. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(std::string* out, uint32_t cp);

// Appends s between two quote characters, escaping the quote, '\' and
// control characters (\n \r \t \b \f, else \u00XX): a JSON string with
// quote '"', a Cypher string literal with quote '\''.
void AppendQuotedEscaped(std::string* out, std::string_view s, char quote);

}  // namespace kg::graph
