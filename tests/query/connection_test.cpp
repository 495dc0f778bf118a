// The Connection API: atomic statements, explicit transactions, streaming
// with early stop, cancellation and time limits.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

TEST_CASE("a failing statement changes nothing", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE (:A {n: 1})").ok());
  QueryResult r = conn.Execute("MATCH (a:A) SET a.n = 2 CREATE (:A {n: 3}) WITH a RETURN 1 / 0");
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.error().code == "ArithmeticError");
  REQUIRE(r.error().runtime);
  REQUIRE(Count(conn, "MATCH (a:A) RETURN count(a)") == 1);
  REQUIRE(Count(conn, "MATCH (a:A) RETURN a.n") == 1);
}

TEST_CASE("explicit transactions: a failed statement rolls back only itself", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  Connection other(*db);
  REQUIRE(conn.Begin().ok());
  REQUIRE(conn.in_transaction());
  REQUIRE(conn.Execute("CREATE (:A)").ok());
  REQUIRE_FALSE(conn.Execute("CREATE (:A) WITH 1 AS x RETURN x / 0").ok());
  REQUIRE(Count(conn, "MATCH (a:A) RETURN count(a)") == 1);   // its own write
  REQUIRE(Count(other, "MATCH (a:A) RETURN count(a)") == 0);  // not committed yet
  REQUIRE(conn.Commit().ok());
  REQUIRE(Count(other, "MATCH (a:A) RETURN count(a)") == 1);
  REQUIRE(conn.Begin().ok());
  REQUIRE(conn.Execute("CREATE (:A)").ok());
  conn.Rollback();
  REQUIRE(Count(conn, "MATCH (a:A) RETURN count(a)") == 1);
}

TEST_CASE("streaming stops early when the caller has enough", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  int seen = 0;
  auto start = std::chrono::steady_clock::now();
  QueryResult r = conn.Stream("UNWIND range(1, 1000000) AS x WITH x WHERE x % 2 = 0 RETURN x", {},
                              [&](const std::vector<Value>& row) {
                                ++seen;
                                REQUIRE(row[0].as_int() == 2 * seen);
                                return seen < 5;
                              });
  REQUIRE(r.ok());
  REQUIRE(seen == 5);
  REQUIRE(r.rows().empty());
  (void)start;
  // LIMIT stops the work upstream as well.
  QueryResult limited = conn.Execute("UNWIND range(1, 10) AS x RETURN x LIMIT 3");
  REQUIRE(limited.rows().size() == 3);
}

TEST_CASE("a stream hands over its columns before its first row", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  std::vector<std::string> events;
  auto on_columns = [&](const std::vector<std::string>& columns) {
    std::string all = "columns:";
    for (const auto& c : columns) all += c + ",";
    events.push_back(all);
  };
  auto on_row = [&](const std::vector<Value>& row) {
    events.push_back("row:" + row[0].ToString());
    return true;
  };
  REQUIRE(conn.Stream("UNWIND [1, 2] AS x RETURN x, x * 2 AS y", {}, on_columns, on_row).ok());
  CHECK(events == std::vector<std::string>{"columns:x,y,", "row:1", "row:2"});
  // No rows: the columns still come; a failing statement sends none.
  events.clear();
  REQUIRE(conn.Stream("MATCH (n:Nothing) RETURN n.name AS name", {}, on_columns, on_row).ok());
  CHECK(events == std::vector<std::string>{"columns:name,"});
  events.clear();
  REQUIRE(!conn.Stream("RETURN nope", {}, on_columns, on_row).ok());
  CHECK(events.empty());
  // A schema statement has no plan, so no columns are announced.
  REQUIRE(conn.Stream("CREATE INDEX FOR (n:P) ON (n.name)", {}, on_columns, on_row).ok());
  CHECK(events.empty());
}

TEST_CASE("UNWIND range() streams, so a huge range with LIMIT answers at once", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  // Built as a list first, a trillion values would run out of time (or memory).
  conn.set_timeout(std::chrono::seconds(20));
  QueryResult r = conn.Execute("UNWIND range(1, 1000000000000) AS i RETURN i LIMIT 3");
  INFO(r.error().pretty);
  REQUIRE(r.ok());
  REQUIRE(r.rows().size() == 3);
  CHECK(r.rows()[2][0] == Value(int64_t{3}));
  QueryResult bad = conn.Execute("UNWIND range(1, 10, 0) AS i RETURN i");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "range() step must not be 0");
}

TEST_CASE("a time limit and Cancel stop a long statement", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("UNWIND range(1, 300) AS i CREATE (:N {i: i})").ok());
  const char* slow = "MATCH (a:N), (b:N), (c:N), (d:N) RETURN count(*)";
  conn.set_timeout(std::chrono::milliseconds(100));
  QueryResult timed_out = conn.Execute(slow);
  REQUIRE_FALSE(timed_out.ok());
  REQUIRE(timed_out.error().detail == "Timeout");
  conn.set_timeout(std::chrono::milliseconds(0));

  QueryResult cancelled;
  std::thread runner([&] { cancelled = conn.Execute(slow); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  conn.Cancel();
  runner.join();
  REQUIRE_FALSE(cancelled.ok());
  REQUIRE(cancelled.error().detail == "Cancelled");
  // The connection is usable afterwards.
  REQUIRE(Count(conn, "MATCH (n:N) RETURN count(n)") == 300);
}

TEST_CASE("parameters and typed results", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  QueryResult r = conn.Execute("CREATE (n:P {name: $name, tags: $tags})-[e:T {w: 1.5}]->(m) RETURN n, e, m",
                               {{"name", Value("Kunming")}, {"tags", Value(ValueList{"a", "b"})}});
  REQUIRE(r.ok());
  REQUIRE(r.counters().nodes_created == 2);
  REQUIRE(r.counters().relationships_created == 1);
  REQUIRE(r.counters().properties_set == 3);
  const Node& n = r.rows()[0][0].as_node();
  REQUIRE(n.labels == std::vector<std::string>{"P"});
  REQUIRE(n.properties.at("name") == Value("Kunming"));
  const Edge& e = r.rows()[0][1].as_edge();
  REQUIRE((e.type == "T" && e.source == n.id && e.properties.at("w") == Value(1.5)));
  QueryResult missing = conn.Execute("RETURN $nope");
  REQUIRE(missing.error().code == "ParameterMissing");
  REQUIRE_FALSE(missing.error().runtime);
}

TEST_CASE("counters tell what a statement left, whatever it did to what it created", "[query][connection]") {
  // Elements a statement creates are counted from what it knew when it
  // created them, unless it changed or deleted them afterwards.
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  auto counters = [&](const std::string& q) {
    QueryResult r = conn.Execute(q);
    INFO(q << ": " << (r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
    return r.counters();
  };
  auto c = counters("UNWIND range(1, 3) AS i CREATE (a:A {i: i, j: null})-[:R {w: i}]->(:B)");
  CHECK((c.nodes_created == 6 && c.relationships_created == 3 && c.properties_set == 6));
  c = counters("CREATE (a:A {p: 1})-[r:R {w: 1}]->(b:B) SET a.q = 2, r.w = null, b.x = 1");
  CHECK((c.nodes_created == 2 && c.relationships_created == 1 && c.properties_set == 3));
  CHECK(c.properties_removed == 0);
  c = counters("CREATE (a:A)-[r:R {w: 1}]->(b:B) DELETE r");
  CHECK((c.nodes_created == 2 && c.relationships_created == 0 && c.relationships_deleted == 0));
  c = counters("CREATE (a:A {p: 1})-[r:R]->(b:B) DETACH DELETE a");
  CHECK((c.nodes_created == 1 && c.relationships_created == 0 && c.properties_set == 0));
  c = counters("MERGE (m:M {k: 1}) ON CREATE SET m.created = true");
  CHECK((c.nodes_created == 1 && c.properties_set == 2));
}

TEST_CASE("a script's runs of index creations are made together, each with its own result", "[query][connection]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  std::vector<QueryResult> results;
  auto run = [&](const std::string& script) {
    results.clear();
    conn.ExecuteScript(SplitStatements(script), {}, [&](size_t i, const QueryResult& r) {
      REQUIRE(i == results.size());
      results.push_back(r);
    });
  };
  SECTION("a run that succeeds") {
    run("UNWIND range(1, 20) AS i CREATE (:A {k: i % 5, u: i});"
        "CREATE INDEX FOR (n:A) ON (n.k);"
        "create index if not exists for (n:A) on (n.k);"
        "CREATE CONSTRAINT a_u FOR (n:A) REQUIRE n.u IS UNIQUE;"
        "MATCH (n:A {k: 2}) RETURN count(n);"
        "CREATE INDEX FOR (n:A) ON (n.u);");
    REQUIRE(results.size() == 6);
    for (const auto& r : results) REQUIRE(r.ok());
    CHECK(results[1].counters().indexes_added == 1);
    CHECK(results[2].counters().indexes_added == 0);
    CHECK(results[3].counters().constraints_added == 1);
    CHECK(results[4].rows().at(0).at(0) == Value(4));
    CHECK(results[5].counters().indexes_added == 1);
    CHECK(db->Indexes().size() == 3);
  }
  SECTION("a run with a failing statement: those before it stay, those after it never run") {
    run("CREATE (:B {u: 1}), (:B {u: 1});"
        "CREATE INDEX FOR (n:B) ON (n.x);"
        "CREATE CONSTRAINT b_u FOR (n:B) REQUIRE n.u IS UNIQUE;"
        "CREATE INDEX FOR (n:B) ON (n.y);"
        "RETURN 1;");
    REQUIRE(results.size() == 3);
    CHECK(results[1].ok());
    CHECK(results[1].counters().indexes_added == 1);
    REQUIRE_FALSE(results[2].ok());
    CHECK(results[2].error().message.find("cannot create constraint b_u") != std::string::npos);
    REQUIRE(db->Indexes().size() == 1);
    CHECK(db->Indexes()[0].property == "x");
  }
  SECTION("a statement that does not parse ends the run and the script") {
    run("CREATE INDEX FOR (n:C) ON (n.x); CREATE INDEX FOR (n:C) ON n.y; CREATE INDEX FOR (n:C) ON (n.z)");
    REQUIRE(results.size() == 2);
    CHECK(results[0].ok());
    CHECK(results[1].error().code == "SyntaxError");
    CHECK(db->Indexes().size() == 1);
  }
  SECTION("inside an explicit transaction each fails on its own") {
    Ok(conn.Begin());
    run("CREATE INDEX FOR (n:D) ON (n.x); CREATE INDEX FOR (n:D) ON (n.y)");
    REQUIRE(results.size() == 1);
    CHECK(results[0].error().detail == "SchemaInTransaction");
    conn.Rollback();
    CHECK(db->Indexes().empty());
  }
}
