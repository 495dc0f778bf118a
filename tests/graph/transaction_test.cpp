#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "graph/access.h"
#include "graph/transaction_impl.h"
#include "kg/database.h"
#include "storage/key_codec.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

TEST_CASE("a reader keeps its snapshot while a writer commits in another thread", "[graph][transaction][isolation]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId counter;
  {
    auto txn = Begin(*db);
    counter = Ok(txn.CreateNode({"Counter"}, {{"n", 0}}));
    Ok(txn.Commit());
  }
  auto reader = Begin(*db, true);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= 50; ++i) {
      auto txn = db->Begin();
      REQUIRE(txn.ok());
      REQUIRE(txn->SetNodeProperty(counter, "n", i).ok());
      REQUIRE(txn->CreateNode({"Item"}).ok());
      REQUIRE(txn->Commit().ok());
    }
    done = true;
  });
  // While and after the writer runs, the reader sees exactly the old state.
  while (!done) {
    REQUIRE(Ok(reader.GetNode(counter)).properties.at("n") == Value(0));
    REQUIRE(Ok(reader.CountNodes("Item")) == 0);
    REQUIRE_FALSE(reader.ScanNodes("Item").Valid());
  }
  writer.join();
  REQUIRE(Ok(reader.GetNode(counter)).properties.at("n") == Value(0));
  auto fresh = Begin(*db, true);
  REQUIRE(Ok(fresh.GetNode(counter)).properties.at("n") == Value(50));
  REQUIRE(Ok(fresh.CountNodes("Item")) == 50);
}

TEST_CASE("concurrent updates of one node: the later commit conflicts, no update is lost", "[graph][transaction][conflict]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId n;
  {
    auto txn = Begin(*db);
    n = Ok(txn.CreateNode({}, {{"count", 0}}));
    Ok(txn.Commit());
  }
  auto t1 = Begin(*db);
  auto t2 = Begin(*db);
  int64_t v1 = Ok(t1.GetNode(n)).properties.at("count").as_int();
  int64_t v2 = Ok(t2.GetNode(n)).properties.at("count").as_int();
  Ok(t1.SetNodeProperty(n, "count", v1 + 1));
  Ok(t2.SetNodeProperty(n, "count", v2 + 1));
  Ok(t1.Commit());
  Status s = t2.Commit();
  REQUIRE(s.code() == StatusCode::kConflict);
  REQUIRE(s.IsRetryable());
  REQUIRE(s.message().find("node 1") != std::string::npos);

  // Retried on a fresh snapshot it succeeds: both increments count.
  auto t3 = Begin(*db);
  Ok(t3.SetNodeProperty(n, "count", Ok(t3.GetNode(n)).properties.at("count").as_int() + 1));
  Ok(t3.Commit());
  REQUIRE(Ok(Begin(*db, true).GetNode(n)).properties.at("count") == Value(2));
}

TEST_CASE("many threads incrementing with retries lose no update", "[graph][transaction][conflict]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId n;
  {
    auto txn = Begin(*db);
    n = Ok(txn.CreateNode({}, {{"count", 0}}));
    Ok(txn.Commit());
  }
  constexpr int kThreads = 4, kIncrements = 50;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        while (true) {
          auto txn = db->Begin();
          auto node = txn->GetNode(n);
          if (!txn->SetNodeProperty(n, "count", node->properties.at("count").as_int() + 1).ok()) continue;
          Status s = txn->Commit();
          if (s.ok()) break;
          if (!s.IsConflict()) FAIL(s.ToString());
          ++conflicts;
        }
      }
    });
  for (auto& t : threads) t.join();
  REQUIRE(Ok(Begin(*db, true).GetNode(n)).properties.at("count") == Value(kThreads * kIncrements));
}

TEST_CASE("deleting a node conflicts with a concurrent edge to it", "[graph][transaction][conflict]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId a, b;
  {
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode());
    b = Ok(txn.CreateNode());
    Ok(txn.Commit());
  }
  SECTION("edge first") {
    auto connect = Begin(*db);
    auto remove = Begin(*db);
    Ok(connect.CreateEdge(a, "T", b));
    Ok(remove.DeleteNode(b));  // sees no edge in its snapshot
    Ok(connect.Commit());
    REQUIRE(remove.Commit().code() == StatusCode::kConflict);
  }
  SECTION("delete first") {
    auto connect = Begin(*db);
    auto remove = Begin(*db);
    Ok(remove.DeleteNode(b));
    Ok(connect.CreateEdge(a, "T", b));
    Ok(remove.Commit());
    REQUIRE(connect.Commit().code() == StatusCode::kConflict);
  }
  auto check = Begin(*db, true);
  // Never a dangling edge.
  for (auto e = check.ScanEdges(); e.Valid(); e.Next()) {
    REQUIRE(Ok(check.HasNode(e.edge().source)));
    REQUIRE(Ok(check.HasNode(e.edge().target)));
  }
}

TEST_CASE("edges to one hub from concurrent transactions do not conflict", "[graph][transaction][conflict]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId hub;
  {
    auto txn = Begin(*db);
    hub = Ok(txn.CreateNode({"Hub"}));
    Ok(txn.Commit());
  }
  auto t1 = Begin(*db);
  auto t2 = Begin(*db);
  Ok(t1.CreateEdge(Ok(t1.CreateNode()), "T", hub));
  Ok(t2.CreateEdge(Ok(t2.CreateNode()), "T", hub));
  Ok(t1.Commit());
  Ok(t2.Commit());
  REQUIRE(Ok(Begin(*db, true).Degree(hub, Direction::kIn)) == 2);
  REQUIRE(Ok(Begin(*db, true).CountEdges("T")) == 2);
}

TEST_CASE("read-only transactions refuse writes", "[graph][transaction]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db, true);
  REQUIRE(txn.read_only());
  REQUIRE(txn.CreateNode().status().code() == StatusCode::kReadOnly);
  Ok(txn.Commit());  // nothing to write
}

TEST_CASE("an edge hinted by a scan is read from the hint until the transaction writes", "[graph][transaction]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  NodeId a = Ok(txn.CreateNode({"N"}));
  EdgeId e1 = Ok(txn.CreateEdge(a, "T", a, {{"w", 1}}));
  EdgeId e2 = Ok(txn.CreateEdge(a, "T", a, {{"w", 2}}));
  auto& impl = internal::Access::Of(txn);
  auto weight = [&](EdgeId id) {
    storage::EdgeRecord r;
    Ok(impl.ReadEdgeRecord(id, &r));
    REQUIRE(r.properties.size() == 1);
    return r.properties[0].second.as_int();
  };
  std::string e2_bytes;
  Ok(impl.kv().Get(storage::Keyspace::kEdges, storage::key::Edge(e2), &e2_bytes));
  // The hint stands for the edge it names (here, on purpose, other bytes).
  impl.HintEdge(e1, e2_bytes);
  CHECK(weight(e1) == 2);
  CHECK(weight(e2) == 2);
  // A write makes it stale.
  Ok(txn.SetEdgeProperty(e2, "w", 3));
  CHECK(weight(e1) == 1);
  CHECK(weight(e2) == 3);
}

TEST_CASE("a record read again is the one the transaction sees now, after writes and rollbacks", "[graph][transaction]") {
  // The transaction keeps the last node and relationship record it read for
  // a second read before it writes; every write and every rollback to a
  // save point must make it read afresh.
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId a;
  EdgeId e;
  {
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"N"}, {{"v", 1}}));
    e = Ok(txn.CreateEdge(a, "T", a, {{"v", 1}}));
    Ok(txn.Commit());
  }
  auto txn = Begin(*db);
  auto& impl = internal::Access::Of(txn);
  auto node_v = [&] {
    storage::NodeRecord r;
    Ok(impl.ReadNodeRecord(a, &r));
    return r.properties.at(0).second.as_int();
  };
  auto edge_v = [&] {
    storage::EdgeRecord r;
    Ok(impl.ReadEdgeRecord(e, &r));
    return r.properties.at(0).second.as_int();
  };
  REQUIRE((node_v() == 1 && node_v() == 1 && edge_v() == 1 && edge_v() == 1));
  impl.SetSavePoint();
  Ok(txn.SetNodeProperty(a, "v", 2));
  Ok(txn.SetEdgeProperty(e, "v", 2));
  REQUIRE((node_v() == 2 && edge_v() == 2));
  impl.RollbackToSavePoint();
  REQUIRE((node_v() == 1 && edge_v() == 1));
  // As many writes as were rolled back bring the count of writes back to
  // where it was: the reads must still be fresh.
  Ok(txn.SetNodeProperty(a, "v", 3));
  Ok(txn.SetEdgeProperty(e, "v", 3));
  REQUIRE((node_v() == 3 && edge_v() == 3));
  Ok(txn.DeleteEdge(e));
  storage::EdgeRecord gone;
  REQUIRE(impl.ReadEdgeRecord(e, &gone).code() == StatusCode::kNotFound);
}

TEST_CASE("a node seen to exist stops existing when the transaction deletes it", "[graph][transaction]") {
  // Relationships check that their end nodes exist; a node once found (or
  // read) is not looked up again, unless it may be gone meanwhile.
  TempDir dir;
  auto db = OpenDb(dir.db());
  NodeId a, b;
  {
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"N"}));
    b = Ok(txn.CreateNode({"N"}));
    Ok(txn.Commit());
  }
  auto txn = Begin(*db);
  auto& impl = internal::Access::Of(txn);
  SECTION("found as an end, then deleted, then restored by a rollback") {
    Ok(txn.CreateEdge(a, "T", b));
    impl.SetSavePoint();
    Ok(txn.DetachDeleteNode(b));
    REQUIRE(txn.CreateEdge(a, "T", b).status().code() == StatusCode::kNotFound);
    impl.RollbackToSavePoint();
    Ok(txn.CreateEdge(a, "T", b));
    Ok(txn.DetachDeleteNode(b));
    REQUIRE(txn.CreateEdge(a, "T", b).status().code() == StatusCode::kNotFound);
    REQUIRE(txn.CreateEdge(b, "T", a).status().code() == StatusCode::kNotFound);
    Ok(txn.Commit());
    REQUIRE(Ok(Begin(*db, true).CountEdges("T")) == 0);
  }
  SECTION("read, then deleted; and created and read in a statement that is undone") {
    // Read first (as a MATCH reads a node), then deleted: refused as an end.
    Ok(txn.GetNode(b));
    Ok(txn.DeleteNode(b));
    REQUIRE(txn.CreateEdge(a, "T", b).status().code() == StatusCode::kNotFound);
    impl.SetSavePoint();
    NodeId c = Ok(txn.CreateNode({"N"}));
    Ok(txn.GetNode(c));
    Ok(txn.CreateEdge(a, "T", c));
    impl.RollbackToSavePoint();
    REQUIRE(txn.CreateEdge(a, "T", c).status().code() == StatusCode::kNotFound);
    Ok(txn.GetNode(a));
    Ok(txn.CreateEdge(a, "T", a));
    Ok(txn.Commit());
    REQUIRE(Ok(Begin(*db, true).CountEdges("T")) == 1);
    REQUIRE(Ok(Begin(*db, true).CountNodes("N")) == 1);
  }
}
