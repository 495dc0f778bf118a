#include "storage/store.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <ctime>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>

#include "kg/utf8.h"
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
// A primary handed to another process is flushed first only when its
// memtables hold this much: the next primary replays the rest of the log.
constexpr uint64_t kFlushOnHandOverFrom = 8 << 20;
// Logs a primary closed for good may leave behind, holding nothing unflushed.
constexpr size_t kLogsKept = 8;

// The directories whose RocksDB LOCK this process holds, or is about to
// take: each primary instance claims its directory, by identity (device and
// inode, however the path is spelled), from before it opens until after it
// has closed.
// - One primary per directory in the process: RocksDB's own check knows the
//   path only as spelled, and under another spelling it would open a second
//   primary beside the first.
// - While a directory is claimed nothing else in the process opens its LOCK
//   file: closing any descriptor of a file drops every POSIX lock the
//   process holds on it, RocksDB's own included.
class PrimaryClaims {
 public:
  using Id = std::pair<dev_t, ino_t>;

  static PrimaryClaims& Get() {
    static PrimaryClaims* claims = new PrimaryClaims();  // outlives every store
    return *claims;
  }

  static std::optional<Id> IdOf(const std::string& dir) {
    struct stat st = {};
    if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
    return Id{st.st_dev, st.st_ino};
  }

  // False when the directory is claimed already.
  bool TryClaim(const Id& id) {
    std::lock_guard lock(mu_);
    return claimed_.insert(id).second;
  }

  void Release(const Id& id) {
    std::lock_guard lock(mu_);
    claimed_.erase(id);
  }

  // The process holding RocksDB's LOCK on dir, or 0 when none does (or this
  // process does). The LOCK file is opened only while the process holds no
  // lock on it, and closed again at once.
  pid_t LockHolder(const std::string& dir) {
    auto id = IdOf(dir);
    if (!id) return 0;
    std::lock_guard lock(mu_);
    if (claimed_.count(*id)) return 0;
    int fd = ::open((dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct flock query = {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    pid_t holder = 0;
    if (::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK) holder = query.l_pid;
    ::close(fd);
    return holder;
  }

 private:
  std::mutex mu_;
  std::set<Id> claimed_;
};

pid_t LockHolder(const std::string& dir) { return PrimaryClaims::Get().LockHolder(dir); }

}  // namespace

// REQUIRES: PrimaryClaims::TryClaim(id) succeeded.
class Store::PrimaryClaim {
 public:
  explicit PrimaryClaim(PrimaryClaims::Id id) : id_(id) {}
  ~PrimaryClaim() { PrimaryClaims::Get().Release(id_); }
  PrimaryClaim(const PrimaryClaim&) = delete;
  PrimaryClaim& operator=(const PrimaryClaim&) = delete;

 private:
  PrimaryClaims::Id id_;
};

// The watcher of a process's primaries: one thread and one inotify
// instance for every store, woken as soon as a turn file is written (a
// look every second besides; every 20 ms without inotify). Neither is ever
// closed: closing an inotify instance waits for the kernel to retire its
// watches, milliseconds that every close of a database would pay.
class TurnWatcher {
 public:
  static TurnWatcher& Get() {
    static TurnWatcher* watcher = new TurnWatcher();
    return *watcher;
  }

  void Add(Store* store, const std::string& file) {
    std::lock_guard lock(mu_);
    int wd = fd_ >= 0 ? ::inotify_add_watch(fd_, file.c_str(), IN_MODIFY) : -1;
    stores_[store] = wd;
  }

  // After Remove returns, the watcher never calls store again.
  void Remove(Store* store) {
    std::lock_guard lock(mu_);
    auto it = stores_.find(store);
    if (it == stores_.end()) return;
    int wd = it->second;
    stores_.erase(it);
    // Stores of one file share its watch.
    bool shared = std::any_of(stores_.begin(), stores_.end(), [&](const auto& e) { return e.second == wd; });
    if (wd >= 0 && !shared) ::inotify_rm_watch(fd_, wd);
  }

 private:
  TurnWatcher() {
    fd_ = ::inotify_init1(IN_CLOEXEC);
    std::thread([this] { Run(); }).detach();
  }

  void Run() {
    for (;;) {
      pollfd p = {fd_, POLLIN, 0};
      int n = fd_ >= 0 ? ::poll(&p, 1, 1000) : ::poll(nullptr, 0, 20);
      std::set<int> written;
      if (n > 0) {
        alignas(inotify_event) char events[4096];
        ssize_t got = ::read(fd_, events, sizeof events);
        for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= got;) {
          const auto* e = reinterpret_cast<const inotify_event*>(events + at);
          written.insert(e->wd);
          at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
      }
      std::lock_guard lock(mu_);
      for (auto& [store, wd] : stores_)
        if (n <= 0 || wd < 0 || written.count(wd)) store->HandOverIfAsked();
    }
  }

  std::mutex mu_;
  int fd_ = -1;
  std::map<Store*, int> stores_;  // store -> its watch
};

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string m = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsIOError()) {
    // RocksDB reports a held LOCK file as an IO error: another instance is
    // the primary (the caller waits for it to be handed over).
    if (s.ToString().find("lock") != std::string::npos)
      return Status::Busy(std::string(context) + ": another process has the database open for writing (" +
                          s.ToString() + ")");
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
    if (!r.fulltext && r.label == label && r.property_key == property_key) out.push_back(&r);
  return out;
}

std::vector<const IndexRecord*> IndexCatalog::ForLabels(const std::vector<uint32_t>& labels) const {
  std::vector<const IndexRecord*> out;
  for (const auto& r : indexes)
    if (!r.fulltext && std::find(labels.begin(), labels.end(), r.label) != labels.end()) out.push_back(&r);
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

namespace {

// The entries in the memtables of every family, and their bytes.
struct MemtableUse {
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

MemtableUse MemtablesOf(const Store::Instance& inst) {
  MemtableUse use;
  for (auto* h : inst.handles) {
    uint64_t n = 0;
    if (inst.db->GetIntProperty(h, "rocksdb.cur-size-all-mem-tables", &n)) use.bytes += n;
    if (inst.db->GetIntProperty(h, "rocksdb.num-entries-active-mem-table", &n)) use.entries += n;
    if (inst.db->GetIntProperty(h, "rocksdb.num-entries-imm-mem-tables", &n)) use.entries += n;
  }
  return use;
}

// Table files are numbered in the order they are made: by a flush, a
// compaction or an ingestion.
uint64_t NewestTableNumber(const Store::Instance& inst) {
  std::vector<rocksdb::LiveFileMetaData> files;
  inst.db->GetLiveFilesMetaData(&files);
  uint64_t newest = 0;
  for (const auto& f : files) newest = std::max(newest, f.file_number);
  return newest;
}

}  // namespace

Store::Store(std::string path, const Options& options) : path_(std::move(path)), options_(options) {
  write_options_.sync = options.sync_commits;
}

Store::Instance::~Instance() {
  if (!db) return;
  if (primary()) {
    // A primary closed for good is flushed, so that the next open has
    // nothing to replay; one handed to another process only when its
    // memtables are large, so that the hand-over stays quick.
    auto [entries, unflushed] = MemtablesOf(*this);
    if (flush_on_close && entries == 0) {
      // RocksDB lets a log go only once a flush moves past it, and a flush
      // of empty memtables does nothing: each open that writes nothing
      // would leave one more (empty) log for every later open to replay.
      // Rewriting one key, unchanged, gives the flush something to do.
      size_t logs = 0;
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(db->GetName(), ec))
        logs += entry.path().extension() == ".log";
      std::string version;
      auto* meta = cf(Keyspace::kMeta);
      if (logs > kLogsKept && db->Get(rocksdb::ReadOptions(), meta, key::FormatVersion(), &version).ok())
        entries = db->Put(rocksdb::WriteOptions(), meta, key::FormatVersion(), version).ok() ? 1 : 0;
    }
    if ((flush_on_close && entries > 0) || unflushed >= kFlushOnHandOverFrom) {
      rocksdb::FlushOptions flush;
      flush.allow_write_stall = true;
      db->Flush(flush, handles);
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  handles.clear();
  db->Close();
  db.reset();
  if (!secondary_path.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_path, ec);
  }
}

Store::~Store() {
  if (watched_) TurnWatcher::Get().Remove(this);
  if (primary_) primary_->flush_on_close = true;
  primary_.reset();
  secondary_.reset();
  if (turn_fd_ >= 0) ::close(turn_fd_);
}

Result<std::shared_ptr<Store>> Store::Open(const std::string& path, const Options& options) {
  std::shared_ptr<Store> store(new Store(path, options));
  if (Status s = store->OpenDb(); !s.ok()) return s;
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
  if (exists) {
    if (Status s = CheckIsKg(); !s.ok()) return s;
  }
  if (!exists) {
    fs::create_directories(path_, ec);
    if (ec) return Status::IOError("cannot create directory '" + path_ + "': " + ec.message());
  }
  block_cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  merge_ = std::make_shared<CounterAddOperator>();

  if (options_.read_only) {
    std::lock_guard lock(reading_mu_);
    return OpenSecondaryLocked();
  }

  if (Status s = OpenTurnFile(); !s.ok()) return s;
  // The primary is free to take when no process holds the turn and none
  // has the primary open; otherwise this store reads through a secondary
  // until it first writes. A new database is made by whoever has the turn.
  auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
  bool locked = TryLockTurn();
  while (!locked && !exists) {
    if (std::chrono::steady_clock::now() >= deadline) return BusyError("its turn to create the database");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    locked = TryLockTurn();
    exists = fs::exists(fs::path(path_) / "CURRENT", ec);
  }
  std::shared_ptr<Instance> inst;
  if (locked && (!exists || LockHolder(path_) == 0)) {
    auto primary = OpenInstance(/*primary=*/true, !exists);
    if (primary.ok()) inst = std::move(*primary);
    else if (primary.status().code() != StatusCode::kBusy || !exists) {
      ::flock(turn_fd_, LOCK_UN);
      return primary.status();
    }
  }
  if (inst) {
    WriteToken();
    Status s = Promoted(inst);
    ::flock(turn_fd_, LOCK_UN);
    return s;
  }
  if (locked) ::flock(turn_fd_, LOCK_UN);
  std::lock_guard lock(reading_mu_);
  return OpenSecondaryLocked();
}

namespace {
std::atomic<rocksdb::Env*> test_env{nullptr};

// RocksDB's information log (warnings and errors only), written with stdio
// and its errors ignored: RocksDB's own log writer, once a write to it has
// failed (a full disk), stops the process at its next line in a build with
// assertions (Debian's), and a log line is never worth that.
class StdioLogger : public rocksdb::Logger {
 public:
  explicit StdioLogger(const std::string& path) : Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {
    std::error_code ec;
    bool large = std::filesystem::file_size(path, ec) > (4u << 20);
    file_ = std::fopen(path.c_str(), !ec && large ? "w" : "a");
  }
  ~StdioLogger() override {
    if (file_) std::fclose(file_);
  }
  using Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (!file_ || level < GetInfoLogLevel()) return;
    std::lock_guard lock(mu_);
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    std::fputs(stamp, file_);
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);
    std::clearerr(file_);
  }

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
};
}  // namespace

void SetEnvForTesting(rocksdb::Env* env) { test_env.store(env); }

rocksdb::DBOptions Store::DbOptions() const {
  rocksdb::DBOptions db_options;
  if (rocksdb::Env* env = test_env.load()) db_options.env = env;
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
  db_options.allow_mmap_reads = false;
  return db_options;
}

rocksdb::ColumnFamilyOptions Store::CfOptions(Keyspace ks) const {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options_.write_buffer_bytes;
  cf.max_write_buffer_number = 3;
  cf.level_compaction_dynamic_level_bytes = true;
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache_;
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
  if (ks == Keyspace::kMeta) cf.merge_operator = merge_;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

Status Store::CheckIsKg() const {
  // kg's column families are the default one (its meta keyspace) and one
  // for each other keyspace, the same in every format version.
  std::vector<std::string> families;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path_, &families).ok())
    return Status::OK();  // the open reports what is wrong
  for (const std::string& name : families) {
    bool ours = name == rocksdb::kDefaultColumnFamilyName;
    for (int i = 1; i < kKeyspaceCount && !ours; ++i) ours = name == KeyspaceName(static_cast<Keyspace>(i));
    if (!ours)
      return Status::InvalidArgument("'" + path_ + "' is a RocksDB database that is not kg's (it has a column family '" +
                                     ToValidUtf8(name) + "')");
  }
  if (families.size() == static_cast<size_t>(kKeyspaceCount)) return Status::OK();
  // Only some of kg's families: a database whose making was cut short
  // before its families were made, whose default family is still empty;
  // one with data there and no kg format version is another program's.
  rocksdb::Options options;
  options.info_log = std::make_shared<StdioLogger>("/dev/null");  // nothing written beside another's files
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, path_, &raw).ok()) return Status::OK();
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string version;
  if (db->Get(rocksdb::ReadOptions(), key::FormatVersion(), &version).ok()) return Status::OK();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (it->Valid() || !it->status().ok())
    return Status::InvalidArgument("'" + path_ + "' is a RocksDB database that is not kg's (it has no kg format version)");
  return Status::OK();
}

void Store::SweepReaderDirectories(const std::filesystem::path& temp) {
  // A reader's directory is removed when it closes; one of a process that
  // was killed stays. Its name holds the process id.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(temp, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with("kg-reader-")) continue;
    char* end = nullptr;
    long pid = std::strtol(name.c_str() + 10, &end, 10);
    if (pid <= 0 || *end != '-' || !entry.is_directory(ec)) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::filesystem::remove_all(entry.path(), ec);
  }
}

Result<std::shared_ptr<Store::Instance>> Store::OpenInstance(bool primary, bool create, bool handing_over) {
  rocksdb::DBOptions db_options = DbOptions();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, CfOptions(Keyspace::kMeta));
  for (int i = 1; i < kKeyspaceCount; ++i) {
    auto ks = static_cast<Keyspace>(i);
    descriptors.emplace_back(KeyspaceName(ks), CfOptions(ks));
  }

  auto inst = std::make_shared<Instance>();
  if (primary) {
    auto id = PrimaryClaims::IdOf(path_);
    if (!id) return Status::IOError("cannot read directory '" + path_ + "': " + std::strerror(errno));
    if (!PrimaryClaims::Get().TryClaim(*id))
      return Status::Busy("opening '" + path_ + "': another database object in this process has it open for writing");
    inst->claim = std::make_unique<PrimaryClaim>(*id);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (!primary) {
    // A secondary instance: safe beside a primary in another process (a
    // plain read-only open is not), and it writes only to a directory of
    // its own. It keeps every table file open, as secondaries must.
    std::error_code ec;
    std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
    if (!ec && !readers_swept_.exchange(true)) SweepReaderDirectories(temp);
    std::string pattern = (temp / ("kg-reader-" + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (ec || !::mkdtemp(pattern.data()))
      return Status::IOError("cannot make a directory for a reader's files in " +
                             std::filesystem::temp_directory_path(ec).string());
    inst->secondary_path = pattern;
    db_options.info_log = std::make_shared<StdioLogger>(inst->secondary_path + "/LOG");
    db_options.max_open_files = -1;
    s = rocksdb::DB::OpenAsSecondary(db_options, path_, inst->secondary_path, descriptors, &inst->handles, &raw);
  } else if (!create) {
    db_options.info_log = std::make_shared<StdioLogger>(path_ + "/LOG");
    // A primary taken over from another process keeps the log it replays
    // in its memtables rather than flushing them into small table files
    // first: the hand-over stays quick. An open at the start flushes, so
    // that the logs those hand-overs kept are let go.
    db_options.avoid_flush_during_recovery = handing_over;
    s = rocksdb::DB::Open(db_options, path_, descriptors, &inst->handles, &raw);
  } else {
    // A new database gets its families in one step: RocksDB rewrites and
    // re-reads its options file for every family created one at a time.
    // Should the process die in between, the next open creates the rest.
    db_options.info_log = std::make_shared<StdioLogger>(path_ + "/LOG");
    s = rocksdb::DB::Open(db_options, path_, {descriptors.front()}, &inst->handles, &raw);
    if (s.ok()) {
      std::vector<rocksdb::ColumnFamilyHandle*> rest;
      s = raw->CreateColumnFamilies({descriptors.begin() + 1, descriptors.end()}, &rest);
      inst->handles.insert(inst->handles.end(), rest.begin(), rest.end());
      if (!s.ok()) {
        for (auto* h : inst->handles) raw->DestroyColumnFamilyHandle(h);
        inst->handles.clear();
        delete raw;
        raw = nullptr;
      }
    }
  }
  if (!s.ok()) return FromRocks(s, "opening '" + path_ + "'");
  inst->db.reset(raw);
  if (primary) {
    // Sorted files of a bulk load whose process died: nothing refers to
    // them. A live process's load may be making its files meanwhile.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      std::string name = entry.path().filename().string();
      if (!entry.is_directory(ec) || !name.starts_with("bulk-")) continue;
      long pid = std::strtol(name.c_str() + 5, nullptr, 10);
      if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  return inst;
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

Status Store::LoadMeta(Instance& inst) {
  rocksdb::ReadOptions ro;
  auto* meta = inst.cf(Keyspace::kMeta);
  std::string value;
  rocksdb::Status s = inst.db->Get(ro, meta, key::FormatVersion(), &value);
  bool write_version = false;
  if (s.IsNotFound()) {
    if (!inst.primary()) return Status::Corruption("'" + path_ + "' has no kg format version");
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
    write_version = version < kFormatVersion && inst.primary();
  }
  if (write_version) {
    std::string v;
    key::PutU32(&v, kFormatVersion);
    s = inst.db->Put(rocksdb::WriteOptions(), meta, key::FormatVersion(), v);
    if (!s.ok()) return FromRocks(s, "writing the format version");
  }
  return LoadNamesAndCatalog(inst);
}

Status Store::LoadNamesAndCatalog(Instance& inst) {
  rocksdb::ReadOptions ro;
  rocksdb::DB* db = inst.db.get();
  auto* meta = inst.cf(Keyspace::kMeta);
  std::unique_lock dict_lock(dict_mu_);
  for (DictKind kind : {DictKind::kLabel, DictKind::kEdgeType, DictKind::kPropertyKey}) {
    Dictionary& d = dict(kind);
    d.ids.clear();
    d.names.assign(1, std::string());
    std::string prefix = key::DictByIdPrefix(kind);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, meta));
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
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, meta));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (it->key().size() != prefix.size() + 8 || it->value().size() != 8)
        return Status::Corruption(std::string("bad record among the ") + what);
      ranges->Note(key::GetU64(it->key().data() + prefix.size()), key::GetU64(it->value().data()));
    }
    if (!it->status().ok()) return FromRocks(it->status(), std::string("reading ") + what);
  }
  auto catalog = std::make_shared<IndexCatalog>();
  std::string prefix = key::IndexDefPrefix();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, meta));
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
  // The version changes only with the catalog: a transaction begun before
  // an unchanged reload still commits.
  if (catalog_) {
    auto same = [](const IndexRecord& a, const IndexRecord& b) {
      return a.id == b.id && a.name == b.name && a.label == b.label && a.property_key == b.property_key &&
             a.unique == b.unique;
    };
    if (std::equal(catalog->indexes.begin(), catalog->indexes.end(), catalog_->indexes.begin(),
                   catalog_->indexes.end(), same))
      return Status::OK();
    catalog->version = catalog_->version + 1;
  }
  catalog_ = std::move(catalog);
  return Status::OK();
}

Result<std::shared_ptr<Store::Instance>> Store::BeginRead() {
  {
    std::lock_guard lock(instances_mu_);
    if (primary_) return primary_;
  }
  std::lock_guard lock(reading_mu_);
  if (Status s = OpenSecondaryLocked(); !s.ok()) return s;
  if (open_reads_ == 0) {
    // Nothing of this process reads the secondary now: a good moment to
    // take in what the writer committed. A failure leaves the state as it
    // was, still whole.
    //
    // A secondary keeps what it replayed from a log even once the primary
    // has flushed that log into a table, and reads its memtables first:
    // the replayed writes would hide newer values in the table, and count
    // increments twice. So a secondary holding replayed writes is opened
    // afresh once the primary has made a table since.
    bool replayed = MemtablesOf(*secondary_).entries > 0;
    uint64_t newest = replayed ? NewestTableNumber(*secondary_) : 0;
    if (secondary_->db->TryCatchUpWithPrimary().ok()) {
      if (replayed && NewestTableNumber(*secondary_) > newest) {
        std::shared_ptr<Instance> stale;
        {
          std::lock_guard ilock(instances_mu_);
          stale = std::move(secondary_);
        }
        if (Status s = OpenSecondaryLocked(); !s.ok()) return s;
      } else {
        (void)LoadNamesAndCatalog(*secondary_);
      }
    }
  }
  ++open_reads_;
  return secondary_;
}

Status Store::OpenSecondaryLocked() {
  if (secondary_) return Status::OK();
  // The files may be changing under the open: a database another process
  // is making has its CURRENT file before its column families and format
  // version, and a primary changing hands switches its log. A failed open
  // is tried again for a moment.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    auto inst = OpenInstance(/*primary=*/false, false);
    Status s = inst.ok() ? LoadMeta(**inst) : inst.status();
    if (s.ok()) {
      std::lock_guard ilock(instances_mu_);
      secondary_ = std::move(*inst);
      return s;
    }
    if (s.code() == StatusCode::kNotSupported || std::chrono::steady_clock::now() >= give_up) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Store::EndRead(const Instance& instance) {
  if (instance.primary()) return;
  std::lock_guard lock(reading_mu_);
  --open_reads_;
}

std::shared_ptr<Store::Instance> Store::WriteInstance() const {
  std::lock_guard lock(instances_mu_);
  return primary_;
}

std::shared_ptr<Store::Instance> Store::Current() const {
  std::lock_guard lock(instances_mu_);
  return primary_ ? primary_ : secondary_;
}

Result<uint32_t> Store::Intern(DictKind kind, std::string_view name) {
  {
    std::shared_lock lock(dict_mu_);
    const Dictionary& d = dict(kind);
    if (auto it = d.ids.find(std::string(name)); it != d.ids.end()) return it->second;
  }
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  // The primary's dictionary is the latest: it was read on becoming the
  // primary, and only the primary adds to it.
  auto turn = TakeTurn();
  if (!turn.ok()) return turn.status();
  std::shared_ptr<Instance> primary = WriteInstance();
  std::unique_lock lock(dict_mu_);
  Dictionary& d = dict(kind);
  if (auto it = d.ids.find(std::string(name)); it != d.ids.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(d.names.size());
  rocksdb::WriteBatch batch;
  std::string id_bytes;
  key::PutU32(&id_bytes, id);
  batch.Put(primary->cf(Keyspace::kMeta), key::DictByName(kind, name), id_bytes);
  batch.Put(primary->cf(Keyspace::kMeta), key::DictById(kind, id), rocksdb::Slice(name.data(), name.size()));
  rocksdb::Status s = primary->db->Write(write_options_, &batch);
  if (!s.ok()) return WriteRefused(FromRocks(s, "storing name '" + std::string(name) + "'"));
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

Status Store::Reserve(Instance& primary, const std::string& mark_key, uint64_t* next, uint64_t* reserved,
                      uint64_t count) {
  // Another process may have reserved since: start above the mark as stored.
  std::string stored;
  rocksdb::Status s = primary.db->Get(rocksdb::ReadOptions(), primary.cf(Keyspace::kMeta), mark_key, &stored);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading id marks");
  if (s.ok()) {
    if (stored.size() != 8) return Status::Corruption("bad id mark record");
    *next = std::max(*next, key::GetU64(stored.data()));
  }
  uint64_t mark = *next + count + kIdReservation;
  std::string v;
  key::PutU64(&v, mark);
  s = primary.db->Put(write_options_, primary.cf(Keyspace::kMeta), mark_key, v);
  if (!s.ok()) return WriteRefused(FromRocks(s, "reserving ids"));
  *reserved = mark;
  return Status::OK();
}

Result<uint64_t> Store::AllocateNodeId() { return AllocateIds(key::NodeIdMark(), &next_node_, &reserved_node_, 1); }

Result<uint64_t> Store::AllocateEdgeId() { return AllocateEdgeIds(1); }

Result<uint64_t> Store::AllocateEdgeIds(uint64_t count) {
  return AllocateIds(key::EdgeIdMark(), &next_edge_, &reserved_edge_, count);
}

Result<uint64_t> Store::AllocateIds(const std::string& mark_key, uint64_t* next, uint64_t* reserved, uint64_t count) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  {
    std::lock_guard lock(id_mu_);
    if (*next + count <= *reserved) {
      uint64_t first = *next;
      *next += count;
      return first;
    }
  }
  // A new range is reserved by the primary: take a turn first, outside
  // id_mu_, as the wait for it may be long.
  auto turn = TakeTurn();
  if (!turn.ok()) return turn.status();
  std::shared_ptr<Instance> primary = WriteInstance();
  std::lock_guard lock(id_mu_);
  if (*next + count > *reserved)
    if (Status s = Reserve(*primary, mark_key, next, reserved, count); !s.ok()) return s;
  uint64_t first = *next;
  *next += count;
  return first;
}

std::shared_ptr<const IndexCatalog> Store::catalog() const {
  std::lock_guard lock(catalog_mu_);
  return catalog_;
}

const rocksdb::Snapshot* Store::AcquireSnapshot(Instance& primary) {
  std::lock_guard lock(snapshots_mu_);
  const rocksdb::Snapshot* s = primary.db->GetSnapshot();
  live_snapshots_.insert(s->GetSequenceNumber());
  return s;
}

void Store::ReleaseSnapshot(Instance& primary, const rocksdb::Snapshot* snapshot) {
  if (!snapshot) return;
  {
    std::lock_guard lock(snapshots_mu_);
    auto it = live_snapshots_.find(snapshot->GetSequenceNumber());
    if (it != live_snapshots_.end()) live_snapshots_.erase(it);
  }
  primary.db->ReleaseSnapshot(snapshot);
}

Status Store::Commit(StoreTransaction& txn) {
  rocksdb::SequenceNumber written = 0;
  if (Status s = Failure(); !s.ok()) return s;
  {
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
    if (Status s = CommitLocked(txn, &written); !s.ok()) return s;
  }
  // The sync happens outside the lock, so that the commits made while it
  // runs share the next one.
  return SyncLog(txn.instance(), written);
}

Status Store::SyncLog(Instance& primary, rocksdb::SequenceNumber written) {
  if (!options_.sync_commits) return Status::OK();
  std::unique_lock lock(sync_mu_);
  while (synced_ < written) {
    if (syncing_) {
      sync_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    rocksdb::SequenceNumber target = primary.db->GetLatestSequenceNumber();
    lock.unlock();
    rocksdb::Status s = primary.db->SyncWAL();
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (s.ok()) synced_ = std::max(synced_, target);
    sync_cv_.notify_all();
    if (!s.ok())
      return WriteRefused(
          FromRocks(s, "syncing the log (the transaction was written, but may not survive a power loss)"));
  }
  return Status::OK();
}

Status Store::CommitLocked(StoreTransaction& txn, rocksdb::SequenceNumber* written) {
  Instance& primary = txn.instance();
  if (!primary.primary()) return Status::Internal("a commit outside the write turn");
  rocksdb::DB* db = primary.db.get();
  rocksdb::WriteBatch* batch = txn.write_batch();
  for (const auto& [k, delta] : txn.counter_deltas()) {
    if (delta == 0) continue;
    std::string v;
    key::PutI64(&v, delta);
    batch->Merge(primary.cf(Keyspace::kMeta), k, v);
  }
  rocksdb::Status s;
  if (batch->Count() >= kSortBatchFrom) {
    SortedBatch sorter;
    s = batch->Iterate(&sorter);
    if (!s.ok()) return FromRocks(s, "commit");
    rocksdb::WriteBatch sorted(batch->GetDataSize());
    sorter.Build(primary.handles, &sorted);
    s = db->Write(commit_options_, &sorted);
  } else {
    s = db->Write(commit_options_, batch);
  }
  if (!s.ok()) return WriteRefused(FromRocks(s, "commit"));
  *written = db->GetLatestSequenceNumber();
  if (!txn.publish_keys().empty()) {
    rocksdb::SequenceNumber seq = *written;
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
  rocksdb::Options options(DbOptions(), CfOptions(ks));
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
  // A bulk load takes its turn for this step only: its files were made
  // while other processes went on writing.
  auto turn = TakeTurn();
  if (!turn.ok()) return turn.status();
  std::shared_ptr<Instance> primary = WriteInstance();
  std::lock_guard lock(commit_mu_);
  if (catalog()->version != catalog_version)
    return Status::Conflict("an index or constraint was created or dropped during the load; run it again");
  {
    StoreTransaction latest(shared_from_this(), /*read_only=*/true);
    if (Status s = prepare(latest, &files); !s.ok()) return s;
  }
  if (Status s = IngestLocked(*primary, files); !s.ok()) return WriteRefused(s);
  rocksdb::SequenceNumber seq = primary->db->GetLatestSequenceNumber();
  for (const std::string& k : publish_keys) last_publish_[k] = seq;
  return Status::OK();
}

Status Store::IngestLocked(Instance& primary, const std::vector<IngestFile>& files) {
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const IngestFile& f : files) {
    auto it = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.column_family == primary.cf(f.keyspace); });
    if (it == args.end()) {
      args.emplace_back();
      it = args.end() - 1;
      it->column_family = primary.cf(f.keyspace);
      it->options.move_files = true;
      it->options.snapshot_consistency = true;
      it->options.allow_global_seqno = true;
      it->options.allow_blocking_flush = true;
    }
    it->external_files.push_back(f.path);
  }
  if (args.empty()) return Status::OK();
  // A database stopped by an earlier write error refuses an empty write
  // with that error; ingesting into it instead reaches an assertion inside
  // RocksDB (a file number of 0), so it is asked first.
  {
    rocksdb::WriteBatch probe;
    if (rocksdb::Status s = primary.db->Write(rocksdb::WriteOptions(), &probe); !s.ok())
      return FromRocks(s, "ingesting sorted files");
  }
  if (rocksdb::Status s = primary.db->IngestExternalFiles(args); !s.ok()) return FromRocks(s, "ingesting sorted files");
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
  auto turn = TakeTurn();
  if (!turn.ok()) return turn.status();
  std::shared_ptr<Instance> primary = WriteInstance();
  rocksdb::FlushOptions flush;
  if (rocksdb::Status s = primary->db->Flush(flush, primary->handles); !s.ok())
    return WriteRefused(FromRocks(s, "flush"));
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : primary->handles)
    if (rocksdb::Status s = primary->db->CompactRange(options, h, nullptr, nullptr); !s.ok())
      return WriteRefused(FromRocks(s, "compaction"));
  return Status::OK();
}

Status Store::ChangeCatalog(const CatalogChange& change) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  auto turn = TakeTurn();
  if (!turn.ok()) return turn.status();
  std::shared_ptr<Instance> primary = WriteInstance();
  std::lock_guard lock(commit_mu_);
  std::shared_ptr<const IndexCatalog> old = catalog();
  auto next = std::make_shared<IndexCatalog>(*old);
  next->version = old->version + 1;
  std::vector<IngestFile> files;
  std::unique_lock<std::shared_mutex> publishing;
  {
    StoreTransaction txn(shared_from_this(), /*read_only=*/false);
    if (Status s = change(txn, *old, next.get(), &files); !s.ok()) return s;
    publishing = std::unique_lock(catalog_change_mu_);
    if (files.empty()) {
      rocksdb::SequenceNumber written = 0;
      if (Status s = CommitLocked(txn, &written); !s.ok()) return s;
      if (Status s = SyncLog(*primary, written); !s.ok()) return s;
    } else if (txn.has_writes()) {
      return Status::InvalidArgument("a catalog change gave both writes and files");
    }
    txn.MarkFinished();
  }
  // Files go in once the transaction's snapshot is gone (the lock keeps
  // every commit out meanwhile): with no snapshot to hide them from, they
  // need no sequence number of their own, which a compaction would later
  // spend a rewrite of the whole file to clear.
  if (Status s = IngestLocked(*primary, files); !s.ok()) return WriteRefused(s);
  std::lock_guard clock(catalog_mu_);
  catalog_ = std::move(next);
  return Status::OK();
}

WriteTurn& WriteTurn::operator=(WriteTurn&& o) noexcept {
  if (this != &o) {
    Release();
    store_ = o.store_;
    o.store_ = nullptr;
  }
  return *this;
}

void WriteTurn::Release() {
  if (store_) store_->ReleaseTurn();
  store_ = nullptr;
}

Status Store::OpenTurnFile() {
  std::string file = path_ + "/kg-turn";
  turn_fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (turn_fd_ < 0)
    return Status::IOError("cannot open '" + file + "', where writing processes take turns: " + std::strerror(errno) +
                           "; a read-only open (Options::read_only, --read-only) needs no write access");
  std::random_device random;
  char tag[32];
  std::snprintf(tag, sizeof tag, "%08x%08x", random(), random());
  token_ = std::to_string(::getpid()) + " " + tag + "\n";
  return Status::OK();
}

bool Store::TryLockTurn() {
  while (::flock(turn_fd_, LOCK_EX | LOCK_NB) != 0)
    if (errno != EINTR) return false;
  return true;
}

void Store::WriteToken() {
  (void)!::pwrite(turn_fd_, token_.data(), token_.size(), 0);
  (void)!::ftruncate(turn_fd_, static_cast<off_t>(token_.size()));
}

std::string Store::ReadToken() const {
  char buf[64];
  ssize_t n = ::pread(turn_fd_, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

Status Store::BusyError(std::string_view waiting_for) const {
  long pid = std::strtol(ReadToken().c_str(), nullptr, 10);
  std::string who = pid > 0 ? "process " + std::to_string(pid) : std::string("another process");
  return Status::Busy(who + " is writing to '" + path_ + "': waited " + std::to_string(options_.busy_timeout.count()) +
                      " ms for " + std::string(waiting_for) +
                      " (Options::busy_timeout, --busy-timeout MS); retry when it is done");
}

Status Store::WriteRefused(Status s) {
  if (s.code() == StatusCode::kIOError || s.code() == StatusCode::kCorruption) {
    std::lock_guard lock(failure_mu_);
    if (!failed_) {
      failure_ = s;
      failed_ = true;
    }
  }
  return s;
}

Status Store::Failure() const {
  if (!failed_) return Status::OK();
  std::lock_guard lock(failure_mu_);
  return Status::IOError("the database takes no writes after an earlier write failed (" + failure_.message() +
                         "); open it again to recover");
}

Result<WriteTurn> Store::TakeTurn(const std::atomic<bool>* cancel) {
  if (read_only()) return Status::ReadOnly("the database is open read-only");
  if (Status s = Failure(); !s.ok()) return s;
  {
    std::lock_guard lock(turn_mu_);
    if (turns_ > 0) {
      ++turns_;
      return WriteTurn(this);
    }
  }
  std::lock_guard acquiring(turn_acquire_mu_);
  {
    std::lock_guard lock(turn_mu_);
    if (turns_ > 0) {
      ++turns_;
      return WriteTurn(this);
    }
  }
  using std::chrono::steady_clock;
  auto deadline = steady_clock::now() + options_.busy_timeout;
  auto pause = std::chrono::microseconds(50);
  while (!TryLockTurn()) {
    if (errno != EWOULDBLOCK) return Status::IOError("locking '" + path_ + "/kg-turn': " + std::strerror(errno));
    if (cancel && cancel->load()) return Status::Aborted("gave up waiting for the turn to write to '" + path_ + "'");
    if (steady_clock::now() >= deadline) return BusyError("the turn to write");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
  {
    std::lock_guard lock(turn_mu_);
    turns_ = 1;
    // The token changes hands only when the turn does: a process writing
    // transaction after transaction wakes nobody.
    if (ReadToken() != token_) WriteToken();
  }
  WriteTurn turn(this);
  if (Status s = BecomePrimary(deadline, cancel); !s.ok()) return s;
  return turn;
}

void Store::ReleaseTurn() {
  std::lock_guard lock(turn_mu_);
  if (--turns_ == 0) ::flock(turn_fd_, LOCK_UN);
}

Status Store::BecomePrimary(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel) {
  {
    std::lock_guard lock(instances_mu_);
    if (primary_) return Status::OK();
    // A primary given up but still open: no other process can have
    // written since, as it still holds RocksDB's lock.
    if (auto kept = released_.lock()) {
      primary_ = std::move(kept);
      return Status::OK();
    }
  }
  using std::chrono::steady_clock;
  auto nudged = steady_clock::now();
  for (;;) {
    pid_t holder = LockHolder(path_);
    if (holder == 0) {
      auto inst = OpenInstance(/*primary=*/true, false, /*handing_over=*/true);
      if (inst.ok()) return Promoted(*inst);
      if (inst.status().code() != StatusCode::kBusy) return inst.status();
    }
    if (cancel && cancel->load()) return Status::Aborted("gave up waiting for the turn to write to '" + path_ + "'");
    auto now = steady_clock::now();
    if (now >= deadline)
      return Status::Busy((holder > 0 ? "process " + std::to_string(holder) : std::string("another process")) +
                          " has '" + path_ + "' open for writing and did not hand it over within " +
                          std::to_string(options_.busy_timeout.count()) +
                          " ms (Options::busy_timeout, --busy-timeout MS); retry");
    // The holder's watcher wakes on each write of the token; one that
    // missed the first (it was busy closing a reader) sees the next.
    if (now - nudged >= std::chrono::milliseconds(10)) {
      WriteToken();
      nudged = now;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
}

Status Store::Promoted(const std::shared_ptr<Instance>& primary) {
  // Other processes may have added names and indexes since this one last
  // read them.
  if (Status s = LoadMeta(*primary); !s.ok()) return s;
  {
    std::lock_guard lock(instances_mu_);
    primary_ = primary;
  }
  if (!watched_) {
    TurnWatcher::Get().Add(this, path_ + "/kg-turn");
    watched_ = true;
  }
  return Status::OK();
}

void Store::HandOverIfAsked() {
  std::shared_ptr<Instance> giving;
  {
    std::lock_guard lock(turn_mu_);
    if (turns_ > 0) return;
    std::string token = ReadToken();
    if (token.empty() || token == token_) return;
    std::lock_guard ilock(instances_mu_);
    if (!primary_) return;
    released_ = primary_;
    giving = std::move(primary_);
  }
  // Closed here, or by the last transaction still reading it. The next
  // read of this process opens a secondary (not now: the new primary is
  // opening meanwhile).
  giving.reset();
}

}  // namespace kg::storage
