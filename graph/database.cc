#include "kg/database.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/transaction_impl.h"

namespace kg {

using storage::DictKind;
using storage::IndexCatalog;
using storage::IndexRecord;
using storage::Keyspace;
using storage::NodeRecord;
using storage::StoreTransaction;
namespace key = storage::key;

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const Options& options) {
  if (path.empty()) return Status::InvalidArgument("the database path is empty");
  auto store = storage::Store::Open(path, options);
  if (!store.ok()) return store.status();
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

const std::string& Database::path() const { return impl_->store->path(); }
bool Database::read_only() const { return impl_->store->read_only(); }

Result<Transaction> Database::Begin(const TransactionOptions& options) const {
  return internal::Access::Wrap(std::make_shared<Transaction::Impl>(impl_->store, options.read_only));
}

namespace {

// An index of at least this many entries is written as a sorted file and
// ingested, rather than committed through a write batch and the memtable.
constexpr size_t kIngestIndexFrom = 10000;
// A full scan of at least this many nodes is split between two threads.
constexpr int64_t kSplitScanFrom = 50000;

// Keys of a new index, appended to one buffer (a key each would be an
// allocation each).
class IndexKeys {
 public:
  void Add(uint32_t index_id, const Value& value, NodeId node) {
    key::AppendIndexEntry(&bytes_, index_id, value, node);
    ends_.push_back(bytes_.size());
  }
  size_t size() const { return ends_.size(); }
  void AppendTo(std::vector<std::string_view>* keys) const {
    for (size_t i = 0, begin = 0; i < ends_.size(); begin = ends_[i++])
      keys->emplace_back(bytes_.data() + begin, ends_[i] - begin);
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
};

// Adds the index keys of the nodes it is shown, one record at a time.
// Records are only peeked at for the label and the one property.
class IndexBuilder {
 public:
  IndexBuilder(const IndexRecord& index, const storage::Store& store) : index_(index), store_(store) {}

  Status Add(NodeId id, std::string_view bytes) {
    if (!storage::PeekNodeRecord(bytes, index_.label, index_.property_key, &has_label_, &value_)) {
      NodeRecord record;  // for the error
      Status s = storage::DecodeRecord(bytes, &record, "node " + std::to_string(id));
      return s.ok() ? Status::Corruption("node " + std::to_string(id) + " is damaged") : s;
    }
    if (!has_label_ || !value_) return Status::OK();
    if (index_.unique) {
      // The key less the node id is the encoded value.
      std::string value_key = key::IndexValuePrefix(index_.id, *value_);
      auto [pos, inserted] = seen_.emplace(std::move(value_key), id);
      if (!inserted)
        return Status::ConstraintViolation(
            "cannot create constraint " + index_.name + ": nodes " + std::to_string(pos->second) + " and " +
            std::to_string(id) + " both have label " + store_.Name(DictKind::kLabel, index_.label) +
            " and property " + store_.Name(DictKind::kPropertyKey, index_.property_key) + " = " + value_->ToString());
    }
    keys_.Add(index_.id, *value_, id);
    return Status::OK();
  }
  // Every node of the family from it (positioned) to the end, or up to
  // the key end when it is not empty.
  Status Scan(rocksdb::Iterator* it, std::string_view end) {
    for (; it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      if (!end.empty() && k >= end) break;
      if (Status s = Add(key::NodeOf(k), std::string_view(it->value().data(), it->value().size())); !s.ok()) return s;
    }
    return storage::FromRocks(it->status(), "node scan");
  }
  const IndexKeys& keys() const { return keys_; }

 private:
  IndexRecord index_;  // a copy: the caller moves its own into the catalog while the keys live on
  const storage::Store& store_;
  IndexKeys keys_;
  std::unordered_map<std::string, NodeId> seen_;  // encoded value -> node, for unique
  bool has_label_ = false;
  std::optional<Value> value_;
};

// The keys of a new index, sorted: every node that has its label and the
// property, read in the catalog change's own transaction. *parts hold the
// bytes *keys point into.
Status BuildIndex(StoreTransaction& txn, const IndexRecord& index, const storage::Store& store,
                  std::vector<std::unique_ptr<IndexBuilder>>* parts, std::vector<std::string_view>* keys) {
  auto with_label = txn.Counter(storage::CounterKind::kLabel, index.label);
  auto all = txn.Counter(storage::CounterKind::kNodes, 0);
  if (!with_label.ok()) return with_label.status();
  if (!all.ok()) return all.status();
  auto nodes = txn.NewIterator(Keyspace::kNodes);
  auto finish = [&]() {
    size_t n = 0;
    for (const auto& p : *parts) n += p->keys().size();
    keys->reserve(n);
    for (const auto& p : *parts) p->keys().AppendTo(keys);
    // Values often grow with the node ids (ids given in order): then the
    // keys come sorted already.
    if (!std::is_sorted(keys->begin(), keys->end())) std::sort(keys->begin(), keys->end());
    return Status::OK();
  };
  // A label most nodes have: one pass over the node family; a large one
  // (of an index, not a unique constraint, whose values must be compared
  // across the whole family) in two halves by node id, on two threads.
  if (*with_label * 4 >= *all) {
    nodes->SeekToFirst();
    if (!nodes->Valid()) return storage::FromRocks(nodes->status(), "node scan");
    parts->push_back(std::make_unique<IndexBuilder>(index, store));
    if (index.unique || *all < kSplitScanFrom) {
      if (Status s = parts->back()->Scan(nodes.get(), {}); !s.ok()) return s;
      return finish();
    }
    auto second = txn.NewIterator(Keyspace::kNodes);
    second->SeekToLast();
    if (!second->Valid()) return storage::FromRocks(second->status(), "node scan");
    NodeId first_id = key::NodeOf(std::string_view(nodes->key().data(), nodes->key().size()));
    NodeId last_id = key::NodeOf(std::string_view(second->key().data(), second->key().size()));
    std::string middle = key::Node(first_id + (last_id - first_id) / 2);
    second->Seek(middle);
    parts->push_back(std::make_unique<IndexBuilder>(index, store));
    Status second_status;
    std::thread half([&] { second_status = (*parts)[1]->Scan(second.get(), {}); });
    Status s = (*parts)[0]->Scan(nodes.get(), middle);
    half.join();
    if (!s.ok()) return s;
    if (!second_status.ok()) return second_status;
    return finish();
  }
  // Otherwise its nodes come from the label family in id order, and one
  // forward pass over the node family reads them, stepping when the next
  // is near and seeking when it is far.
  parts->push_back(std::make_unique<IndexBuilder>(index, store));
  IndexBuilder& builder = *parts->back();
  auto labels = txn.NewIterator(Keyspace::kLabels);
  std::string prefix = key::LabelPrefix(index.label);
  for (labels->Seek(prefix); labels->Valid() && labels->key().starts_with(prefix); labels->Next()) {
    NodeId id = key::NodeOfLabelKey(std::string_view(labels->key().data(), labels->key().size()));
    std::string node_key = key::Node(id);
    rocksdb::Slice target(node_key);
    int steps = 0;
    while (nodes->Valid() && nodes->key().compare(target) < 0 && steps++ < 8) nodes->Next();
    if (!nodes->Valid() || nodes->key().compare(target) < 0) nodes->Seek(target);
    if (!nodes->Valid() || nodes->key() != target) {
      if (!nodes->status().ok()) return storage::FromRocks(nodes->status(), "node scan");
      return Status::Corruption("label index names node " + std::to_string(id) + " which is missing");
    }
    if (Status s = builder.Add(id, std::string_view(nodes->value().data(), nodes->value().size())); !s.ok())
      return s;
  }
  if (!labels->status().ok()) return storage::FromRocks(labels->status(), "label scan");
  return finish();
}

}  // namespace

Status Database::CreateIndex(const IndexSpec& spec) {
  if (spec.label.empty() || spec.property.empty())
    return Status::InvalidArgument("an index needs a label and a property");
  storage::Store& store = *impl_->store;
  if (store.read_only()) return Status::ReadOnly("the database is open read-only");
  auto label = store.Intern(DictKind::kLabel, spec.label);
  if (!label.ok()) return label.status();
  auto property = store.Intern(DictKind::kPropertyKey, spec.property);
  if (!property.ok()) return property.status();
  std::string what = spec.unique ? "constraint" : "index";
  std::string name = spec.name.empty()
                         ? (spec.unique ? "constraint_" : "index_") + spec.label + "_" + spec.property
                         : spec.name;
  std::string dir;  // the sorted files of a large index
  Status status = store.ChangeCatalog([&](StoreTransaction& txn, const IndexCatalog& old, IndexCatalog* next,
                                          std::vector<storage::Store::IngestFile>* files) {
    if (const IndexRecord* same = old.ByName(name)) {
      if (spec.if_not_exists) return Status::OK();
      return Status::InvalidArgument("an index or constraint named " + same->name + " already exists");
    }
    for (const IndexRecord* r : old.For(*label, *property))
      if (r->unique == spec.unique) {
        if (spec.if_not_exists) return Status::OK();
        return Status::InvalidArgument("an equivalent " + what + " already exists: " + r->name);
      }
    IndexRecord record{store.NextIndexId(), name, *label, *property, spec.unique};
    std::vector<std::unique_ptr<IndexBuilder>> parts;
    std::vector<std::string_view> keys;
    if (Status s = BuildIndex(txn, record, store, &parts, &keys); !s.ok()) return s;
    std::pair<std::string, std::string> def{key::IndexDef(record.id), storage::EncodeRecord(record)};
    next->indexes.push_back(std::move(record));
    if (keys.size() < kIngestIndexFrom) {
      for (std::string_view k : keys) txn.Put(Keyspace::kIndex, k, {});
      txn.Put(Keyspace::kMeta, def.first, def.second);
      return Status::OK();
    }
    // The keys and the definition go in one atomic ingestion.
    dir = store.BulkDirectory();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError(dir + ": " + ec.message());
    files->push_back({Keyspace::kIndex, dir + "/index.sst"});
    files->push_back({Keyspace::kMeta, dir + "/meta.sst"});
    if (Status s = store.WriteSortedFile(Keyspace::kIndex, keys, {}, files->at(0).path); !s.ok()) return s;
    std::string_view def_key[] = {def.first}, def_value[] = {def.second};
    return store.WriteSortedFile(Keyspace::kMeta, def_key, def_value, files->at(1).path);
  });
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return status;
}

Status Database::DropIndex(std::string_view name) {
  storage::Store& store = *impl_->store;
  return store.ChangeCatalog([&](StoreTransaction& txn, const IndexCatalog& old, IndexCatalog* next,
                                 std::vector<storage::Store::IngestFile>*) {
    const IndexRecord* r = old.ByName(name);
    if (!r) return Status::NotFound("no index or constraint named " + std::string(name));
    std::string prefix = key::IndexPrefix(r->id);
    auto it = txn.NewIterator(Keyspace::kIndex);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      txn.Delete(Keyspace::kIndex, std::string_view(it->key().data(), it->key().size()));
    if (!it->status().ok()) return storage::FromRocks(it->status(), "index scan");
    txn.Delete(Keyspace::kMeta, key::IndexDef(r->id));
    std::erase_if(next->indexes, [&](const IndexRecord& x) { return x.name == name; });
    return Status::OK();
  });
}

std::vector<IndexInfo> Database::Indexes() const {
  const storage::Store& store = *impl_->store;
  std::vector<IndexInfo> out;
  for (const IndexRecord& r : store.catalog()->indexes)
    out.push_back(IndexInfo{r.name, store.Name(DictKind::kLabel, r.label),
                            store.Name(DictKind::kPropertyKey, r.property_key), r.unique});
  return out;
}

Status Database::Compact() { return impl_->store->Compact(); }

std::vector<std::string> Database::Labels() const { return impl_->store->Names(DictKind::kLabel); }
std::vector<std::string> Database::EdgeTypes() const { return impl_->store->Names(DictKind::kEdgeType); }
std::vector<std::string> Database::PropertyKeys() const {
  return impl_->store->Names(DictKind::kPropertyKey);
}

}  // namespace kg
