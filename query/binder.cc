#include "query/binder.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "query/evaluator.h"
#include "query/functions.h"
#include "query/lexer.h"
#include "query/procedures.h"

namespace kg::query {
namespace {

// What the binder knows of a variable's type. The k*Value kinds come from
// literals and constructors and let it report misuse at compile time.
enum class Kind { kAny, kNode, kRel, kRelList, kPath, kScalarValue, kListValue, kMapValue };

struct VarInfo {
  int slot;
  Kind kind;
};

// Where an expression stands: which of aggregates and pattern predicates it
// may use, and the clause to name in errors.
struct ExprContext {
  bool allow_aggregates = false;
  bool in_aggregate = false;
  bool allow_patterns = false;  // pattern predicates: WHERE and exists() only
  std::vector<const Expr*>* aggregates = nullptr;
  const char* clause = "this clause";
};

ExprPtr Variable(const std::string& name, Position pos) {
  auto e = std::make_unique<Expr>(ExprKind::kVariable, pos);
  e->name = name;
  e->text = name;
  return e;
}

bool UsesVariablesOrParams(const Expr& e, bool* params) {
  if (e.kind == ExprKind::kVariable) return true;
  if (e.kind == ExprKind::kParameter) *params = true;
  if (e.kind == ExprKind::kPattern || e.kind == ExprKind::kPatternComprehension) return true;
  for (const auto& a : e.args)
    if (a && UsesVariablesOrParams(*a, params)) return true;
  return false;
}

// Rewrites sub-expressions written exactly like a projected item into
// references to that item's column.
void ReplaceProjected(ExprPtr& e, const std::vector<ReturnItem*>& items) {
  if (!e || e->kind == ExprKind::kLiteral || e->kind == ExprKind::kParameter) return;
  for (ReturnItem* item : items) {
    if (e->text == item->expr->text && e->kind != ExprKind::kVariable) {
      auto ref = Variable(item->alias, e->pos);
      ref->text = e->text;
      e = std::move(ref);
      return;
    }
  }
  for (auto& a : e->args) ReplaceProjected(a, items);
}

class Binder {
 public:
  explicit Binder(const Params& params) : params_(params) {}

  void BindStatement(Statement& st);

 private:
  enum class PatternUse { kMatch, kMerge, kCreate, kPredicate, kComprehension };

  std::vector<std::string> BindSingle(SingleQuery& q);
  // Declares the pattern's variables (their slots go into the tree) and
  // resolves its property maps and WHERE.
  void BindPattern(Pattern& pattern, PatternUse use, Expr* where, PatternBinding* out);
  void BindProjection(Projection& p, bool is_return);
  void BindSetItems(std::vector<SetItem>& items);
  // UNWIND expr AS x, LOAD CSV FROM expr AS x.
  void BindExpressionAlias(Clause& c, const char* clause);
  // CALL name(args) YIELD ...; a standalone call's yields are the columns.
  void BindCall(Clause& c, bool standalone, std::vector<std::string>* columns);

  int NewSlot();
  VarInfo* Find(const std::string& name);
  // Declares (or finds) the variable of a pattern element: an anonymous
  // one gets a new slot; a bound one must be of a compatible kind.
  int Declare(const std::string& name, Kind kind, const Position& pos, bool* was_bound, std::vector<int>* new_slots);
  // What the binder knows of e's type without running it.
  Kind StaticKind(const Expr& e);
  // Resolves every name in e (and in its sub-expressions).
  void Resolve(Expr& e, ExprContext cx);
  void ResolveKind(Expr& e, ExprContext cx);  // Resolve, less noting the slots read

  // Binds a call to its registry entry (e.function); unknown functions and
  // wrong numbers of arguments are errors.
  void CheckFunctionCall(Expr& e);
  // Compile-time argument checks where the type is evident.
  void CheckStaticArguments(const Expr& e);
  // A WHERE that is plainly not a predicate, like `WHERE (n)` on a node.
  void CheckPredicate(const Expr& e);
  // In `RETURN n.x + count(*)`, n.x must be a grouping key.
  void CheckAmbiguousAggregation(const std::vector<ReturnItem*>& items);

  const Params& params_;
  Statement* st_ = nullptr;
  std::map<std::string, VarInfo> scope_;  // the variables in scope
  size_t width_ = 0;                      // slots a row has so far
};

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
  st_->pattern_width = std::max(st_->pattern_width, width_ + 1);
  return static_cast<int>(width_++);
}

VarInfo* Binder::Find(const std::string& name) {
  auto it = scope_.find(name);
  return it == scope_.end() ? nullptr : &it->second;
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
  scope_[name] = {s, kind};
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
  ResolveKind(e, cx);
  bool reads = e.kind == ExprKind::kProperty || e.kind == ExprKind::kSubscript || e.kind == ExprKind::kMapProjection;
  if (e.kind == ExprKind::kFunction) {
    std::string name = AsciiLower(e.name);
    reads = name != "count" && name != "id" && name != "elementid";
  }
  if (reads && st_)
    for (const auto& a : e.args)
      if (a && a->kind == ExprKind::kVariable && a->slot >= 0) st_->record_slots.insert(a->slot);
}

void Binder::ResolveKind(Expr& e, ExprContext cx) {
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
      auto saved = scope_;
      e.slot = NewSlot();
      e.acc_slot = NewSlot();
      scope_[e.var] = {e.slot, Kind::kAny};
      scope_[e.name] = {e.acc_slot, Kind::kAny};
      ExprContext inner = cx;
      inner.allow_aggregates = false;
      inner.clause = "reduce";
      Resolve(*e.args[2], inner);
      scope_ = saved;
      return;
    }
    case ExprKind::kListComprehension:
    case ExprKind::kQuantifier: {
      Resolve(*e.args[0], cx);
      auto saved = scope_;
      e.slot = NewSlot();
      scope_[e.var] = {e.slot, Kind::kAny};
      ExprContext inner = cx;
      inner.allow_aggregates = false;
      inner.clause = "a list comprehension";
      for (size_t i = 1; i < e.args.size(); ++i)
        if (e.args[i]) Resolve(*e.args[i], inner);
      scope_ = saved;
      return;
    }
    case ExprKind::kPattern:
    case ExprKind::kPatternComprehension: {
      if (e.kind == ExprKind::kPattern && !cx.allow_patterns)
        SyntaxError("UnexpectedSyntax",
                    "a pattern can only be used as a predicate (in WHERE or exists()); use a pattern comprehension",
                    e.pos);
      auto saved = scope_;
      // The sub-pattern declares its variables in an inner scope_; the
      // planner compiles it from its binding.
      Pattern pattern{e.pattern};
      PatternBinding binding;
      BindPattern(pattern, e.kind == ExprKind::kPattern ? PatternUse::kPredicate : PatternUse::kComprehension,
                  nullptr, &binding);
      e.outer_slots.clear();
      auto outer = [&](int slot) {
        return std::binary_search(binding.bound_before.begin(), binding.bound_before.end(), slot);
      };
      for (const auto& n : e.pattern->nodes)
        if (outer(n.slot)) e.outer_slots.push_back(n.slot);
      for (const auto& r : e.pattern->rels)
        if (outer(r.slot)) e.outer_slots.push_back(r.slot);
      st_->sub_patterns.emplace_back(&e, std::move(binding));
      for (auto& a : e.args)
        if (a) Resolve(*a, cx);
      scope_ = saved;
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

void Binder::CheckFunctionCall(Expr& e) {
  const Function* f = FindFunction(e.name);
  if (!f) SyntaxError("UnknownFunction", "unknown function '" + e.name + "'", e.pos);
  int argc = e.star ? 0 : static_cast<int>(e.args.size());
  bool count = f->aggregate == Aggregate::kCount;
  if (e.star && !count) SyntaxError("InvalidArgumentType", "only count(*) takes *", e.pos);
  if (!e.star && count && argc == 0) SyntaxError("InvalidNumberOfArguments", "count() needs an argument or *", e.pos);
  if (argc < f->min_args || argc > f->max_args)
    SyntaxError("InvalidNumberOfArguments",
                "function " + e.name + " takes " + std::to_string(f->min_args) +
                    (f->max_args != f->min_args
                         ? (f->max_args == kAnyCount ? " or more" : " to " + std::to_string(f->max_args))
                         : "") +
                    " argument(s), got " + std::to_string(argc),
                e.pos);
  e.function = f;
}

void Binder::CheckPredicate(const Expr& e) {
  if (e.kind == ExprKind::kBinary && (e.name == "AND" || e.name == "OR" || e.name == "XOR")) {
    CheckPredicate(*e.args[0]);
    CheckPredicate(*e.args[1]);
    return;
  }
  if (e.kind == ExprKind::kUnary && e.name == "NOT") return CheckPredicate(*e.args[0]);
  Kind k = StaticKind(e);
  if (k == Kind::kNode || k == Kind::kRel || k == Kind::kPath || k == Kind::kRelList)
    SyntaxError("InvalidArgumentType", "expected a predicate, got the " + std::string(KindName(k)) + " " + e.text, e.pos);
}

void Binder::CheckAmbiguousAggregation(const std::vector<ReturnItem*>& items) {
  std::set<std::string> keys;
  std::set<std::string> key_vars;
  for (ReturnItem* item : items)
    if (!ContainsAggregate(*item->expr)) {
      keys.insert(item->expr->text);
      if (item->expr->kind == ExprKind::kVariable) key_vars.insert(item->expr->name);
    }
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    if (IsAggregateCall(e)) return;
    // Only a grouping key written as a variable or a property access may
    // appear next to an aggregate; a longer expression must be aliased.
    if (keys.count(e.text) && (e.kind == ExprKind::kProperty || e.kind == ExprKind::kVariable)) return;
    if (e.kind == ExprKind::kVariable) {
      if (!key_vars.count(e.name) && Find(e.name))
        SyntaxError("AmbiguousAggregationExpression",
                    "expression mixes aggregation with `" + e.name + "`, which is not a grouping key", e.pos);
      return;
    }
    if (e.kind == ExprKind::kListComprehension || e.kind == ExprKind::kQuantifier || e.kind == ExprKind::kReduce) return;
    for (const auto& a : e.args)
      if (a) walk(*a);
  };
  for (ReturnItem* item : items)
    if (ContainsAggregate(*item->expr)) walk(*item->expr);
}

// ---- clauses ----

void Binder::BindStatement(Statement& st) {
  st_ = &st;
  if (st.parts.size() > 1) {
    bool all = st.union_all[0];
    for (bool b : st.union_all)
      if (b != all) SyntaxError("InvalidClauseComposition", "UNION and UNION ALL cannot be mixed in one statement");
  }
  for (size_t i = 0; i < st.parts.size(); ++i) {
    scope_.clear();
    width_ = 0;
    std::vector<std::string> columns = BindSingle(st.parts[i]);
    if (i == 0) st.columns = std::move(columns);
    else if (columns != st.columns)
      SyntaxError("DifferentColumnsInUnion", "all parts of a UNION must return the same column names");
  }
}

std::vector<std::string> Binder::BindSingle(SingleQuery& q) {
  std::vector<std::string> columns;
  for (size_t ci = 0; ci < q.clauses.size(); ++ci) {
    Clause& c = q.clauses[ci];
    bool last = ci + 1 == q.clauses.size();
    if (c.kind == ClauseKind::kReturn && !last)
      SyntaxError("InvalidClauseComposition", "RETURN can only be the last clause", c.pos);
    const bool standalone_call = c.kind == ClauseKind::kCall && q.clauses.size() == 1 && st_->parts.size() == 1;
    if (last && (c.kind == ClauseKind::kMatch || c.kind == ClauseKind::kWith || c.kind == ClauseKind::kUnwind ||
                 c.kind == ClauseKind::kLoadCsv || (c.kind == ClauseKind::kCall && !standalone_call)))
      SyntaxError("InvalidClauseComposition",
                  "a query cannot end with " +
                      std::string(c.kind == ClauseKind::kMatch    ? "MATCH"
                                  : c.kind == ClauseKind::kWith   ? "WITH"
                                  : c.kind == ClauseKind::kUnwind ? "UNWIND"
                                  : c.kind == ClauseKind::kCall   ? "CALL ... YIELD"
                                                                  : "LOAD CSV") +
                      "; add a RETURN clause",
                  c.pos);
    switch (c.kind) {
      case ClauseKind::kMatch: BindPattern(c.pattern, PatternUse::kMatch, c.where.get(), &c.bound_pattern); break;
      case ClauseKind::kUnwind: BindExpressionAlias(c, "UNWIND"); break;
      case ClauseKind::kCall: BindCall(c, standalone_call, &columns); break;
      case ClauseKind::kLoadCsv: BindExpressionAlias(c, "LOAD CSV"); break;
      case ClauseKind::kWith:
      case ClauseKind::kReturn:
        BindProjection(c.projection, c.kind == ClauseKind::kReturn);
        if (c.kind == ClauseKind::kReturn)
          for (const ReturnItem* item : c.projection.bound_items) columns.push_back(item->alias);
        break;
      case ClauseKind::kCreate: BindPattern(c.pattern, PatternUse::kCreate, nullptr, &c.bound_pattern); break;
      case ClauseKind::kMerge:
        BindPattern(c.pattern, PatternUse::kMerge, nullptr, &c.bound_pattern);
        BindSetItems(c.on_create);
        BindSetItems(c.on_match);
        break;
      case ClauseKind::kSet: BindSetItems(c.set_items); break;
      case ClauseKind::kRemove: {
        ExprContext cx;
        cx.clause = "REMOVE";
        for (auto& item : c.remove_items) {
          if (item.is_labels) item.property = Variable(item.var, item.pos);
          Resolve(*item.property, cx);
        }
        break;
      }
      case ClauseKind::kDelete: {
        ExprContext cx;
        cx.clause = "DELETE";
        for (auto& e : c.delete_exprs) {
          if (e->kind == ExprKind::kLabelCheck)
            SyntaxError("InvalidDelete", "DELETE takes nodes, relationships or paths; to remove a label use REMOVE",
                        e->pos);
          if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kBinary)
            SyntaxError("InvalidArgumentType", "DELETE takes nodes, relationships or paths", e->pos);
          Resolve(*e, cx);
        }
        break;
      }
    }
    c.width = width_;
  }
  return columns;
}

void Binder::BindExpressionAlias(Clause& c, const char* clause) {
  ExprContext cx;
  cx.clause = clause;
  Resolve(*c.expr, cx);
  if (Find(c.alias)) SyntaxError("VariableAlreadyBound", "variable `" + c.alias + "` is already bound", c.pos);
  c.alias_slot = NewSlot();
  scope_[c.alias] = {c.alias_slot, Kind::kAny};
}

void Binder::BindCall(Clause& c, bool standalone, std::vector<std::string>* columns) {
  c.proc = FindProcedure(c.procedure);
  if (!c.proc)
    SyntaxError("ProcedureNotFound", "there is no procedure " + c.procedure + " (SHOW PROCEDURES lists them)", c.pos);
  const Procedure& p = *c.proc;
  std::string name(p.name);
  if (c.implicit_args) {
    // CALL name: each argument is the parameter of its name.
    if (!standalone)
      SyntaxError("InvalidArgumentPassingMode",
                  "a CALL inside a query gives its arguments in parentheses: " + name + "(...)", c.pos);
    for (size_t i = 0; i < p.args.size(); ++i) {
      std::string arg(p.args[i].name);
      if (!params_.count(arg)) {
        if (i < p.required_args)
          SyntaxError("ParameterMissing", "CALL " + name + " without arguments needs the parameter $" + arg, c.pos);
        break;
      }
      auto e = std::make_unique<Expr>(ExprKind::kParameter, c.pos);
      e->name = arg;
      e->text = "$" + arg;
      c.call_args.push_back(std::move(e));
    }
  }
  if (c.call_args.size() < p.required_args || c.call_args.size() > p.args.size())
    SyntaxError("InvalidNumberOfArguments",
                "procedure " + name + " takes " +
                    (p.required_args == p.args.size() ? std::to_string(p.args.size())
                                                      : std::to_string(p.required_args) + " to " +
                                                            std::to_string(p.args.size())) +
                    " argument" + (p.args.size() == 1 ? "" : "s") + ", got " + std::to_string(c.call_args.size()) +
                    ": " + Signature(p),
                c.pos);
  ExprContext cx;
  cx.clause = "CALL";
  for (auto& a : c.call_args) {
    if (ContainsAggregate(*a)) SyntaxError("InvalidAggregation", "a procedure's argument cannot aggregate", a->pos);
    Resolve(*a, cx);
  }
  if (c.yield_all) {
    if (!standalone && !p.outputs.empty())
      SyntaxError(c.yields.empty() ? "InvalidClauseComposition" : "UnexpectedSyntax",
                  "a CALL inside a query names the fields it yields: CALL " + name + "(...) YIELD " +
                      std::string(p.outputs[0].name),
                  c.pos);
    for (const ProcedureField& f : p.outputs) {
      YieldItem y;
      y.field = y.alias = std::string(f.name);
      y.pos = c.pos;
      c.yields.push_back(std::move(y));
    }
  }
  for (YieldItem& y : c.yields) {
    auto it = std::find_if(p.outputs.begin(), p.outputs.end(), [&](const ProcedureField& f) { return f.name == y.field; });
    if (it == p.outputs.end()) {
      std::string fields;
      for (const ProcedureField& f : p.outputs) fields += (fields.empty() ? "" : ", ") + std::string(f.name);
      SyntaxError("UndefinedField", "procedure " + name + " has no field `" + y.field + "` (it yields " + fields + ")",
                  y.pos);
    }
    y.output = static_cast<int>(it - p.outputs.begin());
    if (Find(y.alias)) SyntaxError("VariableAlreadyBound", "variable `" + y.alias + "` is already bound", y.pos);
    y.slot = NewSlot();
    scope_[y.alias] = {y.slot, Kind::kAny};
    if (standalone) columns->push_back(y.alias);
  }
  if (c.where) {
    ExprContext wx;
    wx.clause = "WHERE";
    Resolve(*c.where, wx);
    CheckPredicate(*c.where);
  }
}

void Binder::BindSetItems(std::vector<SetItem>& items) {
  ExprContext cx;
  cx.clause = "SET";
  for (auto& item : items) {
    if (item.kind != SetItem::Kind::kProperty) item.target = Variable(item.var, item.pos);
    Resolve(*item.target, cx);
    if (item.value) Resolve(*item.value, cx);
  }
}

void Binder::BindPattern(Pattern& pattern, PatternUse use, Expr* where, PatternBinding* out) {
  out->bound_before.clear();
  out->new_slots.clear();
  for (const auto& [name, v] : scope_) out->bound_before.push_back(v.slot);
  std::sort(out->bound_before.begin(), out->bound_before.end());
  const bool writes = use == PatternUse::kCreate || use == PatternUse::kMerge;
  const char* written_as = use == PatternUse::kMerge ? "MERGE" : "MATCH";
  std::set<std::string> rel_names;
  for (const auto& part_ptr : pattern) {
    PatternPart& pp = *part_ptr;
    for (NodePattern& np : pp.nodes) {
      if (use == PatternUse::kPredicate && !np.var.empty() && !Find(np.var))
        SyntaxError("UndefinedVariable", "variable `" + np.var + "` is not defined", np.pos);
      bool was_bound;
      np.slot = Declare(np.var, Kind::kNode, np.pos, &was_bound, &out->new_slots);
      if (np.properties && np.properties->kind == ExprKind::kParameter && use != PatternUse::kCreate)
        SyntaxError("InvalidParameterUse", "a parameter cannot be used as a property map in " + std::string(written_as),
                    np.properties->pos);
      if (was_bound && writes && (!np.labels.empty() || np.properties || pp.nodes.size() == 1))
        SyntaxError("VariableAlreadyBound", "variable `" + np.var + "` is already bound and cannot be " +
                                                (use == PatternUse::kCreate ? "created" : "merged") + " again",
                    np.pos);
    }
    for (RelPattern& rp : pp.rels) {
      if (writes) {
        if (rp.var_length) SyntaxError("CreatingVarLength", "variable-length relationships cannot be created", rp.pos);
        if (rp.types.size() != 1)
          SyntaxError("NoSingleRelationshipType", "a relationship to create needs exactly one type", rp.pos);
        if (use == PatternUse::kCreate && rp.direction == Direction::kBoth)
          SyntaxError("RequiresDirectedRelationship", "a relationship to create needs a direction", rp.pos);
      }
      if (rp.properties && rp.properties->kind == ExprKind::kParameter && use != PatternUse::kCreate)
        SyntaxError("InvalidParameterUse", "a parameter cannot be used as a property map in " + std::string(written_as),
                    rp.properties->pos);
      if (!rp.var.empty() && !rel_names.insert(rp.var).second)
        SyntaxError("RelationshipUniquenessViolation",
                    "relationship variable `" + rp.var + "` appears twice in one pattern", rp.pos);
      if (rp.var_length && (rp.min_hops < 0 || (rp.max_hops && *rp.max_hops < 0)))
        SyntaxError("InvalidRelationshipPattern", "relationship hop counts must not be negative", rp.pos);
      if (use == PatternUse::kPredicate && !rp.var.empty() && !Find(rp.var))
        SyntaxError("UndefinedVariable", "variable `" + rp.var + "` is not defined", rp.pos);
      bool was_bound;
      rp.slot = Declare(rp.var, rp.var_length ? Kind::kRelList : Kind::kRel, rp.pos, &was_bound, &out->new_slots);
      if (was_bound && writes)
        SyntaxError("VariableAlreadyBound", "relationship variable `" + rp.var + "` is already bound", rp.pos);
    }
    if (!pp.path_var.empty()) {
      if (Find(pp.path_var))
        SyntaxError("VariableAlreadyBound", "path variable `" + pp.path_var + "` is already bound", pp.pos);
      pp.path_slot = NewSlot();
      scope_[pp.path_var] = {pp.path_slot, Kind::kPath};
      out->new_slots.push_back(pp.path_slot);
    }
    if (pp.kind != PatternPart::Kind::kPlain && pp.rels.size() != 1)
      SyntaxError("UnexpectedSyntax", "shortestPath needs a pattern with exactly one relationship", pp.pos);
  }

  // Property maps may refer to any variable in scope now.
  ExprContext cx;
  cx.clause = "a pattern";
  for (const auto& part_ptr : pattern) {
    for (NodePattern& np : part_ptr->nodes)
      if (np.properties) Resolve(*np.properties, cx);
    for (RelPattern& rp : part_ptr->rels)
      if (rp.properties) Resolve(*rp.properties, cx);
  }
  if (where) {
    ExprContext wx;
    wx.clause = "WHERE";
    wx.allow_patterns = true;
    CheckPredicate(*where);
    Resolve(*where, wx);
  }
}

void Binder::BindProjection(Projection& p, bool is_return) {
  p.old_width = width_;
  std::vector<ReturnItem*>& items = p.bound_items;
  items.clear();
  // RETURN * / WITH *: every named variable in scope.
  if (p.star) {
    if (scope_.empty() && p.items.empty() && is_return)
      SyntaxError("NoVariablesInScope", "RETURN * needs variables in scope", p.pos);
    for (const auto& [name, v] : scope_) {
      auto item = std::make_unique<ReturnItem>();
      item->expr = Variable(name, p.pos);
      item->alias = name;
      item->has_alias = true;
      p.star_items.push_back(std::move(item));
      items.push_back(p.star_items.back().get());
    }
  }
  for (auto& item : p.items) items.push_back(&item);
  std::set<std::string> aliases;
  for (ReturnItem* item : items) {
    if (!is_return && !item->has_alias && item->expr->kind != ExprKind::kVariable)
      SyntaxError("NoExpressionAlias", "expression in WITH must be aliased (use AS): " + item->expr->text,
                  item->expr->pos);
    if (!item->has_alias && item->expr->kind == ExprKind::kVariable) item->alias = item->expr->name;
    if (!aliases.insert(item->alias).second)
      SyntaxError("ColumnNameConflict", "column name `" + item->alias + "` is used more than once", item->expr->pos);
  }
  ExprContext cx;
  cx.allow_aggregates = true;
  cx.aggregates = &p.aggregates;
  cx.clause = is_return ? "RETURN" : "WITH";
  std::vector<Kind> kinds;
  p.aggregate = false;
  for (ReturnItem* item : items) {
    Resolve(*item->expr, cx);
    kinds.push_back(StaticKind(*item->expr));
    if (ContainsAggregate(*item->expr)) p.aggregate = true;
  }
  if (p.aggregate) CheckAmbiguousAggregation(items);
  p.extended_width = p.old_width + items.size();
  // Only the projected columns, at their slots in the extended row.
  auto projected = [&] {
    std::map<std::string, VarInfo> only_new;
    for (size_t i = 0; i < items.size(); ++i)
      only_new[items[i]->alias] = {static_cast<int>(p.old_width + i), kinds[i]};
    return only_new;
  };

  // ORDER BY sees the old variables and the new aliases (aliases win).
  auto old_scope = scope_;
  std::map<std::string, VarInfo> extended = scope_;
  // Temporaries of ORDER BY and WHERE go after the extended row.
  width_ = std::max(width_, p.extended_width);
  st_->pattern_width = std::max(st_->pattern_width, p.extended_width);
  for (size_t i = 0; i < items.size(); ++i) extended[items[i]->alias] = {static_cast<int>(p.old_width + i), kinds[i]};
  for (auto& s : p.order) {
    // An ORDER BY expression written as a projected expression reads its column.
    int match = -1;
    for (size_t i = 0; i < items.size(); ++i)
      if (s.expr->text == items[i]->expr->text || (s.expr->kind == ExprKind::kVariable && s.expr->name == items[i]->alias))
        match = static_cast<int>(i);
    if (match >= 0 && s.expr->kind != ExprKind::kVariable) {
      auto ref = Variable(items[static_cast<size_t>(match)]->alias, s.expr->pos);
      ref->text = s.expr->text;
      s.expr = std::move(ref);
    }
    if (p.aggregate) ReplaceProjected(s.expr, items);
    scope_ = extended;
    if (p.aggregate || p.distinct) {
      // Only projected columns exist after aggregation or DISTINCT.
      scope_ = projected();
      if (p.aggregate && ContainsAggregate(*s.expr))
        SyntaxError("InvalidAggregation", "ORDER BY can only use aggregates that are projected: " + s.expr->text,
                    s.expr->pos);
    }
    ExprContext ox;
    ox.clause = "ORDER BY";
    Resolve(*s.expr, ox);
  }
  scope_ = old_scope;
  for (Expr* e : {p.skip.get(), p.limit.get()}) {
    if (!e) continue;
    bool params = false;
    if (UsesVariablesOrParams(*e, &params))
      SyntaxError("NonConstantExpression", "SKIP and LIMIT must be constants or parameters: " + e->text, e->pos);
    ExprContext lx;
    lx.clause = e == p.skip.get() ? "SKIP" : "LIMIT";
    Resolve(*e, lx);
  }

  // WITH's WHERE sees the new aliases and, without aggregation or
  // DISTINCT, the variables before them too (it runs on the extended row).
  if (p.where) {
    if (p.aggregate || p.distinct) {
      ReplaceProjected(p.where, items);
      scope_ = projected();
    } else {
      scope_ = extended;
    }
    ExprContext wx;
    wx.clause = "WHERE";
    wx.allow_patterns = true;
    CheckPredicate(*p.where);
    Resolve(*p.where, wx);
  }
  // The new scope: the aliases, in order.
  scope_.clear();
  for (size_t i = 0; i < items.size(); ++i) scope_[items[i]->alias] = {static_cast<int>(i), kinds[i]};
  width_ = items.size();
  p.new_width = width_;
}

}  // namespace

void Bind(Statement& st, const Params& params) { Binder(params).BindStatement(st); }

bool Writes(const Statement& st) {
  for (const SingleQuery& part : st.parts)
    for (const Clause& c : part.clauses)
      switch (c.kind) {
        case ClauseKind::kCreate:
        case ClauseKind::kMerge:
        case ClauseKind::kSet:
        case ClauseKind::kRemove:
        case ClauseKind::kDelete: return true;
        default: break;
      }
  return false;
}

}  // namespace kg::query
