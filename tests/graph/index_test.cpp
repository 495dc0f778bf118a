#include <filesystem>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "graph/access.h"
#include "graph/database_impl.h"
#include "kg/database.h"
#include "kg/check.h"
#include "storage/store.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

std::vector<NodeId> ScanWhere(const Transaction& txn, const std::string& label, const std::string& key,
                              const std::function<bool(const Value&)>& pred) {
  std::vector<NodeId> out;
  for (auto c = txn.ScanNodes(label); c.Valid(); c.Next()) {
    Node n = Ok(txn.GetNode(c.id()));
    auto it = n.properties.find(key);
    if (it != n.properties.end() && pred(it->second)) out.push_back(c.id());
  }
  return out;
}

std::vector<NodeId> Sorted(std::vector<NodeId> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("index lookups agree with a full scan on random data", "[graph][index]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  std::mt19937_64 rng(1234);
  std::uniform_int_distribution<int> small(-20, 20), coin(0, 3);
  auto random_value = [&]() -> Value {
    switch (coin(rng)) {
      case 0: return Value(small(rng));
      case 1: return Value(small(rng) / 2.0);
      case 2: return Value(std::string(1, static_cast<char>('a' + (small(rng) + 20) % 6)));
      default: return Value(small(rng) > 0);
    }
  };
  // Half the data before the index exists (built from existing data), half after.
  auto load = [&](int n) {
    auto txn = Begin(*db);
    std::vector<NodeId> ids;
    for (int i = 0; i < n; ++i)
      ids.push_back(Ok(txn.CreateNode({coin(rng) ? "P" : "Q"}, {{"v", random_value()}})));
    // Churn: updates, label changes, deletes.
    for (int i = 0; i < n / 4; ++i) {
      NodeId id = ids[rng() % ids.size()];
      if (!Ok(txn.HasNode(id))) continue;
      switch (coin(rng)) {
        case 0: Ok(txn.SetNodeProperty(id, "v", random_value())); break;
        case 1: Ok(txn.AddLabel(id, "P")); break;
        case 2: Ok(txn.RemoveLabel(id, "P")); break;
        default: Ok(txn.DeleteNode(id)); break;
      }
    }
    Ok(txn.Commit());
  };
  load(300);
  Ok(db->CreateIndex({.label = "P", .property = "v"}));
  load(300);

  auto txn = Begin(*db, true);
  for (int probe = -20; probe <= 20; ++probe) {
    for (const Value& v : {Value(probe), Value(probe / 2.0), Value(std::string(1, char('a' + (probe + 20) % 6))), Value(probe > 0)}) {
      // Cypher equality: 1 finds 1.0 too.
      auto expected = ScanWhere(txn, "P", "v", [&](const Value& x) {
        return x == v || (x.is_number() && v.is_number() && x.as_number() == v.as_number());
      });
      REQUIRE(Ok(txn.FindNodes("P", "v", v)) == expected);
    }
  }
  for (int lo = -10; lo <= 10; lo += 5) {
    for (int hi = lo; hi <= 12; hi += 3) {
      auto expected = ScanWhere(txn, "P", "v", [&](const Value& x) {
        return x.is_number() && x.as_number() > lo && x.as_number() <= hi;
      });
      auto got = Ok(txn.FindNodesInRange("P", "v", IndexBound{Value(lo), false}, IndexBound{Value(double(hi)), true}));
      REQUIRE(Sorted(got) == expected);
    }
  }
  auto strings = ScanWhere(txn, "P", "v", [](const Value& x) { return x.is_string() && x.as_string() >= "b"; });
  REQUIRE(Sorted(Ok(txn.FindNodesInRange("P", "v", IndexBound{Value("b")}, std::nullopt))) == strings);
  REQUIRE(txn.FindNodes("Q", "v", Value(1)).status().IsNotFound());
}

TEST_CASE("index equality is Cypher's: numbers by value, integers exactly", "[graph][index]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Ok(db->CreateIndex({.label = "P", .property = "v"}));
  const int64_t big = int64_t{1} << 53;  // big + 1 is the same double as big
  auto txn = Begin(*db);
  NodeId one = Ok(txn.CreateNode({"P"}, {{"v", Value(1)}}));
  NodeId one_float = Ok(txn.CreateNode({"P"}, {{"v", Value(1.0)}}));
  NodeId text = Ok(txn.CreateNode({"P"}, {{"v", Value("1")}}));
  NodeId at = Ok(txn.CreateNode({"P"}, {{"v", Value(big)}}));
  NodeId after = Ok(txn.CreateNode({"P"}, {{"v", Value(big + 1)}}));
  Ok(txn.Commit());
  auto read = Begin(*db, true);
  CHECK(Ok(read.FindNodes("P", "v", Value(1))) == std::vector<NodeId>{one, one_float});
  CHECK(Ok(read.FindNodes("P", "v", Value(1.0))) == std::vector<NodeId>{one, one_float});
  CHECK(Ok(read.FindNodes("P", "v", Value("1"))) == std::vector<NodeId>{text});
  CHECK(Ok(read.FindNodes("P", "v", Value(big + 1))) == std::vector<NodeId>{after});
  CHECK(Ok(read.FindNodes("P", "v", Value(static_cast<double>(big)))) == std::vector<NodeId>{at});
  CHECK(Ok(read.FindNodes("P", "v", Value(1.5))).empty());
  CHECK(Ok(read.FindNodes("P", "v", Value())).empty());
}

TEST_CASE("unique constraints reject violating writes and data", "[graph][index][unique]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  {
    auto txn = Begin(*db);
    Ok(txn.CreateNode({"User"}, {{"email", "a@x"}}));
    Ok(txn.CreateNode({"User"}, {{"email", "a@x"}}));
    Ok(txn.Commit());
  }
  Status s = db->CreateIndex({.label = "User", .property = "email", .name = "user_email", .unique = true});
  REQUIRE(s.code() == StatusCode::kConstraintViolation);
  REQUIRE(s.message() == "cannot create constraint user_email: nodes 1 and 2 both have label User and property email = 'a@x'");
  REQUIRE(db->Indexes().empty());
  {
    auto txn = Begin(*db);
    Ok(txn.DeleteNode(2));
    Ok(txn.Commit());
  }
  Ok(db->CreateIndex({.label = "User", .property = "email", .name = "user_email", .unique = true}));
  REQUIRE(db->CreateIndex({.label = "User", .property = "email", .unique = true}).code() == StatusCode::kInvalidArgument);
  Ok(db->CreateIndex({.label = "User", .property = "email", .unique = true, .if_not_exists = true}));

  auto txn = Begin(*db);
  auto dup = txn.CreateNode({"User"}, {{"email", "a@x"}});
  REQUIRE(dup.status().code() == StatusCode::kConstraintViolation);
  REQUIRE(dup.status().message() == "node 1 already has label User and property email = 'a@x' (constraint user_email)");
  NodeId other = Ok(txn.CreateNode({"Guest"}, {{"email", "a@x"}}));  // other label: fine
  REQUIRE(txn.AddLabel(other, "User").code() == StatusCode::kConstraintViolation);
  NodeId b = Ok(txn.CreateNode({"User"}, {{"email", "b@x"}}));
  REQUIRE(txn.SetNodeProperty(b, "email", "a@x").code() == StatusCode::kConstraintViolation);
  Ok(txn.SetNodeProperty(1, "email", "c@x"));  // frees a@x
  Ok(txn.SetNodeProperty(b, "email", "a@x"));
  Ok(txn.Commit());
  txn = Begin(*db, true);
  REQUIRE(Ok(txn.FindNodes("User", "email", "a@x")) == std::vector<NodeId>{b});

  // Concurrent inserts of one value: one wins, the other conflicts.
  auto t1 = Begin(*db);
  auto t2 = Begin(*db);
  Ok(t1.CreateNode({"User"}, {{"email", "z@x"}}));
  Ok(t2.CreateNode({"User"}, {{"email", "z@x"}}));
  Ok(t1.Commit());
  REQUIRE(t2.Commit().code() == StatusCode::kConflict);

  Ok(db->DropIndex("user_email"));
  REQUIRE(db->DropIndex("user_email").IsNotFound());
  txn = Begin(*db);
  Ok(txn.CreateNode({"User"}, {{"email", "a@x"}}));
  Ok(txn.Commit());
}

TEST_CASE("a transaction that began before an index change must retry", "[graph][index]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto old = Begin(*db);
  Ok(db->CreateIndex({.label = "P", .property = "k"}));
  Ok(old.CreateNode({"P"}, {{"k", 1}}));
  REQUIRE(old.Commit().code() == StatusCode::kConflict);
  auto txn = Begin(*db);
  Ok(txn.CreateNode({"P"}, {{"k", 1}}));
  Ok(txn.Commit());
  REQUIRE(Ok(Begin(*db, true).FindNodes("P", "k", Value(1))).size() == 1);
  REQUIRE(db->Indexes().size() == 1);
  REQUIRE(db->Indexes()[0].name == "index_P_k");
}

TEST_CASE("indexes persist across reopen", "[graph][index][persistence]") {
  TempDir dir;
  {
    auto db = OpenDb(dir.db());
    Ok(db->CreateIndex({.label = "P", .property = "k", .unique = true}));
    auto txn = Begin(*db);
    Ok(txn.CreateNode({"P"}, {{"k", "x"}}));
    Ok(txn.Commit());
  }
  auto db = OpenDb(dir.db());
  REQUIRE(db->Indexes().size() == 1);
  REQUIRE(db->Indexes()[0].unique);
  auto txn = Begin(*db);
  REQUIRE(txn.CreateNode({"P"}, {{"k", "x"}}).status().code() == StatusCode::kConstraintViolation);
  REQUIRE(Ok(txn.FindNodes("P", "k", "x")).size() == 1);
}

TEST_CASE("a large index is written as a sorted file and ingested with its definition", "[graph][index]") {
  TempDir dir;
  constexpr int kNodes = 12000;  // past the size from which an index is ingested
  {
    auto db = OpenDb(dir.db());
    auto txn = Begin(*db);
    for (int i = 0; i < kNodes; ++i) Ok(txn.CreateNode({"P"}, {{"k", i % 5000}, {"u", i % (kNodes - 1)}}));
    Ok(txn.Commit());
    // Two nodes share u = 0: the constraint fails whole and leaves nothing.
    REQUIRE(db->CreateIndex({.label = "P", .property = "u", .unique = true}).code() ==
            StatusCode::kConstraintViolation);
    REQUIRE(db->Indexes().empty());
    Ok(db->CreateIndex({.label = "P", .property = "k"}));
    auto read = Begin(*db, true);
    for (int k : {0, 17, 1999}) {
      auto want = ScanWhere(read, "P", "k", [&](const Value& v) { return v == Value(k); });
      REQUIRE(want.size() == 3);
      REQUIRE(Sorted(Ok(read.FindNodes("P", "k", Value(k)))) == Sorted(want));
    }
    auto report = Check(*db);
    REQUIRE(report.ok());
    REQUIRE(report->problems.empty());
    REQUIRE(report->index_entries == kNodes);
  }
  // Durable: after reopening, the definition and the entries are both there.
  auto db = OpenDb(dir.db());
  REQUIRE(db->Indexes().size() == 1);
  REQUIRE(Ok(Begin(*db, true).FindNodes("P", "k", Value(42))).size() == 3);
  for (const auto& entry : std::filesystem::directory_iterator(dir.db()))
    REQUIRE(!entry.path().filename().string().starts_with("bulk-"));
}

TEST_CASE("an index over most of many nodes is built from both halves of the node family", "[graph][index]") {
  // Past the size from which a full scan is split between two threads.
  TempDir dir;
  auto db = OpenDb(dir.db());
  constexpr int kNodes = 60000;
  int64_t with_k = 0;
  {
    auto txn = Begin(*db);
    for (int i = 0; i < kNodes; ++i) {
      // Values fall as ids grow (the keys need sorting); every tenth node
      // has no k, every seventh is a Q; u is unique but for the second and
      // the last node (both P), at the two ends of the family.
      ValueMap props{{"u", Value(i == kNodes - 1 ? 1 : i)}};
      if (i % 10 != 0) props["k"] = Value((kNodes - i) % 7000);
      bool p = i % 7 != 0;
      with_k += p && i % 10 != 0;
      Ok(txn.CreateNode({p ? "P" : "Q"}, props));
    }
    Ok(txn.Commit());
  }
  auto unique = db->CreateIndex({.label = "P", .property = "u", .unique = true});
  REQUIRE(unique.code() == StatusCode::kConstraintViolation);
  CHECK(unique.message().find("= 1") != std::string::npos);
  Ok(db->CreateIndex({.label = "P", .property = "k"}));
  auto read = Begin(*db, true);
  for (int k : {1, 18, 3501, 6999}) {
    auto want = ScanWhere(read, "P", "k", [&](const Value& v) { return v == Value(k); });
    REQUIRE(!want.empty());
    REQUIRE(Sorted(Ok(read.FindNodes("P", "k", Value(k)))) == Sorted(want));
  }
  auto report = Check(*db);
  REQUIRE(report.ok());
  REQUIRE(report->problems.empty());
  REQUIRE(report->index_entries == static_cast<uint64_t>(with_k));
}

TEST_CASE("an ingested index needs no rewrite to clear its sequence numbers", "[graph][index]") {
  // Ingested while no snapshot needs it hidden, an index file keeps
  // sequence number 0; otherwise RocksDB would rewrite the whole file in a
  // later compaction to clear the number it was given.
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto& store = *internal::Access::Of(*db).store;
  rocksdb::ColumnFamilyHandle* index_cf = storage::StoreInternals::cf(store, storage::Keyspace::kIndex);
  REQUIRE(storage::StoreInternals::db(store)->SetOptions(index_cf, {{"disable_auto_compactions", "true"}}).ok());
  {
    auto txn = Begin(*db);
    for (int i = 0; i < 12000; ++i) Ok(txn.CreateNode({"P"}, {{"k", i}}));
    Ok(txn.Commit());
  }
  Ok(db->CreateIndex({.label = "P", .property = "k"}));
  std::vector<rocksdb::LiveFileMetaData> files;
  storage::StoreInternals::db(store)->GetLiveFilesMetaData(&files);
  int index_files = 0;
  for (const auto& f : files) {
    if (f.column_family_name != index_cf->GetName()) continue;
    ++index_files;
    CHECK(f.largest_seqno == 0);
  }
  CHECK(index_files == 1);
  CHECK(Ok(Begin(*db, true).FindNodes("P", "k", Value(11999))).size() == 1);
}

TEST_CASE("an index build past its sorting memory merges the runs it spilled", "[graph][index]") {
  TempDir dir;
  Options options;
  options.sort_memory_bytes = 4096;  // a run every hundred keys or so
  auto db = OpenDb(dir.db(), options);
  constexpr int kNodes = 55000;  // split between two threads, too
  {
    auto txn = Begin(*db);
    for (int i = 0; i < kNodes; ++i) {
      // P: k falls as ids grow; u is unique but for nodes 5 and 54000 (far
      // apart: different runs and halves); v is unique. Q: every seventh.
      ValueMap props{{"k", Value((kNodes - i) % 5000)}, {"v", Value(i)}};
      props["u"] = Value(i == 54000 ? 5 : i);
      Ok(txn.CreateNode({i % 7 == 0 ? "Q" : "P"}, props));
    }
    Ok(txn.Commit());
  }
  auto unique = db->CreateIndex({.label = "P", .property = "u", .name = "p_u", .unique = true});
  REQUIRE(unique.code() == StatusCode::kConstraintViolation);
  REQUIRE(unique.message() == "cannot create constraint p_u: nodes 6 and 54001 both have label P and property u = 5");
  REQUIRE(db->Indexes().empty());
  Ok(db->CreateIndex({.label = "P", .property = "v", .unique = true}));
  Ok(db->CreateIndex({.label = "P", .property = "k"}));
  Ok(db->CreateIndex({.label = "Q", .property = "k"}));  // under 10,000 keys: through the write batch
  auto read = Begin(*db, true);
  for (const char* label : {"P", "Q"})
    for (int k : {0, 1, 2500, 4999}) {
      auto want = ScanWhere(read, label, "k", [&](const Value& v) { return v == Value(k); });
      REQUIRE(!want.empty());
      REQUIRE(Sorted(Ok(read.FindNodes(label, "k", Value(k)))) == Sorted(want));
    }
  REQUIRE(Ok(read.FindNodes("P", "v", Value(54000))).size() == 1);
  auto report = Check(*db);
  REQUIRE(report.ok());
  REQUIRE(report->problems.empty());
  REQUIRE(report->index_entries == static_cast<uint64_t>(2 * (kNodes - (kNodes + 6) / 7) + (kNodes + 6) / 7));
  for (const auto& entry : std::filesystem::directory_iterator(dir.db()))
    REQUIRE(!entry.path().filename().string().starts_with("bulk-"));
}

namespace {

// Every key and value of a family, in order.
std::vector<std::pair<std::string, std::string>> Dump(Database& db, storage::Keyspace ks) {
  auto& store = *internal::Access::Of(db).store;
  std::unique_ptr<rocksdb::Iterator> it(storage::StoreInternals::db(store)->NewIterator({}, storage::StoreInternals::cf(store, ks)));
  std::vector<std::pair<std::string, std::string>> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->key().ToString(), it->value().ToString());
  REQUIRE(it->status().ok());
  return out;
}

// Nodes for the batch tests: A on seven in eight, B and C on the rest.
// k falls as ids grow; u is unique; d is unique but for two A nodes.
void FillForBatches(Database& db, int nodes) {
  auto txn = Begin(db);
  for (int i = 0; i < nodes; ++i) {
    const char* label = i % 8 != 0 ? "A" : (i % 16 != 0 ? "B" : "C");
    ValueMap props{{"k", Value((nodes - i) % 3000)}, {"u", Value(i)}, {"d", Value(i == nodes - 1 ? 1 : i)}};
    if (i % 3 != 0) props["name"] = Value("n" + std::to_string(i % 5000));
    Ok(txn.CreateNode({label}, props));
  }
  Ok(txn.Commit());
}

bool NoBulkDirectory(const std::string& path) {
  for (const auto& entry : std::filesystem::directory_iterator(path))
    if (entry.path().filename().string().starts_with("bulk-")) return false;
  return true;
}

}  // namespace

TEST_CASE("indexes created together equal the same created one at a time", "[graph][index]") {
  // Past the size from which a full scan is split between two threads, and
  // from which an index is ingested; the few-node batch goes by label.
  int nodes = GENERATE(14000, 56000);
  std::vector<IndexSpec> specs;
  SECTION("labels most nodes have: one scan for all") {
    specs = {{.label = "A", .property = "k"},
             {.label = "B", .property = "k"},
             {.label = "C", .property = "u", .name = "c_u", .unique = true},
             {.label = "A", .property = "name"},
             {.label = "B", .property = "k", .if_not_exists = true},
             {.label = "C", .property = "u", .name = "c_u", .unique = true, .if_not_exists = true}};
  }
  SECTION("labels few nodes have: each read by its label") {
    specs = {{.label = "B", .property = "k"}, {.label = "C", .property = "u", .unique = true},
             {.label = "C", .property = "name"}};
  }
  TempDir together_dir, apart_dir;
  auto together = OpenDb(together_dir.db());
  auto apart = OpenDb(apart_dir.db());
  FillForBatches(*together, nodes);
  FillForBatches(*apart, nodes);
  std::vector<bool> added;
  Ok(together->CreateIndexes(specs, &added));
  for (const IndexSpec& spec : specs) Ok(apart->CreateIndex(spec));
  REQUIRE(added.size() == specs.size());
  for (size_t i = 0; i < specs.size(); ++i) CHECK(added[i] == !specs[i].if_not_exists);

  auto a = together->Indexes(), b = apart->Indexes();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].label == b[i].label);
    CHECK(a[i].property == b[i].property);
    CHECK(a[i].unique == b[i].unique);
  }
  CHECK(Dump(*together, storage::Keyspace::kIndex) == Dump(*apart, storage::Keyspace::kIndex));
  CHECK(Dump(*together, storage::Keyspace::kIndex).size() > 0);
  auto report = Check(*together);
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
  CHECK(NoBulkDirectory(together_dir.db()));
  // The definitions are durable: after reopening, lookups find the same.
  together.reset();
  together = OpenDb(together_dir.db());
  REQUIRE(together->Indexes().size() == a.size());
  auto read = Begin(*together, true);
  Value k((nodes - 8) % 3000);  // node 8's, a B
  auto want = ScanWhere(read, "B", "k", [&](const Value& v) { return v == k; });
  REQUIRE(!want.empty());
  CHECK(Sorted(Ok(read.FindNodes("B", "k", k))) == Sorted(want));
}

TEST_CASE("indexes created together: one that fails leaves none", "[graph][index]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  FillForBatches(*db, 14000);
  std::vector<IndexSpec> specs = {{.label = "A", .property = "k"},
                                  {.label = "A", .property = "d", .name = "a_d", .unique = true},
                                  {.label = "B", .property = "k"}};
  SECTION("existing data violates a constraint") {
    Status s = db->CreateIndexes(specs);
    REQUIRE(s.code() == StatusCode::kConstraintViolation);
    CHECK(s.message() == "cannot create constraint a_d: nodes 2 and 14000 both have label A and property d = 1");
  }
  SECTION("two specs take one name") {
    specs[1] = {.label = "B", .property = "u", .name = "index_A_k"};
    Status s = db->CreateIndexes(specs);
    REQUIRE(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == "an index or constraint named index_A_k already exists");
  }
  SECTION("a spec repeats another") {
    specs[1] = {.label = "A", .property = "k", .name = "again"};
    Status s = db->CreateIndexes(specs);
    REQUIRE(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message() == "an equivalent index already exists: index_A_k");
  }
  CHECK(db->Indexes().empty());
  CHECK(Dump(*db, storage::Keyspace::kIndex).empty());
  CHECK(NoBulkDirectory(dir.db()));
  // A later batch starts from a clean catalog.
  Ok(db->CreateIndexes(std::vector<IndexSpec>{{.label = "A", .property = "k"}, {.label = "B", .property = "k"}}));
  CHECK(db->Indexes().size() == 2);
  auto report = Check(*db);
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
}
