// Nodes and edges as the API hands them out: plain values, copied out of a
// transaction's snapshot. Changing one changes nothing in the database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kg/value.h"

namespace kg {

// Ids are assigned by the database, start at 1, and are never reused, not
// even after the element is deleted or its transaction rolled back.
using NodeId = uint64_t;
using EdgeId = uint64_t;

using Properties = ValueMap;

enum class Direction { kOut, kIn, kBoth };

struct Node {
  NodeId id = 0;
  std::vector<std::string> labels;  // sorted by name
  Properties properties;
};

// A relationship. Listings of a node's relationships (Transaction::GetEdges,
// ScanEdges) leave properties empty: GetEdge reads them.
struct Edge {
  EdgeId id = 0;
  std::string type;
  NodeId source = 0;
  NodeId target = 0;
  Properties properties;
};

// A path, as query results and the path algorithms (algorithms.h) hand it
// out: nodes[0], edges[0], nodes[1], ..., nodes[n], where edges[i] joins
// nodes[i] and nodes[i + 1] in either direction. Each element is a node or
// relationship Value with its data (Value::as_node(), Value::as_edge()).
struct Path {
  std::vector<Value> nodes;
  std::vector<Value> edges;

  // The number of relationships.
  size_t length() const { return edges.size(); }
  std::vector<NodeId> node_ids() const {
    std::vector<NodeId> ids;
    ids.reserve(nodes.size());
    for (const Value& n : nodes) ids.push_back(n.as_node_ref().id);
    return ids;
  }
  std::vector<EdgeId> edge_ids() const {
    std::vector<EdgeId> ids;
    ids.reserve(edges.size());
    for (const Value& e : edges) ids.push_back(e.as_edge_ref().id);
    return ids;
  }
};

}  // namespace kg
