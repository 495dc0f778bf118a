#include "kg/algorithms.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <limits>
#include <unordered_map>

#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/pending/disjoint_sets.hpp>
#include <boost/range/iterator_range.hpp>
#include <boost/property_map/property_map.hpp>

#include "graph/csr_graph.h"
#include "kg/graph_view.h"

namespace kg {
namespace {

// Thrown by visitors to end a search early; never leaves this file.
struct StopSearch {};
// Thrown when filter.stop asks an algorithm to stop; never leaves this file.
struct Stopped {};
// Thrown when a search over the store has grown past what a CSR snapshot
// would cost; never leaves this file.
struct TooLarge {};

Status StoppedStatus() { return Status::Aborted("the algorithm was stopped"); }

// Polls filter.stop every 4Ki calls, throwing Stopped when it says so.
class StopPoll {
 public:
  explicit StopPoll(const GraphFilter& filter) : stop_(&filter.stop) {}
  void operator()() const {
    if ((++*count_ & 0xFFF) == 0 && *stop_ && (*stop_)()) throw Stopped();
  }
  // Polls now.
  bool Now() const { return *stop_ && (*stop_)(); }

 private:
  const std::function<bool()>* stop_;
  std::shared_ptr<uint64_t> count_ = std::make_shared<uint64_t>(0);
};

// A vertex-indexed read/write map over a vector that polls on each write.
class PollingMap {
 public:
  using key_type = uint32_t;
  using value_type = double;
  using reference = double&;
  using category = boost::read_write_property_map_tag;
  PollingMap(std::vector<double>* values, const StopPoll* poll) : values_(values), poll_(poll) {}
  friend double get(const PollingMap& m, uint32_t v) { return (*m.values_)[v]; }
  friend void put(const PollingMap& m, uint32_t v, double x) {
    (*m.poll_)();
    (*m.values_)[v] = x;
  }

 private:
  std::vector<double>* values_;
  const StopPoll* poll_;
};

template <class Map>
using Assoc = boost::associative_property_map<Map>;

// A read/write property map over a hash map that reads `missing` for keys
// never written (associative_property_map would read a default-constructed
// value, 0, which Dijkstra would take for a reached distance).
template <class Key, class Value>
class SparseMap {
 public:
  using key_type = Key;
  using value_type = Value;
  using reference = Value;
  using category = boost::read_write_property_map_tag;
  SparseMap(std::unordered_map<Key, Value>* map, Value missing) : map_(map), missing_(missing) {}
  friend Value get(const SparseMap& m, const Key& k) {
    auto it = m.map_->find(k);
    return it == m.map_->end() ? m.missing_ : it->second;
  }
  friend void put(const SparseMap& m, const Key& k, const Value& v) { (*m.map_)[k] = v; }

 private:
  std::unordered_map<Key, Value>* map_;
  Value missing_;
};

Status CheckNode(const Transaction& txn, NodeId id) {
  auto exists = txn.HasNode(id);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::NotFound("node " + std::to_string(id) + " does not exist");
  return Status::OK();
}

class KHopVisitor : public boost::default_bfs_visitor {
 public:
  KHopVisitor(std::unordered_map<NodeId, int>* hops, int max_hops, StopPoll poll, uint64_t edge_budget)
      : hops_(hops), max_(max_hops), poll_(std::move(poll)), budget_(edge_budget) {}
  void examine_edge(const ViewEdge&, const GraphView&) const {
    if (++*examined_ > budget_) throw TooLarge();
  }
  void tree_edge(const ViewEdge& e, const GraphView&) const { (*hops_)[e.target] = (*hops_)[e.source] + 1; }
  void examine_vertex(NodeId u, const GraphView&) const {
    poll_();
    // FIFO order: once a vertex at max_hops is examined, every vertex within
    // max_hops has been discovered.
    if ((*hops_)[u] >= max_) throw StopSearch();
  }

 private:
  std::unordered_map<NodeId, int>* hops_;
  int max_;
  StopPoll poll_;
  uint64_t budget_;
  std::shared_ptr<uint64_t> examined_ = std::make_shared<uint64_t>(0);
};

class PathVisitor : public boost::default_bfs_visitor {
 public:
  PathVisitor(std::unordered_map<NodeId, ViewEdge>* parent, NodeId goal, StopPoll poll)
      : parent_(parent), goal_(goal), poll_(std::move(poll)) {}
  void examine_vertex(NodeId, const GraphView&) const { poll_(); }
  void tree_edge(const ViewEdge& e, const GraphView&) const {
    (*parent_)[e.target] = e;
    if (e.target == goal_) throw StopSearch();
  }

 private:
  std::unordered_map<NodeId, ViewEdge>* parent_;
  NodeId goal_;
  StopPoll poll_;
};

// The nodes and edges from `from` to `to` along the parents a search left.
void TracePath(NodeId from, NodeId to, const std::unordered_map<NodeId, ViewEdge>& parent,
               std::vector<NodeId>* nodes, std::vector<EdgeId>* edges) {
  for (NodeId at = to; at != from;) {
    const ViewEdge& e = parent.at(at);
    nodes->push_back(at);
    edges->push_back(e.id);
    at = e.source;
  }
  nodes->push_back(from);
  std::reverse(nodes->begin(), nodes->end());
  std::reverse(edges->begin(), edges->end());
}

// The path with its elements' data, read in the same snapshot.
Result<std::optional<Path>> ReadPath(const Transaction& txn, const std::vector<NodeId>& nodes,
                                     const std::vector<EdgeId>& edges) {
  Path p;
  for (NodeId id : nodes) {
    auto node = txn.GetNode(id);
    if (!node.ok()) return node.status();
    p.nodes.push_back(Value(Value::NodeRef{id, std::make_shared<const Node>(std::move(*node))}));
  }
  for (EdgeId id : edges) {
    auto edge = txn.GetEdge(id);
    if (!edge.ok()) return edge.status();
    NodeId source = edge->source, target = edge->target;
    p.edges.push_back(Value(Value::EdgeRef{id, source, target, std::make_shared<const Edge>(std::move(*edge))}));
  }
  return std::optional<Path>(std::move(p));
}

// The k-hop search over a CSR snapshot of the filtered graph: hops of every
// node within max_hops of start (a node of the snapshot).
Result<std::unordered_map<NodeId, int>> KHopOnCsr(const Transaction& txn, NodeId start, int max_hops,
                                                  const GraphFilter& filter) {
  auto csr = graph::BuildCsr(txn, filter);
  if (!csr.ok()) return csr.status();
  const graph::CsrGraph& g = (*csr)->graph;
  const auto& nodes = (*csr)->nodes;
  const uint32_t n = static_cast<uint32_t>(nodes.size());
  std::vector<int> hop(n, -1);
  uint32_t s = (*csr)->VertexOf(start);
  std::unordered_map<NodeId, int> out{{start, 0}};
  if (s == n) return out;
  hop[s] = 0;
  std::vector<uint32_t> frontier{s}, next;
  StopPoll poll(filter);
  try {
    for (int h = 1; h <= max_hops && !frontier.empty(); ++h) {
      next.clear();
      auto reach = [&](uint32_t w) {
        if (hop[w] < 0) {
          hop[w] = h;
          next.push_back(w);
        }
      };
      for (uint32_t v : frontier) {
        poll();
        if (filter.direction != Direction::kIn)
          for (auto e : boost::make_iterator_range(out_edges(v, g))) reach(target(e, g));
        if (filter.direction != Direction::kOut)
          for (auto e : boost::make_iterator_range(in_edges(v, g))) reach(source(e, g));
      }
      frontier.swap(next);
    }
  } catch (const Stopped&) {
    return StoppedStatus();
  }
  for (uint32_t v = 0; v < n; ++v)
    if (hop[v] >= 0) out[nodes[v]] = hop[v];
  return out;
}

}  // namespace

Result<std::vector<HopDistance>> KHopNeighborhood(const Transaction& txn, NodeId start, int max_hops,
                                                  const GraphFilter& filter) {
  if (max_hops < 0) return Status::InvalidArgument("max_hops must not be negative");
  if (Status s = CheckNode(txn, start); !s.ok()) return s;
  GraphView g(txn, filter);
  std::unordered_map<NodeId, int> hops{{start, 0}};
  if (max_hops > 0 && g.Contains(start)) {
    // On the store, reading only what it visits; past half the graph's
    // relationships examined, reading them all once into a CSR snapshot and
    // searching that is cheaper (bench/RESULTS.md).
    auto total = txn.CountEdges();
    uint64_t budget = std::max<uint64_t>(total.ok() ? *total / 2 : UINT64_MAX, 4096);
    std::unordered_map<NodeId, boost::default_color_type> colors;
    boost::queue<NodeId> queue;
    try {
      boost::breadth_first_visit(g, start, queue, KHopVisitor(&hops, max_hops, StopPoll(filter), budget),
                                 Assoc<decltype(colors)>(colors));
    } catch (const StopSearch&) {
    } catch (const Stopped&) {
      return StoppedStatus();
    } catch (const TooLarge&) {
      auto r = KHopOnCsr(txn, start, max_hops, filter);
      if (!r.ok()) return r.status();
      hops = std::move(*r);
    }
  }
  if (Status s = g.status(); !s.ok()) return s;
  std::vector<HopDistance> out;
  out.reserve(hops.size());
  for (auto [node, h] : hops)
    if (h <= max_hops) out.push_back({node, h});
  std::sort(out.begin(), out.end(), [](const HopDistance& a, const HopDistance& b) {
    return a.hops != b.hops ? a.hops < b.hops : a.node < b.node;
  });
  return out;
}

Result<std::optional<Path>> ShortestPath(const Transaction& txn, NodeId from, NodeId to, const GraphFilter& filter) {
  if (Status s = CheckNode(txn, from); !s.ok()) return s;
  if (Status s = CheckNode(txn, to); !s.ok()) return s;
  GraphView g(txn, filter);
  if (!g.Contains(from) || !g.Contains(to)) return std::optional<Path>();
  if (from == to) return ReadPath(txn, {from}, {});
  std::unordered_map<NodeId, ViewEdge> parent;
  std::unordered_map<NodeId, boost::default_color_type> colors;
  boost::queue<NodeId> queue;
  try {
    boost::breadth_first_visit(g, from, queue, PathVisitor(&parent, to, StopPoll(filter)),
                               Assoc<decltype(colors)>(colors));
  } catch (const StopSearch&) {
  } catch (const Stopped&) {
    return StoppedStatus();
  }
  if (Status s = g.status(); !s.ok()) return s;
  if (!parent.count(to)) return std::optional<Path>();
  std::vector<NodeId> nodes;
  std::vector<EdgeId> edges;
  TracePath(from, to, parent, &nodes, &edges);
  return ReadPath(txn, nodes, edges);
}

namespace {

class DijkstraVisitor : public boost::default_dijkstra_visitor {
 public:
  DijkstraVisitor(std::unordered_map<NodeId, ViewEdge>* parent, NodeId goal, StopPoll poll)
      : parent_(parent), goal_(goal), poll_(std::move(poll)) {}
  void edge_relaxed(const ViewEdge& e, const GraphView&) const { (*parent_)[e.target] = e; }
  void examine_vertex(NodeId u, const GraphView&) const {
    poll_();
    if (u == goal_) throw StopSearch();
  }

 private:
  std::unordered_map<NodeId, ViewEdge>* parent_;
  NodeId goal_;
  StopPoll poll_;
};

}  // namespace

Result<std::optional<Path>> CheapestPath(const Transaction& txn, NodeId from, NodeId to,
                                         const std::string& weight_key, const GraphFilter& filter) {
  if (Status s = CheckNode(txn, from); !s.ok()) return s;
  if (Status s = CheckNode(txn, to); !s.ok()) return s;
  GraphView g(txn, filter);
  if (!g.Contains(from) || !g.Contains(to)) return std::optional<Path>();
  std::unordered_map<NodeId, ViewEdge> parent;
  std::unordered_map<NodeId, double> distance;
  std::unordered_map<NodeId, NodeId> predecessor;
  std::unordered_map<NodeId, boost::default_color_type> colors;
  std::unordered_map<NodeId, std::size_t> heap_index;
  auto weights = weight_map(g, weight_key, 1.0);
  try {
    // The no-init form with associative maps: only visited vertices get entries.
    distance[from] = 0;
    boost::dijkstra_shortest_paths_no_init(
        g, from, Assoc<decltype(predecessor)>(predecessor),
        SparseMap<NodeId, double>(&distance, std::numeric_limits<double>::infinity()), weights, Assoc<decltype(heap_index)>(heap_index),
        std::less<double>(), boost::closed_plus<double>(), 0.0, DijkstraVisitor(&parent, to, StopPoll(filter)),
        Assoc<decltype(colors)>(colors));
  } catch (const StopSearch&) {
  } catch (const Stopped&) {
    return StoppedStatus();
  } catch (const boost::negative_edge&) {
    return Status::InvalidArgument("an edge on the way has a negative " + weight_key);
  }
  if (Status s = g.status(); !s.ok()) return s;
  if (from != to && !parent.count(to)) return std::optional<Path>();
  std::vector<NodeId> nodes;
  std::vector<EdgeId> edges;
  if (from == to) nodes.push_back(from);
  else TracePath(from, to, parent, &nodes, &edges);
  return ReadPath(txn, nodes, edges);
}

double PathWeight(const Path& path, std::string_view weight_key) {
  double sum = 0;
  for (const Value& e : path.edges) {
    const Properties& props = e.as_edge().properties;
    auto it = props.find(weight_key);
    sum += it != props.end() && it->second.is_number() ? it->second.as_number() : 1.0;
  }
  return sum;
}

Result<std::vector<std::vector<NodeId>>> WeaklyConnectedComponents(const Transaction& txn,
                                                                   const GraphFilter& filter) {
  auto csr = graph::BuildCsr(txn, filter);
  if (!csr.ok()) return csr.status();
  const graph::CsrGraph& g = (*csr)->graph;
  size_t n = num_vertices(g);
  std::vector<uint32_t> rank(n), parent(n);
  boost::disjoint_sets<uint32_t*, uint32_t*> sets(rank.data(), parent.data());
  for (uint32_t v = 0; v < n; ++v) sets.make_set(v);
  StopPoll poll(filter);
  try {
    for (auto e : boost::make_iterator_range(edges(g))) {
      poll();
      sets.union_set(source(e, g), target(e, g));
    }
  } catch (const Stopped&) {
    return StoppedStatus();
  }
  std::unordered_map<uint32_t, size_t> component_of_root;
  std::vector<std::vector<NodeId>> components;
  for (uint32_t v = 0; v < n; ++v) {
    uint32_t root = sets.find_set(v);
    auto [it, inserted] = component_of_root.emplace(root, components.size());
    if (inserted) components.emplace_back();
    components[it->second].push_back((*csr)->nodes[v]);
  }
  std::stable_sort(components.begin(), components.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return components;
}

Result<std::vector<NodeScore>> PageRank(const Transaction& txn, const GraphFilter& filter, double damping,
                                        int iterations, double tolerance) {
  if (damping < 0 || damping > 1) return Status::InvalidArgument("damping must lie in [0, 1]");
  if (iterations < 1) return Status::InvalidArgument("iterations must be at least 1");
  if (!(tolerance >= 0)) return Status::InvalidArgument("tolerance must not be negative");
  auto csr = graph::BuildCsr(txn, filter);
  if (!csr.ok()) return csr.status();
  const graph::CsrGraph& g = (*csr)->graph;
  // Power iteration from 1/N: each round every node gets (1 - d)/N, d times
  // its in-neighbours' shares (a node's rank split over its relationships)
  // and d times an N-th of the rank of the nodes with no relationship out,
  // whose rank would otherwise leak away. The ranks keep summing to 1.
  const size_t n = num_vertices(g);
  std::vector<double> rank(n, n ? 1.0 / static_cast<double>(n) : 0), next(n);
  std::vector<double> share(n);
  for (int round = 0; round < iterations && n; ++round) {
    double dangling = 0;
    for (uint32_t v = 0; v < n; ++v) {
      size_t degree = out_degree(v, g);
      if (degree == 0) dangling += rank[v];
      share[v] = degree ? rank[v] / static_cast<double>(degree) : 0;
    }
    const double base = (1 - damping) / static_cast<double>(n) + damping * dangling / static_cast<double>(n);
    std::fill(next.begin(), next.end(), base);
    for (uint32_t u = 0; u < n; ++u) {
      if ((u & 0xFFFF) == 0xFFFF && filter.stop && filter.stop()) return StoppedStatus();
      for (auto e : boost::make_iterator_range(out_edges(u, g))) next[target(e, g)] += damping * share[u];
    }
    rank.swap(next);
    if (filter.stop && filter.stop()) return StoppedStatus();
    if (tolerance > 0) {
      double moved = 0;
      for (size_t v = 0; v < n; ++v) moved += std::abs(rank[v] - next[v]);
      if (moved < static_cast<double>(n) * tolerance) break;
    }
  }
  std::vector<NodeScore> out;
  out.reserve(n);
  for (size_t v = 0; v < n; ++v) out.push_back({(*csr)->nodes[v], rank[v]});
  return out;
}

Result<std::vector<NodeScore>> BetweennessCentrality(const Transaction& txn, const GraphFilter& filter) {
  auto csr = graph::BuildCsr(txn, filter);
  if (!csr.ok()) return csr.status();
  const graph::CsrGraph& g = (*csr)->graph;
  std::vector<double> centrality(num_vertices(g));
  // Brandes adds each source's dependencies to the centrality map: the map
  // polls filter.stop as it does.
  StopPoll poll(filter);
  PollingMap scores(&centrality, &poll);
  try {
  if (filter.direction != Direction::kBoth) {
    // Reversing every edge leaves betweenness unchanged: kIn is kOut.
    boost::brandes_betweenness_centrality(g, boost::centrality_map(scores));
  } else {
    // Undirected: each edge both ways; every unordered pair is then counted twice.
    std::vector<std::pair<uint32_t, uint32_t>> both;
    for (auto e : boost::make_iterator_range(edges(g))) {
      both.emplace_back(source(e, g), target(e, g));
      both.emplace_back(target(e, g), source(e, g));
    }
    using Symmetric = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                         boost::no_property, uint32_t, uint32_t>;
    Symmetric sym(boost::edges_are_unsorted_multi_pass, both.begin(), both.end(), num_vertices(g));
    boost::brandes_betweenness_centrality(sym, boost::centrality_map(scores));
    for (double& c : centrality) c /= 2;
  }
  } catch (const Stopped&) {
    return StoppedStatus();
  }
  std::vector<NodeScore> out;
  for (size_t v = 0; v < centrality.size(); ++v) out.push_back({(*csr)->nodes[v], centrality[v]});
  return out;
}

}  // namespace kg
