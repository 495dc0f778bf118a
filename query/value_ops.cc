#include "query/value_ops.h"

#include <cmath>
#include <functional>

#include "kg/element.h"
#include "query/query_error.h"
#include "query/temporal.h"

namespace kg::query {
namespace {

// Cypher's orderability ranks, ascending.
int OrderRank(const Value& v) {
  switch (v.type()) {
    case Value::Type::kMap: return 0;
    case Value::Type::kNode: return 1;
    case Value::Type::kEdge: return 2;
    case Value::Type::kList: return 3;
    case Value::Type::kPath: return 4;
    case Value::Type::kDateTime: return 5;
    case Value::Type::kLocalDateTime: return 6;
    case Value::Type::kDate: return 7;
    case Value::Type::kTime: return 8;
    case Value::Type::kLocalTime: return 9;
    case Value::Type::kDuration: return 10;
    case Value::Type::kString: return 11;
    case Value::Type::kBool: return 12;
    case Value::Type::kInt:
    case Value::Type::kFloat: return 13;
    case Value::Type::kNull: return 14;
  }
  return 15;
}

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  if (a.is_int() && b.is_float()) {
    double y = b.as_float();
    if (std::isnan(y)) return -1;
    // Compare exactly: an int64 may not be representable as a double.
    if (y >= 9.3e18) return -1;
    if (y <= -9.3e18) return 1;
    double x = static_cast<double>(a.as_int());
    if (x != y) return x < y ? -1 : 1;
    int64_t yi = static_cast<int64_t>(y);
    return a.as_int() < yi ? -1 : a.as_int() > yi;
  }
  if (a.is_float() && b.is_int()) return -CompareNumbers(b, a);
  double x = a.as_float(), y = b.as_float();
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn - yn;
  return x < y ? -1 : x > y;
}

}  // namespace

std::string CypherTypeName(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return "Null";
    case Value::Type::kBool: return "Boolean";
    case Value::Type::kInt: return "Integer";
    case Value::Type::kFloat: return "Float";
    case Value::Type::kString: return "String";
    case Value::Type::kList: return "List";
    case Value::Type::kMap: return "Map";
    case Value::Type::kNode: return "Node";
    case Value::Type::kEdge: return "Relationship";
    case Value::Type::kPath: return "Path";
    case Value::Type::kDate: return "Date";
    case Value::Type::kLocalTime: return "LocalTime";
    case Value::Type::kTime: return "Time";
    case Value::Type::kLocalDateTime: return "LocalDateTime";
    case Value::Type::kDateTime: return "DateTime";
    case Value::Type::kDuration: return "Duration";
  }
  return "?";
}

Ternary Equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if ((a.is_float() && std::isnan(a.as_float())) || (b.is_float() && std::isnan(b.as_float()))) return false;
    return CompareNumbers(a, b) == 0;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kList: {
      const auto &x = a.as_list(), &y = b.as_list();
      if (x.size() != y.size()) return false;
      bool unknown = false;
      for (size_t i = 0; i < x.size(); ++i) {
        Ternary t = Equals(x[i], y[i]);
        if (!t) unknown = true;
        else if (!*t) return false;
      }
      if (unknown) return std::nullopt;
      return true;
    }
    case Value::Type::kMap: {
      const auto &x = a.as_map(), &y = b.as_map();
      if (x.size() != y.size()) return false;
      bool unknown = false;
      for (const auto& [k, v] : x) {
        auto it = y.find(k);
        if (it == y.end()) return false;
        Ternary t = Equals(v, it->second);
        if (!t) unknown = true;
        else if (!*t) return false;
      }
      if (unknown) return std::nullopt;
      return true;
    }
    case Value::Type::kPath: {
      const Path &x = a.as_path(), &y = b.as_path();
      return x.nodes == y.nodes && x.edges == y.edges;
    }
    default:
      return a == b;
  }
}

Ternary Compare(const Value& a, const Value& b, const std::string& op) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  int c;
  if (a.is_number() && b.is_number()) {
    if ((a.is_float() && std::isnan(a.as_float())) || (b.is_float() && std::isnan(b.as_float()))) return false;
    c = CompareNumbers(a, b);
  } else if (a.is_string() && b.is_string()) {
    c = a.as_string().compare(b.as_string());
  } else if (a.is_bool() && b.is_bool()) {
    c = int(a.as_bool()) - int(b.as_bool());
  } else if (a.is_list() && b.is_list()) {
    const auto &x = a.as_list(), &y = b.as_list();
    c = 0;
    for (size_t i = 0; i < std::min(x.size(), y.size()) && c == 0; ++i) {
      Ternary eq = Equals(x[i], y[i]);
      if (eq && *eq) continue;
      Ternary lt = Compare(x[i], y[i], "<");
      if (!lt) return std::nullopt;
      c = *lt ? -1 : 1;
    }
    if (c == 0) c = (x.size() > y.size()) - (x.size() < y.size());
  } else if (a.is_temporal() && a.type() == b.type() && !a.is_duration()) {
    c = CompareTemporal(a, b);
  } else {
    return std::nullopt;
  }
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

int OrderCompare(const Value& a, const Value& b) {
  int ra = OrderRank(a), rb = OrderRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case Value::Type::kNull: return 0;
    case Value::Type::kBool: return int(a.as_bool()) - int(b.as_bool());
    case Value::Type::kInt:
    case Value::Type::kFloat: return CompareNumbers(a, b);
    case Value::Type::kString: {
      int c = a.as_string().compare(b.as_string());
      return (c > 0) - (c < 0);
    }
    case Value::Type::kList: {
      const auto &x = a.as_list(), &y = b.as_list();
      for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
        if (int c = OrderCompare(x[i], y[i])) return c;
      return (x.size() > y.size()) - (x.size() < y.size());
    }
    case Value::Type::kMap: {
      const auto &x = a.as_map(), &y = b.as_map();
      auto i = x.begin();
      auto j = y.begin();
      for (; i != x.end() && j != y.end(); ++i, ++j) {
        int c = i->first.compare(j->first);
        if (c) return (c > 0) - (c < 0);
        if (int d = OrderCompare(i->second, j->second)) return d;
      }
      return (i != x.end()) - (j != y.end());
    }
    case Value::Type::kNode: {
      auto x = a.as_node_ref().id, y = b.as_node_ref().id;
      return (x > y) - (x < y);
    }
    case Value::Type::kEdge: {
      auto x = a.as_edge_ref().id, y = b.as_edge_ref().id;
      return (x > y) - (x < y);
    }
    case Value::Type::kPath: {
      const Path &x = a.as_path(), &y = b.as_path();
      for (size_t i = 0; i < std::min(x.nodes.size(), y.nodes.size()); ++i) {
        if (int c = OrderCompare(x.nodes[i], y.nodes[i])) return c;
        if (i < x.edges.size() && i < y.edges.size())
          if (int c = OrderCompare(x.edges[i], y.edges[i])) return c;
      }
      return (x.nodes.size() > y.nodes.size()) - (x.nodes.size() < y.nodes.size());
    }
    default: return OrderTemporal(a, b);
  }
  return 0;
}

bool Equivalent(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) {
    bool an = a.is_float() && std::isnan(a.as_float()), bn = b.is_float() && std::isnan(b.as_float());
    if (an || bn) return an && bn;
    return CompareNumbers(a, b) == 0;
  }
  if (a.type() != b.type()) return false;
  if (a.is_list()) {
    const auto &x = a.as_list(), &y = b.as_list();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!Equivalent(x[i], y[i])) return false;
    return true;
  }
  if (a.is_map()) {
    const auto &x = a.as_map(), &y = b.as_map();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      auto it = y.find(k);
      if (it == y.end() || !Equivalent(v, it->second)) return false;
    }
    return true;
  }
  return a == b;
}

size_t EquivalenceHash(const Value& v) {
  auto mix = [](size_t h, size_t x) { return h ^ (x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); };
  switch (v.type()) {
    case Value::Type::kNull: return 0x51;
    case Value::Type::kBool: return v.as_bool() ? 0x71 : 0x70;
    case Value::Type::kInt: return std::hash<int64_t>()(v.as_int());
    case Value::Type::kFloat: {
      // A whole float hashes as the integer it equals.
      double d = v.as_float();
      if (std::isnan(d)) return 0x4e;
      if (d == std::floor(d) && std::abs(d) < 9.2e18) return std::hash<int64_t>()(static_cast<int64_t>(d));
      return std::hash<double>()(d);
    }
    case Value::Type::kString: return std::hash<std::string>()(v.as_string());
    case Value::Type::kList: {
      size_t h = 0x1157;
      for (const Value& e : v.as_list()) h = mix(h, EquivalenceHash(e));
      return h;
    }
    case Value::Type::kMap: {
      size_t h = 0x3a9;
      for (const auto& [k, e] : v.as_map()) h = mix(mix(h, std::hash<std::string>()(k)), EquivalenceHash(e));
      return h;
    }
    case Value::Type::kNode: return mix(0x17, v.as_node_ref().id);
    case Value::Type::kEdge: return mix(0x23, v.as_edge_ref().id);
    case Value::Type::kPath: {
      size_t h = 0x9a;
      for (const Value& n : v.as_path().nodes) h = mix(h, EquivalenceHash(n));
      for (const Value& e : v.as_path().edges) h = mix(h, EquivalenceHash(e));
      return h;
    }
    default: return TemporalHash(v);
  }
  return 0;
}

namespace {

[[noreturn]] void Overflow(const std::string& op, int64_t a, int64_t b) {
  RuntimeError("ArithmeticError", "IntegerOverflow",
               "integer overflow: " + std::to_string(a) + " " + op + " " + std::to_string(b));
}

[[noreturn]] void BadOperands(const std::string& op, const Value& a, const Value& b) {
  TypeError("InvalidArgumentType", "cannot apply " + op + " to " + CypherTypeName(a) + " and " + CypherTypeName(b));
}

}  // namespace

Value Arithmetic(const std::string& op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (auto t = TemporalArithmetic(op, a, b)) return *t;
  if (op == "+") {
    if (a.is_list() || b.is_list()) {
      ValueList out;
      if (a.is_list()) out = a.as_list();
      else out.push_back(a);
      if (b.is_list()) out.insert(out.end(), b.as_list().begin(), b.as_list().end());
      else out.push_back(b);
      return Value(std::move(out));
    }
    if (a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
    if (a.is_string() && (b.is_number() || b.is_bool())) return Value(a.as_string() + Value(b).ToString());
    if (b.is_string() && (a.is_number() || a.is_bool())) return Value(a.ToString() + b.as_string());
  }
  if (!a.is_number() || !b.is_number()) BadOperands(op, a, b);
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int(), r;
    if (op == "+") {
      if (__builtin_add_overflow(x, y, &r)) Overflow(op, x, y);
      return Value(r);
    }
    if (op == "-") {
      if (__builtin_sub_overflow(x, y, &r)) Overflow(op, x, y);
      return Value(r);
    }
    if (op == "*") {
      if (__builtin_mul_overflow(x, y, &r)) Overflow(op, x, y);
      return Value(r);
    }
    if (op == "/" || op == "%") {
      if (y == 0) RuntimeError("ArithmeticError", "DivisionByZero", "division by zero");
      if (x == INT64_MIN && y == -1) {
        if (op == "%") return Value(int64_t{0});
        Overflow(op, x, y);
      }
      return Value(op == "/" ? x / y : x % y);
    }
    if (op == "^") return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
  }
  double x = a.as_number(), y = b.as_number();
  if (op == "+") return Value(x + y);
  if (op == "-") return Value(x - y);
  if (op == "*") return Value(x * y);
  if (op == "/") return Value(x / y);
  if (op == "%") return Value(std::fmod(x, y));
  if (op == "^") return Value(std::pow(x, y));
  BadOperands(op, a, b);
}

}  // namespace kg::query
