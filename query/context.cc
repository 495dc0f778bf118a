#include "query/context.h"

namespace kg::query {

namespace {

std::optional<Value> NodeProperty(graph::GraphTxn& txn, NodeId id, uint32_t key) {
  auto v = txn.NodeProperty(id, key);
  return v.ok() ? *v : std::nullopt;
}

std::optional<Value> EdgeProperty(graph::GraphTxn& txn, EdgeId id, uint32_t key) {
  graph::EdgeData r;
  if (!txn.ReadEdge(id, &r).ok()) return std::nullopt;
  const Value* v = graph::FindProperty(r.properties, key);
  return v ? std::optional<Value>(*v) : std::nullopt;
}

bool LabelPresent(graph::GraphTxn& txn, uint32_t label) {
  auto n = txn.CountNodes(label);
  return n.ok() && *n > 0;
}

}  // namespace

void SideEffects::BeforeNodeProperty(NodeId id, uint32_t key) {
  if (created_nodes_.count(id)) {
    changed_nodes_.insert(id);
    return;
  }
  node_props_.try_emplace({id, key}, NodeProperty(txn_, id, key));
}

void SideEffects::BeforeEdgeProperty(EdgeId id, uint32_t key) {
  if (created_edges_.count(id)) {
    changed_edges_.insert(id);
    return;
  }
  edge_props_.try_emplace({id, key}, EdgeProperty(txn_, id, key));
}

void SideEffects::BeforeNodeDelete(NodeId id, const graph::NodeData& record) {
  if (created_nodes_.count(id)) {
    changed_nodes_.insert(id);
    return;
  }
  deleted_nodes_.insert(id);
  for (const auto& [k, v] : record.properties) node_props_.try_emplace({id, k}, v);
}

void SideEffects::BeforeEdgeDelete(EdgeId id, const graph::EdgeData& record) {
  if (created_edges_.count(id)) {
    changed_edges_.insert(id);
    return;
  }
  deleted_edges_.insert(id);
  for (const auto& [k, v] : record.properties) edge_props_.try_emplace({id, k}, v);
}

void SideEffects::BeforeLabelChange(uint32_t label) { labels_.try_emplace(label, LabelPresent(txn_, label)); }

SideEffects::Counts SideEffects::Compute() const {
  Counts c;
  auto diff = [&](const std::optional<Value>& before, const std::optional<Value>& after) {
    if (before && after) {
      if (!(*before == *after)) {
        ++c.properties_set;
        ++c.properties_removed;
      }
    } else if (after) {
      ++c.properties_set;
    } else if (before) {
      ++c.properties_removed;
    }
  };
  for (auto [id, properties] : created_nodes_) {
    graph::NodeData r;
    if (changed_nodes_.count(id)) {
      if (!txn_.ReadNode(id, &r).ok()) continue;
      properties = r.properties.size();
    }
    ++c.nodes_created;
    c.properties_set += static_cast<int64_t>(properties);
  }
  for (auto [id, properties] : created_edges_) {
    graph::EdgeData r;
    if (changed_edges_.count(id)) {
      if (!txn_.ReadEdge(id, &r).ok()) continue;
      properties = r.properties.size();
    }
    ++c.relationships_created;
    c.properties_set += static_cast<int64_t>(properties);
  }
  // The properties of elements found gone are gone too: not read again.
  std::unordered_set<NodeId> gone_nodes;
  std::unordered_set<EdgeId> gone_edges;
  for (NodeId id : deleted_nodes_) {
    graph::NodeData r;
    if (!txn_.ReadNode(id, &r).ok()) gone_nodes.insert(id);
  }
  for (EdgeId id : deleted_edges_) {
    graph::EdgeData r;
    if (!txn_.ReadEdge(id, &r).ok()) gone_edges.insert(id);
  }
  c.nodes_deleted = static_cast<int64_t>(gone_nodes.size());
  c.relationships_deleted = static_cast<int64_t>(gone_edges.size());
  for (const auto& [k, before] : node_props_)
    diff(before, gone_nodes.count(k.first) ? std::nullopt : NodeProperty(txn_, k.first, k.second));
  for (const auto& [k, before] : edge_props_)
    diff(before, gone_edges.count(k.first) ? std::nullopt : EdgeProperty(txn_, k.first, k.second));
  for (const auto& [label, before] : labels_) {
    bool after = LabelPresent(txn_, label);
    if (after && !before) ++c.labels_added;
    if (before && !after) ++c.labels_removed;
  }
  return c;
}

}  // namespace kg::query
