#include "graph/bulk_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <thread>

#include "graph/batch_pipe.h"
#include "graph/huge_pages.h"
#include "storage/sst_writer.h"

namespace kg::graph {

using storage::CounterKind;
using storage::DictKind;
using storage::Keyspace;
namespace key = storage::key;


// One direction of adjacency (out: anchored at the start node; in: at the
// end node) as a sorted view of the load's relationships. Sorting compares
// integers, not bytes (the big-endian key layout sorts the same way). The
// nodes and edges of a load have ids in narrow ranges, so a view's entries
// usually pack into one 64-bit integer each, which sorts several times
// faster than the fields.
class BulkWriter::AdjacencyRun {
 public:
  AdjacencyRun(Keyspace ks, std::string name, int max_packed_bits, bool reverse)
      : ks_(ks), name_(std::move(name)), max_packed_bits_(max_packed_bits), reverse_(reverse) {}

  Keyspace keyspace() const { return ks_; }

  // Copies this direction of rels into memory, to be sorted by Sort. Only
  // reads rels, so both directions may pack the same list at once.
  void Pack(const Relationships& rels) {
    Clear();
    if (rels.empty()) return;
    count_ += rels.size();
    uint64_t node_lo = UINT64_MAX, node_hi = 0, edge_lo = UINT64_MAX, edge_hi = 0;
    uint32_t type_hi = 0;
    bool edge_order = true;  // relationships come in edge id order, as a load adds them
    for (const Relationship& r : rels) {
      node_lo = std::min({node_lo, r.from, r.to});
      node_hi = std::max({node_hi, r.from, r.to});
      edge_order &= r.edge > edge_hi || edge_lo == UINT64_MAX;
      edge_lo = std::min(edge_lo, r.edge);
      edge_hi = std::max(edge_hi, r.edge);
      type_hi = std::max(type_hi, r.type);
    }
    Packing p{node_lo, edge_lo, static_cast<int>(std::bit_width(type_hi)),
              static_cast<int>(std::bit_width(node_hi - node_lo)), static_cast<int>(std::bit_width(edge_hi - edge_lo))};
    int bits = p.type_bits + 2 * p.node_bits + p.edge_bits;
    if (bits > max_packed_bits_) {
      entries_.reserve(rels.size());
      for (const Relationship& r : rels) entries_.push_back(EntryOf(r));
      return;
    }
    packing_ = p;
    // The sort is stable, so entries already in edge order need sorting by
    // the fields above the edge id only.
    sort_from_ = edge_order ? p.edge_bits : 0;
    sort_to_ = bits;
    packed_.reserve(rels.size());
    for (const Relationship& r : rels) packed_.push_back(p.Pack(EntryOf(r)));
  }
  // Sorts what Pack copied, using scratch, room for as many keys as the
  // relationships it packed.
  void Sort(uint64_t* scratch) {
    if (packed_.empty()) {
      std::sort(entries_.begin(), entries_.end());
      return;
    }
    RadixSort(packed_.data(), scratch, packed_.size(), sort_from_, sort_to_);
  }

  // Writes what Sort sorted to a run file in dir.
  Status Spill(const std::string& dir) {
    if (sorted_size() == 0) return Status::OK();
    std::string path = dir + "/" + name_ + "." + std::to_string(files_.size()) + ".run";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::vector<Entry> buffer;
    for (size_t i = 0; i < sorted_size(); ++i) {
      buffer.push_back(Sorted(i));
      if (buffer.size() == 4096 || i + 1 == sorted_size()) {
        out.write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(buffer.size() * sizeof(Entry)));
        buffer.clear();
      }
    }
    if (!out) return Status::IOError(path + ": writing a sorted run failed");
    files_.push_back(path);
    Clear();
    return Status::OK();
  }

  // Merges the spilled runs and what Sort sorted last into one sorted file
  // for ingestion; *path is empty when there is nothing.
  Status Write(const storage::Store& store, const std::string& dir, std::string* path) {
    path->clear();
    if (count_ == 0) return Status::OK();
    *path = dir + "/" + name_ + ".sst";
    storage::SstWriter writer(store, keyspace(), *path);
    if (Status s = writer.Open(); !s.ok()) return s;
    // Entries of one anchor and type go out together as a block, or as a
    // key of their own when alone; keys and values are built in place.
    char key_buf[key::kAdjacencyBlockKeySize];
    char value[key::kAdjacencyBlockEntries * key::kMaxAdjacencyBlockEntryBytes];
    char* value_end = value;
    key::AdjacencyEntry first{}, last{};
    size_t gathered = 0;  // entries of the block so far
    auto flush = [&] {
      std::string_view k = key::AdjacencyKey(first, gathered > 1, key_buf);
      std::string_view v(value, static_cast<size_t>(value_end - value));
      gathered = 0;
      value_end = value;
      return writer.Put(k, v);
    };
    auto put = [&](const Entry& e) {
      key::AdjacencyEntry next{e.anchor, e.type, e.neighbor, e.edge};
      if (gathered > 0 && (gathered == key::kAdjacencyBlockEntries || next.anchor != first.anchor || next.type != first.type))
        if (Status s = flush(); !s.ok()) return s;
      if (gathered++ == 0) first = next;
      else value_end = key::EncodeAdjacencyBlockEntry(value_end, last, next);
      last = next;
      return Status::OK();
    };
    if (files_.empty()) {
      for (size_t i = 0; i < sorted_size(); ++i)
        if (Status s = put(Sorted(i)); !s.ok()) return s;
    } else {
      // Each spilled run is read back through a small buffer; memory is the last run.
      struct Source {
        std::ifstream in;
        Entry current;
        bool Next() { return static_cast<bool>(in.read(reinterpret_cast<char*>(&current), sizeof current)); }
      };
      std::vector<std::unique_ptr<Source>> sources;
      for (const std::string& f : files_) {
        auto s = std::make_unique<Source>();
        s->in.open(f, std::ios::binary);
        if (s->Next()) sources.push_back(std::move(s));
      }
      size_t memory_at = 0;
      Entry memory{};
      if (sorted_size() > 0) memory = Sorted(0);
      auto entry_of = [&](size_t i) -> const Entry& { return i < sources.size() ? sources[i]->current : memory; };
      auto greater = [&](size_t a, size_t b) { return entry_of(b) < entry_of(a); };
      std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
      for (size_t i = 0; i < sources.size(); ++i) heap.push(i);
      if (sorted_size() > 0) heap.push(sources.size());
      while (!heap.empty()) {
        size_t i = heap.top();
        heap.pop();
        if (Status s = put(entry_of(i)); !s.ok()) return s;
        if (i < sources.size()) {
          if (sources[i]->Next()) heap.push(i);
        } else if (++memory_at < sorted_size()) {
          memory = Sorted(memory_at);
          heap.push(i);
        }
      }
    }
    if (gathered > 0)
      if (Status s = flush(); !s.ok()) return s;
    Clear();
    return writer.Finish();
  }

 private:
  struct Entry {
    uint64_t anchor, neighbor, edge;
    uint32_t type;
    bool operator<(const Entry& o) const {
      if (anchor != o.anchor) return anchor < o.anchor;
      if (type != o.type) return type < o.type;
      if (neighbor != o.neighbor) return neighbor < o.neighbor;
      return edge < o.edge;
    }
  };
  // anchor, type, neighbor and edge, each less its run's smallest, in bit
  // fields from the most significant down: integer order is key order.
  struct Packing {
    uint64_t node_base = 0, edge_base = 0;
    int type_bits = 0, node_bits = 0, edge_bits = 0;
    uint64_t Pack(const Entry& e) const {
      uint64_t k = e.anchor - node_base;
      k = k << type_bits | e.type;
      k = k << node_bits | (e.neighbor - node_base);
      return k << edge_bits | (e.edge - edge_base);
    }
    Entry Unpack(uint64_t k) const {
      Entry e;
      e.edge = (k & ((uint64_t{1} << edge_bits) - 1)) + edge_base;
      k >>= edge_bits;
      e.neighbor = (k & ((uint64_t{1} << node_bits) - 1)) + node_base;
      k >>= node_bits;
      e.type = static_cast<uint32_t>(k & ((uint64_t{1} << type_bits) - 1));
      e.anchor = (k >> type_bits) + node_base;
      return e;
    }
  };

  // Least significant digit first over bits [from, to), in as few passes
  // of at most 13 bits as cover them, between keys and scratch (the
  // sorted keys end in keys). Stable.
  static void RadixSort(uint64_t* keys, uint64_t* scratch, size_t n, int from, int to) {
    constexpr int kMaxDigit = 13;
    if (to <= from) return;
    int passes = (to - from + kMaxDigit - 1) / kMaxDigit;
    int digit = (to - from + passes - 1) / passes;
    std::vector<size_t> at(size_t{1} << digit);
    const uint64_t mask = (uint64_t{1} << digit) - 1;
    uint64_t *in = keys, *out = scratch;
    for (int shift = from; shift < to; shift += digit) {
      std::fill(at.begin(), at.end(), 0);
      for (size_t i = 0; i < n; ++i) ++at[(in[i] >> shift) & mask];
      size_t sum = 0;
      for (size_t& a : at) sum += std::exchange(a, sum);
      for (size_t i = 0; i < n; ++i) std::construct_at(&out[at[(in[i] >> shift) & mask]++], in[i]);
      std::swap(in, out);
    }
    if (in != keys) std::memcpy(keys, in, n * sizeof(uint64_t));
  }
  Entry EntryOf(const Relationship& r) const {
    return reverse_ ? Entry{r.to, r.from, r.edge, r.type} : Entry{r.from, r.to, r.edge, r.type};
  }
  size_t sorted_size() const { return packed_.empty() ? entries_.size() : packed_.size(); }
  Entry Sorted(size_t i) const { return packed_.empty() ? entries_[i] : packing_.Unpack(packed_[i]); }
  void Clear() {
    entries_.clear();
    entries_.shrink_to_fit();
    packed_.clear();
    packed_.shrink_to_fit();
  }

  Keyspace ks_;
  std::string name_;
  int max_packed_bits_;
  bool reverse_;  // anchored at the end node
  std::vector<Entry, HugePageAllocator<Entry>> entries_;  // sorted, when the view does not pack
  std::vector<uint64_t, HugePageAllocator<uint64_t>> packed_;  // sorted, when it packs
  Packing packing_;
  int sort_from_ = 0, sort_to_ = 0;  // the bits of the packed keys to sort by
  std::vector<std::string> files_;
  uint64_t count_ = 0;
};

// Node or relationship records, in id order, into a sorted file built on a
// thread of its own: Put only copies the record into a batch, so table
// building and compression overlap with whatever calls Put. Relationship
// records go in blocks (see key_codec.h): a key per record costs the table
// builder more than the record itself.
class BulkWriter::RecordFile {
 public:
  RecordFile(const storage::Store& store, Keyspace ks, std::string path, bool blocks)
      : writer_(store, ks, std::move(path), /*new_ids=*/true), blocks_(blocks) {}

  Status Open() {
    if (Status s = writer_.Open(); !s.ok()) return s;
    pipe_.emplace([this](Batch& b) { return Write(b); });
    return Status::OK();
  }
  const std::string& path() const { return writer_.path(); }
  bool empty() const { return count_ == 0; }

  // The first error of the building thread, if any. REQUIRES: Open succeeded.
  Status Put(uint64_t id, std::string_view record) {
    Batch& b = pipe_->batch();
    b.ids.push_back(id);
    b.bytes.append(record);
    b.ends.push_back(b.bytes.size());
    ++count_;
    return b.bytes.size() >= kBatchBytes ? pipe_->Hand() : Status::OK();
  }
  Status Finish() {
    Status s = pipe_ ? pipe_->Close() : Status::OK();
    if (s.ok() && count_ > 0) s = writer_.Finish();
    return s;
  }

 private:
  static constexpr size_t kBatchBytes = 1 << 20;
  struct Batch {
    std::vector<uint64_t> ids;
    std::vector<size_t> ends;
    std::string bytes;
    bool empty() const { return ids.empty(); }
    void clear() {
      ids.clear();
      ends.clear();
      bytes.clear();
    }
  };
  Status Write(const Batch& b) {
    if (blocks_) return WriteBlocks(b);
    char buf[8];
    for (size_t i = 0, begin = 0; i < b.ids.size(); begin = b.ends[i++]) {
      std::string_view k = key::RecordKey(b.ids[i], buf);
      std::string_view record(b.bytes.data() + begin, b.ends[i] - begin);
      if (Status s = writer_.Put(k, record); !s.ok()) return s;
    }
    return Status::OK();
  }
  // A block holds consecutive ids only: ids a transaction took meanwhile
  // (between the load's allocations) never fall inside one.
  Status WriteBlocks(const Batch& b) {
    for (size_t i = 0; i < b.ids.size();) {
      block_.clear();
      for (size_t begin = i == 0 ? 0 : b.ends[i - 1];
           i < b.ids.size() && block_.size() < key::kEdgeBlockEntries && (block_.empty() || b.ids[i] == block_.back().id + 1);
           begin = b.ends[i++])
        block_.push_back({b.ids[i], std::string_view(b.bytes.data() + begin, b.ends[i] - begin)});
      value_.clear();
      std::string k = key::EncodeEdgeBlock(block_, &value_);
      if (Status s = writer_.Put(k, value_); !s.ok()) return s;
    }
    return Status::OK();
  }

  storage::SstWriter writer_;
  bool blocks_;
  std::vector<key::EdgeBlockEntry> block_;  // the block being written
  std::string value_;
  uint64_t count_ = 0;
  std::optional<BatchPipe<Batch>> pipe_;  // last: its thread uses the members above
};

BulkWriter::BulkWriter(std::shared_ptr<storage::Store> store, size_t memory_budget, int max_packed_bits)
    : store_(std::move(store)),
      budget_(memory_budget != 0 ? memory_budget : store_->options().sort_memory_bytes),
      max_packed_bits_(std::min(max_packed_bits, 63)) {
  started_ = Start();
}

BulkWriter::~BulkWriter() {
  nodes_.reset();
  edges_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Status BulkWriter::Start() {
  if (store_->read_only()) return Status::ReadOnly("the database is open read-only");
  txn_ = std::make_unique<Transaction::Impl>(store_, false);
  catalog_version_ = txn_->kv().catalog_version();
  dir_ = store_->BulkDirectory();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError(dir_ + ": " + ec.message());
  out_ = std::make_unique<AdjacencyRun>(Keyspace::kOut, "out", max_packed_bits_, /*reverse=*/false);
  in_ = std::make_unique<AdjacencyRun>(Keyspace::kIn, "in", max_packed_bits_, /*reverse=*/true);
  labels_ = std::make_unique<SortedKeys>(dir_, "labels");
  index_ = std::make_unique<SortedKeys>(dir_, "index");
  nodes_ = std::make_unique<RecordFile>(*store_, Keyspace::kNodes, dir_ + "/nodes.sst", /*blocks=*/false);
  edges_ = std::make_unique<RecordFile>(*store_, Keyspace::kEdges, dir_ + "/edges.sst", /*blocks=*/true);
  if (Status s = nodes_->Open(); !s.ok()) return s;
  return edges_->Open();
}

Status BulkWriter::Spill() {
  size_t bytes = relationships_.size() * sizeof(Relationship) + labels_->bytes() + index_->bytes();
  if (bytes < budget_) return Status::OK();
  ++spills_;
  if (Status s = TakeAdjacency([&](AdjacencyRun* run) { return run->Spill(dir_); }); !s.ok()) return s;
  relationships_.clear();  // keeps its memory for the next run
  for (SortedKeys* r : {labels_.get(), index_.get()})
    if (Status s = r->Spill(); !s.ok()) return s;
  return Status::OK();
}

Status BulkWriter::TakeAdjacency(const std::function<Status(AdjacencyRun*)>& then) {
  // Both directions copy the list out at once (they only read it), the
  // incoming one on a second thread. The list is then done with, and its
  // memory, already paged in, is the scratch space of both sorts (each
  // relationship leaves room for a key of each direction): fresh pages
  // cost more than the sorting itself on some machines.
  static_assert(sizeof(Relationship) >= 2 * sizeof(uint64_t));
  auto* room = reinterpret_cast<uint64_t*>(relationships_.data());
  const size_t n = relationships_.size();
  std::latch packed(2);
  Status in_status;
  std::thread in([&] {
    in_->Pack(relationships_);
    packed.arrive_and_wait();
    in_->Sort(room + n);
    in_status = then(in_.get());
  });
  out_->Pack(relationships_);
  packed.arrive_and_wait();
  out_->Sort(room);
  Status s = then(out_.get());
  in.join();
  return s.ok() ? in_status : s;
}

Result<uint32_t> BulkWriter::Intern(DictKind kind, std::string_view name) {
  for (const auto& [k, n, id] : names_)
    if (k == kind && n == name) return id;
  auto id = kind == DictKind::kLabel ? txn_->InternLabel(name)
            : kind == DictKind::kEdgeType ? txn_->InternType(name)
                                          : txn_->InternKey(name);
  if (!id.ok()) return id.status();
  if (names_.size() < 256) names_.emplace_back(kind, std::string(name), *id);
  return *id;
}

const std::vector<const storage::IndexRecord*>& BulkWriter::IndexesOf(uint32_t label) {
  if (label >= label_indexes_.size()) label_indexes_.resize(label + 1);
  auto& indexes = label_indexes_[label];
  if (!indexes) indexes = txn_->kv().catalog().ForLabels({label});
  return *indexes;
}

namespace {

void Count(std::vector<int64_t>* counts, uint32_t id) {
  if (id >= counts->size()) counts->resize(id + 1);
  ++(*counts)[id];
}

}  // namespace

Result<NodeId> BulkWriter::AddNode(std::span<const uint32_t> labels, storage::PropertySpan props) {
  if (!started_.ok()) return started_;
  // Unique constraints, before anything is written for this node.
  std::vector<std::pair<const storage::IndexRecord*, const Value*>> entries;
  for (uint32_t label : labels)
    for (const storage::IndexRecord* index : IndexesOf(label))
      if (const Value* v = storage::FindProperty(props, index->property_key)) entries.emplace_back(index, v);
  for (const auto& entry : entries) {
    const storage::IndexRecord* index = entry.first;
    const Value* v = entry.second;
    if (!index->unique) continue;
    std::string prefix = key::IndexValuePrefix(index->id, *v);
    auto describe = [&] {
      return " already has label " + store_->Name(DictKind::kLabel, index->label) + " and property " +
             store_->Name(DictKind::kPropertyKey, index->property_key) + " = " + v->ToString() + " (constraint " +
             index->name + ")";
    };
    if (unique_values_[index->id].count(prefix)) return Status::ConstraintViolation("another node of this load" + describe());
    NodeId other = 0;
    Status s = txn_->kv().ScanPrefix(Keyspace::kIndex, prefix, [&](std::string_view k, std::string_view) {
      other = key::NodeOfIndexEntry(k);
      return false;
    });
    if (!s.ok()) return s;
    if (other) return Status::ConstraintViolation("node " + std::to_string(other) + describe());
  }
  auto id = store_->AllocateNodeId();
  if (!id.ok()) return id.status();
  for (const auto& entry : entries) {
    const storage::IndexRecord* index = entry.first;
    const Value* v = entry.second;
    Status s = index_->AddWith([&](std::string* out) { key::AppendIndexEntry(out, index->id, *v, *id); });
    if (!s.ok()) return s;
    if (index->unique) {
      unique_values_[index->id].insert(key::IndexValuePrefix(index->id, *v));
      publish_.push_back(conflict::Unique(*index, *v));
    }
  }
  if (Status s = AddText(false, *id, labels, props); !s.ok()) return s;
  for (uint32_t label : labels) {
    if (Status s = labels_->Add(key::Label(label, *id)); !s.ok()) return s;
    Count(&label_counts_, label);
  }
  record_.clear();
  storage::AppendNodeRecord(&record_, labels, props);
  if (Status s = nodes_->Put(*id, record_); !s.ok()) return s;
  if (node_count_++ == 0) first_node_ = *id;
  last_node_ = *id;
  if (Status s = Spill(); !s.ok()) return s;
  return *id;
}

Status BulkWriter::AddText(bool relationships, uint64_t element, std::span<const uint32_t> labels,
                           storage::PropertySpan props) {
  for (const storage::IndexRecord& index : txn_->kv().catalog().indexes) {
    if (!index.fulltext || index.relationships != relationships || !TextIndexCovers(index, labels)) continue;
    fulltext::Document doc = TextDocument(index, props);
    Status s;
    ForEachTextPosting(index, element, doc, [&](std::string_view k) {
      if (s.ok()) s = index_->Add(k);
    });
    if (!s.ok()) return s;
    for (const fulltext::FieldTerm& t : doc.terms) ++text_terms_[key::TextTermCounter(index.id, t.field, t.term)];
    for (size_t f = 0; f < doc.lengths.size(); ++f)
      if (doc.lengths[f] > 0) {
        auto& [docs, length] = text_stats_[key::TextFieldCounter(index.id, static_cast<uint8_t>(f))];
        ++docs;
        length += doc.lengths[f];
      }
  }
  return Status::OK();
}

Result<EdgeId> BulkWriter::AddEdge(NodeId from, uint32_t type, NodeId to, storage::PropertySpan props) {
  if (!started_.ok()) return started_;
  for (NodeId end : {from, to})
    if (node_count_ == 0 || end < first_node_ || end > last_node_)
      return Status::InvalidArgument("a bulk load links only nodes it creates; node " + std::to_string(end) + " is not one");
  // Room for as many as the budget allows (pages are only touched as the
  // list fills), so that it never moves as it grows.
  if (edge_count_ == 0) relationships_.reserve(budget_ / sizeof(Relationship));
  if (next_edge_ == end_edge_) {
    constexpr uint64_t kBlock = 4096;
    auto first = store_->AllocateEdgeIds(kBlock);
    if (!first.ok()) return first.status();
    next_edge_ = *first;
    end_edge_ = *first + kBlock;
  }
  auto id = next_edge_++;
  if (Status s = AddText(true, id, std::span<const uint32_t>(&type, 1), props); !s.ok()) return s;
  record_.clear();
  storage::AppendEdgeRecord(&record_, type, from, to, props);
  if (Status s = edges_->Put(id, record_); !s.ok()) return s;
  relationships_.push_back({from, to, id, type});
  if (edge_count_++ == 0) first_edge_ = id;
  last_edge_ = id;
  Count(&type_counts_, type);
  if (Status s = Spill(); !s.ok()) return s;
  return id;
}

Status BulkWriter::Finish() {
  if (!started_.ok()) return started_;
  if (finished_) return Status::InvalidArgument("the bulk load is already finished");
  finished_ = true;
  // The two directions of adjacency are sorted and written on two threads,
  // while a third writes the label and index keys and then waits for the
  // record files' threads to write what they were handed last and for
  // their files to reach the disk.
  std::string in_path, out_path, labels_path, index_path;
  Status side_status;
  std::thread side([&] {
    for (auto [ks, keys, path] : {std::tuple{Keyspace::kLabels, labels_.get(), &labels_path},
                                  std::tuple{Keyspace::kIndex, index_.get(), &index_path}}) {
      SortedKeys* parts[] = {keys};
      bool written = false;
      *path = dir_ + (ks == Keyspace::kLabels ? "/labels.sst" : "/index.sst");
      storage::SstWriter writer(*store_, ks, *path);
      side_status = SortedKeys::WriteFile(parts, writer, &written);
      if (!written) path->clear();
      if (!side_status.ok()) break;
    }
    for (RecordFile* file : {nodes_.get(), edges_.get()})
      if (Status f = file->Finish(); side_status.ok()) side_status = f;
  });
  Status s = TakeAdjacency([&](AdjacencyRun* run) {
    return run->Write(*store_, dir_, run == in_.get() ? &in_path : &out_path);
  });
  side.join();
  if (s.ok()) s = side_status;
  Relationships().swap(relationships_);  // frees its memory
  std::vector<storage::Store::IngestFile> files;
  for (auto [ks, file] : {std::pair{Keyspace::kNodes, nodes_.get()}, std::pair{Keyspace::kEdges, edges_.get()}})
    if (!file->empty()) files.push_back({ks, file->path()});
  nodes_.reset();
  edges_.reset();
  if (!s.ok()) return s;
  for (auto [ks, path] : {std::pair{Keyspace::kOut, out_path}, std::pair{Keyspace::kIn, in_path},
                          std::pair{Keyspace::kLabels, labels_path}, std::pair{Keyspace::kIndex, index_path}})
    if (!path.empty()) files.push_back({ks, path});
  txn_.reset();  // its snapshot is no longer needed
  std::string meta_path = dir_ + "/meta.sst";
  auto prepare = [&](const storage::StoreTransaction& latest, std::vector<storage::Store::IngestFile>* all) -> Status {
    // Unique values again, now against everything committed meanwhile.
    for (const auto& [index, prefixes] : unique_values_)
      for (const std::string& prefix : prefixes) {
        NodeId taken = 0;
        Status s = latest.ScanPrefix(Keyspace::kIndex, prefix, [&](std::string_view k, std::string_view) {
          taken = key::NodeOfIndexEntry(k);
          return false;
        });
        if (!s.ok()) return s;
        if (taken != 0)
          return Status::ConstraintViolation("a transaction committed during the load gave node " +
                                             std::to_string(taken) + " a value this load also gives (unique index " +
                                             std::to_string(index) + ")");
      }
    // Counters: the committed value plus this load's, written whole (no
    // commit can come between the read and the ingestion: the lock is held).
    std::map<std::string, int64_t> deltas;
    if (node_count_) deltas[key::Counter(CounterKind::kNodes, 0)] = node_count_;
    if (edge_count_) deltas[key::Counter(CounterKind::kEdges, 0)] = edge_count_;
    for (uint32_t label = 0; label < label_counts_.size(); ++label)
      if (label_counts_[label]) deltas[key::Counter(CounterKind::kLabel, label)] = label_counts_[label];
    for (uint32_t type = 0; type < type_counts_.size(); ++type)
      if (type_counts_[type]) deltas[key::Counter(CounterKind::kEdgeType, type)] = type_counts_[type];
    for (const auto& [k, n] : text_terms_) deltas[k] = n;
    for (const auto& [id, stats] : text_stats_) {
      deltas[key::Counter(CounterKind::kTextDocs, id)] = stats.first;
      deltas[key::Counter(CounterKind::kTextLength, id)] = stats.second;
    }
    std::map<std::string, std::string> values;
    for (const auto& [k, delta] : deltas) {
      std::string current;
      int64_t n = 0;
      Status s = latest.Get(Keyspace::kMeta, k, &current);
      if (s.ok() && current.size() == 8) n = key::GetI64(current.data());
      else if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      std::string v;
      key::PutI64(&v, n + delta);
      values[k] = std::move(v);
    }
    // The nodes whose relationships may sit in adjacency blocks, and the
    // relationships whose records may sit in blocks.
    if (edge_count_) {
      store_->NoteBlockRange(first_node_, last_node_);
      store_->NoteEdgeBlockRange(first_edge_, last_edge_);
      std::string v;
      key::PutU64(&v, last_node_);
      values[key::BlockRange(first_node_)] = std::move(v);
      v.clear();
      key::PutU64(&v, last_edge_);
      values[key::EdgeBlockRange(first_edge_)] = std::move(v);
    }
    if (values.empty()) return Status::OK();
    std::vector<std::string_view> keys, vals;
    for (const auto& [k, v] : values) {
      keys.push_back(k);
      vals.push_back(v);
    }
    if (Status s = store_->WriteSortedFile(Keyspace::kMeta, keys, vals, meta_path); !s.ok()) return s;
    all->push_back({Keyspace::kMeta, meta_path});
    return Status::OK();
  };
  return store_->Ingest(catalog_version_, std::move(files), prepare, publish_);
}

}  // namespace kg::graph
