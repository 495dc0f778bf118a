// Writes a small graph through the C++ API and asks it a question in
// Cypher, using only what an installed kg provides.
#include <iostream>

#include "kg/kg.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: outside DB_DIR\n";
    return 2;
  }
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) {
    std::cerr << db.status().ToString() << "\n";
    return 1;
  }
  kg::Connection conn(**db);
  auto made = conn.Execute(
      "CREATE (:Province {name: 'Yunnan'})<-[:LOCATED_IN]-(:County {name: 'Zhenxiong'})"
      "<-[:REACHED]-(:Program {name: 'Selling Zhaotong Products in Beijing'})");
  if (!made.ok()) {
    std::cerr << made.error().pretty << "\n";
    return 1;
  }
  auto r = conn.Execute(
      "MATCH (p:Program)-[:REACHED]->()-[:LOCATED_IN*0..]->(:Province {name: $province}) RETURN p.name",
      {{"province", kg::Value("Yunnan")}});
  if (!r.ok() || r.rows().size() != 1) return 1;
  std::cout << "outside: " << r.rows()[0][0].as_string() << "\n";
  return 0;
}
