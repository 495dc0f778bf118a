// Store: the RocksDB database behind one kg directory. Owns the column
// families (one per Keyspace), the interned dictionary, id allocation, the
// index catalog, and the commit path with its write-conflict check.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rocksdb/db.h>

#include "kg/options.h"
#include "kg/status.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace kg::storage {

// The on-disk format this kg writes. Opening a database with a larger value
// fails with StatusCode::kNotSupported. Version 2 added adjacency blocks
// (see key_codec.h); version 3 writes records with the compact archive (see
// records.h); version 4 added relationship-record blocks (key_codec.h). A
// database of an older version is one of this version too, and is marked
// with this version when opened for writing, so that an older kg refuses
// it.
inline constexpr uint32_t kFormatVersion = 4;

class StoreTransaction;

// The property indexes and unique constraints, as one immutable version.
// Transactions keep the version they started with; a commit made against an
// older version than the current one is refused as a conflict.
struct IndexCatalog {
  uint64_t version = 0;
  std::vector<IndexRecord> indexes;

  // Indexes on (label, key), in id order.
  std::vector<const IndexRecord*> For(uint32_t label, uint32_t property_key) const;
  // Indexes whose label is any of labels.
  std::vector<const IndexRecord*> ForLabels(const std::vector<uint32_t>& labels) const;
  const IndexRecord* ByName(std::string_view name) const;
  // The id a new index takes: one past the largest in use.
  uint32_t NextId() const;
};

Status FromRocks(const rocksdb::Status& s, std::string_view context);

class Store : public std::enable_shared_from_this<Store> {
 public:
  static Result<std::shared_ptr<Store>> Open(const std::string& path, const Options& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  // A read-only store is a RocksDB secondary instance: it opens beside a
  // process that writes (or none), needs no write access to the directory,
  // and catches up with the writer's commits when a transaction begins
  // while no other transaction of this process is open, so that every
  // transaction reads one state from its first read to its last.
  bool read_only() const { return options_.read_only; }
  const Options& options() const { return options_; }

  // Dictionary. Intern assigns an id to a new name and stores it at once, in
  // its own write: ids are cheap and harmless if the transaction that asked
  // for one rolls back.
  Result<uint32_t> Intern(DictKind kind, std::string_view name);
  std::optional<uint32_t> Lookup(DictKind kind, std::string_view name) const;
  // The name of id; an empty string for an id never assigned.
  std::string Name(DictKind kind, uint32_t id) const;
  std::vector<std::string> Names(DictKind kind) const;

  // Ids are allocated in memory from a high-water mark that is persisted
  // ahead of use, so an id is never handed out twice, even after a crash.
  Result<uint64_t> AllocateNodeId();
  Result<uint64_t> AllocateEdgeId();
  // count consecutive edge ids; returns the first. Those a caller does not
  // use are never handed out again (bulk loads take them in blocks).
  Result<uint64_t> AllocateEdgeIds(uint64_t count);

  std::shared_ptr<const IndexCatalog> catalog() const;
  // Runs change(txn, old, &next, &files) in a fresh transaction, then
  // commits it together with the catalog change while holding the commit
  // lock, so no other commit can slip between the build and the switch.
  // A change that writes much may instead leave txn empty and return its
  // writes as sorted files (see Ingest), ingested in one atomic step.
  struct IngestFile;
  using CatalogChange =
      std::function<Status(StoreTransaction&, const IndexCatalog&, IndexCatalog*, std::vector<IngestFile>*)>;
  Status ChangeCatalog(const CatalogChange& change);

  // Starts tracking a transaction's snapshot; returns it.
  const rocksdb::Snapshot* AcquireSnapshot();
  void ReleaseSnapshot(const rocksdb::Snapshot* snapshot);

  // Validates txn against commits made after its snapshot and writes it.
  Status Commit(StoreTransaction& txn);

  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Bulk loads: sorted files made with rocksdb::SstFileWriter, ingested into
  // their column families in one atomic step. Under the commit lock,
  // prepare(latest, files) runs first (it may read the latest committed
  // state, check it, and add files, e.g. counters); the ingestion is refused
  // as a conflict when the index catalog is no longer catalog_version.
  // publish_keys are published as a commit's are.
  struct IngestFile {
    Keyspace keyspace;
    std::string path;
  };
  // A fresh directory for the files of a bulk write, inside the database
  // directory (so ingestion moves them); removed by the next open if left.
  std::string BulkDirectory() const;
  Status Ingest(uint64_t catalog_version, std::vector<IngestFile> files,
                const std::function<Status(const StoreTransaction& latest, std::vector<IngestFile>* files)>& prepare,
                const std::vector<std::string>& publish_keys);
  // The options SstFileWriter needs to make files for a keyspace, and the
  // file options to give it: a file is handed to the disk a megabyte at a
  // time as it grows, so that finishing a large one waits for its end only.
  //
  // Files of records under ids no other file holds (new_ids) are made
  // without a Bloom filter: a point read reaches such a file only for an
  // id in its range, and every one of those is in it (a later delete is a
  // tombstone above it), so a filter would never spare a block read.
  // Compaction adds the filter back when it rewrites the file.
  rocksdb::Options SstOptions(Keyspace ks, bool new_ids = false) const;
  static rocksdb::EnvOptions SstFileOptions();
  // Writes keys, sorted and distinct, with their values (none given: every
  // value empty) into a file for ks at path.
  Status WriteSortedFile(Keyspace ks, std::span<const std::string_view> keys, std::span<const std::string_view> values,
                         const std::string& path) const;

  // Flushes memtables and compacts every column family to the last level.
  Status Compact();

  // Adjacency blocks (see key_codec.h) exist only where bulk loads wrote
  // them, around the nodes they created. A bulk load notes its node range
  // (under the commit lock, before its files are ingested) and writes it
  // as a meta key with them; deleting an edge looks for blocks only when
  // one of its ends lies in a noted range.
  void NoteBlockRange(uint64_t first_node, uint64_t last_node) { block_nodes_.Note(first_node, last_node); }
  bool MayAnchorBlocks(uint64_t node) const { return block_nodes_.Contains(node); }
  // Relationship-record blocks, the same way: the relationship ids of each
  // bulk load. A point read looks for a block only for an id in them.
  void NoteEdgeBlockRange(uint64_t first_edge, uint64_t last_edge) { block_edges_.Note(first_edge, last_edge); }
  bool MayHoldEdgeBlocks(uint64_t edge) const { return block_edges_.Contains(edge); }

 private:
  // The RocksDB handles stay inside storage/: transactions, sorted files
  // and the integrity check reach them; tests through StoreInternals.
  friend class StoreTransaction;
  friend struct StoreInternals;
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Keyspace ks) const { return handles_[static_cast<int>(ks)]; }
  Store(std::string path, const Options& options);
  Status OpenDb();
  Status LoadMeta();
  // The names, bulk-load ranges and index catalog, read again (a reader,
  // after catching up).
  Status LoadNamesAndCatalog();
  // A reader's transactions: the first of a quiet moment catches up.
  void BeginRead();
  void EndRead();
  Status Reserve(const std::string& mark_key, uint64_t* reserved, uint64_t needed);
  Status CommitLocked(StoreTransaction& txn);
  Status IngestLocked(const std::vector<IngestFile>& files);

  std::string path_;
  Options options_;
  rocksdb::WriteOptions write_options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::string secondary_path_;  // a reader's own files (its log), removed on close
  std::mutex reading_mu_;
  int open_reads_ = 0;

  mutable std::shared_mutex dict_mu_;
  struct Dictionary {
    std::unordered_map<std::string, uint32_t> ids;
    std::vector<std::string> names;  // index = id; id 0 unused
  };
  Dictionary dicts_[3];
  Dictionary& dict(DictKind kind);
  const Dictionary& dict(DictKind kind) const;

  std::mutex id_mu_;
  uint64_t next_node_ = 1, reserved_node_ = 1;
  uint64_t next_edge_ = 1, reserved_edge_ = 1;

  mutable std::mutex catalog_mu_;
  std::shared_ptr<const IndexCatalog> catalog_;

  // Id ranges first..last; those of different loads never overlap, each
  // taking fresh ids.
  class IdRanges {
   public:
    void Note(uint64_t first, uint64_t last);
    bool Contains(uint64_t id) const;

   private:
    mutable std::mutex mu_;
    std::map<uint64_t, uint64_t> ranges_;  // first -> last
  };
  IdRanges block_nodes_, block_edges_;

  // Commit-time conflict detection: the sequence number of the last commit
  // that published each conflict key, kept while some live snapshot is older.
  std::mutex commit_mu_;
  std::unordered_map<std::string, rocksdb::SequenceNumber> last_publish_;
  std::mutex snapshots_mu_;
  std::multiset<rocksdb::SequenceNumber> live_snapshots_;
};

// A store's RocksDB handles, for storage/ itself and white-box tests.
struct StoreInternals {
  static rocksdb::DB* db(const Store& store) { return store.db(); }
  static rocksdb::ColumnFamilyHandle* cf(const Store& store, Keyspace ks) { return store.cf(ks); }
};

}  // namespace kg::storage
