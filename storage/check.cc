#include "storage/check.h"

#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/store.h"

namespace kg::storage {

namespace {

// A posting parses, names one of the index's fields, and lists its count
// of positions, each after the one before, and nothing more.
bool ValidTextPosting(std::string_view k, size_t fields) {
  key::TextPosting p;
  if (!key::ParseTextPosting(k, &p) || p.field >= fields || p.term.empty()) return false;
  std::string_view rest = p.positions;
  uint32_t at = 0;
  for (uint32_t i = 0; i < p.count; ++i) {
    uint32_t next = 0;
    if (!key::NextTextPosition(&rest, at, &next) || (i > 0 && next == at)) return false;
    at = next;
  }
  return rest.empty();
}

}  // namespace

Status CheckFormat(const StoreTransaction& txn, std::vector<std::string>* problems, size_t max_problems) {
  auto problem = [&](std::string what) {
    if (problems->size() < max_problems) problems->push_back(std::move(what));
  };

  // Node records decode.
  {
    auto it = txn.NewIterator(Keyspace::kNodes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t id = key::NodeOf(std::string_view(it->key().data(), it->key().size()));
      NodeRecord r;
      Status s = DecodeRecord(std::string_view(it->value().data(), it->value().size()), &r, "node", id);
      if (!s.ok()) problem(s.message());
    }
    if (!it->status().ok()) return Status::IOError("nodes: " + it->status().ToString());
  }

  // Relationship keys and blocks, and their records.
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
        if (Status s = DecodeRecord(e.record, &r, "relationship", e.id); !s.ok()) problem(s.message());
      }
      if (!records.ok()) problem(where + ": malformed");
    }
    if (!it->status().ok()) return Status::IOError("edges: " + it->status().ToString());
  }

  // Adjacency keys and blocks parse.
  for (Keyspace ks : {Keyspace::kOut, Keyspace::kIn}) {
    const std::string what = ks == Keyspace::kOut ? "outgoing adjacency" : "incoming adjacency";
    auto it = txn.NewIterator(ks);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      key::AdjacencyEntries entries;
      entries.Reset(k, std::string_view(it->value().data(), it->value().size()));
      if (!entries.is_block()) {
        if (!key::ParseAdjacency(k)) problem(what + ": a key of " + std::to_string(k.size()) + " bytes");
        continue;
      }
      // Walk the block to its end: a malformed one stops early.
      for (key::AdjacencyEntry e; entries.Next(&e);) {
      }
      if (!entries.ok()) {
        auto first = key::ParseAdjacency(key::BlockFirstEntryKey(k));
        problem(what + ": a malformed block at " +
                (first ? "relationship " + std::to_string(first->edge) : std::string("a key of the wrong size")));
      }
    }
    if (!it->status().ok()) return Status::IOError(what + ": " + it->status().ToString());
  }
  // Label keys name a label of the dictionary; index entries an index of
  // the catalog, and decode.
  {
    auto it = txn.NewIterator(Keyspace::kLabels);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      if (k.size() != 12) {
        problem("label index: a key of " + std::to_string(k.size()) + " bytes");
        continue;
      }
      uint32_t label = key::LabelOfLabelKey(k);
      if (txn.store().Name(DictKind::kLabel, label).empty())
        problem("label index: an entry for node " + std::to_string(key::NodeOfLabelKey(k)) + " under label id " +
                std::to_string(label) + ", which no label has");
    }
    if (!it->status().ok()) return Status::IOError("label index: " + it->status().ToString());
  }
  {
    auto it = txn.NewIterator(Keyspace::kIndex);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      if (k.size() < 4 + 1 + 8) {
        problem("property index: a key of " + std::to_string(k.size()) + " bytes");
        continue;
      }
      uint32_t index = key::IndexOfIndexEntry(k);
      const IndexRecord* record = nullptr;
      for (const IndexRecord& r : txn.catalog().indexes)
        if (r.id == index) record = &r;
      if (record && record->fulltext) {
        if (!ValidTextPosting(k, record->properties.size()))
          problem("full-text index " + record->name + ": a malformed entry of " + std::to_string(k.size()) + " bytes");
        continue;
      }
      bool known = record != nullptr;
      std::string_view encoded = key::IndexEntryValue(k);
      Value v;
      if (!known)
        problem("property index: an entry for node " + std::to_string(key::NodeOfIndexEntry(k)) + " in index id " +
                std::to_string(index) + ", which no index has");
      else if (!DecodeValue(&encoded, &v) || !encoded.empty())
        problem("property index: an undecodable entry for node " + std::to_string(key::NodeOfIndexEntry(k)));
    }
    if (!it->status().ok()) return Status::IOError("property index: " + it->status().ToString());
  }
  return Status::OK();
}

}  // namespace kg::storage
