#include "graph/text.h"

#include <cstdio>

namespace kg::graph {

void AppendQuotedEscaped(std::string* out, std::string_view s, char quote) {
  // Output stays valid UTF-8 whatever it is handed.
  std::string valid;
  if (!IsValidUtf8(s)) s = valid = ToValidUtf8(s);
  out->push_back(quote);
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out->push_back('\\');
          out->push_back(quote);
        } else if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back(quote);
}

std::string InvalidText(std::string_view key, const Value& v) {
  auto check = [](std::string_view s, const char* what) -> std::string {
    size_t bad = FindInvalidUtf8(s);
    if (bad == std::string_view::npos) return "";
    return std::string(what) + " is not valid UTF-8: " + InvalidUtf8Message(s, bad) + " at byte " + std::to_string(bad);
  };
  if (std::string why = check(key, "the name"); !why.empty()) return why;
  if (v.is_string()) return check(v.as_string(), "the string");
  if (v.is_list())
    for (const Value& e : v.as_list())
      if (e.is_string())
        if (std::string why = check(e.as_string(), "a string in the list"); !why.empty()) return why;
  return "";
}

}  // namespace kg::graph
