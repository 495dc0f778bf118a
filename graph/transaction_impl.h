// Transaction::Impl: the graph interface (graph/graph.h) over the store,
// maintaining the label index, property indexes, unique constraints,
// adjacency and counters so that each element change is one consistent set
// of key writes. The public Transaction translates names to ids and calls
// in here; inside graph/, code that needs the records themselves (the bulk
// path, the checker) uses the record-level calls below.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/fulltext.h"
#include "graph/graph.h"
#include "kg/element.h"
#include "kg/transaction.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/store_transaction.h"

namespace kg {

class Transaction::Impl final : public graph::GraphTxn {
 public:
  // A write transaction holds turn (see storage::StoreTransaction).
  Impl(std::shared_ptr<storage::Store> store, bool read_only);
  Impl(std::shared_ptr<storage::Store> store, storage::WriteTurn turn);
  // A new transaction; a write transaction waits for its turn first.
  static Result<std::shared_ptr<Impl>> Begin(std::shared_ptr<storage::Store> store, bool read_only,
                                             const std::atomic<bool>* cancel);
  // Reads (and writes) through a transaction someone else owns, which must
  // outlive this: a catalog change's own transaction, for example.
  explicit Impl(storage::StoreTransaction* borrowed);

  storage::StoreTransaction& kv() { return kv_; }
  const storage::StoreTransaction& kv() const { return kv_; }
  storage::Store& store() const { return kv_.store(); }
  Status CheckWritable() const;

  // ---- graph::GraphTxn ----
  std::optional<uint32_t> Resolve(graph::NameKind kind, std::string_view name) const override;
  Result<uint32_t> Intern(graph::NameKind kind, std::string_view name) override;
  std::string Name(graph::NameKind kind, uint32_t id) const override;
  std::vector<std::pair<uint32_t, std::string>> Names(graph::NameKind kind) const override;
  Status CheckActive() const override;
  bool read_only() const override { return kv_.read_only(); }
  uint64_t write_count() const override { return kv_.write_count(); }
  Status ReadNode(NodeId id, graph::NodeData* node) const override;
  Status ReadEdge(EdgeId id, graph::EdgeData* edge) const override;
  Result<std::optional<Value>> NodeProperty(NodeId id, uint32_t key) const override;
  Result<bool> NodeHasLabels(NodeId id, std::span<const uint32_t> labels) const override;
  bool NodeExists(NodeId id, Status* error) const override;
  Result<int64_t> CountNodes(std::optional<uint32_t> label) const override;
  Result<int64_t> CountEdges(std::optional<uint32_t> type) const override;
  Status ScanNodes(graph::FunctionRef<bool(NodeId)> fn) const override;
  Status ScanLabel(uint32_t label, graph::FunctionRef<bool(NodeId)> fn) const override;
  Status ScanEdges(graph::FunctionRef<bool(EdgeId, uint32_t, NodeId, NodeId)> fn) const override;
  Status ScanProperties(std::span<const LabelKey> wanted, std::optional<uint32_t> by_label, NodeId from, NodeId to,
                        graph::FunctionRef<Status(NodeId, size_t, const Value&)> fn) const override;
  Result<std::optional<std::pair<NodeId, NodeId>>> NodeIdBounds() const override;
  Status ScanAdjacency(Direction side, std::optional<uint32_t> type,
                       graph::FunctionRef<bool(const graph::AdjacentEdge&)> fn) const override;
  Status Expand(NodeId node, Direction dir, std::optional<uint32_t> type,
                graph::FunctionRef<bool(const graph::AdjacentEdge&, bool)> fn) const override;
  std::vector<IndexDef> Indexes() const override;
  Status IndexEntries(uint32_t index_id, graph::FunctionRef<bool(const Value&, NodeId)> fn) const override;
  bool HasIndex(uint32_t label, uint32_t key) const override { return IndexFor(label, key) != nullptr; }
  uint64_t schema_version() const override { return kv_.catalog_version(); }
  Result<std::vector<NodeId>> IndexSeek(uint32_t label, uint32_t key, const Value& value) const override;
  Result<std::vector<NodeId>> IndexRange(uint32_t label, uint32_t key, const std::optional<IndexBound>& lower,
                                         const std::optional<IndexBound>& upper) const override;
  std::vector<TextIndexDef> TextIndexes() const override;
  Result<std::vector<TextHit>> TextSearch(std::string_view name, std::string_view query, size_t skip, size_t limit,
                                          graph::FunctionRef<Status()> interrupted) const override;
  Status TextPostings(uint32_t index_id, graph::FunctionRef<bool(std::string_view)> fn) const override;
  std::vector<std::string> TextPostingsOf(uint32_t index_id, uint64_t element,
                                          graph::PropertySpan props) const override;
  Result<std::pair<int64_t, int64_t>> TextFieldStats(uint32_t index_id, uint8_t field) const override;
  Status TextTermCounts(uint32_t index_id,
                        graph::FunctionRef<void(uint8_t, std::string_view, int64_t)> fn) const override;
  Result<NodeId> CreateNode(std::vector<uint32_t> labels, graph::PropertyList props) override;
  Status SetNodeProperty(NodeId id, uint32_t key, const Value& value) override;
  Status SetNodeLabel(NodeId id, uint32_t label, bool present) override;
  Status DeleteNode(NodeId id, bool detach) override;
  Result<EdgeId> CreateEdge(NodeId source, uint32_t type, NodeId target, graph::PropertyList props) override;
  Status SetEdgeProperty(EdgeId id, uint32_t key, const Value& value) override;
  Status DeleteEdges(std::span<const EdgeId> ids,
                     graph::FunctionRef<void(EdgeId, const graph::EdgeData&)> before) override;
  Status Commit() override;
  void Rollback() override;
  void SetSavePoint() override;
  void RollbackToSavePoint() override;
  void PopSavePoint() override;
  Node ToNode(NodeId id, const graph::NodeData& node) const override;
  Edge ToEdge(EdgeId id, const graph::EdgeData& edge) const override;
  Properties ToProperties(graph::PropertySpan props) const override;
  Result<graph::PropertyList> FromProperties(const Properties& props) override;

  // ---- records ----
  // NotFound with a message naming the node when absent.
  Status ReadNodeRecord(NodeId id, storage::NodeRecord* record) const;
  Status ReadEdgeRecord(EdgeId id, storage::EdgeRecord* record) const;
  // The record bytes of edge id as a scan of this transaction just read
  // them: ReadEdgeRecord of that edge decodes them instead of a point read,
  // for as long as the transaction writes nothing. The bytes are not
  // copied: the caller withdraws the hint (id 0) before they change.
  void HintEdge(EdgeId id, std::string_view bytes) const;
  Status DeleteEdge(EdgeId id);
  // Deletes every edge of ids (repeats allowed), each block of adjacency
  // they share rewritten once; calls before with each edge's record first
  // (it may take the properties: only the type and ends are read after).
  // Fails at the first that does not exist.
  Status RemoveEdges(std::span<const EdgeId> ids,
                     const std::function<void(EdgeId, storage::EdgeRecord&)>& before = {});

  // Calls fn(const storage::key::AdjacencyEntry&, bool outgoing) for every
  // edge of node in dir (type: only that type) until fn returns false.
  template <class Fn>
  Status ForEachEdge(NodeId node, Direction dir, std::optional<uint32_t> type, Fn&& fn) const {
    std::string prefix = type ? storage::key::AdjacencyPrefix(node, *type)
                              : storage::key::AdjacencyPrefix(node);
    bool go_on = true;
    auto scan = [&](storage::Keyspace ks, bool outgoing) {
      std::optional<std::string> damaged;
      Status s = kv_.ScanPrefix(ks, prefix, [&](std::string_view k, std::string_view v) {
        storage::key::AdjacencyEntries entries(k, v);
        storage::key::AdjacencyEntry entry;
        while (go_on && entries.Next(&entry)) go_on = fn(entry, outgoing);
        if (!entries.ok()) damaged = k;
        return go_on && entries.ok();
      });
      if (s.ok() && damaged) return DamagedAdjacency(ks, *damaged);
      return s;
    };
    if (dir != Direction::kIn)
      if (Status s = scan(storage::Keyspace::kOut, true); !s.ok()) return s;
    if (dir != Direction::kOut && go_on)
      if (Status s = scan(storage::Keyspace::kIn, false); !s.ok()) return s;
    return Status::OK();
  }

  // The NotFound of a lookup without an index.
  static Status NoIndex(std::string_view label, std::string_view key);
  // The Corruption a malformed adjacency key or block gives.
  static Status DamagedAdjacency(storage::Keyspace ks, std::string_view key);

  // Node ids with (label, key) = value in the index, or NotFound when
  // no index covers (label, key).
  Result<std::vector<NodeId>> IndexLookup(uint32_t label, uint32_t key, const std::string& from,
                                          const std::string& to_exclusive) const;
  const storage::IndexRecord* IndexFor(uint32_t label, uint32_t key) const;

 private:
  bool CreatedHere(NodeId id) const { return created_nodes_.count(id) != 0; }
  // Reads the record bytes of node id into last_node_, unless there.
  Status NodeBytes(NodeId id) const;
  // Adds or removes the index entries of one (node, label) for the given
  // property (or every indexed property when key is nullopt).
  std::vector<std::pair<const storage::IndexRecord*, const Value*>> EntriesFor(
      const storage::NodeRecord& record, uint32_t label, std::optional<uint32_t> key) const;
  // Fails if a unique constraint forbids the entries; writes nothing.
  Status CheckUnique(const storage::IndexRecord& index, NodeId id, const Value& value) const;
  Status CheckIndexEntries(NodeId id, const storage::NodeRecord& record, const std::vector<uint32_t>& labels,
                           std::optional<uint32_t> key) const;
  void AddIndexEntries(NodeId id, const storage::NodeRecord& record, uint32_t label,
                       std::optional<uint32_t> key);
  void RemoveIndexEntries(NodeId id, const storage::NodeRecord& record, uint32_t label,
                          std::optional<uint32_t> key);
  void WriteNode(NodeId id, const storage::NodeRecord& record);
  // Keeps the full-text indexes in step with a change of an element (a node
  // with labels, or a relationship of the one type in labels) from old to
  // new (no labels: it did not exist, or no longer does).
  void UpdateText(bool relationships, uint64_t element, std::span<const uint32_t> old_labels,
                  graph::PropertySpan old_props, std::span<const uint32_t> new_labels, graph::PropertySpan new_props);
  bool HasTextIndexes(bool relationships) const;
  // Removes edges' entries from the out or in family, each a key of its
  // own or an entry of a block.
  Status RemoveAdjacency(storage::Keyspace ks, std::span<const storage::key::AdjacencyEntry> entries);

  std::optional<storage::StoreTransaction> owned_;  // unless borrowed
  storage::StoreTransaction& kv_;
  // The last record read, or handed over by a scan (edges): a second read
  // of the same element before the transaction writes again decodes these
  // bytes instead of reading it again (a row reading several properties of
  // one element, a DELETE or SET after the MATCH that read it).
  struct ReadCache {
    uint64_t id = 0;  // 0: none
    uint64_t write_count = 0;
    std::string_view bytes;  // into own, or into a scan's memory
    std::string own;
    bool Holds(uint64_t want, uint64_t writes) const { return want != 0 && id == want && write_count == writes; }
    void Set(uint64_t element, uint64_t writes, std::string_view b) {
      id = element;
      write_count = writes;
      bytes = b;
    }
  };
  mutable ReadCache last_node_, last_edge_;
  mutable NodeId last_node_read_ = 0;  // the node NodeBytes read last
  // A relationship block (see key_codec.h) read again, while the
  // transaction writes nothing: reads of its other records, as a scan by
  // id makes them, need no seek.
  struct EdgeBlockCache {
    std::string key, value;
    uint64_t first = 0, last = 0, write_count = 0;
    void Set(std::string_view k, std::string_view v, uint64_t writes);
    bool Covers(uint64_t id, uint64_t writes) const {
      return !key.empty() && write_count == writes && first <= id && id <= last;
    }
  };
  mutable EdgeBlockCache edge_block_;
  mutable std::string last_edge_block_;  // the key of the block a read found last
  // The record bytes of edge id into *bytes; *in_block tells whether a
  // block holds them (then left in edge_block_ when keep_block, or when
  // the read before found the same block). NotFound (no message) when
  // absent.
  Status FetchEdge(EdgeId id, std::string* bytes, bool* in_block, bool keep_block = false) const;
  // Replaces the block in edge_block_ by a key of its own for each of its
  // records but those of drop (sorted): the records' later changes are
  // then their own writes.
  Status SplitEdgeBlock(std::span<const EdgeId> drop);
  // Deletes the records of edges ids (sorted), each a key of its own or
  // the record of a block.
  Status RemoveEdgeRecords(std::span<const EdgeId> ids);
  // Nodes of the snapshot NodeExists or ReadNode found (a node only
  // disappears by this transaction's own DeleteNode, which takes it out):
  // relationships created between nodes a statement has just matched, or
  // between the same few nodes, do not read them again. Direct-mapped by
  // id (a slot holds the last node noted there, 0 for none).
  static constexpr size_t kFirstKnownNodeSlots = 256, kMaxKnownNodeSlots = size_t{1} << 17;
  mutable std::vector<NodeId> known_nodes_;
  mutable size_t known_notes_ = 0;
  NodeId* KnownSlot(NodeId id) const;  // null before the first note
  void NoteExists(NodeId id) const;
  std::unordered_set<NodeId> created_nodes_;
  std::vector<std::unordered_set<NodeId>> saved_created_;
};

namespace graph {
// Full-text indexing of one element (graph/fulltext.h) under an index record.
bool TextIndexCovers(const storage::IndexRecord& index, std::span<const uint32_t> labels);
fulltext::Document TextDocument(const storage::IndexRecord& index, PropertySpan props);
// Calls fn with each posting key of doc for element, in key order.
void ForEachTextPosting(const storage::IndexRecord& index, uint64_t element, const fulltext::Document& doc,
                        FunctionRef<void(std::string_view)> fn);

// The postings of a full-text index built over existing elements, given in
// ascending id order: held per term (no sort of every posting), handed on
// in key order. Past budget bytes they go to overflow, whose sorted runs
// spill to disk.
class TextIndexBuilder {
 public:
  TextIndexBuilder(const storage::IndexRecord& index, size_t budget, std::function<Status(std::string_view)> overflow);
  Status Add(uint64_t element, PropertySpan props);
  // Calls fn with every key held, in key order (what went to overflow is
  // not among them), and forgets them.
  Status Finish(const std::function<Status(std::string_view)>& fn);
  uint64_t count() const { return count_; }
  // Per field: the elements that have it, and their lengths' sum.
  const std::vector<std::pair<int64_t, int64_t>>& stats() const { return stats_; }

 private:
  Status Flush(const std::function<Status(std::string_view)>& fn);
  const storage::IndexRecord& index_;
  size_t budget_, bytes_ = 0;
  std::function<Status(std::string_view)> overflow_;
  // (term 0x00 field) -> its postings held, each the key's part after the field.
  std::unordered_map<std::string, std::string> postings_;
  std::vector<std::pair<int64_t, int64_t>> stats_;
  uint64_t count_ = 0;
};
}  // namespace graph

// Conflict-key names; shown in conflict errors.
namespace conflict {
std::string Node(NodeId id);
std::string NodeExists(NodeId id);
std::string EdgesOf(NodeId id);
std::string Edge(EdgeId id);
// The block of adjacency entries whose key is block_key.
std::string AdjacencyBlock(bool outgoing, std::string_view block_key);
// The block of relationship records whose key is block_key.
std::string EdgeBlock(std::string_view block_key);
std::string Unique(const storage::IndexRecord& index, const Value& value);
}  // namespace conflict

}  // namespace kg
