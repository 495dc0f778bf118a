// Loading and exporting: round trips through every format that loads back,
// atomic failure with file:line:column, --skip-bad rejects, and the
// integrity check.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "kg/kg.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "storage/store_transaction.h"
#include "graph/access.h"
#include "graph/database_impl.h"
#include "tests/test_util.h"

namespace kg {
namespace {

using test::TempDir;

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The graph as sorted lines, ids left out: what a round trip must keep.
std::multiset<std::string> Dump(Database& db) {
  Connection conn(db);
  std::multiset<std::string> out;
  auto nodes = conn.Execute("MATCH (n) RETURN labels(n), properties(n)");
  REQUIRE(nodes.ok());
  for (const auto& row : nodes.rows()) out.insert("N " + row[0].ToString() + " " + row[1].ToString());
  auto edges = conn.Execute("MATCH (a)-[r]->(b) RETURN properties(a), type(r), properties(r), properties(b)");
  REQUIRE(edges.ok());
  for (const auto& row : edges.rows())
    out.insert("E " + row[0].ToString() + " " + row[1].ToString() + " " + row[2].ToString() + " " + row[3].ToString());
  return out;
}

// A graph with the values that are easy to get wrong in text formats.
void MakeTrickyGraph(Database& db) {
  Connection conn(db);
  auto r = conn.Execute(
      "CREATE (a:Person:Admin {name: 'Zoë \"Z\" O\\'Neil', bio: 'line one\\nline two, with a comma', empty: '', "
      "       n: 9223372036854775807, m: -9223372036854775807 - 1, f: 1.0, g: -0.5e-300, ok: true, "
      "       tags: ['a;b', 'c\\\\d', ''], nums: [1, 2, 3], fl: [1.5, 2.0], flags: [true, false], none: []}),"
      "       (b:Place {name: '昆明', code: '5301'}), (c {name: 'no label'}), (d:Person {name: 'solo'}),"
      "       (a)-[:VISITED {year: 2021, note: 'first; \"quoted\"'}]->(b),"
      "       (b)-[:NEAR]->(c), (a)-[:KNOWS {since: 1.25}]->(a), (d)-[:KNOWS {since: 'long ago'}]->(a)");
  INFO(r.error().pretty);
  REQUIRE(r.ok());
}

TEST_CASE("exports load back into the same graph", "[io]") {
  TempDir dir;
  auto source = test::OpenDb(dir.path() + "/source");
  MakeTrickyGraph(*source);
  auto want = Dump(*source);
  REQUIRE(want.size() == 8);
  // The schema travels with the data: an index and a constraint, one with
  // a name that needs quoting.
  test::Ok(source->CreateIndex({.label = "Person", .property = "name", .name = "person `name`"}));
  test::Ok(source->CreateIndex({.label = "Place", .property = "name", .unique = true}));
  auto schema = [](const Database& db) {
    std::set<std::tuple<std::string, std::string, std::string, bool>> out;
    for (const IndexInfo& i : db.Indexes()) out.emplace(i.name, i.label, i.property, i.unique);
    return out;
  };
  REQUIRE(schema(*source).size() == 2);

  for (auto [format, method] : {std::pair{ExportFormat::kJsonl, LoadOptions::Method::kTransaction},
                                std::pair{ExportFormat::kJsonl, LoadOptions::Method::kBulk},
                                std::pair{ExportFormat::kCsv, LoadOptions::Method::kTransaction},
                                std::pair{ExportFormat::kCsv, LoadOptions::Method::kBulk},
                                std::pair{ExportFormat::kCypher, LoadOptions::Method::kAuto}}) {
    std::string ext = format == ExportFormat::kJsonl ? "jsonl" : format == ExportFormat::kCypher ? "cypher" : "csv";
    std::string name = ext + (method == LoadOptions::Method::kBulk ? "-bulk" : "");
    SECTION(name) {
      ExportOptions options;
      options.format = format;
      ExportStats stats;
      std::vector<LoadFile> files;
      if (format == ExportFormat::kCsv) {
        REQUIRE(test::ExportCsvTo(*source, options, dir.path() + "/" + name, &stats).ok());
        for (const std::string& f : stats.files) files.push_back({f});
      } else {
        std::string path = dir.path() + "/" + name + "." + ext;
        std::ofstream out(path, std::ios::binary);
        REQUIRE(test::ExportTo(*source, options, out, &stats).ok());
        out.close();
        files.push_back({path});
      }
      CHECK(stats.nodes == 4);
      CHECK(stats.relationships == 4);
      if (format == ExportFormat::kCsv)
        CHECK(std::count_if(files.begin(), files.end(), [](const LoadFile& f) { return f.path.ends_with("/schema.cypher"); }) == 1);
      auto copy = test::OpenDb(dir.path() + "/copy-" + name);
      LoadStats loaded;
      LoadOptions load_options;
      load_options.method = method;
      Status s = test::LoadInto(*copy, files, load_options, &loaded);
      INFO(s.ToString());
      REQUIRE(s.ok());
      CHECK(loaded.bulk == (method == LoadOptions::Method::kBulk));
      CHECK(Dump(*copy) == want);
      CHECK(schema(*copy) == schema(*source));  // and the Cypher export's helper index is gone
      auto report = Check(*copy);
      REQUIRE(report.ok());
      CHECK(report->ok());
    }
  }
}

TEST_CASE("a query's subgraph exports as GraphML and DOT", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  MakeTrickyGraph(*db);
  ExportOptions options;
  options.query = "MATCH p = (:Person {name: 'solo'})-[:KNOWS]->()-[:VISITED]->() RETURN p";
  options.format = ExportFormat::kDot;
  std::ostringstream dot;
  ExportStats stats;
  REQUIRE(test::ExportTo(*db, options, dot, &stats).ok());
  CHECK(stats.nodes == 3);
  CHECK(stats.relationships == 2);
  CHECK(dot.str().starts_with("digraph G {"));
  CHECK(dot.str().find("VISITED") != std::string::npos);
  CHECK(dot.str().find("NEAR") == std::string::npos);

  options.format = ExportFormat::kGraphml;
  options.query.clear();
  std::ostringstream xml;
  ExportStats all;
  REQUIRE(test::ExportTo(*db, options, xml, &all).ok());
  CHECK(all.nodes == 4);
  CHECK(xml.str().find("<graphml") != std::string::npos);
  CHECK(xml.str().find("attr.name=\"year\" attr.type=\"long\"") != std::string::npos);
  CHECK(xml.str().find("昆明") != std::string::npos);

  options.query = "RETURN nope";
  std::ostringstream bad;
  Status s = test::ExportTo(*db, options, bad, &all);
  CHECK(!s.ok());
  CHECK(s.message().find("nope") != std::string::npos);
}

TEST_CASE("a schema beside data files is made first, and taken back when the load fails", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() + "/" + name) << text;
    return LoadFile{dir.path() + "/" + name};
  };
  LoadFile schema = write("schema.cypher", "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);\n");
  LoadFile people = write("people.csv", "id:ID,:LABEL,name\n1,Person,Ann\n2,Person,Bo\n");
  LoadFile broken = write("broken.csv", ":START_ID,:END_ID,:TYPE\n1,99,KNOWS\n");
  LoadFile data_script = write("data.cypher", "CREATE INDEX x FOR (n:X) ON (n.x);\nCREATE (:X {x: 1});\n");
  // Not only creations: refused, naming the statement's line.
  auto r = Load(*db, {people, data_script});
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("data.cypher:2: beside data files") != std::string::npos);
  CHECK(db->Indexes().empty());
  // A load that fails takes back the index its schema made.
  r = Load(*db, {schema, people, broken});
  REQUIRE(!r.ok());
  CHECK(db->Indexes().empty());
  CHECK(test::Ok(test::Begin(*db, true).CountNodes()) == 0);
  // One that succeeds keeps it, and the data is indexed.
  r = Load(*db, {schema, people});
  REQUIRE(r.ok());
  REQUIRE(db->Indexes().size() == 1);
  CHECK(test::Ok(test::Begin(*db, true).FindNodes("Person", "name", Value("Bo"))).size() == 1);
}

TEST_CASE("an export's query only reads: one that writes fails and writes nothing", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  MakeTrickyGraph(*db);
  auto before = test::Ok(test::Begin(*db, true).CountNodes());
  for (const char* query : {"CREATE (n:Intruder) RETURN n", "MATCH (n:Person) SET n.touched = true RETURN n",
                            "MATCH (n:Person {name: 'solo'}) DETACH DELETE n RETURN 1",
                            "CREATE INDEX intruder FOR (n:Person) ON (n.touched)"}) {
    INFO(query);
    ExportOptions options;
    options.query = query;
    std::ostringstream out;
    auto r = Export(*db, options, out);
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("must only read") != std::string::npos);
    CHECK(db->Indexes().empty());
    auto txn = test::Begin(*db, true);
    CHECK(test::Ok(txn.CountNodes()) == before);
    CHECK(test::Ok(txn.CountNodes("Intruder")) == 0);
  }
  Connection conn(*db);
  CHECK(conn.Execute("MATCH (n) WHERE n.touched RETURN count(n)").rows()[0][0] == Value(0));
}

TEST_CASE("a bad row fails the whole load with where and why", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE (:Before {x: 1})").ok());
  auto before = Dump(*db);
  Write(dir.path() + "/people.csv", "id:ID,:LABEL,name,age:int\n1,Person,Ann,41\n2,Person,Bob,forty\n3,Person,Cy,7\n");
  Write(dir.path() + "/knows.csv", ":START_ID,:END_ID,:TYPE\n1,3,KNOWS\n");
  LoadStats stats;
  Status s = test::LoadInto(*db, {{dir.path() + "/people.csv"}, {dir.path() + "/knows.csv"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message() == dir.path() + "/people.csv:3:14: 'forty' in column age is not an integer");
  CHECK(Dump(*db) == before);

  Write(dir.path() + "/knows.csv", ":START_ID,:END_ID,:TYPE\n1,3,KNOWS\n1,9,KNOWS\n");
  Write(dir.path() + "/people.csv", "id:ID,:LABEL,name,age:int\n1,Person,Ann,41\n3,Person,Cy,7\n");
  s = test::LoadInto(*db, {{dir.path() + "/knows.csv"}, {dir.path() + "/people.csv"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message() == dir.path() + "/knows.csv:3:1: unknown end node id '9'");
  CHECK(Dump(*db) == before);

  Write(dir.path() + "/broken.csv", "id:ID,name\n1,\"unterminated\n");
  s = test::LoadInto(*db, {{dir.path() + "/broken.csv"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message().find("broken.csv:2:3: a quoted field is not closed") != std::string::npos);

  Write(dir.path() + "/dup.jsonl",
        "{\"type\":\"node\",\"id\":\"a\",\"labels\":[\"X\"],\"properties\":{}}\n"
        "{\"type\":\"node\",\"id\":\"a\",\"labels\":[\"X\"],\"properties\":{}}\n");
  s = test::LoadInto(*db, {{dir.path() + "/dup.jsonl"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message() == dir.path() + "/dup.jsonl:2: duplicate node id 'a'");

  Write(dir.path() + "/bad.cypher", "CREATE INDEX FOR (n:Thing) ON (n.k);\nCREATE (:Thing {k: 1});\n\nRETURN nope;\n");
  s = test::LoadInto(*db, {{dir.path() + "/bad.cypher"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message().starts_with(dir.path() + "/bad.cypher:4:8: SyntaxError"));
  CHECK(Dump(*db) == before);
  CHECK(db->Indexes().empty());  // the script's index went with it

  // The script's creations are made together; one that fails takes the
  // others with it, and is named by its own line.
  Write(dir.path() + "/schema.cypher",
        "CREATE INDEX FOR (n:Thing) ON (n.k);\nCREATE INDEX FOR (n:Thing) ON (n.j);\n"
        "CREATE CONSTRAINT FOR (n:Thing) REQUIRE n.k IS UNIQUE;\nCREATE INDEX FOR (n:Thing) ON (n.k);\n"
        "CREATE (:Thing {k: 1});\n");
  s = test::LoadInto(*db, {{dir.path() + "/schema.cypher"}}, {}, &stats);
  REQUIRE(!s.ok());
  CHECK(s.message().starts_with(dir.path() + "/schema.cypher:4: ClientError (InvalidArgument)"));
  CHECK(Dump(*db) == before);
  CHECK(db->Indexes().empty());

  s = test::LoadInto(*db, {{dir.path() + "/missing.csv"}}, {}, &stats);
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(Dump(*db) == before);
}

TEST_CASE("the bulk loader fails at the first bad relationship row, wherever its ids are looked up", "[io]") {
  // The bulk path looks a relationship's node ids up a batch (thousands of
  // rows) at a time: an unknown id must still fail the load at its own
  // line, before any later bad row, and after any earlier one.
  TempDir dir;
  std::string nodes = "id:ID,:LABEL\n";
  for (int i = 1; i <= 100; ++i) nodes += "n" + std::to_string(i) + ",Thing\n";
  Write(dir.path() + "/nodes.csv", nodes);
  auto rels = [&](int rows, std::map<int, std::string> bad) {
    std::string text = ":START_ID,:END_ID,:TYPE,w:int\n";
    for (int row = 1; row <= rows; ++row) {
      auto it = bad.find(row);
      text += it != bad.end() ? it->second + "\n"
                              : "n" + std::to_string(row % 100 + 1) + ",n" + std::to_string(row * 7 % 100 + 1) + ",R," +
                                    std::to_string(row) + "\n";
    }
    Write(dir.path() + "/rels.csv", text);
  };
  struct Case {
    int rows;
    std::map<int, std::string> bad;
    std::string error;  // after the file name
  };
  // Row r of the file is on line r + 1.
  std::vector<Case> cases = {
      {10, {{4, "n1,nobody,R,1"}}, ":5:1: unknown end node id 'nobody'"},
      {10, {{4, "ghost,n1,R,1"}, {6, "n1,n2,R,x"}}, ":5:1: unknown start node id 'ghost'"},
      {10, {{4, "n1,n2,R,x"}, {6, "ghost,n1,R,1"}}, ":5:9: 'x' in column w is not an integer"},
      {10, {{4, "n1,n2,R,1,extra"}, {6, "ghost,n1,R,1"}}, ":5:1: 5 fields, but the header has 4"},
      {10, {{9, "n1,n2,\"R"}}, ":10:7: a quoted field is not closed"},
      {10, {{3, "ghost,n1,R,1"}, {9, "n1,n2,\"R"}}, ":4:1: unknown start node id 'ghost'"},
      {9000, {{4097, "n1,n0,R,1"}}, ":4098:1: unknown end node id 'n0'"},
      {9000, {{4096, "n1,n0,R,1"}, {4097, "n1,n2,R,y"}}, ":4097:1: unknown end node id 'n0'"},
      {9000, {{5000, "n1,n2,R,y"}, {8999, "n0,n1,R,1"}}, ":5001:9: 'y' in column w is not an integer"},
      {9000, {{8999, "n1,,R,1"}}, ":9000:1: unknown end node id ''"},
      {9000, {{9000, "n1,n2,,1"}}, ":9001:1: the :TYPE field is empty"},
  };
  for (const Case& c : cases) {
    rels(c.rows, c.bad);
    auto db = test::OpenDb(dir.db());
    LoadOptions options;
    options.method = LoadOptions::Method::kBulk;
    LoadStats stats;
    Status s = test::LoadInto(*db, {{dir.path() + "/nodes.csv"}, {dir.path() + "/rels.csv"}}, options, &stats);
    REQUIRE(!s.ok());
    INFO(s.message());
    CHECK(s.message().starts_with(dir.path() + "/rels.csv" + c.error));
    Connection conn(*db);
    CHECK(conn.Execute("MATCH (n) RETURN count(n)").rows()[0][0].as_int() == 0);
  }
  // And with no bad row, every relationship is there with its own ends.
  rels(9000, {});
  auto db = test::OpenDb(dir.path() + "/good");
  LoadOptions options;
  options.method = LoadOptions::Method::kBulk;
  LoadStats stats;
  REQUIRE(test::LoadInto(*db, {{dir.path() + "/nodes.csv"}, {dir.path() + "/rels.csv"}}, options, &stats).ok());
  CHECK(stats.relationships == 9000);
  Connection conn(*db);
  auto r = conn.Execute("MATCH (a)-[r:R]->(b) WHERE a.id <> 'n' + toString(r.w % 100 + 1) OR "
                        "b.id <> 'n' + toString(r.w * 7 % 100 + 1) RETURN count(r)");
  REQUIRE(r.ok());
  CHECK(r.rows()[0][0].as_int() == 0);
  auto report = Check(*db);
  REQUIRE(report.ok());
  CHECK(report->ok());
}

// A CSV file of numbered rows for the tests of files parsed on several
// threads: row r is make(r) unless a bad row takes its place, and every
// crlf_every-th row ends in CRLF. Write notes the line each row starts on.
struct RowFile {
  std::string path, header;
  int rows;
  std::function<std::string(int)> make;
  int crlf_every;
  std::vector<int> line_of;

  size_t Write(const std::map<int, std::string>& bad) {
    line_of.assign(rows + 1, 0);
    std::string text = header + "\n";
    int line = 2;
    for (int row = 1; row <= rows; ++row) {
      line_of[row] = line;
      auto it = bad.find(row);
      std::string r = it != bad.end() ? it->second : make(row);
      text += r + (row % crlf_every == 0 ? "\r\n" : "\n");
      line += 1 + static_cast<int>(std::count(r.begin(), r.end(), '\n'));
    }
    kg::Write(path, text);
    return text.size();
  }
};

std::pair<std::unique_ptr<Database>, Status> LoadFiles(const std::string& db_dir, const std::vector<LoadFile>& files,
                                                       LoadOptions::Method method, LoadStats* stats) {
  auto db = test::OpenDb(db_dir);
  LoadOptions options;
  options.method = method;
  Status s = test::LoadInto(*db, files, options, stats);
  return {std::move(db), s};
}

// Every value of a query's rows, as one string.
std::string Values(Database& db, const std::string& query) {
  Connection conn(db);
  auto r = conn.Execute(query);
  INFO(query);
  REQUIRE(r.ok());
  std::string out;
  for (const auto& row : r.rows())
    for (const Value& v : row) out += v.ToString() + " ";
  return out;
}

// files loaded by the bulk path and by one transaction (parsed on one
// thread) give the same summary (a query's values); returns the bulk load's
// database, checked clean, and *want, the summary.
std::unique_ptr<Database> LoadsAlike(const std::string& dir, const std::vector<LoadFile>& files,
                                     const std::string& summary, LoadStats* stats, std::string* want) {
  LoadStats txn_stats;
  auto [bulk, bs] = LoadFiles(dir + "/bulk", files, LoadOptions::Method::kBulk, stats);
  auto [txn, ts] = LoadFiles(dir + "/txn", files, LoadOptions::Method::kTransaction, &txn_stats);
  REQUIRE((bs.ok() && ts.ok()));
  CHECK(stats->rows == txn_stats.rows);
  *want = Values(*txn, summary);
  CHECK(Values(*bulk, summary) == *want);
  auto report = Check(*bulk);
  REQUIRE(report.ok());
  CHECK(report->ok());
  return std::move(bulk);
}

// Bad rows put into file: the bulk load of files fails at the row named,
// with the error after its line, and leaves nothing behind.
struct BadRows {
  std::map<int, std::string> bad;
  int row;
  std::string error;
};
void CheckBadRows(RowFile& file, const std::vector<LoadFile>& files, const std::string& db_dir,
                  const std::vector<BadRows>& cases) {
  for (const BadRows& c : cases) {
    file.Write(c.bad);
    LoadStats stats;
    auto [db, s] = LoadFiles(db_dir, files, LoadOptions::Method::kBulk, &stats);
    REQUIRE(!s.ok());
    INFO(s.message());
    CHECK(s.message().starts_with(file.path + ":" + std::to_string(file.line_of[c.row]) + c.error));
    CHECK(Values(*db, "MATCH (n) RETURN count(n)") == "0 ");
  }
}

TEST_CASE("a large relationship file parsed on several threads loads as one thread loads it", "[io]") {
  // From 1 MiB the bulk loader cuts a relationship file into chunks parsed
  // on several threads: records, lines, types first seen late and errors
  // must come out as they do read in one piece.
  TempDir dir;
  std::string nodes = "id:ID,:LABEL\n";
  for (int i = 1; i <= 1000; ++i) nodes += "n" + std::to_string(i) + ",Thing\n";
  Write(dir.path() + "/nodes.csv", nodes);
  const int kRows = 50000;
  RowFile rels{dir.path() + "/rels.csv", ":START_ID,:END_ID,:TYPE,w:int,note", kRows, [](int row) {
                 std::string note = row % 5 == 0   ? "\"two\nlines, \"\"quoted\"\"\""
                                    : row % 5 == 1 ? "plain text"
                                    : row % 5 == 2 ? "\"crlf\r\ninside\""
                                                   : "";
                 const char* type = row > 40000 && row % 3 == 0 ? "LATE" : row % 2 ? "R" : "S";
                 return "n" + std::to_string(row % 1000 + 1) + ",n" + std::to_string(row * 7 % 1000 + 1) + "," + type +
                        "," + std::to_string(row) + "," + note;
               }, 4};
  REQUIRE(rels.Write({}) >= (1u << 20));
  const std::vector<LoadFile> files = {{dir.path() + "/nodes.csv"}, {rels.path}};
  {
    // Every relationship's type, ends and properties, summed up.
    LoadStats stats;
    std::string want;
    LoadsAlike(dir.path(), files,
               "MATCH (a)-[r]->(b) RETURN type(r), count(*), sum(r.w), sum(size(coalesce(r.note, '-'))), "
               "sum(toInteger(substring(a.id, 1)) * r.w + toInteger(substring(b.id, 1))), collect(DISTINCT r.note) "
               "ORDER BY type(r)",
               &stats, &want);
    CHECK(stats.relationships == kRows);
    CHECK(want.find("two\nlines, \"quoted\"") != std::string::npos);
  }
  CheckBadRows(rels, files, dir.path() + "/bad",
               {
                   {{{30001, "n1,nobody,R,1,"}}, 30001, ":1: unknown end node id 'nobody'"},
                   {{{20000, "n1,n2,R,x,"}, {45000, "ghost,n1,R,1,"}}, 20000, ":9: 'x' in column w is not an integer"},
                   {{{25000, "ghost,n1,R,1,"}, {25001, "n1,n2,R,x,"}}, 25000, ":1: unknown start node id 'ghost'"},
                   {{{1, "n1,n2,R,1"}}, 1, ":1: 4 fields, but the header has 5"},
                   {{{35000, "n1,n2,,1,"}}, 35000, ":1: the :TYPE field is empty"},
                   {{{kRows, "n1,n2,R,1,\"open"}}, kRows, ":11: a quoted field is not closed"},
               });
}

TEST_CASE("a large node file parsed on several threads loads as one thread loads it", "[io]") {
  // Node rows are parsed on several threads too, and written in file order:
  // a duplicate id is found against every row before it, wherever the
  // chunks were cut.
  TempDir dir;
  const int kRows = 40000;
  RowFile nodes{dir.path() + "/nodes.csv", "id:ID,:LABEL,name,rank:int,tags:string[]", kRows, [](int row) {
                  const char* labels = row > 30000 && row % 7 == 0 ? "Late;Thing" : row % 3 ? "Thing" : "Thing;Other";
                  std::string name = row % 4 == 0 ? "\"name\n" + std::to_string(row) + ", \"\"quoted\"\"\"" : "plain";
                  if (row == 20001) name = "\"" + std::string(700 << 10, 'x') + "\n\"";  // longer than a chunk
                  return "n" + std::to_string(row) + "," + labels + "," + name + "," + std::to_string(row % 97) +
                         ",a;b" + std::to_string(row % 5);
                }, 6};
  REQUIRE(nodes.Write({}) >= (1u << 20));
  const std::vector<LoadFile> files = {{nodes.path}};
  {
    LoadStats stats;
    std::string want;
    auto bulk = LoadsAlike(dir.path(), files,
                           "MATCH (n) RETURN labels(n) AS l, count(*), sum(n.rank * toInteger(substring(n.id, 1))), "
                           "sum(size(n.name)), collect(DISTINCT n.tags) ORDER BY l",
                           &stats, &want);
    CHECK(stats.nodes == kRows);
    CHECK(want.find("'Late'") != std::string::npos);
    CHECK(Values(*bulk, "MATCH (n {id: 'n40'}) RETURN n.name") == Value("name\n40, \"quoted\"").ToString() + " ");
    CHECK(Values(*bulk, "MATCH (n {id: 'n20001'}) RETURN size(n.name)") == std::to_string((700 << 10) + 1) + " ");
  }
  CheckBadRows(nodes, files, dir.path() + "/bad",
               {
                   {{{35000, "n7,Thing,x,1,"}}, 35000, ":1: duplicate node id 'n7'"},
                   {{{20000, "n7,Thing,x,1,"}, {20001, "n8,Thing,x,one,"}}, 20000, ":1: duplicate node id 'n7'"},
                   {{{20000, "n9,Thing,x,one,"}, {30000, "n7,Thing,x,1,"}}, 20000,
                    ":12: 'one' in column rank is not an integer"},
                   {{{kRows, ",Thing,x,1,"}}, kRows, ":1: the :ID field is empty"},
               });
}

TEST_CASE("a header may repeat a property and split labels over columns", "[io]") {
  TempDir dir;
  // The later of two columns of one name wins when it has a value; long
  // ids (kept outside the id map's slots) resolve as short ones do.
  std::string long_id = "an-identifier-longer-than-sixteen-bytes";
  Write(dir.path() + "/nodes.csv",
        "id:ID,:LABEL,name,extra:LABEL,name:int\n" + long_id + ",A,x,B,5\n2,A;C,y,,\n3,,z,A,\n");
  Write(dir.path() + "/rels.csv", ":START_ID,:END_ID,:TYPE,w:int,w\n" + long_id + ",2,R,1,one\n2," + long_id + ",R,2,\n");
  for (auto method : {LoadOptions::Method::kTransaction, LoadOptions::Method::kBulk}) {
    auto db = test::OpenDb(dir.path() + (method == LoadOptions::Method::kBulk ? "/bulk" : "/txn"));
    LoadOptions options;
    options.method = method;
    LoadStats stats;
    Status s = test::LoadInto(*db, {{dir.path() + "/nodes.csv"}, {dir.path() + "/rels.csv"}}, options, &stats);
    INFO(s.ToString());
    REQUIRE(s.ok());
    Connection conn(*db);
    auto nodes = conn.Execute("MATCH (n) RETURN n.id, labels(n), n.name ORDER BY n.id");
    REQUIRE(nodes.ok());
    REQUIRE(nodes.rows().size() == 3);
    CHECK(nodes.rows()[0][1].ToString() == "['A', 'C']");
    CHECK(nodes.rows()[0][2] == Value("y"));
    CHECK(nodes.rows()[1][1].ToString() == "['A']");
    CHECK(nodes.rows()[2][0] == Value(long_id));
    CHECK(nodes.rows()[2][1].ToString() == "['A', 'B']");
    CHECK(nodes.rows()[2][2] == Value(int64_t{5}));
    auto rels = conn.Execute("MATCH (a)-[r:R]->(b) RETURN a.name, r.w, b.name ORDER BY a.id");
    REQUIRE(rels.ok());
    REQUIRE(rels.rows().size() == 2);
    CHECK(rels.rows()[0][1] == Value(int64_t{2}));
    CHECK(rels.rows()[0][2] == Value(int64_t{5}));
    CHECK(rels.rows()[1][0] == Value(int64_t{5}));
    CHECK(rels.rows()[1][1] == Value("one"));
  }
}

TEST_CASE("JSON Lines relationships may name nodes that come later in the file", "[io]") {
  TempDir dir;
  Write(dir.path() + "/late.jsonl",
        "{\"type\":\"relationship\",\"label\":\"KNOWS\",\"start\":{\"id\":\"a\"},\"end\":{\"id\":\"b\"},"
        "\"properties\":{\"since\":2001}}\n"
        "{\"type\":\"node\",\"id\":\"a\",\"labels\":[\"P\"],\"properties\":{\"name\":\"Ann\"}}\n"
        "{\"type\":\"relationship\",\"label\":\"KNOWS\",\"start\":{\"id\":\"a\"},\"end\":{\"id\":\"nobody\"}}\n"
        "{\"type\":\"node\",\"id\":\"b\",\"labels\":[\"P\"],\"properties\":{\"name\":\"Bo\"}}\n");
  for (auto method : {LoadOptions::Method::kTransaction, LoadOptions::Method::kBulk}) {
    std::string name = method == LoadOptions::Method::kBulk ? "/bulk" : "/txn";
    auto db = test::OpenDb(dir.path() + name);
    LoadOptions options;
    options.method = method;
    LoadStats stats;
    // The relationship to a node that never comes fails the load, naming its line.
    Status s = test::LoadInto(*db, {{dir.path() + "/late.jsonl"}}, options, &stats);
    REQUIRE(!s.ok());
    CHECK(s.message() == dir.path() + "/late.jsonl:3: unknown end node id 'nobody'");
    CHECK(Dump(*db).empty());
    // Skipped as a bad row, the rest loads.
    options.max_bad = 1;
    options.rejects_path = dir.path() + name + ".rejects";
    s = test::LoadInto(*db, {{dir.path() + "/late.jsonl"}}, options, &stats);
    INFO(s.ToString());
    REQUIRE(s.ok());
    CHECK(stats.nodes == 2);
    CHECK(stats.relationships == 1);
    CHECK(stats.rejected == 1);
    Connection conn(*db);
    auto r = conn.Execute("MATCH (a:P)-[k:KNOWS]->(b:P) RETURN a.name, k.since, b.name");
    REQUIRE(r.ok());
    REQUIRE(r.rows().size() == 1);
    CHECK(r.rows()[0][0] == Value("Ann"));
    CHECK(r.rows()[0][1] == Value(int64_t{2001}));
    CHECK(r.rows()[0][2] == Value("Bo"));
  }
}

TEST_CASE("skipping bad rows writes them with their reasons to a rejects file", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  Write(dir.path() + "/people.csv",
        "id:ID,:LABEL,age:int\n1,Person,41\n2,Person,forty\n3,Person,7\n3,Person,8\n4,Person,\"x\"y\n5,Person,5\n");
  LoadOptions options;
  options.max_bad = 3;
  LoadStats stats;
  Status s = test::LoadInto(*db, {{dir.path() + "/people.csv"}}, options, &stats);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(stats.nodes == 3);
  CHECK(stats.rejected == 3);
  std::ifstream in(stats.rejects_path);
  std::stringstream rejects;
  rejects << in.rdbuf();
  CHECK(rejects.str().find("people.csv:3:10: 'forty' in column age is not an integer\n2,Person,forty\n") !=
        std::string::npos);
  CHECK(rejects.str().find("duplicate node id '3'") != std::string::npos);

  // The same through the bulk path, relationships (written on a second thread) included.
  Write(dir.path() + "/knows.csv", ":START_ID,:END_ID,:TYPE,since:int\n1,3,KNOWS,2001\n1,2,KNOWS,2002\n5,1,KNOWS,soon\n3,5,KNOWS,\n");
  auto bulk = test::OpenDb(dir.path() + "/bulk");
  LoadOptions bulk_options = options;
  bulk_options.method = LoadOptions::Method::kBulk;
  bulk_options.max_bad = 5;
  bulk_options.rejects_path = dir.path() + "/bulk.rejects";
  s = test::LoadInto(*bulk, {{dir.path() + "/people.csv"}, {dir.path() + "/knows.csv"}}, bulk_options, &stats);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(stats.bulk);
  CHECK(stats.nodes == 3);
  CHECK(stats.relationships == 2);
  CHECK(stats.rejected == 5);
  Connection bulk_conn(*bulk);
  CHECK(bulk_conn.Execute("MATCH ()-[k:KNOWS]->() RETURN sum(coalesce(k.since, 1))").rows()[0][0].as_int() == 2002);
  auto report = Check(*bulk);
  REQUIRE(report.ok());
  CHECK(report->ok());

  auto other = test::OpenDb(dir.path() + "/other");
  options.max_bad = 2;
  s = test::LoadInto(*other, {{dir.path() + "/people.csv"}}, options, &stats);
  CHECK(!s.ok());
  CHECK(s.message().starts_with("more than 2 bad rows"));
  Connection conn(*other);
  CHECK(conn.Execute("MATCH (n) RETURN count(n)").rows()[0][0].as_int() == 0);
}

TEST_CASE("check finds broken adjacency, labels, indexes and counts", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE INDEX FOR (p:Person) ON (p.name)").ok());
  REQUIRE(conn.Execute("CREATE (a:Person {name: 'a'})-[:KNOWS]->(b:Person {name: 'b'})").ok());
  auto good = Check(*db);
  REQUIRE(good.ok());
  CHECK(good->ok());
  CHECK(good->nodes == 2);
  CHECK(good->index_entries == 2);

  // Damage the store below the graph API: drop an in-key, add a stray label
  // entry and a stray index entry.
  auto store = internal::Access::Of(*db).store;
  {
    storage::StoreTransaction kv(store, false);
    std::string in_prefix;
    auto it = kv.NewIterator(storage::Keyspace::kIn);
    it->SeekToFirst();
    REQUIRE(it->Valid());
    kv.Delete(storage::Keyspace::kIn, std::string(it->key().data(), it->key().size()));
    it.reset();
    auto label = store->Lookup(storage::DictKind::kLabel, "Person");
    REQUIRE(label);
    kv.Put(storage::Keyspace::kLabels, storage::key::Label(*label, 999), "");
    kv.Put(storage::Keyspace::kIndex, storage::key::IndexEntry(store->catalog()->indexes[0].id, Value("zed"), 1), "");
    REQUIRE(kv.Commit().ok());
  }
  auto bad = Check(*db);
  REQUIRE(bad.ok());
  REQUIRE(bad->problems.size() == 3);
  CHECK(bad->problems[0].starts_with("incoming adjacency: missing entry for relationship"));
  CHECK(bad->problems[1] == "label index: stray entry for node 999 and label Person");
  CHECK(bad->problems[2].starts_with("property index: stray entry for node 1 in index"));
}

TEST_CASE("check finds entries of unknown labels and indexes, shared unique values and wrong counts", "[io]") {
  TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection conn(*db);
  REQUIRE(conn.Execute("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS UNIQUE").ok());
  REQUIRE(conn.Execute("CREATE (:Person {name: 'a'})-[:KNOWS]->(:Person {name: 'b'})").ok());
  REQUIRE(Check(*db)->ok());
  auto store = internal::Access::Of(*db).store;
  {
    storage::StoreTransaction kv(store, false);
    uint32_t unique = store->catalog()->indexes[0].id;
    // Node 2 filed under 'a' as well: a second node with one unique value.
    kv.Put(storage::Keyspace::kIndex, storage::key::IndexEntry(unique, Value("a"), 2), "");
    kv.Put(storage::Keyspace::kIndex, storage::key::IndexEntry(unique + 7, Value("x"), 1), "");
    kv.Put(storage::Keyspace::kLabels, storage::key::Label(4242, 1), "");
    auto person = store->Lookup(storage::DictKind::kLabel, "Person");
    kv.AddToCounter(storage::CounterKind::kLabel, *person, 5);
    REQUIRE(kv.Commit().ok());
  }
  auto bad = Check(*db);
  REQUIRE(bad.ok());
  std::string all;
  for (const std::string& p : bad->problems) all += p + "\n";
  INFO(all);
  CHECK(bad->problems.size() == 5);
  auto has = [&](const std::string& part) { return all.find(part) != std::string::npos; };
  CHECK(has("label index: an entry for node 1 under label id 4242, which no label has"));
  CHECK(has("property index: an entry for node 1 in index id "));
  CHECK(has("property index: stray entry for node 2 in index constraint_Person_name"));
  CHECK(has(": nodes 1 and 2 share a value"));
  CHECK(has("label Person: the stored count is 7 but there are 2"));
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

TEST_CASE("typed JSON written by AppendTypedJson parses back into the same values", "[io][json]") {
  ValueMap map{{"a", Value(1)}, {"b", Value(1.5)}, {"c", Value("x\"y")}, {"d", Value(ValueList{Value(), Value(true)})}};
  for (const Value& v : {Value(), Value(true), Value(int64_t{-9007199254740993}), Value(0.1), Value("彝良"),
                         Value(ValueList{Value(1), Value(1.0)}), Value(map)}) {
    std::string text;
    AppendTypedJson(&text, v);
    INFO(text);
    auto back = ParseJson(text);
    REQUIRE(back.ok());
    CHECK(*back == v);
  }
  std::string one;
  AppendTypedJson(&one, Value(42));
  CHECK(one == R"({"$type":"Integer","_value":"42"})");
}

}  // namespace
}  // namespace kg
