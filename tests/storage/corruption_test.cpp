// Damaged files and hostile directories: flipped bytes and truncation in a
// table file, the MANIFEST, the write-ahead log, CURRENT and kg's own
// records. Opening or reading gives a clear error naming what is damaged,
// or (for a torn log tail) recovers to a consistent earlier state; kg check
// reports damage; nothing crashes and no read answers wrongly.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rocksdb/db.h>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "kg/kg.h"
#include "storage/key_codec.h"
#include "storage/store_transaction.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> FilesLike(const std::string& dir, const std::string& part) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void FlipBytes(const fs::path& file, size_t from, size_t count, uint32_t seed) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  auto size = static_cast<size_t>(fs::file_size(file));
  std::mt19937 rng(seed);
  for (size_t i = 0; i < count && size > from; ++i) {
    size_t at = from + rng() % (size - from);
    f.seekg(static_cast<std::streamoff>(at));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ (1 << (rng() % 8)));
    f.seekp(static_cast<std::streamoff>(at));
    f.write(&c, 1);
  }
}

// A database with 3000 nodes and 1500 relationships in table files. With crash_copy, 200 more
// are committed one by one and the directory is copied there while open,
// as a crash would leave it: those 200 only in the log.
void Make(const std::string& path, const std::string& crash_copy = "") {
  auto db = OpenDb(path);
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 1500) AS i "
                       "CREATE (:N {i: 2 * i - 1, s: 'node ' + toString(i)})-[:NEXT]->(:N {i: 2 * i, s: 'next'})").ok());
  REQUIRE(db->Compact().ok());
  if (!crash_copy.empty()) {
    for (int t = 0; t < 200; ++t) REQUIRE(conn.Execute("CREATE (:Tail {t: $t})", {{"t", Value(t)}}).ok());
    fs::copy(path, crash_copy, fs::copy_options::recursive);
  }
}

// Opens path and reads everything; returns the first error, if any.
Status OpenAndRead(const std::string& path, int64_t* nodes = nullptr) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  Connection conn(**db);
  QueryResult r = conn.Execute("MATCH (n) OPTIONAL MATCH (n)-[e]->() RETURN count(n), count(e), sum(n.i)");
  if (!r.ok()) return Status::Corruption(r.error().message);
  if (nodes) *nodes = r.rows()[0][0].as_int();
  auto report = Check(**db);
  if (!report.ok()) return report.status();
  if (!report->ok()) return Status::Corruption("check: " + report->problems.front());
  return Status::OK();
}

}  // namespace

TEST_CASE("a damaged table file is reported by name, on read and by kg check", "[storage][corruption]") {
  int found = 0, whole = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    TempDir dir;
    Make(dir.db());
    auto tables = FilesLike(dir.db(), ".sst");
    REQUIRE_FALSE(tables.empty());
    // The largest table holds the node records; its data blocks come first.
    auto largest = *std::max_element(tables.begin(), tables.end(),
                                     [](const fs::path& a, const fs::path& b) { return fs::file_size(a) < fs::file_size(b); });
    FlipBytes(largest, 0, 1 + seed, seed);
    int64_t nodes = -1;
    Status s = OpenAndRead(dir.db(), &nodes);
    INFO(s.ToString());
    // Either the damage is found (and named), or it hit bytes no read
    // needs and every answer is whole.
    if (!s.ok()) {
      ++found;
      CHECK((s.code() == StatusCode::kCorruption || s.code() == StatusCode::kIOError));
      CHECK((s.message().find(".sst") != std::string::npos || s.message().find("damaged") != std::string::npos ||
             s.message().find("orrupt") != std::string::npos || s.message().find("checksum") != std::string::npos));
    } else {
      ++whole;
      CHECK(nodes == 3000);
    }
  }
  WARN("damaged table files: " << found << " found and named, " << whole << " read whole, 0 wrong answers");
}

TEST_CASE("a damaged or missing MANIFEST or CURRENT refuses to open, naming it", "[storage][corruption]") {
  SECTION("CURRENT emptied") {
    TempDir dir;
    Make(dir.db());
    std::ofstream(dir.db() + "/CURRENT", std::ios::trunc).close();
    auto db = Database::Open(dir.db());
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message().find("CURRENT") != std::string::npos);
  }
  SECTION("CURRENT naming a MANIFEST that is not there") {
    TempDir dir;
    Make(dir.db());
    std::ofstream(dir.db() + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
    auto db = Database::Open(dir.db());
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message().find("MANIFEST-999999") != std::string::npos);
  }
  SECTION("MANIFEST with flipped bytes or cut short") {
    for (int mode = 0; mode < 2; ++mode) {
      TempDir dir;
      Make(dir.db());
      auto manifests = FilesLike(dir.db(), "MANIFEST-");
      REQUIRE(manifests.size() == 1);
      if (mode == 0) FlipBytes(manifests[0], 0, 8, 3);
      else fs::resize_file(manifests[0], fs::file_size(manifests[0]) / 2);
      Status s = OpenAndRead(dir.db());
      INFO(s.ToString());
      // A damaged manifest is refused; a cut one may also lose the edits
      // after the cut, and then what opens must still check clean.
      if (!s.ok()) {
        CHECK((s.code() == StatusCode::kCorruption || s.code() == StatusCode::kIOError ||
               s.code() == StatusCode::kNotFound));
        CHECK(s.message().find(dir.db()) != std::string::npos);
      }
    }
  }
}

TEST_CASE("a torn or damaged log tail recovers to a consistent earlier state", "[storage][corruption]") {
  for (int mode = 0; mode < 3; ++mode) {
    INFO("mode " << mode);
    TempDir dir;
    const std::string crashed = dir.path() + "/crashed";
    Make(dir.db(), crashed);
    auto logs = FilesLike(crashed, ".log");
    REQUIRE_FALSE(logs.empty());
    fs::path log = *std::max_element(logs.begin(), logs.end(),
                                     [](const fs::path& a, const fs::path& b) { return fs::file_size(a) < fs::file_size(b); });
    auto size = fs::file_size(log);
    REQUIRE(size > 100);
    if (mode == 0) fs::resize_file(log, size - 37);           // a write torn by a crash
    else if (mode == 1) FlipBytes(log, size - 200, 3, 11);     // damage near the end
    else FlipBytes(log, 0, 3, 12);                             // damage at the start
    int64_t nodes = -1;
    Status s = OpenAndRead(crashed, &nodes);
    INFO(s.ToString());
    if (s.ok()) {
      // Everything flushed is there; of the log, a prefix of whole
      // transactions.
      CHECK(nodes >= 3000);
      CHECK(nodes <= 3200);
    } else {
      CHECK((s.code() == StatusCode::kCorruption || s.code() == StatusCode::kIOError));
    }
  }
}

TEST_CASE("a damaged kg record is named by kg check and by the read that meets it", "[storage][corruption]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 20) AS i CREATE (:N {i: i})").ok());
  QueryResult ids = conn.Execute("MATCH (n:N) WHERE n.i = 7 RETURN id(n)");
  REQUIRE(ids.ok());
  NodeId seventh = static_cast<NodeId>(ids.rows()[0][0].as_int());
  // The seventh node's record overwritten with bytes kg never writes: a
  // record in the compact format whose property count runs past its end.
  auto store = internal::Access::Of(*db).store;
  {
    storage::StoreTransaction kv(store, false);
    kv.Put(storage::Keyspace::kNodes, storage::key::Node(seventh), std::string("\x02\x01\x01\x05\x7f", 5));
    REQUIRE(kv.Commit().ok());
  }
  auto report = Check(*db);
  REQUIRE(report.ok());
  REQUIRE_FALSE(report->ok());
  CHECK(report->problems.front().find("node " + std::to_string(seventh)) != std::string::npos);
  QueryResult read = conn.Execute("MATCH (n:N) RETURN sum(n.i)");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message.find("node " + std::to_string(seventh)) != std::string::npos);
  CHECK(read.error().message.find("damaged") != std::string::npos);
}

TEST_CASE("directories that are not a kg database are refused clearly", "[storage][corruption]") {
  TempDir dir;
  SECTION("a path that is a file") {
    std::ofstream(dir.path() + "/file") << "not a database";
    auto db = Database::Open(dir.path() + "/file");
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message().find(dir.path() + "/file") != std::string::npos);
  }
  SECTION("a directory of other files, opened read-only") {
    fs::create_directories(dir.path() + "/other");
    std::ofstream(dir.path() + "/other/notes.txt") << "hello";
    Options options;
    options.read_only = true;
    auto db = Database::Open(dir.path() + "/other", options);
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message().find(dir.path() + "/other") != std::string::npos);
  }
  SECTION("a RocksDB database that is not kg's is refused and left as it was") {
    // Another program's database: data in the default family, and (in the
    // second form) a column family of its own.
    for (bool own_family : {false, true}) {
      std::string path = dir.path() + (own_family ? "/other-families" : "/other-default");
      rocksdb::Options o;
      o.create_if_missing = true;
      rocksdb::DB* raw = nullptr;
      REQUIRE(rocksdb::DB::Open(o, path, &raw).ok());
      REQUIRE(raw->Put(rocksdb::WriteOptions(), "their key", "their value").ok());
      if (own_family) {
        rocksdb::ColumnFamilyHandle* h = nullptr;
        REQUIRE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "theirs", &h).ok());
        REQUIRE(raw->DestroyColumnFamilyHandle(h).ok());
      }
      delete raw;
      auto before = std::vector<fs::path>(fs::directory_iterator(path), fs::directory_iterator());
      for (bool read_only : {false, true}) {
        Options options;
        options.read_only = read_only;
        auto db = Database::Open(path, options);
        INFO(path << (read_only ? " read-only" : ""));
        REQUIRE_FALSE(db.ok());
        INFO(db.status().ToString());
        CHECK(db.status().message().find(path) != std::string::npos);
        CHECK(db.status().message().find("not kg's") != std::string::npos);
      }
      // Nothing was added to it: no kg families, no files of kg's.
      std::vector<std::string> families;
      REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
      CHECK(families.size() == (own_family ? 2u : 1u));
      auto after = std::vector<fs::path>(fs::directory_iterator(path), fs::directory_iterator());
      CHECK(after.size() == before.size());
    }
  }
  SECTION("a kg database whose making stopped before its column families opens") {
    // RocksDB's files with only an empty default family: what the open
    // that makes a database leaves when the process dies before the rest.
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(o, dir.db(), &raw).ok());
    delete raw;
    auto db = Database::Open(dir.db());
    REQUIRE(db.ok());
    Connection conn(**db);
    CHECK(conn.Execute("CREATE (:N)").ok());
  }
  SECTION("a database written by a newer kg, opened to write or to read") {
    {
      auto db = OpenDb(dir.db());
      storage::StoreTransaction kv(internal::Access::Of(*db).store, false);
      std::string v;
      storage::key::PutU32(&v, storage::kFormatVersion + 1);
      kv.Put(storage::Keyspace::kMeta, storage::key::FormatVersion(), v);
      REQUIRE(kv.Commit().ok());
    }
    for (bool read_only : {false, true}) {
      Options options;
      options.read_only = read_only;
      auto db = Database::Open(dir.db(), options);
      REQUIRE(db.status().code() == StatusCode::kNotSupported);
      CHECK(db.status().message().find("newer") != std::string::npos);
      CHECK(db.status().message().find(dir.db()) != std::string::npos);
    }
  }
  SECTION("a missing directory opened read-only or without create_if_missing") {
    Options options;
    options.read_only = true;
    auto db = Database::Open(dir.path() + "/missing", options);
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message().find(dir.path() + "/missing") != std::string::npos);
    options = Options{};
    options.create_if_missing = false;
    auto db2 = Database::Open(dir.path() + "/missing", options);
    REQUIRE_FALSE(db2.ok());
  }
  SECTION("a directory its user cannot write, opened to write") {
    if (geteuid() == 0) {
      WARN("running as root, which writes anywhere: the unwritable directory case is covered by cli.readers_beside_a_writer's read-only open");
      return;
    }
    Make(dir.db());
    fs::permissions(dir.db(), fs::perms::owner_read | fs::perms::owner_exec);
    auto db = Database::Open(dir.db());
    fs::permissions(dir.db(), fs::perms::owner_all);
    REQUIRE_FALSE(db.ok());
  }
}
