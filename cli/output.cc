#include "cli/output.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "kg/json.h"
#include "kg/element.h"

namespace kg::cli {
namespace {

// [v1,v2,...], each value written by write.
void AppendRow(std::string* out, const std::vector<Value>& row, void (*write)(std::string*, const Value&)) {
  out->push_back('[');
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out->push_back(',');
    write(out, row[i]);
  }
  out->push_back(']');
}

void AppendColumns(std::string* out, const std::vector<std::string>& columns) {
  out->push_back('[');
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, columns[i]);
  }
  out->push_back(']');
}


// The code point at s[*i], moving *i past it; U+FFFD for a broken sequence.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
  ++*i;
  if (extra < 0) return 0xFFFD;
  char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k, ++*i) {
    if (*i >= s.size() || (static_cast<unsigned char>(s[*i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i]) & 0x3F);
  }
  return cp;
}

// Columns a code point takes on a terminal: 2 for East Asian wide and
// fullwidth characters (Unicode's EastAsianWidth W and F: CJK ideographs,
// kana, hangul, fullwidth forms, most emoji), 0 for combining marks and
// zero-width characters, 1 for the rest.
int CodePointWidth(char32_t c) {
  if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF) return 0;
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
      (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F))
    return 0;
  static constexpr std::pair<char32_t, char32_t> kWide[] = {
      {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x2E80, 0x303E},
      {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F},
      {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60},
      {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
  for (const auto& [lo, hi] : kWide)
    if (c >= lo && c <= hi) return 2;
  return 1;
}

std::string Truncate(const std::string& s, size_t max) {
  if (DisplayWidth(s) <= max) return s;
  // Whole characters up to max - 1 columns, then the ellipsis.
  size_t used = 0, i = 0, end = 0;
  while (i < s.size()) {
    size_t w = static_cast<size_t>(CodePointWidth(NextCodePoint(s, &i)));
    if (used + w > max - 1) break;
    used += w;
    end = i;
  }
  return s.substr(0, end) + "…";
}

}  // namespace

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) width += static_cast<size_t>(CodePointWidth(NextCodePoint(s, &i)));
  return width;
}

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

bool ParseFormat(const std::string& name, Format* format) {
  if (name == "table") *format = Format::kTable;
  else if (name == "csv") *format = Format::kCsv;
  else if (name == "json") *format = Format::kJson;
  else if (name == "typed") *format = Format::kTyped;
  else return false;
  return true;
}

std::string TypedJson(const Value& v) {
  std::string out;
  AppendTypedJson(&out, v);
  return out;
}

std::string PlainJson(const Value& v) {
  std::string out;
  kg::AppendJson(&out, v);
  return out;
}

std::string CellText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_float()) return FloatText(v.as_float());
  if (v.is_temporal()) return TemporalText(v);
  return v.ToString();
}

std::string FormatResult(const QueryResult& r, Format format) {
  std::string out;
  switch (format) {
    case Format::kTyped: {
      out = "{\"fields\":";
      AppendColumns(&out, r.columns());
      out += ",\"values\":[";
      for (size_t i = 0; i < r.rows().size(); ++i) {
        if (i) out.push_back(',');
        AppendRow(&out, r.rows()[i], AppendTypedJson);
      }
      const QueryCounters& c = r.counters();
      out += "],\"counters\":{\"nodesCreated\":" + std::to_string(c.nodes_created) +
             ",\"nodesDeleted\":" + std::to_string(c.nodes_deleted) +
             ",\"relationshipsCreated\":" + std::to_string(c.relationships_created) +
             ",\"relationshipsDeleted\":" + std::to_string(c.relationships_deleted) +
             ",\"propertiesSet\":" + std::to_string(c.properties_set) +
             ",\"propertiesRemoved\":" + std::to_string(c.properties_removed) +
             ",\"labelsAdded\":" + std::to_string(c.labels_added) +
             ",\"labelsRemoved\":" + std::to_string(c.labels_removed) + "}";
      if (!r.plan().empty()) {
        out += ",\"plan\":";
        AppendJsonString(&out, r.plan());
      }
      out += "}";
      return out;
    }
    case Format::kJson: {
      out = "{\"columns\":";
      AppendColumns(&out, r.columns());
      out += ",\"rows\":[";
      for (size_t i = 0; i < r.rows().size(); ++i) {
        if (i) out.push_back(',');
        AppendRow(&out, r.rows()[i], kg::AppendJson);
      }
      out += "]";
      if (!r.plan().empty()) {
        out += ",\"plan\":";
        AppendJsonString(&out, r.plan());
      }
      out += "}";
      return out;
    }
    case Format::kCsv: {
      for (size_t i = 0; i < r.columns().size(); ++i) out += (i ? "," : "") + CsvQuote(r.columns()[i]);
      if (!r.columns().empty()) out += "\r\n";
      for (const auto& row : r.rows()) {
        for (size_t i = 0; i < row.size(); ++i)
          out += (i ? "," : "") + (row[i].is_null() ? std::string() : CsvQuote(CellText(row[i])));
        out += "\r\n";
      }
      return out;
    }
    case Format::kTable: {
      if (!r.plan().empty()) out += r.plan();
      if (r.columns().empty()) {
        const QueryCounters& c = r.counters();
        std::vector<std::string> parts;
        auto add = [&](int64_t n, const char* what) {
          if (n) parts.push_back(std::to_string(n) + " " + what);
        };
        add(c.nodes_created, "nodes created");
        add(c.nodes_deleted, "nodes deleted");
        add(c.relationships_created, "relationships created");
        add(c.relationships_deleted, "relationships deleted");
        add(c.properties_set, "properties set");
        add(c.properties_removed, "properties removed");
        add(c.labels_added, "labels added");
        add(c.labels_removed, "labels removed");
        add(c.indexes_added, "indexes added");
        add(c.indexes_removed, "indexes removed");
        add(c.constraints_added, "constraints added");
        add(c.constraints_removed, "constraints removed");
        if (parts.empty()) return out + "(no changes, no records)\n";
        for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
        return out + "\n";
      }
      constexpr size_t kMaxCell = 60;
      std::vector<std::vector<std::string>> cells;
      std::vector<size_t> widths;
      for (const auto& c : r.columns()) widths.push_back(DisplayWidth(c));
      for (const auto& row : r.rows()) {
        std::vector<std::string> line;
        for (size_t i = 0; i < row.size(); ++i) {
          line.push_back(Truncate(row[i].ToString(), kMaxCell));
          widths[i] = std::max(widths[i], DisplayWidth(line.back()));
        }
        cells.push_back(std::move(line));
      }
      auto rule = [&] {
        std::string s = "+";
        for (size_t w : widths) s += std::string(w + 2, '-') + "+";
        return s + "\n";
      };
      auto line = [&](const std::vector<std::string>& v) {
        std::string s = "|";
        for (size_t i = 0; i < v.size(); ++i) s += " " + v[i] + std::string(widths[i] - DisplayWidth(v[i]), ' ') + " |";
        return s + "\n";
      };
      out += rule() + line(r.columns()) + rule();
      for (const auto& c : cells) out += line(c);
      out += rule();
      out += std::to_string(r.rows().size()) + (r.rows().size() == 1 ? " row" : " rows") + "\n";
      return out;
    }
  }
  return out;
}

std::string FormatError(const QueryResult& r, Format format) {
  const QueryError& e = r.error();
  if (format == Format::kJson || format == Format::kTyped) {
    std::string out = "{\"errors\":[{\"code\":";
    AppendJsonString(&out, e.code);
    out += ",\"detail\":";
    AppendJsonString(&out, e.detail);
    out += ",\"phase\":";
    AppendJsonString(&out, e.runtime ? "runtime" : "compile");
    out += ",\"message\":";
    AppendJsonString(&out, e.message);
    out += ",\"position\":";
    out += e.line > 0 ? "{\"line\":" + std::to_string(e.line) + ",\"column\":" + std::to_string(e.column) + "}" : "null";
    out += "}]}";
    return out;
  }
  return e.code + (e.detail.empty() ? "" : " (" + e.detail + ")") + ": " + e.pretty;
}

}  // namespace kg::cli
