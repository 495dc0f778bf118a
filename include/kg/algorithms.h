// Graph algorithms over one transaction's snapshot, with plain C++ results.
// They run Boost.Graph's algorithms directly on the store (through
// GraphView) or on a compressed snapshot of it; no Boost type appears here.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kg/element.h"
#include "kg/status.h"
#include "kg/transaction.h"

namespace kg {

// Restricts a traversal or an algorithm to part of the graph.
struct GraphFilter {
  // Only nodes with at least one of these labels (and edges between them).
  // Empty: every node.
  std::vector<std::string> labels;
  // Only edges of these types. Empty: every type.
  std::vector<std::string> edge_types;
  // The direction edges are followed in: kOut as stored, kIn reversed,
  // kBoth as if undirected.
  Direction direction = Direction::kOut;
  // Polled now and then while an algorithm runs (every few thousand steps,
  // and while the snapshot is read); when it returns true the algorithm
  // stops and fails with StatusCode::kAborted. Empty: never stops.
  std::function<bool()> stop;
};

struct HopDistance {
  NodeId node = 0;
  int hops = 0;
};

struct NodeScore {
  NodeId node = 0;
  double score = 0;
};

// The nodes within max_hops of start (start itself at 0 hops), sorted by
// hops then id. Reads only the part of the graph it visits, until that is
// more than half the graph's relationships: then it finishes on a CSR
// snapshot of the filtered graph.
Result<std::vector<HopDistance>> KHopNeighborhood(const Transaction& txn, NodeId start, int max_hops,
                                                  const GraphFilter& filter = {});

// A path from `from` to `to` with the fewest edges, its nodes and edges
// read with their data (element.h); nullopt when none exists.
Result<std::optional<Path>> ShortestPath(const Transaction& txn, NodeId from, NodeId to,
                                         const GraphFilter& filter = {});

// The path of least total weight (Dijkstra), the weight of an edge being its
// numeric property weight_key (1 when missing). A negative weight on an edge
// the search reaches fails with kInvalidArgument.
Result<std::optional<Path>> CheapestPath(const Transaction& txn, NodeId from, NodeId to,
                                         const std::string& weight_key, const GraphFilter& filter = {});

// A path's total weight as CheapestPath counts it: the sum over its edges
// of their numeric property weight_key, 1 for an edge without one.
double PathWeight(const Path& path, std::string_view weight_key);

// Weakly connected components (edge direction ignored), largest first; each
// component's nodes ascending.
Result<std::vector<std::vector<NodeId>>> WeaklyConnectedComponents(const Transaction& txn,
                                                                   const GraphFilter& filter = {});

// PageRank after `iterations` rounds of power iteration from 1/N with the
// given damping: teleport (1 - damping)/N, the rank of nodes without an
// outgoing relationship spread over all nodes (NetworkX's formula), so
// the scores sum to 1. With tolerance > 0 it stops earlier, after the first
// round whose ranks moved less than N * tolerance in all (NetworkX's test).
// In node id order.
Result<std::vector<NodeScore>> PageRank(const Transaction& txn, const GraphFilter& filter = {},
                                        double damping = 0.85, int iterations = 50, double tolerance = 0);

// Betweenness centrality (Brandes), unnormalized, following edge direction
// (filter.direction kBoth: undirected, counted once per unordered pair), in node id order.
Result<std::vector<NodeScore>> BetweennessCentrality(const Transaction& txn, const GraphFilter& filter = {});

}  // namespace kg
