#include "storage/store_transaction.h"

#include <algorithm>

namespace kg::storage {

StoreTransaction::StoreTransaction(std::shared_ptr<Store> store, bool read_only)
    : store_(std::move(store)),
      read_only_(read_only || store_->read_only()),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {
  if (!read_only_) {
    auto turn = store_->TakeTurn();
    if (turn.ok()) turn_ = std::move(*turn);
    else start_error_ = turn.status();
  }
  Start();
}

StoreTransaction::StoreTransaction(std::shared_ptr<Store> store, WriteTurn turn)
    : store_(std::move(store)),
      turn_(std::move(turn)),
      read_only_(false),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {
  Start();
}

void StoreTransaction::Start() {
  // A write transaction reads the primary its turn keeps open; any other
  // reads the instance its process reads now, a secondary catching up
  // before the transaction's first look at anything, the catalog included.
  if (turn_.held()) {
    inst_ = store_->WriteInstance();
  } else {
    auto inst = store_->BeginRead();
    if (inst.ok()) {
      inst_ = std::move(*inst);
      reading_ = true;
    } else if (start_error_.ok()) {
      start_error_ = inst.status();  // nothing to read through: every read fails with it
    }
  }
  std::shared_lock lock(store_->catalog_change_mu_);
  catalog_ = store_->catalog();
  if (inst_ && inst_->primary()) snapshot_ = store_->AcquireSnapshot(*inst_);
}

StoreTransaction::~StoreTransaction() {
  for (auto& c : cached_) c.it.reset();
  following_.reset();
  if (inst_) store_->ReleaseSnapshot(*inst_, snapshot_);
  if (reading_) store_->EndRead(*inst_);
}

rocksdb::ReadOptions StoreTransaction::ReadOptionsFor(Keyspace ks, bool total_order) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  bool prefixed = ks == Keyspace::kOut || ks == Keyspace::kIn;
  ro.total_order_seek = total_order || !prefixed;
  ro.prefix_same_as_start = prefixed && !total_order;
  return ro;
}

namespace {

// Replays a plain batch into an indexed one.
class Reindex : public rocksdb::WriteBatch::Handler {
 public:
  Reindex(rocksdb::WriteBatchWithIndex* out, const Store::Instance& inst) : out_(out), inst_(inst) {}
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return out_->Put(Handle(cf), k, v);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override { return out_->Delete(Handle(cf), k); }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
    return out_->Merge(Handle(cf), k, v);
  }

 private:
  rocksdb::ColumnFamilyHandle* Handle(uint32_t id) const {
    for (int i = 0; i < kKeyspaceCount; ++i)
      if (inst_.cf(static_cast<Keyspace>(i))->GetID() == id) return inst_.cf(static_cast<Keyspace>(i));
    return inst_.cf(Keyspace::kMeta);
  }
  rocksdb::WriteBatchWithIndex* out_;
  const Store::Instance& inst_;
};

}  // namespace

void StoreTransaction::IndexWrites() const {
  if (indexed_) return;
  Reindex handler(&batch_, *inst_);
  pending_.Iterate(&handler);
  pending_.Clear();
  indexed_ = true;
}

Status StoreTransaction::Get(Keyspace ks, std::string_view key, std::string* value) const {
  if (!inst_) return start_error_;
  if (NeedsIndex(ks)) IndexWrites();
  rocksdb::ReadOptions ro = ReadOptionsFor(ks, true);
  rocksdb::Slice k(key.data(), key.size());
  rocksdb::Status s =
      writes_per_keyspace_[static_cast<int>(ks)] == 0
          ? inst_->db->Get(ro, inst_->cf(ks), k, value)
          : const_cast<rocksdb::WriteBatchWithIndex&>(batch_).GetFromBatchAndDB(
                inst_->db.get(), ro, inst_->cf(ks), k, value);
  if (s.IsNotFound()) return Status(StatusCode::kNotFound, "");
  return FromRocks(s, KeyspaceName(ks));
}

Status StoreTransaction::GetFollowing(Keyspace ks, std::string_view key, std::string* value) const {
  if (!inst_) return start_error_;
  if (writes_per_keyspace_[static_cast<int>(ks)] != 0) return Get(ks, key, value);
  constexpr int kSteps = 8;
  rocksdb::Slice k(key.data(), key.size());
  bool there = false;
  if (following_ && following_ks_ == ks && following_->Valid() && following_->key().compare(k) <= 0) {
    for (int i = 0; i < kSteps && following_->Valid() && following_->key().compare(k) < 0; ++i) following_->Next();
    there = !following_->Valid() ? following_->status().ok() : following_->key().compare(k) >= 0;
  }
  if (!there) {
    if (!following_ || following_ks_ != ks) {
      following_.reset(inst_->db->NewIterator(ReadOptionsFor(ks, true), inst_->cf(ks)));
      following_ks_ = ks;
    }
    following_->Seek(k);
  }
  if (!following_->Valid()) {
    if (!following_->status().ok()) return FromRocks(following_->status(), KeyspaceName(ks));
    return Status(StatusCode::kNotFound, "");
  }
  if (following_->key() != k) return Status(StatusCode::kNotFound, "");
  rocksdb::Slice v = following_->value();
  value->assign(v.data(), v.size());
  return Status::OK();
}

void StoreTransaction::Put(Keyspace ks, std::string_view key, std::string_view value) {
  if (!inst_) return;  // the commit fails with start_error_
  rocksdb::Slice k(key.data(), key.size()), v(value.data(), value.size());
  if (indexed_) batch_.Put(inst_->cf(ks), k, v);
  else pending_.Put(inst_->cf(ks), k, v);
  ++writes_;
  ++writes_per_keyspace_[static_cast<int>(ks)];
}

void StoreTransaction::Delete(Keyspace ks, std::string_view key) {
  if (!inst_) return;
  rocksdb::Slice k(key.data(), key.size());
  if (indexed_) batch_.Delete(inst_->cf(ks), k);
  else pending_.Delete(inst_->cf(ks), k);
  ++writes_;
  ++writes_per_keyspace_[static_cast<int>(ks)];
}

void StoreTransaction::AddToCounter(CounterKind kind, uint32_t id, int64_t delta) {
  counter_deltas_[key::Counter(kind, id)] += delta;
}

Result<int64_t> StoreTransaction::Counter(CounterKind kind, uint32_t id) const { return Counter(key::Counter(kind, id)); }

Result<int64_t> StoreTransaction::Counter(const std::string& k) const {
  std::string v;
  if (!inst_) return start_error_;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  int64_t count = 0;
  rocksdb::Status s = inst_->db->Get(ro, inst_->cf(Keyspace::kMeta), k, &v);
  if (s.ok() && v.size() == 8) count = key::GetI64(v.data());
  else if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading a counter");
  if (auto it = counter_deltas_.find(k); it != counter_deltas_.end()) count += it->second;
  return count;
}

std::unique_ptr<rocksdb::Iterator> StoreTransaction::NewIterator(Keyspace ks, bool total_order) const {
  if (!inst_) return std::unique_ptr<rocksdb::Iterator>(rocksdb::NewErrorIterator(rocksdb::Status::Busy(start_error_.message())));
  if (NeedsIndex(ks)) IndexWrites();
  rocksdb::ReadOptions ro = ReadOptionsFor(ks, total_order);
  std::unique_ptr<rocksdb::Iterator> base(inst_->db->NewIterator(ro, inst_->cf(ks)));
  if (writes_per_keyspace_[static_cast<int>(ks)] == 0) return base;
  return std::unique_ptr<rocksdb::Iterator>(
      const_cast<rocksdb::WriteBatchWithIndex&>(batch_).NewIteratorWithBase(inst_->cf(ks),
                                                                            base.release()));
}

StoreTransaction::IteratorLease StoreTransaction::Lease(Keyspace ks) const {
  CachedIterator& c = cached_[static_cast<int>(ks)];
  if (writes_per_keyspace_[static_cast<int>(ks)] != 0 || c.in_use)
    return IteratorLease(NewIterator(ks, false));
  if (!c.it) c.it = NewIterator(ks, false);
  c.in_use = true;
  return IteratorLease(c.it.get(), &c.in_use);
}

void StoreTransaction::SetSavePoint() {
  IndexWrites();  // savepoints live in the indexed batch
  SavePoint sp;
  sp.writes = writes_;
  std::copy(std::begin(writes_per_keyspace_), std::end(writes_per_keyspace_), sp.writes_per_keyspace);
  sp.counter_deltas = counter_deltas_;
  sp.validate = validate_.size();
  sp.publish = publish_.size();
  save_points_.push_back(std::move(sp));
  batch_.SetSavePoint();
}

void StoreTransaction::RollbackToSavePoint() {
  if (save_points_.empty()) return;
  SavePoint sp = std::move(save_points_.back());
  save_points_.pop_back();
  write_epoch_ += writes_ + 1;
  batch_.RollbackToSavePoint();
  // Iterators cached while the keyspace had no writes stay valid only if it
  // has none again; drop them all to be safe.
  for (auto& c : cached_)
    if (!c.in_use) c.it.reset();
  writes_ = sp.writes;
  std::copy(std::begin(sp.writes_per_keyspace), std::end(sp.writes_per_keyspace), writes_per_keyspace_);
  counter_deltas_ = std::move(sp.counter_deltas);
  validate_.resize(sp.validate);
  publish_.resize(sp.publish);
}

void StoreTransaction::PopSavePoint() {
  if (save_points_.empty()) return;
  save_points_.pop_back();
  batch_.PopSavePoint();
}

void StoreTransaction::MarkFinished() {
  finished_ = true;
  // The turn goes back with the end of the writes, before the transaction
  // object does.
  turn_.Release();
  batch_.Clear();
  pending_.Clear();
  indexed_ = false;
  writes_ = 0;
  for (auto& n : writes_per_keyspace_) n = 0;
  counter_deltas_.clear();
  validate_.clear();
  publish_.clear();
  save_points_.clear();
}

Status StoreTransaction::Commit() {
  if (finished_) return Status::Aborted("the transaction has already ended");
  if (!has_writes()) {
    MarkFinished();
    return Status::OK();
  }
  if (read_only_) return Status::ReadOnly("cannot commit writes in a read-only transaction");
  Status s = start_error_.ok() ? store_->Commit(*this) : start_error_;
  MarkFinished();
  return s;
}

void StoreTransaction::Rollback() { MarkFinished(); }

}  // namespace kg::storage
