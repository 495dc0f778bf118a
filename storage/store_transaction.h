// StoreTransaction: a key-value transaction over the Store. Reads see a
// pinned snapshot plus the transaction's own writes; writes are buffered in
// an indexed batch and applied atomically by Commit.
//
// Write-write conflicts are detected on "conflict keys" the graph layer names
// (e.g. "node 5"): Validate(k) makes the commit fail if a transaction that
// committed after this one began published k; Publish(k) is what later
// transactions validate against. Not thread-safe: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rocksdb/utilities/write_batch_with_index.h>

#include "storage/store.h"

namespace kg::storage {

class StoreTransaction {
 public:
  // A write transaction holds its process's turn to write (Store::TakeTurn)
  // from its beginning to its end; given none, it takes one, and should
  // that fail its commit fails with the reason.
  StoreTransaction(std::shared_ptr<Store> store, bool read_only);
  StoreTransaction(std::shared_ptr<Store> store, WriteTurn turn);
  ~StoreTransaction();
  StoreTransaction(const StoreTransaction&) = delete;
  StoreTransaction& operator=(const StoreTransaction&) = delete;

  Store& store() const { return *store_; }
  // The RocksDB instance it reads: the primary for a write transaction.
  Store::Instance& instance() const { return *inst_; }
  bool read_only() const { return read_only_; }
  // True after Commit or Rollback: every further call fails.
  bool finished() const { return finished_; }
  const IndexCatalog& catalog() const { return *catalog_; }
  uint64_t catalog_version() const { return catalog_->version; }

  // Point read. Returns NotFound (with an empty message) when absent.
  Status Get(Keyspace ks, std::string_view key, std::string* value) const;
  // The same read, for a key expected a few keys after the one the previous
  // GetFollowing read in ks (records read in id order): an iterator steps
  // forward to it instead of a fresh lookup, and seeks when it is not there
  // within a few steps. In a keyspace this transaction wrote to, a Get.
  Status GetFollowing(Keyspace ks, std::string_view key, std::string* value) const;

  void Put(Keyspace ks, std::string_view key, std::string_view value);
  void Delete(Keyspace ks, std::string_view key);
  bool has_writes() const { return writes_ > 0 || !counter_deltas_.empty(); }
  // Grows with every Put and Delete (and shrinks on rollback to a savepoint):
  // a value read while it had some value is current while it still has it.
  uint64_t write_count() const { return writes_ + write_epoch_; }

  // Counters are merged (added) at commit, so concurrent writers never
  // conflict on them.
  void AddToCounter(CounterKind kind, uint32_t id, int64_t delta);
  Result<int64_t> Counter(CounterKind kind, uint32_t id) const;
  // The same for a counter under a meta key of its own (key_codec.h).
  void AddToCounter(std::string key, int64_t delta) { counter_deltas_[std::move(key)] += delta; }
  Result<int64_t> Counter(const std::string& key) const;

  void Validate(std::string conflict_key) { validate_.push_back(std::move(conflict_key)); }
  void Publish(std::string conflict_key) { publish_.push_back(std::move(conflict_key)); }
  void ValidateAndPublish(const std::string& conflict_key) {
    validate_.push_back(conflict_key);
    publish_.push_back(conflict_key);
  }

  // An iterator over ks seeing this transaction's writes. total_order: the
  // caller may cross prefix boundaries (full scans) on prefix-extracted
  // families. The transaction must outlive it.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Keyspace ks, bool total_order = true) const;

  // Calls fn(key, value) for each key starting with prefix, in key order,
  // until fn returns false. Reuses a cached iterator when it can.
  template <class Fn>
  Status ScanPrefix(Keyspace ks, std::string_view prefix, Fn&& fn) const {
    IteratorLease lease = Lease(ks);
    rocksdb::Iterator* it = lease.get();
    for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
      rocksdb::Slice k = it->key();
      if (!k.starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) break;
      rocksdb::Slice v = it->value();
      if (!fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
    }
    return FromRocks(it->status(), KeyspaceName(ks));
  }

  // Calls fn(key, value) for the first key at or after target, if any.
  template <class Fn>
  Status FirstAtOrAfter(Keyspace ks, std::string_view target, Fn&& fn) const {
    IteratorLease lease = Lease(ks);
    rocksdb::Iterator* it = lease.get();
    it->Seek(rocksdb::Slice(target.data(), target.size()));
    if (it->Valid()) {
      rocksdb::Slice k = it->key(), v = it->value();
      fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()));
    }
    return FromRocks(it->status(), KeyspaceName(ks));
  }

  Status Commit();
  void Rollback();

  // Statement-level undo inside a transaction: RollbackToSavePoint discards
  // every write (and counter change) made since the matching SetSavePoint.
  void SetSavePoint();
  void RollbackToSavePoint();
  void PopSavePoint();

  // Used by Store::Commit: the batch holding every write.
  rocksdb::WriteBatch* write_batch() { return indexed_ ? batch_.GetWriteBatch() : &pending_; }
  const std::vector<std::string>& validate_keys() const { return validate_; }
  const std::vector<std::string>& publish_keys() const { return publish_; }
  const std::unordered_map<std::string, int64_t>& counter_deltas() const { return counter_deltas_; }
  const rocksdb::Snapshot* snapshot() const { return snapshot_; }
  void MarkFinished();

 private:
  // A borrowed cached iterator or an owned fresh one.
  class IteratorLease {
   public:
    IteratorLease(rocksdb::Iterator* borrowed, bool* in_use) : it_(borrowed), in_use_(in_use) {}
    explicit IteratorLease(std::unique_ptr<rocksdb::Iterator> owned)
        : it_(owned.get()), owned_(std::move(owned)) {}
    IteratorLease(IteratorLease&& o) noexcept
        : it_(o.it_), owned_(std::move(o.owned_)), in_use_(o.in_use_) { o.in_use_ = nullptr; }
    ~IteratorLease() { if (in_use_) *in_use_ = false; }
    rocksdb::Iterator* get() const { return it_; }

   private:
    rocksdb::Iterator* it_;
    std::unique_ptr<rocksdb::Iterator> owned_;
    bool* in_use_ = nullptr;
  };
  IteratorLease Lease(Keyspace ks) const;
  rocksdb::ReadOptions ReadOptionsFor(Keyspace ks, bool total_order) const;

  void Start();
  std::shared_ptr<Store> store_;
  WriteTurn turn_;
  bool read_only_;
  bool finished_ = false;
  Status start_error_;
  std::shared_ptr<Store::Instance> inst_;  // null when the start failed
  bool reading_ = false;                   // began with Store::BeginRead
  const rocksdb::Snapshot* snapshot_ = nullptr;
  std::shared_ptr<const IndexCatalog> catalog_;
  // Writes are appended to pending_ (cheap) until a read needs to see them;
  // then they move into batch_, which indexes them for reads, and later
  // writes go straight there.
  void IndexWrites() const;
  bool NeedsIndex(Keyspace ks) const { return !indexed_ && writes_per_keyspace_[static_cast<int>(ks)] != 0; }
  mutable rocksdb::WriteBatch pending_;
  mutable rocksdb::WriteBatchWithIndex batch_;
  mutable bool indexed_ = false;
  size_t writes_ = 0;
  uint64_t write_epoch_ = 0;  // bumped on rollbacks, so write_count() never repeats
  size_t writes_per_keyspace_[kKeyspaceCount] = {};
  std::unordered_map<std::string, int64_t> counter_deltas_;
  std::vector<std::string> validate_;
  std::vector<std::string> publish_;
  struct CachedIterator {
    std::unique_ptr<rocksdb::Iterator> it;
    bool in_use = false;
  };
  mutable CachedIterator cached_[kKeyspaceCount];
  mutable std::unique_ptr<rocksdb::Iterator> following_;  // GetFollowing's, in following_ks_
  mutable Keyspace following_ks_ = Keyspace::kMeta;
  struct SavePoint {
    size_t writes;
    size_t writes_per_keyspace[kKeyspaceCount];
    std::unordered_map<std::string, int64_t> counter_deltas;
    size_t validate, publish;
  };
  std::vector<SavePoint> save_points_;
};

}  // namespace kg::storage
