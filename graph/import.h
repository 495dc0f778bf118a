// Importers for the file formats of kg/io.h that map straight onto nodes and
// relationships (CSV in the neo4j-admin convention, JSON Lines in the APOC
// convention). They write into one transaction; the caller commits.
#pragma once

#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "kg/io.h"
#include "kg/transaction.h"

namespace kg::graph {

// Where an importer's nodes and relationships go: a transaction, or the
// bulk writer. Finish makes the writes visible, all at once.
class GraphSink {
 public:
  virtual ~GraphSink() = default;
  virtual Result<NodeId> CreateNode(const std::vector<std::string>& labels, const Properties& props) = 0;
  virtual Result<EdgeId> CreateEdge(NodeId from, std::string_view type, NodeId to, const Properties& props) = 0;
  virtual Status Finish() = 0;
  // True when the sink may be used from another thread than the one that
  // made it (one thread at a time), so rows can be parsed while it writes.
  virtual bool pipelined() const { return false; }
};

class TransactionSink : public GraphSink {
 public:
  explicit TransactionSink(Transaction txn) : txn_(std::move(txn)) {}
  Result<NodeId> CreateNode(const std::vector<std::string>& labels, const Properties& props) override {
    return txn_.CreateNode(labels, props);
  }
  Result<EdgeId> CreateEdge(NodeId from, std::string_view type, NodeId to, const Properties& props) override {
    return txn_.CreateEdge(from, type, to, props);
  }
  Status Finish() override { return txn_.Commit(); }

 private:
  Transaction txn_;
};

// File ids -> node ids: open addressing over one array, the id texts in
// one arena, so a lookup touches about two cache lines. Node ids start at
// 1, so 0 marks an empty slot.
class IdMap {
 public:
  // The node for key, or 0.
  NodeId Find(std::string_view key) const {
    if (slots_.empty()) return 0;
    uint64_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.node == 0) return 0;
      if (s.hash == h && std::string_view(arena_.data() + s.offset, s.size) == key) return s.node;
    }
  }
  // False (and no change) when key is there already. REQUIRES: node != 0.
  bool Insert(std::string_view key, NodeId node) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    uint64_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.node == 0) {
        s = {h, static_cast<uint64_t>(arena_.size()), static_cast<uint32_t>(key.size()), node};
        arena_.append(key);
        ++used_;
        return true;
      }
      if (s.hash == h && std::string_view(arena_.data() + s.offset, s.size) == key) return false;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t offset = 0;
    uint32_t size = 0;
    NodeId node = 0;
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.node == 0) continue;
      size_t i = s.hash & (slots_.size() - 1);
      while (slots_[i].node != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::string arena_;
  size_t used_ = 0;
};

class Importer {
 public:
  Importer(GraphSink& sink, const LoadOptions& options, LoadStats* stats, uint64_t total_bytes)
      : txn_(sink), options_(options), stats_(stats), total_bytes_(total_bytes) {}

  // Node files first, then relationship files, as their headers (or kinds) say.
  Status Csv(const std::vector<LoadFile>& files);
  Status Jsonl(const LoadFile& file);

 private:
  // A bad row: fails the load, or (max_bad > 0) is written to the rejects
  // file, failing the load only once more than max_bad were rejected.
  Status Bad(const Status& reason, const std::string& row);
  void Progress(uint64_t bytes_in_file, bool force = false);

  GraphSink& txn_;
  const LoadOptions& options_;
  LoadStats* stats_;
  uint64_t total_bytes_;
  uint64_t bytes_before_file_ = 0;  // bytes of the files already done
  std::ofstream rejects_;
  // id space -> file id -> node (CSV); JSONL ids live in their own space.
  std::unordered_map<std::string, IdMap> ids_;
};

}  // namespace kg::graph
