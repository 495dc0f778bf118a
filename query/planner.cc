#include "query/planner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "query/binder.h"
#include "query/lexer.h"
#include "query/matcher.h"

namespace kg::query {
namespace {

// Splits a predicate into its AND-ed conjuncts.
void Conjuncts(Expr* e, std::vector<Expr*>* out) {
  if (e->kind == ExprKind::kBinary && e->name == "AND") {
    Conjuncts(e->args[0].get(), out);
    Conjuncts(e->args[1].get(), out);
  } else {
    out->push_back(e);
  }
}

// Slots an expression reads (comprehension temporaries included; harmless).
void SlotsUsed(const Expr& e, std::set<int>* out) {
  if (e.kind == ExprKind::kVariable && e.slot >= 0) out->insert(e.slot);
  for (const auto& a : e.args)
    if (a) SlotsUsed(*a, out);
  for (const auto& item : e.projection)
    if (item.value) SlotsUsed(*item.value, out);
  if (e.pattern) {
    // Outer variables a sub-pattern refers to are read too.
    out->insert(e.outer_slots.begin(), e.outer_slots.end());
    for (const auto& n : e.pattern->nodes)
      if (n.properties) SlotsUsed(*n.properties, out);
  }
}

bool UsesVariablesOrParams(const Expr& e, bool* params) {
  if (e.kind == ExprKind::kVariable) return true;
  if (e.kind == ExprKind::kParameter) *params = true;
  if (e.kind == ExprKind::kPattern || e.kind == ExprKind::kPatternComprehension) return true;
  for (const auto& a : e.args)
    if (a && UsesVariablesOrParams(*a, params)) return true;
  return false;
}

class Planner {
 public:
  Planner(Statement& st, Runtime& rt, EvalSupport& support, Plan* plan)
      : st_(st),
        rt_(rt),
        support_(support),
        plan_(plan),
        binder_(rt.ctx.params, &plan->pattern_width, [this](Expr& e, const std::set<int>& outer) {
          CompileSubPattern(e, outer);
        }) {}

  void Build() {
    if (st_.parts.size() > 1) {
      bool all = st_.union_all[0];
      for (bool b : st_.union_all)
        if (b != all)
          SyntaxError("InvalidClauseComposition", "UNION and UNION ALL cannot be mixed in one statement");
    }
    plan_->sink = std::make_unique<SinkOp>([](Row&) { return true; });
    UnionOp* union_op = nullptr;
    if (st_.parts.size() > 1) {
      auto u = std::make_unique<UnionOp>(!st_.union_all[0]);
      union_op = u.get();
      u->set_next(plan_->sink.get());
      plan_->operators.push_back(std::move(u));
    }
    for (size_t i = 0; i < st_.parts.size(); ++i) {
      binder_.scope.clear();
      binder_.width = 0;
      head_ = nullptr;
      tail_ = nullptr;
      std::vector<std::string> columns = PlanSingle(st_.parts[i]);
      if (i == 0) {
        plan_->columns = columns;
      } else if (columns != plan_->columns) {
        SyntaxError("DifferentColumnsInUnion", "all parts of a UNION must return the same column names");
      }
      Append(nullptr);  // terminate
      if (union_op) tail_->set_next(union_op);
      else tail_->set_next(plan_->sink.get());
      plan_->heads.push_back(head_);
    }
  }

 private:
  // ---- operator chain ----
  void Append(OperatorPtr op) {
    if (!op) return;
    op->set_profile(rt_.profile);
    Operator* raw = op.get();
    plan_->operators.push_back(std::move(op));
    if (!head_) head_ = raw;
    else tail_->set_next(raw);
    tail_ = raw;
  }
  void EnsureHead() {
    if (!head_) {
      // A pass-through start so that every chain has a head.
      Append(std::make_unique<FilterOp>(rt_, plan_->true_literal.get()));
    }
  }

  // ---- patterns ----
  enum class PatternMode { kMatch, kMerge, kCreate, kSub };

  struct Compiled {
    std::vector<MatchPart> parts;
    std::vector<MatchFilter> filters;
    std::vector<int> new_slots;
  };

  // A pattern predicate's or comprehension's pattern, for the binder.
  void CompileSubPattern(Expr& e, const std::set<int>& outer) {
    Pattern pattern{e.pattern};
    auto compiled = CompilePattern(pattern, PatternMode::kSub, nullptr, e.kind == ExprKind::kPatternComprehension);
    e.outer_slots.clear();
    for (const auto& part : compiled.parts) {
      for (const auto& n : part.nodes)
        if (outer.count(n.slot)) e.outer_slots.push_back(n.slot);
      for (const auto& r : part.rels)
        if (outer.count(r.slot)) e.outer_slots.push_back(r.slot);
    }
    support_.patterns[&e] = std::make_shared<PatternMatcher>(std::move(compiled.parts), std::move(compiled.filters));
  }

  Anchor ChooseAnchor(const NodeStep& n, const std::set<int>& bound, const std::vector<Expr*>& where_parts,
                      const std::string& var) {
    Anchor a;
    if (bound.count(n.slot)) {
      a.kind = Anchor::Kind::kBound;
      a.estimate = 1;
      return a;
    }
    auto& txn = rt_.ctx.txn;
    // An equality on an indexed (label, key): from the pattern's map or WHERE.
    for (const auto& label : n.labels) {
      auto lid = txn.ResolveLabel(label);
      if (!lid) continue;
      auto try_key = [&](const std::string& key, const Expr* value) {
        auto kid = txn.ResolveKey(key);
        if (!kid || !txn.HasIndex(*lid, *kid)) return false;
        a.kind = Anchor::Kind::kIndexSeek;
        a.label = label;
        a.key = key;
        a.value = value;
        a.estimate = 1;
        return true;
      };
      if (n.properties && n.properties->kind == ExprKind::kMap) {
        for (size_t i = 0; i < n.properties->keys.size(); ++i) {
          std::set<int> used;
          SlotsUsed(*n.properties->args[i], &used);
          bool ready = std::all_of(used.begin(), used.end(), [&](int s) { return bound.count(s); });
          if (ready && try_key(n.properties->keys[i], n.properties->args[i].get())) return a;
        }
      }
      for (Expr* c : where_parts) {
        if (c->kind != ExprKind::kBinary || c->name != "=") continue;
        for (int side = 0; side < 2; ++side) {
          const Expr& prop = *c->args[side];
          const Expr& other = *c->args[1 - side];
          if (prop.kind != ExprKind::kProperty || prop.args[0]->kind != ExprKind::kVariable || prop.args[0]->name != var)
            continue;
          std::set<int> used;
          SlotsUsed(other, &used);
          bool ready = std::all_of(used.begin(), used.end(), [&](int s) { return bound.count(s); });
          if (ready && try_key(prop.name, &other)) return a;
        }
      }
    }
    double best = -1;
    for (const auto& label : n.labels) {
      auto lid = txn.ResolveLabel(label);
      double count = 0;
      if (lid) {
        auto c = txn.CountNodes(*lid);
        count = c.ok() ? static_cast<double>(*c) : 0;
      }
      if (best < 0 || count < best) {
        best = count;
        a.kind = Anchor::Kind::kLabelScan;
        a.label = label;
        a.estimate = count;
      }
    }
    if (best >= 0) return a;
    auto c = txn.CountNodes(std::nullopt);
    a.kind = Anchor::Kind::kAllNodes;
    a.estimate = c.ok() ? static_cast<double>(*c) : 0;
    return a;
  }

  Compiled CompilePattern(const Pattern& pattern, PatternMode mode, Expr* where, bool allow_new_in_sub = true,
                          bool keep_order = false) {
    Compiled out;
    std::set<int> bound_before;
    for (const auto& [name, v] : binder_.scope) bound_before.insert(v.slot);
    std::set<std::string> rel_names;
    std::vector<std::string> names_in_order;  // node var of each part element, for WHERE anchors
    std::vector<std::vector<std::string>> node_names;

    for (const auto& part_ptr : pattern) {
      const PatternPart& pp = *part_ptr;
      MatchPart part;
      part.kind = pp.kind;
      std::vector<std::string> names;
      for (size_t i = 0; i < pp.nodes.size(); ++i) {
        const NodePattern& np = pp.nodes[i];
        bool was_bound;
        if (mode == PatternMode::kSub && !allow_new_in_sub && !np.var.empty() && !binder_.Find(np.var))
          SyntaxError("UndefinedVariable", "variable `" + np.var + "` is not defined", np.pos);
        NodeStep step;
        step.slot = binder_.Declare(np.var, Kind::kNode, np.pos, &was_bound, &out.new_slots);
        step.labels = np.labels;
        if (np.properties) {
          if (np.properties->kind == ExprKind::kParameter && mode != PatternMode::kCreate)
            SyntaxError("InvalidParameterUse", "a parameter cannot be used as a property map in " +
                                                   std::string(mode == PatternMode::kMerge ? "MERGE" : "MATCH"),
                        np.properties->pos);
          step.properties = np.properties.get();
        }
        if (was_bound && (mode == PatternMode::kCreate || mode == PatternMode::kMerge) &&
            (!np.labels.empty() || np.properties || pp.nodes.size() == 1))
          SyntaxError("VariableAlreadyBound", "variable `" + np.var + "` is already bound and cannot be " +
                                                  (mode == PatternMode::kCreate ? "created" : "merged") + " again",
                      np.pos);
        part.nodes.push_back(std::move(step));
        names.push_back(np.var);
      }
      for (const RelPattern& rp : pp.rels) {
        if (mode == PatternMode::kCreate || mode == PatternMode::kMerge) {
          if (rp.var_length) SyntaxError("CreatingVarLength", "variable-length relationships cannot be created", rp.pos);
          if (rp.types.size() != 1)
            SyntaxError("NoSingleRelationshipType", "a relationship to create needs exactly one type", rp.pos);
          if (mode == PatternMode::kCreate && rp.direction == Direction::kBoth)
            SyntaxError("RequiresDirectedRelationship", "a relationship to create needs a direction", rp.pos);
          if (rp.properties && rp.properties->kind == ExprKind::kParameter && mode == PatternMode::kMerge)
            SyntaxError("InvalidParameterUse", "a parameter cannot be used as a property map in MERGE", rp.properties->pos);
        } else if (rp.properties && rp.properties->kind == ExprKind::kParameter) {
          SyntaxError("InvalidParameterUse", "a parameter cannot be used as a property map in MATCH", rp.properties->pos);
        }
        if (!rp.var.empty()) {
          if (!rel_names.insert(rp.var).second)
            SyntaxError("RelationshipUniquenessViolation",
                        "relationship variable `" + rp.var + "` appears twice in one pattern", rp.pos);
        }
        if (rp.var_length && (rp.min_hops < 0 || (rp.max_hops && *rp.max_hops < 0)))
          SyntaxError("InvalidRelationshipPattern", "relationship hop counts must not be negative", rp.pos);
        bool was_bound;
        if (mode == PatternMode::kSub && !allow_new_in_sub && !rp.var.empty() && !binder_.Find(rp.var))
          SyntaxError("UndefinedVariable", "variable `" + rp.var + "` is not defined", rp.pos);
        RelStep step;
        step.slot = binder_.Declare(rp.var, rp.var_length ? Kind::kRelList : Kind::kRel, rp.pos, &was_bound, &out.new_slots);
        if (was_bound && (mode == PatternMode::kCreate || mode == PatternMode::kMerge))
          SyntaxError("VariableAlreadyBound", "relationship variable `" + rp.var + "` is already bound", rp.pos);
        step.types = rp.types;
        step.direction = rp.direction;
        step.properties = rp.properties.get();
        step.var_length = rp.var_length;
        step.min_hops = rp.var_length ? rp.min_hops : 1;
        step.max_hops = rp.var_length ? (rp.max_hops ? *rp.max_hops : -1) : 1;
        part.rels.push_back(std::move(step));
      }
      if (!pp.path_var.empty()) {
        if (binder_.Find(pp.path_var))
          SyntaxError("VariableAlreadyBound", "path variable `" + pp.path_var + "` is already bound", pp.pos);
        part.path_slot = binder_.NewSlot();
        binder_.scope[pp.path_var] = {part.path_slot, Kind::kPath};
        out.new_slots.push_back(part.path_slot);
      }
      if (pp.kind != PatternPart::Kind::kPlain && (pp.rels.size() != 1))
        SyntaxError("UnexpectedSyntax", "shortestPath needs a pattern with exactly one relationship", pp.pos);
      out.parts.push_back(std::move(part));
      node_names.push_back(std::move(names));
    }

    // Property maps may refer to any variable in scope now.
    ExprContext cx;
    cx.clause = "a pattern";
    for (auto& part : out.parts) {
      for (auto& n : part.nodes)
        if (n.properties) binder_.Resolve(*const_cast<Expr*>(n.properties), cx);
      for (auto& r : part.rels)
        if (r.properties) binder_.Resolve(*const_cast<Expr*>(r.properties), cx);
    }
    std::vector<Expr*> where_parts;
    if (where) {
      ExprContext wx;
      wx.clause = "WHERE";
      wx.allow_patterns = true;
      CheckPredicate(*where);
      binder_.Resolve(*where, wx);
      Conjuncts(where, &where_parts);
    }
    if (mode == PatternMode::kCreate || keep_order) return out;

    // Order parts greedily by anchor cost; traverse each from its cheaper end.
    std::vector<MatchPart> ordered;
    std::set<int> bound = bound_before;
    std::vector<bool> taken(out.parts.size(), false);
    for (size_t round = 0; round < out.parts.size(); ++round) {
      size_t best = SIZE_MAX;
      bool best_reversed = false;
      double best_cost = 0;
      Anchor best_anchor;
      for (size_t i = 0; i < out.parts.size(); ++i) {
        if (taken[i]) continue;
        const MatchPart& p = out.parts[i];
        bool shortest = p.kind != PatternPart::Kind::kPlain;
        Anchor front = ChooseAnchor(p.nodes.front(), bound, where_parts, node_names[i].front());
        Anchor back = ChooseAnchor(p.nodes.back(), bound, where_parts, node_names[i].back());
        bool rev = !shortest && back.estimate < front.estimate;
        Anchor chosen = rev ? back : front;
        // Shortest paths go last: their ends are best bound first.
        double cost = chosen.estimate + (shortest ? 1e18 : 0);
        if (best == SIZE_MAX || cost < best_cost) {
          best = i;
          best_cost = cost;
          best_reversed = rev;
          best_anchor = chosen;
        }
      }
      taken[best] = true;
      MatchPart p = out.parts[best];
      if (best_reversed) {
        std::reverse(p.nodes.begin(), p.nodes.end());
        std::reverse(p.rels.begin(), p.rels.end());
        for (auto& r : p.rels)
          if (r.direction != Direction::kBoth) r.direction = r.direction == Direction::kOut ? Direction::kIn : Direction::kOut;
        p.reversed = true;
      }
      p.anchor = best_anchor;
      if (p.kind != PatternPart::Kind::kPlain)
        p.end_anchor = ChooseAnchor(p.nodes.back(), bound, where_parts, node_names[best].back());
      for (auto& n : p.nodes) bound.insert(n.slot);
      for (auto& r : p.rels) bound.insert(r.slot);
      if (p.path_slot >= 0) bound.insert(p.path_slot);
      ordered.push_back(std::move(p));
    }
    out.parts = std::move(ordered);

    // Which steps find their slot already bound, and when each slot binds.
    std::map<int, int> bind_event;
    std::set<int> seen = bound_before;
    int offset = 0;
    for (auto& p : out.parts) {
      bool shortest = p.kind != PatternPart::Kind::kPlain;
      for (size_t k = 0; k < p.nodes.size(); ++k) {
        p.nodes[k].bound = seen.count(p.nodes[k].slot) > 0;
        if (!p.nodes[k].bound) bind_event[p.nodes[k].slot] = offset + (shortest ? 3 : static_cast<int>(2 * k));
        seen.insert(p.nodes[k].slot);
        if (k < p.rels.size()) {
          p.rels[k].bound = seen.count(p.rels[k].slot) > 0;
          if (!p.rels[k].bound) bind_event[p.rels[k].slot] = offset + (shortest ? 3 : static_cast<int>(2 * k + 1));
          seen.insert(p.rels[k].slot);
        }
      }
      if (p.path_slot >= 0) bind_event[p.path_slot] = offset + static_cast<int>(2 * p.rels.size() + 1);
      offset += static_cast<int>(2 * p.rels.size() + 2);
    }
    for (Expr* c : where_parts) {
      std::set<int> used;
      SlotsUsed(*c, &used);
      int event = -1;
      for (int s : used)
        if (auto it = bind_event.find(s); it != bind_event.end()) event = std::max(event, it->second);
      out.filters.push_back({c, event});
    }
    return out;
  }

  // ---- clauses ----
  bool IsWrite(ClauseKind k) {
    return k == ClauseKind::kCreate || k == ClauseKind::kMerge || k == ClauseKind::kSet || k == ClauseKind::kRemove ||
           k == ClauseKind::kDelete;
  }

  // Only distinct values of the projected columns matter downstream.
  bool MultiplicityInsensitive(const Clause& next) {
    if (next.kind != ClauseKind::kWith && next.kind != ClauseKind::kReturn) return false;
    const Projection& p = next.projection;
    if (p.distinct) return true;
    bool any_agg = false;
    for (const auto& item : p.items) {
      if (!ContainsAggregate(*item.expr)) continue;
      any_agg = true;
      if (item.expr->kind != ExprKind::kFunction) return false;
      std::string fn = AsciiLower(item.expr->name);
      if (!(item.expr->distinct || fn == "min" || fn == "max")) return false;
    }
    return any_agg;
  }

  // UNWIND expr AS x, LOAD CSV FROM expr AS x: resolves expr in the current
  // scope, then binds x to a new slot, which it returns.
  int BindExpressionAlias(Clause& c, const char* clause) {
    EnsureHead();
    ExprContext cx;
    cx.clause = clause;
    binder_.Resolve(*c.expr, cx);
    if (binder_.Find(c.alias)) SyntaxError("VariableAlreadyBound", "variable `" + c.alias + "` is already bound", c.pos);
    int slot = binder_.NewSlot();
    binder_.scope[c.alias] = {slot, Kind::kAny};
    return slot;
  }

  std::vector<std::string> PlanSingle(SingleQuery& q) {
    std::vector<std::string> columns;
    for (size_t ci = 0; ci < q.clauses.size(); ++ci) {
      Clause& c = q.clauses[ci];
      bool last = ci + 1 == q.clauses.size();
      if (c.kind == ClauseKind::kReturn && !last)
        SyntaxError("InvalidClauseComposition", "RETURN can only be the last clause", c.pos);
      if (last && (c.kind == ClauseKind::kMatch || c.kind == ClauseKind::kWith || c.kind == ClauseKind::kUnwind ||
                   c.kind == ClauseKind::kLoadCsv))
        SyntaxError("InvalidClauseComposition", "a query cannot end with " +
                                                     std::string(c.kind == ClauseKind::kMatch ? "MATCH" : c.kind == ClauseKind::kWith ? "WITH" : c.kind == ClauseKind::kUnwind ? "UNWIND" : "LOAD CSV") +
                                                     "; add a RETURN clause",
                    c.pos);
      if (IsWrite(c.kind)) {
        plan_->writes = true;
        Append(std::make_unique<EagerOp>());
      }
      switch (c.kind) {
        case ClauseKind::kMatch: PlanMatch(c, ci + 1 < q.clauses.size() ? &q.clauses[ci + 1] : nullptr); break;
        case ClauseKind::kUnwind: {
          int slot = BindExpressionAlias(c, "UNWIND");
          Append(std::make_unique<UnwindOp>(rt_, c.expr.get(), slot, binder_.width));
          break;
        }
        case ClauseKind::kLoadCsv: {
          int slot = BindExpressionAlias(c, "LOAD CSV");
          Append(std::make_unique<LoadCsvOp>(rt_, c.expr.get(), slot, binder_.width, c.with_headers, c.field_terminator));
          break;
        }
        case ClauseKind::kWith:
        case ClauseKind::kReturn: {
          EnsureHead();
          auto cols = PlanProjection(c.projection, c.kind == ClauseKind::kReturn);
          if (c.kind == ClauseKind::kReturn) columns = cols;
          break;
        }
        case ClauseKind::kCreate: {
          EnsureHead();
          auto compiled = CompilePattern(c.pattern, PatternMode::kCreate, nullptr);
          for (auto& p : compiled.parts)
            for (auto& n : p.nodes) n.bound = std::find(compiled.new_slots.begin(), compiled.new_slots.end(), n.slot) == compiled.new_slots.end();
          // A node named twice in one CREATE is created once.
          std::set<int> created;
          for (auto& p : compiled.parts)
            for (auto& n : p.nodes)
              if (!n.bound && !created.insert(n.slot).second) n.bound = true;
          Append(std::make_unique<CreateOp>(rt_, std::move(compiled.parts), binder_.width));
          break;
        }
        case ClauseKind::kMerge: PlanMerge(c); break;
        case ClauseKind::kSet: {
          EnsureHead();
          ResolveSetItems(c.set_items);
          Append(std::make_unique<SetOp>(rt_, &c.set_items));
          break;
        }
        case ClauseKind::kRemove: {
          EnsureHead();
          ExprContext cx;
          cx.clause = "REMOVE";
          for (auto& item : c.remove_items) {
            if (item.is_labels) {
              item.property = Variable(item.var, item.pos);
              binder_.Resolve(*item.property, cx);
            } else {
              binder_.Resolve(*item.property, cx);
            }
          }
          Append(std::make_unique<RemoveOp>(rt_, &c));
          break;
        }
        case ClauseKind::kDelete: {
          EnsureHead();
          ExprContext cx;
          cx.clause = "DELETE";
          for (auto& e : c.delete_exprs) {
            if (e->kind == ExprKind::kLabelCheck)
              SyntaxError("InvalidDelete", "DELETE takes nodes, relationships or paths; to remove a label use REMOVE", e->pos);
            if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kBinary)
              SyntaxError("InvalidArgumentType", "DELETE takes nodes, relationships or paths", e->pos);
            binder_.Resolve(*e, cx);
          }
          Append(std::make_unique<DeleteOp>(rt_, &c));
          break;
        }
      }
      if (IsWrite(c.kind) && !last) Append(std::make_unique<EagerOp>());
    }
    EnsureHead();
    return columns;
  }

  ExprPtr Variable(const std::string& name, Position pos) {
    auto e = std::make_unique<Expr>(ExprKind::kVariable, pos);
    e->name = name;
    e->text = name;
    return e;
  }

  void ResolveSetItems(std::vector<SetItem>& items) {
    ExprContext cx;
    cx.clause = "SET";
    for (auto& item : items) {
      if (item.kind != SetItem::Kind::kProperty) item.target = Variable(item.var, item.pos);
      binder_.Resolve(*item.target, cx);
      if (item.value) binder_.Resolve(*item.value, cx);
    }
  }

  void PlanMatch(Clause& c, const Clause* next) {
    EnsureHead();
    auto compiled = CompilePattern(c.pattern, PatternMode::kMatch, c.where.get());
    // Distinct end nodes are enough: a BFS replaces path enumeration.
    if (compiled.parts.size() == 1 && next && MultiplicityInsensitive(*next)) {
      MatchPart& p = compiled.parts[0];
      if (p.kind == PatternPart::Kind::kPlain && p.rels.size() == 1 && p.path_slot < 0) {
        RelStep& r = p.rels[0];
        const RelPattern& original = c.pattern[0]->rels[0];
        if (r.var_length && original.var.empty() && !r.properties && r.direction != Direction::kBoth && r.min_hops <= 1)
          r.endpoints_only = true;
      }
    }
    auto matcher = std::make_shared<PatternMatcher>(std::move(compiled.parts), std::move(compiled.filters));
    auto op = std::make_unique<MatchOp>(rt_, matcher, c.optional, compiled.new_slots, binder_.width);
    double estimate = 1;
    for (const auto& p : matcher->parts()) estimate *= std::max(1.0, p.anchor.estimate);
    op->estimate = estimate;
    Append(std::move(op));
  }

  void PlanMerge(Clause& c) {
    EnsureHead();
    // The create side keeps the pattern as written; the match side is planned.
    auto saved_scope = binder_.scope;
    size_t saved_width = binder_.width;
    auto create = CompilePattern(c.pattern, PatternMode::kMerge, nullptr);
    binder_.scope = saved_scope;
    binder_.width = saved_width;
    auto as_create = CompilePattern(c.pattern, PatternMode::kMerge, nullptr, true, /*keep_order=*/true);
    // Slots must agree between both compilations: they were allocated in the same order.
    for (auto& p : as_create.parts)
      for (auto& n : p.nodes)
        n.bound = std::find(as_create.new_slots.begin(), as_create.new_slots.end(), n.slot) == as_create.new_slots.end();
    std::set<int> created;
    for (auto& p : as_create.parts)
      for (auto& n : p.nodes)
        if (!n.bound && !created.insert(n.slot).second) n.bound = true;
    for (auto& p : as_create.parts)
      for (auto& r : p.rels)
        if (r.direction == Direction::kBoth) r.direction = Direction::kOut;
    ResolveSetItems(c.on_create);
    ResolveSetItems(c.on_match);
    auto matcher = std::make_shared<PatternMatcher>(std::move(create.parts), std::move(create.filters));
    Append(std::make_unique<MergeOp>(rt_, matcher, std::move(as_create.parts), &c, binder_.width));
  }

  std::vector<std::string> PlanProjection(Projection& p, bool is_return) {
    ProjectionSpec spec;
    spec.old_width = binder_.width;
    std::vector<ReturnItem*> items;
    // RETURN * / WITH *: every named variable in scope.
    if (p.star) {
      std::vector<std::string> names;
      for (const auto& [name, v] : binder_.scope) names.push_back(name);
      if (names.empty() && p.items.empty() && is_return)
        SyntaxError("NoVariablesInScope", std::string(is_return ? "RETURN" : "WITH") + " * needs variables in scope", p.pos);
      for (const auto& name : names) {
        auto item = std::make_unique<ReturnItem>();
        item->expr = Variable(name, p.pos);
        item->alias = name;
        item->has_alias = true;
        plan_->owned_items.push_back(std::move(item));
        items.push_back(plan_->owned_items.back().get());
      }
    }
    for (auto& item : p.items) items.push_back(&item);
    std::set<std::string> aliases;
    for (ReturnItem* item : items) {
      if (!is_return && !item->has_alias && item->expr->kind != ExprKind::kVariable)
        SyntaxError("NoExpressionAlias", "expression in WITH must be aliased (use AS): " + item->expr->text, item->expr->pos);
      if (!item->has_alias && item->expr->kind == ExprKind::kVariable) item->alias = item->expr->name;
      if (!aliases.insert(item->alias).second)
        SyntaxError("ColumnNameConflict", "column name `" + item->alias + "` is used more than once", item->expr->pos);
    }
    ExprContext cx;
    cx.allow_aggregates = true;
    cx.aggregates = &spec.aggregates;
    cx.clause = is_return ? "RETURN" : "WITH";
    std::map<std::string, Kind> kinds;
    for (size_t i = 0; i < items.size(); ++i) {
      binder_.Resolve(*items[i]->expr, cx);
      spec.items.push_back({items[i]->expr.get(), static_cast<int>(spec.old_width + i)});
      kinds[items[i]->alias] = binder_.StaticKind(*items[i]->expr);
      if (ContainsAggregate(*items[i]->expr)) spec.aggregate = true;
    }
    if (spec.aggregate) CheckAmbiguousAggregation(items);
    spec.distinct = p.distinct;
    size_t extended_width = spec.old_width + items.size();

    // ORDER BY sees the old variables and the new aliases (aliases win).
    auto old_scope = binder_.scope;
    std::map<std::string, VarInfo> extended = binder_.scope;
    // Temporaries of ORDER BY and WHERE go after the extended row.
    binder_.width = std::max(binder_.width, extended_width);
    for (size_t i = 0; i < items.size(); ++i)
      extended[items[i]->alias] = {static_cast<int>(spec.old_width + i), kinds[items[i]->alias]};
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
      if (spec.aggregate) ReplaceProjected(s.expr, items);
      binder_.scope = extended;
      if (spec.aggregate || spec.distinct) {
        // Only projected columns exist after aggregation or DISTINCT.
        std::map<std::string, VarInfo> only_new;
        for (size_t i = 0; i < items.size(); ++i)
          only_new[items[i]->alias] = {static_cast<int>(spec.old_width + i), kinds[items[i]->alias]};
        binder_.scope = only_new;
        if (spec.aggregate && ContainsAggregate(*s.expr))
          SyntaxError("InvalidAggregation", "ORDER BY can only use aggregates that are projected: " + s.expr->text, s.expr->pos);
      }
      ExprContext ox;
      ox.clause = "ORDER BY";
      binder_.Resolve(*s.expr, ox);
      spec.order.emplace_back(s.expr.get(), s.descending);
    }
    binder_.scope = old_scope;
    for (Expr* e : {p.skip.get(), p.limit.get()}) {
      if (!e) continue;
      bool params = false;
      if (UsesVariablesOrParams(*e, &params))
        SyntaxError("NonConstantExpression", "SKIP and LIMIT must be constants or parameters: " + e->text, e->pos);
      ExprContext lx;
      lx.clause = e == p.skip.get() ? "SKIP" : "LIMIT";
      binder_.Resolve(*e, lx);
      if (!params) {
        Row empty;
        Value v = rt_.eval.Eval(*e, empty);
        std::string what = e == p.skip.get() ? "SKIP" : "LIMIT";
        if (!v.is_int())
          SyntaxError("InvalidArgumentType", what + " must be a non-negative integer, got " + v.ToString(), e->pos);
        if (v.as_int() < 0) SyntaxError("NegativeIntegerArgument", what + " must not be negative, got " + v.ToString(), e->pos);
      }
    }
    spec.skip = p.skip.get();
    spec.limit = p.limit.get();

    // WITH's WHERE sees the new aliases and, without aggregation or
    // DISTINCT, the variables before them too (it runs on the extended row).
    if (p.where) {
      if (spec.aggregate || spec.distinct) ReplaceProjected(p.where, items);
      if (spec.aggregate || spec.distinct) {
        binder_.scope.clear();
        for (size_t i = 0; i < items.size(); ++i)
          binder_.scope[items[i]->alias] = {static_cast<int>(spec.old_width + i), kinds[items[i]->alias]};
      } else {
        binder_.scope = extended;
      }
      ExprContext wx;
      wx.clause = "WHERE";
      wx.allow_patterns = true;
      CheckPredicate(*p.where);
      binder_.Resolve(*p.where, wx);
      spec.where = p.where.get();
    }
    // The new scope: the aliases, in order.
    binder_.scope.clear();
    for (size_t i = 0; i < items.size(); ++i) binder_.scope[items[i]->alias] = {static_cast<int>(i), kinds[items[i]->alias]};
    binder_.width = items.size();
    spec.new_width = binder_.width;
    plan_->pattern_width = std::max(plan_->pattern_width, extended_width);
    std::vector<std::string> columns;
    for (ReturnItem* item : items) columns.push_back(item->alias);
    Append(std::make_unique<ProjectionOp>(rt_, std::move(spec)));
    return columns;
  }

  // A WHERE that is plainly not a predicate, like `WHERE (n)` on a node.
  void CheckPredicate(const Expr& e) {
    if (e.kind == ExprKind::kBinary && (e.name == "AND" || e.name == "OR" || e.name == "XOR")) {
      CheckPredicate(*e.args[0]);
      CheckPredicate(*e.args[1]);
      return;
    }
    if (e.kind == ExprKind::kUnary && e.name == "NOT") return CheckPredicate(*e.args[0]);
    Kind k = binder_.StaticKind(e);
    if (k == Kind::kNode || k == Kind::kRel || k == Kind::kPath || k == Kind::kRelList)
      SyntaxError("InvalidArgumentType", "expected a predicate, got the " + std::string(KindName(k)) + " " + e.text, e.pos);
  }

  // Rewrites sub-expressions of an ORDER BY item that are written exactly
  // like a projected item into references to that column.
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

  // In `RETURN n.x + count(*)`, n.x must be a grouping key.
  void CheckAmbiguousAggregation(const std::vector<ReturnItem*>& items) {
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
        if (!key_vars.count(e.name) && binder_.Find(e.name))
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

  Statement& st_;
  Runtime& rt_;
  EvalSupport& support_;
  Plan* plan_;
  Binder binder_;
  Operator* head_ = nullptr;
  Operator* tail_ = nullptr;
};

}  // namespace

void BuildPlan(Statement& st, Runtime& rt, EvalSupport& support, Plan* plan) {
  plan->true_literal = std::make_unique<Expr>(ExprKind::kLiteral, Position{});
  plan->true_literal->value = Value(true);
  plan->true_literal->text = "true";
  Planner(st, rt, support, plan).Build();
}

std::string DescribePlan(const Plan& plan, bool profiled) {
  std::string out;
  for (size_t part = 0; part < plan.heads.size(); ++part) {
    if (plan.heads.size() > 1) out += "Part " + std::to_string(part + 1) + ":\n";
    int depth = 0;
    for (Operator* op = plan.heads[part]; op; op = op->next(), ++depth) {
      if (op->Name() == "Filter" && op->Detail() == "true") continue;
      out += std::string(static_cast<size_t>(depth) * 2, ' ') + "+ " + op->Name();
      std::string detail = op->Detail();
      if (!detail.empty()) out += "  " + detail;
      if (op->estimate >= 0) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "  (estimated rows: %.0f)", op->estimate);
        out += buf;
      }
      if (profiled) {
        char buf[96];
        uint64_t rows = op->Name() == "ProduceResults" ? op->rows_in : op->rows_out;
        std::snprintf(buf, sizeof buf, "  [rows: %llu, time: %.3f ms]", static_cast<unsigned long long>(rows),
                      op->self_seconds() * 1000);
        out += buf;
      }
      out += "\n";
      if (op->Name() == "ProduceResults" || op->Name() == "Union" || op->Name() == "UnionAll") break;
    }
  }
  return out;
}

}  // namespace kg::query
