// Result printers: typed (the TCK contract's typed JSON), json (plain JSON
// for people and jq), table (aligned, for terminals) and csv (RFC 4180).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kg/query_result.h"

namespace kg::cli {

enum class Format { kTable, kCsv, kJson, kTyped };

// Parses "table", "csv", "json" or "typed".
bool ParseFormat(const std::string& name, Format* format);

// One result as the format prints it (typed and json: one line).
std::string FormatResult(const QueryResult& result, Format format);
// The error object for json and typed; the pretty message otherwise.
std::string FormatError(const QueryResult& result, Format format);

// Value renderings shared by the printers.
std::string TypedJson(const Value& v);
std::string PlainJson(const Value& v);
// Columns s takes on a terminal: CJK and other wide characters count two,
// combining marks none.
size_t DisplayWidth(std::string_view s);
// s as one RFC 4180 field (quoted only when it must be).
std::string CsvQuote(const std::string& s);
// Cypher-like text for tables and CSV cells: strings unquoted at top level.
std::string CellText(const Value& v);

}  // namespace kg::cli
