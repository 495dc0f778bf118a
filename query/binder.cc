#include "query/binder.h"

#include <algorithm>
#include <cctype>

#include "query/evaluator.h"
#include "query/lexer.h"

namespace kg::query {

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kNode: return "Node";
    case Kind::kRel: return "Relationship";
    case Kind::kRelList: return "List<Relationship>";
    case Kind::kPath: return "Path";
    case Kind::kScalarValue: return "value";
    case Kind::kListValue: return "List";
    case Kind::kMapValue: return "Map";
    default: return "Any";
  }
}

int Binder::NewSlot() {
  *pattern_width_ = std::max(*pattern_width_, width + 1);
  return static_cast<int>(width++);
}

VarInfo* Binder::Find(const std::string& name) {
  auto it = scope.find(name);
  return it == scope.end() ? nullptr : &it->second;
}

int Binder::Declare(const std::string& name, Kind kind, const Position& pos, bool* was_bound, std::vector<int>* new_slots) {
  *was_bound = false;
  if (name.empty()) {
    int s = NewSlot();
    new_slots->push_back(s);
    return s;
  }
  if (VarInfo* v = Find(name)) {
    bool compatible = v->kind == kind || v->kind == Kind::kAny ||
                      (kind == Kind::kRelList && v->kind == Kind::kListValue);
    if (!compatible)
      SyntaxError("VariableTypeConflict",
                  "variable `" + name + "` is a " + KindName(v->kind) + ", not a " + KindName(kind), pos);
    *was_bound = true;
    return v->slot;
  }
  int s = NewSlot();
  scope[name] = {s, kind};
  new_slots->push_back(s);
  return s;
}

Kind Binder::StaticKind(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kVariable:
      if (auto* v = Find(e.name)) return v->kind;
      return Kind::kAny;
    case ExprKind::kLiteral:
      if (e.value.is_null()) return Kind::kAny;
      return e.value.is_list() ? Kind::kListValue : e.value.is_map() ? Kind::kMapValue : Kind::kScalarValue;
    case ExprKind::kList:
    case ExprKind::kListComprehension:
    case ExprKind::kPatternComprehension: return Kind::kListValue;
    case ExprKind::kMap:
    case ExprKind::kMapProjection: return Kind::kMapValue;
    default: return Kind::kAny;
  }
}

// Compile-time argument checks where the type is evident.
void Binder::CheckStaticArguments(const Expr& e) {
  std::string n = AsciiLower(e.name);
  if (e.args.empty()) return;
  const Expr& a = *e.args[0];
  auto fail = [&](const std::string& expected) {
    SyntaxError("InvalidArgumentType", e.name + "() expects " + expected, a.pos);
  };
  Kind k = StaticKind(a);
  bool literal = a.kind == ExprKind::kLiteral && !a.value.is_null();
  bool literal_collection = a.kind == ExprKind::kList || (literal && (a.value.is_list()));
  if ((n == "size" || n == "length") && a.kind == ExprKind::kPattern)
    SyntaxError("UnexpectedSyntax", e.name + "() of a pattern predicate; use a pattern comprehension or COUNT", a.pos);
  if (n == "properties" || n == "keys") {
    if (literal || literal_collection || k == Kind::kPath || k == Kind::kRelList) fail("a node, relationship or map");
  } else if (n == "type") {
    if (k == Kind::kNode || k == Kind::kPath || literal || literal_collection) fail("a relationship");
  } else if (n == "labels") {
    if (k == Kind::kRel || k == Kind::kPath || literal || literal_collection) fail("a node");
  } else if (n == "nodes" || n == "relationships") {
    if (k == Kind::kNode || k == Kind::kRel || literal) fail("a path");
  } else if (n == "length") {
    if (k == Kind::kNode || k == Kind::kRel) fail("a path");
  } else if (n == "size") {
    if (k == Kind::kNode || k == Kind::kRel || k == Kind::kPath || (literal && !a.value.is_string() && !a.value.is_list()))
      fail("a list or a string");
  }
}

void Binder::Resolve(Expr& e, ExprContext cx) {
  switch (e.kind) {
    case ExprKind::kVariable: {
      VarInfo* v = Find(e.name);
      if (!v) SyntaxError("UndefinedVariable", "variable `" + e.name + "` is not defined", e.pos);
      e.slot = v->slot;
      return;
    }
    case ExprKind::kProperty: {
      Resolve(*e.args[0], cx);
      Kind k = StaticKind(*e.args[0]);
      if (k == Kind::kPath)
        SyntaxError("InvalidArgumentType", "a path has no properties: " + e.text, e.pos);
      if (k == Kind::kScalarValue || k == Kind::kListValue)
        throw ErrorAt("TypeError", "InvalidArgumentType", false,
                         "cannot read property '" + e.name + "' of a " + KindName(k), e.pos);
      return;
    }
    case ExprKind::kParameter:
      if (!params_.count(e.name))
        throw ErrorAt("ParameterMissing", "MissingParameter", false, "expected a parameter named $" + e.name, e.pos);
      return;
    case ExprKind::kFunction: {
      CheckFunctionCall(e);
      CheckStaticArguments(e);
      if (IsAggregateCall(e)) {
        if (cx.in_aggregate)
          SyntaxError("NestedAggregation", "an aggregate function cannot contain another: " + e.text, e.pos);
        if (!cx.allow_aggregates || !cx.aggregates)
          SyntaxError("InvalidAggregation", "aggregate functions are not allowed in " + std::string(cx.clause), e.pos);
        ExprContext inner = cx;
        inner.in_aggregate = true;
        for (auto& a : e.args) Resolve(*a, inner);
        for (auto& a : e.args)
          if (AsciiLower(e.name) != "percentilecont" && AsciiLower(e.name) != "percentiledisc" && a->kind == ExprKind::kFunction &&
              AsciiLower(a->name) == "rand")
            SyntaxError("NonConstantExpression", "aggregating a non-deterministic expression", a->pos);
        e.slot = static_cast<int>(cx.aggregates->size());
        cx.aggregates->push_back(&e);
        return;
      }
      ExprContext args_cx = cx;
      if (AsciiLower(e.name) == "exists") args_cx.allow_patterns = true;
      for (auto& a : e.args) Resolve(*a, args_cx);
      return;
    }
    case ExprKind::kReduce: {
      Resolve(*e.args[0], cx);
      Resolve(*e.args[1], cx);
      auto saved = scope;
      e.slot = NewSlot();
      e.acc_slot = NewSlot();
      scope[e.var] = {e.slot, Kind::kAny};
      scope[e.name] = {e.acc_slot, Kind::kAny};
      ExprContext inner = cx;
      inner.allow_aggregates = false;
      inner.clause = "reduce";
      Resolve(*e.args[2], inner);
      scope = saved;
      return;
    }
    case ExprKind::kListComprehension:
    case ExprKind::kQuantifier: {
      Resolve(*e.args[0], cx);
      auto saved = scope;
      e.slot = NewSlot();
      scope[e.var] = {e.slot, Kind::kAny};
      ExprContext inner = cx;
      inner.allow_aggregates = false;
      inner.clause = "a list comprehension";
      for (size_t i = 1; i < e.args.size(); ++i)
        if (e.args[i]) Resolve(*e.args[i], inner);
      scope = saved;
      return;
    }
    case ExprKind::kPattern:
    case ExprKind::kPatternComprehension: {
      if (e.kind == ExprKind::kPattern && !cx.allow_patterns)
        SyntaxError("UnexpectedSyntax",
                    "a pattern can only be used as a predicate (in WHERE or exists()); use a pattern comprehension",
                    e.pos);
      auto saved = scope;
      std::set<int> outer;
      for (const auto& [name, v] : scope) outer.insert(v.slot);
      // The planner compiles the sub-pattern (declaring its variables in
      // this inner scope) and notes the outer slots it reads.
      compile_sub_pattern_(e, outer);
      for (auto& a : e.args)
        if (a) Resolve(*a, cx);
      scope = saved;
      return;
    }
    case ExprKind::kBinary:
    case ExprKind::kUnary:
      if (e.name == "AND" || e.name == "OR" || e.name == "XOR" || e.name == "NOT")
        for (const auto& a : e.args) {
          bool literal_non_boolean = (a->kind == ExprKind::kLiteral && !a->value.is_null() && !a->value.is_bool()) ||
                                     a->kind == ExprKind::kList || a->kind == ExprKind::kMap;
          if (literal_non_boolean)
            SyntaxError("InvalidArgumentType", e.name + " needs Boolean operands, got " + a->text, a->pos);
        }
      for (auto& a : e.args)
        if (a) Resolve(*a, cx);
      return;
    case ExprKind::kMapProjection:
      Resolve(*e.args[0], cx);
      for (auto& item : e.projection)
        if (item.value) Resolve(*item.value, cx);
      return;
    case ExprKind::kCase:
    default:
      for (auto& a : e.args)
        if (a) Resolve(*a, cx);
      return;
  }
}

}  // namespace kg::query
