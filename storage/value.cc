// The public kg::Value and kg::Status, shared by every layer.
#include "kg/value.h"

#include <charconv>
#include <cmath>

#include "kg/element.h"
#include "kg/status.h"

namespace kg {

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kNull: return true;
    case Value::Type::kBool: return a.as_bool() == b.as_bool();
    case Value::Type::kInt: return a.as_int() == b.as_int();
    case Value::Type::kFloat:
      return a.as_float() == b.as_float() || (std::isnan(a.as_float()) && std::isnan(b.as_float()));
    case Value::Type::kString: return a.as_string() == b.as_string();
    case Value::Type::kList: return a.as_list() == b.as_list();
    case Value::Type::kMap: return a.as_map() == b.as_map();
    case Value::Type::kNode: return a.as_node_ref().id == b.as_node_ref().id;
    case Value::Type::kEdge: return a.as_edge_ref().id == b.as_edge_ref().id;
    case Value::Type::kPath: {
      const Path &x = a.as_path(), &y = b.as_path();
      return x.nodes == y.nodes && x.edges == y.edges;
    }
    case Value::Type::kDate: return a.as_date() == b.as_date();
    case Value::Type::kLocalTime: return a.as_local_time() == b.as_local_time();
    case Value::Type::kTime: return a.as_time() == b.as_time();
    case Value::Type::kLocalDateTime: return a.as_local_date_time() == b.as_local_date_time();
    case Value::Type::kDateTime: return a.as_date_time() == b.as_date_time();
    case Value::Type::kDuration: return a.as_duration() == b.as_duration();
  }
  return false;
}

bool Value::IsStorable() const {
  switch (type()) {
    case Type::kNode:
    case Type::kEdge:
    case Type::kPath:
    case Type::kMap: return false;
    case Type::kList:
      for (const Value& v : as_list())
        if (v.is_list() || !v.IsStorable()) return false;
      return true;
    default: return true;
  }
}

std::string NotStorableReason(const Value& v) {
  if (v.IsStorable()) return "";
  if (v.is_list())
    for (const Value& e : v.as_list())
      if (e.is_list() || !e.IsStorable())
        return std::string("a list holding a ") + TypeName(e.type()) + " cannot be stored as a property value";
  return std::string("a ") + TypeName(v.type()) + " cannot be stored as a property value";
}

const char* TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull: return "NULL";
    case Value::Type::kBool: return "BOOLEAN";
    case Value::Type::kInt: return "INTEGER";
    case Value::Type::kFloat: return "FLOAT";
    case Value::Type::kString: return "STRING";
    case Value::Type::kList: return "LIST";
    case Value::Type::kMap: return "MAP";
    case Value::Type::kNode: return "NODE";
    case Value::Type::kEdge: return "RELATIONSHIP";
    case Value::Type::kPath: return "PATH";
    case Value::Type::kDate: return "DATE";
    case Value::Type::kLocalTime: return "LOCAL TIME";
    case Value::Type::kTime: return "ZONED TIME";
    case Value::Type::kLocalDateTime: return "LOCAL DATETIME";
    case Value::Type::kDateTime: return "ZONED DATETIME";
    case Value::Type::kDuration: return "DURATION";
  }
  return "?";
}

namespace {

void AppendFloat(std::string* out, double d) {
  if (std::isnan(d)) { out->append("NaN"); return; }
  if (std::isinf(d)) { out->append(d > 0 ? "Infinity" : "-Infinity"); return; }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out->append(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out->append(".0");
}

void AppendQuoted(std::string* out, const std::string& s) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

void Append(std::string* out, const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: out->append("null"); return;
    case Value::Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Value::Type::kInt: out->append(std::to_string(v.as_int())); return;
    case Value::Type::kFloat: AppendFloat(out, v.as_float()); return;
    case Value::Type::kString: AppendQuoted(out, v.as_string()); return;
    case Value::Type::kList: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.as_list()) {
        if (!first) out->append(", ");
        first = false;
        Append(out, e);
      }
      out->push_back(']');
      return;
    }
    case Value::Type::kMap: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out->append(", ");
        first = false;
        out->append(k).append(": ");
        Append(out, e);
      }
      out->push_back('}');
      return;
    }
    case Value::Type::kNode: {
      const auto& ref = v.as_node_ref();
      out->push_back('(');
      if (ref.data) {
        for (const auto& l : ref.data->labels) out->append(":").append(l);
        if (!ref.data->properties.empty()) {
          if (!ref.data->labels.empty()) out->push_back(' ');
          Append(out, Value(ref.data->properties));
        }
      } else {
        out->append("#").append(std::to_string(ref.id));
      }
      out->push_back(')');
      return;
    }
    case Value::Type::kEdge: {
      const auto& ref = v.as_edge_ref();
      out->push_back('[');
      if (ref.data) {
        out->append(":").append(ref.data->type);
        if (!ref.data->properties.empty()) {
          out->push_back(' ');
          Append(out, Value(ref.data->properties));
        }
      } else {
        out->append("#").append(std::to_string(ref.id));
      }
      out->push_back(']');
      return;
    }
    case Value::Type::kPath: {
      const Path& p = v.as_path();
      out->push_back('<');
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        if (i > 0) {
          const auto& e = p.edges[i - 1].as_edge_ref();
          bool forward = e.target == p.nodes[i].as_node_ref().id;
          out->append(forward ? "-" : "<-");
          Append(out, p.edges[i - 1]);
          out->append(forward ? "->" : "-");
        }
        Append(out, p.nodes[i]);
      }
      out->push_back('>');
      return;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: {
      out->append(TemporalTypeName(v.type()));
      out->append("('").append(TemporalText(v)).append("')");
      return;
    }
  }
}

}  // namespace

const char* TemporalTypeName(Value::Type type) {
  static constexpr const char* kNames[] = {"date", "localtime", "time", "localdatetime", "datetime", "duration"};
  return kNames[static_cast<int>(type) - static_cast<int>(Value::Type::kDate)];
}

std::string TemporalText(const Value& v) {
  switch (v.type()) {
    case Value::Type::kDate: return temporal::ToString(v.as_date());
    case Value::Type::kLocalTime: return temporal::ToString(v.as_local_time());
    case Value::Type::kTime: return temporal::ToString(v.as_time());
    case Value::Type::kLocalDateTime: return temporal::ToString(v.as_local_date_time());
    case Value::Type::kDateTime: return temporal::ToString(v.as_date_time());
    case Value::Type::kDuration: return temporal::ToString(v.as_duration());
    default: return "";
  }
}

Result<Value> ParseTemporal(Value::Type type, std::string_view text) {
  auto wrap = [](auto r) -> Result<Value> {
    if (!r.ok()) return r.status();
    return Value(*r);
  };
  switch (type) {
    case Value::Type::kDate: return wrap(temporal::ParseDate(text));
    case Value::Type::kLocalTime: return wrap(temporal::ParseLocalTime(text));
    case Value::Type::kTime: return wrap(temporal::ParseTime(text));
    case Value::Type::kLocalDateTime: return wrap(temporal::ParseLocalDateTime(text));
    case Value::Type::kDateTime: return wrap(temporal::ParseDateTime(text));
    case Value::Type::kDuration: return wrap(temporal::ParseDuration(text));
    default: return Status::InvalidArgument(std::string(TypeName(type)) + " is not a temporal type");
  }
}

std::string Value::ToString() const {
  std::string out;
  Append(&out, *this);
  return out;
}

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kConstraintViolation: return "ConstraintViolation";
    case StatusCode::kConflict: return "Conflict";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kNotSupported: return "NotSupported";
    case StatusCode::kReadOnly: return "ReadOnly";
    case StatusCode::kBusy: return "Busy";
    case StatusCode::kAborted: return "Aborted";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = StatusCodeName(code_);
  if (!message_.empty()) s.append(": ").append(message_);
  return s;
}

}  // namespace kg
