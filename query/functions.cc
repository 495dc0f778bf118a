#include "query/functions.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <unordered_map>

#include "query/evaluator.h"
#include "query/lexer.h"
#include "query/temporal.h"

namespace kg::query {
namespace {

// Unicode-aware enough for Cypher's string functions: code points of UTF-8.
std::vector<std::string> CodePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

const std::string& Name(const FunctionCall& c) { return c.expr.name; }
const Value& First(const FunctionCall& c) { return c.args[0]; }

double NeedNumber(const FunctionCall& c, const Value& v) {
  if (!v.is_number()) BadType(c.expr, Name(c) + "() needs a number, got " + CypherTypeName(v));
  return v.as_number();
}

const std::string& NeedString(const FunctionCall& c, const Value& v) {
  if (!v.is_string()) BadType(c.expr, Name(c) + "() needs a string, got " + CypherTypeName(v));
  return v.as_string();
}

// ---- graph elements ----

Value Id(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_node()) return Value(static_cast<int64_t>(x.as_node_ref().id));
  if (x.is_edge()) return Value(static_cast<int64_t>(x.as_edge_ref().id));
  BadType(c.expr, "id() needs a node or relationship, got " + CypherTypeName(x));
}

Value ElementId(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_node()) return Value("n" + std::to_string(x.as_node_ref().id));
  if (x.is_edge()) return Value("r" + std::to_string(x.as_edge_ref().id));
  BadType(c.expr, "elementId() needs a node or relationship, got " + CypherTypeName(x));
}

Value Labels(FunctionCall& c) {
  const Value& x = First(c);
  if (!x.is_node()) BadType(c.expr, "labels() needs a node, got " + CypherTypeName(x));
  graph::NodeData r;
  if (!c.eval.LoadNode(x.as_node_ref().id, &r)) return Value();
  ValueList out;
  for (const auto& l : c.eval.ctx().txn.ToNode(x.as_node_ref().id, r).labels) out.push_back(Value(l));
  return Value(std::move(out));
}

Value Type(FunctionCall& c) {
  const Value& x = First(c);
  if (!x.is_edge()) BadType(c.expr, "type() needs a relationship, got " + CypherTypeName(x));
  graph::EdgeData r;
  if (!c.eval.LoadEdge(x.as_edge_ref().id, &r)) return Value();
  return Value(c.eval.ctx().txn.Name(graph::NameKind::kType, r.type));
}

Properties PropertiesOf(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_node() || x.is_edge()) return c.eval.ElementProperties(x);
  if (x.is_map()) return x.as_map();
  BadType(c.expr, Name(c) + "() needs a node, relationship or map, got " + CypherTypeName(x));
}

Value PropertiesFn(FunctionCall& c) { return Value(PropertiesOf(c)); }

Value Keys(FunctionCall& c) {
  ValueList out;
  for (const auto& [k, v] : PropertiesOf(c)) out.push_back(Value(k));
  return Value(std::move(out));
}

Value StartOrEnd(FunctionCall& c, bool start) {
  const Value& x = First(c);
  if (!x.is_edge()) BadType(c.expr, Name(c) + "() needs a relationship, got " + CypherTypeName(x));
  const auto& r = x.as_edge_ref();
  return Value(Value::NodeRef{start ? r.source : r.target, nullptr});
}

Value PathPart(FunctionCall& c, bool nodes) {
  const Value& x = First(c);
  if (!x.is_path()) BadType(c.expr, Name(c) + "() needs a path, got " + CypherTypeName(x));
  return Value(nodes ? x.as_path().nodes : x.as_path().edges);
}

// ---- lists and strings ----

Value Size(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_list()) return Value(static_cast<int64_t>(x.as_list().size()));
  if (x.is_string()) return Value(static_cast<int64_t>(CodePoints(x.as_string()).size()));
  if (x.is_path()) return Value(static_cast<int64_t>(x.as_path().edges.size()));
  BadType(c.expr, Name(c) + "() of " + CypherTypeName(x));
}

Value IsEmpty(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_list()) return Value(x.as_list().empty());
  if (x.is_string()) return Value(x.as_string().empty());
  if (x.is_map()) return Value(x.as_map().empty());
  BadType(c.expr, "isEmpty() of " + CypherTypeName(x));
}

const ValueList& NeedList(FunctionCall& c) {
  const Value& x = First(c);
  if (!x.is_list()) BadType(c.expr, Name(c) + "() needs a list, got " + CypherTypeName(x));
  return x.as_list();
}

Value Head(FunctionCall& c) {
  const ValueList& l = NeedList(c);
  return l.empty() ? Value() : l.front();
}

Value Last(FunctionCall& c) {
  const ValueList& l = NeedList(c);
  return l.empty() ? Value() : l.back();
}

Value Tail(FunctionCall& c) {
  const ValueList& l = NeedList(c);
  return l.empty() ? Value(ValueList{}) : Value(ValueList(l.begin() + 1, l.end()));
}

Value Reverse(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_list()) {
    ValueList l = x.as_list();
    std::reverse(l.begin(), l.end());
    return Value(std::move(l));
  }
  if (x.is_string()) {
    auto cps = CodePoints(x.as_string());
    std::string out;
    for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
    return Value(out);
  }
  BadType(c.expr, "reverse() of " + CypherTypeName(x));
}

Value CaseMap(FunctionCall& c, bool upper) {
  std::string s = NeedString(c, First(c));
  for (char& ch : s)
    ch = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(ch)) : std::tolower(static_cast<unsigned char>(ch)));
  return Value(s);
}

Value Trim(FunctionCall& c, bool left, bool right) {
  std::string s = NeedString(c, First(c));
  const char* ws = " \t\n\r\f\v";
  if (left) s.erase(0, s.find_first_not_of(ws) == std::string::npos ? s.size() : s.find_first_not_of(ws));
  if (right) {
    size_t last = s.find_last_not_of(ws);
    s.erase(last == std::string::npos ? 0 : last + 1);
  }
  return Value(s);
}

enum class Cut { kSubstring, kLeft, kRight };

Value CutString(FunctionCall& c, Cut cut) {
  auto cps = CodePoints(NeedString(c, First(c)));
  const std::vector<Value>& args = c.args;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].is_null()) {
      if (cut == Cut::kSubstring && i == 1) BadType(c.expr, "substring() start must not be null");
      return Value();
    }
    if (!args[i].is_int()) BadType(c.expr, Name(c) + "() needs Integer arguments");
    if (args[i].as_int() < 0)
      RuntimeError("ArgumentError", "NumberOutOfRange", Name(c) + "() got a negative number", c.expr.pos);
  }
  int64_t size = static_cast<int64_t>(cps.size());
  int64_t start = 0, len = size;
  if (cut == Cut::kSubstring) {
    start = std::min(args[1].as_int(), size);
    if (args.size() > 2) len = args[2].as_int();
  } else if (cut == Cut::kLeft) {
    len = args[1].as_int();
  } else {
    len = std::min(args[1].as_int(), size);
    start = size - len;
  }
  len = std::min(len, size - start);
  std::string out;
  for (int64_t i = start; i < start + len; ++i) out += cps[static_cast<size_t>(i)];
  return Value(out);
}

Value Replace(FunctionCall& c) {
  for (const Value& v : c.args)
    if (v.is_null()) return Value();
  std::string s = NeedString(c, First(c));
  const std::string& from = NeedString(c, c.args[1]);
  const std::string& to = NeedString(c, c.args[2]);
  if (from.empty()) return Value(s);
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size())
    out += s.substr(pos, hit - pos) + to;
  out += s.substr(pos);
  return Value(out);
}

Value Split(FunctionCall& c) {
  if (c.args[1].is_null()) return Value();
  const std::string& s = NeedString(c, First(c));
  const std::string& sep = NeedString(c, c.args[1]);
  ValueList out;
  if (sep.empty()) {
    for (auto& cp : CodePoints(s)) out.push_back(Value(cp));
    return Value(std::move(out));
  }
  size_t pos = 0;
  for (size_t hit; (hit = s.find(sep, pos)) != std::string::npos; pos = hit + sep.size())
    out.push_back(Value(s.substr(pos, hit - pos)));
  out.push_back(Value(s.substr(pos)));
  return Value(std::move(out));
}

// ---- conversions (the OrNull forms give null instead of an error) ----

Value ToInteger(FunctionCall& c, bool or_null) {
  const Value& x = First(c);
  if (x.is_int()) return x;
  if (x.is_float()) {
    double d = x.as_float();
    if (std::isnan(d) || d >= 9.223372036854775807e18 || d < -9.223372036854775808e18) return Value();
    return Value(static_cast<int64_t>(d));
  }
  if (x.is_bool()) return Value(int64_t{x.as_bool() ? 1 : 0});
  if (x.is_string()) {
    const std::string& s = x.as_string();
    int64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return Value(v);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && !s.empty() && std::isfinite(d) && std::abs(d) < 9.2e18)
      return Value(static_cast<int64_t>(d));
    return Value();
  }
  if (or_null) return Value();
  BadArgument(c.expr, "toInteger() cannot convert " + CypherTypeName(x));
}

Value ToFloat(FunctionCall& c, bool or_null) {
  const Value& x = First(c);
  if (x.is_float()) return x;
  if (x.is_int()) return Value(static_cast<double>(x.as_int()));
  if (x.is_string()) {
    const std::string& s = x.as_string();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return Value(d);
    return Value();
  }
  if (or_null) return Value();
  BadArgument(c.expr, "toFloat() cannot convert " + CypherTypeName(x));
}

Value ToString(FunctionCall& c, bool or_null) {
  const Value& x = First(c);
  if (x.is_string()) return x;
  if (x.is_int() || x.is_bool() || x.is_float()) return Value(x.ToString());
  switch (x.type()) {
    case Value::Type::kDate: return Value(temporal::ToString(x.as_date()));
    case Value::Type::kLocalTime: return Value(temporal::ToString(x.as_local_time()));
    case Value::Type::kTime: return Value(temporal::ToString(x.as_time()));
    case Value::Type::kLocalDateTime: return Value(temporal::ToString(x.as_local_date_time()));
    case Value::Type::kDateTime: return Value(temporal::ToString(x.as_date_time()));
    case Value::Type::kDuration: return Value(temporal::ToString(x.as_duration()));
    default: break;
  }
  if (or_null) return Value();
  BadArgument(c.expr, "toString() cannot convert " + CypherTypeName(x));
}

Value ToBoolean(FunctionCall& c, bool or_null) {
  const Value& x = First(c);
  if (x.is_bool()) return x;
  if (x.is_string()) {
    std::string s = AsciiLower(x.as_string());
    s.erase(0, s.find_first_not_of(" \t\n"));
    s.erase(s.find_last_not_of(" \t\n") + 1);
    if (s == "true") return Value(true);
    if (s == "false") return Value(false);
    return Value();
  }
  if (x.is_int()) return Value(x.as_int() != 0);
  if (or_null) return Value();
  BadArgument(c.expr, "toBoolean() cannot convert " + CypherTypeName(x));
}

// ---- numbers ----

Value Abs(FunctionCall& c) {
  const Value& x = First(c);
  if (x.is_int()) {
    if (x.as_int() == INT64_MIN) RuntimeError("ArithmeticError", "IntegerOverflow", "abs() overflows", c.expr.pos);
    return Value(std::abs(x.as_int()));
  }
  return Value(std::abs(NeedNumber(c, x)));
}

Value Sign(FunctionCall& c) {
  double d = NeedNumber(c, First(c));
  return Value(int64_t{(d > 0) - (d < 0)});
}

Value Round(FunctionCall& c) {
  // Half up, as Java's Math.round: round(-1.5) is -1.0.
  double d = NeedNumber(c, First(c));
  if (!std::isfinite(d) || std::abs(d) >= 4503599627370496.0) return Value(d);
  return Value(std::floor(d + 0.5));
}

template <double (*F)(double)>
Value Math(FunctionCall& c) {
  return Value(F(NeedNumber(c, First(c))));
}

double Cot(double x) { return 1.0 / std::tan(x); }
double Degrees(double x) { return x * 180.0 / M_PI; }
double Radians(double x) { return x * M_PI / 180.0; }
double Haversin(double x) { return (1 - std::cos(x)) / 2; }
double Ceil(double x) { return std::ceil(x); }
double Floor(double x) { return std::floor(x); }
double Sqrt(double x) { return std::sqrt(x); }
double Exp(double x) { return std::exp(x); }
double Log(double x) { return std::log(x); }
double Log10(double x) { return std::log10(x); }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Tan(double x) { return std::tan(x); }
double Asin(double x) { return std::asin(x); }
double Acos(double x) { return std::acos(x); }
double Atan(double x) { return std::atan(x); }

Value Atan2(FunctionCall& c) {
  if (c.args[1].is_null()) return Value();
  return Value(std::atan2(NeedNumber(c, First(c)), NeedNumber(c, c.args[1])));
}

Value Rand(FunctionCall&) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return Value(std::uniform_real_distribution<double>(0, 1)(rng));
}

constexpr auto kScalar = FunctionKind::kScalar;
constexpr auto kAggregate = FunctionKind::kAggregate;
constexpr auto kSpecial = FunctionKind::kSpecial;

Function Agg(std::string_view name, int min, int max, Aggregate a) { return {name, min, max, kAggregate, true, nullptr, a}; }

const std::vector<Function>& Registry() {
  static const std::vector<Function> kRegistry = {
      // Graph elements and paths.
      {"id", 1, 1, kScalar, true, Id},
      {"elementId", 1, 1, kScalar, true, ElementId},
      {"labels", 1, 1, kScalar, true, Labels},
      {"type", 1, 1, kScalar, true, Type},
      {"properties", 1, 1, kScalar, true, PropertiesFn},
      {"keys", 1, 1, kScalar, true, Keys},
      {"startNode", 1, 1, kScalar, true, [](FunctionCall& c) { return StartOrEnd(c, true); }},
      {"endNode", 1, 1, kScalar, true, [](FunctionCall& c) { return StartOrEnd(c, false); }},
      {"nodes", 1, 1, kScalar, true, [](FunctionCall& c) { return PathPart(c, true); }},
      {"relationships", 1, 1, kScalar, true, [](FunctionCall& c) { return PathPart(c, false); }},
      {"exists", 1, 1, kSpecial, true, nullptr, Aggregate::kNone, SpecialForm::kExists},
      // Lists and strings.
      {"size", 1, 1, kScalar, true, Size},
      {"length", 1, 1, kScalar, true, Size},
      {"isEmpty", 1, 1, kScalar, true, IsEmpty},
      {"head", 1, 1, kScalar, true, Head},
      {"last", 1, 1, kScalar, true, Last},
      {"tail", 1, 1, kScalar, true, Tail},
      {"range", 2, 3, kSpecial, true, nullptr, Aggregate::kNone, SpecialForm::kRange},
      {"reverse", 1, 1, kScalar, true, Reverse},
      {"coalesce", 1, kAnyCount, kSpecial, true, nullptr, Aggregate::kNone, SpecialForm::kCoalesce},
      {"toUpper", 1, 1, kScalar, true, [](FunctionCall& c) { return CaseMap(c, true); }},
      {"toLower", 1, 1, kScalar, true, [](FunctionCall& c) { return CaseMap(c, false); }},
      {"trim", 1, 1, kScalar, true, [](FunctionCall& c) { return Trim(c, true, true); }},
      {"lTrim", 1, 1, kScalar, true, [](FunctionCall& c) { return Trim(c, true, false); }},
      {"rTrim", 1, 1, kScalar, true, [](FunctionCall& c) { return Trim(c, false, true); }},
      {"substring", 2, 3, kScalar, true, [](FunctionCall& c) { return CutString(c, Cut::kSubstring); }},
      {"left", 2, 2, kScalar, true, [](FunctionCall& c) { return CutString(c, Cut::kLeft); }},
      {"right", 2, 2, kScalar, true, [](FunctionCall& c) { return CutString(c, Cut::kRight); }},
      {"replace", 3, 3, kScalar, true, Replace},
      {"split", 2, 2, kScalar, true, Split},
      // Conversions.
      {"toInteger", 1, 1, kScalar, true, [](FunctionCall& c) { return ToInteger(c, false); }},
      {"toFloat", 1, 1, kScalar, true, [](FunctionCall& c) { return ToFloat(c, false); }},
      {"toString", 1, 1, kScalar, true, [](FunctionCall& c) { return ToString(c, false); }},
      {"toBoolean", 1, 1, kScalar, true, [](FunctionCall& c) { return ToBoolean(c, false); }},
      {"toIntegerOrNull", 1, 1, kScalar, true, [](FunctionCall& c) { return ToInteger(c, true); }},
      {"toFloatOrNull", 1, 1, kScalar, true, [](FunctionCall& c) { return ToFloat(c, true); }},
      {"toStringOrNull", 1, 1, kScalar, true, [](FunctionCall& c) { return ToString(c, true); }},
      {"toBooleanOrNull", 1, 1, kScalar, true, [](FunctionCall& c) { return ToBoolean(c, true); }},
      // Numbers.
      {"abs", 1, 1, kScalar, true, Abs},
      {"ceil", 1, 1, kScalar, true, Math<Ceil>},
      {"floor", 1, 1, kScalar, true, Math<Floor>},
      {"round", 1, 1, kScalar, true, Round},
      {"sign", 1, 1, kScalar, true, Sign},
      {"sqrt", 1, 1, kScalar, true, Math<Sqrt>},
      {"exp", 1, 1, kScalar, true, Math<Exp>},
      {"log", 1, 1, kScalar, true, Math<Log>},
      {"log10", 1, 1, kScalar, true, Math<Log10>},
      {"sin", 1, 1, kScalar, true, Math<Sin>},
      {"cos", 1, 1, kScalar, true, Math<Cos>},
      {"tan", 1, 1, kScalar, true, Math<Tan>},
      {"asin", 1, 1, kScalar, true, Math<Asin>},
      {"acos", 1, 1, kScalar, true, Math<Acos>},
      {"atan", 1, 1, kScalar, true, Math<Atan>},
      {"atan2", 2, 2, kScalar, true, Atan2},
      {"cot", 1, 1, kScalar, true, Math<Cot>},
      {"degrees", 1, 1, kScalar, true, Math<Degrees>},
      {"radians", 1, 1, kScalar, true, Math<Radians>},
      {"haversin", 1, 1, kScalar, true, Math<Haversin>},
      {"rand", 0, 0, kScalar, false, Rand},
      {"e", 0, 0, kScalar, true, [](FunctionCall&) { return Value(std::exp(1.0)); }},
      {"pi", 0, 0, kScalar, true, [](FunctionCall&) { return Value(M_PI); }},
      // Aggregates.
      Agg("count", 0, 1, Aggregate::kCount),
      Agg("sum", 1, 1, Aggregate::kSum),
      Agg("avg", 1, 1, Aggregate::kAvg),
      Agg("min", 1, 1, Aggregate::kMin),
      Agg("max", 1, 1, Aggregate::kMax),
      Agg("collect", 1, 1, Aggregate::kCollect),
      Agg("stDev", 1, 1, Aggregate::kStDev),
      Agg("stDevP", 1, 1, Aggregate::kStDevP),
      Agg("percentileCont", 2, 2, Aggregate::kPercentileCont),
      Agg("percentileDisc", 2, 2, Aggregate::kPercentileDisc),
  };
  static const std::vector<Function> kAll = [] {
    std::vector<Function> all = kRegistry;
    for (const Function& f : TemporalFunctions()) all.push_back(f);
    return all;
  }();
  return kAll;
}

}  // namespace

const Function* FindFunction(std::string_view name) {
  static const std::unordered_map<std::string, const Function*> kByName = [] {
    std::unordered_map<std::string, const Function*> out;
    for (const Function& f : Registry()) out.emplace(AsciiLower(f.name), &f);
    return out;
  }();
  auto it = kByName.find(AsciiLower(name));
  return it == kByName.end() ? nullptr : it->second;
}

std::span<const Function> Functions() { return Registry(); }

}  // namespace kg::query
