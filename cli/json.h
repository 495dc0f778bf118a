// JSON for the command line: parsing --param values (integers and floats told
// apart by how the number is written; {"$type", "_value"} typed values) and
// writing strings.
#pragma once

#include <string>
#include <string_view>

#include "kg/status.h"
#include "kg/value.h"

namespace kg::cli {

// Parses one JSON document into a Value. Numbers written without '.', 'e'
// or 'E' are integers; objects with exactly "$type" and "_value" are typed
// values (Integer, Float incl. NaN/Infinity, String, Boolean, Null, List, Map).
Result<Value> ParseJson(std::string_view text);

// Appends s as a JSON string literal (quotes and escapes).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace kg::cli
