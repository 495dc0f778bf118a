// GraphTxn: the graph interface, the one way the layers above storage reach
// data. The query engine, the Boost.Graph view, CSR snapshots, exporters and
// loaders read and write through it; none of them sees a key, a record
// encoding or RocksDB. Names (labels, relationship types, property keys)
// are interned to 32-bit ids, resolved once by the caller.
//
// A GraphTxn is one transaction: a snapshot plus its own writes, used by
// one thread at a time. Reads return NotFound (with a message naming the
// element) for what does not exist; scans take a callback and stop when it
// returns false.
//
// Index equality is Cypher's: numbers are equal when their values are
// (1 = 1.0; integers compare exactly, also beyond 2^53), and nothing else
// equals a value of another type.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kg/database.h"
#include "kg/element.h"
#include "kg/status.h"
#include "kg/transaction.h"
#include "kg/value.h"

namespace kg::graph {

// Properties keyed by interned property-key id, sorted by id, no nulls.
using PropertyList = std::vector<std::pair<uint32_t, Value>>;
using PropertySpan = std::span<const std::pair<uint32_t, Value>>;

// The value stored under key in props, or nullptr.
const Value* FindProperty(PropertySpan props, uint32_t key);

struct NodeData {
  std::vector<uint32_t> labels;  // sorted label ids
  PropertyList properties;
  bool HasLabel(uint32_t label) const;
};

struct EdgeData {
  uint32_t type = 0;
  NodeId source = 0;
  NodeId target = 0;
  PropertyList properties;
};

// A relationship seen from one of its ends (the anchor).
struct AdjacentEdge {
  NodeId anchor = 0;
  uint32_t type = 0;
  NodeId neighbor = 0;  // the other end (the anchor itself for a self-loop)
  EdgeId edge = 0;
};

enum class NameKind { kLabel, kType, kKey };

// A non-owning reference to a callable, for callbacks that run once per
// element: no allocation, one indirect call.
template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT: implicit, as a lambda argument
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
        }) {}
  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

// Made by Begin (or behind a Transaction), always owned by a shared_ptr.
class GraphTxn : public std::enable_shared_from_this<GraphTxn> {
 public:
  virtual ~GraphTxn() = default;

  // ---- names ----
  // nullopt for a name never used (nothing can match it).
  virtual std::optional<uint32_t> Resolve(NameKind kind, std::string_view name) const = 0;
  // Creates the name when new. InvalidArgument for an empty one.
  virtual Result<uint32_t> Intern(NameKind kind, std::string_view name) = 0;
  virtual std::string Name(NameKind kind, uint32_t id) const = 0;
  // Every name of a kind ever used, with its id, in id order.
  virtual std::vector<std::pair<uint32_t, std::string>> Names(NameKind kind) const = 0;
  std::optional<uint32_t> ResolveLabel(std::string_view n) const { return Resolve(NameKind::kLabel, n); }
  std::optional<uint32_t> ResolveType(std::string_view n) const { return Resolve(NameKind::kType, n); }
  std::optional<uint32_t> ResolveKey(std::string_view n) const { return Resolve(NameKind::kKey, n); }
  Result<uint32_t> InternLabel(std::string_view n) { return Intern(NameKind::kLabel, n); }
  Result<uint32_t> InternType(std::string_view n) { return Intern(NameKind::kType, n); }
  Result<uint32_t> InternKey(std::string_view n) { return Intern(NameKind::kKey, n); }

  // ---- state ----
  virtual Status CheckActive() const = 0;
  virtual bool read_only() const = 0;
  // Grows with every write (and on a rollback to a save point): a value
  // read while it had some value is current while it still has it.
  virtual uint64_t write_count() const = 0;

  // ---- reads ----
  virtual Status ReadNode(NodeId id, NodeData* node) const = 0;
  virtual Status ReadEdge(EdgeId id, EdgeData* edge) const = 0;
  // One property of a node, without decoding the others: nullopt when the
  // node lacks it; NotFound when the node does not exist.
  virtual Result<std::optional<Value>> NodeProperty(NodeId id, uint32_t key) const = 0;
  // Whether node id has every one of labels (false for a node that does
  // not exist): from its record when that was just read, else from the
  // label entries.
  virtual Result<bool> NodeHasLabels(NodeId id, std::span<const uint32_t> labels) const = 0;
  // False for an absent node; *error is set on a read failure.
  virtual bool NodeExists(NodeId id, Status* error) const = 0;
  // Maintained counts: all nodes (label nullopt) or those with label; all
  // relationships or those of type.
  virtual Result<int64_t> CountNodes(std::optional<uint32_t> label) const = 0;
  virtual Result<int64_t> CountEdges(std::optional<uint32_t> type) const = 0;

  // ---- scans ----
  // Every node, in id order.
  virtual Status ScanNodes(FunctionRef<bool(NodeId)> fn) const = 0;
  // The nodes with label, in id order.
  virtual Status ScanLabel(uint32_t label, FunctionRef<bool(NodeId)> fn) const = 0;
  // Every relationship, in id order, with its type and ends; a ReadEdge of
  // that relationship inside fn costs no second read.
  virtual Status ScanEdges(FunctionRef<bool(EdgeId, uint32_t type, NodeId source, NodeId target)> fn) const = 0;
  // Every relationship (of type, when given) as the adjacency lists hold
  // it, from its source's side (kOut) or its target's (kIn): grouped by
  // that end (the anchor) in ascending order, then by type, other end and id.
  virtual Status ScanAdjacency(Direction side, std::optional<uint32_t> type,
                               FunctionRef<bool(const AdjacentEdge&)> fn) const = 0;
  // The relationships of node in dir (only of type when given), outgoing
  // ones first; fn gets each and whether it leaves node. With kBoth a
  // self-loop comes twice.
  virtual Status Expand(NodeId node, Direction dir, std::optional<uint32_t> type,
                        FunctionRef<bool(const AdjacentEdge&, bool outgoing)> fn) const = 0;

  // One pass that reads, for every node in [from, to) (to 0: no end) in
  // id order, the wanted (label, key) pairs it has: fn(node, i, value) for
  // each wanted[i] whose label the node has and whose key it holds.
  // Records are peeked at, not decoded. With by_label the nodes come from
  // that label's list instead of a pass over every node. Safe to run on
  // several threads at once over disjoint ranges; stops at fn's first error.
  struct LabelKey {
    uint32_t label = 0;
    uint32_t key = 0;
  };
  virtual Status ScanProperties(std::span<const LabelKey> wanted, std::optional<uint32_t> by_label, NodeId from,
                                NodeId to, FunctionRef<Status(NodeId, size_t, const Value&)> fn) const = 0;
  // The lowest and the highest node id; nullopt when there is no node.
  virtual Result<std::optional<std::pair<NodeId, NodeId>>> NodeIdBounds() const = 0;

  // ---- indexes ----
  struct IndexDef {
    uint32_t id = 0;
    std::string name;
    uint32_t label = 0;
    uint32_t key = 0;
    bool unique = false;
  };
  // The property indexes and unique constraints this transaction sees.
  virtual std::vector<IndexDef> Indexes() const = 0;
  // The full-text indexes (graph/fulltext.h) this transaction sees.
  struct TextIndexDef {
    uint32_t id = 0;
    std::string name;
    bool relationships = false;
    std::vector<uint32_t> labels;  // or types
    std::vector<uint32_t> keys;
    std::string analyzer;
  };
  virtual std::vector<TextIndexDef> TextIndexes() const = 0;
  // A search of the full-text index called name (see Transaction::Search);
  // interrupted is polled as it reads.
  struct TextHit {
    uint64_t element = 0;
    double score = 0;
  };
  virtual Result<std::vector<TextHit>> TextSearch(std::string_view name, std::string_view query, size_t skip,
                                                  size_t limit, FunctionRef<Status()> interrupted) const = 0;
  // Every posting key of one full-text index, in key order.
  virtual Status TextPostings(uint32_t index_id, FunctionRef<bool(std::string_view)> fn) const = 0;
  // The posting keys an element with these properties has in a full-text
  // index (whether it is in the index at all is the caller's to say).
  virtual std::vector<std::string> TextPostingsOf(uint32_t index_id, uint64_t element, PropertySpan props) const = 0;
  // A full-text index's field statistics as stored: elements with the
  // field and their lengths' sum.
  virtual Result<std::pair<int64_t, int64_t>> TextFieldStats(uint32_t index_id, uint8_t field) const = 0;
  // Every stored document frequency of a full-text index: field, term, count.
  virtual Status TextTermCounts(uint32_t index_id, FunctionRef<void(uint8_t, std::string_view, int64_t)> fn) const = 0;
  // Every entry of one index (IndexDef::id) in key order: the value it
  // files the node under, and the node.
  virtual Status IndexEntries(uint32_t index_id, FunctionRef<bool(const Value&, NodeId)> fn) const = 0;
  virtual bool HasIndex(uint32_t label, uint32_t key) const = 0;
  // Grows each time an index or constraint is created or dropped: what a
  // plan chosen from HasIndex holds for.
  virtual uint64_t schema_version() const = 0;
  // The nodes with label whose key equals value (Cypher equality, above),
  // in ascending id order. NotFound when no index covers (label, key).
  virtual Result<std::vector<NodeId>> IndexSeek(uint32_t label, uint32_t key, const Value& value) const = 0;
  // The nodes whose key lies between the bounds (a missing bound is open),
  // in value order. Integers and floats share one numeric order; a range
  // over strings finds only strings. InvalidArgument without a bound or
  // for bounds of different kinds.
  virtual Result<std::vector<NodeId>> IndexRange(uint32_t label, uint32_t key, const std::optional<IndexBound>& lower,
                                                 const std::optional<IndexBound>& upper) const = 0;

  // ---- writes ----
  // labels need not be sorted or unique; props must be sorted by key, no nulls.
  virtual Result<NodeId> CreateNode(std::vector<uint32_t> labels, PropertyList props) = 0;
  // A null value removes the property.
  virtual Status SetNodeProperty(NodeId id, uint32_t key, const Value& value) = 0;
  virtual Status SetNodeLabel(NodeId id, uint32_t label, bool present) = 0;
  // ConstraintViolation when the node still has relationships and !detach.
  virtual Status DeleteNode(NodeId id, bool detach) = 0;
  virtual Result<EdgeId> CreateEdge(NodeId source, uint32_t type, NodeId target, PropertyList props) = 0;
  virtual Status SetEdgeProperty(EdgeId id, uint32_t key, const Value& value) = 0;
  // Deletes every relationship of ids (repeats allowed), calling before
  // with each one's data first. Fails at the first that does not exist.
  virtual Status DeleteEdges(std::span<const EdgeId> ids, FunctionRef<void(EdgeId, const EdgeData&)> before) = 0;

  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // Statement-level undo: RollbackToSavePoint discards every write made
  // since the matching SetSavePoint.
  virtual void SetSavePoint() = 0;
  virtual void RollbackToSavePoint() = 0;
  virtual void PopSavePoint() = 0;

  // ---- the public forms ----
  virtual Node ToNode(NodeId id, const NodeData& node) const = 0;
  virtual Edge ToEdge(EdgeId id, const EdgeData& edge) const = 0;
  virtual Properties ToProperties(PropertySpan props) const = 0;
  // Interns the keys; skips nulls; InvalidArgument for a value that cannot
  // be stored.
  virtual Result<PropertyList> FromProperties(const Properties& props) = 0;
};

// Runs fn with txn as a public Transaction (the same transaction, which fn
// must not end), for the algorithms of kg/algorithms.h.
Status WithTransaction(GraphTxn& txn, FunctionRef<Status(const Transaction&)> fn);

// A new transaction on db. A write transaction first waits for its
// process's turn to write (Options::busy_timeout; fails with kBusy, or with
// kAborted once *cancel is set).
Result<std::shared_ptr<GraphTxn>> Begin(const Database& db, bool read_only,
                                        const std::atomic<bool>* cancel = nullptr);
// The transaction behind a public handle.
GraphTxn& Of(const Transaction& txn);

}  // namespace kg::graph
