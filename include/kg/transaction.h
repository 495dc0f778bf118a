// Transaction: every read and write of graph data goes through one.
//
// Isolation is snapshot isolation: a transaction reads the database as it was
// when it began, plus its own writes. Commit applies all writes atomically or
// none. Two transactions that change the same element (or one deletes a node
// the other connects an edge to) cannot both commit: the later Commit fails
// with StatusCode::kConflict and the caller may retry the whole transaction.
//
// A Transaction is used by one thread at a time; different transactions may
// run in different threads. Destroying an uncommitted transaction rolls it
// back. It keeps the database's storage alive until it is destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kg/element.h"
#include "kg/status.h"
#include "kg/value.h"

namespace kg {

namespace internal {
struct Access;
}

// Iterates node ids in ascending order. Typical use:
//   for (auto c = txn.ScanNodes("Person"); c.Valid(); c.Next()) use(c.id());
//   if (!c.status().ok()) ...
// The transaction must outlive the cursor.
class NodeCursor {
 public:
  NodeCursor(NodeCursor&&) noexcept;
  NodeCursor& operator=(NodeCursor&&) noexcept;
  ~NodeCursor();

  bool Valid() const;
  void Next();
  // REQUIRES: Valid().
  NodeId id() const;
  // Not OK if the scan stopped on an error rather than at its end.
  Status status() const;

  class Impl;

 private:
  friend struct internal::Access;
  explicit NodeCursor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Iterates edges grouped by source node (ascending), then type, target, id.
class EdgeCursor {
 public:
  EdgeCursor(EdgeCursor&&) noexcept;
  EdgeCursor& operator=(EdgeCursor&&) noexcept;
  ~EdgeCursor();

  bool Valid() const;
  void Next();
  // REQUIRES: Valid(). Its properties are not read (empty).
  const Edge& edge() const;
  Status status() const;

  class Impl;

 private:
  friend struct internal::Access;
  explicit EdgeCursor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One result of a full-text search: a node's or relationship's id (as the
// index covers nodes or relationships) and its BM25 score.
struct SearchHit {
  uint64_t id = 0;
  double score = 0;
};

// One end of a range lookup on a property index.
struct IndexBound {
  Value value;
  bool inclusive = true;
};

class Transaction {
 public:
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  // Rolls back unless committed.
  ~Transaction();

  bool read_only() const;
  // False after Commit or Rollback; every call then fails with kAborted.
  bool active() const;

  // ---- Nodes ----
  // Creates a node. Labels may repeat (kept once); null properties are skipped.
  Result<NodeId> CreateNode(const std::vector<std::string>& labels = {},
                            const Properties& properties = {});
  // NotFound if the node does not exist.
  Result<Node> GetNode(NodeId id) const;
  Result<bool> HasNode(NodeId id) const;
  // Setting a null value removes the property. It is not an error to remove
  // a property the node does not have.
  Status SetNodeProperty(NodeId id, std::string_view key, const Value& value);
  Status RemoveNodeProperty(NodeId id, std::string_view key);
  // Adding a label the node has, or removing one it lacks, is not an error.
  Status AddLabel(NodeId id, std::string_view label);
  Status RemoveLabel(NodeId id, std::string_view label);
  // Fails with kConstraintViolation while the node has edges.
  Status DeleteNode(NodeId id);
  // Deletes the node and all its edges.
  Status DetachDeleteNode(NodeId id);

  // ---- Edges ----
  // Both endpoints must exist; source == target (a self-loop) and several
  // edges between the same nodes are allowed. type must not be empty.
  Result<EdgeId> CreateEdge(NodeId source, std::string_view type, NodeId target,
                            const Properties& properties = {});
  Result<Edge> GetEdge(EdgeId id) const;
  Status SetEdgeProperty(EdgeId id, std::string_view key, const Value& value);
  Status RemoveEdgeProperty(EdgeId id, std::string_view key);
  Status DeleteEdge(EdgeId id);
  // Edges of node in direction dir, only of type when type is not empty,
  // without their properties (GetEdge reads those). The other end is
  // target for an outgoing edge, source for an incoming one. With kBoth a
  // self-loop appears twice (once out, once in).
  Result<std::vector<Edge>> GetEdges(NodeId node, Direction dir, std::string_view type = {}) const;
  Result<uint64_t> Degree(NodeId node, Direction dir, std::string_view type = {}) const;

  // ---- Scans and counts ----
  // All nodes, or those with label.
  NodeCursor ScanNodes(std::string_view label = {}) const;
  // All edges, or those of type.
  EdgeCursor ScanEdges(std::string_view type = {}) const;
  // Maintained counts: constant time, no scan.
  Result<uint64_t> CountNodes(std::string_view label = {}) const;
  Result<uint64_t> CountEdges(std::string_view type = {}) const;

  // ---- Index lookups ----
  // Nodes with label whose property equals value as Cypher's = has it
  // (1 finds 1.0; integers compare exactly), in ascending id order. REQUIRES an index or unique constraint on
  // (label, key); NotFound otherwise.
  Result<std::vector<NodeId>> FindNodes(std::string_view label, std::string_view key,
                                        const Value& value) const;
  // Nodes whose property lies between the bounds (a missing bound is open),
  // in value order. Integers and floats share one numeric order; a range
  // over numbers finds both, a range over strings only strings.
  Result<std::vector<NodeId>> FindNodesInRange(std::string_view label, std::string_view key,
                                               const std::optional<IndexBound>& lower,
                                               const std::optional<IndexBound>& upper) const;
  // The best matches of query (Lucene's syntax; see README, "Full-text
  // search") in the full-text index called index, best first, skip of them
  // left out, at most limit. Sees this transaction's own writes.
  // NotFound without such an index; InvalidArgument for a malformed query,
  // naming its column.
  Result<std::vector<SearchHit>> Search(std::string_view index, std::string_view query, size_t limit = 100,
                                        size_t skip = 0) const;

  // Makes every write durable and visible to transactions that begin later.
  // The transaction ends whatever the outcome.
  Status Commit();
  // Discards every write. It is not an error to roll back an ended transaction.
  void Rollback();

  class Impl;

 private:
  friend struct internal::Access;
  explicit Transaction(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace kg
