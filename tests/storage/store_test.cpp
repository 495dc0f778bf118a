#include "storage/store.h"

#include <algorithm>

#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include "kg/check.h"
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
