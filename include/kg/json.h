// JSON in and out of Values: parsing (integers and floats told apart by how
// the number is written; {"$type", "_value"} objects as typed values),
// writing plain JSON (nodes as {"id", "labels", "properties"}, relationships
// as {"id", "type", "start", "end", "properties"}) and typed JSON.
#pragma once

#include <string>
#include <string_view>

#include "kg/status.h"
#include "kg/value.h"

namespace kg {

// Parses one JSON document into a Value. Numbers written without '.', 'e'
// or 'E' are integers; objects with exactly "$type" and "_value" are typed
// values (Integer, Float incl. NaN/Infinity, String, Boolean, Null, List, Map).
Result<Value> ParseJson(std::string_view text);

// Appends s as a JSON string literal (quotes and escapes).
void AppendJsonString(std::string* out, std::string_view s);
// Appends v as plain JSON. Floats always show a '.' or an exponent, so they
// parse back as floats; NaN and infinities become the strings "NaN",
// "Infinity" and "-Infinity".
void AppendJson(std::string* out, const Value& v);
// A float as Cypher and JSON write it: shortest round-trip digits, with
// ".0" added to whole numbers; "NaN", "Infinity", "-Infinity".
std::string FloatText(double d);

// Appends v as typed JSON, the form ParseJson reads back and the TCK's
// result contract (CONTRACT.md) uses: {"$type": "Integer", "_value": "42"},
// lists and maps of typed values, and nodes, relationships and paths with
// their element ids, labels or type, and properties.
void AppendTypedJson(std::string* out, const Value& v);

}  // namespace kg
