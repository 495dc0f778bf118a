#include "storage/check.h"

#include <algorithm>
#include <map>
#include <set>

#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/store.h"

namespace kg::storage {

Status CheckIntegrity(const StoreTransaction& txn, IntegrityReport* report, size_t max_problems) {
  auto problem = [&](std::string what) {
    if (report->problems.size() < max_problems) report->problems.push_back(std::move(what));
  };
  const IndexCatalog& catalog = txn.catalog();
  std::map<uint32_t, int64_t> label_counts, type_counts;
  // Expected index entries, encoded as keys.
  std::set<std::string> expected_index;
  std::map<uint64_t, std::vector<uint32_t>> labels_of;  // nodes with labels, for the label family

  // Nodes.
  std::set<uint64_t> nodes;
  {
    auto it = txn.NewIterator(Keyspace::kNodes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id = key::NodeOf(std::string_view(it->key().data(), it->key().size()));
      NodeRecord r;
      Status s = DecodeRecord(std::string_view(it->value().data(), it->value().size()), &r, "node", id);
      if (!s.ok()) {
        problem(s.message());
        continue;
      }
      nodes.insert(id);
      for (uint32_t l : r.labels) ++label_counts[l];
      if (!r.labels.empty()) labels_of[id] = r.labels;
      for (uint32_t l : r.labels)
        for (const IndexRecord* index : catalog.ForLabels({l})) {
          if (const Value* v = FindProperty(r.properties, index->property_key))
            expected_index.insert(key::IndexEntry(index->id, *v, id));
        }
    }
    if (!it->status().ok()) return Status::IOError("nodes: " + it->status().ToString());
  }
  report->nodes = nodes.size();

  // Edges and their adjacency keys.
  std::set<std::string> expected_out, expected_in;
  {
    auto it = txn.NewIterator(Keyspace::kEdges);
    uint64_t previous = 0;  // the last id of the key before
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      key::EdgeRecords records(k, std::string_view(it->value().data(), it->value().size()));
      if (!records.ok()) {
        problem("relationships: a key of " + std::to_string(k.size()) + " bytes, neither a relationship's nor a block's");
        continue;
      }
      std::string where = records.is_block() ? "the relationship block up to " + std::to_string(records.last())
                                             : "the relationship key " + std::to_string(records.last());
      for (key::EdgeBlockEntry e; records.Next(&e);) {
        // A point read finds a block's records only within a noted range,
        // and only when no other key holds an id inside the block.
        if (records.is_block() && !txn.store().MayHoldEdgeBlocks(e.id))
          problem("relationship " + std::to_string(e.id) + ": in " + where + ", outside every bulk load's range");
        if (e.id <= previous) problem("relationship " + std::to_string(e.id) + ": in " + where + ", out of order");
        previous = e.id;
        EdgeRecord r;
        Status s = DecodeRecord(e.record, &r, "relationship", e.id);
        if (!s.ok()) {
          problem(s.message());
          continue;
        }
        ++report->edges;
        ++type_counts[r.type];
        std::string id = std::to_string(e.id);
        if (!nodes.count(r.source)) problem("relationship " + id + ": its start node " + std::to_string(r.source) + " does not exist");
        if (!nodes.count(r.target)) problem("relationship " + id + ": its end node " + std::to_string(r.target) + " does not exist");
        expected_out.insert(key::Adjacency(r.source, r.type, r.target, e.id));
        expected_in.insert(key::Adjacency(r.target, r.type, r.source, e.id));
      }
      if (!records.ok()) problem(where + ": malformed");
    }
    if (!it->status().ok()) return Status::IOError("edges: " + it->status().ToString());
  }
  auto compare = [&](Keyspace ks, const std::set<std::string>& expected, const std::string& what,
                     const std::function<std::string(std::string_view)>& describe) -> Status {
    // The keys present, in order. In the adjacency families each entry of
    // a block counts as its own key.
    bool adjacency = ks == Keyspace::kOut || ks == Keyspace::kIn;
    std::vector<std::string> present;
    auto it = txn.NewIterator(ks);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      key::AdjacencyEntries entries;
      if (adjacency) entries.Reset(k, std::string_view(it->value().data(), it->value().size()));
      if (!entries.is_block()) {
        present.emplace_back(k);
        continue;
      }
      for (key::AdjacencyEntry e; entries.Next(&e);)
        present.push_back(key::Adjacency(e.anchor, e.type, e.neighbor, e.edge));
      if (!entries.ok()) problem(what + ": a malformed block at " + describe(key::BlockFirstEntryKey(k)));
    }
    if (!it->status().ok()) return Status::IOError(what + ": " + it->status().ToString());
    if (adjacency) std::sort(present.begin(), present.end());
    auto want = expected.begin();
    auto missing = [&](const std::string& k) { problem(what + ": missing entry for " + describe(k)); };
    for (const std::string& k : present) {
      while (want != expected.end() && *want < k) missing(*want++);
      if (want != expected.end() && *want == k) {
        ++want;
        continue;
      }
      problem(what + ": stray entry for " + describe(k));
    }
    while (want != expected.end()) missing(*want++);
    return Status::OK();
  };
  auto adjacency = [](const char* anchor, const char* other) {
    return [anchor, other](std::string_view k) {
      auto e = key::ParseAdjacency(k);
      if (!e) return std::string("a key of the wrong size");
      return "relationship " + std::to_string(e->edge) + " (" + anchor + " " + std::to_string(e->anchor) + ", " + other +
             " " + std::to_string(e->neighbor) + ")";
    };
  };
  if (Status s = compare(Keyspace::kOut, expected_out, "outgoing adjacency", adjacency("start", "end")); !s.ok()) return s;
  if (Status s = compare(Keyspace::kIn, expected_in, "incoming adjacency", adjacency("end", "start")); !s.ok()) return s;

  std::set<std::string> expected_labels;
  for (const auto& [id, labels] : labels_of)
    for (uint32_t l : labels) expected_labels.insert(key::Label(l, id));
  if (Status s = compare(Keyspace::kLabels, expected_labels, "label index",
                         [&](std::string_view k) {
                           return "node " + std::to_string(key::NodeOfLabelKey(k)) + " and label " +
                                  txn.store().Name(DictKind::kLabel, key::GetU32(k.data()));
                         });
      !s.ok())
    return s;
  report->index_entries = expected_index.size();
  if (Status s = compare(Keyspace::kIndex, expected_index, "property index",
                         [&](std::string_view k) {
                           uint32_t index_id = key::GetU32(k.data());
                           std::string name = std::to_string(index_id);
                           for (const IndexRecord& r : catalog.indexes)
                             if (r.id == index_id) name = r.name;
                           return "node " + std::to_string(key::NodeOfIndexEntry(k)) + " in index " + name;
                         });
      !s.ok())
    return s;
  // Unique indexes: one node per value.
  for (const IndexRecord& index : catalog.indexes) {
    if (!index.unique) continue;
    std::string previous_value;
    uint64_t previous_node = 0;
    bool first = true;
    for (auto it = expected_index.lower_bound(key::IndexPrefix(index.id));
         it != expected_index.end() && it->starts_with(key::IndexPrefix(index.id)); ++it) {
      std::string value(key::IndexEntryWithoutNode(*it));
      uint64_t node = key::NodeOfIndexEntry(*it);
      if (!first && value == previous_value)
        problem("unique constraint " + index.name + ": nodes " + std::to_string(previous_node) + " and " +
                std::to_string(node) + " share a value");
      first = false;
      previous_value = std::move(value);
      previous_node = node;
    }
  }

  // Counters.
  auto counter = [&](CounterKind kind, uint32_t id, int64_t actual, const std::string& what) -> Status {
    auto stored = txn.Counter(kind, id);
    if (!stored.ok()) return stored.status();
    if (*stored != actual)
      problem(what + ": the stored count is " + std::to_string(*stored) + " but there are " + std::to_string(actual));
    return Status::OK();
  };
  if (Status s = counter(CounterKind::kNodes, 0, static_cast<int64_t>(report->nodes), "nodes"); !s.ok()) return s;
  if (Status s = counter(CounterKind::kEdges, 0, static_cast<int64_t>(report->edges), "relationships"); !s.ok()) return s;
  for (const std::string& name : txn.store().Names(DictKind::kLabel)) {
    auto id = txn.store().Lookup(DictKind::kLabel, name);
    if (!id) continue;
    if (Status s = counter(CounterKind::kLabel, *id, label_counts[*id], "label " + name); !s.ok()) return s;
  }
  for (const std::string& name : txn.store().Names(DictKind::kEdgeType)) {
    auto id = txn.store().Lookup(DictKind::kEdgeType, name);
    if (!id) continue;
    if (Status s = counter(CounterKind::kEdgeType, *id, type_counts[*id], "relationship type " + name); !s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace kg::storage
