// graph::GraphTxn, the interface the query engine, the Boost.Graph view and
// CSR snapshots read and write through: each call against what the public
// API says of the same graph.
#include <algorithm>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "graph/graph.h"
#include "kg/database.h"
#include "tests/test_util.h"

namespace kg {
namespace {

TEST_CASE("the graph interface reads what the public API wrote", "[graph][interface]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  test::Ok(db->CreateIndex({.label = "County", .property = "code"}));
  NodeId yunnan, zhenxiong, yiliang;
  EdgeId e1, e2;
  {
    auto txn = test::Begin(*db);
    yunnan = test::Ok(txn.CreateNode({"Province"}, {{"name", Value("Yunnan")}}));
    zhenxiong = test::Ok(txn.CreateNode({"County", "Paired"}, {{"name", Value("Zhenxiong")}, {"code", Value(530627)}}));
    yiliang = test::Ok(txn.CreateNode({"County"}, {{"name", Value("Yiliang")}, {"code", Value(530628.0)}}));
    e1 = test::Ok(txn.CreateEdge(zhenxiong, "LOCATED_IN", yunnan, {{"since", Value(1950)}}));
    e2 = test::Ok(txn.CreateEdge(yiliang, "LOCATED_IN", yunnan));
    test::Ok(txn.Commit());
  }
  std::shared_ptr<graph::GraphTxn> g = *graph::Begin(*db, /*read_only=*/true);
  uint32_t county = *g->ResolveLabel("County"), paired = *g->ResolveLabel("Paired");
  uint32_t province = *g->ResolveLabel("Province");
  uint32_t code = *g->ResolveKey("code"), name = *g->ResolveKey("name");
  uint32_t located = *g->ResolveType("LOCATED_IN");
  CHECK(!g->ResolveLabel("Nowhere"));
  CHECK(g->Name(graph::NameKind::kType, located) == "LOCATED_IN");

  auto collect = [](auto scan) {
    std::vector<NodeId> out;
    test::Ok(scan([&](NodeId id) {
      out.push_back(id);
      return true;
    }));
    return out;
  };
  CHECK(collect([&](auto fn) { return g->ScanNodes(fn); }) == std::vector<NodeId>{yunnan, zhenxiong, yiliang});
  CHECK(collect([&](auto fn) { return g->ScanLabel(county, fn); }) == std::vector<NodeId>{zhenxiong, yiliang});
  // A scan stops when the callback says so.
  int seen = 0;
  test::Ok(g->ScanNodes([&](NodeId) { return ++seen < 2; }));
  CHECK(seen == 2);

  // Many (label, property) pairs in one pass, over every node or one
  // label's, within a range of ids.
  using Found = std::vector<std::tuple<NodeId, size_t, Value>>;
  auto properties = [&](std::vector<graph::GraphTxn::LabelKey> wanted, std::optional<uint32_t> by_label, NodeId from,
                        NodeId to) {
    Found out;
    test::Ok(g->ScanProperties(wanted, by_label, from, to, [&](NodeId id, size_t i, const Value& v) {
      out.emplace_back(id, i, v);
      return Status::OK();
    }));
    return out;
  };
  CHECK(properties({{county, code}, {province, name}}, std::nullopt, 0, 0) ==
        Found{{yunnan, 1, Value("Yunnan")}, {zhenxiong, 0, Value(530627)}, {yiliang, 0, Value(530628.0)}});
  CHECK(properties({{county, name}}, county, 0, 0) == Found{{zhenxiong, 0, Value("Zhenxiong")}, {yiliang, 0, Value("Yiliang")}});
  CHECK(properties({{county, name}}, std::nullopt, zhenxiong + 1, 0) == Found{{yiliang, 0, Value("Yiliang")}});
  CHECK(properties({{county, name}}, county, 0, yiliang) == Found{{zhenxiong, 0, Value("Zhenxiong")}});
  CHECK(properties({{paired, code}}, std::nullopt, 0, 0) == Found{{zhenxiong, 0, Value(530627)}});
  Status stop = g->ScanProperties(std::vector<graph::GraphTxn::LabelKey>{{county, name}}, std::nullopt, 0, 0,
                                  [](NodeId, size_t, const Value&) { return Status::Aborted("enough"); });
  CHECK(stop.code() == StatusCode::kAborted);
  auto bounds = test::Ok(g->NodeIdBounds());
  REQUIRE(bounds);
  CHECK(*bounds == std::pair<NodeId, NodeId>(yunnan, yiliang));

  CHECK(test::Ok(g->CountNodes(std::nullopt)) == 3);
  CHECK(test::Ok(g->CountNodes(county)) == 2);
  CHECK(test::Ok(g->CountEdges(located)) == 2);

  CHECK(*test::Ok(g->NodeProperty(zhenxiong, name)) == Value("Zhenxiong"));
  CHECK(!test::Ok(g->NodeProperty(yunnan, code)));
  CHECK(g->NodeProperty(999, name).status().code() == StatusCode::kNotFound);
  std::vector<uint32_t> both{county, paired}, one{province};
  CHECK(test::Ok(g->NodeHasLabels(zhenxiong, both)));
  CHECK(!test::Ok(g->NodeHasLabels(yiliang, both)));
  CHECK(!test::Ok(g->NodeHasLabels(yiliang, one)));
  CHECK(!test::Ok(g->NodeHasLabels(999, one)));
  // Read from the record just read, and from the label entries otherwise.
  graph::NodeData just_read;
  test::Ok(g->ReadNode(yiliang, &just_read));
  CHECK(test::Ok(g->NodeHasLabels(zhenxiong, both)));
  test::Ok(g->ReadNode(zhenxiong, &just_read));
  CHECK(!test::Ok(g->NodeHasLabels(yiliang, both)));
  {
    // A transaction's own label changes, before it commits, either way.
    std::shared_ptr<graph::GraphTxn> w = *graph::Begin(*db, /*read_only=*/false);
    test::Ok(w->SetNodeLabel(yiliang, paired, true));
    test::Ok(w->SetNodeLabel(zhenxiong, county, false));
    CHECK(test::Ok(w->NodeHasLabels(yiliang, both)));
    CHECK(!test::Ok(w->NodeHasLabels(zhenxiong, both)));
    graph::NodeData record;
    test::Ok(w->ReadNode(yiliang, &record));
    CHECK(test::Ok(w->NodeHasLabels(yiliang, both)));
    test::Ok(w->ReadNode(zhenxiong, &record));
    CHECK(!test::Ok(w->NodeHasLabels(zhenxiong, both)));
    w->Rollback();
  }

  graph::NodeData node;
  test::Ok(g->ReadNode(zhenxiong, &node));
  CHECK(node.HasLabel(paired));
  CHECK(*graph::FindProperty(node.properties, code) == Value(530627));
  graph::EdgeData edge;
  test::Ok(g->ReadEdge(e1, &edge));
  CHECK((edge.source == zhenxiong && edge.target == yunnan && edge.type == located));

  std::vector<std::pair<EdgeId, bool>> around;
  test::Ok(g->Expand(yunnan, Direction::kBoth, std::nullopt, [&](const graph::AdjacentEdge& a, bool outgoing) {
    CHECK(a.anchor == yunnan);
    around.emplace_back(a.edge, outgoing);
    return true;
  }));
  std::sort(around.begin(), around.end());
  CHECK(around == std::vector<std::pair<EdgeId, bool>>{{e1, false}, {e2, false}});

  std::vector<EdgeId> scanned;
  test::Ok(g->ScanEdges([&](EdgeId id, uint32_t type, NodeId source, NodeId target) {
    graph::EdgeData d;
    test::Ok(g->ReadEdge(id, &d));  // the record at hand during the scan
    CHECK((d.type == type && d.source == source && d.target == target));
    scanned.push_back(id);
    return true;
  }));
  CHECK(scanned == std::vector<EdgeId>{e1, e2});
  std::vector<EdgeId> by_source;
  test::Ok(g->ScanAdjacency(Direction::kOut, located, [&](const graph::AdjacentEdge& a) {
    by_source.push_back(a.edge);
    return true;
  }));
  CHECK(by_source == std::vector<EdgeId>{e1, e2});

  // Index seeks follow Cypher's equality; ranges span integers and floats.
  CHECK(g->HasIndex(county, code));
  CHECK(!g->HasIndex(county, name));
  CHECK(test::Ok(g->IndexSeek(county, code, Value(530627.0))) == std::vector<NodeId>{zhenxiong});
  CHECK(test::Ok(g->IndexSeek(county, code, Value(530628))) == std::vector<NodeId>{yiliang});
  CHECK(test::Ok(g->IndexSeek(county, code, Value("530627"))).empty());
  CHECK(g->IndexSeek(county, name, Value("Yiliang")).status().code() == StatusCode::kNotFound);
  auto range = test::Ok(g->IndexRange(county, code, IndexBound{Value(530627), false}, std::nullopt));
  CHECK(range == std::vector<NodeId>{yiliang});
  CHECK(g->IndexRange(county, code, std::nullopt, std::nullopt).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("writes through the graph interface are one transaction", "[graph][interface]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  std::shared_ptr<graph::GraphTxn> g = *graph::Begin(*db, /*read_only=*/false);
  uint32_t person = test::Ok(g->InternLabel("Person")), knows = test::Ok(g->InternType("KNOWS"));
  uint32_t name = test::Ok(g->InternKey("name"));
  CHECK(g->InternLabel("").status().code() == StatusCode::kInvalidArgument);
  NodeId a = test::Ok(g->CreateNode({person}, {{name, Value("Ann")}}));
  NodeId b = test::Ok(g->CreateNode({person}, {}));
  EdgeId e = test::Ok(g->CreateEdge(a, knows, b, {}));
  test::Ok(g->SetNodeProperty(b, name, Value("Bo")));
  CHECK(g->DeleteNode(a, /*detach=*/false).code() == StatusCode::kConstraintViolation);
  std::vector<EdgeId> deleted;
  EdgeId ids[] = {e};
  test::Ok(g->DeleteEdges(ids, [&](EdgeId id, const graph::EdgeData& d) {
    CHECK(d.source == a);
    deleted.push_back(id);
  }));
  CHECK(deleted == std::vector<EdgeId>{e});
  test::Ok(g->DeleteNode(a, /*detach=*/false));
  // Nothing is visible before the commit, everything after it.
  CHECK(test::Ok(test::Begin(*db, true).CountNodes()) == 0);
  test::Ok(g->Commit());
  auto read = test::Begin(*db, true);
  CHECK(test::Ok(read.CountNodes()) == 1);
  CHECK(test::Ok(read.GetNode(b)).properties.at("name") == Value("Bo"));
  CHECK(g->Commit().code() == StatusCode::kAborted);
}

}  // namespace
}  // namespace kg
