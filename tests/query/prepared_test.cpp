// Prepared statements and the plan cache: reuse, invalidation when an
// index comes or goes or counts change a lot, parameters of every type,
// and one prepared statement run from several threads at once.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

std::string PlanOf(Connection& conn, const std::string& statement, const QueryParams& params = {}) {
  QueryResult r = conn.Execute("EXPLAIN " + statement, params);
  REQUIRE(r.ok());
  return r.plan();
}

}  // namespace

TEST_CASE("a statement run again by its text reuses its plan", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 10) AS i CREATE (:Person {name: 'p' + i})").ok());
  PlanCacheStats before = conn.plan_cache_stats();
  for (int i = 1; i <= 10; ++i) {
    QueryResult r = conn.Execute("MATCH (p:Person {name: $name}) RETURN p.name", {{"name", Value("p" + std::to_string(i))}});
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 1);
    CHECK(r.rows()[0][0] == Value("p" + std::to_string(i)));
  }
  PlanCacheStats after = conn.plan_cache_stats();
  CHECK(after.misses - before.misses == 1);
  CHECK(after.hits - before.hits == 9);
  // Another set of parameter names is another entry: binding checks them.
  QueryResult missing = conn.Execute("MATCH (p:Person {name: $name}) RETURN p.name");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "ParameterMissing");
  // A statement that fails to bind is not kept, and fails the same again.
  for (int i = 0; i < 2; ++i) {
    QueryResult r = conn.Execute("MATCH (p:Person) RETURN q");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "SyntaxError");
  }
}

TEST_CASE("creating or dropping an index plans cached statements again", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 200) AS i CREATE (:County {code: i})").ok());
  const std::string find = "MATCH (c:County) WHERE c.code = $code RETURN c.code";
  PreparedStatement prepared = conn.Prepare(find);
  REQUIRE(prepared.ok());
  auto run = [&] {
    QueryResult r = conn.Execute(prepared, {{"code", Value(int64_t{42})}});
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 1);
    CHECK(r.rows()[0][0] == Value(int64_t{42}));
  };
  const QueryParams code{{"code", Value(int64_t{42})}};
  run();
  CHECK_THAT(PlanOf(conn, find, code), !Catch::Contains("IndexSeek"));
  REQUIRE(conn.Execute("CREATE INDEX county_code FOR (c:County) ON (c.code)").ok());
  PlanCacheStats stats = conn.plan_cache_stats();
  run();
  // The cached plan of the connection's own text follows the schema too.
  CHECK_THAT(PlanOf(conn, find, code), Catch::Contains("IndexSeek"));
  CHECK(conn.plan_cache_stats().replans > stats.replans);
  REQUIRE(conn.Execute("DROP INDEX county_code").ok());
  CHECK_THAT(PlanOf(conn, find, code), !Catch::Contains("IndexSeek"));
  run();
}

TEST_CASE("a cached plan is made again when the counts it chose by change a lot", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  // Few programs, many counties: the match starts from the programs.
  REQUIRE(conn.Execute("UNWIND range(1, 3) AS i CREATE (:Program {n: i})").ok());
  REQUIRE(conn.Execute("UNWIND range(1, 300) AS i CREATE (:County {n: i})").ok());
  const std::string statement = "EXPLAIN MATCH (p:Program), (c:County) WHERE p.n = c.n RETURN count(*)";
  auto first_scan = [&] {
    QueryResult r = conn.Execute(statement);
    REQUIRE(r.ok());
    size_t program = r.plan().find("Program"), county = r.plan().find("County");
    REQUIRE(program != std::string::npos);
    REQUIRE(county != std::string::npos);
    return program < county ? std::string("Program") : std::string("County");
  };
  REQUIRE(first_scan() == "Program");
  // Now programs outnumber counties by far.
  REQUIRE(conn.Execute("UNWIND range(1, 3000) AS i CREATE (:Program {n: i})").ok());
  // The counts are looked at again within a bounded number of runs.
  std::string now;
  for (int i = 0; i < 100; ++i) now = first_scan();
  CHECK(now == "County");
  CHECK(conn.plan_cache_stats().replans >= 1);
}

TEST_CASE("prepared statements take parameters of every type", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  QueryResult made = conn.Execute(
      "CREATE (a:A {k: 1})-[r:R {w: 2}]->(b:B) RETURN a, r, date('2024-02-29'), localtime('12:34:56.789'), "
      "time('12:34:56+08:00'), localdatetime('2024-02-29T12:00'), datetime('2024-02-29T12:00[Asia/Shanghai]'), "
      "duration('P1Y2M3DT4H')");
  REQUIRE(made.ok());
  const auto& row = made.rows()[0];
  std::vector<Value> values = {Value(),
                               Value(true),
                               Value(int64_t{-7}),
                               Value(2.5),
                               Value("彝良 county"),
                               Value(ValueList{Value(int64_t{1}), Value("two"), Value(ValueList{Value(3.0)})}),
                               Value(ValueMap{{"a", Value(int64_t{1})}, {"b", Value(ValueList{Value("x")})}})};
  for (size_t i = 2; i < row.size(); ++i) values.push_back(row[i]);  // the six temporal types
  PreparedStatement echo = conn.Prepare("RETURN $v AS v");
  REQUIRE(echo.ok());
  for (const Value& v : values) {
    INFO(v.ToString());
    QueryResult r = conn.Execute(echo, {{"v", v}});
    REQUIRE(r.ok());
    CHECK(r.rows()[0][0] == v);
  }
  // Each parameter used in a pattern, a predicate and a write.
  PreparedStatement set = conn.Prepare("MATCH (a:A {k: $k}) SET a.v = $v RETURN a.v = $v AS same");
  for (const Value& v : values) {
    if (v.is_null() || v.is_map()) continue;  // not storable as a property
    if (v.is_list() && v.as_list().size() == 3) continue;  // mixed list: not storable
    INFO(v.ToString());
    QueryResult r = conn.Execute(set, {{"k", Value(int64_t{1})}, {"v", v}});
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 1);
    CHECK(r.rows()[0][0] == Value(true));
  }
  // Nodes and relationships as parameters.
  PreparedStatement ends = conn.Prepare("MATCH (x)-[e]->(y) WHERE x = $node AND e = $rel RETURN y");
  QueryResult r = conn.Execute(ends, {{"node", row[0]}, {"rel", row[1]}});
  REQUIRE(r.ok());
  REQUIRE(r.rows().size() == 1);
  CHECK(r.rows()[0][0].as_node().labels == std::vector<std::string>{"B"});
}

TEST_CASE("a statement that does not parse fails when prepared, and when run", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  PreparedStatement bad = conn.Prepare("MATCH (n RETURN n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "SyntaxError");
  CHECK(bad.error().column > 0);
  QueryResult r = conn.Execute(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SyntaxError");
  REQUIRE_FALSE(conn.Execute(PreparedStatement{}).ok());
  // Index statements may be prepared too; each run does what it says.
  PreparedStatement create = conn.Prepare("CREATE INDEX IF NOT EXISTS FOR (n:A) ON (n.k)");
  REQUIRE(create.ok());
  CHECK(conn.Execute(create).counters().indexes_added == 1);
  CHECK(conn.Execute(create).counters().indexes_added == 0);
}

TEST_CASE("one prepared statement runs from several threads at once", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  {
    Connection conn(*db);
    REQUIRE(conn.Execute("UNWIND range(0, 999) AS i CREATE (:Person {id: i, name: 'p' + i})").ok());
  }
  Connection preparer(*db);
  PreparedStatement find = preparer.Prepare("MATCH (p:Person) WHERE p.id = $id RETURN p.name AS name");
  PreparedStatement add = preparer.Prepare("CREATE (:Person {id: $id, name: $name})");
  REQUIRE(find.ok());
  REQUIRE(add.ok());
  constexpr int kThreads = 4, kRuns = 300;
  std::atomic<int> wrong{0}, added{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Connection conn(*db);
      for (int i = 0; i < kRuns; ++i) {
        int64_t id = (t * 7919 + i * 31) % 1000;
        QueryResult r = conn.Execute(find, {{"id", Value(id)}});
        if (!r.ok() || r.rows().size() != 1 || r.rows()[0][0] != Value("p" + std::to_string(id))) {
          ++wrong;
          WARN("id " + std::to_string(id) + ": " + (r.ok() ? std::to_string(r.rows().size()) + " rows" : r.error().message));
        }
        if (i % 50 == 0) {
          int64_t fresh = 100000 + t * kRuns + i;
          QueryResult w = conn.Execute(add, {{"id", Value(fresh)}, {"name", Value("p" + std::to_string(fresh))}});
          if (w.ok()) ++added;
          if (!w.ok() && w.error().code != "TransientError") {
            ++wrong;
            WARN(w.error().code + " " + w.error().message);
          }
        }
      }
    });
  // Meanwhile the schema changes under the running plans, twice.
  {
    Connection conn(*db);
    REQUIRE(conn.Execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").ok());
    REQUIRE(conn.Execute("DROP INDEX person_id").ok());
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
  QueryResult r = preparer.Execute("MATCH (p:Person) WHERE p.id >= 100000 RETURN count(p)");
  REQUIRE(r.ok());
  CHECK(r.rows()[0][0] == Value(int64_t{added}));
}

TEST_CASE("statements that differ only in their literals share one plan", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 20) AS i CREATE (:Person {name: 'p' + i, age: i})").ok());
  PlanCacheStats before = conn.plan_cache_stats();
  for (int i = 1; i <= 20; ++i) {
    std::string name = "p" + std::to_string(i);
    QueryResult r = conn.Execute("MATCH (p:Person {name: '" + name + "'}) WHERE p.age = " + std::to_string(i) +
                                 " RETURN p.name AS name, p.age AS age");
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 1);
    CHECK(r.rows()[0][0] == Value(name));
    CHECK(r.rows()[0][1] == Value(int64_t{i}));
  }
  PlanCacheStats after = conn.plan_cache_stats();
  CHECK(after.misses - before.misses == 1);
  CHECK(after.hits - before.hits == 19);
  // Writes too: MERGE on a key, the value set, each its own literal.
  for (int i = 0; i < 3; ++i) {
    QueryResult r = conn.Execute("MERGE (c:County {code: " + std::to_string(500 + i % 2) + "}) ON CREATE SET c.name = 'c" +
                                 std::to_string(i) + "' SET c.seen = " + std::to_string(i));
    REQUIRE(r.ok());
  }
  QueryResult counties = conn.Execute("MATCH (c:County) RETURN c.code, c.name, c.seen ORDER BY c.code");
  REQUIRE(counties.rows().size() == 2);
  CHECK(counties.rows()[0] == std::vector<Value>{Value(int64_t{500}), Value("c0"), Value(int64_t{2})});
  CHECK(counties.rows()[1] == std::vector<Value>{Value(int64_t{501}), Value("c1"), Value(int64_t{1})});
}

TEST_CASE("a literal keeps its place in columns and errors", "[query][plan-cache]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE (:A {x: 'abc', n: 1})").ok());
  // A column is named by the text as written, literal included.
  for (std::string v : {"abc", "def"}) {
    QueryResult r = conn.Execute("MATCH (a:A) RETURN a.x = '" + v + "'");
    REQUIRE(r.ok());
    CHECK(r.columns() == std::vector<std::string>{"a.x = '" + v + "'"});
    CHECK(r.rows()[0][0] == Value(v == "abc"));
  }
  // A runtime error points into the text as written.
  QueryResult bad = conn.Execute("MATCH (a:A {x: 'abc'}) WHERE a.n = 1 RETURN a.x / 0 AS bad");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "TypeError");
  CHECK(bad.error().line == 1);
  CHECK(bad.error().column == 49);
  CHECK_THAT(bad.error().pretty, Catch::Contains("MATCH (a:A {x: 'abc'}) WHERE a.n = 1 RETURN a.x / 0 AS bad"));
  QueryResult lines = conn.Execute("MATCH (a:A {x: 'abc'})\nWHERE a.n = 1\nRETURN a.n + 1 AS s, a.x / 0 AS bad");
  REQUIRE_FALSE(lines.ok());
  CHECK(lines.error().line == 3);
  CHECK(lines.error().column == 26);
  // Compile-time errors too.
  QueryResult undefined = conn.Execute("MATCH (a:A {x: 'a much longer literal than its parameter'}) RETURN b");
  REQUIRE_FALSE(undefined.ok());
  CHECK(undefined.error().column == 68);
}
