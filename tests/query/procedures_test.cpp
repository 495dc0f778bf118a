// CALL and the procedure registry: the db.* procedures, the algorithms
// with hand-checked answers on small graphs and against the C++ algorithm
// API on random graphs, YIELD and its WHERE, and located errors.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <thread>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

using test::Count;

QueryResult Run(Connection& c, const std::string& q, const QueryParams& params = {}) {
  QueryResult r = c.Execute(q, params);
  INFO(q << "\n" << r.error().pretty);
  REQUIRE(r.ok());
  return r;
}

std::vector<std::string> Column(const QueryResult& r, size_t i = 0) {
  std::vector<std::string> out;
  for (const auto& row : r.rows()) out.push_back(row.at(i).ToString());
  return out;
}

TEST_CASE("db procedures list the labels, types, keys and indexes in use", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  Run(c, "CREATE (:County {name: 'Yiliang', code: 530628})-[:LOCATED_IN]->(:Province {name: 'Yunnan'})");
  Run(c, "CREATE (g:Gone {tmp: 1}) DELETE g");  // a label no node has any more
  Run(c, "CREATE INDEX county_name FOR (c:County) ON (c.name)");
  CHECK(Column(Run(c, "CALL db.labels() YIELD label RETURN label ORDER BY label")) ==
        std::vector<std::string>{"'County'", "'Province'"});
  CHECK(Column(Run(c, "CALL db.relationshipTypes")) == std::vector<std::string>{"'LOCATED_IN'"});
  auto keys = Column(Run(c, "CALL db.propertyKeys() YIELD propertyKey AS k RETURN k ORDER BY k"));
  CHECK(std::find(keys.begin(), keys.end(), "'code'") != keys.end());
  QueryResult indexes = Run(c, "CALL db.indexes()");
  REQUIRE(indexes.rows().size() == 1);
  CHECK(indexes.columns() == std::vector<std::string>{"name", "type", "labelsOrTypes", "properties"});
  CHECK(indexes.rows()[0][0].as_string() == "county_name");
  QueryResult props = Run(c, "CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName, propertyTypes, mandatory "
                             "WHERE nodeLabels = ['County'] RETURN propertyName, propertyTypes, mandatory "
                             "ORDER BY propertyName");
  REQUIRE(props.rows().size() == 2);
  CHECK(props.rows()[0][0].as_string() == "code");
  CHECK(props.rows()[0][1].ToString() == "['Integer']");
  CHECK(props.rows()[0][2].as_bool());
  CHECK(Count(c, "CALL db.schema.relTypeProperties() YIELD relType RETURN count(relType)") == 1);
}

TEST_CASE("CALL inside a query: arguments per row, YIELD aliases and WHERE, variables after it", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  // a -> b -> c -> d, and e alone.
  Run(c, "CREATE (a:N {name: 'a'})-[:E {w: 1}]->(b:N {name: 'b'})-[:E {w: 1}]->(c:N {name: 'c'})"
         "-[:E {w: 5}]->(d:N {name: 'd'}), (a)-[:E {w: 10}]->(d), (:N {name: 'e'})");
  QueryResult hops = Run(c, "MATCH (s:N) WHERE s.name IN ['a', 'c'] "
                            "CALL algo.kHop(s, 1) YIELD node AS n, distance AS d WHERE d = 1 "
                            "RETURN s.name + '>' + n.name AS step ORDER BY step");
  CHECK(Column(hops) == std::vector<std::string>{"'a>b'", "'a>d'", "'c>d'"});
  // Standalone, its arguments from parameters of the same names.
  auto a = Run(c, "MATCH (a:N {name: 'a'}) RETURN a").rows()[0][0];
  QueryResult implicit = c.Execute("CALL algo.kHop", {{"source", a}, {"k", Value(int64_t{2})}});
  INFO(implicit.error().pretty);
  REQUIRE(implicit.ok());
  CHECK(implicit.columns() == std::vector<std::string>{"node", "distance"});
  CHECK(implicit.rows().size() == 4);
  // Dijkstra: weighted and not.
  QueryResult cheap = Run(c, "MATCH (a:N {name: 'a'}), (d:N {name: 'd'}) CALL algo.dijkstra(a, d, {weight: 'w'}) "
                             "YIELD path, cost RETURN [x IN nodes(path) | x.name] AS names, cost");
  CHECK(cheap.rows()[0][0].ToString() == "['a', 'b', 'c', 'd']");
  CHECK(cheap.rows()[0][1].as_float() == 7.0);
  QueryResult fewest = Run(c, "MATCH (a:N {name: 'a'}), (d:N {name: 'd'}) CALL algo.dijkstra(a, d) "
                              "YIELD path, cost RETURN length(path), cost");
  CHECK(fewest.rows()[0][0].as_int() == 1);
  CHECK(fewest.rows()[0][1].as_float() == 1.0);
  CHECK(Count(c, "MATCH (a:N {name: 'a'}), (e:N {name: 'e'}) CALL algo.dijkstra(a, e) YIELD cost RETURN count(*)") == 0);
  // Components: {a, b, c, d} and {e}, named by their smallest node id.
  QueryResult wcc = Run(c, "CALL algo.wcc() YIELD node, component "
                           "RETURN component, collect(node.name) AS names ORDER BY size(names) DESC");
  REQUIRE(wcc.rows().size() == 2);
  CHECK(wcc.rows()[0][1].as_list().size() == 4);
  CHECK(wcc.rows()[1][1].ToString() == "['e']");
  // Betweenness, directed: b lies on the only path a to c, c on the only
  // path b to d; a to d is direct. So b: 1, c: 1, a and d: 0.
  QueryResult between = Run(c, "CALL algo.betweenness({labels: ['N']}) YIELD node, score "
                               "RETURN node.name, score ORDER BY node.name");
  std::map<std::string, double> score;
  for (const auto& row : between.rows()) score[row[0].as_string()] = row[1].as_float();
  CHECK(score["a"] == 0);
  CHECK(score["b"] == 1);
  CHECK(score["c"] == 1);
  CHECK(score["d"] == 0);
  // PageRank scores sum to 1.
  QueryResult rank = Run(c, "CALL algo.pageRank({iterations: 20}) YIELD score RETURN sum(score) AS total");
  CHECK(std::abs(rank.rows()[0][0].as_float() - 1.0) < 1e-9);
}

TEST_CASE("the algorithms through CALL agree with the C++ algorithm API on random graphs", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  std::mt19937 rng(20);
  {
    auto txn = test::Begin(*db);
    std::vector<NodeId> nodes;
    for (int i = 0; i < 150; ++i) nodes.push_back(test::Ok(txn.CreateNode({i % 3 ? "A" : "B"}, {{"i", Value(int64_t{i})}})));
    for (int i = 0; i < 400; ++i)
      test::Ok(txn.CreateEdge(nodes[rng() % nodes.size()], i % 4 ? "R" : "S", nodes[rng() % nodes.size()],
                              {{"w", Value(static_cast<int64_t>(1 + rng() % 9))}}));
    test::Ok(txn.Commit());
  }
  Connection c(*db);
  auto txn = test::Begin(*db, true);
  GraphFilter filter;
  filter.labels = {"A"};
  filter.edge_types = {"R"};
  auto expected_rank = test::Ok(PageRank(txn, filter, 0.85, 20));
  QueryResult rank = Run(c, "CALL algo.pageRank({labels: ['A'], types: ['R']}) YIELD node, score "
                            "RETURN id(node) AS id, score ORDER BY id");
  REQUIRE(rank.rows().size() == expected_rank.size());
  for (size_t i = 0; i < expected_rank.size(); ++i) {
    CHECK(static_cast<NodeId>(rank.rows()[i][0].as_int()) == expected_rank[i].node);
    CHECK(rank.rows()[i][1].as_float() == Approx(expected_rank[i].score).epsilon(1e-12));
  }
  filter.direction = Direction::kBoth;
  auto expected_between = test::Ok(BetweennessCentrality(txn, filter));
  QueryResult between = Run(c, "CALL algo.betweenness({labels: ['A'], types: ['R'], direction: 'BOTH'}) "
                               "YIELD node, score RETURN id(node) AS id, score ORDER BY id");
  REQUIRE(between.rows().size() == expected_between.size());
  for (size_t i = 0; i < expected_between.size(); ++i)
    CHECK(between.rows()[i][1].as_float() == Approx(expected_between[i].score).epsilon(1e-12));
  auto expected_components = test::Ok(WeaklyConnectedComponents(txn, {}));
  QueryResult wcc = Run(c, "CALL algo.wcc() YIELD component RETURN count(DISTINCT component) AS n");
  CHECK(wcc.rows()[0][0].as_int() == static_cast<int64_t>(expected_components.size()));
  NodeId from = expected_rank.front().node, to = expected_rank.back().node;
  auto expected_path = test::Ok(CheapestPath(txn, from, to, "w", {}));
  QueryResult path = c.Execute("MATCH (a), (b) WHERE id(a) = $a AND id(b) = $b CALL algo.dijkstra(a, b, {weight: 'w'}) "
                               "YIELD cost RETURN cost",
                               {{"a", Value(static_cast<int64_t>(from))}, {"b", Value(static_cast<int64_t>(to))}});
  REQUIRE(path.ok());
  REQUIRE(path.rows().size() == (expected_path ? 1u : 0u));
  if (expected_path) CHECK(path.rows()[0][0].as_float() == PathWeight(*expected_path, "w"));
}

TEST_CASE("CALL's mistakes are located errors that change nothing", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  Run(c, "CREATE (:N)");
  auto error = [&](const std::string& q) {
    QueryResult r = c.Execute(q);
    INFO(q);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };
  QueryError unknown = error("CALL db.nothing()");
  CHECK(unknown.detail == "ProcedureNotFound");
  CHECK(unknown.column == 1);
  CHECK(error("CALL db.labels(1)").detail == "InvalidNumberOfArguments");
  CHECK(error("CALL algo.kHop()").detail == "InvalidNumberOfArguments");
  QueryError field = error("CALL db.labels() YIELD name RETURN name");
  CHECK(field.detail == "UndefinedField");
  CHECK(field.column == 24);
  CHECK(error("MATCH (n) CALL db.labels() RETURN n").code == "SyntaxError");
  CHECK(error("MATCH (n) CALL db.labels() YIELD label AS n RETURN n").detail == "VariableAlreadyBound");
  CHECK(error("MATCH (n) CALL db.labels() YIELD label").detail == "InvalidClauseComposition");
  CHECK(error("CALL algo.kHop").detail == "ParameterMissing");
  QueryError config = error("CALL algo.pageRank({dampening: 0.5})");
  CHECK(config.code == "ProcedureCallFailed");
  CHECK(config.message.find("dampening") != std::string::npos);
  CHECK(error("CALL algo.pageRank({direction: 'SIDEWAYS'})").code == "ProcedureCallFailed");
  CHECK(Count(c, "MATCH (n) RETURN count(n)") == 1);
}

TEST_CASE("SHOW PROCEDURES and SHOW FUNCTIONS list what exists with signatures", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  QueryResult procs = Run(c, "SHOW PROCEDURES");
  CHECK(procs.columns() == std::vector<std::string>{"name", "signature", "description"});
  bool labels = false;
  for (const auto& row : procs.rows())
    if (row[0].as_string() == "db.labels") labels = row[1].as_string() == "db.labels() :: (label :: STRING)";
  CHECK(labels);
  QueryResult functions = Run(c, "SHOW FUNCTIONS");
  bool count = false;
  for (const auto& row : functions.rows())
    if (row[0].as_string() == "count") count = row[2].as_bool();
  CHECK(count);
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

TEST_CASE("an algorithm call honours the statement's time limit and Cancel", "[query][call]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  // Betweenness over 12,000 nodes and 24,000 relationships runs for seconds:
  // stopped, the call returns at once, not when the algorithm would end.
  Run(c, "CREATE INDEX FOR (n:N) ON (n.i)");
  Run(c, "UNWIND range(0, 11999) AS i CREATE (:N {i: i})");
  Run(c, "MATCH (a:N) UNWIND [(a.i + 1) % 12000, (a.i * 7 + 3) % 12000] AS j MATCH (b:N {i: j}) CREATE (a)-[:R]->(b)");
  const char* slow = "CALL algo.betweenness({direction: 'BOTH'}) YIELD node, score RETURN count(*)";
  c.set_timeout(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  QueryResult timed_out = c.Execute(slow);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().detail == "Timeout");
  c.set_timeout(std::chrono::milliseconds(0));
  QueryResult cancelled;
  start = std::chrono::steady_clock::now();
  std::thread runner([&] { cancelled = c.Execute(slow); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c.Cancel();
  runner.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().detail == "Cancelled");
  CHECK(Count(c, "CALL algo.pageRank({iterations: 100, tolerance: 0.001}) YIELD node RETURN count(node)") == 12000);
}

}  // namespace
}  // namespace kg
