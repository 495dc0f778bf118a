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

void MemoryBudget::Exceeded(size_t bytes, const Position& at) const {
  auto mib = [](size_t b) { return std::to_string((b + (size_t{1} << 20) - 1) >> 20) + " MiB"; };
  throw ErrorAt("TransientError", "MemoryLimit", true,
                "the statement needs more memory than its limit of " + mib(limit) + " (it holds " + mib(held) +
                    " and asked for " + mib(bytes) + " more); raise the limit (kg --max-memory, "
                    "Connection::set_memory_limit) or make the statement hold less",
                at);
}

size_t ValueBytes(const Value& v) {
  switch (v.type()) {
    case Value::Type::kString: {
      size_t n = v.as_string().size();
      return sizeof(Value) + (n > 15 ? n + 1 : 0);
    }
    case Value::Type::kList: {
      size_t n = sizeof(Value) + 32;
      for (const Value& e : v.as_list()) n += ValueBytes(e);
      return n;
    }
    case Value::Type::kMap: {
      size_t n = sizeof(Value) + 32;
      for (const auto& [k, e] : v.as_map()) n += 64 + k.size() + ValueBytes(e);
      return n;
    }
    case Value::Type::kPath: return sizeof(Value) + 64 * (v.as_path().nodes.size() + v.as_path().edges.size());
    default: return sizeof(Value);
  }
}

size_t RowBytes(const std::vector<Value>& row) {
  size_t n = 32;
  for (const Value& v : row) n += ValueBytes(v);
  return n;
}

bool NestedDeeperThan(const Value& v, int depth) {
  if (depth < 0) return true;
  if (v.is_list()) {
    for (const Value& e : v.as_list())
      if ((e.is_list() || e.is_map()) && NestedDeeperThan(e, depth - 1)) return true;
  } else if (v.is_map()) {
    for (const auto& [k, e] : v.as_map())
      if ((e.is_list() || e.is_map()) && NestedDeeperThan(e, depth - 1)) return true;
  }
  return false;
}

void SideEffects::BeforeNodeProperty(NodeId id, uint32_t key) {
  memory_.Hold(kPropertyWriteBytes);
  if (created_nodes_.count(id)) {
    changed_nodes_.insert(id);
    return;
  }
  node_props_.try_emplace({id, key}, NodeProperty(txn_, id, key));
}

void SideEffects::BeforeEdgeProperty(EdgeId id, uint32_t key) {
  memory_.Hold(kPropertyWriteBytes);
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
