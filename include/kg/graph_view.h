// Opt-in: a Boost.Graph view of the store. Including this header brings in
// Boost; nothing else in include/kg/ does.
//
// GraphView models VertexListGraph, EdgeListGraph, IncidenceGraph,
// BidirectionalGraph and AdjacencyGraph over one transaction's snapshot, so stock BGL algorithms run
// directly on the stored graph:
//
//   auto txn = db->Begin({.read_only = true});
//   kg::GraphView g(*txn, {.edge_types = {"KNOWS"}});
//   boost::breadth_first_search(g, start, boost::visitor(...));
//
// Vertex descriptors are NodeIds; edge descriptors carry their endpoints as
// the view orients them (GraphFilter::direction: reversed for kIn; for kBoth
// every edge is seen from both ends, the other end as target).
// Adjacency is read from the store on first use of a vertex and kept, so
// iterators are multi-pass and an algorithm touches only what it visits.
// The vertex list and the dense vertex index (0..n-1, for BGL's default
// colour and distance maps) are built on first use.
//
// Storage errors cannot travel through BGL: a vertex whose edges cannot be
// read looks edgeless and status() reports the error afterwards.
// Not thread-safe. The transaction must outlive the view.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/iterator/transform_iterator.hpp>
#include <boost/property_map/property_map.hpp>

#include "kg/algorithms.h"
#include "kg/element.h"
#include "kg/status.h"
#include "kg/transaction.h"

namespace kg {

namespace graph {
class GraphTxn;
}

struct ViewEdge {
  EdgeId id = 0;
  NodeId source = 0;
  NodeId target = 0;
  friend bool operator==(const ViewEdge& a, const ViewEdge& b) { return a.id == b.id; }
  friend bool operator!=(const ViewEdge& a, const ViewEdge& b) { return a.id != b.id; }
};

class GraphViewEdgeIterator;

class GraphView {
 public:
  GraphView(const Transaction& txn, const GraphFilter& filter = {});
  // For kg's own query engine, which holds the graph layer's transaction.
  GraphView(std::shared_ptr<graph::GraphTxn> txn, const GraphFilter& filter);
  ~GraphView();
  GraphView(GraphView&&) noexcept;

  // ---- Boost.Graph associated types ----
  using vertex_descriptor = NodeId;
  using edge_descriptor = ViewEdge;
  using directed_category = boost::bidirectional_tag;
  using edge_parallel_category = boost::allow_parallel_edge_tag;
  struct traversal_category : boost::vertex_list_graph_tag,
                              boost::bidirectional_graph_tag,
                              boost::adjacency_graph_tag,
                              boost::edge_list_graph_tag {};
  using vertex_iterator = std::vector<NodeId>::const_iterator;
  using out_edge_iterator = std::vector<ViewEdge>::const_iterator;
  using in_edge_iterator = std::vector<ViewEdge>::const_iterator;
  using edge_iterator = GraphViewEdgeIterator;
  struct TargetOf {
    NodeId operator()(const ViewEdge& e) const { return e.target; }
  };
  using adjacency_iterator = boost::transform_iterator<TargetOf, out_edge_iterator, NodeId, NodeId>;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;
  static vertex_descriptor null_vertex() { return 0; }  // ids start at 1

  // ---- what the free functions below use ----
  // Every vertex of the view, ascending.
  const std::vector<NodeId>& Vertices() const;
  // Dense index of a vertex of the view, in 0..num_vertices-1.
  std::size_t IndexOf(NodeId node) const;
  bool Contains(NodeId node) const;
  const std::vector<ViewEdge>& OutEdges(NodeId node) const;
  const std::vector<ViewEdge>& InEdges(NodeId node) const;
  // The numeric property key of edge e as a double; missing_value when the
  // edge lacks it or it is not a number.
  double EdgeNumber(const ViewEdge& e, const std::string& key, double missing_value) const;
  // OK, or the first storage error met while reading.
  Status status() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// edges(g): every out-edge of every vertex, vertex by vertex (a kBoth view
// lists each stored edge twice, once from each end). Reads every vertex's
// adjacency on the way.
class GraphViewEdgeIterator
    : public boost::iterator_facade<GraphViewEdgeIterator, const ViewEdge, boost::forward_traversal_tag> {
 public:
  GraphViewEdgeIterator() = default;
  GraphViewEdgeIterator(const GraphView* g, std::size_t vertex) : g_(g), vertex_(vertex) { Settle(); }

 private:
  friend class boost::iterator_core_access;
  void Settle() {
    while (g_ && vertex_ < g_->Vertices().size() && edge_ >= g_->OutEdges(g_->Vertices()[vertex_]).size()) {
      ++vertex_;
      edge_ = 0;
    }
  }
  void increment() {
    ++edge_;
    Settle();
  }
  bool equal(const GraphViewEdgeIterator& o) const { return vertex_ == o.vertex_ && edge_ == o.edge_; }
  const ViewEdge& dereference() const { return g_->OutEdges(g_->Vertices()[vertex_])[edge_]; }

  const GraphView* g_ = nullptr;
  std::size_t vertex_ = 0, edge_ = 0;
};

// ---- BGL free functions, found by ADL ----
inline std::pair<GraphViewEdgeIterator, GraphViewEdgeIterator> edges(const GraphView& g) {
  return {GraphViewEdgeIterator(&g, 0), GraphViewEdgeIterator(&g, g.Vertices().size())};
}
inline std::size_t num_edges(const GraphView& g) {
  std::size_t n = 0;
  for (NodeId v : g.Vertices()) n += g.OutEdges(v).size();
  return n;
}
inline std::pair<GraphView::vertex_iterator, GraphView::vertex_iterator> vertices(const GraphView& g) {
  const auto& v = g.Vertices();
  return {v.begin(), v.end()};
}
inline std::size_t num_vertices(const GraphView& g) { return g.Vertices().size(); }
inline std::pair<GraphView::out_edge_iterator, GraphView::out_edge_iterator> out_edges(NodeId u, const GraphView& g) {
  const auto& e = g.OutEdges(u);
  return {e.begin(), e.end()};
}
inline std::size_t out_degree(NodeId u, const GraphView& g) { return g.OutEdges(u).size(); }
inline std::pair<GraphView::in_edge_iterator, GraphView::in_edge_iterator> in_edges(NodeId u, const GraphView& g) {
  const auto& e = g.InEdges(u);
  return {e.begin(), e.end()};
}
inline std::size_t in_degree(NodeId u, const GraphView& g) { return g.InEdges(u).size(); }
inline std::size_t degree(NodeId u, const GraphView& g) { return in_degree(u, g) + out_degree(u, g); }
inline NodeId source(const ViewEdge& e, const GraphView&) { return e.source; }
inline NodeId target(const ViewEdge& e, const GraphView&) { return e.target; }
inline std::pair<GraphView::adjacency_iterator, GraphView::adjacency_iterator> adjacent_vertices(
    NodeId u, const GraphView& g) {
  const auto& e = g.OutEdges(u);
  return {GraphView::adjacency_iterator(e.begin(), GraphView::TargetOf()),
          GraphView::adjacency_iterator(e.end(), GraphView::TargetOf())};
}

// The dense vertex index as a readable property map.
class GraphViewIndexMap {
 public:
  using key_type = NodeId;
  using value_type = std::size_t;
  using reference = std::size_t;
  using category = boost::readable_property_map_tag;
  explicit GraphViewIndexMap(const GraphView* g = nullptr) : g_(g) {}
  std::size_t operator[](NodeId n) const { return g_->IndexOf(n); }
  friend std::size_t get(const GraphViewIndexMap& m, NodeId n) { return m.g_->IndexOf(n); }

 private:
  const GraphView* g_;
};
inline GraphViewIndexMap get(boost::vertex_index_t, const GraphView& g) { return GraphViewIndexMap(&g); }

// A numeric edge property as a readable edge-weight map (for Dijkstra).
class GraphViewWeightMap {
 public:
  using key_type = ViewEdge;
  using value_type = double;
  using reference = double;
  using category = boost::readable_property_map_tag;
  GraphViewWeightMap(const GraphView* g, std::string key, double missing_value)
      : g_(g), key_(std::move(key)), missing_(missing_value) {}
  friend double get(const GraphViewWeightMap& m, const ViewEdge& e) {
    return m.g_->EdgeNumber(e, m.key_, m.missing_);
  }

 private:
  const GraphView* g_;
  std::string key_;
  double missing_;
};
inline GraphViewWeightMap weight_map(const GraphView& g, std::string key, double missing_value = 1.0) {
  return GraphViewWeightMap(&g, std::move(key), missing_value);
}

}  // namespace kg

namespace boost {
template <>
struct property_map<kg::GraphView, vertex_index_t> {
  using type = kg::GraphViewIndexMap;
  using const_type = kg::GraphViewIndexMap;
};
}  // namespace boost
