// Embedding kg: Cypher with parameters through a Connection, rows streamed
// to a callback, and a failed statement that changes nothing.
//
// Usage: kg_example_query_params DIR   (DIR is recreated)
#include <filesystem>
#include <iostream>

#include "kg/kg.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kg_example_query_params DIR\n";
    return 2;
  }
  std::filesystem::remove_all(argv[1]);
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) return 1;
  kg::Connection conn(**db);
  kg::QueryParams params{{"counties", kg::Value(kg::ValueList{kg::Value("Zhenxiong"), kg::Value("Yiliang"),
                                                              kg::Value("Weixin")})},
                         {"province", kg::Value("Yunnan")}};
  auto created = conn.Execute(
      "MERGE (p:Province {name: $province}) "
      "WITH p UNWIND $counties AS name CREATE (:County {name: name})-[:LOCATED_IN]->(p)",
      params);
  if (!created.ok()) {
    std::cerr << created.error().pretty << "\n";
    return 1;
  }
  std::cout << created.counters().nodes_created << " nodes created\n";

  int rows = 0;
  auto streamed = conn.Stream("MATCH (c:County)-[:LOCATED_IN]->(:Province {name: $province}) RETURN c.name ORDER BY c.name",
                              params, [&](const std::vector<kg::Value>& row) {
                                std::cout << "  " << row[0].as_string() << "\n";
                                return ++rows < 10;
                              });
  if (!streamed.ok() || rows != 3) return 1;

  // A failing statement is atomic: the CREATE before the error is undone.
  auto failed = conn.Execute("CREATE (:County {name: 'Nowhere'}) WITH 1 AS x RETURN x / 0");
  if (failed.ok()) return 1;
  std::cout << "failed as expected: " << failed.error().message << "\n";
  auto count = conn.Execute("MATCH (c:County) RETURN count(c)");
  if (!count.ok() || count.rows()[0][0].as_int() != 3) return 1;
  std::cout << "still " << count.rows()[0][0].as_int() << " counties\n";
  return 0;
}
