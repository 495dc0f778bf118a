#include "query/matcher.h"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/property_map/property_map.hpp>

#include "kg/graph_view.h"
#include "query/evaluator.h"
#include "query/value_ops.h"

namespace kg::query {

struct PatternMatcher::State {
  Row& row;
  ExecContext& ctx;
  Evaluator& eval;
  const std::function<bool(Row&)>& emit;
  std::vector<EdgeId> used;  // relationships bound so far: each at most once
  bool Used(EdgeId e) const { return std::find(used.begin(), used.end(), e) != used.end(); }
};

int PatternMatcher::EventOf(size_t part, size_t element) const {
  int offset = 0;
  for (size_t p = 0; p < part; ++p) offset += static_cast<int>(2 * parts_[p].rels.size() + 2);
  return offset + static_cast<int>(element);
}

bool PatternMatcher::RunFilters(State& st, int event) {
  for (const auto& f : filters_)
    if (f.after_event == event && !st.eval.IsTrue(*f.expr, st.row)) return false;
  return true;
}

bool PatternMatcher::Match(Row& row, ExecContext& ctx, Evaluator& eval, const std::function<bool(Row&)>& emit) {
  State st{row, ctx, eval, emit, {}};
  if (!RunFilters(st, -1)) return true;
  return MatchPartAt(st, 0);
}

namespace {

// Does the map of expected properties hold on these stored properties?
bool PropertiesMatch(Evaluator& eval, Row& row, const Expr* props, const graph::PropertyList& stored,
                     graph::GraphTxn& txn) {
  if (!props) return true;
  Value expected = eval.Eval(*props, row);
  if (expected.is_null()) return false;
  if (!expected.is_map())
    throw ErrorAt("TypeError", "InvalidArgumentType", true, "a pattern's properties must be a map", props->pos);
  for (const auto& [k, v] : expected.as_map()) {
    auto id = txn.ResolveKey(k);
    const Value* actual = id ? graph::FindProperty(stored, *id) : nullptr;
    if (!actual) return false;
    Ternary t = Equals(*actual, v);
    if (!t || !*t) return false;
  }
  return true;
}

void CheckRead(const Status& s) {
  if (!s.ok()) throw ErrorAt("DatabaseError", "", true, s.ToString());
}

}  // namespace

bool PatternMatcher::CheckNode(State& st, const NodeStep& step, NodeId id) {
  if (step.bound) {
    const Value& v = st.row[step.slot];
    if (!v.is_node() || v.as_node_ref().id != id) return false;
  }
  if (step.labels.empty() && !step.properties) return true;
  if (!step.properties && !step.record_read) {
    // Labels alone, of a node whose record nothing reads: from the label
    // entries (or the record, when just read).
    uint32_t ids[8];
    if (step.labels.size() <= std::size(ids)) {
      for (size_t i = 0; i < step.labels.size(); ++i) {
        auto lid = st.ctx.txn.ResolveLabel(step.labels[i]);
        if (!lid) return false;
        ids[i] = *lid;
      }
      auto has = st.ctx.txn.NodeHasLabels(id, std::span<const uint32_t>(ids, step.labels.size()));
      if (has.ok()) return *has;
      if (has.status().code() == StatusCode::kNotFound) return false;
      CheckRead(has.status());
    }
  }
  graph::NodeData r;
  if (!st.eval.LoadNode(id, &r)) return false;
  for (const auto& l : step.labels) {
    auto lid = st.ctx.txn.ResolveLabel(l);
    if (!lid || !r.HasLabel(*lid)) return false;
  }
  return PropertiesMatch(st.eval, st.row, step.properties, r.properties, st.ctx.txn);
}

bool PatternMatcher::CheckRel(State& st, const RelStep& step, EdgeId id) {
  if (step.bound && !step.var_length) {
    const Value& v = st.row[step.slot];
    if (!v.is_edge() || v.as_edge_ref().id != id) return false;
  }
  if (!step.properties) return true;
  graph::EdgeData r;
  if (!st.eval.LoadEdge(id, &r)) return false;
  return PropertiesMatch(st.eval, st.row, step.properties, r.properties, st.ctx.txn);
}

std::optional<std::vector<uint32_t>> PatternMatcher::ResolveTypes(State& st, const RelStep& step) {
  std::vector<uint32_t> ids;
  for (const auto& t : step.types)
    if (auto id = st.ctx.txn.ResolveType(t)) ids.push_back(*id);
  if (!step.types.empty() && ids.empty()) return std::nullopt;  // no such type: nothing matches
  return ids;
}


template <class Fn>
bool PatternMatcher::ForEachCandidate(State& st, const MatchPart&, const Anchor& anchor, const NodeStep& step,
                                      Fn&& fn) {
  auto& txn = st.ctx.txn;
  switch (anchor.kind) {
    case Anchor::Kind::kBound: {
      const Value& v = st.row[step.slot];
      if (!v.is_node()) return true;
      return fn(v.as_node_ref().id);
    }
    case Anchor::Kind::kIndexSeek: {
      auto label = txn.ResolveLabel(anchor.label);
      auto k = txn.ResolveKey(anchor.key);
      if (!label || !k) return true;
      Value v = st.eval.Eval(*anchor.value, st.row);
      if (!(v.is_number() || v.is_string() || v.is_bool() || v.is_list() || v.is_temporal())) return true;
      auto ids = txn.IndexSeek(*label, *k, v);
      if (ids.status().code() == StatusCode::kNotFound) return true;  // no such index (dropped meanwhile)
      CheckRead(ids.status());
      for (NodeId id : *ids)
        if (!fn(id)) return false;
      return true;
    }
    case Anchor::Kind::kIndexRange: {
      auto label = txn.ResolveLabel(anchor.label);
      auto k = txn.ResolveKey(anchor.key);
      if (!label || !k) return true;
      std::optional<IndexBound> lower, upper;
      auto bound = [&](const Expr* e, bool inclusive, std::optional<IndexBound>* out) {
        if (!e) return true;
        Value v = st.eval.Eval(*e, st.row);
        if (v.is_null()) return false;  // a comparison with null holds for no node
        *out = IndexBound{std::move(v), inclusive};
        return true;
      };
      if (!bound(anchor.lower, anchor.lower_inclusive, &lower) || !bound(anchor.upper, anchor.upper_inclusive, &upper))
        return true;
      // Only numbers, strings and temporal values have an index order that
      // is Cypher's; two bounds of different kinds hold for no node.
      auto ordered = [](const std::optional<IndexBound>& b) {
        return !b || b->value.is_number() || b->value.is_string() || (b->value.is_temporal() && !b->value.is_duration());
      };
      if (lower && upper && lower->value.is_number() != upper->value.is_number() &&
          lower->value.type() != upper->value.type())
        return true;
      if (ordered(lower) && ordered(upper)) {
        auto ids = txn.IndexRange(*label, *k, lower, upper);
        if (ids.status().code() != StatusCode::kNotFound) {
          CheckRead(ids.status());
          for (NodeId id : *ids)
            if (!fn(id)) return false;
          return true;
        }
      }
      // Otherwise (or with the index dropped meanwhile) every node of the
      // label, the comparisons deciding.
      [[fallthrough]];
    }
    case Anchor::Kind::kLabelScan: {
      auto label = txn.ResolveLabel(anchor.label);
      if (!label) return true;
      bool go = true;
      CheckRead(txn.ScanLabel(*label, [&](NodeId id) {
        st.ctx.CheckInterrupt();
        go = fn(id);
        return go;
      }));
      return go;
    }
    case Anchor::Kind::kAllNodes: {
      bool go = true;
      CheckRead(txn.ScanNodes([&](NodeId id) {
        st.ctx.CheckInterrupt();
        go = fn(id);
        return go;
      }));
      return go;
    }
  }
  return true;
}

// A part that would start from every node, test nothing of it, and go
// first along one directed relationship that is itself tested (a property
// map, or WHERE conditions on it) is matched from a scan of the
// relationship family instead: each relationship once, in id order, with
// its record at hand, rather than a read of each record by id while
// walking the nodes. (Without such a test the walk reads only the
// adjacency of the wanted types, which costs less.)
bool PatternMatcher::ScansRelationships(size_t pi) const {
  const MatchPart& p = parts_[pi];
  if (p.kind != PatternPart::Kind::kPlain || p.anchor.kind != Anchor::Kind::kAllNodes || p.rels.empty()) return false;
  const NodeStep& n = p.nodes[0];
  const RelStep& r = p.rels[0];
  if (n.bound || !n.labels.empty() || n.properties || r.bound || r.var_length || r.direction == Direction::kBoth)
    return false;
  auto any_at = [&](int event) {
    return std::any_of(filters_.begin(), filters_.end(), [&](const MatchFilter& f) { return f.after_event == event; });
  };
  return !any_at(EventOf(pi, 0)) && (r.properties || any_at(EventOf(pi, 1)));
}

bool PatternMatcher::MatchPartAt(State& st, size_t pi) {
  if (pi == parts_.size()) return st.emit(st.row);
  const MatchPart& part = parts_[pi];
  if (part.kind != PatternPart::Kind::kPlain) return MatchShortest(st, pi);
  if (ScansRelationships(pi)) return ScanRelationships(st, pi);
  return ForEachCandidate(st, part, part.anchor, part.nodes[0], [&](NodeId id) { return StartFrom(st, pi, id); });
}

// The bindings StartFrom and Expand would give, found from the other side:
// for each relationship of a wanted type, its start (end, for an incoming
// step) is the first node and its other end the next.
bool PatternMatcher::ScanRelationships(State& st, size_t pi) {
  auto types = ResolveTypes(st, parts_[pi].rels[0]);
  if (!types) return true;
  bool go = true;
  CheckRead(st.ctx.txn.ScanEdges([&](EdgeId id, uint32_t type, NodeId source, NodeId target) {
    go = ScanRelationship(st, pi, *types, id, type, source, target);
    return go;
  }));
  return go;
}

// One relationship of the scan: its id, type and ends.
bool PatternMatcher::ScanRelationship(State& st, size_t pi, const std::vector<uint32_t>& types, EdgeId id,
                                      uint32_t type, NodeId source, NodeId target) {
  const MatchPart& part = parts_[pi];
  const NodeStep& first = part.nodes[0];
  const RelStep& rel = part.rels[0];
  st.ctx.CheckInterrupt();
  if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end()) return true;
  NodeId from = rel.direction == Direction::kOut ? source : target;
  NodeId next = rel.direction == Direction::kOut ? target : source;
  if (!CheckNode(st, first, from)) return true;
  Value saved_node = st.row[first.slot];
  st.row[first.slot] = Value(Value::NodeRef{from, nullptr});
  bool go = true;
  if (RunFilters(st, EventOf(pi, 0)) && !st.Used(id) && CheckRel(st, rel, id)) {
    Value saved_rel = st.row[rel.slot];
    st.row[rel.slot] = Value(Value::EdgeRef{id, source, target, nullptr});
    st.used.push_back(id);
    go = !RunFilters(st, EventOf(pi, 1)) || BindNext(st, pi, 0, next);
    st.used.pop_back();
    st.row[rel.slot] = std::move(saved_rel);
  }
  st.row[first.slot] = std::move(saved_node);
  return go;
}

bool PatternMatcher::StartFrom(State& st, size_t pi, NodeId start) {
  const MatchPart& part = parts_[pi];
  const NodeStep& step = part.nodes[0];
  if (!CheckNode(st, step, start)) return true;
  Value saved = st.row[step.slot];
  st.row[step.slot] = Value(Value::NodeRef{start, nullptr});
  bool go = !RunFilters(st, EventOf(pi, 0)) || Expand(st, pi, 0);
  st.row[step.slot] = std::move(saved);
  return go;
}

bool PatternMatcher::BindNext(State& st, size_t pi, size_t ri, NodeId node) {
  const MatchPart& part = parts_[pi];
  const NodeStep& next = part.nodes[ri + 1];
  if (!CheckNode(st, next, node)) return true;
  Value saved = st.row[next.slot];
  st.row[next.slot] = Value(Value::NodeRef{node, nullptr});
  bool go = !RunFilters(st, EventOf(pi, 2 * ri + 2)) || Expand(st, pi, ri + 1);
  st.row[next.slot] = std::move(saved);
  return go;
}

bool PatternMatcher::Expand(State& st, size_t pi, size_t ri) {
  const MatchPart& part = parts_[pi];
  if (ri == part.rels.size()) return FinishPart(st, pi);
  const RelStep& rel = part.rels[ri];
  NodeId from = st.row[part.nodes[ri].slot].as_node_ref().id;
  if (rel.var_length) {
    if (rel.endpoints_only) return EndpointsOnly(st, pi, ri, from);
    return VarLength(st, pi, ri, from);
  }
  auto types = ResolveTypes(st, rel);
  if (!types) return true;
  std::optional<uint32_t> only = types->size() == 1 ? std::optional<uint32_t>((*types)[0]) : std::nullopt;
  // Collect first: the recursion below may scan the same keyspace.
  std::vector<Value::EdgeRef> edges;
  Status s = st.ctx.txn.Expand(from, rel.direction, only, [&](const graph::AdjacentEdge& e, bool outgoing) {
    if (!types->empty() && !only && std::find(types->begin(), types->end(), e.type) == types->end()) return true;
    if (!outgoing && rel.direction == Direction::kBoth && e.anchor == e.neighbor) return true;  // self-loop seen once
    edges.push_back(outgoing ? Value::EdgeRef{e.edge, e.anchor, e.neighbor, nullptr}
                             : Value::EdgeRef{e.edge, e.neighbor, e.anchor, nullptr});
    return true;
  });
  if (!s.ok()) throw ErrorAt("DatabaseError", "", true, s.ToString());
  for (auto& e : edges) {
    st.ctx.CheckInterrupt();
    if (st.Used(e.id) || !CheckRel(st, rel, e.id)) continue;
    NodeId next = e.source == from ? e.target : e.source;
    if (e.source == e.target) next = from;
    Value saved = st.row[rel.slot];
    st.row[rel.slot] = Value(e);
    st.used.push_back(e.id);
    bool go = !RunFilters(st, EventOf(pi, 2 * ri + 1)) || BindNext(st, pi, ri, next);
    st.used.pop_back();
    st.row[rel.slot] = std::move(saved);
    if (!go) return false;
  }
  return true;
}

bool PatternMatcher::VarLength(State& st, size_t pi, size_t ri, NodeId start) {
  const MatchPart& part = parts_[pi];
  const RelStep& rel = part.rels[ri];
  // Depth first, with a stack of its own rather than a call per hop: a path
  // may be as long as the graph (a chain of a million nodes).
  struct Frame {
    NodeId at;
    std::vector<Value::EdgeRef> edges;
    size_t next = 0;
    bool expanded = false;
  };
  std::vector<Frame> stack;
  std::vector<Value> trail;  // the relationships from start to the top frame
  stack.push_back({start, {}, 0, false});
  auto give_up = [&] {
    for (size_t k = 1; k < stack.size(); ++k) st.used.pop_back();
    return false;
  };
  while (!stack.empty()) {
    const int64_t depth = static_cast<int64_t>(stack.size()) - 1;
    if (!stack.back().expanded) {
      stack.back().expanded = true;
      st.ctx.CheckInterrupt();
      NodeId at = stack.back().at;
      if (depth >= rel.min_hops) {
        ValueList list = trail;
        if (part.reversed) std::reverse(list.begin(), list.end());
        Value value(std::move(list));
        bool ok = true;
        if (rel.bound) {
          Ternary t = Equals(st.row[rel.slot], value);
          ok = t && *t;
        }
        if (ok) {
          Value saved = st.row[rel.slot];
          st.row[rel.slot] = std::move(value);
          bool go = !RunFilters(st, EventOf(pi, 2 * ri + 1)) || BindNext(st, pi, ri, at);
          st.row[rel.slot] = std::move(saved);
          if (!go) return give_up();
        }
      }
      if (rel.max_hops < 0 || depth < rel.max_hops) {
        auto types = ResolveTypes(st, rel);
        if (types) {
          std::optional<uint32_t> only = types->size() == 1 ? std::optional<uint32_t>((*types)[0]) : std::nullopt;
          std::vector<Value::EdgeRef>& edges = stack.back().edges;
          Status s = st.ctx.txn.Expand(at, rel.direction, only, [&](const graph::AdjacentEdge& e, bool outgoing) {
            if (!types->empty() && !only && std::find(types->begin(), types->end(), e.type) == types->end()) return true;
            if (!outgoing && rel.direction == Direction::kBoth && e.anchor == e.neighbor) return true;
            edges.push_back(outgoing ? Value::EdgeRef{e.edge, e.anchor, e.neighbor, nullptr}
                                     : Value::EdgeRef{e.edge, e.neighbor, e.anchor, nullptr});
            return true;
          });
          if (!s.ok()) {
            give_up();
            throw ErrorAt("DatabaseError", "", true, s.ToString());
          }
        }
      }
    }
    // The next relationship from the top frame, or back one hop.
    Frame& top = stack.back();
    bool deeper = false;
    while (top.next < top.edges.size()) {
      const Value::EdgeRef e = top.edges[top.next++];
      if (st.Used(e.id) || !CheckRel(st, rel, e.id)) continue;
      NodeId next = e.source == top.at ? e.target : e.source;
      if (e.source == e.target) next = top.at;
      st.used.push_back(e.id);
      trail.push_back(Value(e));
      stack.push_back({next, {}, 0, false});  // (top is not used after this)
      deeper = true;
      break;
    }
    if (deeper) continue;
    stack.pop_back();
    if (!stack.empty()) {
      trail.pop_back();
      st.used.pop_back();
    }
  }
  return true;
}

namespace {

struct DepthReached {};

// Records BFS depths, notes an edge that closes a cycle onto the start
// within max hops, and stops once a vertex at max hops is examined: BFS is
// FIFO, so every vertex within max hops has been discovered by then.
class EndpointVisitor : public boost::default_bfs_visitor {
 public:
  EndpointVisitor(NodeId start, int64_t max_hops, std::unordered_map<NodeId, int64_t>* depth,
                  std::vector<NodeId>* order, bool* start_on_cycle)
      : start_(start), max_(max_hops), depth_(depth), order_(order), start_on_cycle_(start_on_cycle) {}
  void examine_vertex(NodeId u, const GraphView&) const {
    if (max_ >= 0 && depth_->at(u) >= max_) throw DepthReached();
  }
  void examine_edge(const ViewEdge& e, const GraphView&) const {
    if (e.target == start_) *start_on_cycle_ = true;
  }
  void tree_edge(const ViewEdge& e, const GraphView&) const {
    (*depth_)[e.target] = depth_->at(e.source) + 1;
    order_->push_back(e.target);
  }

 private:
  NodeId start_;
  int64_t max_;
  std::unordered_map<NodeId, int64_t>* depth_;
  std::vector<NodeId>* order_;
  bool* start_on_cycle_;
};

}  // namespace

// Distinct end nodes of relationship-unique walks of min..max hops, by a
// Boost.Graph BFS over the store view (the planner asks for this only for a
// directed, single-relationship pattern whose result is reduced to distinct
// values, with min at most 1). A node at BFS depth d in [1, max] is an end
// node; the start is one too when min is 0, or when an edge closes a cycle
// onto it within max hops (the shortest path to that edge's source never
// passes through the start, so the walk repeats no relationship).
bool PatternMatcher::EndpointsOnly(State& st, size_t pi, size_t ri, NodeId from) {
  const MatchPart& part = parts_[pi];
  const RelStep& rel = part.rels[ri];
  std::unordered_map<NodeId, int64_t> depth{{from, 0}};
  std::vector<NodeId> order;
  bool start_on_cycle = false;
  if (rel.max_hops != 0) {
    GraphFilter filter{{}, rel.types, rel.direction};
    GraphView g(st.ctx.txn.shared_from_this(), filter);
    std::unordered_map<NodeId, boost::default_color_type> colors;
    boost::queue<NodeId> queue;
    try {
      boost::breadth_first_visit(g, from, queue, EndpointVisitor(from, rel.max_hops, &depth, &order, &start_on_cycle),
                                 boost::associative_property_map<decltype(colors)>(colors));
    } catch (const DepthReached&) {
    }
    if (Status s = g.status(); !s.ok()) throw ErrorAt("DatabaseError", "", true, s.ToString());
  }
  Value saved = st.row[rel.slot];
  st.row[rel.slot] = Value(ValueList{});  // unnamed: never read
  bool go = true;
  if (rel.min_hops == 0 || start_on_cycle) go = BindNext(st, pi, ri, from);
  for (size_t i = 0; go && i < order.size(); ++i) go = BindNext(st, pi, ri, order[i]);
  st.row[rel.slot] = std::move(saved);
  return go;
}

bool PatternMatcher::FinishPart(State& st, size_t pi) {
  const MatchPart& part = parts_[pi];
  if (part.path_slot < 0) return MatchPartAt(st, pi + 1);
  auto path = std::make_shared<Path>();
  path->nodes.push_back(st.row[part.nodes[0].slot]);
  for (size_t i = 0; i < part.rels.size(); ++i) {
    const Value& r = st.row[part.rels[i].slot];
    if (!part.rels[i].var_length) {
      path->edges.push_back(r);
      path->nodes.push_back(st.row[part.nodes[i + 1].slot]);
      continue;
    }
    // A variable-length hop: each relationship and the node it leads to
    // (none for a zero-length hop).
    ValueList hops = r.as_list();
    if (part.reversed) std::reverse(hops.begin(), hops.end());
    NodeId at = path->nodes.back().as_node_ref().id;
    for (const Value& hop : hops) {
      const auto& e = hop.as_edge_ref();
      at = e.source == at ? e.target : e.source;
      path->edges.push_back(hop);
      path->nodes.push_back(Value(Value::NodeRef{at, nullptr}));
    }
  }
  if (part.reversed) {
    std::reverse(path->nodes.begin(), path->nodes.end());
    std::reverse(path->edges.begin(), path->edges.end());
  }
  Value saved = st.row[part.path_slot];
  st.row[part.path_slot] = Value(std::shared_ptr<const Path>(std::move(path)));
  bool go = !RunFilters(st, EventOf(pi, 2 * part.rels.size() + 1)) || MatchPartAt(st, pi + 1);
  st.row[part.path_slot] = std::move(saved);
  return go;
}

// shortestPath / allShortestPaths between the part's two end nodes.
bool PatternMatcher::MatchShortest(State& st, size_t pi) {
  const MatchPart& part = parts_[pi];
  const NodeStep& a = part.nodes[0];
  const NodeStep& b = part.nodes[1];
  const RelStep& rel = part.rels[0];
  return ForEachCandidate(st, part, part.anchor, a, [&](NodeId from) {
    if (!CheckNode(st, a, from)) return true;
    Value saved_a = st.row[a.slot];
    st.row[a.slot] = Value(Value::NodeRef{from, nullptr});
    bool go = ForEachCandidate(st, part, part.end_anchor, b, [&](NodeId to) {
      if (!CheckNode(st, b, to)) return true;
      Value saved_b = st.row[b.slot];
      st.row[b.slot] = Value(Value::NodeRef{to, nullptr});
      std::vector<std::vector<Value::EdgeRef>> paths;
      if (from == to) {
        if (rel.min_hops == 0) paths.emplace_back();
      } else if (part.kind == PatternPart::Kind::kShortest && !rel.properties) {
        // One shortest path: a bidirectional BFS over the store's Boost.Graph
        // view, out-edges from the start and in-edges from the end, always
        // growing the smaller frontier by one level.
        GraphFilter filter{{}, rel.types, rel.direction};
        GraphView g(st.ctx.txn.shared_from_this(), filter);
        std::unordered_map<NodeId, ViewEdge> fwd_parent, bwd_parent;  // edge that reached the node
        std::unordered_map<NodeId, int64_t> fwd_depth{{from, 0}}, bwd_depth{{to, 0}};
        std::vector<NodeId> fwd{from}, bwd{to};
        NodeId meet = 0;
        int64_t best = -1;
        int64_t fwd_level = 0, bwd_level = 0;
        while (!fwd.empty() && !bwd.empty() && best < 0 &&
               (rel.max_hops < 0 || fwd_level + bwd_level < rel.max_hops)) {
          bool forward = fwd.size() <= bwd.size();
          auto& frontier = forward ? fwd : bwd;
          auto& depth = forward ? fwd_depth : bwd_depth;
          auto& parent = forward ? fwd_parent : bwd_parent;
          auto& other = forward ? bwd_depth : fwd_depth;
          std::vector<NodeId> next;
          for (NodeId u : frontier) {
            st.ctx.CheckInterrupt();
            auto range = forward ? out_edges(u, g) : in_edges(u, g);
            for (auto it = range.first; it != range.second; ++it) {
              NodeId v = forward ? it->target : it->source;
              if (!depth.emplace(v, depth.at(u) + 1).second) continue;
              parent[v] = *it;
              next.push_back(v);
              if (auto o = other.find(v); o != other.end()) {
                int64_t length = depth.at(v) + o->second;
                if (best < 0 || length < best) {
                  best = length;
                  meet = v;
                }
              }
            }
          }
          (forward ? fwd_level : bwd_level)++;
          frontier = std::move(next);
        }
        if (Status s = g.status(); !s.ok()) throw ErrorAt("DatabaseError", "", true, s.ToString());
        if (best >= 0 && (rel.max_hops < 0 || best <= rel.max_hops) && best >= rel.min_hops) {
          std::vector<Value::EdgeRef> p;
          for (NodeId at = meet; at != from;) {
            const ViewEdge& e = fwd_parent.at(at);
            p.push_back(st.eval.EdgeValue(e.id).as_edge_ref());
            at = e.source;
          }
          std::reverse(p.begin(), p.end());
          for (NodeId at = meet; at != to;) {
            const ViewEdge& e = bwd_parent.at(at);
            p.push_back(st.eval.EdgeValue(e.id).as_edge_ref());
            at = e.target;
          }
          paths.push_back(std::move(p));
        }
      } else {
        // All shortest paths: BFS layers with every predecessor edge, then
        // each path back from the target.
        auto types = ResolveTypes(st, rel);
        std::unordered_map<NodeId, int64_t> dist{{from, 0}};
        std::unordered_map<NodeId, std::vector<Value::EdgeRef>> preds;
        std::vector<NodeId> frontier{from};
        bool reached = false;
        for (int64_t d = 0; types && !frontier.empty() && !reached && (rel.max_hops < 0 || d < rel.max_hops); ++d) {
          std::vector<NodeId> next;
          for (NodeId u : frontier) {
            st.ctx.CheckInterrupt();
            Status s = st.ctx.txn.Expand(u, rel.direction, std::nullopt, [&](const graph::AdjacentEdge& e, bool out) {
              if (!types->empty() && std::find(types->begin(), types->end(), e.type) == types->end()) return true;
              Value::EdgeRef ref = out ? Value::EdgeRef{e.edge, e.anchor, e.neighbor, nullptr}
                                       : Value::EdgeRef{e.edge, e.neighbor, e.anchor, nullptr};
              if (!CheckRel(st, rel, e.edge)) return true;
              auto [it, inserted] = dist.emplace(e.neighbor, d + 1);
              if (inserted) next.push_back(e.neighbor);
              if (it->second == d + 1) preds[e.neighbor].push_back(ref);
              if (e.neighbor == to) reached = true;
              return true;
            });
            if (!s.ok()) throw ErrorAt("DatabaseError", "", true, s.ToString());
          }
          frontier = std::move(next);
        }
        if (reached && dist[to] >= rel.min_hops) {
          std::vector<Value::EdgeRef> current;
          std::function<void(NodeId)> walk = [&](NodeId at) {
            if (at == from) {
              paths.emplace_back(current.rbegin(), current.rend());
              return;
            }
            for (const auto& e : preds[at]) {
              current.push_back(e);
              walk(e.source == at ? e.target : e.source);
              current.pop_back();
              if (part.kind == PatternPart::Kind::kShortest && !paths.empty()) return;
            }
          };
          walk(to);
        }
      }
      bool keep_going = true;
      for (auto& p : paths) {
        ValueList rels;
        for (auto& e : p) rels.push_back(Value(e));
        Value saved_r = st.row[rel.slot];
        st.row[rel.slot] = Value(rels);
        auto path = std::make_shared<Path>();
        path->nodes.push_back(Value(Value::NodeRef{from, nullptr}));
        NodeId at = from;
        for (auto& e : p) {
          at = e.source == at ? e.target : e.source;
          path->edges.push_back(Value(e));
          path->nodes.push_back(Value(Value::NodeRef{at, nullptr}));
        }
        Value saved_p;
        if (part.path_slot >= 0) {
          saved_p = st.row[part.path_slot];
          st.row[part.path_slot] = Value(std::shared_ptr<const Path>(std::move(path)));
        }
        keep_going = !RunFilters(st, EventOf(pi, 3)) || MatchPartAt(st, pi + 1);
        if (part.path_slot >= 0) st.row[part.path_slot] = std::move(saved_p);
        st.row[rel.slot] = std::move(saved_r);
        if (!keep_going) break;
      }
      st.row[b.slot] = std::move(saved_b);
      return keep_going;
    });
    st.row[a.slot] = std::move(saved_a);
    return go;
  });
}

std::vector<std::string> PatternMatcher::Describe() const {
  std::vector<std::string> out;
  auto anchor_text = [](const Anchor& a, const NodeStep& n) {
    switch (a.kind) {
      case Anchor::Kind::kBound: return std::string("Argument(slot ") + std::to_string(n.slot) + ")";
      case Anchor::Kind::kIndexSeek: return "NodeIndexSeek(:" + a.label + "(" + a.key + "))";
      case Anchor::Kind::kIndexRange: return "NodeIndexSeekByRange(:" + a.label + "(" + a.key + "))";
      case Anchor::Kind::kLabelScan: return "NodeByLabelScan(:" + a.label + ")";
      case Anchor::Kind::kAllNodes: return std::string("AllNodesScan");
    }
    return std::string();
  };
  for (size_t pi = 0; pi < parts_.size(); ++pi) {
    const MatchPart& p = parts_[pi];
    bool scan = ScansRelationships(pi);
    std::string line = scan ? std::string("RelationshipScan") : anchor_text(p.anchor, p.nodes[0]);
    char est[32];
    std::snprintf(est, sizeof est, " ~%.0f rows", p.anchor.estimate);
    if (!scan) line += est;
    if (p.kind != PatternPart::Kind::kPlain) line = (p.kind == PatternPart::Kind::kShortest ? "ShortestPath(BFS) from " : "AllShortestPaths from ") + line;
    for (size_t ri = 0; ri < p.rels.size(); ++ri) {
      const RelStep& r = p.rels[ri];
      std::string types;
      for (const auto& t : r.types) types += (types.empty() ? ":" : "|") + t;
      line += scan && ri == 0 ? "(" : r.var_length ? (r.endpoints_only ? " -> VarExpand(BFS distinct" : " -> VarExpand(") : " -> Expand(";
      line += types + (r.direction == Direction::kOut ? " out" : r.direction == Direction::kIn ? " in" : " both");
      if (r.var_length)
        line += " " + std::to_string(r.min_hops) + ".." + (r.max_hops < 0 ? std::string() : std::to_string(r.max_hops));
      line += ")";
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace kg::query
