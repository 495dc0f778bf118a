// ExecContext: what a running statement carries: the transaction, the
// parameters, the side-effect counters, cancellation and a time limit.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/graph.h"
#include "kg/value.h"
#include "query/query_error.h"

namespace kg::query {

using Row = std::vector<Value>;
using Params = std::map<std::string, Value, std::less<>>;

// A statement's memory: what it holds (buffered rows, groups, collected
// values, the writes its transaction keeps until commit) is counted against
// a limit, and a value made in one go (a range, a concatenation) is checked
// against what is left before it is made. The counts are estimates of the
// heap a value takes, so that a runaway statement fails with an error
// instead of taking the machine; 0 is no limit.
struct MemoryBudget {
  size_t limit = 0;
  size_t held = 0;
  // Bytes kept until the statement ends.
  void Hold(size_t bytes, const Position& at = {}) {
    held += bytes;
    if (limit && held > limit) Exceeded(bytes, at);
  }
  // Bytes about to be allocated for a value.
  void Check(size_t bytes, const Position& at = {}) const {
    if (limit && bytes > limit - std::min(held, limit)) Exceeded(bytes, at);
  }
  [[noreturn]] void Exceeded(size_t bytes, const Position& at) const;
};

// An estimate of the heap bytes v takes (its own slot included), for the
// memory budget.
size_t ValueBytes(const Value& v);
size_t RowBytes(const std::vector<Value>& row);

// Values nest at most this deep (lists in lists, maps in lists...): every
// walk over a value recurses, and so does freeing one.
inline constexpr int kMaxValueNesting = 1000;
// Whether v has lists or maps nested more than depth levels below it.
bool NestedDeeperThan(const Value& v, int depth);

// Side effects with the TCK's observable-difference meaning: what differs
// between the graph before and after the statement.
class SideEffects {
 public:
  SideEffects(graph::GraphTxn& txn, MemoryBudget& memory) : txn_(txn), memory_(memory) {}
  // Call before changing a node or edge property: remembers the value the
  // element had before the statement.
  void BeforeNodeProperty(NodeId id, uint32_t key);
  void BeforeEdgeProperty(EdgeId id, uint32_t key);
  // Call after creating an element with this many properties.
  // (A write is held until commit: its record in the transaction's batch
  // and here.)
  void NodeCreated(NodeId id, size_t properties) {
    memory_.Hold(kWriteBytes + properties * kPropertyWriteBytes);
    created_nodes_.emplace(id, properties);
  }
  void EdgeCreated(EdgeId id, size_t properties) {
    memory_.Hold(kWriteBytes + properties * kPropertyWriteBytes);
    created_edges_.emplace(id, properties);
  }
  static constexpr size_t kWriteBytes = 160, kPropertyWriteBytes = 48;
  // Call before deleting, with the element's record as read just before:
  // remembers every property of a pre-existing element.
  void BeforeNodeDelete(NodeId id, const graph::NodeData& record);
  void BeforeEdgeDelete(EdgeId id, const graph::EdgeData& record);
  // Call before a label's count may change.
  void BeforeLabelChange(uint32_t label);

  struct Counts {
    int64_t nodes_created = 0, nodes_deleted = 0, relationships_created = 0, relationships_deleted = 0;
    int64_t properties_set = 0, properties_removed = 0, labels_added = 0, labels_removed = 0;
    bool any() const {
      return nodes_created || nodes_deleted || relationships_created || relationships_deleted || properties_set ||
             properties_removed || labels_added || labels_removed;
    }
  };
  // Compares the remembered state with the transaction's current state.
  Counts Compute() const;

 private:
  using Key = std::pair<uint64_t, uint32_t>;
  graph::GraphTxn& txn_;
  MemoryBudget& memory_;
  // Elements created by the statement, with their property counts. Those
  // changed or deleted afterwards are read again at the end; the others
  // count as created (reading them back would make the transaction index
  // its whole write batch for nothing).
  std::unordered_map<NodeId, size_t> created_nodes_;
  std::unordered_map<EdgeId, size_t> created_edges_;
  std::unordered_set<NodeId> changed_nodes_;
  std::unordered_set<EdgeId> changed_edges_;
  std::set<NodeId> deleted_nodes_;
  std::set<EdgeId> deleted_edges_;
  std::map<Key, std::optional<Value>> node_props_, edge_props_;  // original values
  std::map<uint32_t, bool> labels_;                                // label present before?
};

struct ExecContext {
  graph::GraphTxn& txn;
  const Params& params;
  MemoryBudget memory;
  SideEffects effects;
  const std::atomic<bool>* cancel = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint64_t ticks = 0;
  std::string file_directory;  // LOAD CSV resolves relative paths against it
  // The clock readings of date.statement() and date.transaction() (and of
  // date(), the transaction's).
  std::chrono::system_clock::time_point statement_time = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point transaction_time = statement_time;

  ExecContext(graph::GraphTxn& t, const Params& p) : txn(t), params(p), effects(t, memory) {}
  // Called by long loops: throws when the statement was cancelled or ran out of time.
  void CheckInterrupt() {
    if ((++ticks & 1023) != 0) return;
    ThrowIfInterrupted();
  }
  // Whether the statement was cancelled or ran out of time, now.
  bool Interrupted() const {
    return (cancel && cancel->load(std::memory_order_relaxed)) ||
           (deadline && std::chrono::steady_clock::now() > *deadline);
  }
  void ThrowIfInterrupted() const {
    if (cancel && cancel->load(std::memory_order_relaxed))
      throw ErrorAt("TransientError", "Cancelled", true, "the query was cancelled");
    if (deadline && std::chrono::steady_clock::now() > *deadline)
      throw ErrorAt("TransientError", "Timeout", true, "the query exceeded its time limit");
  }
};

}  // namespace kg::query
