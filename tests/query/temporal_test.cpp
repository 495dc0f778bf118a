// Temporal values through Cypher: stored and read back after a reopen,
// found by index seeks and range seeks exactly as by a scan, ordered among
// other types, hand-checked arithmetic, and located errors that change
// nothing.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "kg/kg.h"
#include "tests/test_util.h"

namespace kg {
namespace {

using test::Count;

QueryResult Run(Connection& c, const std::string& q) {
  QueryResult r = c.Execute(q);
  INFO(q << "\n" << r.error().pretty);
  REQUIRE(r.ok());
  return r;
}

std::string One(Connection& c, const std::string& q) {
  QueryResult r = Run(c, q);
  REQUIRE(r.rows().size() == 1);
  const Value& v = r.rows()[0][0];
  return v.is_temporal() ? TemporalText(v) : v.ToString();
}

TEST_CASE("temporal properties are stored, survive a reopen and keep their zone", "[query][temporal]") {
  test::TempDir dir;
  {
    auto db = test::OpenDb(dir.db());
    Connection c(*db);
    Run(c, "CREATE (:Event {name: 'gathering', on: date('2021-02-25'), "
           "at: datetime('2021-02-25T09:30[Asia/Shanghai]'), took: duration('PT2H30M'), "
           "slots: [localtime('09:30'), localtime('14:00')]})");
  }
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  CHECK(One(c, "MATCH (e:Event) RETURN e.on") == "2021-02-25");
  CHECK(One(c, "MATCH (e:Event) RETURN e.at") == "2021-02-25T09:30+08:00[Asia/Shanghai]");
  CHECK(One(c, "MATCH (e:Event) RETURN e.at.epochSeconds") == "1614216600");
  CHECK(One(c, "MATCH (e:Event) RETURN e.at + e.took") == "2021-02-25T12:00+08:00[Asia/Shanghai]");
  CHECK(One(c, "MATCH (e:Event) RETURN e.slots[1].hour") == "14");
  CHECK(One(c, "MATCH (e:Event) RETURN e.on.dayOfWeek") == "4");  // a Thursday
}

TEST_CASE("index seeks and range seeks over dates find what a scan finds", "[query][temporal]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  Run(c, "UNWIND range(0, 399) AS i CREATE (:Doc {i: i, d: date('2020-01-01') + duration({days: (i * 37) % 500}), "
         "scan_d: date('2020-01-01') + duration({days: (i * 37) % 500})})");
  Run(c, "CREATE (:Doc {i: -1, d: 'not a date', scan_d: 'not a date'})");
  Run(c, "CREATE INDEX FOR (n:Doc) ON (n.d)");
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> day(-20, 520);
  const char* ops[] = {"<", "<=", ">", ">="};
  for (int round = 0; round < 40; ++round) {
    std::string lo = "date('2020-01-01') + duration({days: " + std::to_string(day(rng)) + "})";
    std::string hi = "date('2020-01-01') + duration({days: " + std::to_string(day(rng)) + "})";
    std::string a = ops[round % 4], b = ops[(round / 4) % 4];
    std::string where = "n.d " + a + " " + lo + (round % 3 ? " AND n.d " + std::string(b) + " " + hi : "");
    std::string scan_where = where;
    for (size_t p; (p = scan_where.find("n.d ")) != std::string::npos;) scan_where.replace(p, 4, "n.scan_d ");
    std::string q = "MATCH (n:Doc) WHERE " + where + " RETURN n.i ORDER BY n.i";
    QueryResult plan = Run(c, "EXPLAIN " + q);
    INFO(q);
    CHECK(plan.plan().find("NodeIndexSeekByRange") != std::string::npos);
    QueryResult seek = Run(c, q);
    QueryResult scan = Run(c, "MATCH (n:Doc) WHERE " + scan_where + " RETURN n.i ORDER BY n.i");
    CHECK(seek.rows() == scan.rows());
  }
  CHECK(Count(c, "MATCH (n:Doc) WHERE n.d = date('2020-02-07') RETURN count(*)") ==
        Count(c, "MATCH (n:Doc) WHERE n.scan_d = date('2020-02-07') RETURN count(*)"));
  CHECK(Count(c, "MATCH (n:Doc) WHERE n.d > datetime('2020-02-07T00:00Z') RETURN count(*)") == 0);
  CHECK(Count(c, "MATCH (n:Doc) WHERE n.d < 'zzz' RETURN count(*)") == 1);
}

TEST_CASE("temporal values order among other types and among themselves", "[query][temporal]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  QueryResult r = Run(c, "UNWIND [1, 'a', duration('P1D'), localtime('10:00'), time('10:00+01:00'), date('2021-01-01'), "
                         "localdatetime('2021-01-01T00:00'), datetime('2021-01-01T00:00Z'), true] AS x "
                         "RETURN x ORDER BY x");
  std::vector<std::string> got;
  for (const auto& row : r.rows()) got.push_back(TypeName(row[0].type()));
  CHECK(got == std::vector<std::string>{"ZONED DATETIME", "LOCAL DATETIME", "DATE", "ZONED TIME", "LOCAL TIME",
                                        "DURATION", "STRING", "BOOLEAN", "INTEGER"});
  // Times compare by their instant: 10:00+01:00 is 09:00Z.
  CHECK(One(c, "RETURN time('10:00+01:00') < time('09:30Z')") == "true");
  CHECK(One(c, "UNWIND [date('2021-03-01'), date('2020-01-01'), date('2021-02-25')] AS d RETURN max(d)") ==
        "2021-03-01");
  CHECK(One(c, "UNWIND [date('2021-03-01'), date('2021-03-01'), date('2020-01-01')] AS d RETURN count(DISTINCT d)") ==
        "2");
}

TEST_CASE("hand-checked arithmetic and differences", "[query][temporal]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  // Adding a month keeps the day when it can, else the month's last.
  CHECK(One(c, "RETURN date('2021-01-31') + duration('P1M')") == "2021-02-28");
  CHECK(One(c, "RETURN date('2020-02-29') + duration('P1Y')") == "2021-02-28");
  // A date takes only whole days of a duration's seconds.
  CHECK(One(c, "RETURN date('2021-03-01') + duration('PT47H')") == "2021-03-02");
  // Across a daylight-saving change: days on the wall clock, hours on the instant.
  CHECK(One(c, "RETURN datetime('2021-03-27T12:00[Europe/Berlin]') + duration('P1D')") ==
        "2021-03-28T12:00+02:00[Europe/Berlin]");
  CHECK(One(c, "RETURN datetime('2021-03-27T12:00[Europe/Berlin]') + duration('PT24H')") ==
        "2021-03-28T13:00+02:00[Europe/Berlin]");
  CHECK(One(c, "RETURN duration.between(date('2021-01-31'), date('2021-03-01'))") == "P1M1D");
  CHECK(One(c, "RETURN duration.inDays(date('2021-02-25'), date('2021-03-01')).days") == "4");
  CHECK(One(c, "RETURN duration('P1DT2H') * 3") == "P3DT6H");
  CHECK(One(c, "RETURN duration('PT1H') / 4") == "PT15M");
  CHECK(One(c, "RETURN localtime('23:30') + duration('PT1H')") == "00:30");
  CHECK(One(c, "RETURN date.truncate('month', date('2021-03-17'))") == "2021-03-01");
  CHECK(One(c, "RETURN toString(datetime({epochMillis: 0, timezone: 'Asia/Shanghai'}))") ==
        "'1970-01-01T08:00+08:00[Asia/Shanghai]'");
}

TEST_CASE("date.transaction() holds for a whole transaction, date.statement() for a statement", "[query][temporal]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  REQUIRE(c.Begin().ok());
  std::string first = One(c, "RETURN datetime.transaction()");
  std::string statement = One(c, "RETURN datetime.statement()");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(One(c, "RETURN datetime.transaction()") == first);
  CHECK(One(c, "RETURN datetime.statement() > datetime.transaction()") == "true");
  CHECK(One(c, "RETURN datetime.statement()") != statement);
  CHECK(One(c, "RETURN datetime.realtime() >= datetime.statement()") == "true");
  c.Rollback();
  CHECK(One(c, "RETURN datetime.transaction() = datetime.statement()") == "true");
  CHECK(One(c, "RETURN date({timezone: 'Asia/Shanghai'}) >= date('2026-01-01')") == "true");
}

TEST_CASE("invalid temporal values are located errors that change nothing", "[query][temporal]") {
  test::TempDir dir;
  auto db = test::OpenDb(dir.db());
  Connection c(*db);
  Run(c, "CREATE (:Keep)");
  struct Bad {
    std::string query, message;
    int column;
  };
  for (const Bad& b : std::vector<Bad>{
           {"CREATE (:X {d: date('2021-02-30')})", "day 30 is out of range", 16},
           {"CREATE (:X {d: datetime('2021-03-01T10:00[Moon/Base]')})", "unknown time zone 'Moon/Base'", 16},
           {"CREATE (:X {d: date({year: 1000000000})})", "year 1000000000 is out of range", 16},
           {"CREATE (:X {d: date('2021-01-01') + duration({years: 999999999})})", "out of range", 35},
           {"CREATE (:X {d: duration('P1Q')})", "not a valid duration", 16},
           {"CREATE (:X {d: localtime({minute: 3})})", "needs an hour", 16},
       }) {
    QueryResult r = c.Execute(b.query);
    INFO(b.query << "\n" << r.error().pretty);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find(b.message) != std::string::npos);
    CHECK(r.error().line == 1);
    CHECK(r.error().column == b.column);
  }
  CHECK(Count(c, "MATCH (n) RETURN count(n)") == 1);
}

}  // namespace
}  // namespace kg
