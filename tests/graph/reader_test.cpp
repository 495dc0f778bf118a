// A read-only open beside a writer: it sees what was committed before each
// of its transactions began (names and indexes made since it opened too),
// one state for the whole of a transaction, and refuses writes.
#include <catch2/catch.hpp>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

using test::Count;

TEST_CASE("a reader beside a writer sees each commit made before its transaction began", "[graph][reader]") {
  test::TempDir dir;
  auto writer = test::OpenDb(dir.db());
  Connection w(*writer);
  REQUIRE(w.Execute("UNWIND range(1, 10) AS i CREATE (:P {k: i})").ok());

  Options ro;
  ro.read_only = true;
  auto reader = test::OpenDb(dir.db(), ro);
  Connection r(*reader);
  CHECK(Count(r, "MATCH (n:P) RETURN count(n)") == 10);

  // Committed after the reader opened: seen by its next statement, with
  // the label, key and type names made meanwhile.
  REQUIRE(w.Execute("CREATE (:Q {fresh: 'yes'})-[:NEW]->(:P {k: 11})").ok());
  CHECK(Count(r, "MATCH (n:P) RETURN count(n)") == 11);
  CHECK(Count(r, "MATCH (:Q {fresh: 'yes'})-[:NEW]->(p:P) RETURN p.k") == 11);

  // One state for the whole of a transaction.
  REQUIRE(r.Begin().ok());
  CHECK(Count(r, "MATCH (n:P) RETURN count(n)") == 11);
  REQUIRE(w.Execute("CREATE (:P {k: 12})").ok());
  CHECK(Count(r, "MATCH (n:P) RETURN count(n)") == 11);
  r.Rollback();
  CHECK(Count(r, "MATCH (n:P) RETURN count(n)") == 12);

  // An index made by the writer is the reader's too.
  REQUIRE(w.Execute("CREATE INDEX FOR (p:P) ON (p.k)").ok());
  QueryResult plan = r.Execute("EXPLAIN MATCH (p:P {k: 5}) RETURN p");
  REQUIRE(plan.ok());
  CHECK(plan.plan().find("NodeIndexSeek") != std::string::npos);
  CHECK(Count(r, "MATCH (p:P {k: 5}) RETURN count(p)") == 1);

  // Writes are refused.
  QueryResult write = r.Execute("CREATE (:P)");
  REQUIRE_FALSE(write.ok());
  CHECK(write.error().message.find("read-only") != std::string::npos);
  CHECK(Count(w, "MATCH (n:P) RETURN count(n)") == 12);
}

}  // namespace
}  // namespace kg
