// BulkWriter: the fast path for large loads of new nodes and relationships.
// Instead of one write batch, records go straight into sorted files:
// node and relationship records in id order as they come, adjacency, label
// and index keys in sorted runs (spilled to disk past a memory budget and
// merged at the end). Finish() checks the unique constraints again under
// the commit lock, adds the counters, and ingests every file into its
// column family in one atomic RocksDB step: readers see all of the load or
// none of it, and a load that fails leaves the database as it was.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/huge_pages.h"
#include "graph/import.h"
#include "graph/sorted_keys.h"
#include "graph/transaction_impl.h"
#include "storage/store.h"

namespace kg::graph {

class BulkWriter : public GraphSink {
 public:
  // Temporary files go to a fresh directory inside the database directory
  // (so ingestion moves them instead of copying). memory_budget bounds the
  // sorted runs held in memory (0: the database's sort_memory_bytes).
  // Adjacency entries are sorted as 64-bit integers when their ranges fit
  // in max_packed_bits (tests lower it).
  BulkWriter(std::shared_ptr<storage::Store> store, size_t memory_budget = 0, int max_packed_bits = 63);
  ~BulkWriter() override;

  Result<uint32_t> Intern(storage::DictKind kind, std::string_view name) override;
  Result<NodeId> AddNode(std::span<const uint32_t> labels, storage::PropertySpan props) override;
  Result<EdgeId> AddEdge(NodeId from, uint32_t type, NodeId to, storage::PropertySpan props) override;
  Status Finish() override;
  bool pipelined() const override { return true; }

  // One direction of adjacency: fixed-size entries, sorted as integers.
  class AdjacencyRun;
  // A relationship as a load adds it.
  struct Relationship {
    uint64_t from, to, edge;
    uint32_t type;
  };
  using Relationships = std::vector<Relationship, HugePageAllocator<Relationship>>;

 private:
  Status Start();
  Status Spill();
  // Sorts the relationships so far into both directions of adjacency, the
  // incoming one on a second thread, then calls then on each.
  Status TakeAdjacency(const std::function<Status(AdjacencyRun*)>& then);
  Status Put(storage::Keyspace ks, std::string_view key, std::string_view value);

  std::shared_ptr<storage::Store> store_;
  std::unique_ptr<Transaction::Impl> txn_;  // names, validation, and reads of the state at the start
  uint64_t catalog_version_ = 0;
  size_t budget_;
  int max_packed_bits_;
  std::string dir_;
  Status started_;
  bool finished_ = false;
  class RecordFile;
  std::unique_ptr<RecordFile> nodes_, edges_;
  std::unique_ptr<AdjacencyRun> out_, in_;
  // The relationships since the last spill, in the order they came: both
  // directions of adjacency are sorted from them.
  Relationships relationships_;
  std::unique_ptr<SortedKeys> labels_, index_;  // label and index keys
  // The property indexes of a label, looked up once per label.
  const std::vector<const storage::IndexRecord*>& IndexesOf(uint32_t label);

  NodeId first_node_ = 0, last_node_ = 0;  // the ids this load gave, between these
  EdgeId first_edge_ = 0, last_edge_ = 0;
  int64_t node_count_ = 0, edge_count_ = 0;
  EdgeId next_edge_ = 0, end_edge_ = 0;  // the block of edge ids in hand
  std::vector<int64_t> label_counts_, type_counts_;  // by dictionary id
  std::vector<std::optional<std::vector<const storage::IndexRecord*>>> label_indexes_;  // by label id
  std::string record_;  // the record being written
  // Names seen so far (a load uses few): kind and name -> id.
  std::vector<std::tuple<storage::DictKind, std::string, uint32_t>> names_;
  // Unique constraints: the values this load gives, per index.
  std::unordered_map<uint32_t, std::unordered_set<std::string>> unique_values_;
  std::vector<std::string> publish_;
  // Full-text postings go with the index keys; the field statistics here.
  Status AddText(bool relationships, uint64_t element, std::span<const uint32_t> labels, storage::PropertySpan props);
  std::map<uint32_t, std::pair<int64_t, int64_t>> text_stats_;  // by counter id: elements, length
  std::unordered_map<std::string, int64_t> text_terms_;          // TextTermCounter key -> elements
  int spills_ = 0;
};

}  // namespace kg::graph
