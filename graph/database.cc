#include "kg/database.h"

#include <algorithm>
#include <filesystem>
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

// The entries (keys) of a new index: every node that has its label and the
// property, read in the catalog change's own transaction. Records are only
// peeked at for the label and the one property.
Status BuildIndex(StoreTransaction& txn, const IndexRecord& index, const storage::Store& store,
                  std::vector<std::pair<std::string, std::string>>* entries) {
  std::unordered_map<std::string, NodeId> seen;  // encoded value -> node, for unique
  bool has_label;
  std::optional<Value> value;
  auto add = [&](NodeId id, std::string_view bytes) -> Status {
    if (!storage::PeekNodeRecord(bytes, index.label, index.property_key, &has_label, &value)) {
      NodeRecord record;  // for the error
      Status s = storage::DecodeRecord(bytes, &record, "node " + std::to_string(id));
      return s.ok() ? Status::Corruption("node " + std::to_string(id) + " is damaged") : s;
    }
    if (!has_label || !value) return Status::OK();
    std::string key = key::IndexEntry(index.id, *value, id);
    if (index.unique) {
      // The key less the node id is the encoded value.
      auto [pos, inserted] = seen.emplace(key.substr(0, key.size() - 8), id);
      if (!inserted)
        return Status::ConstraintViolation(
            "cannot create constraint " + index.name + ": nodes " + std::to_string(pos->second) +
            " and " + std::to_string(id) + " both have label " + store.Name(DictKind::kLabel, index.label) +
            " and property " + store.Name(DictKind::kPropertyKey, index.property_key) + " = " + value->ToString());
    }
    entries->emplace_back(std::move(key), std::string());
    return Status::OK();
  };
  auto nodes = txn.NewIterator(Keyspace::kNodes);
  // A label most nodes have: one pass over the node family. Otherwise its
  // nodes come from the label family in id order, and one forward pass
  // over the node family reads them, stepping when the next is near and
  // seeking when it is far.
  auto with_label = txn.Counter(storage::CounterKind::kLabel, index.label);
  auto all = txn.Counter(storage::CounterKind::kNodes, 0);
  if (!with_label.ok()) return with_label.status();
  if (!all.ok()) return all.status();
  entries->reserve(static_cast<size_t>(std::max<int64_t>(*with_label, 0)));
  if (*with_label * 4 >= *all) {
    for (nodes->SeekToFirst(); nodes->Valid(); nodes->Next()) {
      std::string_view k(nodes->key().data(), nodes->key().size());
      if (Status s = add(key::NodeOf(k), std::string_view(nodes->value().data(), nodes->value().size())); !s.ok())
        return s;
    }
    return storage::FromRocks(nodes->status(), "node scan");
  }
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
    if (Status s = add(id, std::string_view(nodes->value().data(), nodes->value().size())); !s.ok()) return s;
  }
  return storage::FromRocks(labels->status(), "label scan");
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
    std::vector<std::pair<std::string, std::string>> entries;
    if (Status s = BuildIndex(txn, record, store, &entries); !s.ok()) return s;
    std::pair<std::string, std::string> def{key::IndexDef(record.id), storage::EncodeRecord(record)};
    next->indexes.push_back(std::move(record));
    if (entries.size() < kIngestIndexFrom) {
      for (const auto& [k, v] : entries) txn.Put(Keyspace::kIndex, k, v);
      txn.Put(Keyspace::kMeta, def.first, def.second);
      return Status::OK();
    }
    // The entries and the definition go in one atomic ingestion.
    // Values often grow with the node ids (ids given in order): then the
    // entries come sorted already.
    if (!std::is_sorted(entries.begin(), entries.end())) std::sort(entries.begin(), entries.end());
    dir = store.BulkDirectory();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError(dir + ": " + ec.message());
    files->push_back({Keyspace::kIndex, dir + "/index.sst"});
    files->push_back({Keyspace::kMeta, dir + "/meta.sst"});
    if (Status s = store.WriteSortedFile(Keyspace::kIndex, entries, files->at(0).path); !s.ok()) return s;
    return store.WriteSortedFile(Keyspace::kMeta, {def}, files->at(1).path);
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
