#include "query/planner.h"

#include <algorithm>
#include <map>
#include <set>

#include "query/functions.h"
#include "query/matcher.h"

namespace kg::query {
namespace {

// Splits a predicate into its AND-ed conjuncts.
void Conjuncts(const Expr* e, std::vector<const Expr*>* out) {
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

class Planner {
 public:
  Planner(const Statement& st, Runtime& rt, EvalSupport& support, Plan* plan, const PlanFacts* known,
          PlanFacts* record)
      : st_(st), rt_(rt), support_(support), plan_(plan), known_(known), record_(record) {}

  void Build() {
    plan_->columns = st_.columns;
    plan_->pattern_width = st_.pattern_width;
    for (auto& [e, binding] : st_.sub_patterns) CompileSubPattern(*e, binding);
    plan_->sink = std::make_unique<SinkOp>([](Row&) { return true; });
    UnionOp* union_op = nullptr;
    if (st_.parts.size() > 1) {
      auto u = std::make_unique<UnionOp>(!st_.union_all[0], rt_.ctx.memory);
      union_op = u.get();
      u->set_next(plan_->sink.get());
      plan_->operators.push_back(std::move(u));
    }
    for (const SingleQuery& q : st_.parts) {
      head_ = nullptr;
      tail_ = nullptr;
      PlanSingle(q);
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
  struct Compiled {
    std::vector<MatchPart> parts;
    std::vector<MatchFilter> filters;
  };

  // A pattern predicate's or comprehension's pattern.
  void CompileSubPattern(const Expr& e, const PatternBinding& binding) {
    Pattern pattern{e.pattern};
    auto compiled = CompilePattern(pattern, binding, nullptr);
    support_.patterns[&e] = std::make_shared<PatternMatcher>(std::move(compiled.parts), std::move(compiled.filters));
  }

  // In the comparison c, args[side] when it is var.key and the other side
  // reads only bound slots (so it can be looked up before var is bound).
  static const Expr* KeyOfVar(const Expr& c, int side, const std::string& var, const std::set<int>& bound) {
    const Expr& prop = *c.args[side];
    if (prop.kind != ExprKind::kProperty || prop.args[0]->kind != ExprKind::kVariable || prop.args[0]->name != var)
      return nullptr;
    std::set<int> used;
    SlotsUsed(*c.args[1 - side], &used);
    bool ready = std::all_of(used.begin(), used.end(), [&](int s) { return bound.count(s); });
    return ready ? &prop : nullptr;
  }

  Anchor ChooseAnchor(const NodeStep& n, const std::set<int>& bound, const std::vector<const Expr*>& where_parts,
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
      for (const Expr* c : where_parts) {
        if (c->kind != ExprKind::kBinary || c->name != "=") continue;
        for (int side = 0; side < 2; ++side)
          if (const Expr* prop = KeyOfVar(*c, side, var, bound); prop && try_key(prop->name, c->args[1 - side].get()))
            return a;
      }
    }
    // A range on an indexed (label, key): bounds from WHERE's comparisons.
    for (const auto& label : n.labels) {
      auto lid = txn.ResolveLabel(label);
      if (!lid) continue;
      std::map<std::string, Anchor> ranges;
      for (const Expr* c : where_parts) {
        if (c->kind != ExprKind::kBinary) continue;
        const std::string& op = c->name;
        if (op != "<" && op != "<=" && op != ">" && op != ">=") continue;
        for (int side = 0; side < 2; ++side) {
          const Expr* prop = KeyOfVar(*c, side, var, bound);
          if (!prop) continue;
          const Expr& other = *c->args[1 - side];
          auto kid = txn.ResolveKey(prop->name);
          if (!kid || !txn.HasIndex(*lid, *kid)) continue;
          Anchor& r = ranges[prop->name];
          // prop > other, or other < prop: other is a lower bound.
          bool lower = (side == 0) == (op[0] == '>');
          bool inclusive = op.size() == 2;
          if (lower && !r.lower) r.lower = &other, r.lower_inclusive = inclusive;
          if (!lower && !r.upper) r.upper = &other, r.upper_inclusive = inclusive;
        }
      }
      for (auto& [key, r] : ranges) {
        double count = static_cast<double>(Count(label));
        r.kind = Anchor::Kind::kIndexRange;
        r.label = label;
        r.key = key;
        r.estimate = std::max(1.0, count / (r.lower && r.upper ? 10 : 3));
        return r;
      }
    }
    double best = -1;
    for (const auto& label : n.labels) {
      double count = static_cast<double>(Count(label));
      if (best < 0 || count < best) {
        best = count;
        a.kind = Anchor::Kind::kLabelScan;
        a.label = label;
        a.estimate = count;
      }
    }
    if (best >= 0) return a;
    a.kind = Anchor::Kind::kAllNodes;
    a.estimate = static_cast<double>(Count(""));
    return a;
  }

  // A label's node count: as known when it is, else read (and recorded).
  int64_t Count(std::string_view label) {
    if (known_)
      if (const int64_t* n = known_->Find(label)) return *n;
    if (record_)
      if (const int64_t* n = record_->Find(label)) return *n;
    int64_t n = PlannerCount(rt_.ctx.txn, label);
    if (record_) record_->counts.emplace_back(std::string(label), n);
    return n;
  }

  // The steps of a bound pattern, as written.
  std::vector<MatchPart> Steps(const Pattern& pattern) const {
    std::vector<MatchPart> parts;
    for (const auto& part_ptr : pattern) {
      const PatternPart& pp = *part_ptr;
      MatchPart part;
      part.kind = pp.kind;
      for (const NodePattern& np : pp.nodes) {
        NodeStep step;
        step.slot = np.slot;
        step.labels = np.labels;
        step.properties = np.properties.get();
        step.record_read = st_.record_slots.count(np.slot) > 0;
        part.nodes.push_back(std::move(step));
      }
      for (const RelPattern& rp : pp.rels) {
        RelStep step;
        step.slot = rp.slot;
        step.types = rp.types;
        step.direction = rp.direction;
        step.properties = rp.properties.get();
        step.var_length = rp.var_length;
        step.min_hops = rp.var_length ? rp.min_hops : 1;
        step.max_hops = rp.var_length ? (rp.max_hops ? *rp.max_hops : -1) : 1;
        part.rels.push_back(std::move(step));
      }
      part.path_slot = pp.path_slot;
      parts.push_back(std::move(part));
    }
    return parts;
  }

  // The steps of a pattern to create, as written; a node is created unless
  // it was bound before, and once when it is named twice.
  std::vector<MatchPart> CreateSteps(const Pattern& pattern, const PatternBinding& binding) const {
    std::vector<MatchPart> parts = Steps(pattern);
    std::set<int> created;
    for (auto& p : parts)
      for (auto& n : p.nodes)
        n.bound = std::find(binding.new_slots.begin(), binding.new_slots.end(), n.slot) == binding.new_slots.end() ||
                  !created.insert(n.slot).second;
    return parts;
  }

  // A pattern to match: parts ordered by anchor cost, each traversed from
  // its cheaper end, WHERE conjuncts placed where their slots are bound.
  Compiled CompilePattern(const Pattern& pattern, const PatternBinding& binding, const Expr* where) {
    Compiled out;
    out.parts = Steps(pattern);
    std::set<int> bound_before(binding.bound_before.begin(), binding.bound_before.end());
    std::vector<std::vector<std::string>> node_names;  // for WHERE anchors
    for (const auto& part_ptr : pattern) {
      std::vector<std::string> names;
      for (const NodePattern& np : part_ptr->nodes) names.push_back(np.var);
      node_names.push_back(std::move(names));
    }
    std::vector<const Expr*> where_parts;
    if (where) Conjuncts(where, &where_parts);

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
    for (const Expr* c : where_parts) {
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
      Aggregate fn = item.expr->function->aggregate;
      if (!(item.expr->distinct || fn == Aggregate::kMin || fn == Aggregate::kMax)) return false;
    }
    return any_agg;
  }

  void PlanSingle(const SingleQuery& q) {
    for (size_t ci = 0; ci < q.clauses.size(); ++ci) {
      const Clause& c = q.clauses[ci];
      bool last = ci + 1 == q.clauses.size();
      if (IsWrite(c.kind)) {
        plan_->writes = true;
        Append(std::make_unique<EagerOp>(rt_.ctx.memory));
      }
      EnsureHead();
      switch (c.kind) {
        case ClauseKind::kMatch: PlanMatch(c, last ? nullptr : &q.clauses[ci + 1]); break;
        case ClauseKind::kUnwind: Append(std::make_unique<UnwindOp>(rt_, c.expr.get(), c.alias_slot, c.width)); break;
        case ClauseKind::kCall: Append(std::make_unique<ProcedureCallOp>(rt_, &c)); break;
        case ClauseKind::kLoadCsv:
          Append(std::make_unique<LoadCsvOp>(rt_, c.expr.get(), c.alias_slot, c.width, c.with_headers,
                                             c.field_terminator));
          break;
        case ClauseKind::kWith:
        case ClauseKind::kReturn: PlanProjection(c.projection); break;
        case ClauseKind::kCreate:
          Append(std::make_unique<CreateOp>(rt_, CreateSteps(c.pattern, c.bound_pattern), c.width));
          break;
        case ClauseKind::kMerge: PlanMerge(c); break;
        case ClauseKind::kSet: Append(std::make_unique<SetOp>(rt_, &c.set_items)); break;
        case ClauseKind::kRemove: Append(std::make_unique<RemoveOp>(rt_, &c)); break;
        case ClauseKind::kDelete: Append(std::make_unique<DeleteOp>(rt_, &c)); break;
      }
      if (IsWrite(c.kind) && !last) Append(std::make_unique<EagerOp>(rt_.ctx.memory));
    }
    EnsureHead();
  }

  void PlanMatch(const Clause& c, const Clause* next) {
    auto compiled = CompilePattern(c.pattern, c.bound_pattern, c.where.get());
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
    auto op = std::make_unique<MatchOp>(rt_, matcher, c.optional, c.bound_pattern.new_slots, c.width);
    double estimate = 1;
    for (const auto& p : matcher->parts()) estimate *= std::max(1.0, p.anchor.estimate);
    op->estimate = estimate;
    Append(std::move(op));
  }

  // The match side is planned; the create side keeps the pattern as written,
  // an undirected relationship created outgoing.
  void PlanMerge(const Clause& c) {
    auto match = CompilePattern(c.pattern, c.bound_pattern, nullptr);
    auto create = CreateSteps(c.pattern, c.bound_pattern);
    for (auto& p : create)
      for (auto& r : p.rels)
        if (r.direction == Direction::kBoth) r.direction = Direction::kOut;
    auto matcher = std::make_shared<PatternMatcher>(std::move(match.parts), std::move(match.filters));
    Append(std::make_unique<MergeOp>(rt_, matcher, std::move(create), &c, c.width));
  }

  void PlanProjection(const Projection& p) {
    ProjectionSpec spec;
    spec.old_width = p.old_width;
    for (size_t i = 0; i < p.bound_items.size(); ++i)
      spec.items.push_back({p.bound_items[i]->expr.get(), static_cast<int>(p.old_width + i)});
    spec.aggregates = p.aggregates;
    spec.aggregate = p.aggregate;
    spec.distinct = p.distinct;
    for (auto& s : p.order) spec.order.emplace_back(s.expr.get(), s.descending);
    // Constant SKIP and LIMIT are checked now; parameters when they run.
    for (const Expr* e : {p.skip.get(), p.limit.get()}) {
      if (!e || ContainsParameter(*e)) continue;
      Row empty;
      Value v = rt_.eval.Eval(*e, empty);
      std::string what = e == p.skip.get() ? "SKIP" : "LIMIT";
      if (!v.is_int()) SyntaxError("InvalidArgumentType", what + " must be a non-negative integer, got " + v.ToString(), e->pos);
      if (v.as_int() < 0) SyntaxError("NegativeIntegerArgument", what + " must not be negative, got " + v.ToString(), e->pos);
    }
    spec.skip = p.skip.get();
    spec.limit = p.limit.get();
    spec.where = p.where.get();
    spec.new_width = p.new_width;
    Append(std::make_unique<ProjectionOp>(rt_, std::move(spec)));
  }

  static bool ContainsParameter(const Expr& e) {
    if (e.kind == ExprKind::kParameter) return true;
    for (const auto& a : e.args)
      if (a && ContainsParameter(*a)) return true;
    return false;
  }

  const Statement& st_;
  Runtime& rt_;
  EvalSupport& support_;
  Plan* plan_;
  const PlanFacts* known_;
  PlanFacts* record_;
  Operator* head_ = nullptr;
  Operator* tail_ = nullptr;
};

}  // namespace

void BuildPlan(const Statement& st, Runtime& rt, EvalSupport& support, Plan* plan, const PlanFacts* known,
               PlanFacts* record) {
  plan->true_literal = std::make_unique<Expr>(ExprKind::kLiteral, Position{});
  plan->true_literal->value = Value(true);
  plan->true_literal->text = "true";
  if (record) record->schema_version = rt.ctx.txn.schema_version();
  Planner(st, rt, support, plan, known, record).Build();
}

int64_t PlannerCount(const graph::GraphTxn& txn, std::string_view label) {
  std::optional<uint32_t> lid;
  if (!label.empty()) {
    lid = txn.ResolveLabel(label);
    if (!lid) return 0;
  }
  auto c = txn.CountNodes(lid);
  return c.ok() ? *c : 0;
}

const int64_t* PlanFacts::Find(std::string_view label) const {
  for (const auto& [name, n] : counts)
    if (name == label) return &n;
  return nullptr;
}

bool PlanFacts::Hold(const graph::GraphTxn& txn) const {
  if (txn.schema_version() != schema_version) return false;
  constexpr int64_t kSlack = 64;  // small counts may change freely
  for (const auto& [label, then] : counts) {
    int64_t now = PlannerCount(txn, label);
    if (std::abs(now - then) > kSlack && (now > 2 * then || 2 * now < then)) return false;
  }
  return true;
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
