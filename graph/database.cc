#include "kg/database.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <thread>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "graph/sorted_keys.h"
#include "graph/transaction_impl.h"

namespace kg {

using graph::SortedKeys;
using storage::DictKind;
using storage::IndexCatalog;
using storage::IndexRecord;
using storage::Keyspace;
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
  auto txn = Transaction::Impl::Begin(impl_->store, options.read_only, nullptr);
  if (!txn.ok()) return txn.status();
  return internal::Access::Wrap(std::move(*txn));
}

namespace {

// An index of at least this many entries is written as a sorted file and
// ingested, rather than committed through a write batch and the memtable.
constexpr size_t kIngestIndexFrom = 10000;
// A full scan of at least this many nodes is split between two threads.
constexpr int64_t kSplitScanFrom = 50000;

// A unique constraint's keys, seen in order: two nodes with one value are
// next to each other.
class UniqueCheck {
 public:
  UniqueCheck(const IndexRecord& index, const storage::Store& store) : index_(index), store_(store) {}
  Status operator()(std::string_view k) {
    std::string_view value = key::IndexEntryWithoutNode(k);
    NodeId node = key::NodeOfIndexEntry(k);
    if (seen_ && value == last_value_) {
      std::string_view encoded = key::IndexEntryValue(k);
      Value v;
      std::string text = storage::DecodeValue(&encoded, &v) ? v.ToString() : "(undecodable)";
      return Status::ConstraintViolation("cannot create constraint " + index_.name + ": nodes " +
                                         std::to_string(last_node_) + " and " + std::to_string(node) +
                                         " both have label " + store_.Name(DictKind::kLabel, index_.label) +
                                         " and property " + store_.Name(DictKind::kPropertyKey, index_.property_key) +
                                         " = " + text);
    }
    seen_ = true;
    last_value_.assign(value);
    last_node_ = node;
    return Status::OK();
  }

 private:
  IndexRecord index_;
  const storage::Store& store_;
  bool seen_ = false;
  std::string last_value_;
  NodeId last_node_ = 0;
};

// The keys of new indexes, (*parts)[i] for records[i] (one SortedKeys per
// scanning thread): every node that has the index's label and property,
// read through the graph interface in the catalog change's own transaction.
Status BuildIndexes(const graph::GraphTxn& reader, std::span<const IndexRecord> records,
                    const storage::Store& store, const std::string& dir,
                    std::vector<std::vector<std::unique_ptr<SortedKeys>>>* parts) {
  auto all = reader.CountNodes(std::nullopt);
  if (!all.ok()) return all.status();
  int64_t labelled = 0;  // nodes the indexes cover, a node counted once per index
  std::vector<graph::GraphTxn::LabelKey> wanted;
  for (const IndexRecord& r : records) {
    auto with_label = reader.CountNodes(r.label);
    if (!with_label.ok()) return with_label.status();
    labelled += *with_label;
    wanted.push_back({r.label, r.property_key});
  }
  // The sorting memory is shared by the indexes (a budget of 0 would mean none).
  const size_t budget = std::max<size_t>(1, store.options().sort_memory_bytes / records.size());
  parts->resize(records.size());
  auto add_part = [&](size_t i) -> SortedKeys* {
    auto& p = (*parts)[i];
    p.push_back(std::make_unique<SortedKeys>(dir, "index." + std::to_string(i) + "." + std::to_string(p.size()), budget));
    return p.back().get();
  };
  // Each scan adds to parts of its own.
  auto scan = [&](std::span<const graph::GraphTxn::LabelKey> these, size_t first_record, std::optional<uint32_t> by_label,
                  NodeId from, NodeId to) {
    std::vector<SortedKeys*> keys;
    for (size_t i = 0; i < these.size(); ++i) keys.push_back(add_part(first_record + i));
    return [&reader, these, first_record, by_label, from, to, keys, records]() {
      return reader.ScanProperties(these, by_label, from, to, [&](NodeId node, size_t i, const Value& value) {
        return keys[i]->AddWith(
            [&](std::string* out) { key::AppendIndexEntry(out, records[first_record + i].id, value, node); });
      });
    };
  };
  // Labels few nodes have: each index reads its own label's nodes.
  if (labelled * 4 < *all) {
    for (size_t i = 0; i < records.size(); ++i)
      if (Status s = scan(std::span(wanted).subspan(i, 1), i, records[i].label, 0, 0)(); !s.ok()) return s;
    return Status::OK();
  }
  // Otherwise one pass over every node serves them all; a large one goes
  // in two halves by node id, on two threads.
  if (*all < kSplitScanFrom) return scan(wanted, 0, std::nullopt, 0, 0)();
  auto bounds = reader.NodeIdBounds();
  if (!bounds.ok()) return bounds.status();
  if (!*bounds) return Status::OK();
  auto [first_id, last_id] = **bounds;
  NodeId middle = first_id + (last_id - first_id) / 2;
  auto first_half = scan(wanted, 0, std::nullopt, 0, middle);
  auto second_half = scan(wanted, 0, std::nullopt, middle, 0);
  Status second_status;
  std::thread half([&] { second_status = second_half(); });
  Status s = first_half();
  half.join();
  return s.ok() ? second_status : s;
}

// The files an index build ingests, made in dir: (*files)[0] for the
// index family, (*files)[1] for the meta family.
Status IndexFiles(const std::string& dir, std::vector<storage::Store::IngestFile>* files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": " + ec.message());
  files->push_back({Keyspace::kIndex, dir + "/index.sst"});
  files->push_back({Keyspace::kMeta, dir + "/meta.sst"});
  return Status::OK();
}

}  // namespace

Status Database::CreateIndex(const IndexSpec& spec) { return CreateIndexes(std::span<const IndexSpec>(&spec, 1)); }

Status Database::CreateIndexes(std::span<const IndexSpec> specs, std::vector<bool>* added) {
  if (added) added->assign(specs.size(), false);
  for (const IndexSpec& spec : specs)
    if (spec.label.empty() || spec.property.empty())
      return Status::InvalidArgument("an index needs a label and a property");
  storage::Store& store = *impl_->store;
  if (store.read_only()) return Status::ReadOnly("the database is open read-only");
  struct Wanted {
    uint32_t label, property;
    std::string name;
  };
  std::vector<Wanted> wanted;
  for (const IndexSpec& spec : specs) {
    auto label = store.Intern(DictKind::kLabel, spec.label);
    if (!label.ok()) return label.status();
    auto property = store.Intern(DictKind::kPropertyKey, spec.property);
    if (!property.ok()) return property.status();
    std::string name = spec.name.empty()
                           ? (spec.unique ? "constraint_" : "index_") + spec.label + "_" + spec.property
                           : spec.name;
    wanted.push_back({*label, *property, std::move(name)});
  }
  std::vector<bool> made(specs.size(), false);
  std::string dir;  // sorted runs and the files of a large index
  Status status = store.ChangeCatalog([&](StoreTransaction& txn, const IndexCatalog&, IndexCatalog* next,
                                          std::vector<storage::Store::IngestFile>* files) {
    // Each spec is checked against the catalog as the specs before it left it.
    std::vector<IndexRecord> records;
    for (size_t i = 0; i < specs.size(); ++i) {
      const IndexSpec& spec = specs[i];
      const Wanted& w = wanted[i];
      if (const IndexRecord* same = next->ByName(w.name)) {
        if (spec.if_not_exists) continue;
        return Status::InvalidArgument("an index or constraint named " + same->name + " already exists");
      }
      const IndexRecord* equivalent = nullptr;
      for (const IndexRecord* r : next->For(w.label, w.property))
        if (r->unique == spec.unique) equivalent = r;
      if (equivalent) {
        if (spec.if_not_exists) continue;
        return Status::InvalidArgument(std::string("an equivalent ") + (spec.unique ? "constraint" : "index") +
                                       " already exists: " + equivalent->name);
      }
      records.push_back(IndexRecord{next->NextId(), w.name, w.label, w.property, spec.unique});
      next->indexes.push_back(records.back());
      made[i] = true;
    }
    if (records.empty()) return Status::OK();
    // Keys past the sorting budget spill to runs in the bulk directory.
    dir = store.BulkDirectory();
    std::vector<std::vector<std::unique_ptr<SortedKeys>>> parts;
    Transaction::Impl reader(&txn);
    if (Status s = BuildIndexes(reader, records, store, dir, &parts); !s.ok()) return s;
    // Records are in id order, so their keys (and definitions) follow one
    // another in that order.
    std::vector<SortedKeys::Source> sources(records.size());
    uint64_t count = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      for (const auto& p : parts[i]) {
        sources[i].parts.push_back(p.get());
        count += p->count();
      }
      if (records[i].unique) sources[i].check = UniqueCheck(records[i], store);
    }
    std::vector<std::string> def_keys, def_values;
    for (const IndexRecord& r : records) {
      def_keys.push_back(key::IndexDef(r.id));
      def_values.push_back(storage::EncodeRecord(r));
    }
    if (count < kIngestIndexFrom) {
      for (size_t i = 0; i < records.size(); ++i) {
        Status s = SortedKeys::Merge(sources[i].parts, [&](std::string_view k) {
          if (sources[i].check)
            if (Status c = sources[i].check(k); !c.ok()) return c;
          txn.Put(Keyspace::kIndex, k, {});
          return Status::OK();
        });
        if (!s.ok()) return s;
        txn.Put(Keyspace::kMeta, def_keys[i], def_values[i]);
      }
      return Status::OK();
    }
    // The keys and the definitions go in one atomic ingestion.
    if (Status s = IndexFiles(dir, files); !s.ok()) return s;
    bool written = false;
    storage::SstWriter writer(store, Keyspace::kIndex, files->at(0).path);
    Status s = SortedKeys::WriteFile(sources, writer, &written);
    if (!s.ok()) return s;
    std::vector<std::string_view> keys(def_keys.begin(), def_keys.end());
    std::vector<std::string_view> values(def_values.begin(), def_values.end());
    return store.WriteSortedFile(Keyspace::kMeta, keys, values, files->at(1).path);
  });
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  if (status.ok() && added) *added = std::move(made);
  return status;
}

Status Database::CreateFullTextIndex(const FullTextIndexSpec& spec) {
  namespace fulltext = graph::fulltext;
  auto analyzer = fulltext::AnalyzerByName(spec.analyzer.empty() ? "standard" : spec.analyzer);
  if (!analyzer) {
    std::string names;
    for (const std::string& n : fulltext::AnalyzerNames()) names += (names.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("unknown full-text analyzer '" + spec.analyzer + "' (there are: " + names + ")");
  }
  if (spec.labels.empty())
    return Status::InvalidArgument(std::string("a full-text index needs at least one ") +
                                   (spec.relationships ? "relationship type" : "label"));
  if (spec.properties.empty()) return Status::InvalidArgument("a full-text index needs at least one property");
  if (spec.properties.size() > key::kMaxTextFields)
    return Status::InvalidArgument("a full-text index takes at most " + std::to_string(key::kMaxTextFields) +
                                   " properties");
  storage::Store& store = *impl_->store;
  if (store.read_only()) return Status::ReadOnly("the database is open read-only");
  IndexRecord record;
  record.fulltext = true;
  record.relationships = spec.relationships;
  record.analyzer = fulltext::AnalyzerName(*analyzer);
  std::string made_name = "fulltext";
  for (const std::string& l : spec.labels) {
    if (l.empty()) return Status::InvalidArgument("a full-text index's label or type is empty");
    auto id = store.Intern(spec.relationships ? DictKind::kEdgeType : DictKind::kLabel, l);
    if (!id.ok()) return id.status();
    if (std::find(record.labels.begin(), record.labels.end(), *id) == record.labels.end()) record.labels.push_back(*id);
    made_name += "_" + l;
  }
  for (const std::string& p : spec.properties) {
    if (p.empty()) return Status::InvalidArgument("a full-text index's property is empty");
    auto id = store.Intern(DictKind::kPropertyKey, p);
    if (!id.ok()) return id.status();
    if (std::find(record.properties.begin(), record.properties.end(), *id) != record.properties.end())
      return Status::InvalidArgument("property " + p + " is named twice in the full-text index");
    record.properties.push_back(*id);
    made_name += "_" + p;
  }
  record.name = spec.name.empty() ? made_name : spec.name;
  record.label = record.labels.front();
  record.property_key = record.properties.front();
  std::string dir;
  Status status = store.ChangeCatalog([&](StoreTransaction& txn, const IndexCatalog&, IndexCatalog* next,
                                          std::vector<storage::Store::IngestFile>* files) {
    if (const IndexRecord* same = next->ByName(record.name)) {
      if (spec.if_not_exists) return Status::OK();
      return Status::InvalidArgument("an index or constraint named " + same->name + " already exists");
    }
    auto sorted = [](std::vector<uint32_t> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    for (const IndexRecord& r : next->indexes)
      if (r.fulltext && r.relationships == record.relationships && sorted(r.labels) == sorted(record.labels) &&
          r.properties == record.properties && r.analyzer == record.analyzer) {
        if (spec.if_not_exists) return Status::OK();
        return Status::InvalidArgument("an equivalent full-text index already exists: " + r.name);
      }
    record.id = next->NextId();
    next->indexes.push_back(record);
    dir = store.BulkDirectory();
    // Past its half of the sorting budget, the builder's postings go to
    // sorted runs, which hold the other half in memory.
    const size_t budget = std::max<size_t>(1, store.options().sort_memory_bytes / 2);
    SortedKeys keys(dir, "fulltext", budget);
    bool spilled = false;
    graph::TextIndexBuilder builder(record, budget, [&](std::string_view k) {
      spilled = true;
      return keys.Add(k);
    });
    Transaction::Impl reader(&txn);
    Status failed;
    auto add = [&](uint64_t element, graph::PropertySpan props) {
      failed = builder.Add(element, props);
      return failed.ok();
    };
    if (record.relationships) {
      Status s = reader.ScanEdges([&](EdgeId id, uint32_t type, NodeId, NodeId) {
        if (std::find(record.labels.begin(), record.labels.end(), type) == record.labels.end()) return true;
        graph::EdgeData edge;
        if (Status r = reader.ReadEdge(id, &edge); !r.ok()) {
          failed = r;
          return false;
        }
        return add(id, edge.properties);
      });
      if (!s.ok()) return s;
    } else {
      std::vector<NodeId> nodes;
      for (uint32_t label : record.labels) {
        Status s = reader.ScanLabel(label, [&](NodeId id) {
          nodes.push_back(id);
          return true;
        });
        if (!s.ok()) return s;
      }
      if (record.labels.size() > 1) {
        std::sort(nodes.begin(), nodes.end());
        nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
      }
      for (NodeId id : nodes) {
        graph::NodeData node;
        if (Status r = reader.ReadNode(id, &node); !r.ok()) return r;
        if (!add(id, node.properties)) break;
      }
    }
    const auto& stats = builder.stats();
    if (!failed.ok()) return failed;
    // The field statistics, in key order; then, from the postings as they
    // are written, each term's document frequency (the counter keys sort
    // as the postings do, by term then field, and after the statistics);
    // then the definition.
    std::vector<std::pair<std::string, std::string>> meta;
    for (size_t f = 0; f < stats.size(); ++f) {
      if (stats[f].first == 0) continue;
      uint32_t id = key::TextFieldCounter(record.id, static_cast<uint8_t>(f));
      std::string docs, length;
      key::PutI64(&docs, stats[f].first);
      key::PutI64(&length, stats[f].second);
      meta.emplace_back(key::Counter(storage::CounterKind::kTextDocs, id), std::move(docs));
      meta.emplace_back(key::Counter(storage::CounterKind::kTextLength, id), std::move(length));
    }
    std::sort(meta.begin(), meta.end());
    const std::string definition = storage::EncodeRecord(record);
    // The postings in key order: straight from the builder, or, once it
    // has spilled, merged from the sorted runs. put_posting writes one,
    // put_meta a counter; a term's frequency is put when its run ends.
    if (spilled)
      if (Status s = builder.Finish([&](std::string_view k) { return keys.Add(k); }); !s.ok()) return s;
    const uint64_t count = spilled ? keys.count() : builder.count();
    auto each_posting = [&](const std::function<Status(std::string_view)>& put_posting,
                            const std::function<Status(std::string_view, std::string_view)>& put_meta) -> Status {
      std::string term;
      int field = -1;
      int64_t run = 0;
      auto end_run = [&]() -> Status {
        if (run == 0) return Status::OK();
        std::string v;
        key::PutI64(&v, run);
        return put_meta(key::TextTermCounter(record.id, static_cast<uint8_t>(field), term), v);
      };
      auto fn = [&](std::string_view k) -> Status {
        key::TextPosting p;
        if (!key::ParseTextPosting(k, &p)) return Status::Internal("a malformed posting while building an index");
        if (p.term != term || p.field != field) {
          if (Status s = end_run(); !s.ok()) return s;
          term.assign(p.term);
          field = p.field;
          run = 0;
        }
        ++run;
        return put_posting(k);
      };
      Status s;
      if (!spilled) {
        s = builder.Finish(fn);
      } else {
        SortedKeys* parts[] = {&keys};
        s = SortedKeys::Merge(parts, fn);
      }
      return s.ok() ? end_run() : s;
    };
    if (count < kIngestIndexFrom) {
      for (const auto& [k, v] : meta) txn.Put(Keyspace::kMeta, k, v);
      Status s = each_posting(
          [&](std::string_view k) {
            txn.Put(Keyspace::kIndex, k, {});
            return Status::OK();
          },
          [&](std::string_view k, std::string_view v) {
            txn.Put(Keyspace::kMeta, k, v);
            return Status::OK();
          });
      if (!s.ok()) return s;
      txn.Put(Keyspace::kMeta, key::IndexDef(record.id), definition);
      return Status::OK();
    }
    if (Status s = IndexFiles(dir, files); !s.ok()) return s;
    storage::SstWriter writer(store, Keyspace::kIndex, files->at(0).path);
    storage::SstWriter meta_writer(store, Keyspace::kMeta, files->at(1).path);
    if (Status s = writer.Open(); !s.ok()) return s;
    if (Status s = meta_writer.Open(); !s.ok()) return s;
    for (const auto& [k, v] : meta)
      if (Status s = meta_writer.Put(k, v); !s.ok()) return s;
    Status s = each_posting([&](std::string_view k) { return writer.Put(k, {}); },
                            [&](std::string_view k, std::string_view v) { return meta_writer.Put(k, v); });
    if (!s.ok()) return s;
    if (Status f = writer.Finish(); !f.ok()) return f;
    if (Status p = meta_writer.Put(key::IndexDef(record.id), definition); !p.ok()) return p;
    return meta_writer.Finish();
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
    if (r->fulltext) {
      std::string terms = key::TextTermCounterPrefix(r->id);
      auto counters = txn.NewIterator(Keyspace::kMeta);
      for (counters->Seek(terms); counters->Valid() && counters->key().starts_with(terms); counters->Next())
        txn.Delete(Keyspace::kMeta, std::string_view(counters->key().data(), counters->key().size()));
      if (!counters->status().ok()) return storage::FromRocks(counters->status(), "index scan");
    }
    if (r->fulltext)
      for (size_t f = 0; f < r->properties.size(); ++f) {
        uint32_t id = key::TextFieldCounter(r->id, static_cast<uint8_t>(f));
        txn.Delete(Keyspace::kMeta, key::Counter(storage::CounterKind::kTextDocs, id));
        txn.Delete(Keyspace::kMeta, key::Counter(storage::CounterKind::kTextLength, id));
      }
    txn.Delete(Keyspace::kMeta, key::IndexDef(r->id));
    std::erase_if(next->indexes, [&](const IndexRecord& x) { return x.name == name; });
    return Status::OK();
  });
}

std::vector<IndexInfo> Database::Indexes() const {
  const storage::Store& store = *impl_->store;
  std::vector<IndexInfo> out;
  for (const IndexRecord& r : store.catalog()->indexes) {
    DictKind kind = r.relationships ? DictKind::kEdgeType : DictKind::kLabel;
    IndexInfo info{r.name, store.Name(kind, r.label), store.Name(DictKind::kPropertyKey, r.property_key), r.unique};
    info.fulltext = r.fulltext;
    info.relationships = r.relationships;
    for (uint32_t l : r.labels) info.labels.push_back(store.Name(kind, l));
    for (uint32_t p : r.properties) info.properties.push_back(store.Name(DictKind::kPropertyKey, p));
    if (!r.fulltext) {
      info.labels = {info.label};
      info.properties = {info.property};
    }
    info.analyzer = r.analyzer;
    out.push_back(std::move(info));
  }
  return out;
}

Status Database::Compact() { return impl_->store->Compact(); }

std::vector<std::string> Database::Labels() const { return impl_->store->Names(DictKind::kLabel); }
std::vector<std::string> Database::EdgeTypes() const { return impl_->store->Names(DictKind::kEdgeType); }
std::vector<std::string> Database::PropertyKeys() const {
  return impl_->store->Names(DictKind::kPropertyKey);
}

}  // namespace kg
