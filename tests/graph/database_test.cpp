#include <catch2/catch.hpp>

#include "kg/database.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

TEST_CASE("nodes and edges: create, read, update, delete", "[graph][crud]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);

  NodeId a = Ok(txn.CreateNode({"Person", "Employee", "Person"}, {{"name", "Ann"}, {"age", 41}, {"gone", Value()}}));
  NodeId b = Ok(txn.CreateNode({"Person"}, {{"name", "Bo"}, {"score", 1.0}}));
  REQUIRE(a >= 1);
  REQUIRE(b > a);

  Node n = Ok(txn.GetNode(a));
  REQUIRE(n.labels == std::vector<std::string>{"Employee", "Person"});
  REQUIRE(n.properties.size() == 2);
  REQUIRE(n.properties.at("age") == Value(41));
  REQUIRE(Ok(txn.GetNode(b)).properties.at("score").is_float());

  EdgeId e = Ok(txn.CreateEdge(a, "KNOWS", b, {{"since", 2020}}));
  EdgeId loop = Ok(txn.CreateEdge(a, "LIKES", a));
  EdgeId parallel = Ok(txn.CreateEdge(a, "KNOWS", b));
  Edge edge = Ok(txn.GetEdge(e));
  REQUIRE((edge.type == "KNOWS" && edge.source == a && edge.target == b));
  REQUIRE(edge.properties.at("since") == Value(2020));

  REQUIRE(Ok(txn.Degree(a, Direction::kOut)) == 3);
  REQUIRE(Ok(txn.Degree(a, Direction::kIn)) == 1);
  REQUIRE(Ok(txn.Degree(a, Direction::kBoth)) == 4);
  REQUIRE(Ok(txn.Degree(a, Direction::kOut, "KNOWS")) == 2);
  REQUIRE(Ok(txn.Degree(b, Direction::kIn, "KNOWS")) == 2);
  REQUIRE(Ok(txn.Degree(b, Direction::kOut, "NOPE")) == 0);
  // A Result temporary stays alive through a range-for over its value.
  int seen = 0;
  for (const Edge& ref : *txn.GetEdges(b, Direction::kIn)) seen += ref.type == "KNOWS";
  REQUIRE(seen == 2);
  auto in_b = Ok(txn.GetEdges(b, Direction::kIn));
  REQUIRE(in_b.size() == 2);
  REQUIRE((in_b[0].source == a && in_b[0].target == b && in_b[0].type == "KNOWS"));

  Ok(txn.SetNodeProperty(a, "age", 42));
  Ok(txn.SetNodeProperty(a, "name", Value()));  // null removes
  Ok(txn.RemoveNodeProperty(a, "never-set"));
  Ok(txn.AddLabel(b, "Manager"));
  Ok(txn.RemoveLabel(a, "Employee"));
  Ok(txn.RemoveLabel(a, "Unknown"));
  Ok(txn.SetEdgeProperty(e, "since", 2019));
  Ok(txn.RemoveEdgeProperty(parallel, "weight"));
  n = Ok(txn.GetNode(a));
  REQUIRE(n.labels == std::vector<std::string>{"Person"});
  REQUIRE(n.properties == Properties{{"age", Value(42)}});
  REQUIRE(Ok(txn.GetEdge(e)).properties.at("since") == Value(2019));

  REQUIRE(Ok(txn.CountNodes()) == 2);
  REQUIRE(Ok(txn.CountNodes("Person")) == 2);
  REQUIRE(Ok(txn.CountNodes("Employee")) == 0);
  REQUIRE(Ok(txn.CountNodes("Manager")) == 1);
  REQUIRE(Ok(txn.CountEdges()) == 3);
  REQUIRE(Ok(txn.CountEdges("KNOWS")) == 2);

  Ok(txn.DeleteEdge(loop));
  REQUIRE(txn.GetEdge(loop).status().IsNotFound());
  REQUIRE(Ok(txn.CountEdges("LIKES")) == 0);
  Ok(txn.Commit());
  REQUIRE_FALSE(txn.active());
  REQUIRE(txn.CreateNode().status().code() == StatusCode::kAborted);
}

TEST_CASE("deleting a node with edges is refused; detach delete removes them", "[graph][crud]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  NodeId a = Ok(txn.CreateNode({"A"}));
  NodeId b = Ok(txn.CreateNode({"B"}));
  Ok(txn.CreateEdge(a, "T", b));
  Ok(txn.CreateEdge(b, "T", a));
  Ok(txn.Commit());

  txn = Begin(*db);
  Status s = txn.DeleteNode(a);
  REQUIRE(s.code() == StatusCode::kConstraintViolation);
  REQUIRE(s.message() == "cannot delete node 1: it still has 2 relationships; delete them first, or detach-delete the node");
  Ok(txn.DetachDeleteNode(a));
  REQUIRE(txn.GetNode(a).status().IsNotFound());
  REQUIRE(Ok(txn.Degree(b, Direction::kBoth)) == 0);
  REQUIRE(Ok(txn.CountEdges()) == 0);
  REQUIRE(Ok(txn.CountEdges("T")) == 0);
  REQUIRE(Ok(txn.CountNodes("A")) == 0);
  Ok(txn.Commit());

  txn = Begin(*db, true);
  REQUIRE(Ok(txn.CountNodes()) == 1);
  REQUIRE(txn.ScanEdges().Valid() == false);
}

TEST_CASE("errors name the missing element", "[graph][errors]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  NodeId a = Ok(txn.CreateNode());
  auto e = txn.CreateEdge(a, "T", 99);
  REQUIRE(e.status().IsNotFound());
  REQUIRE(e.status().message() == "cannot create a T edge: node 99 does not exist");
  REQUIRE(txn.GetNode(77).status().message() == "node 77 does not exist");
  REQUIRE(txn.SetNodeProperty(77, "k", 1).message() == "node 77 does not exist");
  REQUIRE(txn.DeleteEdge(5).message() == "edge 5 does not exist");
  REQUIRE(txn.CreateEdge(a, "", a).status().code() == StatusCode::kInvalidArgument);
  REQUIRE(txn.CreateNode({""}).status().code() == StatusCode::kInvalidArgument);
  Status stored = txn.SetNodeProperty(a, "self", Value(Value::NodeRef{a, nullptr}));
  REQUIRE(stored.code() == StatusCode::kInvalidArgument);
  REQUIRE(stored.message() == "property self: a NODE cannot be stored as a property value");
  REQUIRE(txn.CreateNode({}, {{"l", Value(ValueList{Value(Value::NodeRef{a, nullptr})})}}).status().code() ==
          StatusCode::kInvalidArgument);
}

TEST_CASE("committed data persists across reopen; ids are never reused", "[graph][persistence]") {
  TempDir dir;
  NodeId a, b, rolled_back;
  EdgeId e;
  {
    auto db = OpenDb(dir.db());
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"City"}, {{"name", "Kunming"}, {"tags", Value(ValueList{"a", 1})}}));
    b = Ok(txn.CreateNode({"Province"}, {{"name", "Yunnan"}}));
    e = Ok(txn.CreateEdge(a, "LOCATED_IN", b, {{"w", 0.5}}));
    Ok(txn.Commit());
    auto txn2 = Begin(*db);
    rolled_back = Ok(txn2.CreateNode({"Tmp"}));
    // destroyed without commit: rolled back
  }
  {
    auto db = OpenDb(dir.db());
    auto txn = Begin(*db);
    REQUIRE(Ok(txn.GetNode(a)).properties.at("tags") == Value(ValueList{"a", 1}));
    REQUIRE(Ok(txn.GetEdge(e)).target == b);
    REQUIRE(txn.GetNode(rolled_back).status().IsNotFound());
    REQUIRE(Ok(txn.CountNodes()) == 2);
    REQUIRE(Ok(txn.CountNodes("Tmp")) == 0);
    NodeId c = Ok(txn.CreateNode());
    REQUIRE(c > rolled_back);
    Ok(txn.DeleteNode(c));
    Ok(txn.Commit());
    auto labels = db->Labels();
    REQUIRE(std::find(labels.begin(), labels.end(), "Province") != labels.end());
    REQUIRE(db->EdgeTypes() == std::vector<std::string>{"LOCATED_IN"});
  }
}

TEST_CASE("rollback discards every write", "[graph][transaction]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  NodeId a = Ok(txn.CreateNode({"A"}, {{"x", 1}}));
  Ok(txn.Commit());

  txn = Begin(*db);
  Ok(txn.SetNodeProperty(a, "x", 2));
  NodeId b = Ok(txn.CreateNode({"A"}));
  Ok(txn.CreateEdge(a, "T", b));
  REQUIRE(Ok(txn.CountNodes("A")) == 2);  // reads its own writes
  txn.Rollback();
  txn.Rollback();  // not an error

  txn = Begin(*db, true);
  REQUIRE(Ok(txn.GetNode(a)).properties.at("x") == Value(1));
  REQUIRE(Ok(txn.CountNodes("A")) == 1);
  REQUIRE(Ok(txn.CountEdges()) == 0);
  REQUIRE(txn.GetNode(b).status().IsNotFound());
}

TEST_CASE("scans see committed data and the transaction's own writes", "[graph][scan]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  std::vector<NodeId> people;
  for (int i = 0; i < 5; ++i) people.push_back(Ok(txn.CreateNode({"Person"}, {{"i", i}})));
  NodeId org = Ok(txn.CreateNode({"Org"}));
  for (NodeId p : people) Ok(txn.CreateEdge(p, "WORKS_FOR", org));
  Ok(txn.CreateEdge(org, "OWNS", org));

  std::vector<NodeId> seen;
  auto c = txn.ScanNodes("Person");
  for (; c.Valid(); c.Next()) seen.push_back(c.id());
  Ok(c.status());
  REQUIRE(seen == people);
  int all = 0;
  for (auto c2 = txn.ScanNodes(); c2.Valid(); c2.Next()) ++all;
  REQUIRE(all == 6);
  REQUIRE_FALSE(txn.ScanNodes("Nobody").Valid());
  Ok(txn.Commit());

  txn = Begin(*db, true);
  int works = 0, owns = 0, every = 0;
  for (auto e = txn.ScanEdges("WORKS_FOR"); e.Valid(); e.Next()) {
    REQUIRE(e.edge().type == "WORKS_FOR");
    REQUIRE(e.edge().target == org);
    ++works;
  }
  for (auto e = txn.ScanEdges("OWNS"); e.Valid(); e.Next()) ++owns;
  for (auto e = txn.ScanEdges(); e.Valid(); e.Next()) ++every;
  REQUIRE((works == 5 && owns == 1 && every == 6));
  REQUIRE_FALSE(txn.ScanEdges("NONE").Valid());
}

TEST_CASE("a read-only database refuses writes", "[graph][open]") {
  TempDir dir;
  {
    auto db = OpenDb(dir.db());
    auto txn = Begin(*db);
    Ok(txn.CreateNode({"A"}));
    Ok(txn.Commit());
  }
  Options ro;
  ro.read_only = true;
  auto db = OpenDb(dir.db(), ro);
  auto txn = Begin(*db);
  REQUIRE(Ok(txn.CountNodes("A")) == 1);
  REQUIRE(txn.CreateNode().status().code() == StatusCode::kReadOnly);
  REQUIRE(db->CreateIndex({.label = "A", .property = "x"}).code() == StatusCode::kReadOnly);

  auto missing = Database::Open(dir.path() + "/none", ro);
  REQUIRE(missing.status().IsNotFound());
  Options no_create;
  no_create.create_if_missing = false;
  REQUIRE(Database::Open(dir.path() + "/none", no_create).status().IsNotFound());
}

namespace kg {
namespace {

TEST_CASE("reading the value of a failed Result throws BadResultAccess naming the status", "[api]") {
  Result<int> missing = Status::NotFound("node 7 does not exist");
  REQUIRE_THROWS_AS(*missing, BadResultAccess);
  try {
    (void)missing.value();
    FAIL("no exception");
  } catch (const BadResultAccess& e) {
    CHECK(std::string(e.what()).find("NotFound: node 7 does not exist") != std::string::npos);
    CHECK(e.status().code() == StatusCode::kNotFound);
  }
  // The unchecked second creation of a node a unique constraint refuses.
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  test::Ok(db->CreateIndex({.label = "Province", .property = "name", .unique = true}));
  auto txn = test::Begin(*db);
  (void)*txn.CreateNode({"Province"}, {{"name", "Yunnan"}});
  try {
    (void)*txn.CreateNode({"Province"}, {{"name", "Yunnan"}});
    FAIL("no exception");
  } catch (const BadResultAccess& e) {
    CHECK(std::string(e.what()).find("ConstraintViolation") != std::string::npos);
  }
  CHECK(Result<int>(3).value() == 3);
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

TEST_CASE("opening a database again and again leaves a bounded number of logs", "[graph][open]") {
  // Each open starts a log; one whose session wrote nothing must not stay
  // behind for every later open to replay.
  test::TempDir dir;
  for (int i = 0; i < 30; ++i) {
    auto db = test::OpenDb(dir.db());
    Connection conn(*db);
    REQUIRE(conn.Execute(i == 0 ? "CREATE (:Kept)" : "MATCH (n) RETURN count(n)").ok());
  }
  int logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.db())) logs += entry.path().extension() == ".log";
  CHECK(logs <= 9);
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  CHECK(test::Count(conn, "MATCH (n:Kept) RETURN count(n)") == 1);
}

}  // namespace
}  // namespace kg
