// JSON in and out of Values: parsing (integers and floats told apart by how
// the number is written; {"$type", "_value"} objects as typed values) and
// writing plain JSON (nodes as {"id", "labels", "properties"}, relationships
// as {"id", "type", "start", "end", "properties"}).
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

// [a,b,...] and {"k":v,...}, each element written by element(out, value).
template <class List, class Fn>
void AppendJsonArray(std::string* out, const List& list, Fn&& element) {
  out->push_back('[');
  bool first = true;
  for (const auto& e : list) {
    if (!first) out->push_back(',');
    first = false;
    element(out, e);
  }
  out->push_back(']');
}
template <class Map, class Fn>
void AppendJsonObject(std::string* out, const Map& map, Fn&& element) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, e] : map) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, k);
    out->push_back(':');
    element(out, e);
  }
  out->push_back('}');
}

}  // namespace kg
