#include "query/evaluator.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>

#include "kg/utf8.h"

#include "query/functions.h"
#include "query/matcher.h"
#include "query/temporal.h"

namespace kg::query {

void BadArgument(const Expr& e, const std::string& what) {
  throw ErrorAt("TypeError", "InvalidArgumentValue", true, what, e.pos);
}

void BadType(const Expr& e, const std::string& what) { throw ErrorAt("TypeError", "InvalidArgumentType", true, what, e.pos); }

Ternary ToTernary(const Value& v, const Expr& at) {
  if (v.is_null()) return std::nullopt;
  if (v.is_bool()) return v.as_bool();
  throw ErrorAt("TypeError", "InvalidArgumentType", true,
                   "expected a Boolean but got " + CypherTypeName(v) + " " + v.ToString(), at.pos);
}

bool IsAggregateFunction(const std::string& name) {
  const Function* f = FindFunction(name);
  return f && f->kind == FunctionKind::kAggregate;
}

bool IsAggregateCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction) return false;
  if (e.function) return e.function->kind == FunctionKind::kAggregate;
  return IsAggregateFunction(e.name);
}

bool ContainsAggregate(const Expr& e) {
  if (IsAggregateCall(e)) return true;
  if (e.kind == ExprKind::kPatternComprehension) return false;
  for (const auto& a : e.args)
    if (a && ContainsAggregate(*a)) return true;
  for (const auto& item : e.projection)
    if (item.value && ContainsAggregate(*item.value)) return true;
  return false;
}

const Evaluator::CachedNode* Evaluator::Cached(NodeId id) const {
  if (node_cache_.empty()) return nullptr;
  const CachedNode& slot = node_cache_[id % node_cache_.size()];
  return slot.id == id && slot.write_count == ctx_.txn.write_count() ? &slot : nullptr;
}

bool Evaluator::LoadNode(NodeId id, graph::NodeData* record) {
  // A statement that reads few nodes gets a few slots; one that reads
  // more, all of them.
  if (node_cache_.empty()) node_cache_.resize(kFewNodeCacheSlots);
  else if (node_cache_.size() < kNodeCacheSlots && ++node_loads_ > kFewNodeCacheSlots) {
    node_cache_.clear();
    node_cache_.resize(kNodeCacheSlots);
  }
  if (const CachedNode* hit = Cached(id)) {
    if (hit->found) *record = hit->record;
    return hit->found;
  }
  CachedNode& slot = node_cache_[id % node_cache_.size()];
  Status s = ctx_.txn.ReadNode(id, record);
  if (!s.ok() && s.code() != StatusCode::kNotFound) throw ErrorAt("DatabaseError", "", true, s.ToString());
  slot.id = id;
  slot.write_count = ctx_.txn.write_count();
  slot.found = s.ok();
  if (slot.found) slot.record = *record;
  return slot.found;
}

bool Evaluator::LoadEdge(EdgeId id, graph::EdgeData* record) {
  Status s = ctx_.txn.ReadEdge(id, record);
  if (s.ok()) return true;
  if (s.code() == StatusCode::kNotFound) return false;
  throw ErrorAt("DatabaseError", "", true, s.ToString());
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
      NodeId id = base.as_node_ref().id;
      // A node decoded for this statement already is read from memory;
      // any other has its one property peeked at, not decoded whole.
      if (const CachedNode* cached = Cached(id)) {
        if (!cached->found) return Value();
        const Value* v = graph::FindProperty(cached->record.properties, *k);
        return v ? *v : Value();
      }
      auto v = ctx_.txn.NodeProperty(id, *k);
      if (!v.ok()) {
        if (v.status().code() == StatusCode::kNotFound) return Value();
        throw ErrorAt("DatabaseError", "", true, v.status().ToString());
      }
      return v->has_value() ? std::move(**v) : Value();
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
      if (base.is_temporal()) return TemporalProperty(base, key, at);
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
        throw ErrorAt("ParameterMissing", "MissingParameter", false, "expected parameter $" + e.name, e.pos);
      return it->second;
    }
    case ExprKind::kVariable:
      if (e.slot < 0 || static_cast<size_t>(e.slot) >= row.size())
        throw ErrorAt("SyntaxError", "UndefinedVariable", false, "variable `" + e.name + "` not defined", e.pos);
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
        ctx_.CheckInterrupt();
        row[e.slot] = x;
        if (e.args[1] && !IsTrue(*e.args[1], row)) continue;
        out.push_back(e.args[2] ? Eval(*e.args[2], row) : x);
        if ((out.size() & 1023) == 0) ctx_.memory.Check(out.size() * sizeof(Value), e.pos);
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
        ctx_.CheckInterrupt();
        row[e.slot] = x;
        row[e.acc_slot] = std::move(acc);
        acc = Eval(*e.args[2], row);
        // Only an accumulator fed back into itself can nest without bound.
        if ((acc.is_list() || acc.is_map()) && NestedDeeperThan(acc, kMaxValueNesting))
          RuntimeError("ArgumentError", "NumberOutOfRange",
                       "reduce() built a value nested more than " + std::to_string(kMaxValueNesting) + " levels deep",
                       e.pos);
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
    return Value(RegexMatch(e, a.as_string(), b.as_string()));
  }
  if (op == "+") {
    // A concatenation is checked against the memory left before it is made.
    if (a.is_string() && b.is_string()) ctx_.memory.Check(a.as_string().size() + b.as_string().size(), e.pos);
    else if (a.is_list() || b.is_list())
      ctx_.memory.Check(((a.is_list() ? a.as_list().size() : 1) + (b.is_list() ? b.as_list().size() : 1)) * sizeof(Value), e.pos);
  }
  try {
    return Arithmetic(op, a, b);
  } catch (QueryError& err) {
    if (err.line == 0) {
      err.line = e.pos.line;
      err.column = e.pos.column;
    }
    throw;
  }
}

Evaluator::Evaluator(ExecContext& ctx, EvalSupport& support) : ctx_(ctx), support_(support) {}
Evaluator::~Evaluator() = default;

bool Evaluator::RegexMatch(const Expr& at, const std::string& text, const std::string& pattern) {
  // The last pattern compiled is kept: a statement matches rows against one
  // pattern over and over.
  if (!regex_ || regex_pattern_ != pattern) {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    options.set_max_mem(int64_t{64} << 20);
    regex_ = std::make_unique<RE2>(pattern, options);
    regex_pattern_ = pattern;
    if (!regex_->ok()) {
      std::string why = regex_->error();
      regex_.reset();
      RuntimeError("ArgumentError", "InvalidArgumentValue",
                   "invalid regular expression '" + std::string(Utf8Prefix(pattern, 200)) + "': " + why, at.pos);
    }
  }
  return RE2::FullMatch(text, *regex_);
}

bool Evaluator::IsRangeCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.distinct || (e.args.size() != 2 && e.args.size() != 3)) return false;
  const Function* f = e.function ? e.function : FindFunction(e.name);
  return f && f->special == SpecialForm::kRange;
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
  const Function* f = e.function ? e.function : FindFunction(e.name);
  if (!f) SyntaxError("UnknownFunction", "unknown function '" + e.name + "'", e.pos);
  switch (f->kind) {
    case FunctionKind::kAggregate:
      if (!support_.aggregates || e.slot < 0)
        SyntaxError("InvalidAggregation", "aggregate function " + e.name + " is not allowed here", e.pos);
      return (*support_.aggregates)[static_cast<size_t>(e.slot)];
    case FunctionKind::kSpecial:
      switch (f->special) {
        case SpecialForm::kCoalesce:
          for (const auto& a : e.args) {
            Value v = Eval(*a, row);
            if (!v.is_null()) return v;
          }
          return Value();
        case SpecialForm::kExists: {
          const Expr& arg = *e.args[0];
          if (arg.kind == ExprKind::kPattern) return Eval(arg, row);
          return Value(!Eval(arg, row).is_null());
        }
        case SpecialForm::kRange: {
          ValueList out;
          Range range = EvalRange(e, row);
          ctx_.memory.Check(range.Count() * sizeof(Value), e.pos);
          if (range.Count() < (uint64_t{1} << 24)) out.reserve(range.Count());
          range.Each([&](int64_t i) {
            out.push_back(Value(i));
            ctx_.CheckInterrupt();
            return true;
          });
          return Value(std::move(out));
        }
        case SpecialForm::kNone: break;
      }
      break;
    case FunctionKind::kScalar: {
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args) args.push_back(Eval(*a, row));
      // Every scalar function returns null for a null first argument.
      if (!args.empty() && args[0].is_null()) return Value();
      FunctionCall call{*this, e, args};
      return f->impl(call);
    }
  }
  SyntaxError("UnknownFunction", "unknown function '" + e.name + "'", e.pos);
}

}  // namespace kg::query
