#include "kg/json.h"

#include "graph/json_writer.h"
#include "graph/text.h"

#include "kg/element.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace kg {
namespace {

// Neo4j's typed-JSON names of the temporal types.
const char* TypedTemporalName(const Value& v) {
  switch (v.type()) {
    case Value::Type::kDate: return "Date";
    case Value::Type::kLocalTime: return "LocalTime";
    case Value::Type::kTime: return "Time";
    case Value::Type::kLocalDateTime: return "LocalDateTime";
    case Value::Type::kDateTime: return v.as_date_time().zone == DateTime::kNoZone ? "OffsetDateTime" : "ZonedDateTime";
    case Value::Type::kDuration: return "Duration";
    default: return nullptr;
  }
}

std::optional<Value::Type> TypedTemporal(std::string_view name) {
  if (name == "Date") return Value::Type::kDate;
  if (name == "LocalTime") return Value::Type::kLocalTime;
  if (name == "Time") return Value::Type::kTime;
  if (name == "LocalDateTime") return Value::Type::kLocalDateTime;
  if (name == "OffsetDateTime" || name == "ZonedDateTime" || name == "DateTime") return Value::Type::kDateTime;
  if (name == "Duration") return Value::Type::kDuration;
  return std::nullopt;
}

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Result<Value> ParseDocument() {
    if (size_t bad = FindInvalidUtf8(text_); bad != std::string_view::npos) {
      i_ = bad;
      return Error(InvalidUtf8Message(text_, bad));
    }
    Value v;
    if (Status s = ParseValue(&v, 0); !s.ok()) return s;
    SkipSpace();
    if (i_ != text_.size()) return Error("unexpected text after the value");
    return v;
  }

 private:
  Status Error(const std::string& what) const {
    // (what may quote a byte of the text: cut from a character, it is shown as U+FFFD)
    return Status::InvalidArgument("invalid JSON at character " + std::to_string(i_ + 1) + ": " + ToValidUtf8(what));
  }
  void SkipSpace() {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
  }
  bool Literal(std::string_view word) {
    if (text_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Status ParseValue(Value* out, int depth) {
    if (depth > 200) return Error("nested too deeply");
    SkipSpace();
    if (i_ >= text_.size()) return Error("unexpected end");
    char c = text_[i_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') {
      ++i_;
      ValueList list;
      SkipSpace();
      if (i_ < text_.size() && text_[i_] == ']') {
        ++i_;
        *out = Value(std::move(list));
        return Status::OK();
      }
      while (true) {
        Value e;
        if (Status s = ParseValue(&e, depth + 1); !s.ok()) return s;
        list.push_back(std::move(e));
        SkipSpace();
        if (i_ < text_.size() && text_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < text_.size() && text_[i_] == ']') {
          ++i_;
          break;
        }
        return Error("expected ',' or ']'");
      }
      *out = Value(std::move(list));
      return Status::OK();
    }
    if (c == '"') {
      std::string s;
      if (Status st = ParseString(&s); !st.ok()) return st;
      *out = Value(std::move(s));
      return Status::OK();
    }
    if (Literal("true")) {
      *out = Value(true);
      return Status::OK();
    }
    if (Literal("false")) {
      *out = Value(false);
      return Status::OK();
    }
    if (Literal("null")) {
      *out = Value();
      return Status::OK();
    }
    return ParseNumber(out);
  }

  Status ParseNumber(Value* out) {
    size_t start = i_;
    if (i_ < text_.size() && text_[i_] == '-') ++i_;
    bool is_float = false;
    while (i_ < text_.size()) {
      char c = text_[i_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && i_ > start && (text_[i_ - 1] == 'e' || text_[i_ - 1] == 'E'))) {
        is_float = true;
        ++i_;
      } else {
        break;
      }
    }
    std::string num(text_.substr(start, i_ - start));
    if (num.empty() || num == "-") return Error("expected a value");
    if (!is_float) {
      int64_t v;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      if (ec != std::errc() || p != num.data() + num.size()) return Error("integer out of range: " + num);
      *out = Value(v);
      return Status::OK();
    }
    char* end = nullptr;
    double d = std::strtod(num.c_str(), &end);
    if (!end || *end != '\0') return Error("bad number: " + num);
    *out = Value(d);
    return Status::OK();
  }

  Status ParseString(std::string* s) {
    ++i_;  // opening quote
    while (i_ < text_.size()) {
      char c = text_[i_++];
      if (c == '"') return Status::OK();
      if (c != '\\') {
        s->push_back(c);
        continue;
      }
      if (i_ >= text_.size()) break;
      char e = text_[i_++];
      switch (e) {
        case '"': s->push_back('"'); break;
        case '\\': s->push_back('\\'); break;
        case '/': s->push_back('/'); break;
        case 'b': s->push_back('\b'); break;
        case 'f': s->push_back('\f'); break;
        case 'n': s->push_back('\n'); break;
        case 'r': s->push_back('\r'); break;
        case 't': s->push_back('\t'); break;
        case 'u': {
          auto hex4 = [&](uint32_t* cp) {
            if (i_ + 4 > text_.size()) return false;
            auto [p, ec] = std::from_chars(text_.data() + i_, text_.data() + i_ + 4, *cp, 16);
            if (ec != std::errc() || p != text_.data() + i_ + 4) return false;
            i_ += 4;
            return true;
          };
          uint32_t cp;
          size_t escape = i_ - 2;
          if (!hex4(&cp)) return Error("bad \\u escape");
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(i_, 2) == "\\u") {
            i_ += 2;
            uint32_t low;
            if (!hex4(&low)) return Error("bad \\u escape");
            if (low < 0xDC00 || low > 0xDFFF) {
              i_ = escape;
              return Error("a UTF-16 high surrogate escape not followed by a low one");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            i_ = escape;
            return Error("a lone UTF-16 surrogate escape (\\u" + std::string(text_.substr(escape + 2, 4)) + ")");
          }
          kg::AppendUtf8(s, cp);
          break;
        }
        default: return Error(std::string("bad escape \\") + e);
      }
    }
    return Error("unterminated string");
  }

  Status ParseObject(Value* out, int depth) {
    ++i_;
    ValueMap map;
    SkipSpace();
    if (i_ < text_.size() && text_[i_] == '}') {
      ++i_;
      *out = Value(std::move(map));
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      if (i_ >= text_.size() || text_[i_] != '"') return Error("expected a key");
      std::string key;
      if (Status s = ParseString(&key); !s.ok()) return s;
      SkipSpace();
      if (i_ >= text_.size() || text_[i_] != ':') return Error("expected ':'");
      ++i_;
      Value v;
      if (Status s = ParseValue(&v, depth + 1); !s.ok()) return s;
      map[key] = std::move(v);
      SkipSpace();
      if (i_ < text_.size() && text_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < text_.size() && text_[i_] == '}') {
        ++i_;
        break;
      }
      return Error("expected ',' or '}'");
    }
    if (map.size() == 2 && map.count("$type") && map.count("_value")) return Typed(map, out);
    *out = Value(std::move(map));
    return Status::OK();
  }

  Status Typed(const ValueMap& map, Value* out) {
    const Value& type = map.at("$type");
    const Value& v = map.at("_value");
    if (!type.is_string()) return Error("$type must be a string");
    const std::string& t = type.as_string();
    if (t == "Null") {
      *out = Value();
    } else if (t == "Boolean" && v.is_bool()) {
      *out = v;
    } else if (t == "Integer" && (v.is_string() || v.is_int())) {
      if (v.is_int()) {
        *out = v;
      } else {
        int64_t i;
        const std::string& s = v.as_string();
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
        if (ec != std::errc() || p != s.data() + s.size()) return Error("bad Integer " + s);
        *out = Value(i);
      }
    } else if (t == "Float" && (v.is_string() || v.is_number())) {
      if (v.is_number()) {
        *out = Value(v.as_number());
      } else {
        const std::string& s = v.as_string();
        if (s == "NaN" || s == "Nan") *out = Value(std::nan(""));
        else if (s == "Infinity" || s == "Inf") *out = Value(HUGE_VAL);
        else if (s == "-Infinity" || s == "-Inf") *out = Value(-HUGE_VAL);
        else *out = Value(std::strtod(s.c_str(), nullptr));
      }
    } else if (t == "String" && v.is_string()) {
      *out = v;
    } else if (t == "List" && v.is_list()) {
      *out = v;
    } else if (t == "Map" && v.is_map()) {
      *out = v;
    } else if (auto type = TypedTemporal(t); type && v.is_string()) {
      auto parsed = ParseTemporal(*type, v.as_string());
      if (!parsed.ok()) return Error(parsed.status().message());
      *out = std::move(*parsed);
    } else {
      return Error("unsupported typed value " + t);
    }
    return Status::OK();
  }

  std::string_view text_;
  size_t i_ = 0;
};

}  // namespace

Result<Value> ParseJson(std::string_view text) { return JsonParser(text).ParseDocument(); }

void AppendJsonString(std::string* out, std::string_view s) { graph::AppendQuotedEscaped(out, s, '"'); }

std::string FloatText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void AppendJson(std::string* out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: out->append("null"); return;
    case Value::Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Value::Type::kInt: out->append(std::to_string(v.as_int())); return;
    case Value::Type::kFloat: {
      double d = v.as_float();
      if (std::isfinite(d)) out->append(FloatText(d));
      else AppendJsonString(out, FloatText(d));  // JSON has no NaN or Infinity
      return;
    }
    case Value::Type::kString: AppendJsonString(out, v.as_string()); return;
    case Value::Type::kList: AppendJsonArray(out, v.as_list(), AppendJson); return;
    case Value::Type::kMap: AppendJsonObject(out, v.as_map(), AppendJson); return;
    case Value::Type::kNode: {
      const auto& ref = v.as_node_ref();
      out->append("{\"id\":").append(std::to_string(ref.id)).append(",\"labels\":[");
      if (ref.data)
        for (size_t i = 0; i < ref.data->labels.size(); ++i) {
          if (i) out->push_back(',');
          AppendJsonString(out, ref.data->labels[i]);
        }
      out->append("],\"properties\":");
      AppendJson(out, Value(ref.data ? ref.data->properties : Properties{}));
      out->push_back('}');
      return;
    }
    case Value::Type::kEdge: {
      const auto& ref = v.as_edge_ref();
      out->append("{\"id\":").append(std::to_string(ref.id)).append(",\"type\":");
      AppendJsonString(out, ref.data ? ref.data->type : "");
      out->append(",\"start\":").append(std::to_string(ref.source));
      out->append(",\"end\":").append(std::to_string(ref.target)).append(",\"properties\":");
      AppendJson(out, Value(ref.data ? ref.data->properties : Properties{}));
      out->push_back('}');
      return;
    }
    case Value::Type::kPath: {
      const Path& p = v.as_path();
      out->append("{\"nodes\":");
      AppendJson(out, Value(p.nodes));
      out->append(",\"relationships\":");
      AppendJson(out, Value(p.edges));
      out->push_back('}');
      return;
    }
    default: AppendJsonString(out, TemporalText(v)); return;
  }
}

namespace {

void AppendTypedJsonValue(std::string* out, const Value& v);

void AppendTypedProps(std::string* out, const Properties& props) { AppendJsonObject(out, props, AppendTypedJsonValue); }

void AppendTypedNode(std::string* out, const Value& v) {
  const auto& ref = v.as_node_ref();
  out->append("{\"$type\":\"Node\",\"_value\":{\"_element_id\":");
  AppendJsonString(out, "n" + std::to_string(ref.id));
  out->append(",\"_labels\":[");
  if (ref.data)
    for (size_t i = 0; i < ref.data->labels.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(out, ref.data->labels[i]);
    }
  out->append("],\"_properties\":");
  AppendTypedProps(out, ref.data ? ref.data->properties : Properties{});
  out->append("}}");
}

void AppendTypedEdge(std::string* out, const Value& v) {
  const auto& ref = v.as_edge_ref();
  out->append("{\"$type\":\"Relationship\",\"_value\":{\"_element_id\":");
  AppendJsonString(out, "r" + std::to_string(ref.id));
  out->append(",\"_start_node_element_id\":");
  AppendJsonString(out, "n" + std::to_string(ref.source));
  out->append(",\"_end_node_element_id\":");
  AppendJsonString(out, "n" + std::to_string(ref.target));
  out->append(",\"_type\":");
  AppendJsonString(out, ref.data ? ref.data->type : "");
  out->append(",\"_properties\":");
  AppendTypedProps(out, ref.data ? ref.data->properties : Properties{});
  out->append("}}");
}

void AppendTypedJsonValue(std::string* out, const Value& v) {
  auto simple = [&](const char* type, const std::string& value_json) {
    out->append("{\"$type\":\"").append(type).append("\",\"_value\":").append(value_json).append("}");
  };
  switch (v.type()) {
    case Value::Type::kNull: simple("Null", "null"); return;
    case Value::Type::kBool: simple("Boolean", v.as_bool() ? "true" : "false"); return;
    case Value::Type::kInt: simple("Integer", "\"" + std::to_string(v.as_int()) + "\""); return;
    case Value::Type::kFloat: simple("Float", "\"" + FloatText(v.as_float()) + "\""); return;
    case Value::Type::kString: {
      std::string s;
      AppendJsonString(&s, v.as_string());
      simple("String", s);
      return;
    }
    case Value::Type::kList:
      out->append("{\"$type\":\"List\",\"_value\":");
      AppendJsonArray(out, v.as_list(), AppendTypedJsonValue);
      out->push_back('}');
      return;
    case Value::Type::kMap:
      out->append("{\"$type\":\"Map\",\"_value\":");
      AppendJsonObject(out, v.as_map(), AppendTypedJsonValue);
      out->push_back('}');
      return;
    case Value::Type::kNode: AppendTypedNode(out, v); return;
    case Value::Type::kEdge: AppendTypedEdge(out, v); return;
    case Value::Type::kPath: {
      const Path& p = v.as_path();
      out->append("{\"$type\":\"Path\",\"_value\":[");
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        if (i) {
          out->push_back(',');
          AppendTypedEdge(out, p.edges[i - 1]);
          out->push_back(',');
        }
        AppendTypedNode(out, p.nodes[i]);
      }
      out->append("]}");
      return;
    }
    default: {
      std::string text;
      AppendJsonString(&text, TemporalText(v));
      simple(TypedTemporalName(v), text);
      return;
    }
  }
}

}  // namespace

void AppendTypedJson(std::string* out, const Value& v) { AppendTypedJsonValue(out, v); }

}  // namespace kg
