#include "graph/csr_graph.h"

#include <algorithm>

#include "graph/graph.h"
#include "graph/huge_pages.h"

namespace kg::graph {

uint32_t CsrSnapshot::VertexOf(NodeId node) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), node);
  return it != nodes.end() && *it == node ? static_cast<uint32_t>(it - nodes.begin())
                                          : static_cast<uint32_t>(nodes.size());
}

Result<std::unique_ptr<CsrSnapshot>> BuildCsr(const Transaction& txn, const GraphFilter& filter) {
  GraphTxn& g = Of(txn);
  if (Status s = g.CheckActive(); !s.ok()) return s;
  auto snapshot = std::make_unique<CsrSnapshot>();
  std::vector<NodeId>& nodes = snapshot->nodes;
  // Polls filter.stop every 64Ki steps.
  uint64_t steps = 0;
  bool stopped = false;
  auto go_on = [&] {
    if ((++steps & 0xFFFF) == 0 && filter.stop && filter.stop()) stopped = true;
    return !stopped;
  };
  auto add_node = [&](NodeId id) {
    nodes.push_back(id);
    return go_on();
  };
  if (filter.labels.empty()) {
    if (Status s = g.ScanNodes(add_node); !s.ok()) return s;
  } else {
    for (const auto& name : filter.labels) {
      auto label = g.ResolveLabel(name);
      if (!label) continue;
      if (Status s = g.ScanLabel(*label, add_node); !s.ok()) return s;
    }
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  }
  if (stopped) return Status::Aborted("stopped while reading the graph");
  if (nodes.size() >= UINT32_MAX) return Status::NotSupported("too many nodes for a CSR snapshot");

  // NodeId -> vertex: a direct table when ids are dense enough, else binary search.
  const uint32_t absent = static_cast<uint32_t>(nodes.size());
  std::vector<uint32_t> table;
  NodeId max_id = nodes.empty() ? 0 : nodes.back();
  bool dense = max_id < 4 * nodes.size() + 1024;
  if (dense) {
    table.assign(max_id + 1, absent);
    for (uint32_t v = 0; v < nodes.size(); ++v) table[nodes[v]] = v;
  }
  auto vertex_of = [&](NodeId n) -> uint32_t {
    if (dense) return n <= max_id ? table[n] : absent;
    return snapshot->VertexOf(n);
  };

  std::vector<uint32_t> types;
  for (const auto& name : filter.edge_types)
    if (auto t = g.ResolveType(name)) types.push_back(*t);
  std::sort(types.begin(), types.end());
  bool filter_types = !filter.edge_types.empty();

  // Sized once from the maintained counts, in huge pages: growing by
  // doubling would copy the arrays and fault in each copy a page at a time.
  std::vector<std::pair<uint32_t, uint32_t>, HugePageAllocator<std::pair<uint32_t, uint32_t>>> edges;
  std::vector<CsrEdge, HugePageAllocator<CsrEdge>> props;
  int64_t expected = 0;
  if (!filter_types) {
    if (auto n = g.CountEdges(std::nullopt); n.ok()) expected = *n;
  } else {
    for (uint32_t t : types)
      if (auto n = g.CountEdges(t); n.ok()) expected += *n;
  }
  if (expected > 0) {
    edges.reserve(static_cast<size_t>(expected));
    props.reserve(static_cast<size_t>(expected));
  }
  Status scanned = g.ScanAdjacency(Direction::kOut, std::nullopt, [&](const AdjacentEdge& e) {
    if (filter_types && !std::binary_search(types.begin(), types.end(), e.type)) return go_on();
    uint32_t s = vertex_of(e.anchor), t = vertex_of(e.neighbor);
    if (s == absent || t == absent) return go_on();
    edges.emplace_back(s, t);
    props.push_back(CsrEdge{e.edge});
    return go_on();
  });
  if (!scanned.ok()) return scanned;
  if (stopped) return Status::Aborted("stopped while reading the graph");
  if (edges.size() >= UINT32_MAX) return Status::NotSupported("too many edges for a CSR snapshot");
  snapshot->graph = CsrGraph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(),
                             props.begin(), nodes.size());
  return snapshot;
}

}  // namespace kg::graph
