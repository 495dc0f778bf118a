#include "query/evaluator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <regex>

#include "query/matcher.h"

namespace kg::query {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void BadArgument(const Expr& e, const std::string& what) {
  QueryError err("TypeError", "InvalidArgumentValue", true, what, e.pos);
  throw err;
}

[[noreturn]] void BadType(const Expr& e, const std::string& what) {
  throw QueryError("TypeError", "InvalidArgumentType", true, what, e.pos);
}

std::string FloatText(double d) { return Value(d).ToString(); }

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

}  // namespace

Ternary ToTernary(const Value& v, const Expr& at) {
  if (v.is_null()) return std::nullopt;
  if (v.is_bool()) return v.as_bool();
  throw QueryError("TypeError", "InvalidArgumentType", true,
                   "expected a Boolean but got " + CypherTypeName(v) + " " + v.ToString(), at.pos);
}

bool IsAggregateFunction(const std::string& name) {
  static const char* kNames[] = {"count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp",
                                 "percentilecont", "percentiledisc"};
  std::string n = Lower(name);
  for (const char* k : kNames)
    if (n == k) return true;
  return false;
}

bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunction && IsAggregateFunction(e.name)) return true;
  if (e.kind == ExprKind::kPatternComprehension) return false;
  for (const auto& a : e.args)
    if (a && ContainsAggregate(*a)) return true;
  for (const auto& item : e.projection)
    if (item.value && ContainsAggregate(*item.value)) return true;
  return false;
}

namespace {

struct FunctionArity {
  const char* name;
  int min, max;
};

const FunctionArity kFunctions[] = {
    {"id", 1, 1}, {"elementid", 1, 1}, {"labels", 1, 1}, {"type", 1, 1}, {"properties", 1, 1},
    {"keys", 1, 1}, {"exists", 1, 1}, {"size", 1, 1}, {"length", 1, 1}, {"nodes", 1, 1},
    {"relationships", 1, 1}, {"startnode", 1, 1}, {"endnode", 1, 1}, {"head", 1, 1}, {"last", 1, 1},
    {"tail", 1, 1}, {"range", 2, 3}, {"reverse", 1, 1}, {"coalesce", 1, 1000}, {"tointeger", 1, 1},
    {"tofloat", 1, 1}, {"tostring", 1, 1}, {"toboolean", 1, 1}, {"toupper", 1, 1}, {"tolower", 1, 1},
    {"trim", 1, 1}, {"ltrim", 1, 1}, {"rtrim", 1, 1}, {"substring", 2, 3}, {"replace", 3, 3},
    {"split", 2, 2}, {"left", 2, 2}, {"right", 2, 2}, {"abs", 1, 1}, {"ceil", 1, 1}, {"floor", 1, 1},
    {"round", 1, 1}, {"sign", 1, 1}, {"sqrt", 1, 1}, {"exp", 1, 1}, {"log", 1, 1}, {"log10", 1, 1},
    {"sin", 1, 1}, {"cos", 1, 1}, {"tan", 1, 1}, {"asin", 1, 1}, {"acos", 1, 1}, {"atan", 1, 1},
    {"atan2", 2, 2}, {"cot", 1, 1}, {"degrees", 1, 1}, {"radians", 1, 1}, {"haversin", 1, 1},
    {"rand", 0, 0}, {"e", 0, 0}, {"pi", 0, 0}, {"count", 0, 1}, {"sum", 1, 1}, {"avg", 1, 1},
    {"min", 1, 1}, {"max", 1, 1}, {"collect", 1, 1}, {"stdev", 1, 1}, {"stdevp", 1, 1},
    {"percentilecont", 2, 2}, {"percentiledisc", 2, 2}, {"tointegerornull", 1, 1}, {"tofloatornull", 1, 1},
    {"tostringornull", 1, 1}, {"tobooleanornull", 1, 1}, {"isempty", 1, 1},
};

}  // namespace

void CheckFunctionCall(const Expr& e) {
  std::string n = Lower(e.name);
  for (const auto& f : kFunctions) {
    if (n != f.name) continue;
    int argc = e.star ? 0 : static_cast<int>(e.args.size());
    if (e.star && n != "count") SyntaxError("InvalidArgumentType", "only count(*) takes *", e.pos);
    if (!e.star && n == "count" && argc == 0)
      SyntaxError("InvalidNumberOfArguments", "count() needs an argument or *", e.pos);
    if (argc < f.min || argc > f.max)
      SyntaxError("InvalidNumberOfArguments",
                  "function " + e.name + " takes " + std::to_string(f.min) +
                      (f.max != f.min ? (f.max > 100 ? " or more" : " to " + std::to_string(f.max)) : "") +
                      " argument(s), got " + std::to_string(argc),
                  e.pos);
    return;
  }
  SyntaxError("UnknownFunction", "unknown function '" + e.name + "'", e.pos);
}

bool Evaluator::LoadNode(NodeId id, graph::NodeData* record) {
  if (node_cache_.empty()) node_cache_.resize(kNodeCacheSlots);
  CachedNode& slot = node_cache_[id % kNodeCacheSlots];
  uint64_t writes = ctx_.txn.write_count();
  if (slot.id == id && slot.write_count == writes) {
    if (slot.found) *record = slot.record;
    return slot.found;
  }
  Status s = ctx_.txn.ReadNode(id, record);
  if (!s.ok() && s.code() != StatusCode::kNotFound) throw QueryError("DatabaseError", "", true, s.ToString());
  slot.id = id;
  slot.write_count = writes;
  slot.found = s.ok();
  if (slot.found) slot.record = *record;
  return slot.found;
}

bool Evaluator::LoadEdge(EdgeId id, graph::EdgeData* record) {
  Status s = ctx_.txn.ReadEdge(id, record);
  if (s.ok()) return true;
  if (s.code() == StatusCode::kNotFound) return false;
  throw QueryError("DatabaseError", "", true, s.ToString());
}

Value Evaluator::EdgeValue(EdgeId id) {
  graph::EdgeData r;
  if (!LoadEdge(id, &r)) return Value();
  return Value(Value::EdgeRef{id, r.source, r.target, nullptr});
}

Properties Evaluator::ElementProperties(const Value& v) {
  if (v.is_node()) {
    graph::NodeData r;
    if (LoadNode(v.as_node_ref().id, &r)) return ctx_.txn.ToProperties(r.properties);
  } else {
    graph::EdgeData r;
    if (LoadEdge(v.as_edge_ref().id, &r)) return ctx_.txn.ToProperties(r.properties);
  }
  return {};
}

std::optional<uint32_t> Evaluator::KeyId(const std::string& name, const Expr& at) {
  auto known = known_keys_.find(&at);
  if (known != known_keys_.end() && known->second.name == name) return known->second.id;
  auto id = ctx_.txn.ResolveKey(name);
  if (id) known_keys_.insert_or_assign(&at, KnownKey{name, *id});
  return id;
}

Value Evaluator::Property(const Value& base, const std::string& key, const Expr& at) {
  switch (base.type()) {
    case Value::Type::kNull: return Value();
    case Value::Type::kNode: {
      auto k = KeyId(key, at);
      if (!k) return Value();
      graph::NodeData r;
      if (!LoadNode(base.as_node_ref().id, &r)) return Value();
      const Value* v = graph::FindProperty(r.properties, *k);
      return v ? *v : Value();
    }
    case Value::Type::kEdge: {
      auto k = KeyId(key, at);
      if (!k) return Value();
      graph::EdgeData r;
      if (!LoadEdge(base.as_edge_ref().id, &r)) return Value();
      const Value* v = graph::FindProperty(r.properties, *k);
      return v ? *v : Value();
    }
    case Value::Type::kMap: {
      auto it = base.as_map().find(key);
      return it == base.as_map().end() ? Value() : it->second;
    }
    default:
      BadType(at, "cannot read property '" + key + "' of " + CypherTypeName(base) + " " + base.ToString());
  }
}

bool Evaluator::IsTrue(const Expr& e, Row& row) {
  Ternary t = ToTernary(Eval(e, row), e);
  return t && *t;
}

Value Evaluator::Eval(const Expr& e, Row& row) {
  switch (e.kind) {
    case ExprKind::kLiteral: return e.value;
    case ExprKind::kParameter: {
      auto it = ctx_.params.find(e.name);
      if (it == ctx_.params.end())
        throw QueryError("ParameterMissing", "MissingParameter", false, "expected parameter $" + e.name, e.pos);
      return it->second;
    }
    case ExprKind::kVariable:
      if (e.slot < 0 || static_cast<size_t>(e.slot) >= row.size())
        throw QueryError("SyntaxError", "UndefinedVariable", false, "variable `" + e.name + "` not defined", e.pos);
      return row[e.slot];
    case ExprKind::kProperty: return Property(Eval(*e.args[0], row), e.name, e);
    case ExprKind::kSubscript: {
      Value base = Eval(*e.args[0], row);
      Value index = Eval(*e.args[1], row);
      if (base.is_null() || index.is_null()) return Value();
      if (base.is_list()) {
        if (!index.is_int()) BadType(*e.args[1], "a list index must be an Integer, not " + CypherTypeName(index));
        const auto& l = base.as_list();
        int64_t i = index.as_int();
        if (i < 0) i += static_cast<int64_t>(l.size());
        if (i < 0 || i >= static_cast<int64_t>(l.size())) return Value();
        return l[static_cast<size_t>(i)];
      }
      if (base.is_map() || base.is_node() || base.is_edge()) {
        if (!index.is_string()) BadType(*e.args[1], "a map key must be a String, not " + CypherTypeName(index));
        return Property(base, index.as_string(), e);
      }
      BadType(e, "cannot index into " + CypherTypeName(base));
    }
    case ExprKind::kSlice: {
      Value base = Eval(*e.args[0], row);
      Value from = e.args[1] ? Eval(*e.args[1], row) : Value();
      Value to = e.args[2] ? Eval(*e.args[2], row) : Value();
      if (base.is_null() || (e.args[1] && from.is_null()) || (e.args[2] && to.is_null())) return Value();
      if (!base.is_list()) BadType(e, "cannot slice " + CypherTypeName(base));
      if ((e.args[1] && !from.is_int()) || (e.args[2] && !to.is_int())) BadType(e, "slice bounds must be Integers");
      const auto& l = base.as_list();
      int64_t n = static_cast<int64_t>(l.size());
      int64_t a = e.args[1] ? from.as_int() : 0, b = e.args[2] ? to.as_int() : n;
      if (a < 0) a += n;
      if (b < 0) b += n;
      a = std::clamp<int64_t>(a, 0, n);
      b = std::clamp<int64_t>(b, 0, n);
      if (a >= b) return Value(ValueList{});
      return Value(ValueList(l.begin() + a, l.begin() + b));
    }
    case ExprKind::kList: {
      ValueList out;
      out.reserve(e.args.size());
      for (const auto& a : e.args) out.push_back(Eval(*a, row));
      return Value(std::move(out));
    }
    case ExprKind::kMap: {
      ValueMap out;
      for (size_t i = 0; i < e.args.size(); ++i) out[e.keys[i]] = Eval(*e.args[i], row);
      return Value(std::move(out));
    }
    case ExprKind::kUnary: {
      Value v = Eval(*e.args[0], row);
      if (e.name == "NOT") {
        Ternary t = ToTernary(v, *e.args[0]);
        return t ? Value(!*t) : Value();
      }
      if (v.is_null()) return Value();
      if (e.name == "+") {
        if (!v.is_number()) BadType(e, "cannot apply unary + to " + CypherTypeName(v));
        return v;
      }
      if (v.is_int()) {
        if (v.as_int() == INT64_MIN)
          RuntimeError("ArithmeticError", "IntegerOverflow", "integer overflow negating " + v.ToString(), e.pos);
        return Value(-v.as_int());
      }
      if (v.is_float()) return Value(-v.as_float());
      BadType(e, "cannot negate " + CypherTypeName(v));
    }
    case ExprKind::kBinary: return EvalBinary(e, row);
    case ExprKind::kIsNull: {
      bool null = Eval(*e.args[0], row).is_null();
      return Value(e.negated ? !null : null);
    }
    case ExprKind::kLabelCheck: {
      Value v = Eval(*e.args[0], row);
      if (v.is_null()) return Value();
      if (!v.is_node()) BadType(e, "label check on " + CypherTypeName(v));
      graph::NodeData r;
      if (!LoadNode(v.as_node_ref().id, &r)) return Value(false);
      for (const auto& l : e.labels) {
        auto id = ctx_.txn.ResolveLabel(l);
        if (!id || !r.HasLabel(*id)) return Value(false);
      }
      return Value(true);
    }
    case ExprKind::kFunction: return EvalFunction(e, row);
    case ExprKind::kCase: {
      size_t i = 0;
      Value subject;
      if (e.has_subject) subject = Eval(*e.args[i++], row);
      size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end + 1 && i < end; i += 2) {
        Value when = Eval(*e.args[i], row);
        bool hit;
        if (e.has_subject) {
          Ternary t = Equals(subject, when);
          hit = t && *t;
        } else {
          Ternary t = when.is_bool() || when.is_null() ? ToTernary(when, *e.args[i]) : Ternary(false);
          hit = t && *t;
        }
        if (hit) return Eval(*e.args[i + 1], row);
      }
      return e.has_else ? Eval(*e.args.back(), row) : Value();
    }
    case ExprKind::kListComprehension: {
      Value list = Eval(*e.args[0], row);
      if (list.is_null()) return Value();
      if (!list.is_list()) BadType(e, "IN expects a List, got " + CypherTypeName(list));
      ValueList out;
      if (row.size() <= static_cast<size_t>(e.slot)) row.resize(e.slot + 1);
      Value saved = row[e.slot];
      for (const Value& x : list.as_list()) {
        row[e.slot] = x;
        if (e.args[1] && !IsTrue(*e.args[1], row)) continue;
        out.push_back(e.args[2] ? Eval(*e.args[2], row) : x);
      }
      row[e.slot] = saved;
      return Value(std::move(out));
    }
    case ExprKind::kReduce: {
      Value acc = Eval(*e.args[0], row);
      Value list = Eval(*e.args[1], row);
      if (list.is_null()) return Value();
      if (!list.is_list()) BadType(e, "reduce expects a List after IN, got " + CypherTypeName(list));
      size_t need = static_cast<size_t>(std::max(e.slot, e.acc_slot)) + 1;
      if (row.size() < need) row.resize(need);
      Value saved_x = row[e.slot], saved_acc = row[e.acc_slot];
      for (const Value& x : list.as_list()) {
        row[e.slot] = x;
        row[e.acc_slot] = std::move(acc);
        acc = Eval(*e.args[2], row);
      }
      row[e.slot] = std::move(saved_x);
      row[e.acc_slot] = std::move(saved_acc);
      return acc;
    }
    case ExprKind::kQuantifier: return EvalQuantifier(e, row);
    case ExprKind::kPatternComprehension: return EvalPatternComprehension(e, row);
    case ExprKind::kPattern: {
      auto& matcher = support_.patterns.at(&e);
      bool found = false;
      Row scratch = row;
      scratch.resize(std::max(scratch.size(), pattern_width_));
      matcher->Match(scratch, ctx_, *this, [&](Row&) {
        found = true;
        return false;
      });
      return Value(found);
    }
    case ExprKind::kMapProjection: {
      Value base = Eval(*e.args[0], row);
      if (base.is_null()) return Value();
      ValueMap out;
      for (const auto& item : e.projection) {
        switch (item.kind) {
          case MapProjectionItem::kAll: {
            if (base.is_map()) {
              for (const auto& [k, v] : base.as_map()) out[k] = v;
            } else if (base.is_node() || base.is_edge()) {
              for (auto& [k, v] : ElementProperties(base)) out[k] = v;
            } else {
              BadType(e, "map projection of " + CypherTypeName(base));
            }
            break;
          }
          case MapProjectionItem::kProperty: out[item.key] = Property(base, item.key, e); break;
          case MapProjectionItem::kLiteral:
          case MapProjectionItem::kVariable: out[item.key] = Eval(*item.value, row); break;
        }
      }
      return Value(std::move(out));
    }
  }
  return Value();
}

Value Evaluator::EvalQuantifier(const Expr& e, Row& row) {
  Value list = Eval(*e.args[0], row);
  if (list.is_null()) return Value();
  if (!list.is_list()) BadType(e, "IN expects a List, got " + CypherTypeName(list));
  if (row.size() <= static_cast<size_t>(e.slot)) row.resize(e.slot + 1);
  Value saved = row[e.slot];
  int64_t trues = 0, nulls = 0, total = 0;
  for (const Value& x : list.as_list()) {
    ++total;
    row[e.slot] = x;
    Ternary t = e.args[1] ? ToTernary(Eval(*e.args[1], row), *e.args[1]) : Ternary(true);
    if (!t) ++nulls;
    else if (*t) ++trues;
  }
  row[e.slot] = saved;
  int64_t falses = total - trues - nulls;
  const std::string& q = e.name;
  if (q == "ALL") return falses ? Value(false) : nulls ? Value() : Value(true);
  if (q == "ANY") return trues ? Value(true) : nulls ? Value() : Value(false);
  if (q == "NONE") return trues ? Value(false) : nulls ? Value() : Value(true);
  // SINGLE
  if (trues > 1) return Value(false);
  if (nulls) return Value();
  return Value(trues == 1);
}

Value Evaluator::EvalPatternComprehension(const Expr& e, Row& row) {
  auto& matcher = support_.patterns.at(&e);
  ValueList out;
  Row scratch = row;
  scratch.resize(std::max(scratch.size(), pattern_width_));
  matcher->Match(scratch, ctx_, *this, [&](Row& r) {
    if (e.args[0] && !IsTrue(*e.args[0], r)) return true;
    out.push_back(Eval(*e.args[1], r));
    return true;
  });
  return Value(std::move(out));
}

Value Evaluator::EvalBinary(const Expr& e, Row& row) {
  const std::string& op = e.name;
  if (op == "AND" || op == "OR" || op == "XOR") {
    Ternary a = ToTernary(Eval(*e.args[0], row), *e.args[0]);
    if (op == "AND" && a && !*a) {
      ToTernary(Eval(*e.args[1], row), *e.args[1]);  // type errors still count
      return Value(false);
    }
    if (op == "OR" && a && *a) {
      ToTernary(Eval(*e.args[1], row), *e.args[1]);
      return Value(true);
    }
    Ternary b = ToTernary(Eval(*e.args[1], row), *e.args[1]);
    if (op == "AND") {
      if (b && !*b) return Value(false);
      if (!a || !b) return Value();
      return Value(true);
    }
    if (op == "OR") {
      if (b && *b) return Value(true);
      if (!a || !b) return Value();
      return Value(false);
    }
    if (!a || !b) return Value();
    return Value(*a != *b);
  }
  Value a = Eval(*e.args[0], row);
  Value b = Eval(*e.args[1], row);
  auto ternary = [](Ternary t) { return t ? Value(*t) : Value(); };
  if (op == "=") return ternary(Equals(a, b));
  if (op == "<>") {
    Ternary t = Equals(a, b);
    return t ? Value(!*t) : Value();
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") return ternary(Compare(a, b, op));
  if (op == "IN") {
    if (b.is_null()) return Value();
    if (!b.is_list()) BadType(e, "IN expects a List on the right, got " + CypherTypeName(b));
    bool unknown = false;
    for (const Value& x : b.as_list()) {
      Ternary t = Equals(a, x);
      if (!t) unknown = true;
      else if (*t) return Value(true);
    }
    return unknown ? Value() : Value(false);
  }
  if (op == "STARTS WITH" || op == "ENDS WITH" || op == "CONTAINS") {
    if (!a.is_string() || !b.is_string()) return Value();
    const std::string &s = a.as_string(), &t = b.as_string();
    if (op == "STARTS WITH") return Value(s.starts_with(t));
    if (op == "ENDS WITH") return Value(s.ends_with(t));
    return Value(s.find(t) != std::string::npos);
  }
  if (op == "=~") {
    if (!a.is_string() || !b.is_string()) return Value();
    try {
      return Value(std::regex_match(a.as_string(), std::regex(b.as_string(), std::regex::ECMAScript)));
    } catch (const std::regex_error&) {
      RuntimeError("ArgumentError", "InvalidArgumentValue", "invalid regular expression: " + b.as_string(), e.pos);
    }
  }
  try {
    return Arithmetic(op, a, b);
  } catch (QueryError& err) {
    if (err.pos.line == 0) err.pos = e.pos;
    throw;
  }
}

bool Evaluator::IsRangeCall(const Expr& e) {
  return e.kind == ExprKind::kFunction && !e.distinct && (e.args.size() == 2 || e.args.size() == 3) &&
         Lower(e.name) == "range";
}

Evaluator::Range Evaluator::RangeOf(const Expr& e, const std::vector<Value>& args) {
  for (const Value& v : args)
    if (!v.is_int())
      RuntimeError("ArgumentError", "InvalidArgumentType", "range() takes Integer arguments, got " + CypherTypeName(v), e.pos);
  Range r{args[0].as_int(), args[1].as_int(), args.size() > 2 ? args[2].as_int() : 1};
  if (r.step == 0) RuntimeError("ArgumentError", "NumberOutOfRange", "range() step must not be 0", e.pos);
  return r;
}

Evaluator::Range Evaluator::EvalRange(const Expr& e, Row& row) {
  std::vector<Value> args;
  for (const auto& a : e.args) args.push_back(Eval(*a, row));
  return RangeOf(e, args);
}

Value Evaluator::EvalFunction(const Expr& e, Row& row) {
  std::string n = Lower(e.name);
  if (IsAggregateFunction(n)) {
    if (!support_.aggregates || e.slot < 0)
      SyntaxError("InvalidAggregation", "aggregate function " + e.name + " is not allowed here", e.pos);
    return (*support_.aggregates)[static_cast<size_t>(e.slot)];
  }
  if (n == "rand") {
    thread_local std::mt19937_64 rng(std::random_device{}());
    return Value(std::uniform_real_distribution<double>(0, 1)(rng));
  }
  if (n == "e") return Value(std::exp(1.0));
  if (n == "pi") return Value(M_PI);
  if (n == "coalesce") {
    for (const auto& a : e.args) {
      Value v = Eval(*a, row);
      if (!v.is_null()) return v;
    }
    return Value();
  }
  if (n == "exists") {
    const Expr& arg = *e.args[0];
    if (arg.kind == ExprKind::kPattern) return Eval(arg, row);
    return Value(!Eval(arg, row).is_null());
  }
  std::vector<Value> args;
  for (const auto& a : e.args) args.push_back(Eval(*a, row));
  const Value& x = args.empty() ? e.value : args[0];

  if (n == "range") {
    ValueList out;
    RangeOf(e, args).Each([&](int64_t i) {
      out.push_back(Value(i));
      ctx_.CheckInterrupt();
      return true;
    });
    return Value(std::move(out));
  }
  // Every other function returns null for a null first argument.
  if (x.is_null() && n != "tostring") return Value();
  if (x.is_null()) return Value();

  auto need_number = [&](const Value& v) {
    if (!v.is_number()) BadType(e, e.name + "() needs a number, got " + CypherTypeName(v));
    return v.as_number();
  };
  if (n == "id") {
    if (x.is_node()) return Value(static_cast<int64_t>(x.as_node_ref().id));
    if (x.is_edge()) return Value(static_cast<int64_t>(x.as_edge_ref().id));
    BadType(e, "id() needs a node or relationship, got " + CypherTypeName(x));
  }
  if (n == "elementid") {
    if (x.is_node()) return Value("n" + std::to_string(x.as_node_ref().id));
    if (x.is_edge()) return Value("r" + std::to_string(x.as_edge_ref().id));
    BadType(e, "elementId() needs a node or relationship, got " + CypherTypeName(x));
  }
  if (n == "labels") {
    if (!x.is_node()) BadType(e, "labels() needs a node, got " + CypherTypeName(x));
    graph::NodeData r;
    if (!LoadNode(x.as_node_ref().id, &r)) return Value();
    ValueList out;
    for (const auto& l : ctx_.txn.ToNode(x.as_node_ref().id, r).labels) out.push_back(Value(l));
    return Value(std::move(out));
  }
  if (n == "type") {
    if (!x.is_edge()) BadType(e, "type() needs a relationship, got " + CypherTypeName(x));
    graph::EdgeData r;
    if (!LoadEdge(x.as_edge_ref().id, &r)) return Value();
    return Value(ctx_.txn.Name(graph::NameKind::kType, r.type));
  }
  if (n == "properties" || n == "keys") {
    Properties props;
    if (x.is_node() || x.is_edge()) props = ElementProperties(x);
    else if (x.is_map()) props = x.as_map();
    else BadType(e, e.name + "() needs a node, relationship or map, got " + CypherTypeName(x));
    if (n == "properties") return Value(std::move(props));
    ValueList out;
    for (const auto& [k, v] : props) out.push_back(Value(k));
    return Value(std::move(out));
  }
  if (n == "size" || n == "length") {
    if (x.is_list()) return Value(static_cast<int64_t>(x.as_list().size()));
    if (x.is_string()) return Value(static_cast<int64_t>(CodePoints(x.as_string()).size()));
    if (x.is_path()) return Value(static_cast<int64_t>(x.as_path().edges.size()));
    BadType(e, e.name + "() of " + CypherTypeName(x));
  }
  if (n == "isempty") {
    if (x.is_list()) return Value(x.as_list().empty());
    if (x.is_string()) return Value(x.as_string().empty());
    if (x.is_map()) return Value(x.as_map().empty());
    BadType(e, "isEmpty() of " + CypherTypeName(x));
  }
  if (n == "nodes" || n == "relationships") {
    if (!x.is_path()) BadType(e, e.name + "() needs a path, got " + CypherTypeName(x));
    return Value(n == "nodes" ? x.as_path().nodes : x.as_path().edges);
  }
  if (n == "startnode" || n == "endnode") {
    if (!x.is_edge()) BadType(e, e.name + "() needs a relationship, got " + CypherTypeName(x));
    const auto& r = x.as_edge_ref();
    return Value(Value::NodeRef{n == "startnode" ? r.source : r.target, nullptr});
  }
  if (n == "head" || n == "last" || n == "tail") {
    if (!x.is_list()) BadType(e, e.name + "() needs a list, got " + CypherTypeName(x));
    const auto& l = x.as_list();
    if (n == "tail") return l.empty() ? Value(ValueList{}) : Value(ValueList(l.begin() + 1, l.end()));
    if (l.empty()) return Value();
    return n == "head" ? l.front() : l.back();
  }
  if (n == "reverse") {
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
    BadType(e, "reverse() of " + CypherTypeName(x));
  }
  bool or_null = n.ends_with("ornull");
  std::string base = or_null ? n.substr(0, n.size() - 6) : n;
  if (base == "tointeger") {
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
      if (end && *end == '\0' && !s.empty() && std::isfinite(d) && std::abs(d) < 9.2e18) return Value(static_cast<int64_t>(d));
      return Value();
    }
    if (or_null) return Value();
    BadArgument(e, "toInteger() cannot convert " + CypherTypeName(x));
  }
  if (base == "tofloat") {
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
    BadArgument(e, "toFloat() cannot convert " + CypherTypeName(x));
  }
  if (base == "tostring") {
    if (x.is_string()) return x;
    if (x.is_int() || x.is_bool()) return Value(x.ToString());
    if (x.is_float()) return Value(FloatText(x.as_float()));
    if (or_null) return Value();
    BadArgument(e, "toString() cannot convert " + CypherTypeName(x));
  }
  if (base == "toboolean") {
    if (x.is_bool()) return x;
    if (x.is_string()) {
      std::string s = Lower(x.as_string());
      s.erase(0, s.find_first_not_of(" \t\n"));
      s.erase(s.find_last_not_of(" \t\n") + 1);
      if (s == "true") return Value(true);
      if (s == "false") return Value(false);
      return Value();
    }
    if (x.is_int()) return Value(x.as_int() != 0);
    if (or_null) return Value();
    BadArgument(e, "toBoolean() cannot convert " + CypherTypeName(x));
  }
  auto need_string = [&](const Value& v) -> const std::string& {
    if (!v.is_string()) BadType(e, e.name + "() needs a string, got " + CypherTypeName(v));
    return v.as_string();
  };
  if (n == "toupper" || n == "tolower") {
    std::string s = need_string(x);
    for (char& c : s) c = static_cast<char>(n == "toupper" ? std::toupper(static_cast<unsigned char>(c))
                                                          : std::tolower(static_cast<unsigned char>(c)));
    return Value(s);
  }
  if (n == "trim" || n == "ltrim" || n == "rtrim") {
    std::string s = need_string(x);
    const char* ws = " \t\n\r\f\v";
    if (n != "rtrim") s.erase(0, s.find_first_not_of(ws) == std::string::npos ? s.size() : s.find_first_not_of(ws));
    if (n != "ltrim") {
      size_t last = s.find_last_not_of(ws);
      s.erase(last == std::string::npos ? 0 : last + 1);
    }
    return Value(s);
  }
  if (n == "substring" || n == "left" || n == "right") {
    auto cps = CodePoints(need_string(x));
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_null()) {
        if (n == "substring" && i == 1) BadType(e, "substring() start must not be null");
        return Value();
      }
      if (!args[i].is_int()) BadType(e, e.name + "() needs Integer arguments");
      if (args[i].as_int() < 0) RuntimeError("ArgumentError", "NumberOutOfRange", e.name + "() got a negative number", e.pos);
    }
    int64_t size = static_cast<int64_t>(cps.size());
    int64_t start = 0, len = size;
    if (n == "substring") {
      start = std::min(args[1].as_int(), size);
      if (args.size() > 2) len = args[2].as_int();
    } else if (n == "left") {
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
  if (n == "replace") {
    for (const Value& v : args)
      if (v.is_null()) return Value();
    std::string s = need_string(x);
    const std::string& from = need_string(args[1]);
    const std::string& to = need_string(args[2]);
    if (from.empty()) return Value(s);
    std::string out;
    size_t pos = 0;
    for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size())
      out += s.substr(pos, hit - pos) + to;
    out += s.substr(pos);
    return Value(out);
  }
  if (n == "split") {
    if (args[1].is_null()) return Value();
    const std::string& s = need_string(x);
    const std::string& sep = need_string(args[1]);
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
  if (n == "abs") {
    if (x.is_int()) {
      if (x.as_int() == INT64_MIN) RuntimeError("ArithmeticError", "IntegerOverflow", "abs() overflows", e.pos);
      return Value(std::abs(x.as_int()));
    }
    return Value(std::abs(need_number(x)));
  }
  if (n == "sign") {
    double d = need_number(x);
    return Value(int64_t{(d > 0) - (d < 0)});
  }
  if (n == "ceil") return Value(std::ceil(need_number(x)));
  if (n == "floor") return Value(std::floor(need_number(x)));
  if (n == "round") {
    // Half up, as Java's Math.round: round(-1.5) is -1.0.
    double d = need_number(x);
    if (!std::isfinite(d) || std::abs(d) >= 4503599627370496.0) return Value(d);
    return Value(std::floor(d + 0.5));
  }
  if (n == "sqrt") return Value(std::sqrt(need_number(x)));
  if (n == "exp") return Value(std::exp(need_number(x)));
  if (n == "log") return Value(std::log(need_number(x)));
  if (n == "log10") return Value(std::log10(need_number(x)));
  if (n == "sin") return Value(std::sin(need_number(x)));
  if (n == "cos") return Value(std::cos(need_number(x)));
  if (n == "tan") return Value(std::tan(need_number(x)));
  if (n == "asin") return Value(std::asin(need_number(x)));
  if (n == "acos") return Value(std::acos(need_number(x)));
  if (n == "atan") return Value(std::atan(need_number(x)));
  if (n == "atan2") {
    if (args[1].is_null()) return Value();
    return Value(std::atan2(need_number(x), need_number(args[1])));
  }
  if (n == "cot") return Value(1.0 / std::tan(need_number(x)));
  if (n == "degrees") return Value(need_number(x) * 180.0 / M_PI);
  if (n == "radians") return Value(need_number(x) * M_PI / 180.0);
  if (n == "haversin") return Value((1 - std::cos(need_number(x))) / 2);
  SyntaxError("UnknownFunction", "unknown function '" + e.name + "'", e.pos);
}

}  // namespace kg::query
