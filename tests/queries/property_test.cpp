// Property tests on random graphs: the plans the planner picks for speed
// must give the same answers as the plain ones.
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

std::multiset<std::string> Rows(Connection& conn, const std::string& q) {
  QueryResult r = conn.Execute(q);
  INFO(q << "\n" << r.error().pretty);
  REQUIRE(r.ok());
  std::multiset<std::string> out;
  for (const auto& row : r.rows()) {
    std::string s;
    for (const auto& v : row) s += v.ToString() + "|";
    out.insert(s);
  }
  return out;
}

void RandomGraph(Connection& conn, uint64_t seed, int nodes, int edges) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, nodes - 1), coin(0, 2);
  std::string q = "UNWIND range(0, " + std::to_string(nodes - 1) + ") AS i CREATE (:N {id: i, v: i % 7})";
  REQUIRE(conn.Execute(q).ok());
  std::string pairs = "[";
  for (int e = 0; e < edges; ++e) {
    if (e) pairs += ",";
    pairs += "[" + std::to_string(pick(rng)) + "," + std::to_string(pick(rng)) + "," +
             std::to_string(coin(rng)) + "]";
  }
  pairs += "]";
  // Two relationship types, chosen by the third element.
  REQUIRE(conn.Execute("UNWIND " + pairs +
                       " AS p WITH p WHERE p[2] < 2 MATCH (a:N {id: p[0]}), (b:N {id: p[1]}) CREATE (a)-[:T]->(b)")
              .ok());
  REQUIRE(conn.Execute("UNWIND " + pairs +
                       " AS p WITH p WHERE p[2] = 2 MATCH (a:N {id: p[0]}), (b:N {id: p[1]}) CREATE (a)-[:U]->(b)")
              .ok());
}

}  // namespace

TEST_CASE("BFS end nodes equal enumerated path end nodes on random graphs", "[query][property]") {
  for (uint64_t seed : {1, 2, 3, 4}) {
    TempDir dir;
    auto db = OpenDb(dir.db());
    Connection conn(*db);
    RandomGraph(conn, seed, 40, 90);
    for (const char* range : {"*1..3", "*0..2", "*..2", "*1..1", "*"}) {
      for (const char* dir_pattern : {"-[%s]->", "<-[%s]-"}) {
        for (int start : {0, 7, 19}) {
          std::string hop(dir_pattern);
          std::string anonymous = hop.replace(hop.find("%s"), 2, std::string(":T") + range);
          hop = dir_pattern;
          std::string named = hop.replace(hop.find("%s"), 2, std::string("r:T") + range);
          std::string head = "MATCH (a:N {id: " + std::to_string(start) + "})";
          auto bfs = Rows(conn, head + anonymous + "(b) RETURN count(DISTINCT b) AS c, collect(DISTINCT b.id) AS ids");
          auto enumerated = Rows(conn, head + named + "(b) WITH DISTINCT b RETURN count(b) AS c, collect(b.id) AS ids");
          INFO("seed " << seed << " " << head << anonymous);
          // Compare as sets of ids (collect order may differ).
          auto ids = [&](const std::string& q) {
            std::set<int64_t> out;
            QueryResult r = conn.Execute(q);
            REQUIRE(r.ok());
            for (const auto& row : r.rows()) out.insert(row[0].as_int());
            return out;
          };
          REQUIRE(ids(head + anonymous + "(b) RETURN DISTINCT b.id") == ids(head + named + "(b) RETURN DISTINCT b.id"));
          REQUIRE(bfs.size() == enumerated.size());
          // The anonymous form must really take the BFS path.
          QueryResult plan = conn.Execute("EXPLAIN " + head + anonymous + "(b) RETURN count(DISTINCT b)");
          REQUIRE(plan.plan().find("BFS distinct") != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("index seeks return what a full scan returns", "[query][property]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  RandomGraph(conn, 9, 200, 10);
  REQUIRE(conn.Execute("CREATE INDEX n_v FOR (n:N) ON (n.v)").ok());
  REQUIRE(conn.Execute("MATCH (n:N) WHERE n.id % 5 = 0 SET n.v = toFloat(n.v)").ok());
  for (const char* value : {"0", "3", "3.0", "6", "'x'", "-1"}) {
    std::string seek = std::string("MATCH (n:N {v: ") + value + "}) RETURN n.id";
    std::string where = std::string("MATCH (n:N) WHERE n.v = ") + value + " RETURN n.id";
    std::string scan = std::string("MATCH (n) WHERE n:N AND n.v = ") + value + " RETURN n.id";
    REQUIRE(conn.Execute("EXPLAIN " + seek).plan().find("NodeIndexSeek") != std::string::npos);
    REQUIRE(conn.Execute("EXPLAIN " + where).plan().find("NodeIndexSeek") != std::string::npos);
    REQUIRE(conn.Execute("EXPLAIN " + scan).plan().find("AllNodesScan") != std::string::npos);
    REQUIRE(Rows(conn, seek) == Rows(conn, scan));
    REQUIRE(Rows(conn, where) == Rows(conn, scan));
  }
}

TEST_CASE("shortestPath agrees with the shortest of all shortest paths", "[query][property]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  RandomGraph(conn, 5, 30, 60);
  for (int a = 0; a < 30; a += 3)
    for (int b = 1; b < 30; b += 4) {
      if (a == b) continue;
      std::string ends = "(a:N {id: " + std::to_string(a) + "})-[:T*..6]->(b:N {id: " + std::to_string(b) + "})";
      QueryResult one = conn.Execute("MATCH p = shortestPath(" + ends + ") RETURN length(p)");
      QueryResult all = conn.Execute("MATCH p = allShortestPaths(" + ends + ") RETURN length(p)");
      REQUIRE(one.ok());
      REQUIRE(all.ok());
      REQUIRE(one.rows().size() == (all.rows().empty() ? 0u : 1u));
      for (const auto& row : all.rows()) REQUIRE(row[0] == one.rows()[0][0]);
    }
}

TEST_CASE("a relationship scan finds what a scan of all nodes finds", "[query][property]") {
  for (uint64_t seed : {5, 6}) {
    TempDir dir;
    auto db = OpenDb(dir.db());
    Connection conn(*db);
    RandomGraph(conn, seed, 30, 120);
    REQUIRE(conn.Execute("MATCH ()-[r]->() SET r.w = id(r) % 3").ok());
    REQUIRE(conn.Execute("MATCH (a:N {id: 4}) CREATE (a)-[:T {w: 1}]->(a)").ok());  // a self-loop
    // Each pattern as written (a relationship scan: the relationship is
    // tested, its first node is not) and with a test of its first node,
    // which keeps the scan of all nodes.
    const std::vector<std::pair<std::string, std::string>> queries = {
        {"MATCH (a)-[r:T]->(b) WHERE r.w >= 0", "RETURN a.id, id(r), b.id"},
        {"MATCH (a)<-[r:T]-(b) WHERE r.w < 2", "RETURN a.id, id(r), b.id"},
        {"MATCH (a)-[r]->(b) WHERE r.w <> 1", "RETURN a.id, type(r), b.id"},
        {"MATCH (a)-[r:T|U]->(b)-[s:T]->(c) WHERE r.w <> 5", "RETURN a.id, id(r), id(s), c.id"},
        {"MATCH (a)-[r:T]->(a) WHERE r.w >= 0", "RETURN a.id, id(r)"},
        {"MATCH p = (a)-[r:U]->(b) WHERE r.w IN [0, 1]", "RETURN p"},
        {"MATCH (a)-[r:T {w: 1}]->(b)", "RETURN a.id, r.w, b.id"},
        {"MATCH (x:N {id: 3}), (a)-[r:U]->(b) WHERE r.w = 2", "RETURN x.id, a.id, b.id"},
        {"MATCH (a)-[r:T]->(b) WHERE r.w = 1 AND b.v > 2", "RETURN a.id, b.id"},
        {"MATCH (a)-[r:T]->(b)<-[s:T]-(c) WHERE r.w = 0", "RETURN count(*)"},
        {"CREATE (:N {id: 100})-[:T {w: 2}]->(:N {id: 101}) WITH 1 AS one MATCH (a)-[r:T]->(b) WHERE r.w > 1",
         "RETURN a.id, r.w, b.id"},
    };
    // Nothing tests the relationship: the walk over nodes reads less.
    CHECK(conn.Execute("EXPLAIN MATCH (a)-[r:T]->(b) RETURN count(r)").plan().find("RelationshipScan") ==
          std::string::npos);
    for (const auto& [match, ret] : queries) {
      std::string scan = match + " " + ret;
      std::string where = match.find("WHERE") == std::string::npos ? " WHERE id(a) >= 0 " : " AND id(a) >= 0 ";
      std::string nodes = match + where + ret;
      INFO("seed " << seed << ": " << scan);
      if (match.starts_with("MATCH")) {
        CHECK(conn.Execute("EXPLAIN " + scan).plan().find("RelationshipScan") != std::string::npos);
        CHECK(conn.Execute("EXPLAIN " + nodes).plan().find("RelationshipScan") == std::string::npos);
        REQUIRE(Rows(conn, scan) == Rows(conn, nodes));
      } else {
        // A write before the match: each form in its own transaction, rolled back.
        std::multiset<std::string> got[2];
        for (int i = 0; i < 2; ++i) {
          REQUIRE(conn.Begin().ok());
          got[i] = Rows(conn, i == 0 ? scan : nodes);
          conn.Rollback();
        }
        REQUIRE(got[0] == got[1]);
        REQUIRE(std::any_of(got[0].begin(), got[0].end(), [](const std::string& row) { return row == "100|2|101|"; }));
      }
    }
  }
}
