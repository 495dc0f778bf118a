#include "graph/transaction_impl.h"

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <tuple>

#include "graph/access.h"
#include "graph/text.h"

namespace kg {

using storage::CounterKind;
using storage::DictKind;
using storage::EdgeRecord;
using storage::IndexRecord;
using storage::Keyspace;
using storage::NodeRecord;
using storage::PropertyList;
namespace key = storage::key;

namespace conflict {
std::string Node(NodeId id) { return "node " + std::to_string(id); }
std::string NodeExists(NodeId id) { return "existence of node " + std::to_string(id); }
std::string EdgesOf(NodeId id) { return "edges of node " + std::to_string(id); }
std::string Edge(EdgeId id) { return "edge " + std::to_string(id); }
std::string AdjacencyBlock(bool outgoing, std::string_view block_key) {
  auto e = key::ParseAdjacency(key::BlockFirstEntryKey(block_key));
  if (!e) return "a damaged adjacency block";
  return "the block of " + std::string(outgoing ? "outgoing" : "incoming") + " relationships of node " +
         std::to_string(e->anchor) + " from relationship " + std::to_string(e->edge);
}
std::string EdgeBlock(std::string_view block_key) {
  if (block_key.size() != key::kEdgeBlockKeySize) return "a damaged relationship block";
  return "the block of relationship records up to " + std::to_string(key::EdgeOf(block_key));
}
std::string Unique(const IndexRecord& index, const Value& value) {
  return "value " + value.ToString() + " of constraint " + index.name;
}
}  // namespace conflict

namespace {

std::string NodeName(NodeId id) { return "node " + std::to_string(id); }
std::string EdgeName(EdgeId id) { return "edge " + std::to_string(id); }

Status CheckStorable(std::string_view key, const Value& v) {
  std::string why = NotStorableReason(v);
  if (why.empty()) why = graph::InvalidText(key, v);
  if (why.empty()) return Status::OK();
  return Status::InvalidArgument("property " + ToValidUtf8(key) + ": " + why);
}

// Every string written is valid UTF-8, whichever way it came in.
Status CheckText(const Value& v) {
  std::string why = graph::InvalidText("", v);
  return why.empty() ? Status::OK() : Status::InvalidArgument(why);
}
Status CheckText(const PropertyList& props) {
  for (const auto& [key, v] : props)
    if (Status s = CheckText(v); !s.ok()) return s;
  return Status::OK();
}

Status Missing(const Status& s, const std::string& what) {
  if (s.code() == StatusCode::kNotFound) return Status::NotFound(what + " does not exist");
  return s;
}

}  // namespace

Transaction::Impl::Impl(std::shared_ptr<storage::Store> store, bool read_only)
    : owned_(std::in_place, std::move(store), read_only), kv_(*owned_) {}

Transaction::Impl::Impl(std::shared_ptr<storage::Store> store, storage::WriteTurn turn)
    : owned_(std::in_place, std::move(store), std::move(turn)), kv_(*owned_) {}

Result<std::shared_ptr<Transaction::Impl>> Transaction::Impl::Begin(std::shared_ptr<storage::Store> store,
                                                                   bool read_only, const std::atomic<bool>* cancel) {
  if (read_only || store->read_only()) return std::make_shared<Impl>(std::move(store), true);
  auto turn = store->TakeTurn(cancel);
  if (!turn.ok()) return turn.status();
  return std::make_shared<Impl>(std::move(store), std::move(*turn));
}

Transaction::Impl::Impl(storage::StoreTransaction* borrowed) : kv_(*borrowed) {}

Status Transaction::Impl::CheckActive() const {
  if (kv_.finished()) return Status::Aborted("the transaction has already ended");
  return Status::OK();
}

Status Transaction::Impl::CheckWritable() const {
  if (Status s = CheckActive(); !s.ok()) return s;
  if (kv_.read_only())
    return Status::ReadOnly(store().read_only() ? "the database is open read-only"
                                                : "the transaction is read-only");
  return Status::OK();
}

namespace {
DictKind DictOf(graph::NameKind kind) {
  switch (kind) {
    case graph::NameKind::kLabel: return DictKind::kLabel;
    case graph::NameKind::kType: return DictKind::kEdgeType;
    case graph::NameKind::kKey: break;
  }
  return DictKind::kPropertyKey;
}
}  // namespace

std::optional<uint32_t> Transaction::Impl::Resolve(graph::NameKind kind, std::string_view n) const {
  return store().Lookup(DictOf(kind), n);
}

Result<uint32_t> Transaction::Impl::Intern(graph::NameKind kind, std::string_view n) {
  if (n.empty())
    return Status::InvalidArgument(kind == graph::NameKind::kLabel  ? "a label must not be empty"
                                   : kind == graph::NameKind::kType ? "an edge type must not be empty"
                                                                    : "a property key must not be empty");
  if (size_t bad = FindInvalidUtf8(n); bad != std::string_view::npos)
    return Status::InvalidArgument(std::string(kind == graph::NameKind::kLabel  ? "a label"
                                               : kind == graph::NameKind::kType ? "an edge type"
                                                                                : "a property key") +
                                   " is not valid UTF-8: " + InvalidUtf8Message(n, bad));
  return store().Intern(DictOf(kind), n);
}

std::string Transaction::Impl::Name(graph::NameKind kind, uint32_t id) const { return store().Name(DictOf(kind), id); }

std::vector<std::pair<uint32_t, std::string>> Transaction::Impl::Names(graph::NameKind kind) const {
  // Store::Names lists the names in id order, from id 1.
  std::vector<std::pair<uint32_t, std::string>> out;
  std::vector<std::string> names = store().Names(DictOf(kind));
  for (size_t i = 0; i < names.size(); ++i)
    if (!names[i].empty()) out.emplace_back(static_cast<uint32_t>(i + 1), std::move(names[i]));
  return out;
}

// ---- nodes ----

void Transaction::Impl::WriteNode(NodeId id, const NodeRecord& record) {
  kv_.Put(Keyspace::kNodes, key::Node(id), storage::EncodeRecord(record));
}

Status Transaction::Impl::ReadNodeRecord(NodeId id, NodeRecord* record) const {
  if (Status s = NodeBytes(id); !s.ok()) return s;
  return storage::DecodeRecord(last_node_.bytes, record, "node", id);
}

NodeId* Transaction::Impl::KnownSlot(NodeId id) const {
  return known_nodes_.empty() ? nullptr : &known_nodes_[id & (known_nodes_.size() - 1)];
}

void Transaction::Impl::NoteExists(NodeId id) const {
  // Small at first (most transactions read a few nodes); four times larger,
  // keeping what it holds, each time the notes outnumber the slots twice.
  if (known_nodes_.empty()) known_nodes_.resize(kFirstKnownNodeSlots);
  if (++known_notes_ > 2 * known_nodes_.size() && known_nodes_.size() < kMaxKnownNodeSlots) {
    std::vector<NodeId> larger(known_nodes_.size() * 4);
    for (NodeId n : known_nodes_)
      if (n != 0) larger[n & (larger.size() - 1)] = n;
    known_nodes_.swap(larger);
    known_notes_ = 0;
  }
  *KnownSlot(id) = id;
}

bool Transaction::Impl::NodeExists(NodeId id, Status* error) const {
  if (NodeId* known = KnownSlot(id); CreatedHere(id) || (known && *known == id)) return true;
  std::string bytes;
  Status s = kv_.Get(Keyspace::kNodes, key::Node(id), &bytes);
  if (s.ok()) {
    NoteExists(id);
    return true;
  }
  if (s.code() != StatusCode::kNotFound) *error = s;
  return false;
}

const IndexRecord* Transaction::Impl::IndexFor(uint32_t label, uint32_t k) const {
  auto found = kv_.catalog().For(label, k);
  if (found.empty()) return nullptr;
  // A unique constraint's index serves lookups as well as a plain index.
  for (const IndexRecord* r : found)
    if (r->unique) return r;
  return found.front();
}

Status Transaction::Impl::CheckUnique(const IndexRecord& index, NodeId id, const Value& value) const {
  if (!index.unique) return Status::OK();
  NodeId other = 0;
  Status s = kv_.ScanPrefix(Keyspace::kIndex, key::IndexValuePrefix(index.id, value),
                            [&](std::string_view k, std::string_view) {
                              NodeId n = key::NodeOfIndexEntry(k);
                              if (n == id) return true;
                              other = n;
                              return false;
                            });
  if (!s.ok()) return s;
  if (other != 0)
    return Status::ConstraintViolation(
        "node " + std::to_string(other) + " already has label " + store().Name(DictKind::kLabel, index.label) +
        " and property " + store().Name(DictKind::kPropertyKey, index.property_key) + " = " + value.ToString() +
        " (constraint " + index.name + ")");
  return Status::OK();
}

// Every (index, value) entry the node gets under label (only for key, if given).
std::vector<std::pair<const IndexRecord*, const Value*>> Transaction::Impl::EntriesFor(
    const NodeRecord& record, uint32_t label, std::optional<uint32_t> only_key) const {
  std::vector<std::pair<const IndexRecord*, const Value*>> out;
  for (const IndexRecord* index : kv_.catalog().ForLabels({label})) {
    if (only_key && index->property_key != *only_key) continue;
    if (const Value* v = storage::FindProperty(record.properties, index->property_key)) out.emplace_back(index, v);
  }
  return out;
}

Status Transaction::Impl::CheckIndexEntries(NodeId id, const NodeRecord& record, const std::vector<uint32_t>& labels,
                                            std::optional<uint32_t> only_key) const {
  for (uint32_t label : labels)
    for (auto [index, v] : EntriesFor(record, label, only_key))
      if (Status s = CheckUnique(*index, id, *v); !s.ok()) return s;
  return Status::OK();
}

void Transaction::Impl::AddIndexEntries(NodeId id, const NodeRecord& record, uint32_t label,
                                        std::optional<uint32_t> only_key) {
  for (auto [index, v] : EntriesFor(record, label, only_key)) {
    if (index->unique) kv_.ValidateAndPublish(conflict::Unique(*index, *v));
    kv_.Put(Keyspace::kIndex, key::IndexEntry(index->id, *v, id), {});
  }
}

void Transaction::Impl::RemoveIndexEntries(NodeId id, const NodeRecord& record, uint32_t label,
                                           std::optional<uint32_t> only_key) {
  for (auto [index, v] : EntriesFor(record, label, only_key)) {
    kv_.Delete(Keyspace::kIndex, key::IndexEntry(index->id, *v, id));
    // Another transaction may now take this value; make it validate against us.
    if (index->unique) kv_.ValidateAndPublish(conflict::Unique(*index, *v));
  }
}

Result<NodeId> Transaction::Impl::CreateNode(std::vector<uint32_t> labels, PropertyList props) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = CheckText(props); !s.ok()) return s;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  std::sort(props.begin(), props.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto id = store().AllocateNodeId();
  if (!id.ok()) return id.status();
  NodeRecord record{std::move(labels), std::move(props)};
  // Every check before the first write: a failed call leaves the transaction as it was.
  if (Status s = CheckIndexEntries(*id, record, record.labels, std::nullopt); !s.ok()) return s;
  for (uint32_t label : record.labels) {
    AddIndexEntries(*id, record, label, std::nullopt);
    kv_.Put(Keyspace::kLabels, key::Label(label, *id), {});
    kv_.AddToCounter(CounterKind::kLabel, label, 1);
  }
  UpdateText(false, *id, {}, {}, record.labels, record.properties);
  WriteNode(*id, record);
  kv_.AddToCounter(CounterKind::kNodes, 0, 1);
  created_nodes_.insert(*id);
  return *id;
}

Status Transaction::Impl::SetNodeProperty(NodeId id, uint32_t k, const Value& value) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = CheckText(value); !s.ok()) return s;
  NodeRecord record;
  if (Status s = ReadNodeRecord(id, &record); !s.ok()) return s;
  const Value* old = storage::FindProperty(record.properties, k);
  if ((old && *old == value) || (!old && value.is_null())) return Status::OK();
  NodeRecord updated = record;
  storage::SetProperty(&updated.properties, k, value);
  if (Status s = CheckIndexEntries(id, updated, updated.labels, k); !s.ok()) return s;
  for (uint32_t label : record.labels) RemoveIndexEntries(id, record, label, k);
  for (uint32_t label : updated.labels) AddIndexEntries(id, updated, label, k);
  UpdateText(false, id, record.labels, record.properties, updated.labels, updated.properties);
  record = std::move(updated);
  WriteNode(id, record);
  if (!CreatedHere(id)) kv_.ValidateAndPublish(conflict::Node(id));
  return Status::OK();
}

Status Transaction::Impl::SetNodeLabel(NodeId id, uint32_t label, bool present) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  NodeRecord record;
  if (Status s = ReadNodeRecord(id, &record); !s.ok()) return s;
  if (record.HasLabel(label) == present) return Status::OK();
  const std::vector<uint32_t> old_labels = record.labels;
  if (present) {
    if (Status s = CheckIndexEntries(id, record, {label}, std::nullopt); !s.ok()) return s;
    AddIndexEntries(id, record, label, std::nullopt);
    record.labels.insert(std::lower_bound(record.labels.begin(), record.labels.end(), label), label);
    kv_.Put(Keyspace::kLabels, key::Label(label, id), {});
  } else {
    RemoveIndexEntries(id, record, label, std::nullopt);
    record.labels.erase(std::lower_bound(record.labels.begin(), record.labels.end(), label));
    kv_.Delete(Keyspace::kLabels, key::Label(label, id));
  }
  kv_.AddToCounter(CounterKind::kLabel, label, present ? 1 : -1);
  UpdateText(false, id, old_labels, record.properties, record.labels, record.properties);
  WriteNode(id, record);
  if (!CreatedHere(id)) kv_.ValidateAndPublish(conflict::Node(id));
  return Status::OK();
}

Status Transaction::Impl::DeleteNode(NodeId id, bool detach) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  NodeRecord record;
  if (Status s = ReadNodeRecord(id, &record); !s.ok()) return s;
  std::vector<EdgeId> edges;
  Status s = ForEachEdge(id, Direction::kBoth, std::nullopt,
                         [&](const key::AdjacencyEntry& e, bool) {
                           edges.push_back(e.edge);
                           return true;
                         });
  if (!s.ok()) return s;
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  if (!edges.empty() && !detach)
    return Status::ConstraintViolation("cannot delete node " + std::to_string(id) + ": it still has " +
                                       std::to_string(edges.size()) + " relationship" +
                                       (edges.size() == 1 ? "" : "s") +
                                       "; delete them first, or detach-delete the node");
  if (Status st = RemoveEdges(edges); !st.ok()) return st;
  for (uint32_t label : record.labels) {
    RemoveIndexEntries(id, record, label, std::nullopt);
    kv_.Delete(Keyspace::kLabels, key::Label(label, id));
    kv_.AddToCounter(CounterKind::kLabel, label, -1);
  }
  UpdateText(false, id, record.labels, record.properties, {}, {});
  kv_.Delete(Keyspace::kNodes, key::Node(id));
  kv_.AddToCounter(CounterKind::kNodes, 0, -1);
  if (NodeId* known = KnownSlot(id); known && *known == id) *known = 0;
  if (CreatedHere(id)) {
    created_nodes_.erase(id);
  } else {
    kv_.ValidateAndPublish(conflict::Node(id));
    kv_.Publish(conflict::NodeExists(id));
    kv_.Validate(conflict::EdgesOf(id));
  }
  return Status::OK();
}

// ---- edges ----

Status Transaction::Impl::DamagedAdjacency(Keyspace ks, std::string_view key) {
  uint64_t anchor = key::AnchorOfAdjacencyKey(key);
  std::string where = anchor != 0 ? " of node " + std::to_string(anchor) : "";
  return Status::Corruption(std::string(ks == Keyspace::kOut ? "outgoing" : "incoming") + " adjacency" + where +
                            ": a malformed key or block (run kg check)");
}

Result<EdgeId> Transaction::Impl::CreateEdge(NodeId source, uint32_t type, NodeId target,
                                             PropertyList props) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = CheckText(props); !s.ok()) return s;
  for (NodeId end : {source, target}) {
    Status error;
    if (!NodeExists(end, &error)) {
      if (!error.ok()) return error;
      return Status::NotFound("cannot create a " + store().Name(DictKind::kEdgeType, type) +
                              " edge: " + NodeName(end) + " does not exist");
    }
    if (!CreatedHere(end)) {
      kv_.Validate(conflict::NodeExists(end));
      kv_.Publish(conflict::EdgesOf(end));
    }
  }
  auto id = store().AllocateEdgeId();
  if (!id.ok()) return id.status();
  std::sort(props.begin(), props.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  EdgeRecord record{type, source, target, std::move(props)};
  UpdateText(true, *id, {}, {}, std::span<const uint32_t>(&record.type, 1), record.properties);
  kv_.Put(Keyspace::kEdges, key::Edge(*id), storage::EncodeRecord(record));
  kv_.Put(Keyspace::kOut, key::Adjacency(source, type, target, *id), {});
  kv_.Put(Keyspace::kIn, key::Adjacency(target, type, source, *id), {});
  kv_.AddToCounter(CounterKind::kEdges, 0, 1);
  kv_.AddToCounter(CounterKind::kEdgeType, type, 1);
  return *id;
}

void Transaction::Impl::HintEdge(EdgeId id, std::string_view bytes) const {
  last_edge_.Set(id, kv_.write_count(), bytes);
}

void Transaction::Impl::EdgeBlockCache::Set(std::string_view k, std::string_view v, uint64_t writes) {
  key.assign(k);
  value.assign(v);
  write_count = writes;
  key::EdgeRecords records(key, value);
  key::EdgeBlockEntry first_entry;
  bool ok = records.is_block() && records.Next(&first_entry);
  first = ok ? first_entry.id : 1;  // a damaged block covers nothing
  last = ok ? records.last() : 0;
}

Status Transaction::Impl::FetchEdge(EdgeId id, std::string* bytes, bool* in_block, bool keep_block) const {
  *in_block = false;
  std::string k = key::Edge(id);
  if (!store().MayHoldEdgeBlocks(id)) return kv_.Get(Keyspace::kEdges, k, bytes);
  // The record of id in the block under block_key, if there.
  auto find = [&](std::string_view block_key, std::string_view block) {
    key::EdgeRecords records(block_key, block);
    for (key::EdgeBlockEntry e; records.Next(&e) && e.id <= id;)
      if (e.id == id) {
        bytes->assign(e.record);
        *in_block = true;
        return Status::OK();
      }
    if (!records.ok()) return Status::Corruption(conflict::EdgeBlock(block_key) + " is malformed (run kg check)");
    return Status(StatusCode::kNotFound, "");
  };
  if (edge_block_.Covers(id, kv_.write_count())) return find(edge_block_.key, edge_block_.value);
  // The first key at or after the id's own: that key, or the block holding
  // the id, or neither. The block is kept when the read before was of the
  // same block too (a scan by id): random reads copy nothing.
  Status found = Status(StatusCode::kNotFound, "");
  Status s = kv_.FirstAtOrAfter(Keyspace::kEdges, k, [&](std::string_view at, std::string_view value) {
    if (at == k) {
      bytes->assign(value);
      found = Status::OK();
    } else if (at.size() == key::kEdgeBlockKeySize) {
      found = find(at, value);
      if (found.ok() && (keep_block || at == last_edge_block_)) edge_block_.Set(at, value, kv_.write_count());
      last_edge_block_.assign(at);
    }
  });
  return s.ok() ? found : s;
}

Status Transaction::Impl::SplitEdgeBlock(std::span<const EdgeId> drop) {
  std::string block_key = edge_block_.key, block = edge_block_.value;
  std::vector<key::EdgeBlockEntry> kept;
  key::EdgeRecords records(block_key, block);
  for (key::EdgeBlockEntry e; records.Next(&e);)
    if (!std::binary_search(drop.begin(), drop.end(), e.id)) kept.push_back(e);
  if (!records.ok()) return Status::Corruption(conflict::EdgeBlock(block_key) + " is malformed (run kg check)");
  // A concurrent split of the same block would write its records again
  // over this transaction's changes to them, so two splits conflict.
  kv_.ValidateAndPublish(conflict::EdgeBlock(block_key));
  kv_.Delete(Keyspace::kEdges, block_key);
  for (const key::EdgeBlockEntry& e : kept) kv_.Put(Keyspace::kEdges, key::Edge(e.id), e.record);
  return Status::OK();
}

Status Transaction::Impl::RemoveEdgeRecords(std::span<const EdgeId> ids) {
  std::string bytes;
  for (size_t i = 0; i < ids.size();) {
    bool in_block = false;
    if (store().MayHoldEdgeBlocks(ids[i])) {
      Status s = FetchEdge(ids[i], &bytes, &in_block, /*keep_block=*/true);
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    }
    if (!in_block) {
      kv_.Delete(Keyspace::kEdges, key::Edge(ids[i++]));
      continue;
    }
    // This id and the next ones of the same block go together.
    size_t end = i + 1;
    while (end < ids.size() && ids[end] <= edge_block_.last) ++end;
    if (Status s = SplitEdgeBlock(ids.subspan(i, end - i)); !s.ok()) return s;
    i = end;
  }
  return Status::OK();
}

Status Transaction::Impl::ReadEdgeRecord(EdgeId id, EdgeRecord* record) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  if (!last_edge_.Holds(id, kv_.write_count())) {
    last_edge_.id = 0;
    bool in_block;
    Status s = FetchEdge(id, &last_edge_.own, &in_block);
    if (!s.ok()) return Missing(s, EdgeName(id));
    HintEdge(id, last_edge_.own);
  }
  return storage::DecodeRecord(last_edge_.bytes, record, "edge", id);
}

Status Transaction::Impl::SetEdgeProperty(EdgeId id, uint32_t k, const Value& value) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  if (Status s = CheckText(value); !s.ok()) return s;
  // Where the record is, found first: the block it may sit in is kept, so
  // the read below does not seek again.
  bool in_block = false;
  if (store().MayHoldEdgeBlocks(id)) {
    std::string bytes;
    if (Status s = FetchEdge(id, &bytes, &in_block, /*keep_block=*/true); !s.ok()) return Missing(s, EdgeName(id));
  }
  EdgeRecord record;
  if (Status s = ReadEdgeRecord(id, &record); !s.ok()) return s;
  std::optional<PropertyList> old_props;
  if (HasTextIndexes(true)) old_props = record.properties;
  if (!storage::SetProperty(&record.properties, k, value)) return Status::OK();
  if (old_props) {
    std::span<const uint32_t> type(&record.type, 1);
    UpdateText(true, id, type, *old_props, type, record.properties);
  }
  if (in_block)
    if (Status s = SplitEdgeBlock({}); !s.ok()) return s;
  kv_.Put(Keyspace::kEdges, key::Edge(id), storage::EncodeRecord(record));
  kv_.ValidateAndPublish(conflict::Edge(id));
  return Status::OK();
}

Status Transaction::Impl::DeleteEdge(EdgeId id) { return RemoveEdges({&id, 1}); }

Status Transaction::Impl::RemoveEdges(std::span<const EdgeId> ids,
                                      const std::function<void(EdgeId, EdgeRecord&)>& before) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  std::vector<EdgeId> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  // A chunk at a time: its records are read, then the adjacency entries
  // found (reads only), then everything is written. What a chunk keeps in
  // memory is bounded by its size.
  constexpr size_t kChunk = 65536;
  std::vector<key::AdjacencyEntry> out, in;  // in the order of the chunk's ids
  const bool text = HasTextIndexes(true);
  for (size_t at = 0; at < sorted.size(); at += kChunk) {
    std::span<const EdgeId> chunk(sorted.data() + at, std::min(kChunk, sorted.size() - at));
    out.clear();
    in.clear();
    for (EdgeId id : chunk) {
      EdgeRecord record;
      if (Status s = ReadEdgeRecord(id, &record); !s.ok()) return s;
      if (text) UpdateText(true, id, std::span<const uint32_t>(&record.type, 1), record.properties, {}, {});
      if (before) before(id, record);
      out.push_back({record.source, record.type, record.target, id});
      in.push_back({record.target, record.type, record.source, id});
    }
    if (Status s = RemoveAdjacency(Keyspace::kOut, out); !s.ok()) return s;
    if (Status s = RemoveAdjacency(Keyspace::kIn, in); !s.ok()) return s;
    if (Status s = RemoveEdgeRecords(chunk); !s.ok()) return s;
    for (const key::AdjacencyEntry& e : out) {
      kv_.AddToCounter(CounterKind::kEdgeType, e.type, -1);
      kv_.ValidateAndPublish(conflict::Edge(e.edge));
    }
    kv_.AddToCounter(CounterKind::kEdges, 0, -static_cast<int64_t>(chunk.size()));
  }
  return Status::OK();
}

Status Transaction::Impl::RemoveAdjacency(Keyspace ks, std::span<const key::AdjacencyEntry> entries) {
  // In key order, found first and written after: the search sees the
  // family as it was, and a block losing several entries is rewritten once.
  // The blocks read are kept until written, up to a bound.
  std::vector<key::AdjacencyEntry> sorted(entries.begin(), entries.end());
  auto order = [](const key::AdjacencyEntry& e) { return std::tie(e.anchor, e.type, e.neighbor, e.edge); };
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) { return order(a) < order(b); });
  struct Block {
    std::vector<key::AdjacencyEntry> entries;  // those left
    bool changed = false;
  };
  std::map<std::string, Block, std::less<>> blocks;
  size_t held = 0;  // entries in blocks
  std::vector<std::string> singles;
  std::unique_ptr<rocksdb::Iterator> it;
  auto write = [&] {
    it.reset();
    for (const std::string& k : singles) kv_.Delete(ks, k);
    for (const auto& [k, block] : blocks) {
      if (!block.changed) continue;
      // The block is rewritten without the entries; a concurrent rewrite
      // of the same block would lose one of the two, so they conflict.
      kv_.ValidateAndPublish(conflict::AdjacencyBlock(ks == Keyspace::kOut, k));
      const auto& left = block.entries;
      std::string value;
      for (size_t i = 1; i < left.size(); ++i) key::AppendAdjacencyBlockEntry(&value, left[i - 1], left[i]);
      // Without its first entry the block moves to the next one's key.
      std::string next_key = left.empty() ? std::string() : key::AdjacencyBlock(left.front());
      if (next_key != k) kv_.Delete(ks, k);
      if (!left.empty()) kv_.Put(ks, next_key, value);
    }
    singles.clear();
    blocks.clear();
    held = 0;
  };
  constexpr size_t kMaxHeld = size_t{1} << 20;
  for (const key::AdjacencyEntry& entry : sorted) {
    std::string single = key::Adjacency(entry.anchor, entry.type, entry.neighbor, entry.edge);
    if (!store().MayAnchorBlocks(entry.anchor)) {
      singles.push_back(std::move(single));
      continue;
    }
    if (held > kMaxHeld) write();
    if (!it) it = kv_.NewIterator(ks, true);
    std::string prefix = key::AdjacencyPrefix(entry.anchor, entry.type);
    // The last key at or before the entry's own block key is its own
    // single key, or else the entry sits in a block that starts there or
    // before: walk back to the block (single keys added later may sort
    // between its entries).
    for (it->SeekForPrev(key::AdjacencyBlock(entry)); it->Valid() && it->key().starts_with(prefix); it->Prev()) {
      std::string_view k(it->key().data(), it->key().size());
      if (k == single) {
        singles.push_back(std::move(single));
        break;
      }
      auto block = blocks.find(k);
      if (block == blocks.end()) {
        key::AdjacencyEntries stored(k, std::string_view(it->value().data(), it->value().size()));
        if (!stored.is_block()) continue;
        Block b;
        for (key::AdjacencyEntry e; stored.Next(&e);) b.entries.push_back(e);
        if (!stored.ok()) return DamagedAdjacency(ks, k);
        held += b.entries.size();
        block = blocks.emplace(std::string(k), std::move(b)).first;
      }
      auto& left = block->second.entries;
      auto found = std::find_if(left.begin(), left.end(), [&](const key::AdjacencyEntry& e) {
        return e.edge == entry.edge && e.neighbor == entry.neighbor;
      });
      if (found == left.end()) continue;
      left.erase(found);
      block->second.changed = true;
      break;
    }
    if (!it->status().ok()) return storage::FromRocks(it->status(), "adjacency");
    // Not found: nothing to remove (kg check reports the missing entry).
  }
  write();
  return Status::OK();
}

// ---- conversions ----

Properties Transaction::Impl::ToProperties(graph::PropertySpan props) const {
  Properties out;
  for (const auto& [k, v] : props) out.emplace(store().Name(DictKind::kPropertyKey, k), v);
  return out;
}

Node Transaction::Impl::ToNode(NodeId id, const graph::NodeData& record) const {
  Node n;
  n.id = id;
  for (uint32_t l : record.labels) n.labels.push_back(store().Name(DictKind::kLabel, l));
  std::sort(n.labels.begin(), n.labels.end());
  n.properties = ToProperties(record.properties);
  return n;
}

Edge Transaction::Impl::ToEdge(EdgeId id, const graph::EdgeData& record) const {
  return Edge{id, store().Name(DictKind::kEdgeType, record.type), record.source, record.target,
              ToProperties(record.properties)};
}

Result<PropertyList> Transaction::Impl::FromProperties(const Properties& props) {
  PropertyList out;
  for (const auto& [name, v] : props) {
    if (v.is_null()) continue;
    if (Status s = CheckStorable(name, v); !s.ok()) return s;
    auto k = InternKey(name);
    if (!k.ok()) return k.status();
    out.emplace_back(*k, v);
  }
  return out;
}

Result<std::vector<NodeId>> Transaction::Impl::IndexLookup(uint32_t label, uint32_t k,
                                                           const std::string& from,
                                                           const std::string& to_exclusive) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  const IndexRecord* index = IndexFor(label, k);
  if (!index)
    return Status::NotFound("no index on :" + store().Name(DictKind::kLabel, label) + "(" +
                            store().Name(DictKind::kPropertyKey, k) + ")");
  std::string lo = key::IndexPrefix(index->id) + from;
  std::string hi = to_exclusive.empty() ? key::PrefixSuccessor(key::IndexPrefix(index->id))
                                        : key::IndexPrefix(index->id) + to_exclusive;
  std::vector<NodeId> out;
  auto it = kv_.NewIterator(Keyspace::kIndex);
  for (it->Seek(lo); it->Valid() && it->key().compare(hi) < 0; it->Next())
    out.push_back(key::NodeOfIndexEntry(std::string_view(it->key().data(), it->key().size())));
  if (!it->status().ok()) return storage::FromRocks(it->status(), "index scan");
  return out;
}

// ---- the graph interface ----

std::vector<graph::GraphTxn::IndexDef> Transaction::Impl::Indexes() const {
  std::vector<IndexDef> out;
  for (const IndexRecord& r : kv_.catalog().indexes)
    if (!r.fulltext) out.push_back({r.id, r.name, r.label, r.property_key, r.unique});
  return out;
}

Status Transaction::Impl::IndexEntries(uint32_t index_id, graph::FunctionRef<bool(const Value&, NodeId)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  return kv_.ScanPrefix(Keyspace::kIndex, key::IndexPrefix(index_id), [&](std::string_view k, std::string_view) {
    std::string_view encoded = key::IndexEntryValue(k);
    Value v;
    if (!storage::DecodeValue(&encoded, &v)) v = Value();  // an undecodable entry matches no node
    return fn(v, key::NodeOfIndexEntry(k));
  });
}

namespace {
// A property key no record holds: a peek for labels alone.
constexpr uint32_t kNoKey = UINT32_MAX;
}  // namespace

Status Transaction::Impl::NoIndex(std::string_view label, std::string_view key) {
  return Status::NotFound("no index on :" + std::string(label) + "(" + std::string(key) + ")");
}

Status Transaction::Impl::ReadNode(NodeId id, graph::NodeData* node) const {
  NodeRecord record;
  if (Status s = ReadNodeRecord(id, &record); !s.ok()) return s;
  node->labels = std::move(record.labels);
  node->properties = std::move(record.properties);
  return Status::OK();
}

Status Transaction::Impl::ReadEdge(EdgeId id, graph::EdgeData* edge) const {
  EdgeRecord record;
  if (Status s = ReadEdgeRecord(id, &record); !s.ok()) return s;
  edge->type = record.type;
  edge->source = record.source;
  edge->target = record.target;
  edge->properties = std::move(record.properties);
  return Status::OK();
}

Status Transaction::Impl::NodeBytes(NodeId id) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  if (last_node_.Holds(id, kv_.write_count())) return Status::OK();
  last_node_.id = 0;
  // Nodes read in id order (a label scan, an algorithm's results) step an
  // iterator forward rather than look each one up.
  bool following = id > last_node_read_ && id - last_node_read_ <= 8;
  last_node_read_ = id;
  Status s = following ? kv_.GetFollowing(Keyspace::kNodes, key::Node(id), &last_node_.own)
                       : kv_.Get(Keyspace::kNodes, key::Node(id), &last_node_.own);
  if (!s.ok()) return Missing(s, NodeName(id));
  last_node_.Set(id, kv_.write_count(), last_node_.own);
  if (!CreatedHere(id)) NoteExists(id);
  return Status::OK();
}

Result<std::optional<Value>> Transaction::Impl::NodeProperty(NodeId id, uint32_t k) const {
  if (Status s = NodeBytes(id); !s.ok()) return s;
  bool has_label = false;
  std::optional<Value> value;
  if (storage::PeekNodeRecord(last_node_.bytes, storage::kAnyLabel, k, &has_label, &value)) return value;
  NodeRecord record;  // says what is wrong with the bytes
  if (Status s = storage::DecodeRecord(last_node_.bytes, &record, "node", id); !s.ok()) return s;
  const Value* v = storage::FindProperty(record.properties, k);
  return v ? std::optional<Value>(*v) : std::nullopt;
}

Result<bool> Transaction::Impl::NodeHasLabels(NodeId id, std::span<const uint32_t> labels) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  if (!last_node_.Holds(id, kv_.write_count())) {
    // The label family's entries of one label lie together, so that the
    // nodes a traversal checks share a few blocks, where their records
    // would each be in a block of their own.
    std::string none;
    for (uint32_t l : labels) {
      Status s = kv_.Get(Keyspace::kLabels, key::Label(l, id), &none);
      if (s.code() == StatusCode::kNotFound) return false;
      if (!s.ok()) return s;
    }
    return true;
  }
  // The labels come first in a record: the properties are not decoded.
  for (uint32_t l : labels) {
    bool has = false;
    std::optional<Value> none;
    if (!storage::PeekNodeRecord(last_node_.bytes, l, kNoKey, &has, &none)) {
      NodeRecord record;  // says what is wrong with the bytes
      if (Status s = storage::DecodeRecord(last_node_.bytes, &record, "node", id); !s.ok()) return s;
      has = record.HasLabel(l);
    }
    if (!has) return false;
  }
  return true;
}

Result<int64_t> Transaction::Impl::CountNodes(std::optional<uint32_t> label) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  return label ? kv_.Counter(CounterKind::kLabel, *label) : kv_.Counter(CounterKind::kNodes, 0);
}

Result<int64_t> Transaction::Impl::CountEdges(std::optional<uint32_t> type) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  return type ? kv_.Counter(CounterKind::kEdgeType, *type) : kv_.Counter(CounterKind::kEdges, 0);
}

Status Transaction::Impl::ScanNodes(graph::FunctionRef<bool(NodeId)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  auto it = kv_.NewIterator(Keyspace::kNodes);
  for (it->SeekToFirst(); it->Valid(); it->Next())
    if (!fn(key::NodeOf(std::string_view(it->key().data(), it->key().size())))) return Status::OK();
  return storage::FromRocks(it->status(), "node scan");
}

Status Transaction::Impl::ScanLabel(uint32_t label, graph::FunctionRef<bool(NodeId)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  return kv_.ScanPrefix(Keyspace::kLabels, key::LabelPrefix(label),
                        [&](std::string_view k, std::string_view) { return fn(key::NodeOfLabelKey(k)); });
}

Status Transaction::Impl::ScanProperties(std::span<const LabelKey> wanted, std::optional<uint32_t> by_label,
                                         NodeId from, NodeId to,
                                         graph::FunctionRef<Status(NodeId, size_t, const Value&)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  auto peek = [&](NodeId id, std::string_view bytes) -> Status {
    for (size_t i = 0; i < wanted.size(); ++i) {
      bool has_label = false;
      std::optional<Value> value;
      if (!storage::PeekNodeRecord(bytes, wanted[i].label, wanted[i].key, &has_label, &value)) {
        NodeRecord record;  // for the error
        Status s = storage::DecodeRecord(bytes, &record, "node", id);
        return s.ok() ? Status::Corruption(NodeName(id) + " is damaged (run kg check)") : s;
      }
      if (has_label && value)
        if (Status s = fn(id, i, *value); !s.ok()) return s;
    }
    return Status::OK();
  };
  auto nodes = kv_.NewIterator(Keyspace::kNodes);
  const std::string end = to ? key::Node(to) : std::string();
  if (!by_label) {
    for (nodes->Seek(key::Node(from)); nodes->Valid(); nodes->Next()) {
      std::string_view k(nodes->key().data(), nodes->key().size());
      if (!end.empty() && k >= end) break;
      if (Status s = peek(key::NodeOf(k), std::string_view(nodes->value().data(), nodes->value().size())); !s.ok())
        return s;
    }
    return storage::FromRocks(nodes->status(), "node scan");
  }
  // The label's nodes in id order: one forward pass over the node family
  // reads them, stepping when the next is near and seeking when it is far.
  nodes->Seek(key::Node(from));
  auto labels = kv_.NewIterator(Keyspace::kLabels);
  const std::string prefix = key::LabelPrefix(*by_label);
  for (labels->Seek(key::Label(*by_label, from)); labels->Valid() && labels->key().starts_with(prefix); labels->Next()) {
    NodeId id = key::NodeOfLabelKey(std::string_view(labels->key().data(), labels->key().size()));
    if (to && id >= to) break;
    const std::string target = key::Node(id);
    auto at = [&] { return std::string_view(nodes->key().data(), nodes->key().size()); };
    int steps = 0;
    while (nodes->Valid() && at() < target && steps++ < 8) nodes->Next();
    if (!nodes->Valid() || at() < target) nodes->Seek(target);
    if (!nodes->Valid() || at() != target) {
      if (!nodes->status().ok()) return storage::FromRocks(nodes->status(), "node scan");
      return Status::Corruption("the label index names " + NodeName(id) + ", which is missing (run kg check)");
    }
    if (Status s = peek(id, std::string_view(nodes->value().data(), nodes->value().size())); !s.ok()) return s;
  }
  return storage::FromRocks(labels->status(), "label scan");
}

Result<std::optional<std::pair<NodeId, NodeId>>> Transaction::Impl::NodeIdBounds() const {
  if (Status s = CheckActive(); !s.ok()) return s;
  auto it = kv_.NewIterator(Keyspace::kNodes);
  it->SeekToFirst();
  if (!it->Valid()) {
    if (Status s = storage::FromRocks(it->status(), "node scan"); !s.ok()) return s;
    return std::optional<std::pair<NodeId, NodeId>>();
  }
  NodeId first = key::NodeOf(std::string_view(it->key().data(), it->key().size()));
  it->SeekToLast();
  if (!it->Valid()) return storage::FromRocks(it->status(), "node scan");
  NodeId last = key::NodeOf(std::string_view(it->key().data(), it->key().size()));
  return std::optional<std::pair<NodeId, NodeId>>(std::pair(first, last));
}

Status Transaction::Impl::ScanEdges(graph::FunctionRef<bool(EdgeId, uint32_t, NodeId, NodeId)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  auto it = kv_.NewIterator(Keyspace::kEdges);
  // The hint points into the iterator: withdrawn on every way out.
  struct Withdraw {
    const Impl& txn;
    ~Withdraw() { txn.HintEdge(0, {}); }
  } withdraw{*this};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    key::EdgeRecords records(k, std::string_view(it->value().data(), it->value().size()));
    for (key::EdgeBlockEntry e; records.Next(&e);) {
      uint32_t type;
      NodeId source, target;
      if (!storage::PeekEdgeRecord(e.record, &type, &source, &target))
        return Status::Corruption(EdgeName(e.id) + " is damaged (run kg check)");
      HintEdge(e.id, e.record);
      if (!fn(e.id, type, source, target)) return Status::OK();
    }
    if (!records.ok())
      return Status::Corruption("the relationship records under key " + std::to_string(key::EdgeOf(k)) +
                                " are damaged (run kg check)");
  }
  return storage::FromRocks(it->status(), "relationship scan");
}

Status Transaction::Impl::ScanAdjacency(Direction side, std::optional<uint32_t> type,
                                        graph::FunctionRef<bool(const graph::AdjacentEdge&)> fn) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  if (side == Direction::kBoth) return Status::InvalidArgument("an adjacency scan reads one side: kOut or kIn");
  const Keyspace ks = side == Direction::kOut ? Keyspace::kOut : Keyspace::kIn;
  auto it = kv_.NewIterator(ks, true);
  key::AdjacencyEntries entries;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    entries.Reset(k, std::string_view(it->value().data(), it->value().size()));
    for (key::AdjacencyEntry e; entries.Next(&e);)
      if ((!type || e.type == *type) && !fn(graph::AdjacentEdge{e.anchor, e.type, e.neighbor, e.edge}))
        return Status::OK();
    if (!entries.ok()) return DamagedAdjacency(ks, k);
  }
  return storage::FromRocks(it->status(), "edge scan");
}

Status Transaction::Impl::Expand(NodeId node, Direction dir, std::optional<uint32_t> type,
                                 graph::FunctionRef<bool(const graph::AdjacentEdge&, bool)> fn) const {
  return ForEachEdge(node, dir, type, [&](const key::AdjacencyEntry& e, bool outgoing) {
    return fn(graph::AdjacentEdge{e.anchor, e.type, e.neighbor, e.edge}, outgoing);
  });
}

namespace {

// Cypher equality of two numbers: integers exactly, an integer and a float
// when the float is that integer.
bool NumbersEqual(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  if (a.is_float() && b.is_float()) return a.as_float() == b.as_float();
  const Value& i = a.is_int() ? a : b;
  double f = a.is_int() ? b.as_float() : a.as_float();
  // 2^63 and beyond do not fit an int64_t: no integer equals them.
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0) || f != static_cast<double>(static_cast<int64_t>(f)))
    return false;
  return static_cast<int64_t>(f) == i.as_int();
}

}  // namespace

Result<std::vector<NodeId>> Transaction::Impl::IndexSeek(uint32_t label, uint32_t k, const Value& value) const {
  if (Status s = CheckActive(); !s.ok()) return s;
  const IndexRecord* index = IndexFor(label, k);
  if (!index) return NoIndex(Name(graph::NameKind::kLabel, label), Name(graph::NameKind::kKey, k));
  std::vector<NodeId> out;
  if (value.is_null()) return out;  // null equals nothing
  // Numbers equal as doubles share a prefix: the entries under it are then
  // compared exactly.
  std::string prefix = value.is_number() ? key::IndexNumberPrefix(index->id, value)
                                         : key::IndexValuePrefix(index->id, value);
  Status s = kv_.ScanPrefix(Keyspace::kIndex, prefix, [&](std::string_view entry, std::string_view) {
    if (value.is_number()) {
      std::string_view encoded = key::IndexEntryValue(entry);
      Value stored;
      if (!storage::DecodeValue(&encoded, &stored) || !stored.is_number() || !NumbersEqual(stored, value))
        return true;
    }
    out.push_back(key::NodeOfIndexEntry(entry));
    return true;
  });
  if (!s.ok()) return s;
  // The entries of one encoded value come in node order; numbers equal as
  // doubles but stored as integers and floats come in two runs.
  if (value.is_number()) std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<NodeId>> Transaction::Impl::IndexRange(uint32_t label, uint32_t k,
                                                          const std::optional<IndexBound>& lower,
                                                          const std::optional<IndexBound>& upper) const {
  const Value* kind_of = lower ? &lower->value : upper ? &upper->value : nullptr;
  if (!kind_of) return Status::InvalidArgument("a range lookup needs at least one bound");
  if (lower && upper && lower->value.is_number() != upper->value.is_number() &&
      lower->value.type() != upper->value.type())
    return Status::InvalidArgument("range bounds " + lower->value.ToString() + " and " +
                                   upper->value.ToString() + " are of different types");
  // Durations have no order in Cypher: no range holds any.
  if (kind_of->is_duration()) return std::vector<NodeId>{};
  // The encoded range of one kind of value: its tag byte.
  std::string kind_prefix;
  storage::EncodeValue(&kind_prefix, *kind_of);
  kind_prefix.resize(1);
  std::string from = kind_prefix, to = key::PrefixSuccessor(kind_prefix);
  if (lower) {
    from.clear();
    storage::EncodeValue(&from, lower->value);
    if (!lower->inclusive) from = key::PrefixSuccessor(from);
  }
  if (upper) {
    to.clear();
    storage::EncodeValue(&to, upper->value);
    if (upper->inclusive) to = key::PrefixSuccessor(to);
  }
  auto ids = IndexLookup(label, k, from, to);
  if (!ids.ok() || !kind_of->is_number()) return ids;
  // Bounds are compared as doubles in the encoding; recheck exactly (an
  // integer bound against a float that rounds to it).
  std::vector<NodeId> exact;
  for (NodeId id : *ids) {
    auto v = NodeProperty(id, k);
    if (!v.ok()) return v.status();
    if (!*v || !(*v)->is_number()) continue;
    const Value& x = **v;
    auto cmp = [](const Value& a, const Value& b) {  // <0, 0, >0
      if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
      double p = a.as_number(), q = b.as_number();
      return p < q ? -1 : p > q;
    };
    if (lower && (cmp(x, lower->value) < 0 || (!lower->inclusive && cmp(x, lower->value) == 0))) continue;
    if (upper && (cmp(x, upper->value) > 0 || (!upper->inclusive && cmp(x, upper->value) == 0))) continue;
    exact.push_back(id);
  }
  return exact;
}

Status Transaction::Impl::DeleteEdges(std::span<const EdgeId> ids,
                                      graph::FunctionRef<void(EdgeId, const graph::EdgeData&)> before) {
  return RemoveEdges(ids, [&](EdgeId id, EdgeRecord& r) {
    before(id, graph::EdgeData{r.type, r.source, r.target, std::move(r.properties)});
  });
}

Status Transaction::Impl::Commit() {
  if (Status s = CheckActive(); !s.ok()) return s;
  created_nodes_.clear();
  return kv_.Commit();
}

void Transaction::Impl::Rollback() {
  created_nodes_.clear();
  saved_created_.clear();
  kv_.Rollback();
}

void Transaction::Impl::SetSavePoint() {
  saved_created_.push_back(created_nodes_);
  kv_.SetSavePoint();
}

void Transaction::Impl::RollbackToSavePoint() {
  if (saved_created_.empty()) return;
  created_nodes_ = std::move(saved_created_.back());
  saved_created_.pop_back();
  kv_.RollbackToSavePoint();
}

void Transaction::Impl::PopSavePoint() {
  if (saved_created_.empty()) return;
  saved_created_.pop_back();
  kv_.PopSavePoint();
}

// ---- cursors ----

class NodeCursor::Impl {
 public:
  Impl(std::unique_ptr<rocksdb::Iterator> it, std::string prefix, bool label_keys)
      : it_(std::move(it)), prefix_(std::move(prefix)), label_keys_(label_keys) {
    it_->Seek(prefix_);
  }
  Impl(Status error) : error_(std::move(error)) {}

  bool Valid() const { return it_ && it_->Valid() && it_->key().starts_with(prefix_); }
  void Next() { it_->Next(); }
  NodeId id() const {
    std::string_view k(it_->key().data(), it_->key().size());
    return label_keys_ ? key::NodeOfLabelKey(k) : key::NodeOf(k);
  }
  Status status() const {
    if (!error_.ok()) return error_;
    return it_ ? storage::FromRocks(it_->status(), "node scan") : Status::OK();
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
  bool label_keys_ = false;
  Status error_;
};

class EdgeCursor::Impl {
 public:
  Impl(const Transaction::Impl& txn, std::unique_ptr<rocksdb::Iterator> it, std::optional<uint32_t> type)
      : txn_(txn), it_(std::move(it)), type_(type) {
    it_->SeekToFirst();
    if (it_->Valid() && Load()) Settle();
  }
  Impl(const Transaction::Impl& txn, Status error) : txn_(txn), error_(std::move(error)) {}

  bool Valid() const { return it_ && it_->Valid() && error_.ok(); }
  void Next() {
    if (Step()) Settle();
  }
  const Edge& edge() const { return current_; }
  Status status() const {
    if (!error_.ok()) return error_;
    return it_ ? storage::FromRocks(it_->status(), "edge scan") : Status::OK();
  }

 private:
  // Decodes the key the iterator is at into entry_ (its first entry).
  bool Load() {
    entries_.Reset(ToView(it_->key()), ToView(it_->value()));
    if (entries_.Next(&entry_)) return true;
    error_ = Transaction::Impl::DamagedAdjacency(Keyspace::kOut, ToView(it_->key()));
    return false;
  }
  // The next entry, from the same key or the next; false at the end or on damage.
  bool Step() {
    if (entries_.Next(&entry_)) return true;
    if (!entries_.ok()) {
      error_ = Transaction::Impl::DamagedAdjacency(Keyspace::kOut, ToView(it_->key()));
      return false;
    }
    it_->Next();
    return it_->Valid() && Load();
  }
  // Skips entries the type filter rejects, then shows the current one.
  void Settle() {
    while (type_ && entry_.type != *type_)
      if (!Step()) return;
    if (entry_.type != cached_type_ || current_.type.empty()) {
      cached_type_ = entry_.type;
      current_.type = txn_.store().Name(DictKind::kEdgeType, entry_.type);
    }
    current_.id = entry_.edge;
    current_.source = entry_.anchor;
    current_.target = entry_.neighbor;
  }

  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

  const Transaction::Impl& txn_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::optional<uint32_t> type_;
  key::AdjacencyEntries entries_;
  key::AdjacencyEntry entry_{};
  Edge current_;
  uint32_t cached_type_ = 0;
  Status error_;
};

NodeCursor::NodeCursor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeCursor::NodeCursor(NodeCursor&&) noexcept = default;
NodeCursor& NodeCursor::operator=(NodeCursor&&) noexcept = default;
NodeCursor::~NodeCursor() = default;
bool NodeCursor::Valid() const { return impl_->Valid(); }
void NodeCursor::Next() { impl_->Next(); }
NodeId NodeCursor::id() const { return impl_->id(); }
Status NodeCursor::status() const { return impl_->status(); }

EdgeCursor::EdgeCursor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EdgeCursor::EdgeCursor(EdgeCursor&&) noexcept = default;
EdgeCursor& EdgeCursor::operator=(EdgeCursor&&) noexcept = default;
EdgeCursor::~EdgeCursor() = default;
bool EdgeCursor::Valid() const { return impl_->Valid(); }
void EdgeCursor::Next() { impl_->Next(); }
const Edge& EdgeCursor::edge() const { return impl_->edge(); }
Status EdgeCursor::status() const { return impl_->status(); }

// ---- the public Transaction ----

Transaction::Transaction(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::Transaction(Transaction&&) noexcept = default;
Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->Rollback();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
Transaction::~Transaction() {
  if (impl_) impl_->Rollback();
}

bool Transaction::read_only() const { return impl_->kv().read_only(); }
bool Transaction::active() const { return !impl_->kv().finished(); }

Result<NodeId> Transaction::CreateNode(const std::vector<std::string>& labels, const Properties& properties) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  std::vector<uint32_t> ids;
  for (const auto& l : labels) {
    auto id = impl_->InternLabel(l);
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  auto props = impl_->FromProperties(properties);
  if (!props.ok()) return props.status();
  return impl_->CreateNode(std::move(ids), std::move(*props));
}

Result<Node> Transaction::GetNode(NodeId id) const {
  graph::NodeData record;
  if (Status s = impl_->ReadNode(id, &record); !s.ok()) return s;
  return impl_->ToNode(id, record);
}

Result<bool> Transaction::HasNode(NodeId id) const {
  if (Status s = impl_->CheckActive(); !s.ok()) return s;
  Status error;
  bool exists = impl_->NodeExists(id, &error);
  if (!error.ok()) return error;
  return exists;
}

Status Transaction::SetNodeProperty(NodeId id, std::string_view key, const Value& value) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  if (value.is_null()) return RemoveNodeProperty(id, key);
  if (Status s = CheckStorable(key, value); !s.ok()) return s;
  auto k = impl_->InternKey(key);
  if (!k.ok()) return k.status();
  return impl_->SetNodeProperty(id, *k, value);
}

Status Transaction::RemoveNodeProperty(NodeId id, std::string_view key) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  auto k = impl_->ResolveKey(key);
  if (!k) {
    NodeRecord record;  // still report a missing node
    return impl_->ReadNodeRecord(id, &record);
  }
  return impl_->SetNodeProperty(id, *k, Value());
}

Status Transaction::AddLabel(NodeId id, std::string_view label) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  auto l = impl_->InternLabel(label);
  if (!l.ok()) return l.status();
  return impl_->SetNodeLabel(id, *l, true);
}

Status Transaction::RemoveLabel(NodeId id, std::string_view label) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  auto l = impl_->ResolveLabel(label);
  if (!l) {
    NodeRecord record;
    return impl_->ReadNodeRecord(id, &record);
  }
  return impl_->SetNodeLabel(id, *l, false);
}

Status Transaction::DeleteNode(NodeId id) { return impl_->DeleteNode(id, false); }
Status Transaction::DetachDeleteNode(NodeId id) { return impl_->DeleteNode(id, true); }

Result<EdgeId> Transaction::CreateEdge(NodeId source, std::string_view type, NodeId target,
                                       const Properties& properties) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  auto t = impl_->InternType(type);
  if (!t.ok()) return t.status();
  auto props = impl_->FromProperties(properties);
  if (!props.ok()) return props.status();
  return impl_->CreateEdge(source, *t, target, std::move(*props));
}

Result<Edge> Transaction::GetEdge(EdgeId id) const {
  graph::EdgeData record;
  if (Status s = impl_->ReadEdge(id, &record); !s.ok()) return s;
  return impl_->ToEdge(id, record);
}

Status Transaction::SetEdgeProperty(EdgeId id, std::string_view key, const Value& value) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  if (value.is_null()) return RemoveEdgeProperty(id, key);
  if (Status s = CheckStorable(key, value); !s.ok()) return s;
  auto k = impl_->InternKey(key);
  if (!k.ok()) return k.status();
  return impl_->SetEdgeProperty(id, *k, value);
}

Status Transaction::RemoveEdgeProperty(EdgeId id, std::string_view key) {
  if (Status s = impl_->CheckWritable(); !s.ok()) return s;
  auto k = impl_->ResolveKey(key);
  if (!k) {
    EdgeRecord record;
    return impl_->ReadEdgeRecord(id, &record);
  }
  return impl_->SetEdgeProperty(id, *k, Value());
}

Status Transaction::DeleteEdge(EdgeId id) { return impl_->DeleteEdge(id); }

Result<std::vector<Edge>> Transaction::GetEdges(NodeId node, Direction dir, std::string_view type) const {
  if (Status s = impl_->CheckActive(); !s.ok()) return s;
  std::vector<Edge> out;
  std::optional<uint32_t> t;
  if (!type.empty()) {
    t = impl_->ResolveType(type);
    if (!t) return out;
  }
  uint32_t last_type = 0;
  std::string type_name;
  Status s = impl_->ForEachEdge(node, dir, t, [&](const storage::key::AdjacencyEntry& e, bool outgoing) {
    if (type_name.empty() || e.type != last_type) {
      last_type = e.type;
      type_name = impl_->store().Name(DictKind::kEdgeType, e.type);
    }
    out.push_back(Edge{e.edge, type_name, outgoing ? e.anchor : e.neighbor, outgoing ? e.neighbor : e.anchor, {}});
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Result<uint64_t> Transaction::Degree(NodeId node, Direction dir, std::string_view type) const {
  if (Status s = impl_->CheckActive(); !s.ok()) return s;
  std::optional<uint32_t> t;
  if (!type.empty()) {
    t = impl_->ResolveType(type);
    if (!t) return uint64_t{0};
  }
  uint64_t n = 0;
  Status s = impl_->ForEachEdge(node, dir, t, [&](const storage::key::AdjacencyEntry&, bool) {
    ++n;
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

NodeCursor Transaction::ScanNodes(std::string_view label) const {
  using CursorImpl = NodeCursor::Impl;
  if (Status s = impl_->CheckActive(); !s.ok())
    return internal::Access::MakeNodeCursor(std::make_unique<CursorImpl>(s));
  if (label.empty())
    return internal::Access::MakeNodeCursor(
        std::make_unique<CursorImpl>(impl_->kv().NewIterator(Keyspace::kNodes), std::string(), false));
  auto l = impl_->ResolveLabel(label);
  // An unknown label: an empty scan over a prefix no key has.
  std::string prefix = l ? key::LabelPrefix(*l) : std::string("\xFF\xFF\xFF\xFF\xFF", 5);
  return internal::Access::MakeNodeCursor(
      std::make_unique<CursorImpl>(impl_->kv().NewIterator(Keyspace::kLabels), prefix, true));
}

EdgeCursor Transaction::ScanEdges(std::string_view type) const {
  using CursorImpl = EdgeCursor::Impl;
  if (Status s = impl_->CheckActive(); !s.ok())
    return internal::Access::MakeEdgeCursor(std::make_unique<CursorImpl>(*impl_, s));
  std::optional<uint32_t> t;
  if (!type.empty()) {
    t = impl_->ResolveType(type);
    if (!t) t = UINT32_MAX;  // matches nothing
  }
  return internal::Access::MakeEdgeCursor(
      std::make_unique<CursorImpl>(*impl_, impl_->kv().NewIterator(Keyspace::kOut, true), t));
}

Result<uint64_t> Transaction::CountNodes(std::string_view label) const {
  if (Status s = impl_->CheckActive(); !s.ok()) return s;
  if (label.empty()) {
    auto n = impl_->kv().Counter(CounterKind::kNodes, 0);
    if (!n.ok()) return n.status();
    return static_cast<uint64_t>(*n);
  }
  auto l = impl_->ResolveLabel(label);
  if (!l) return uint64_t{0};
  auto n = impl_->kv().Counter(CounterKind::kLabel, *l);
  if (!n.ok()) return n.status();
  return static_cast<uint64_t>(*n);
}

Result<uint64_t> Transaction::CountEdges(std::string_view type) const {
  if (Status s = impl_->CheckActive(); !s.ok()) return s;
  std::optional<uint32_t> t;
  if (!type.empty()) {
    t = impl_->ResolveType(type);
    if (!t) return uint64_t{0};
  }
  auto n = t ? impl_->kv().Counter(CounterKind::kEdgeType, *t) : impl_->kv().Counter(CounterKind::kEdges, 0);
  if (!n.ok()) return n.status();
  return static_cast<uint64_t>(*n);
}

Result<std::vector<NodeId>> Transaction::FindNodes(std::string_view label, std::string_view key,
                                                   const Value& value) const {
  auto l = impl_->ResolveLabel(label);
  auto k = impl_->ResolveKey(key);
  if (!l || !k) return impl_->NoIndex(label, key);
  return impl_->IndexSeek(*l, *k, value);
}

Result<std::vector<NodeId>> Transaction::FindNodesInRange(std::string_view label, std::string_view key,
                                                          const std::optional<IndexBound>& lower,
                                                          const std::optional<IndexBound>& upper) const {
  auto l = impl_->ResolveLabel(label);
  auto k = impl_->ResolveKey(key);
  if (!l || !k) return impl_->NoIndex(label, key);
  return impl_->IndexRange(*l, *k, lower, upper);
}

Result<std::vector<SearchHit>> Transaction::Search(std::string_view index, std::string_view query, size_t limit,
                                                  size_t skip) const {
  auto hits = impl_->TextSearch(index, query, skip, limit, [] { return Status::OK(); });
  if (!hits.ok()) return hits.status();
  std::vector<SearchHit> out;
  out.reserve(hits->size());
  for (const auto& h : *hits) out.push_back({h.element, h.score});
  return out;
}

Status Transaction::Commit() { return impl_->Commit(); }
void Transaction::Rollback() { impl_->Rollback(); }

}  // namespace kg
