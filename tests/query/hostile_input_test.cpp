// Hostile input at every entrance: deep and long statements, regular
// expressions against long text, bytes that are not UTF-8, values a
// property cannot hold, files a loader must refuse, and statements that
// would take all the memory or all the time. Each fails with an error that
// says where, and leaves the database as it was.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "graph/csv.h"
#include "graph/fulltext.h"
#include "kg/json.h"
#include "kg/kg.h"
#include "kg/utf8.h"
#include "server/packstream.h"
#include "storage/records.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

std::string Repeat(const std::string& part, const std::string& separator, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? separator : "") + part;
  return out;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Nodes :C {i: 1..n}, each linked to the next by a relationship of type.
void MakeChain(Connection& conn, int n, const std::string& type) {
  REQUIRE(conn.Execute("UNWIND range(1, " + std::to_string(n) + ") AS i CREATE (:C {i: i})").ok());
  REQUIRE(conn.Execute("CREATE INDEX FOR (c:C) ON (c.i)").ok());
  QueryResult linked = conn.Execute("MATCH (a:C), (b:C) WHERE b.i = a.i + 1 CREATE (a)-[:" + type + "]->(b)");
  INFO(linked.error().pretty);
  REQUIRE(linked.ok());
}

}  // namespace

TEST_CASE("a long flat chain of operators is refused with its position, not a crash", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  const std::vector<std::string> chains = {
      "RETURN " + Repeat("1", " + ", 20000),
      "RETURN " + Repeat("true", " AND ", 20000),
      "RETURN " + Repeat("1", " = ", 20000),
      "RETURN [1]" + Repeat("[0]", "", 20000),
      "WITH {a: 1} AS m RETURN m" + Repeat(".a", "", 20000),
      "RETURN " + Repeat("'x'", " + ", 5000) + " STARTS WITH 'x'",
      "MATCH (n) WHERE " + Repeat("n.a = 1", " OR ", 20000) + " RETURN n",
  };
  for (const std::string& q : chains) {
    INFO(q.substr(0, 60));
    QueryResult r = conn.Execute(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("nests too deeply") != std::string::npos);
    CHECK(r.error().line == 1);
    CHECK(r.error().column > 1);
    CHECK(IsValidUtf8(r.error().pretty));
    CHECK(r.error().pretty.size() < 20000);  // the line is shown around the column, not whole
  }
  // Within the limit, a long chain runs; its text is kept for the column.
  QueryResult ok = conn.Execute("RETURN " + Repeat("1", " + ", 400) + " AS n");
  INFO(ok.error().pretty);
  REQUIRE(ok.ok());
  CHECK(ok.rows()[0][0] == Value(int64_t{400}));
  QueryResult sum = conn.Execute("RETURN " + Repeat("'" + std::string(100, 'x') + "'", " + ", 400) + " AS s");
  REQUIRE(sum.ok());
  CHECK(sum.rows()[0][0].as_string().size() == 40000);
}

TEST_CASE("statements with too many clauses or too long a pattern are refused, not a crash", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  // A chain for the long pattern to match: each of its relationships was a
  // level of the matcher's recursion, and each clause one of the operators'.
  MakeChain(conn, 5000, "R");
  CHECK_FALSE(conn.Execute("CREATE (a)" + Repeat("-[:R]->()", "", 600)).ok());  // one part, matched or not
  QueryResult pattern = conn.Execute("MATCH (a)" + Repeat("-->()", "", 5000) + " RETURN count(*)");
  REQUIRE_FALSE(pattern.ok());
  CHECK(pattern.error().message.find("pattern is longer than 500") != std::string::npos);
  QueryResult parts = conn.Execute("MATCH " + Repeat("(a)-->()", ", ", 600) + " RETURN count(*)");
  REQUIRE_FALSE(parts.ok());
  CHECK(parts.error().message.find("pattern is longer than 500") != std::string::npos);
  QueryResult clauses = conn.Execute(Repeat("WITH 1 AS x", " ", 200000) + " RETURN x");
  REQUIRE_FALSE(clauses.ok());
  CHECK(clauses.error().message.find("more than 1000 clauses") != std::string::npos);
  // Within the limits they run; CREATE takes any number of parts.
  CHECK(Count(conn, "MATCH (a)" + Repeat("-->()", "", 400) + " RETURN count(*)") == 4600);
  CHECK(Count(conn, Repeat("WITH 1 AS x", " ", 900) + " RETURN x") == 1);
  QueryResult many = conn.Execute("CREATE " + Repeat("(:P)", ", ", 3000));
  INFO(many.error().pretty);
  CHECK(many.ok());
}

TEST_CASE("a regular expression matches long text in linear time, without recursion", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  QueryResult r = conn.Execute("RETURN $s =~ '(a|b)*' AS all_ab, $s =~ '(a|b)*c' AS ends_c",
                               {{"s", Value(std::string(1 << 20, 'a'))}});
  INFO(r.error().pretty);
  REQUIRE(r.ok());
  CHECK(r.rows()[0][0] == Value(true));
  CHECK(r.rows()[0][1] == Value(false));
  QueryResult unicode = conn.Execute("RETURN '北京市' =~ '北.市' AS yes, 'Ab' =~ '(?i)ab' AS folded");
  REQUIRE(unicode.ok());
  CHECK(unicode.rows()[0][0] == Value(true));
  CHECK(unicode.rows()[0][1] == Value(true));
  QueryResult bad = conn.Execute("RETURN 'a' =~ '(a' AS x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("invalid regular expression") != std::string::npos);
  CHECK(bad.error().column == 12);
}

TEST_CASE("bytes that are not UTF-8 are refused where they enter", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  SECTION("in a statement, naming the line and column of the byte") {
    QueryResult r = conn.Execute("RETURN 1 AS a,\n  'x\xFFy' AS b");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail == "InvalidCharacter");
    CHECK(r.error().line == 2);
    CHECK(r.error().column == 5);
    CHECK(IsValidUtf8(r.error().pretty));
    // A truncated character at the end, and an overlong encoding.
    CHECK_FALSE(conn.Execute("RETURN 'ab\xE5\x8C'").ok());
    CHECK_FALSE(conn.Execute("RETURN '\xC0\xAF'").ok());
  }
  SECTION("a lone surrogate escape, in Cypher and in JSON; a pair is one character") {
    QueryResult lone = conn.Execute("RETURN '\\ud800' AS s");
    REQUIRE_FALSE(lone.ok());
    CHECK(lone.error().detail == "InvalidUnicodeLiteral");
    QueryResult pair = conn.Execute("RETURN '\\ud83d\\ude00' AS s");
    REQUIRE(pair.ok());
    CHECK(pair.rows()[0][0] == Value("\xF0\x9F\x98\x80"));
    CHECK_FALSE(ParseJson("\"\\ud800\"").ok());
    CHECK_FALSE(ParseJson("\"\\udc00\"").ok());
    CHECK_FALSE(ParseJson("\"\\ud800\\u0041\"").ok());
    CHECK_FALSE(ParseJson("\"\xFF\"").ok());
    auto joined = ParseJson("\"\\ud83d\\ude00\"");
    REQUIRE(joined.ok());
    CHECK(*joined == Value("\xF0\x9F\x98\x80"));
  }
  SECTION("in a string stored through the API or a parameter") {
    QueryResult r = conn.Execute("CREATE (:T {s: $s})", {{"s", Value("ok\xC3")}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("not valid UTF-8") != std::string::npos);
    CHECK(IsValidUtf8(r.error().pretty));
    auto txn = Begin(*db);
    auto node = txn.CreateNode({"T"}, {{"s", Value(std::string("\xED\xA0\x80"))}});  // an encoded surrogate
    CHECK_FALSE(node.ok());
    CHECK(Count(conn, "MATCH (n) RETURN count(n)") == 0);
  }
  SECTION("an error message quoting long text is cut between characters") {
    std::string text = "RETURN '" + Repeat("北京", "", 3000) + "' + 1 + x AS y";
    QueryResult r = conn.Execute(text);
    REQUIRE_FALSE(r.ok());
    CHECK(IsValidUtf8(r.error().message));
    CHECK(IsValidUtf8(r.error().pretty));
  }
}

TEST_CASE("the UTF-8 checks find what is invalid and cut only between characters", "[query][hostile]") {
  CHECK(FindInvalidUtf8("plain ascii, long enough for the word loop") == std::string_view::npos);
  CHECK(FindInvalidUtf8("\xE5\x8C\x97\xE4\xBA\xAC \xF0\x9F\x98\x80") == std::string_view::npos);
  CHECK(FindInvalidUtf8("abcdefgh\x80") == 8);
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0);  // above U+10FFFF
  CHECK(FindInvalidUtf8("\xE0\x80\x80") == 0);      // overlong
  CHECK(Utf8Prefix("\xE5\x8C\x97\xE4\xBA\xAC", 4) == "\xE5\x8C\x97");
  CHECK(ToValidUtf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("loaders refuse what a property cannot hold and headers that do not parse", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  auto load = [&](const std::string& name, const std::string& text) {
    Write(dir.path() + "/" + name, text);
    auto r = Load(*db, {{dir.path() + "/" + name}});
    return r.status();
  };
  Status map = load("map.jsonl", "{\"type\":\"node\",\"id\":\"1\",\"properties\":{\"ok\":1}}\n"
                                 "{\"type\":\"node\",\"id\":\"2\",\"properties\":{\"m\":{\"a\":1}}}\n");
  REQUIRE_FALSE(map.ok());
  CHECK(map.message().find("map.jsonl:2") != std::string::npos);
  CHECK(map.message().find("MAP cannot be stored") != std::string::npos);
  Status nested = load("nested.jsonl", "{\"type\":\"node\",\"id\":\"1\",\"properties\":{\"l\":[[1],[2]]}}\n");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.message().find("nested.jsonl:1") != std::string::npos);
  Status surrogate = load("surrogate.jsonl", "{\"type\":\"node\",\"id\":\"1\",\"properties\":{\"s\":\"\\ud800\"}}\n");
  REQUIRE_FALSE(surrogate.ok());
  CHECK(surrogate.message().find("surrogate") != std::string::npos);
  Status doubled = load("doubled.csv", "id:ID,age:int:int\n1,2\n");
  REQUIRE_FALSE(doubled.ok());
  CHECK(doubled.message().find("doubled.csv:1:7") != std::string::npos);
  Status unknown = load("unknown.csv", "id:ID,age:integer\n1,2\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.message().find("unknown type 'integer'") != std::string::npos);
  Status bytes = load("bytes.csv", "id:ID,name\n1,fine\n2,ab\xFF" "c\n");
  REQUIRE_FALSE(bytes.ok());
  CHECK(bytes.message().find("bytes.csv:3:5") != std::string::npos);
  // Nothing from any refused file is in the database.
  CHECK(Count(conn, "MATCH (n) RETURN count(n)") == 0);
  // CREATE and the API agree with the loaders on what a property holds.
  CHECK_FALSE(Value(ValueMap{{"a", Value(1)}}).IsStorable());
  CHECK_FALSE(Value(ValueList{Value(ValueList{})}).IsStorable());
  CHECK(Value(ValueList{Value(1), Value("a")}).IsStorable());
  auto txn = Begin(*db);
  CHECK_FALSE(txn.CreateNode({"T"}, {{"m", Value(ValueMap{{"a", Value(1)}})}}).ok());
}

TEST_CASE("GraphML export refuses a character XML cannot hold, naming where it is", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE (:T {s: 'a\\u0000b'}), (:T {s: 'tab\\tok'})").ok());
  std::ostringstream out;
  auto graphml = Export(*db, {.format = ExportFormat::kGraphml}, out);
  REQUIRE_FALSE(graphml.ok());
  CHECK(graphml.status().message().find("U+0000") != std::string::npos);
  CHECK(graphml.status().message().find("property 's' of node") != std::string::npos);
  // JSON Lines holds it, as an escape.
  std::ostringstream jsonl;
  REQUIRE(Export(*db, {.format = ExportFormat::kJsonl}, jsonl).ok());
  CHECK(jsonl.str().find("a\\u0000b") != std::string::npos);
}

TEST_CASE("a statement that would take too much memory fails and undoes its writes", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  CHECK(conn.memory_limit() == Connection::DefaultMemoryLimit());
  CHECK(conn.memory_limit() > 0);
  conn.set_memory_limit(size_t{8} << 20);
  const std::vector<std::string> hungry = {
      "UNWIND range(1, 100000000) AS x RETURN collect(x)",
      "RETURN size(range(1, 1000000000000)) AS n",
      "UNWIND range(1, 10000000) AS x WITH x ORDER BY x DESC RETURN x LIMIT 1",
      "UNWIND range(1, 10000000) AS x RETURN DISTINCT x",
      "UNWIND range(1, 10000000) AS x RETURN x, count(*)",
      "RETURN reduce(l = [1], x IN range(1, 64) | l + l) AS l",
      "RETURN reduce(s = 'x', x IN range(1, 64) | s + s) AS s",
      "RETURN [x IN range(1, 10000000) | x] AS l",
      "UNWIND range(1, 10000000) AS x CREATE (:N {x: x})",
  };
  for (const std::string& q : hungry) {
    INFO(q);
    QueryResult r = conn.Execute(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail == "MemoryLimit");
    CHECK(r.error().message.find("8 MiB") != std::string::npos);
  }
  CHECK(Count(conn, "MATCH (n) RETURN count(n)") == 0);
  // Within the limit, the same shapes run.
  CHECK(Count(conn, "UNWIND range(1, 1000) AS x WITH collect(x) AS l RETURN size(l)") == 1000);
  // A value nested without bound is refused before it overflows a walk over it.
  conn.set_memory_limit(0);
  QueryResult deep = conn.Execute("RETURN size(reduce(a = [], x IN range(1, 100000) | [a])) AS n");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message.find("nested more than") != std::string::npos);
}

TEST_CASE("a statement over its time limit fails with Timeout", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  conn.set_timeout(std::chrono::milliseconds(200));
  for (std::string q : {"UNWIND range(1, 100000000000) AS x WITH count(*) AS c RETURN c",
                        "RETURN size([x IN range(1, 300000000) WHERE x % 2 = 0]) AS n",
                        "RETURN reduce(s = 0, x IN range(1, 300000000) | s + x) AS n"}) {
    INFO(q);
    conn.set_memory_limit(0);
    QueryResult r = conn.Execute(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail == "Timeout");
  }
}

// What the fuzz targets of tests/fuzz found; their inputs are kept in
// tests/fuzz/regressions as well.
TEST_CASE("inputs the fuzzers found are handled", "[query][hostile][fuzz]") {
  SECTION("a number starting with a sign is read without looking before the text") {
    CHECK_FALSE(ParseJson("+1").ok());
    CHECK_FALSE(ParseJson("+").ok());
  }
  SECTION("a Bolt DateTimeZoneId whose zone is not a string is malformed") {
    // RUN with one field: a structure 'i' of three integers.
    std::string bytes = {'\xB1', '\x10', '\xB3', 'i', '\x01', '\x02', '\x03'};
    auto m = server::DecodeMessage(bytes);
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().message().find("DateTimeZoneId") != std::string::npos);
  }
  SECTION("a damaged record's size past its end is refused before anything is allocated") {
    // The portable format: its byte-order mark, a version, then a label
    // count of 2^40.
    std::string bytes = {'\x01', '\x01', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\x01', '\x00'};
    storage::NodeRecord r;
    Status s = storage::DecodeRecord(bytes, &r, "node 7");
    CHECK(s.code() == StatusCode::kCorruption);
    CHECK(s.message().find("node 7") != std::string::npos);
  }
  SECTION("grouping the largest integers hashes them without overflow") {
    TempDir dir;
    auto db = OpenDb(dir.db());
    Connection conn(*db);
    QueryResult r = conn.Execute("UNWIND [9223372036854775807, -9223372036854775807 - 1, 1, 1.0] AS i RETURN i, count(*)");
    REQUIRE(r.ok());
    CHECK(r.rows().size() == 3);  // 1 and 1.0 are one group
  }
  SECTION("a CSV error names a byte that is not text by its value") {
    std::istringstream in("\"a\"\xFF,b\n");
    graph::CsvReader reader(in, "t.csv");
    std::vector<graph::CsvReader::Field> fields;
    Status error;
    REQUIRE(reader.Next(&fields, &error));
    REQUIRE_FALSE(error.ok());
    CHECK(error.message().find("0xFF") != std::string::npos);
    CHECK(IsValidUtf8(error.message()));
  }
  SECTION("a full-text query that is not UTF-8 is refused") {
    std::vector<std::string> fields = {"name"};
    CHECK_FALSE(graph::fulltext::ParseQuery("ab\xFF", graph::fulltext::Analyzer::kStandard, fields).ok());
  }
}

TEST_CASE("a variable-length path as long as the graph is followed without a call per hop", "[query][hostile]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  Connection conn(*db);
  // A chain of 100,000 nodes: each hop of [*] was a recursive call, and the
  // stack ran out long before the end.
  MakeChain(conn, 100000, "N");
  CHECK(Count(conn, "MATCH (a:C {i: 1})-[:N*99990..]->(b) RETURN count(b)") == 10);
  CHECK(Count(conn, "MATCH (a:C {i: 100000})<-[:N*99999]-(b) RETURN b.i") == 1);
}
