// The example datasets: they load, link to the real divisions, and keep the
// promises of their schema (every fact edge cites the document with a
// verbatim sentence; inferences are marked).
#include <fstream>
#include <set>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

std::unique_ptr<Database> LoadMinmetals(const test::TempDir& dir) {
  auto db = test::OpenDb(dir.db());
  LoadStats stats;
  Status s = test::LoadInto(*db,
                  {{std::string(KG_DATASETS_DIR) + "/china-divisions/load.cypher"},
                   {std::string(KG_DATASETS_DIR) + "/minmetals/load.cypher"}},
                  {}, &stats);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return db;
}

int64_t Count(Connection& conn, const std::string& query) {
  auto r = conn.Execute(query);
  INFO(query << "\n" << r.error().pretty);
  REQUIRE(r.ok());
  REQUIRE(r.rows().size() == 1);
  return r.rows()[0][0].as_int();
}

TEST_CASE("china-divisions: the real hierarchy, keyed by code", "[examples]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  LoadStats stats;
  REQUIRE(test::LoadInto(*db, {{std::string(KG_DATASETS_DIR) + "/china-divisions/load.cypher"}}, {}, &stats).ok());
  Connection conn(*db);
  CHECK(Count(conn, "MATCH (p:Province) RETURN count(p)") == 31);
  CHECK(Count(conn, "MATCH (p:Prefecture) RETURN count(p)") == 342);
  CHECK(Count(conn, "MATCH (c:County) RETURN count(c)") == 2854);
  // Every county reaches China in exactly three steps.
  CHECK(Count(conn, "MATCH (c:County)-[:LOCATED_IN]->(:Prefecture)-[:LOCATED_IN]->(:Province)-[:LOCATED_IN]->"
                    "(:Country {name: 'China'}) RETURN count(c)") == 2854);
  auto r = conn.Execute("MATCH (c:County {code: '530628'})-[:LOCATED_IN*]->(p:Province) "
                        "RETURN c.name, c.name_zh, p.name, p.full_name, p.iso_3166_2");
  REQUIRE(r.ok());
  REQUIRE(r.rows().size() == 1);
  CHECK(r.rows()[0][0].as_string() == "Yiliang County");
  CHECK(r.rows()[0][1].as_string() == "彝良县");
  CHECK(r.rows()[0][2].as_string() == "Yunnan");
  CHECK(r.rows()[0][3].as_string() == "Yunnan Province");
  CHECK(r.rows()[0][4].as_string() == "CN-YN");
  // Short names as people type them.
  for (const char* name : {"Beijing", "Inner Mongolia", "Guangxi", "Tibet", "Ningxia", "Xinjiang", "Hunan"})
    CHECK(Count(conn, std::string("MATCH (p:Province {name: '") + name + "'}) RETURN count(p)") == 1);
  // English county names repeat; codes do not.
  CHECK(Count(conn, "MATCH (c:County {name: 'Yiliang County'}) RETURN count(c)") == 2);
  auto report = Check(*db);
  REQUIRE(report.ok());
  CHECK(report->ok());
}

TEST_CASE("minmetals: the flagship question and the promises of the schema", "[examples]") {
  test::TempDir dir;
  auto db = LoadMinmetals(dir);
  Connection conn(*db);

  auto flagship = conn.Execute(
      "MATCH (p:Program)-[r:REACHED]->(place)-[:LOCATED_IN*0..]->(:Province {name: 'Yunnan'}) "
      "RETURN DISTINCT p.name, r.quote");
  REQUIRE(flagship.ok());
  REQUIRE(flagship.rows().size() == 1);
  CHECK(flagship.rows()[0][0].as_string() == "Selling Zhaotong Products in Beijing");
  CHECK(flagship.rows()[0][1].as_string().find("'Selling Zhaotong Products in Beijing' consumption program") !=
        std::string::npos);

  // The six paired counties, by their real codes, and the text's spellings.
  auto paired = conn.Execute(
      "MATCH (:Organization {name: 'China Minmetals'})-[:PAIRED_WITH]->(c:County)-[:LOCATED_IN*]->(p:Province) "
      "RETURN c.code ORDER BY c.code");
  REQUIRE(paired.ok());
  std::vector<std::string> codes;
  for (const auto& row : paired.rows()) codes.push_back(row[0].as_string());
  CHECK(codes == std::vector<std::string>{"433124", "520626", "520627", "530627", "530628", "530629"});
  CHECK(Count(conn, "MATCH (c:County) WHERE 'Huahuan County' IN c.aliases RETURN count(c)") == 1);
  CHECK(Count(conn, "MATCH (c:County {code: '530628'}) WHERE 'Yilaing County' IN c.aliases RETURN count(c)") == 1);
  // Mineral Core = Kuangxin is an inference, and says so.
  CHECK(Count(conn, "MATCH (p:Program {name: 'Mineral Core'}) WHERE 'Kuangxin' IN p.inferred_aliases "
                    "AND p.alias_inference CONTAINS '矿芯' AND p.aliases IS NULL RETURN count(p)") == 1);

  // Every edge outside the geography cites the document with a sentence of its text.
  CHECK(Count(conn, "MATCH ()-[r]->() WHERE r.source = 'minmetals-2021-03-01' RETURN count(r)") > 80);
  CHECK(Count(conn, "MATCH (a)-[r]->() WHERE (type(r) <> 'LOCATED_IN' OR NOT a:County AND NOT a:Prefecture AND NOT a:Province) "
                    "AND (r.source IS NULL OR r.quote IS NULL) RETURN count(r)") == 0);
  CHECK(Count(conn, "MATCH (d:Document {id: 'minmetals-2021-03-01'}) MATCH ()-[r]->() WHERE r.quote IS NOT NULL "
                    "AND NOT d.text CONTAINS r.quote RETURN count(r)") == 0);
  // Every entity outside the geography is mentioned by the document.
  CHECK(Count(conn, "MATCH (n) WHERE NOT n:Document AND NOT n:County AND NOT n:Prefecture AND NOT n:Province "
                    "AND NOT (:Document)-[:MENTIONS]->(n) RETURN count(n)") == 0);
  // The conferral of the award: both versions of its recipient, who
  // accepted it on whose behalf, at which event, on which date.
  auto conferral = conn.Execute(
      "MATCH (c:Conferral)-[:OF_AWARD]->(:Award {name: \"Exemplary Organization in China's Poverty Alleviation Fight\"}), "
      "(c)-[:AT]->(e:Event), (p:Person)-[a:ACCEPTED]->(c), (c)-[:RECIPIENT]->(o:Organization) "
      "RETURN p.name, a.on_behalf_of, e.name, toString(c.date), collect(o.name) ORDER BY p.name");
  REQUIRE(conferral.ok());
  REQUIRE(conferral.rows().size() == 1);
  CHECK(conferral.rows()[0][0].as_string() == "Wang Wenhai");
  CHECK(conferral.rows()[0][1].as_string() == "China Minmetals");
  CHECK(conferral.rows()[0][2].as_string() == "Gathering to mark China's accomplishments in poverty alleviation");
  CHECK(conferral.rows()[0][3].as_string() == "2021-02-25");
  CHECK(conferral.rows()[0][4].as_list().size() == 2);
  CHECK(Count(conn, "MATCH (:Person {name: 'Xi Jinping'})-[:PRESENTED]->(c:Conferral)-[:OF_AWARD]->(a:Award) "
                    "WHERE a.name STARTS WITH 'Role Model' RETURN count(c)") == 1);
  CHECK(Count(conn, "MATCH ()-[r:RECEIVED]->(:Award) WHERE r.on_behalf_of IS NOT NULL RETURN count(r)") == 0);
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[f:FUNDED]->(:Organization) RETURN f.amount_rmb") ==
        207000000);
  // Money adds up: its own funds once each, the facilitated funds apart.
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[f:FUNDED]->() RETURN sum(f.amount_rmb)") ==
        377000000);
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[f:FACILITATED]->() RETURN sum(f.amount_rmb)") ==
        47113000);
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[:FUNDED]->(f:Funding)-[:RECIPIENT]->(c:County) "
                    "WHERE f.amount_rmb = 170000000 RETURN count(c)") == 6);
  auto overseas = conn.Execute(
      "MATCH (:Organization {name: 'China Minmetals'})-[f:FUNDED]->() WHERE f.purpose CONTAINS 'overseas foundations' "
      "RETURN f.years_in_a_row, f.amount_rmb, f.quote");
  REQUIRE(overseas.ok());
  REQUIRE(overseas.rows().size() == 1);
  CHECK(overseas.rows()[0][0] == Value(3));
  CHECK(overseas.rows()[0][1].is_null());
  CHECK(overseas.rows()[0][2].as_string().find("introducing overseas foundations") != std::string::npos);
  // Coordinated is not launched; the rating's two years are counted from the mechanism's start.
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[:COORDINATED]->(p:Program) RETURN count(p)") == 1);
  CHECK(Count(conn, "MATCH ()-[:LAUNCHED]->(:Program {name: 'Selling Zhaotong Products in Beijing'}) RETURN count(*)") == 0);
  CHECK(Count(conn, "MATCH ()-[r:RECEIVED]->() WHERE r.since IS NOT NULL RETURN count(r)") == 0);
  CHECK(Count(conn, "MATCH ()-[r:RECEIVED]->() RETURN max(r.assessment_launched)") == 2018);
  // Numbers have their sentence and their qualifier.
  auto households = conn.Execute(
      "MATCH (:Program {name: 'futures + insurance'})-[h:HAS_STATISTIC]->(s:Statistic {unit: 'households'}) "
      "RETURN s.qualifier, s.value, h.quote");
  REQUIRE(households.ok());
  REQUIRE(households.rows().size() == 1);
  CHECK(households.rows()[0][0].as_string() == "over");
  CHECK(households.rows()[0][1] == Value(69000));
  CHECK(households.rows()[0][2].as_string().find("assisting over 69,000 rural households") != std::string::npos);
  CHECK(Count(conn, "MATCH (s:Statistic {qualifier: 'nearly'}) RETURN count(s)") == 1);
  CHECK(Count(conn, "MATCH (n) WHERE NOT n:Statistic AND NOT n:County AND NOT n:Prefecture AND NOT n:Province "
                    "AND any(k IN keys(n) WHERE n[k] IN [69000, 2000, 3000, 100, 23, 1981, 1501]) RETURN count(n)") == 0);
  CHECK(Count(conn, "MATCH (s:Statistic) WHERE NOT ()-[:HAS_STATISTIC]->(s) RETURN count(s)") == 0);
  // The national figures of Xi Jinping's speech, on the 100th anniversary of the CPC.
  auto national = conn.Execute(
      "MATCH (:Person {name: 'Xi Jinping'})-[:DELIVERED]->(:Event)-[:DECLARED]->(v:Event)-[:HAS_STATISTIC]->(s:Statistic), "
      "(v)-[m:MARKS]->(:Organization {name: 'Communist Party of China'}) "
      "RETURN s.unit, s.value, s.qualifier, m.anniversary ORDER BY s.value");
  REQUIRE(national.ok());
  REQUIRE(national.rows().size() == 3);
  CHECK(national.rows()[0][1] == Value(832));
  CHECK(national.rows()[1][1] == Value(128000));
  CHECK(national.rows()[2][1] == Value(98990000));
  CHECK(national.rows()[2][2].as_string() == "all");
  CHECK(national.rows()[0][3] == Value(100));
  // Two of the paired counties were key counties of extreme poverty (not named).
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals'})-[:HAS_STATISTIC]->(s:Statistic)-[:DESIGNATED_BY]->"
                    "(:Organization {name: 'CPAD'}) RETURN s.value") == 2);
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals Office of Poverty Alleviation'})-[:COMPILED]->"
                    "(w:Document {kind: 'white papers'}) RETURN count(w)") == 1);
  CHECK(Count(conn, "MATCH (:Document)-[d:DESCRIBES {as: 'birthplace of targeted poverty alleviation'}]->(:County {code: '433124'}) "
                    "RETURN count(d)") == 1);
  CHECK(Count(conn, "MATCH (e:Event {date_inferred: true}) RETURN count(e)") == 1);
  CHECK(Count(conn, "MATCH (:Organization {name: 'China Minmetals Party and Mass Work Department'})-[p:PART_OF {inferred: true}]->() "
                    "RETURN count(p)") == 1);
  // Full-text search: a Chinese name without spaces, and the quotes.
  auto chinese = conn.Execute(
      "CALL db.index.fulltext.queryNodes('names', '彝良') YIELD node RETURN node.code, node.name");
  REQUIRE(chinese.ok());
  REQUIRE(chinese.rows().size() == 1);
  CHECK(chinese.rows()[0][0].as_string() == "530628");
  auto kuangxin = conn.Execute(
      "CALL db.index.fulltext.queryRelationships('quotes', 'Kuangxin AND students') YIELD relationship AS r "
      "RETURN DISTINCT r.quote");
  REQUIRE(kuangxin.ok());
  REQUIRE(kuangxin.rows().size() == 1);
  CHECK(kuangxin.rows()[0][0].as_string().starts_with("In Panzhihua Technician Institute"));
  CHECK(Count(conn, "CALL db.index.fulltext.queryRelationships('quotes', 'park') YIELD relationship RETURN count(*)") >= 3);
  CHECK(Count(conn, "MATCH ()-[r {inferred: true}]->() RETURN count(r)") >= 4);
  // Dates are temporal values: what the text says happened before the ceremony.
  CHECK(Count(conn, "MATCH (d:Document) WHERE d.date = date('2021-03-01') RETURN count(d)") == 1);
  auto before = conn.Execute(
      "MATCH (ceremony:Event {date: date('2021-02-25')}) "
      "MATCH (:Document)-[m:MENTIONS]->(e:Event) WHERE e.date < ceremony.date "
      "RETURN e.name, toString(duration.between(e.date, ceremony.date)), m.quote");
  REQUIRE(before.ok());
  REQUIRE(before.rows().size() == 1);
  CHECK(before.rows()[0][0].as_string() == "Paired counties removed from the poverty list");
  CHECK(before.rows()[0][1].as_string() == "P2M26D");
  CHECK(before.rows()[0][2].as_string().starts_with("By the end of November 2020"));
  CHECK(Count(conn, "MATCH ()-[r:RECOGNIZED_BY]->() WHERE r.year < date('2021-02-25').year RETURN count(r)") == 2);
  auto report = Check(*db);
  REQUIRE(report.ok());
  CHECK(report->ok());
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

TEST_CASE("minmetals without china-divisions stops at its prerequisite and loads nothing", "[examples]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  auto r = Load(*db, {{std::string(KG_DATASETS_DIR) + "/minmetals/load.cypher"}});
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("minmetals/load.cypher:7: the minmetals graph links to the china-divisions "
                                  "example, which is not loaded") != std::string::npos);
  CHECK(test::Ok(test::Begin(*db, true).CountNodes()) == 0);
  CHECK(db->Indexes().empty());
  // Loaded in the same load after china-divisions, it finds what that made.
  auto both = Load(*db, {{std::string(KG_DATASETS_DIR) + "/china-divisions/load.cypher"},
                         {std::string(KG_DATASETS_DIR) + "/minmetals/load.cypher"}});
  INFO(both.status().ToString());
  REQUIRE(both.ok());
}

TEST_CASE("a script's kg:require line is checked in the load's transaction", "[io]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  std::string path = dir.path() + "/needs.cypher";
  std::ofstream(path) << "// kg:require MATCH (n:Base) RETURN count(n) = 2\n"
                         "CREATE (:Extra);\n";
  auto r = Load(*db, {{path}});
  REQUIRE(!r.ok());
  CHECK(r.status().message() == path + ":1: a prerequisite of the script does not hold");
  Connection(*db).Execute("CREATE (:Base), (:Base)");
  REQUIRE(Load(*db, {{path}}).ok());
  CHECK(test::Ok(test::Begin(*db, true).CountNodes("Extra")) == 1);
}

}  // namespace
}  // namespace kg
