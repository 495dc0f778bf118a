#include "graph/csr_graph.h"

#include <algorithm>

#include "graph/access.h"
#include "graph/transaction_impl.h"

namespace kg::graph {

namespace key = storage::key;
using storage::Keyspace;

uint32_t CsrSnapshot::VertexOf(NodeId node) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), node);
  return it != nodes.end() && *it == node ? static_cast<uint32_t>(it - nodes.begin())
                                          : static_cast<uint32_t>(nodes.size());
}

Result<std::unique_ptr<CsrSnapshot>> BuildCsr(const Transaction& txn, const GraphFilter& filter) {
  Transaction::Impl& impl = internal::Access::Of(txn);
  if (Status s = impl.CheckActive(); !s.ok()) return s;
  auto& kv = impl.kv();
  auto snapshot = std::make_unique<CsrSnapshot>();
  std::vector<NodeId>& nodes = snapshot->nodes;

  if (filter.labels.empty()) {
    auto it = kv.NewIterator(Keyspace::kNodes);
    for (it->SeekToFirst(); it->Valid(); it->Next())
      nodes.push_back(key::NodeOf(std::string_view(it->key().data(), it->key().size())));
    if (!it->status().ok()) return storage::FromRocks(it->status(), "node scan");
  } else {
    for (const auto& name : filter.labels) {
      auto label = impl.ResolveLabel(name);
      if (!label) continue;
      Status s = kv.ScanPrefix(Keyspace::kLabels, key::LabelPrefix(*label), [&](std::string_view k, std::string_view) {
        nodes.push_back(key::NodeOfLabelKey(k));
        return true;
      });
      if (!s.ok()) return s;
    }
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  }
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
    if (auto t = impl.ResolveType(name)) types.push_back(*t);
  std::sort(types.begin(), types.end());
  bool filter_types = !filter.edge_types.empty();

  std::vector<std::pair<uint32_t, uint32_t>> edges;
  std::vector<CsrEdge> props;
  auto it = kv.NewIterator(Keyspace::kOut, true);
  key::AdjacencyEntries entries;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    entries.Reset(k, std::string_view(it->value().data(), it->value().size()));
    for (key::AdjacencyEntry e; entries.Next(&e);) {
      if (filter_types && !std::binary_search(types.begin(), types.end(), e.type)) continue;
      uint32_t s = vertex_of(e.anchor), t = vertex_of(e.neighbor);
      if (s == absent || t == absent) continue;
      edges.emplace_back(s, t);
      props.push_back(CsrEdge{e.edge});
    }
    if (!entries.ok()) return Transaction::Impl::DamagedAdjacency(Keyspace::kOut, k);
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "edge scan");
  if (edges.size() >= UINT32_MAX) return Status::NotSupported("too many edges for a CSR snapshot");
  snapshot->graph = CsrGraph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(),
                             props.begin(), nodes.size());
  return snapshot;
}

}  // namespace kg::graph
