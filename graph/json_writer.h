// Writing JSON arrays and objects element by element, for kg's JSON
// writers (graph/json.cc, the exporters).
#pragma once

#include <string>

#include "kg/json.h"

namespace kg {

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
