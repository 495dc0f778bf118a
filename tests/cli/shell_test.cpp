// The shell driven through string streams: multi-line statements, commands,
// parameters, transactions, errors and completion.
#include <fstream>
#include <sstream>

#include "cli/shell.h"
#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg::cli {
namespace {

struct Session {
  test::TempDir dir;
  std::unique_ptr<Database> db = test::OpenDb(dir.db());
  std::ostringstream out, err;

  int Run(const std::string& input, ShellOptions options = {.interactive = false, .timing = false}) {
    out.str("");
    err.str("");
    Shell shell(*db, out, err, options);
    std::istringstream in(input);
    StreamLineSource source(in);
    return shell.Run(source);
  }
};

TEST_CASE("statements span lines and end at ';'", "[shell]") {
  Session s;
  CHECK(s.Run("CREATE (:City {name: 'Kunming'}),\n       (:City {name: 'Zhaotong'});\nMATCH (c:City)\nRETURN c.name\nORDER BY c.name; RETURN 1 AS one;\n") == 0);
  CHECK(s.err.str().empty());
  CHECK(s.out.str() ==
        "2 nodes created, 2 properties set, 1 labels added\n"
        "+------------+\n| c.name     |\n+------------+\n| 'Kunming'  |\n| 'Zhaotong' |\n+------------+\n2 rows\n"
        "+-----+\n| one |\n+-----+\n| 1   |\n+-----+\n1 row\n");
}

TEST_CASE("parameters, formats, explain and the schema", "[shell]") {
  Session s;
  CHECK(s.Run(":param names => ['a', 'b']\n:param n => 1 + 1\n:params\n:format csv\n"
              "UNWIND $names AS x RETURN x, $n AS n;\n:format json\nRETURN $n * 2 AS four;\n"
              ":explain MATCH (n) RETURN n\nCREATE INDEX FOR (c:City) ON (c.name);\n"
              "CREATE FULLTEXT INDEX words FOR ()-[r:NEAR|IN]-() ON EACH [r.quote, r.note];\n:schema\n") == 0);
  std::string o = s.out.str();
  CHECK(o.find("$n = 2\n$names = ['a', 'b']\n") != std::string::npos);
  CHECK(o.find("x,n\r\na,2\r\nb,2\r\n") != std::string::npos);
  CHECK(o.find("{\"columns\":[\"four\"],\"rows\":[[4]]}") != std::string::npos);
  CHECK(o.find("AllNodesScan") != std::string::npos);
  CHECK(o.find("Indexes and constraints:\n  index_City_name") != std::string::npos);
  CHECK(o.find("  words  FULLTEXT standard ()-[:NEAR|IN]-() [quote, note]\n") != std::string::npos);
}

TEST_CASE("explicit transactions commit or roll back", "[shell]") {
  Session s;
  CHECK(s.Run(":begin\nCREATE (:T {v: 1});\n:rollback\n:begin\nCREATE (:T {v: 2});\n:commit\nMATCH (t:T) RETURN t.v;\n") == 0);
  CHECK(s.out.str().find("| 2   |") != std::string::npos);
  CHECK(s.out.str().find("| 1   |") == std::string::npos);
  // A transaction left open at the end of the input is rolled back.
  CHECK(s.Run(":begin\nCREATE (:T {v: 3});\n") == 0);
  CHECK(s.err.str() == "the open transaction was rolled back\n");
  CHECK(s.Run("MATCH (t:T) RETURN count(t) AS n;\n") == 0);
  CHECK(s.out.str().find("| 1 |") != std::string::npos);
}

TEST_CASE("errors: the caret display, a non-zero status, and a script stops", "[shell]") {
  Session s;
  CHECK(s.Run("RETURN 1 AS a;\nMATCH (n RETURN n;\nRETURN 2 AS b;\n") == 1);
  CHECK(s.err.str() == "SyntaxError (UnexpectedSyntax): unexpected 'RETURN', expected ')' to close '(' at 1:7 (line 1, column 10)\n"
                       "MATCH (n RETURN n\n         ^^^^^^\n");
  CHECK(s.out.str().find("| b |") == std::string::npos);
  // Interactive sessions keep going.
  CHECK(s.Run("RETURN nope;\nRETURN 2 AS b;\n:nonsense\n", {.interactive = true, .timing = false}) == 0);
  CHECK(s.out.str().find("| b |") != std::string::npos);
  CHECK(s.err.str().find("unknown command :nonsense") != std::string::npos);
}

TEST_CASE("the source, load and export commands", "[shell]") {
  Session s;
  {
    std::ofstream script(s.dir.path() + "/setup.cypher");
    script << "// a comment\nCREATE (:P {name: 'a'})-[:R]->(:P {name: 'b'});\nMATCH (p:P) RETURN count(p) AS n;\n";
  }
  CHECK(s.Run(":source " + s.dir.path() + "/setup.cypher\n:export jsonl " + s.dir.path() + "/out.jsonl MATCH (p:P {name: 'a'}) RETURN p\n") == 0);
  CHECK(s.out.str().find("exported 1 nodes, 0 relationships") != std::string::npos);
  Session t;
  CHECK(t.Run(":load " + s.dir.path() + "/out.jsonl\nMATCH (p:P) RETURN p.name;\n") == 0);
  CHECK(t.out.str().find("loaded 1 nodes, 0 relationships") != std::string::npos);
  CHECK(t.out.str().find("| 'a'    |") != std::string::npos);
  CHECK(t.Run(":load " + s.dir.path() + "/nothing.csv\n") == 1);
  CHECK(t.err.str().find("nothing.csv: no such file\nnothing was loaded") != std::string::npos);
}

TEST_CASE(":source runs index creations together, stopping at the one that fails", "[shell]") {
  Session s;
  {
    std::ofstream script(s.dir.path() + "/schema.cypher");
    script << "CREATE (:P {u: 1}), (:P {u: 1});\n"
              "CREATE INDEX FOR (p:P) ON (p.name);\n"
              "CREATE INDEX IF NOT EXISTS FOR (p:P) ON (p.name);\n"
              "CREATE CONSTRAINT p_u FOR (p:P) REQUIRE p.u IS UNIQUE;\n"
              "CREATE INDEX FOR (p:P) ON (p.other);\n";
  }
  CHECK(s.Run(":source " + s.dir.path() + "/schema.cypher\n") == 1);
  CHECK(s.out.str() == "2 nodes created, 2 properties set, 1 labels added\n1 indexes added\n(no changes, no records)\n");
  CHECK(s.err.str().find("cannot create constraint p_u") != std::string::npos);
  CHECK(s.err.str().find("schema.cypher:4: the statement starting here failed") != std::string::npos);
  auto indexes = s.db->Indexes();
  REQUIRE(indexes.size() == 1);
  CHECK(indexes[0].property == "name");
}

TEST_CASE("completion offers commands, keywords, labels, types and keys", "[shell]") {
  Session s;
  REQUIRE(s.Run("CREATE (:Province {name: 'Yunnan', code: '53'})-[:LOCATED_IN]->(:Country);\n") == 0);
  Shell shell(*s.db, s.out, s.err, {});
  CHECK(shell.Complete(":sc") == std::vector<std::string>{":schema"});
  CHECK(shell.Complete(":p") == std::vector<std::string>{":param", ":params", ":profile"});
  CHECK(shell.Complete("mat") == std::vector<std::string>{"MATCH"});
  CHECK(shell.Complete("MATCH (p:Pro") == std::vector<std::string>{"Province"});
  CHECK(shell.Complete("MATCH (p)-[:LOC") == std::vector<std::string>{"LOCATED_IN"});
  CHECK(shell.Complete("MATCH (p) RETURN p.co") == std::vector<std::string>{"code"});
  // After CALL, procedure names: the part typed before a dot stays.
  CHECK(shell.Complete("CALL db.la") == std::vector<std::string>{"labels"});
  CHECK(shell.Complete("call algo.pa") == std::vector<std::string>{"pageRank"});
  CHECK(shell.Complete("MATCH (n) CALL al").size() == 5);
  CHECK(shell.Complete("CALL db.schema.n") == std::vector<std::string>{"nodeTypeProperties"});
}

}  // namespace
}  // namespace kg::cli

namespace kg::cli {
namespace {

TEST_CASE("tables align by display width: CJK characters take two columns", "[cli][output]") {
  CHECK(DisplayWidth("Ludian") == 6);
  CHECK(DisplayWidth("彝良县") == 6);
  CHECK(DisplayWidth("Zoë") == 3);
  CHECK(DisplayWidth("e\u0301") == 1);  // e and a combining acute accent
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  QueryResult r = conn.Execute(
      "UNWIND [['彝良县', 'Yiliang'], ['x', 'Zhenxiong County']] AS r RETURN r[0] AS name_zh, r[1] AS name");
  REQUIRE(r.ok());
  CHECK(FormatResult(r, Format::kTable) ==
        "+----------+--------------------+\n"
        "| name_zh  | name               |\n"
        "+----------+--------------------+\n"
        "| '彝良县' | 'Yiliang'          |\n"
        "| 'x'      | 'Zhenxiong County' |\n"
        "+----------+--------------------+\n"
        "2 rows\n");
}

}  // namespace
}  // namespace kg::cli
