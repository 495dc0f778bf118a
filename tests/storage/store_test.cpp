#include "storage/store.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include "kg/check.h"
#include "storage/key_codec.h"
#include "storage/store_transaction.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

TEST_CASE("a database left with only its first family gains the rest when opened", "[storage][open]") {
  // What a process that died while creating a new database leaves behind:
  // RocksDB's files with the default family alone.
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.db(), &raw).ok());
    delete raw;
  }
  NodeId a, b;
  EdgeId e;
  {
    auto db = OpenDb(dir.db());
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"County"}, {{"name", "Zhenxiong"}}));
    b = Ok(txn.CreateNode({"Prefecture"}, {{"name", "Zhaotong"}}));
    e = Ok(txn.CreateEdge(a, "LOCATED_IN", b));
    Ok(txn.Commit());
  }
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db, /*read_only=*/true);
  REQUIRE(Ok(txn.GetEdge(e)).target == b);
  REQUIRE(Ok(txn.GetNode(a)).properties.at("name") == Value("Zhenxiong"));
  auto report = Ok(Check(*db));
  INFO(report.problems.size());
  REQUIRE(report.problems.empty());
}

TEST_CASE("a new database has every family, and keeps them across opens", "[storage][open]") {
  TempDir dir;
  {
    auto store = storage::Store::Open(dir.db(), {});
    REQUIRE(store.ok());
  }
  std::vector<std::string> families;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.db(), &families).ok());
  REQUIRE(families.size() == static_cast<size_t>(storage::kKeyspaceCount));
  for (int i = 1; i < storage::kKeyspaceCount; ++i)
    REQUIRE(std::find(families.begin(), families.end(), storage::KeyspaceName(static_cast<storage::Keyspace>(i))) !=
            families.end());
  auto store = storage::Store::Open(dir.db(), {});
  REQUIRE(store.ok());
}

// Counted the same way each time: the count includes the listing's own descriptor.
size_t OpenDescriptors() {
  std::filesystem::directory_iterator fds("/proc/self/fd");
  return static_cast<size_t>(std::distance(fds, std::filesystem::directory_iterator()));
}

TEST_CASE("opening and closing many databases leaves no descriptor open", "[storage][open]") {
  // A program that opens one database after another, as a server or a
  // test suite does, must not run out of descriptors.
  TempDir dir;
  constexpr int kDatabases = 16;
  auto path = [&](int i) { return dir.path() + "/db" + std::to_string(i); };
  for (int i = 0; i < kDatabases; ++i) REQUIRE(storage::Store::Open(path(i), {}).ok());
  REQUIRE(storage::Store::Open(path(0), {}).ok());
  size_t before = OpenDescriptors();
  // Each is now an existing database, whose lock is looked at before it opens.
  for (int i = 0; i < kDatabases; ++i) REQUIRE(storage::Store::Open(path(i), {}).ok());
  CHECK(OpenDescriptors() == before);
}

TEST_CASE("GetFollowing reads what Get reads, in any order of keys, before and after writes", "[storage]") {
  TempDir dir;
  auto store = storage::Store::Open(dir.db(), Options{});
  REQUIRE(store.ok());
  {
    auto turn = (*store)->TakeTurn();
    REQUIRE(turn.ok());
    storage::StoreTransaction kv(*store, std::move(*turn));
    for (uint64_t id = 10; id < 2000; id += 3) kv.Put(storage::Keyspace::kNodes, storage::key::Node(id), "v" + std::to_string(id));
    REQUIRE(kv.Commit().ok());
  }
  std::mt19937 rng(3);
  std::uniform_int_distribution<uint64_t> jump(0, 12), far(0, 2100);
  storage::StoreTransaction kv(*store, true);
  uint64_t id = 0;
  for (int i = 0; i < 5000; ++i) {
    // Mostly small steps forward, sometimes anywhere.
    id = i % 10 == 9 ? far(rng) : id + jump(rng);
    std::string a, b;
    Status ga = kv.Get(storage::Keyspace::kNodes, storage::key::Node(id), &a);
    Status gb = kv.GetFollowing(storage::Keyspace::kNodes, storage::key::Node(id), &b);
    INFO(id);
    REQUIRE(ga.code() == gb.code());
    REQUIRE(a == (ga.ok() ? b : a));
  }
  // After a write to the keyspace, the transaction's own value.
  storage::StoreTransaction writer(*store, false);
  std::string v;
  REQUIRE(writer.GetFollowing(storage::Keyspace::kNodes, storage::key::Node(13), &v).ok());
  writer.Put(storage::Keyspace::kNodes, storage::key::Node(16), "mine");
  REQUIRE(writer.GetFollowing(storage::Keyspace::kNodes, storage::key::Node(16), &v).ok());
  CHECK(v == "mine");
  writer.Rollback();
}

TEST_CASE("commits are synced by default, from several threads at once", "[storage][durability]") {
  TempDir dir;
  REQUIRE(Options{}.sync_commits);
  auto store = storage::Store::Open(dir.db(), Options{});
  REQUIRE(store.ok());
  constexpr int kThreads = 4, kCommits = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        auto turn = (*store)->TakeTurn();
        if (!turn.ok()) {
          ++failed;
          continue;
        }
        storage::StoreTransaction kv(*store, std::move(*turn));
        kv.Put(storage::Keyspace::kNodes, storage::key::Node(static_cast<uint64_t>(t * 1000 + i + 1)), "v");
        if (!kv.Commit().ok()) ++failed;
      }
    });
  for (auto& th : threads) th.join();
  REQUIRE(failed == 0);
  uint64_t syncs = storage::StoreInternals::log_syncs(**store);
  INFO(syncs);
  // Syncs were made, at most one per commit (threads may share one).
  CHECK(syncs >= 1);
  CHECK(syncs <= static_cast<uint64_t>(kThreads * kCommits));
  storage::StoreTransaction reader(*store, true);
  std::string v;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kCommits; ++i)
      REQUIRE(reader.Get(storage::Keyspace::kNodes, storage::key::Node(static_cast<uint64_t>(t * 1000 + i + 1)), &v).ok());
}

TEST_CASE("a database opened without synced commits syncs none", "[storage][durability]") {
  TempDir dir;
  Options options;
  options.sync_commits = false;
  auto store = storage::Store::Open(dir.db(), options);
  REQUIRE(store.ok());
  for (int i = 0; i < 10; ++i) {
    auto turn = (*store)->TakeTurn();
    REQUIRE(turn.ok());
    storage::StoreTransaction kv(*store, std::move(*turn));
    kv.Put(storage::Keyspace::kNodes, storage::key::Node(static_cast<uint64_t>(i + 1)), "v");
    REQUIRE(kv.Commit().ok());
  }
  CHECK(storage::StoreInternals::log_syncs(**store) == 0);
}
