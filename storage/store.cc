#include "storage/store.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <tuple>

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>

#include "storage/store_transaction.h"

namespace kg::storage {
namespace {

// Adds signed 64-bit deltas: counters never need a read-modify-write.
class CounterAddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    int64_t sum = existing && existing->size() == 8 ? key::GetI64(existing->data()) : 0;
    if (value.size() == 8) sum += key::GetI64(value.data());
    new_value->clear();
    key::PutI64(new_value, sum);
    return true;
  }
  const char* Name() const override { return "kg.CounterAdd"; }
};

// Rewrites a batch in (column family, key) order. RocksDB's skiplist
// memtable inserts keys in order several times faster than scattered ones.
// The sort is stable, so repeated writes of one key keep their order.
class SortedBatch : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    ops_.push_back({cf, k.ToString(), v.ToString(), Op::kPut});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
    ops_.push_back({cf, k.ToString(), {}, Op::kDelete});
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    ops_.push_back({cf, k.ToString(), v.ToString(), Op::kMerge});
    return rocksdb::Status::OK();
  }
  void Build(const std::vector<rocksdb::ColumnFamilyHandle*>& handles, rocksdb::WriteBatch* out) {
    std::stable_sort(ops_.begin(), ops_.end(), [](const Entry& a, const Entry& b) {
      return a.cf != b.cf ? a.cf < b.cf : a.key < b.key;
    });
    for (const Entry& e : ops_) {
      rocksdb::ColumnFamilyHandle* h = handles[0];
      for (auto* candidate : handles)
        if (candidate->GetID() == e.cf) h = candidate;
      switch (e.op) {
        case Op::kPut: out->Put(h, e.key, e.value); break;
        case Op::kDelete: out->Delete(h, e.key); break;
        case Op::kMerge: out->Merge(h, e.key, e.value); break;
      }
    }
  }

 private:
  enum class Op { kPut, kDelete, kMerge };
  struct Entry {
    uint32_t cf;
    std::string key, value;
    Op op;
  };
  std::vector<Entry> ops_;
};

// Batches smaller than this are written as they are.
constexpr uint32_t kSortBatchFrom = 256;

// Ids reserved per persisted high-water step.
constexpr uint64_t kIdReservation = 1 << 16;
// Conflict-table size at which entries no live snapshot needs are dropped.
constexpr size_t kPruneThreshold = 1 << 16;

}  // namespace

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string m = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsIOError()) {
    // RocksDB reports a held LOCK file as an IO error.
    if (s.ToString().find("lock") != std::string::npos)
      return Status::Busy(std::string(context) + ": the database is open for writing in another process; " +
                          "a read-only open (Options::read_only, --read-only) reads beside it (" + s.ToString() +
                          ")");
    return Status::IOError(m);
  }
  if (s.IsNotSupported()) return Status::NotSupported(m);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(m);
  if (s.IsBusy() || s.IsTryAgain()) return Status::Conflict(m);
  return Status::Internal(m);
}

std::vector<const IndexRecord*> IndexCatalog::For(uint32_t label, uint32_t property_key) const {
  std::vector<const IndexRecord*> out;
  for (const auto& r : indexes)
    if (r.label == label && r.property_key == property_key) out.push_back(&r);
  return out;
}

std::vector<const IndexRecord*> IndexCatalog::ForLabels(const std::vector<uint32_t>& labels) const {
  std::vector<const IndexRecord*> out;
  for (const auto& r : indexes)
    if (std::find(labels.begin(), labels.end(), r.label) != labels.end()) out.push_back(&r);
  return out;
}

uint32_t IndexCatalog::NextId() const {
  uint32_t next = 1;
  for (const auto& r : indexes) next = std::max(next, r.id + 1);
  return next;
}

const IndexRecord* IndexCatalog::ByName(std::string_view name) const {
  for (const auto& r : indexes)
    if (r.name == name) return &r;
  return nullptr;
}

Store::Store(std::string path, const Options& options) : path_(std::move(path)), options_(options) {
  write_options_.sync = options.sync_commits;
}

Store::~Store() {
  if (!db_) return;
  // Flushed memtables make the next open fast: nothing to replay from the log.
  if (!read_only()) {
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    db_->Flush(flush, handles_);
  }
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close();
  db_.reset();
  if (!secondary_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_path_, ec);
  }
}

Result<std::shared_ptr<Store>> Store::Open(const std::string& path, const Options& options) {
  std::shared_ptr<Store> store(new Store(path, options));
  if (Status s = store->OpenDb(); !s.ok()) return s;
  if (Status s = store->LoadMeta(); !s.ok()) return s;
  return store;
}

Status Store::OpenDb() {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool exists = fs::exists(fs::path(path_) / "CURRENT", ec);
  if (!exists && (options_.read_only || !options_.create_if_missing))
    return Status::NotFound("no kg database at '" + path_ + "'");
  if (exists && options_.error_if_exists)
    return Status::InvalidArgument("a kg database already exists at '" + path_ + "'");
  if (!exists) {
    fs::create_directories(path_, ec);
    if (ec) return Status::IOError("cannot create directory '" + path_ + "': " + ec.message());
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // A kg database holds tens of files, not thousands: opening them on the
  // calling thread is quicker than starting 16 threads per column family.
  db_options.max_file_opening_threads = 1;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 4;
  // Bounds the log a crash leaves to replay on the next open.
  db_options.max_total_wal_size = 256 << 20;
  db_options.max_manifest_file_size = 64 << 20;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Reads through mmap: no system call per block a cold process touches.
  db_options.allow_mmap_reads = false;

  auto cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  auto merge = std::make_shared<CounterAddOperator>();
  auto make_cf = [&](Keyspace ks) {
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = options_.write_buffer_bytes;
    cf.max_write_buffer_number = 3;
    cf.level_compaction_dynamic_level_bytes = true;
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kLZ4Compression;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.format_version = 5;
    // Bloom filters serve point reads and (adjacency) prefix seeks; the
    // label and index families are only scanned from a seek, which no
    // filter can answer, so they go without.
    if (ks != Keyspace::kLabels && ks != Keyspace::kIndex)
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Index and filter blocks stay in the table readers, loaded when the
    // database opens: a point read then costs one data block.
    table.cache_index_and_filter_blocks = false;
    // A hash index in each data block speeds up point reads; the adjacency,
    // label and index families are only ever scanned.
    if (ks == Keyspace::kMeta || ks == Keyspace::kNodes || ks == Keyspace::kEdges)
      table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    if (ks == Keyspace::kOut || ks == Keyspace::kIn) {
      // Adjacency is only ever read by node prefix.
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(key::kAdjacencyPrefixSize));
      // The memtable's prefix filter takes 1% of the write buffer: a few
      // bits for each key a full memtable holds, and little to zero each
      // time the database opens.
      cf.memtable_prefix_bloom_size_ratio = 0.01;
      table.whole_key_filtering = false;
      table.block_size = 16 << 10;
    }
    if (ks == Keyspace::kLabels || ks == Keyspace::kIndex) table.block_size = 16 << 10;
    if (ks == Keyspace::kMeta) cf.merge_operator = merge;
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
  };

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, make_cf(Keyspace::kMeta));
  for (int i = 1; i < kKeyspaceCount; ++i) {
    auto ks = static_cast<Keyspace>(i);
    descriptors.emplace_back(KeyspaceName(ks), make_cf(ks));
  }

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options_.read_only) {
    // A secondary instance: safe beside a primary in another process (a
    // plain read-only open is not), and it writes only to a directory of
    // its own. It keeps every table file open, as secondaries must.
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "kg-reader-XXXXXX").string();
    if (ec || !::mkdtemp(pattern.data()))
      return Status::IOError("cannot make a directory for a reader's files in " +
                             std::filesystem::temp_directory_path(ec).string());
    secondary_path_ = pattern;
    db_options.max_open_files = -1;
    s = rocksdb::DB::OpenAsSecondary(db_options, path_, secondary_path_, descriptors, &handles_, &raw);
  } else if (exists) {
    s = rocksdb::DB::Open(db_options, path_, descriptors, &handles_, &raw);
  } else {
    // A new database gets its families in one step: RocksDB rewrites and
    // re-reads its options file for every family created one at a time.
    // Should the process die in between, the next open creates the rest.
    s = rocksdb::DB::Open(db_options, path_, {descriptors.front()}, &handles_, &raw);
    if (s.ok()) {
      std::vector<rocksdb::ColumnFamilyHandle*> rest;
      s = raw->CreateColumnFamilies({descriptors.begin() + 1, descriptors.end()}, &rest);
      handles_.insert(handles_.end(), rest.begin(), rest.end());
      if (!s.ok()) {
        for (auto* h : handles_) raw->DestroyColumnFamilyHandle(h);
        handles_.clear();
        delete raw;
        raw = nullptr;
      }
    }
  }
  if (!s.ok()) return FromRocks(s, "opening '" + path_ + "'");
  db_.reset(raw);
  if (!options_.read_only) {
    // Sorted files of a bulk load that never finished (the process died):
    // nothing refers to them. The database is ours alone now (RocksDB's
    // lock), so no other load can be using them.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec))
      if (entry.is_directory(ec) && entry.path().filename().string().starts_with("bulk-"))
        std::filesystem::remove_all(entry.path(), ec);
  }
  return Status::OK();
}

Store::Dictionary& Store::dict(DictKind kind) {
  switch (kind) {
    case DictKind::kLabel: return dicts_[0];
    case DictKind::kEdgeType: return dicts_[1];
    case DictKind::kPropertyKey: return dicts_[2];
  }
  return dicts_[0];
}

const Store::Dictionary& Store::dict(DictKind kind) const {
  return const_cast<Store*>(this)->dict(kind);
}

Status Store::LoadMeta() {
  rocksdb::ReadOptions ro;
  auto* meta = cf(Keyspace::kMeta);
  std::string value;
  rocksdb::Status s = db_->Get(ro, meta, key::FormatVersion(), &value);
  bool write_version = false;
  if (s.IsNotFound()) {
    if (read_only()) return Status::Corruption("'" + path_ + "' has no kg format version");
    write_version = true;
  } else if (!s.ok()) {
    return FromRocks(s, "reading the format version");
  } else {
    if (value.size() != 4) return Status::Corruption("'" + path_ + "': bad format version record");
    uint32_t version = key::GetU32(value.data());
    if (version > kFormatVersion)
      return Status::NotSupported("'" + path_ + "' was written in kg format version " +
                                  std::to_string(version) + ", newer than this kg supports (" +
                                  std::to_string(kFormatVersion) + "); upgrade kg to open it");
    // Every older format is a subset of this one.
    write_version = version < kFormatVersion && !read_only();
  }
  if (write_version) {
    std::string v;
    key::PutU32(&v, kFormatVersion);
    s = db_->Put(rocksdb::WriteOptions(), meta, key::FormatVersion(), v);
    if (!s.ok()) return FromRocks(s, "writing the format version");
  }

  if (Status st = LoadNamesAndCatalog(); !st.ok()) return st;
  auto read_mark = [&](const std::string& k, uint64_t* next, uint64_t* reserved) -> Status {
    std::string v;
    rocksdb::Status rs = db_->Get(ro, meta, k, &v);
    if (rs.IsNotFound()) return Status::OK();
    if (!rs.ok()) return FromRocks(rs, "reading id marks");
    if (v.size() != 8) return Status::Corruption("bad id mark record");
    *next = *reserved = key::GetU64(v.data());
    return Status::OK();
  };
  if (Status st = read_mark(key::NodeIdMark(), &next_node_, &reserved_node_); !st.ok()) return st;
  if (Status st = read_mark(key::EdgeIdMark(), &next_edge_, &reserved_edge_); !st.ok()) return st;
  return Status::OK();
}

Status Store::LoadNamesAndCatalog() {
  rocksdb::ReadOptions ro;
  auto* meta = cf(Keyspace::kMeta);
  std::unique_lock dict_lock(dict_mu_);
  for (DictKind kind : {DictKind::kLabel, DictKind::kEdgeType, DictKind::kPropertyKey}) {
    Dictionary& d = dict(kind);
    d.ids.clear();
    d.names.assign(1, std::string());
    std::string prefix = key::DictByIdPrefix(kind);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      uint32_t id = key::DictIdOf(std::string_view(it->key().data(), it->key().size()));
      if (d.names.size() <= id) d.names.resize(id + 1);
      d.names[id] = it->value().ToString();
      d.ids[d.names[id]] = id;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading the dictionary");
  }

  dict_lock.unlock();
  for (auto [prefix, ranges, what] : {std::tuple{key::BlockRangePrefix(), &block_nodes_, "adjacency block ranges"},
                                      std::tuple{key::EdgeBlockRangePrefix(), &block_edges_, "relationship block ranges"}}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (it->key().size() != prefix.size() + 8 || it->value().size() != 8)
        return Status::Corruption(std::string("bad record among the ") + what);
      ranges->Note(key::GetU64(it->key().data() + prefix.size()), key::GetU64(it->value().data()));
    }
    if (!it->status().ok()) return FromRocks(it->status(), std::string("reading ") + what);
  }
  auto catalog = std::make_shared<IndexCatalog>();
  std::string prefix = key::IndexDefPrefix();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, meta));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    IndexRecord r;
    if (Status st = DecodeRecord(std::string_view(it->value().data(), it->value().size()), &r,
                                 "index definition");
        !st.ok())
      return st;
    catalog->indexes.push_back(std::move(r));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading index definitions");
  std::lock_guard catalog_lock(catalog_mu_);
  if (catalog_) catalog->version = catalog_->version + 1;
  catalog_ = std::move(catalog);
  return Status::OK();
}

void Store::BeginRead() {
  std::lock_guard lock(reading_mu_);
  if (open_reads_++ > 0) return;
  // Nothing of this process reads now: a good moment to take in what the
  // writer committed. A failure leaves the state as it was, still whole.
  if (db_->TryCatchUpWithPrimary().ok()) (void)LoadNamesAndCatalog();
}

void Store::EndRead() {
  std::lock_guard lock(reading_mu_);
  --open_reads_;
}

Result<uint32_t> Store::Intern(DictKind kind, std::string_view name) {
  {
    std::shared_lock lock(dict_mu_);
    const Dictionary& d = dict(kind);
    if (auto it = d.ids.find(std::string(name)); it != d.ids.end()) return it->second;
  }
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  std::unique_lock lock(dict_mu_);
  Dictionary& d = dict(kind);
  if (auto it = d.ids.find(std::string(name)); it != d.ids.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(d.names.size());
  rocksdb::WriteBatch batch;
  std::string id_bytes;
  key::PutU32(&id_bytes, id);
  batch.Put(cf(Keyspace::kMeta), key::DictByName(kind, name), id_bytes);
  batch.Put(cf(Keyspace::kMeta), key::DictById(kind, id), rocksdb::Slice(name.data(), name.size()));
  rocksdb::Status s = db_->Write(write_options_, &batch);
  if (!s.ok()) return FromRocks(s, "storing name '" + std::string(name) + "'");
  d.names.emplace_back(name);
  d.ids.emplace(std::string(name), id);
  return id;
}

std::optional<uint32_t> Store::Lookup(DictKind kind, std::string_view name) const {
  std::shared_lock lock(dict_mu_);
  const Dictionary& d = dict(kind);
  if (auto it = d.ids.find(std::string(name)); it != d.ids.end()) return it->second;
  return std::nullopt;
}

std::string Store::Name(DictKind kind, uint32_t id) const {
  std::shared_lock lock(dict_mu_);
  const Dictionary& d = dict(kind);
  return id < d.names.size() ? d.names[id] : std::string();
}

std::vector<std::string> Store::Names(DictKind kind) const {
  std::shared_lock lock(dict_mu_);
  const Dictionary& d = dict(kind);
  return {d.names.begin() + 1, d.names.end()};
}

Status Store::Reserve(const std::string& mark_key, uint64_t* reserved, uint64_t needed) {
  uint64_t mark = needed + kIdReservation;
  std::string v;
  key::PutU64(&v, mark);
  rocksdb::Status s = db_->Put(write_options_, cf(Keyspace::kMeta), mark_key, v);
  if (!s.ok()) return FromRocks(s, "reserving ids");
  *reserved = mark;
  return Status::OK();
}

Result<uint64_t> Store::AllocateNodeId() {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  std::lock_guard lock(id_mu_);
  if (next_node_ >= reserved_node_)
    if (Status s = Reserve(key::NodeIdMark(), &reserved_node_, next_node_); !s.ok()) return s;
  return next_node_++;
}

Result<uint64_t> Store::AllocateEdgeId() { return AllocateEdgeIds(1); }

Result<uint64_t> Store::AllocateEdgeIds(uint64_t count) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  std::lock_guard lock(id_mu_);
  if (next_edge_ + count > reserved_edge_)
    if (Status s = Reserve(key::EdgeIdMark(), &reserved_edge_, next_edge_ + count); !s.ok()) return s;
  uint64_t first = next_edge_;
  next_edge_ += count;
  return first;
}

std::shared_ptr<const IndexCatalog> Store::catalog() const {
  std::lock_guard lock(catalog_mu_);
  return catalog_;
}

const rocksdb::Snapshot* Store::AcquireSnapshot() {
  // A reader's state changes only when it catches up, never under an open
  // transaction: it needs (and a secondary allows) no snapshot.
  if (read_only()) return nullptr;
  std::lock_guard lock(snapshots_mu_);
  const rocksdb::Snapshot* s = db_->GetSnapshot();
  live_snapshots_.insert(s->GetSequenceNumber());
  return s;
}

void Store::ReleaseSnapshot(const rocksdb::Snapshot* snapshot) {
  if (!snapshot) return;
  {
    std::lock_guard lock(snapshots_mu_);
    auto it = live_snapshots_.find(snapshot->GetSequenceNumber());
    if (it != live_snapshots_.end()) live_snapshots_.erase(it);
  }
  db_->ReleaseSnapshot(snapshot);
}

Status Store::Commit(StoreTransaction& txn) {
  std::lock_guard lock(commit_mu_);
  if (txn.catalog_version() != catalog()->version)
    return Status::Conflict(
        "an index or constraint was created or dropped while this transaction ran; retry it");
  rocksdb::SequenceNumber snap = txn.snapshot()->GetSequenceNumber();
  for (const std::string& k : txn.validate_keys()) {
    auto it = last_publish_.find(k);
    if (it != last_publish_.end() && it->second > snap)
      return Status::Conflict(k + " was changed by a transaction that committed after this one began; retry");
  }
  return CommitLocked(txn);
}

Status Store::CommitLocked(StoreTransaction& txn) {
  rocksdb::WriteBatch* batch = txn.write_batch();
  for (const auto& [k, delta] : txn.counter_deltas()) {
    if (delta == 0) continue;
    std::string v;
    key::PutI64(&v, delta);
    batch->Merge(cf(Keyspace::kMeta), k, v);
  }
  rocksdb::Status s;
  if (batch->Count() >= kSortBatchFrom) {
    SortedBatch sorter;
    s = batch->Iterate(&sorter);
    if (!s.ok()) return FromRocks(s, "commit");
    rocksdb::WriteBatch sorted(batch->GetDataSize());
    sorter.Build(handles_, &sorted);
    s = db_->Write(write_options_, &sorted);
  } else {
    s = db_->Write(write_options_, batch);
  }
  if (!s.ok()) return FromRocks(s, "commit");
  if (!txn.publish_keys().empty()) {
    rocksdb::SequenceNumber seq = db_->GetLatestSequenceNumber();
    for (const std::string& k : txn.publish_keys()) last_publish_[k] = seq;
    if (last_publish_.size() > kPruneThreshold) {
      rocksdb::SequenceNumber oldest;
      {
        std::lock_guard slock(snapshots_mu_);
        oldest = live_snapshots_.empty() ? seq : *live_snapshots_.begin();
      }
      std::erase_if(last_publish_, [&](const auto& e) { return e.second <= oldest; });
    }
  }
  return Status::OK();
}

rocksdb::Options Store::SstOptions(Keyspace ks, bool new_ids) const {
  rocksdb::Options options = db_->GetOptions(cf(ks));
  if (new_ids && (ks == Keyspace::kNodes || ks == Keyspace::kEdges)) {
    rocksdb::BlockBasedTableOptions table = *options.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    table.filter_policy.reset();
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  return options;
}

rocksdb::EnvOptions Store::SstFileOptions() {
  rocksdb::EnvOptions options;
  options.bytes_per_sync = 1 << 20;
  return options;
}

Status Store::Ingest(uint64_t catalog_version, std::vector<IngestFile> files,
                     const std::function<Status(const StoreTransaction&, std::vector<IngestFile>*)>& prepare,
                     const std::vector<std::string>& publish_keys) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  std::lock_guard lock(commit_mu_);
  if (catalog()->version != catalog_version)
    return Status::Conflict("an index or constraint was created or dropped during the load; run it again");
  {
    StoreTransaction latest(shared_from_this(), /*read_only=*/true);
    if (Status s = prepare(latest, &files); !s.ok()) return s;
  }
  if (Status s = IngestLocked(files); !s.ok()) return s;
  rocksdb::SequenceNumber seq = db_->GetLatestSequenceNumber();
  for (const std::string& k : publish_keys) last_publish_[k] = seq;
  return Status::OK();
}

Status Store::IngestLocked(const std::vector<IngestFile>& files) {
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const IngestFile& f : files) {
    auto it = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.column_family == cf(f.keyspace); });
    if (it == args.end()) {
      args.emplace_back();
      it = args.end() - 1;
      it->column_family = cf(f.keyspace);
      it->options.move_files = true;
      it->options.snapshot_consistency = true;
      it->options.allow_global_seqno = true;
      it->options.allow_blocking_flush = true;
    }
    it->external_files.push_back(f.path);
  }
  if (args.empty()) return Status::OK();
  if (rocksdb::Status s = db_->IngestExternalFiles(args); !s.ok()) return FromRocks(s, "ingesting sorted files");
  return Status::OK();
}

Status Store::WriteSortedFile(Keyspace ks, std::span<const std::string_view> keys,
                              std::span<const std::string_view> values, const std::string& path) const {
  rocksdb::SstFileWriter writer(SstFileOptions(), SstOptions(ks), nullptr, /*invalidate_page_cache=*/false);
  if (rocksdb::Status s = writer.Open(path); !s.ok()) return FromRocks(s, path);
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string_view v = values.empty() ? std::string_view() : values[i];
    if (rocksdb::Status s = writer.Put(rocksdb::Slice(keys[i].data(), keys[i].size()), rocksdb::Slice(v.data(), v.size()));
        !s.ok())
      return FromRocks(s, path);
  }
  if (rocksdb::Status s = writer.Finish(); !s.ok()) return FromRocks(s, path);
  return Status::OK();
}

std::string Store::BulkDirectory() const {
  static std::atomic<int> sequence{0};
  return path_ + "/bulk-" + std::to_string(getpid()) + "-" + std::to_string(sequence++);
}

void Store::IdRanges::Note(uint64_t first, uint64_t last) {
  std::lock_guard lock(mu_);
  uint64_t& noted = ranges_[first];
  noted = std::max(noted, last);
}

bool Store::IdRanges::Contains(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = ranges_.upper_bound(id);
  return it != ranges_.begin() && id <= std::prev(it)->second;
}

Status Store::Compact() {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  rocksdb::FlushOptions flush;
  if (rocksdb::Status s = db_->Flush(flush, handles_); !s.ok()) return FromRocks(s, "flush");
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles_)
    if (rocksdb::Status s = db_->CompactRange(options, h, nullptr, nullptr); !s.ok()) return FromRocks(s, "compaction");
  return Status::OK();
}

Status Store::ChangeCatalog(const CatalogChange& change) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  std::lock_guard lock(commit_mu_);
  std::shared_ptr<const IndexCatalog> old = catalog();
  auto next = std::make_shared<IndexCatalog>(*old);
  next->version = old->version + 1;
  std::vector<IngestFile> files;
  {
    StoreTransaction txn(shared_from_this(), false);
    if (Status s = change(txn, *old, next.get(), &files); !s.ok()) return s;
    if (files.empty()) {
      if (Status s = CommitLocked(txn); !s.ok()) return s;
    } else if (txn.has_writes()) {
      return Status::InvalidArgument("a catalog change gave both writes and files");
    }
    txn.MarkFinished();
  }
  // Files go in once the transaction's snapshot is gone (the lock keeps
  // every commit out meanwhile): with no snapshot to hide them from, they
  // need no sequence number of their own, which a compaction would later
  // spend a rewrite of the whole file to clear.
  if (Status s = IngestLocked(files); !s.ok()) return s;
  std::lock_guard clock(catalog_mu_);
  catalog_ = std::move(next);
  return Status::OK();
}

}  // namespace kg::storage
