// Store: the RocksDB database behind one kg directory. Owns the column
// families (one per Keyspace), the interned dictionary, id allocation, the
// index catalog, and the commit path with its write-conflict check.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
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
// records.h); version 4 added relationship-record blocks (key_codec.h);
// version 5 added temporal property values (kg/temporal.h); version 6
// added full-text indexes (key_codec.h) and index record version 2. A
// database of an older version is one of this version too, and is marked
// with this version when opened for writing, so that an older kg refuses
// it.
inline constexpr uint32_t kFormatVersion = 6;

class StoreTransaction;
class Store;
class TurnWatcher;

// This process's turn to write (Store::TakeTurn): given back when it is
// destroyed or released. Turns nest within a process: while any thread
// holds one, the others' are free.
class WriteTurn {
 public:
  WriteTurn() = default;
  WriteTurn(WriteTurn&& o) noexcept : store_(o.store_) { o.store_ = nullptr; }
  WriteTurn& operator=(WriteTurn&& o) noexcept;
  ~WriteTurn() { Release(); }
  bool held() const { return store_ != nullptr; }
  void Release();

 private:
  friend class Store;
  explicit WriteTurn(Store* store) : store_(store) {}
  Store* store_ = nullptr;
};

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

// Fault-injection tests: the Env every store opened from now on runs its
// RocksDB files on (nullptr: RocksDB's default). Not for other use.
void SetEnvForTesting(rocksdb::Env* env);

class Store : public std::enable_shared_from_this<Store> {
 public:
  static Result<std::shared_ptr<Store>> Open(const std::string& path, const Options& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  // Several processes share a directory. RocksDB lets one of them at a time
  // open it as the primary, the one instance that writes; the others open
  // secondary instances, which read the primary's files and log and catch
  // up with its commits when a transaction begins while no other
  // transaction of their process reads, so that every transaction reads
  // one state from its first read to its last.
  //
  // A read-only store is only ever a secondary: it needs no write access
  // to the directory. A store that writes takes turns with the other
  // processes (TakeTurn): the turn is a lock on the file kg-turn, which
  // dies with its process, and whoever takes it writes its process id and
  // a token of its store there. The primary stays with the last process
  // that wrote, which reads through it, until another process takes the
  // turn: a thread of the primary's store watches kg-turn and, seeing a
  // token not its own while its own process holds no turn, closes its
  // primary (once the transactions reading it end) and reads through a
  // secondary from then on; the new turn holder opens the primary as soon
  // as RocksDB's LOCK is free.
  bool read_only() const { return options_.read_only; }
  const Options& options() const { return options_; }

  // Dictionary. Intern assigns an id to a new name and stores it at once, in
  // its own write (taking a turn if the caller holds none): ids are cheap
  // and harmless if the transaction that asked for one rolls back.
  Result<uint32_t> Intern(DictKind kind, std::string_view name);
  std::optional<uint32_t> Lookup(DictKind kind, std::string_view name) const;
  // The name of id; an empty string for an id never assigned.
  std::string Name(DictKind kind, uint32_t id) const;
  std::vector<std::string> Names(DictKind kind) const;

  // Ids are allocated in memory from a high-water mark that is persisted
  // ahead of use, so an id is never handed out twice, even after a crash or
  // by two processes: a range is reserved (with a turn) above the mark as
  // stored, and is this process's alone.
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

  // Waits for this process's turn to write (at most Options::busy_timeout,
  // giving up early once *cancel is set), then makes this store the
  // primary. Fails with kBusy naming the process that holds the turn, or
  // kAborted when cancelled. Immediate while another thread of the process
  // holds a turn.
  Result<WriteTurn> TakeTurn(const std::atomic<bool>* cancel = nullptr);
  // A write the file system refused (no space, an I/O error) leaves the
  // store refusing writes, with that first error, until it is opened again:
  // RocksDB's state after such an error is not one to write on (its
  // recovery is the log replay of the next open).
  Status WriteRefused(Status s);
  Status Failure() const;

  // A primary's claim on its directory's RocksDB lock (store.cc).
  class PrimaryClaim;
  // One RocksDB open of the directory: the primary, or a secondary.
  struct Instance {
    // Declared first, so released only after the database has closed.
    std::unique_ptr<PrimaryClaim> claim;
    std::unique_ptr<rocksdb::DB> db;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::string secondary_path;  // a secondary's own files, removed on close
    bool flush_on_close = false;
    bool primary() const { return secondary_path.empty(); }
    rocksdb::ColumnFamilyHandle* cf(Keyspace ks) const { return handles[static_cast<int>(ks)]; }
    Instance() = default;
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;
    ~Instance();
  };
  // The instance a transaction reads: the primary while this process has
  // it, else the secondary (caught up when the process reads nothing).
  // EndRead(instance) when done.
  Result<std::shared_ptr<Instance>> BeginRead();
  void EndRead(const Instance& instance);
  // REQUIRES: a turn is held. The primary.
  std::shared_ptr<Instance> WriteInstance() const;

  // Starts tracking a transaction's snapshot on the primary; returns it.
  const rocksdb::Snapshot* AcquireSnapshot(Instance& primary);
  void ReleaseSnapshot(Instance& primary, const rocksdb::Snapshot* snapshot);

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
  friend class WriteTurn;
  friend class TurnWatcher;
  friend struct StoreInternals;
  // The instance this process reads now (tests and the integrity check).
  std::shared_ptr<Instance> Current() const;
  Store(std::string path, const Options& options);
  Status OpenDb();
  // Refuses a RocksDB database that is not kg's, before anything is
  // written to it.
  Status CheckIsKg() const;
  Result<std::shared_ptr<Instance>> OpenInstance(bool primary, bool create, bool handing_over = false);
  // The secondary, opened (with the format checked and the names read)
  // unless it is. REQUIRES: reading_mu_ held.
  Status OpenSecondaryLocked();
  rocksdb::DBOptions DbOptions() const;
  rocksdb::ColumnFamilyOptions CfOptions(Keyspace ks) const;
  // Removes the readers' directories (kg-reader-PID-*) in temp of
  // processes no longer alive.
  static void SweepReaderDirectories(const std::filesystem::path& temp);
  Status LoadMeta(Instance& inst);
  // The names, bulk-load ranges and index catalog, read again (after
  // catching up, or on becoming the primary).
  Status LoadNamesAndCatalog(Instance& inst);
  // The turn file: its lock, the token in it, the process holding it.
  Status OpenTurnFile();
  bool TryLockTurn();
  void WriteToken();
  std::string ReadToken() const;
  Status BusyError(std::string_view waiting_for) const;
  // With the turn held: the primary, opened (or kept) as soon as RocksDB's
  // LOCK is free, waiting until deadline.
  Status BecomePrimary(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel);
  Status Promoted(const std::shared_ptr<Instance>& primary);
  void ReleaseTurn();
  // Called by the process's watcher (TurnWatcher) when the turn file was
  // written: gives up the primary when another process has the turn.
  void HandOverIfAsked();
  Status Reserve(Instance& primary, const std::string& mark_key, uint64_t* next, uint64_t* reserved, uint64_t count);
  // count consecutive ids from *next, reserving a new range above the mark
  // (mark_key) when *reserved is reached.
  Result<uint64_t> AllocateIds(const std::string& mark_key, uint64_t* next, uint64_t* reserved, uint64_t count);
  // Writes txn's batch (not synced); *written is the sequence number
  // it reached.
  Status CommitLocked(StoreTransaction& txn, rocksdb::SequenceNumber* written);
  // Group commit: returns once the log is synced up to written. One caller
  // at a time syncs, for everything written before it began; those that
  // wrote meanwhile wait and then share the next sync.
  Status SyncLog(Instance& primary, rocksdb::SequenceNumber written);
  Status IngestLocked(Instance& primary, const std::vector<IngestFile>& files);

  std::string path_;
  Options options_;
  rocksdb::WriteOptions write_options_;   // single writes: synced when commits are
  std::atomic<bool> failed_{false};
  mutable std::mutex failure_mu_;
  Status failure_;
  rocksdb::WriteOptions commit_options_;  // transactions: never (SyncLog syncs them)
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::shared_ptr<rocksdb::MergeOperator> merge_;

  mutable std::mutex instances_mu_;
  std::shared_ptr<Instance> primary_;    // while this process writes, or wrote last
  std::weak_ptr<Instance> released_;     // a primary given up, while transactions still read it
  std::shared_ptr<Instance> secondary_;  // reads while another process has the primary
  std::mutex reading_mu_;
  std::atomic<bool> readers_swept_{false};  // once per store, at its first reader
  int open_reads_ = 0;  // transactions reading the secondary

  int turn_fd_ = -1;  // kg-turn, locked (flock) while this process has a turn
  std::string token_;
  std::mutex turn_acquire_mu_;  // one thread of the process waits for the turn
  mutable std::mutex turn_mu_;
  int turns_ = 0;  // turns this process holds
  bool watched_ = false;  // registered with the TurnWatcher

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
  // A transaction takes its catalog and its snapshot under this (shared),
  // a catalog change writes and publishes under it (exclusive): the catalog
  // a transaction plans by is the one its snapshot holds the entries of.
  std::shared_mutex catalog_change_mu_;

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
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool syncing_ = false;
  rocksdb::SequenceNumber synced_ = 0;  // the log is synced up to here
  uint64_t syncs_ = 0;                  // syncs made by commits
  std::mutex snapshots_mu_;
  std::multiset<rocksdb::SequenceNumber> live_snapshots_;
};

// A store's RocksDB handles, for storage/ itself and white-box tests.
struct StoreInternals {
  static rocksdb::DB* db(const Store& store) { return store.Current()->db.get(); }
  static rocksdb::ColumnFamilyHandle* cf(const Store& store, Keyspace ks) { return store.Current()->cf(ks); }
  static uint64_t log_syncs(Store& store) {
    std::lock_guard lock(store.sync_mu_);
    return store.syncs_;
  }
};

}  // namespace kg::storage
