// Whole statements, writes included, against a small graph with an index, a
// uniqueness constraint and a full-text index. Each input runs under a time
// limit and a memory limit; then the database must pass kg check, a failed
// statement must have changed nothing, and every error and every string in
// a result must be valid UTF-8.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "kg/json.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr const char* kSetup =
    "CREATE (c:Country {name: 'China', code: 'CN'}), "
    "(p:Province {name: 'Yunnan', code: '53', population: 47209277}), "
    "(f:Prefecture {name: 'Zhaotong', code: '5306'}), "
    "(k:County {name: 'Zhenxiong', code: '530627', poor: true}), "
    "(o:Organization {name: 'China Minmetals', founded: date('1950-03-01')}), "
    "(g:Program {name: 'Selling Zhaotong Products in Beijing', budget: 1.5e6, tags: ['consumption', 'sales']}), "
    "(p)-[:LOCATED_IN]->(c), (f)-[:LOCATED_IN]->(p), (k)-[:LOCATED_IN]->(f), "
    "(o)-[:RUNS {since: 2016}]->(g), (g)-[:REACHED {households: 1200}]->(k), (k)-[:NEAR]->(k)";

kg::fuzz::FuzzDb& Db() {
  static kg::fuzz::FuzzDb db({kSetup, "CREATE INDEX FOR (n:County) ON (n.code)",
                              "CREATE CONSTRAINT FOR (n:Province) REQUIRE n.code IS UNIQUE",
                              "CREATE FULLTEXT INDEX names FOR (n:County|Program|Organization) ON EACH [n.name]"},
                             200);
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return -1;  // long inputs add time, not paths
  kg::fuzz::FuzzDb& db = Db();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto before = db.Counts();
  kg::Connection& conn = db.conn();
  conn.set_timeout(std::chrono::milliseconds(500));
  conn.set_memory_limit(size_t{16} << 20);
  kg::QueryResult r = conn.Execute(text);
  conn.set_timeout(std::chrono::milliseconds(0));
  conn.set_memory_limit(0);
  if (!r.ok()) {
    kg::fuzz::Require(kg::IsValidUtf8(r.error().message) && kg::IsValidUtf8(r.error().pretty),
                      "an error that is not UTF-8");
    kg::fuzz::Require(r.error().code != "DatabaseError", "an internal error: " + r.error().pretty);
    auto after = db.Counts();
    kg::fuzz::Require(after == before, "a failed statement changed the graph: " + r.error().pretty);
  } else {
    std::string out;
    for (const auto& row : r.rows())
      for (const kg::Value& v : row) kg::AppendTypedJson(&out, v);
    kg::fuzz::Require(kg::IsValidUtf8(out), "a result that is not UTF-8");
  }
  db.CheckAndTrim();
  return 0;
}
