// CsrSnapshot: the graph (or a filtered part of it) copied out of one
// transaction's snapshot into a Boost compressed_sparse_row_graph, for
// whole-graph algorithms that touch every edge many times.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "kg/algorithms.h"
#include "kg/status.h"
#include "kg/transaction.h"

namespace kg::graph {

struct CsrEdge {
  EdgeId id = 0;
};

using CsrGraph = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, CsrEdge,
                                                    boost::no_property, uint32_t, uint32_t>;

struct CsrSnapshot {
  CsrGraph graph;
  // nodes[v] is the NodeId of CSR vertex v; ascending.
  std::vector<NodeId> nodes;
  // CSR vertex of a node, or nodes.size() when it is not in the snapshot.
  uint32_t VertexOf(NodeId node) const;
};

// Copies the nodes and edges passing filter (its direction is ignored: the
// CSR keeps stored directions and offers both out- and in-edges).
Result<std::unique_ptr<CsrSnapshot>> BuildCsr(const Transaction& txn, const GraphFilter& filter = {});

}  // namespace kg::graph
