// Importers for the file formats of kg/load.h that map straight onto nodes and
// relationships (CSV in the neo4j-admin convention, JSON Lines in the APOC
// convention). They write through a GraphSink (a transaction, or the bulk
// writer); the caller finishes it.
#pragma once

#include <bit>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/huge_pages.h"
#include "kg/load.h"
#include "kg/transaction.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace kg::graph {

// Where an importer's nodes and relationships go: a transaction, or the
// bulk writer. Rows come in the sink's own terms: label, type and key ids
// from Intern, properties sorted by key id. Finish makes the writes
// visible, all at once.
class GraphSink {
 public:
  virtual ~GraphSink() = default;
  // The id of a label, relationship type or property key, for the calls
  // below.
  virtual Result<uint32_t> Intern(storage::DictKind kind, std::string_view name) = 0;
  // labels sorted and distinct; props sorted by key, distinct, no nulls, storable.
  virtual Result<NodeId> AddNode(std::span<const uint32_t> labels, storage::PropertySpan props) = 0;
  virtual Result<EdgeId> AddEdge(NodeId from, uint32_t type, NodeId to, storage::PropertySpan props) = 0;
  virtual Status Finish() = 0;
  // True when the sink may be used from another thread than the one that
  // made it (one thread at a time), so rows can be parsed while it writes.
  virtual bool pipelined() const { return false; }

  // The same by names, interned and checked here.
  Result<NodeId> CreateNode(const std::vector<std::string>& labels, const Properties& props);
  Result<EdgeId> CreateEdge(NodeId from, std::string_view type, NodeId to, const Properties& props);

 private:
  Result<storage::PropertyList> Row(const Properties& props);
};

class TransactionSink : public GraphSink {
 public:
  explicit TransactionSink(Transaction txn);
  Result<uint32_t> Intern(storage::DictKind kind, std::string_view name) override;
  Result<NodeId> AddNode(std::span<const uint32_t> labels, storage::PropertySpan props) override;
  Result<EdgeId> AddEdge(NodeId from, uint32_t type, NodeId to, storage::PropertySpan props) override;
  Status Finish() override { return txn_.Commit(); }

 private:
  Transaction txn_;
  Transaction::Impl& impl_;
};

// File ids -> node ids: open addressing over one array. An id of up to 16
// bytes is kept in its slot, a longer one in an arena, so a lookup of a
// short id touches one cache line (slots are aligned so that none spans
// two). Node ids start at 1, so 0 marks an empty slot.
class IdMap {
 public:
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  // The node for key, or 0.
  NodeId Find(std::string_view key) const { return Find(key, Hash(key)); }
  // The same, given key's Hash.
  NodeId Find(std::string_view key, uint64_t h) const {
    if (slots_.empty()) return 0;
    Text16 padded(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.node == 0) return 0;
      if (Matches(s, h, key, padded)) return s.node;
    }
  }
  // Starts loading the slot where a lookup of the key with hash h begins,
  // so that a Find a little later does not wait for memory.
  void Prefetch(uint64_t h) const {
    if (slots_.empty()) return;
    const Slot* s = &slots_[h & mask_];
    __builtin_prefetch(s);
    // A lookup that goes on to the next slot (a fifth or so do) crosses
    // into the next cache line when this slot ends a line.
    __builtin_prefetch(s + 1);
  }
  // Room for n ids in all without growing.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Grow(std::bit_ceil(n * 2));
  }
  size_t size() const { return used_; }
  // False (and no change) when key is there already. REQUIRES: node != 0.
  bool Insert(std::string_view key, NodeId node) { return Insert(key, Hash(key), node); }
  // The same, given key's Hash.
  bool Insert(std::string_view key, uint64_t h, NodeId node) {
    if ((used_ + 1) * 2 > slots_.size()) Grow(slots_.empty() ? 1024 : slots_.size() * 2);
    Text16 padded(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.node == 0) {
        s.node = node;
        s.size = static_cast<uint32_t>(key.size());
        s.tag = static_cast<uint32_t>(h >> 32);
        if (key.size() <= sizeof s.text) {
          std::memcpy(s.text, key.data(), key.size());
        } else {
          uint64_t offset = arena_.size();
          std::memcpy(s.text, &offset, sizeof offset);
          arena_.append(key);
        }
        ++used_;
        return true;
      }
      if (Matches(s, h, key, padded)) return false;
    }
  }

 private:
  // A short id zero-padded to the size of a slot's text, compared with it
  // as two words: the slot's cache line is all a lookup reads.
  struct Text16 {
    uint64_t w[2] = {0, 0};
    explicit Text16(std::string_view key) {
      if (key.size() <= sizeof w) std::memcpy(w, key.data(), key.size());
    }
    bool Equals(const char* text) const {
      uint64_t t[2];
      std::memcpy(t, text, sizeof t);
      return ((t[0] ^ w[0]) | (t[1] ^ w[1])) == 0;
    }
  };
  struct alignas(32) Slot {
    NodeId node = 0;
    uint32_t size = 0;
    uint32_t tag = 0;  // the hash's high half
    char text[16] = {};  // the id, or its arena offset when longer
  };
  std::string_view Text(const Slot& s) const {
    if (s.size <= sizeof s.text) return std::string_view(s.text, s.size);
    uint64_t offset;
    std::memcpy(&offset, s.text, sizeof offset);
    return std::string_view(arena_.data() + offset, s.size);
  }
  // padded: key as a Text16.
  bool Matches(const Slot& s, uint64_t h, std::string_view key, const Text16& padded) const {
    return s.tag == static_cast<uint32_t>(h >> 32) && s.size == key.size() &&
           (key.size() <= sizeof s.text ? padded.Equals(s.text) : Text(s) == key);
  }
  // size: a power of two.
  void Grow(size_t size) {
    std::vector<Slot, HugePageAllocator<Slot>> old = std::move(slots_);
    slots_.assign(size, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.node == 0) continue;
      size_t i = Hash(Text(s)) & mask_;
      while (slots_[i].node != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  size_t mask_ = 0;
  std::string arena_;
  size_t used_ = 0;
};

class Importer {
 public:
  Importer(GraphSink& sink, const LoadOptions& options, LoadStats* stats, uint64_t total_bytes)
      : sink_(sink), options_(options), stats_(stats), total_bytes_(total_bytes) {}

  // Node files first, then relationship files, as their headers (or kinds) say.
  Status Csv(const std::vector<LoadFile>& files);
  Status Jsonl(const LoadFile& file);

 private:
  // A bad row: fails the load, or (max_bad > 0) is written to the rejects
  // file, failing the load only once more than max_bad were rejected.
  Status Bad(const Status& reason, const std::string& row);
  void Progress(uint64_t bytes_in_file, bool force = false);

  // Sink ids of label sets (a :LABEL field as written) and types, by name.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;
  Result<const std::vector<uint32_t>*> LabelSet(std::string_view field);
  Result<uint32_t> Type(std::string_view name);

  GraphSink& sink_;
  NameMap<std::vector<uint32_t>> label_sets_;
  NameMap<uint32_t> types_;
  const std::pair<const std::string, uint32_t>* last_type_ = nullptr;  // the type of the row before
  const LoadOptions& options_;
  LoadStats* stats_;
  uint64_t total_bytes_;
  uint64_t bytes_before_file_ = 0;  // bytes of the files already done
  std::ofstream rejects_;
  // id space -> file id -> node (CSV); JSONL ids live in their own space.
  std::unordered_map<std::string, IdMap> ids_;
};

}  // namespace kg::graph
