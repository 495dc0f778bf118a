// The bulk load path against the transactional one: the same graph, every
// index entry and count, unique constraints, sorted runs spilled to disk,
// and a load that fails leaving nothing behind.
#include <filesystem>
#include <fstream>
#include <random>

#include "graph/access.h"
#include "graph/bulk_writer.h"
#include "graph/database_impl.h"
#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

// A random graph written through any sink; returns the node ids.
std::vector<NodeId> Write(graph::GraphSink& sink, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<NodeId> nodes;
  const char* labels[] = {"County", "Program", "Person"};
  for (int i = 0; i < 600; ++i) {
    std::vector<std::string> l = {labels[i % 3]};
    if (i % 7 == 0) l.push_back("Extra");
    auto n = sink.CreateNode(l, {{"code", Value("c" + std::to_string(i))}, {"rank", Value(int64_t(rng() % 50))}});
    REQUIRE(n.ok());
    nodes.push_back(*n);
  }
  for (int i = 0; i < 5000; ++i) {
    auto e = sink.CreateEdge(nodes[rng() % nodes.size()], i % 2 ? "REACHED" : "LOCATED_IN", nodes[rng() % nodes.size()],
                             {{"w", Value(int64_t(i))}});
    REQUIRE(e.ok());
  }
  return nodes;
}

std::string Summary(Database& db) {
  Connection conn(db);
  auto r = conn.Execute(
      "MATCH (n) WITH labels(n) AS l, count(*) AS c ORDER BY l RETURN collect([l, c]) AS nodes");
  auto e = conn.Execute(
      "MATCH (a)-[r]->(b) RETURN type(r) AS t, count(*) AS c, sum(r.w) AS w, sum(a.rank * b.rank) AS x ORDER BY t");
  auto i = conn.Execute("MATCH (c:County) WHERE c.rank = 7 RETURN count(c)");
  REQUIRE((r.ok() && e.ok() && i.ok()));
  std::string out = r.rows()[0][0].ToString();
  for (const auto& row : e.rows()) out += " " + row[0].ToString() + row[1].ToString() + row[2].ToString() + row[3].ToString();
  return out + " " + i.rows()[0][0].ToString();
}

// What kg check reports, having found nothing wrong.
CheckReport CheckClean(Database& db) {
  auto report = Check(db);
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
  return *report;
}

TEST_CASE("a bulk load equals a transactional one, spilled runs included", "[bulk]") {
  test::TempDir dir;
  auto plain = test::OpenDb(dir.path() + "/plain");
  auto bulk = test::OpenDb(dir.path() + "/bulk");
  for (Database* db : {plain.get(), bulk.get()}) {
    REQUIRE(db->CreateIndex({.label = "County", .property = "rank"}).ok());
    REQUIRE(db->CreateIndex({.label = "Program", .property = "code", .unique = true}).ok());
    Connection conn(*db);
    REQUIRE(conn.Execute("CREATE (:County {rank: 7, code: 'before'})-[:REACHED {w: 0}]->(:Person {rank: 1})").ok());
  }
  {
    auto txn = plain->Begin();
    REQUIRE(txn.ok());
    graph::TransactionSink sink(std::move(*txn));
    Write(sink, 42);
    REQUIRE(sink.Finish().ok());
  }
  {
    // A tiny memory budget: every few hundred keys go to a sorted run on disk.
    graph::BulkWriter sink(internal::Access::Of(*bulk).store, 16 << 10);
    Write(sink, 42);
    REQUIRE(sink.Finish().ok());
  }
  CHECK(Summary(*bulk) == Summary(*plain));
  // Adjacency runs that do not pack into 64-bit keys sort as fields, in
  // memory and spilled.
  for (size_t budget : {size_t{16} << 10, size_t{64} << 20}) {
    auto unpacked = test::OpenDb(dir.path() + "/unpacked" + std::to_string(budget));
    REQUIRE(unpacked->CreateIndex({.label = "County", .property = "rank"}).ok());
    REQUIRE(unpacked->CreateIndex({.label = "Program", .property = "code", .unique = true}).ok());
    REQUIRE(Connection(*unpacked).Execute("CREATE (:County {rank: 7, code: 'before'})-[:REACHED {w: 0}]->(:Person {rank: 1})").ok());
    graph::BulkWriter sink(internal::Access::Of(*unpacked).store, budget, /*max_packed_bits=*/0);
    Write(sink, 42);
    REQUIRE(sink.Finish().ok());
    CHECK(Summary(*unpacked) == Summary(*plain));
    CheckClean(*unpacked);
  }
  CheckReport report = CheckClean(*bulk);
  CHECK(report.nodes == 602);
  CHECK(report.relationships == 5001);
  // No temporary files are left in the database directory.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() + "/bulk"))
    CHECK(!entry.path().filename().string().starts_with("bulk-"));
}

// A hub with 300 outgoing T edges (more than two blocks' worth; some
// neighbors twice) and a few incoming ones.
void WriteHub(graph::GraphSink& sink) {
  auto hub = sink.CreateNode({"Hub"}, {{"code", Value("hub")}});
  REQUIRE(hub.ok());
  std::vector<NodeId> n;
  for (int i = 0; i < 250; ++i) {
    auto id = sink.CreateNode({"Leaf"}, {{"code", Value("n" + std::to_string(i))}});
    REQUIRE(id.ok());
    n.push_back(*id);
  }
  for (int i = 0; i < 300; ++i)
    REQUIRE(sink.CreateEdge(*hub, "T", n[i % 250], {{"w", Value(int64_t(i))}}).ok());
  for (int i = 0; i < 5; ++i) REQUIRE(sink.CreateEdge(n[i], "U", *hub, {{"w", Value(int64_t(1000 + i))}}).ok());
}

std::string Edges(Database& db) {
  auto r = Connection(db).Execute("MATCH (a)-[r]->(b) RETURN a.code, type(r), b.code, r.w ORDER BY r.w");
  REQUIRE(r.ok());
  std::string out;
  for (const auto& row : r.rows()) out += row[0].ToString() + row[1].ToString() + row[2].ToString() + row[3].ToString() + " ";
  return out;
}

size_t KeyCount(Database& db, storage::Keyspace ks) {
  auto& store = *internal::Access::Of(db).store;
  std::unique_ptr<rocksdb::Iterator> it(storage::StoreInternals::db(store)->NewIterator({}, storage::StoreInternals::cf(store, ks)));
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

// The hub written through one transaction.
void PlainHub(Database& db) {
  auto txn = db.Begin();
  REQUIRE(txn.ok());
  graph::TransactionSink sink(std::move(*txn));
  WriteHub(sink);
  REQUIRE(sink.Finish().ok());
}

// The hub written by a bulk load.
void BulkHub(Database& db) {
  graph::BulkWriter sink(internal::Access::Of(db).store);
  WriteHub(sink);
  REQUIRE(sink.Finish().ok());
}

TEST_CASE("edges stored in adjacency blocks are deleted like any other", "[bulk]") {
  test::TempDir dir;
  auto plain = test::OpenDb(dir.path() + "/plain");
  auto bulk = test::OpenDb(dir.path() + "/bulk");
  PlainHub(*plain);
  BulkHub(*bulk);
  // The hub's 300 edges take three blocks; each leaf's one or two a key.
  CHECK(KeyCount(*bulk, storage::Keyspace::kOut) == 3 + 5);
  CHECK(KeyCount(*plain, storage::Keyspace::kOut) == 305);
  REQUIRE(Edges(*bulk) == Edges(*plain));

  const char* steps[] = {
      // The first entry of the first block, then one in the middle.
      "MATCH (:Hub)-[r {w: 0}]->() DELETE r",
      "MATCH (:Hub)-[r {w: 77}]->() DELETE r",
      // Single keys among a block's entries, then one of them and block entries beside it.
      "MATCH (h:Hub), (n {code: 'n150'}) CREATE (h)-[:T {w: 2000}]->(n), (h)-[:T {w: 2001}]->(n)",
      "MATCH (:Hub)-[r:T]->(n) WHERE n.code IN ['n150', 'n151'] AND r.w <> 2001 DELETE r",
      // A leaf and its entries in the hub's blocks; then many of one block in one statement.
      "MATCH (n {code: 'n200'}) DETACH DELETE n",
      "MATCH (:Hub)-[r:T]->() WHERE r.w >= 128 AND r.w < 250 DELETE r",
      // Incoming entries, then the hub with everything left.
      "MATCH (:Hub)<-[r:U]-() WHERE r.w > 1002 DELETE r",
      "MATCH (h:Hub) DETACH DELETE h",
  };
  for (const char* step : steps) {
    INFO(step);
    // Reopened each time: where blocks may be is read back from the database.
    bulk.reset();
    bulk = test::OpenDb(dir.path() + "/bulk");
    for (Database* db : {plain.get(), bulk.get()}) REQUIRE(Connection(*db).Execute(step).ok());
    CHECK(Edges(*bulk) == Edges(*plain));
    CheckClean(*bulk);
  }
  CHECK(KeyCount(*bulk, storage::Keyspace::kOut) == 0);
  CHECK(KeyCount(*bulk, storage::Keyspace::kIn) == 0);
}

TEST_CASE("two transactions deleting edges of one adjacency block conflict", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  BulkHub(*db);
  auto hub = Connection(*db).Execute("MATCH (h:Hub) RETURN id(h)");
  REQUIRE(hub.ok());
  auto reader = db->Begin();
  REQUIRE(reader.ok());
  auto edges = reader->GetEdges(static_cast<NodeId>(hub.rows()[0][0].as_int()), Direction::kOut, "T");
  REQUIRE(edges.ok());
  REQUIRE(edges->size() == 300);
  auto first = db->Begin(), second = db->Begin();
  REQUIRE((first.ok() && second.ok()));
  REQUIRE(first->DeleteEdge((*edges)[10].id).ok());
  REQUIRE(second->DeleteEdge((*edges)[11].id).ok());
  REQUIRE(first->Commit().ok());
  // Each rewrote the block from what it saw: the second would bring back
  // the first's entry.
  CHECK(second->Commit().code() == StatusCode::kConflict);
  CheckClean(*db);
  CHECK(Connection(*db).Execute("MATCH (:Hub)-[r:T]->() RETURN count(r)").rows()[0][0].as_int() == 299);
}

TEST_CASE("deleting many edges at once rewrites their blocks as one by one would", "[bulk]") {
  test::TempDir dir;
  auto one_by_one = test::OpenDb(dir.path() + "/one");
  auto at_once = test::OpenDb(dir.path() + "/all");
  for (Database* db : {one_by_one.get(), at_once.get()}) BulkHub(*db);
  // Both blocks' first entries, entries beside them and in the middle, the
  // whole second block (w 128..255) and entries of the leaves' own keys
  // (U), some named twice.
  auto pick = [](Database& db) {
    auto r = Connection(db).Execute(
        "MATCH ()-[r]->() WHERE r.w IN [0, 1, 2, 77, 127, 1003, 1004] OR (r.w >= 128 AND r.w < 256) "
        "RETURN id(r) ORDER BY r.w");
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 135);
    std::vector<EdgeId> ids;
    for (const auto& row : r.rows()) ids.push_back(static_cast<EdgeId>(row[0].as_int()));
    ids.push_back(ids.front());
    ids.push_back(ids.back());
    return ids;
  };
  {
    auto ids = pick(*one_by_one);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    auto txn = one_by_one->Begin();
    REQUIRE(txn.ok());
    for (EdgeId id : ids) REQUIRE(txn->DeleteEdge(id).ok());
    REQUIRE(txn->Commit().ok());
  }
  EdgeId deleted = 0;
  {
    auto ids = pick(*at_once);
    deleted = ids.front();
    auto txn = at_once->Begin();
    REQUIRE(txn.ok());
    std::vector<EdgeId> seen;
    REQUIRE(internal::Access::Of(*txn)
                .RemoveEdges(ids, [&](EdgeId id, const storage::EdgeRecord&) { seen.push_back(id); })
                .ok());
    // Each edge once, before any is gone.
    CHECK(seen.size() == ids.size() - 2);
    // A deleted edge is gone for the transaction that deleted it.
    CHECK(txn->GetEdge(ids.front()).status().code() == StatusCode::kNotFound);
    REQUIRE(txn->Commit().ok());
  }
  CHECK(Edges(*at_once) == Edges(*one_by_one));
  CHECK(Connection(*at_once).Execute("MATCH ()-[r]->() RETURN count(r)").rows()[0][0].as_int() == 305 - 135);
  for (Database* db : {one_by_one.get(), at_once.get()}) {
    auto txn = db->Begin();
    REQUIRE(txn.ok());
    CHECK(*txn->CountEdges() == 305 - 135);
    CHECK(*txn->CountEdges("T") == 300 - 133);
    CheckClean(*db);
  }
  // Missing edges fail the call.
  auto txn = at_once->Begin();
  REQUIRE(txn.ok());
  EdgeId gone[] = {deleted};
  CHECK(internal::Access::Of(*txn).RemoveEdges(gone).code() == StatusCode::kNotFound);
}

TEST_CASE("relationship records stored in blocks read, change and delete like any other", "[bulk]") {
  test::TempDir dir;
  auto plain = test::OpenDb(dir.path() + "/plain");
  auto bulk = test::OpenDb(dir.path() + "/bulk");
  PlainHub(*plain);
  BulkHub(*bulk);
  // 305 records: four full blocks and one of 49.
  static_assert(storage::key::kEdgeBlockEntries == 64);
  CHECK(KeyCount(*bulk, storage::Keyspace::kEdges) == 5);
  CHECK(KeyCount(*plain, storage::Keyspace::kEdges) == 305);
  REQUIRE(Edges(*bulk) == Edges(*plain));
  // Each id read alone, and ids around them that are no relationship.
  {
    auto txn = bulk->Begin();
    REQUIRE(txn.ok());
    auto first = Connection(*bulk).Execute("MATCH ()-[r]->() RETURN min(id(r)), max(id(r))");
    REQUIRE(first.ok());
    auto lo = static_cast<EdgeId>(first.rows()[0][0].as_int()), hi = static_cast<EdgeId>(first.rows()[0][1].as_int());
    REQUIRE(hi - lo == 304);
    for (EdgeId id = lo; id <= hi; ++id) {
      auto e = txn->GetEdge(id);
      REQUIRE(e.ok());
      CHECK(e->properties.at("w").as_int() == (id - lo < 300 ? int64_t(id - lo) : int64_t(1000 + id - lo - 300)));
    }
    CHECK(txn->GetEdge(lo - 1).status().code() == StatusCode::kNotFound);
    CHECK(txn->GetEdge(hi + 1).status().code() == StatusCode::kNotFound);
  }
  const char* steps[] = {
      // Records in the middle and at the end of the first block.
      "MATCH ()-[r {w: 10}]->() SET r.w = 5000",
      "MATCH ()-[r {w: 63}]->() SET r.w = 6000, r.extra = 'x'",
      // The last record of the second block, the first of the third.
      "MATCH ()-[r {w: 127}]->() DELETE r",
      "MATCH ()-[r {w: 128}]->() DELETE r",
      // The whole fourth block at once; then most of the fifth, changed.
      "MATCH ()-[r]->() WHERE r.w >= 192 AND r.w < 256 DELETE r",
      "MATCH ()-[r]->() WHERE r.w >= 260 SET r.w = r.w + 1",
      // A record of a block changed, then deleted, in one transaction.
      "MATCH ()-[r {w: 130}]->() SET r.w = 7000 WITH r DELETE r",
      // New relationships beside them; then the hub with everything.
      "MATCH (h:Hub), (n {code: 'n3'}) CREATE (h)-[:T {w: 8000}]->(n)",
      "MATCH (h:Hub) DETACH DELETE h",
  };
  size_t extra = 0;  // relationships with the property
  for (const char* step : steps) {
    INFO(step);
    bulk.reset();
    bulk = test::OpenDb(dir.path() + "/bulk");
    for (Database* db : {plain.get(), bulk.get()}) REQUIRE(Connection(*db).Execute(step).ok());
    CHECK(Edges(*bulk) == Edges(*plain));
    if (std::string(step).find("extra") != std::string::npos) extra = 1;
    if (std::string(step).find("DETACH") != std::string::npos) extra = 0;
    auto x = Connection(*bulk).Execute("MATCH ()-[r]->() WHERE r.extra IS NOT NULL RETURN r.w, r.extra");
    REQUIRE(x.ok());
    CHECK(x.rows().size() == extra);
    CheckClean(*bulk);
  }
  CHECK(KeyCount(*bulk, storage::Keyspace::kEdges) == 0);
}

TEST_CASE("two transactions changing records of one relationship block conflict", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  BulkHub(*db);
  auto ids = Connection(*db).Execute("MATCH ()-[r]->() WHERE r.w IN [3, 4, 70] RETURN id(r) ORDER BY r.w");
  REQUIRE(ids.ok());
  auto id = [&](size_t i) { return static_cast<EdgeId>(ids.rows()[i][0].as_int()); };
  auto first = db->Begin(), second = db->Begin(), other = db->Begin();
  REQUIRE((first.ok() && second.ok() && other.ok()));
  REQUIRE(first->SetEdgeProperty(id(0), "w", Value(int64_t(-3))).ok());
  REQUIRE(second->DeleteEdge(id(1)).ok());
  REQUIRE(other->SetEdgeProperty(id(2), "w", Value(int64_t(-70))).ok());  // another block
  REQUIRE(first->Commit().ok());
  // Each split the block from what it saw: the second would bring back
  // the record the first changed as it was.
  CHECK(second->Commit().code() == StatusCode::kConflict);
  CHECK(other->Commit().ok());
  auto w = Connection(*db).Execute("MATCH ()-[r]->() WHERE r.w < 0 OR r.w = 4 RETURN r.w ORDER BY r.w");
  REQUIRE(w.ok());
  REQUIRE(w.rows().size() == 3);
  CHECK(w.rows()[0][0].as_int() == -70);
  CHECK(w.rows()[1][0].as_int() == -3);
  CHECK(w.rows()[2][0].as_int() == 4);
  CheckClean(*db);
}

TEST_CASE("a relationship a transaction creates during a bulk load falls in no block", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  NodeId a = 0, b = 0;
  {
    auto txn = db->Begin();
    REQUIRE(txn.ok());
    a = *txn->CreateNode({"Old"});
    b = *txn->CreateNode({"Old"});
    REQUIRE(txn->Commit().ok());
  }
  // Enough records for the writer to start a second batch, so that its
  // blocks no longer line up with the load's id allocations.
  constexpr int kEdges = 160000, kDuring = 120000;
  EdgeId during = 0, bulk_first = 0, bulk_last = 0;
  {
    graph::BulkWriter sink(internal::Access::Of(*db).store);
    auto x = sink.CreateNode({"New"}, {});
    auto y = sink.CreateNode({"New"}, {});
    REQUIRE((x.ok() && y.ok()));
    for (int i = 0; i < kEdges; ++i) {
      if (i == kDuring) {
        auto txn = db->Begin();
        REQUIRE(txn.ok());
        auto e = txn->CreateEdge(a, "T", b, {{"w", Value(int64_t(-1))}});
        REQUIRE(e.ok());
        during = *e;
        REQUIRE(txn->Commit().ok());
      }
      auto e = sink.CreateEdge(i % 2 ? *x : *y, "T", i % 2 ? *y : *x, {{"w", Value(int64_t(i))}});
      REQUIRE(e.ok());
      if (i == 0) bulk_first = *e;
      bulk_last = *e;
    }
    REQUIRE(sink.Finish().ok());
  }
  REQUIRE((bulk_first < during && during < bulk_last));
  CHECK(CheckClean(*db).relationships == kEdges + 1);
  auto txn = db->Begin();
  REQUIRE(txn.ok());
  for (EdgeId id : {during - 1, during, during + 1}) {
    auto e = txn->GetEdge(id);
    REQUIRE(e.ok());
    // The load's ids run on past the one the transaction took.
    CHECK(e->properties.at("w").as_int() ==
          (id == during ? -1 : static_cast<int64_t>(id < during ? id - bulk_first : id - bulk_first - 1)));
  }
  auto r = Connection(*db).Execute("MATCH (:Old)-[r]->(:Old) RETURN id(r), r.w");
  REQUIRE(r.ok());
  REQUIRE(r.rows().size() == 1);
  CHECK(r.rows()[0][0].as_int() == static_cast<int64_t>(during));
}

TEST_CASE("check and reads find damaged relationship blocks", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  BulkHub(*db);
  REQUIRE(Check(*db)->problems.empty());
  auto store = internal::Access::Of(*db).store;
  // The five blocks' keys and values, in order.
  std::vector<std::pair<std::string, std::string>> blocks;
  {
    storage::StoreTransaction kv(store, true);
    auto it = kv.NewIterator(storage::Keyspace::kEdges);
    for (it->SeekToFirst(); it->Valid(); it->Next()) blocks.emplace_back(it->key().ToString(), it->value().ToString());
  }
  REQUIRE(blocks.size() == 5);
  auto first_of = [](const std::pair<std::string, std::string>& b) {
    storage::key::EdgeRecords records(b.first, b.second);
    storage::key::EdgeBlockEntry e;
    REQUIRE(records.Next(&e));
    return e;
  };
  EdgeId second_first = first_of(blocks[1]).id, fourth_first = first_of(blocks[3]).id;
  {
    storage::StoreTransaction kv(store, false);
    // The second block cut short; a single key inside the third block's
    // range; a copy of the fourth's first record as a block far past every
    // load; a key of neither size.
    kv.Put(storage::Keyspace::kEdges, blocks[1].first, blocks[1].second.substr(0, blocks[1].second.size() - 3));
    storage::key::EdgeBlockEntry third = first_of(blocks[2]);
    kv.Put(storage::Keyspace::kEdges, storage::key::Edge(third.id + 5), std::string(third.record));
    std::string value;
    storage::key::EdgeBlockEntry far[] = {{1000000, first_of(blocks[3]).record}};
    std::string far_key = storage::key::EncodeEdgeBlock(far, &value);
    kv.Put(storage::Keyspace::kEdges, far_key, value);
    kv.Put(storage::Keyspace::kEdges, storage::key::Edge(fourth_first) + "xy", "z");
    REQUIRE(kv.Commit().ok());
  }
  auto report = Check(*db);
  REQUIRE(report.ok());
  auto has = [&](const std::string& part) {
    for (const std::string& p : report->problems)
      if (p.find(part) != std::string::npos) return true;
    return false;
  };
  std::string all;
  for (const std::string& p : report->problems) all += p + "\n";
  INFO(all);
  CHECK(has("the relationship block up to " + std::to_string(storage::key::EdgeOf(blocks[1].first)) + ": malformed"));
  CHECK(has(", out of order"));
  CHECK(has("relationship 1000000: in the relationship block up to 1000000, outside every bulk load's range"));
  CHECK(has("relationships: a key of 10 bytes"));
  // A read of a record in the damaged block says so, and names the block.
  auto txn = db->Begin();
  REQUIRE(txn.ok());
  auto e = txn->GetEdge(second_first + 63);
  CHECK(e.status().code() == StatusCode::kCorruption);
  CHECK(e.status().message().find("malformed") != std::string::npos);
}

// The filter sizes of a keyspace's files.
std::vector<uint64_t> FilterSizes(Database& db, storage::Keyspace ks) {
  auto& store = *internal::Access::Of(db).store;
  rocksdb::TablePropertiesCollection tables;
  REQUIRE(storage::StoreInternals::db(store)->GetPropertiesOfAllTables(storage::StoreInternals::cf(store, ks), &tables).ok());
  std::vector<uint64_t> sizes;
  for (const auto& [file, props] : tables) sizes.push_back(props->filter_size);
  return sizes;
}

TEST_CASE("a bulk load's record files go without a filter and read the same", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  BulkHub(*db);
  for (auto ks : {storage::Keyspace::kNodes, storage::Keyspace::kEdges})
    CHECK(FilterSizes(*db, ks) == std::vector<uint64_t>{0});
  // Every id of the load reads back, deleted ones and ids past the end do not.
  auto ids = Connection(*db).Execute("MATCH (n) RETURN min(id(n)), max(id(n))");
  auto edge_ids = Connection(*db).Execute("MATCH ()-[r]->() RETURN min(id(r)), max(id(r))");
  REQUIRE((ids.ok() && edge_ids.ok()));
  const auto first_node = static_cast<NodeId>(ids.rows()[0][0].as_int());
  const auto last_node = static_cast<NodeId>(ids.rows()[0][1].as_int());
  const auto first_edge = static_cast<EdgeId>(edge_ids.rows()[0][0].as_int());
  const auto last_edge = static_cast<EdgeId>(edge_ids.rows()[0][1].as_int());
  REQUIRE(last_node - first_node == 250);
  REQUIRE(last_edge - first_edge == 304);
  REQUIRE(Connection(*db).Execute("MATCH (n {code: 'n7'}) DETACH DELETE n").ok());
  REQUIRE(Connection(*db).Execute("MATCH ()-[r {w: 100}]->() DELETE r").ok());
  auto expect = [&](const char* when) {
    INFO(when);
    auto txn = db->Begin();
    REQUIRE(txn.ok());
    uint64_t nodes = 0, edges = 0;
    for (NodeId id = first_node - 1; id <= last_node + 2; ++id) {
      auto has = txn->HasNode(id);
      REQUIRE(has.ok());
      nodes += *has;
      if (id < first_node || id > last_node) CHECK(!*has);
    }
    for (EdgeId id = first_edge - 1; id <= last_edge + 2; ++id) {
      auto edge = txn->GetEdge(id);
      if (edge.ok()) ++edges;
      else CHECK(edge.status().code() == StatusCode::kNotFound);
      if (id < first_edge || id > last_edge) CHECK(!edge.ok());
    }
    // n7 had 300 / 250 + 1 hub edges (w 7 and w 257) and none of U; w 100 went too.
    CHECK(nodes == 250);
    CHECK(edges == 305 - 3);
  };
  expect("as loaded");
  // Compaction rewrites the files with the family's filter.
  REQUIRE(db->Compact().ok());
  for (auto ks : {storage::Keyspace::kNodes, storage::Keyspace::kEdges}) {
    auto sizes = FilterSizes(*db, ks);
    REQUIRE(sizes.size() == 1);
    CHECK(sizes[0] > 0);
  }
  expect("compacted");
}

TEST_CASE("opening a database removes what a killed bulk load left", "[bulk]") {
  test::TempDir dir;
  test::OpenDb(dir.db());
  std::filesystem::create_directories(dir.db() + "/bulk-99999-0");
  { std::ofstream(dir.db() + "/bulk-99999-0/out.0.run") << "partial"; }
  auto db = test::OpenDb(dir.db());
  CHECK(!std::filesystem::exists(dir.db() + "/bulk-99999-0"));
}

TEST_CASE("a bulk load keeps unique constraints and fails whole", "[bulk]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  REQUIRE(db->CreateIndex({.label = "County", .property = "code", .unique = true}).ok());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE (:County {code: '530627'})").ok());
  auto store = internal::Access::Of(*db).store;
  {
    graph::BulkWriter sink(store);
    REQUIRE(sink.CreateNode({"County"}, {{"code", Value("530628")}}).ok());
    auto dup = sink.CreateNode({"County"}, {{"code", Value("530628")}});
    CHECK(dup.status().code() == StatusCode::kConstraintViolation);
    CHECK(dup.status().message().starts_with("another node of this load already has label County"));
    auto old = sink.CreateNode({"County"}, {{"code", Value("530627")}});
    CHECK(old.status().code() == StatusCode::kConstraintViolation);
    CHECK(old.status().message().starts_with("node 1 already has label County"));
    // Never finished: nothing of it is visible.
  }
  CHECK(conn.Execute("MATCH (c:County) RETURN count(c)").rows()[0][0].as_int() == 1);
  {
    graph::BulkWriter sink(store);
    REQUIRE(sink.CreateNode({"County"}, {{"code", Value("530629")}}).ok());
    // A transaction commits the same value before the load finishes.
    REQUIRE(conn.Execute("CREATE (:County {code: '530629'})").ok());
    Status s = sink.Finish();
    CHECK(s.code() == StatusCode::kConstraintViolation);
  }
  CHECK(conn.Execute("MATCH (c:County) RETURN count(c)").rows()[0][0].as_int() == 2);
  CheckClean(*db);
}

}  // namespace
}  // namespace kg
