// Embedding kg: load a dataset from code with kg::Load (here the minmetals
// example, a Cypher script over the china-divisions CSV files) and ask it
// the flagship question.
//
// Usage: kg_example_load_dataset DATASETS_DIR DIR   (DIR is recreated)
#include <filesystem>
#include <iostream>

#include "kg/kg.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kg_example_load_dataset DATASETS_DIR DIR\n";
    return 2;
  }
  std::string datasets = argv[1];
  std::filesystem::remove_all(argv[2]);
  auto db = kg::Database::Open(argv[2]);
  if (!db.ok()) return 1;
  auto stats = kg::Load(**db, {{datasets + "/china-divisions/load.cypher"}, {datasets + "/minmetals/load.cypher"}});
  if (!stats.ok()) {
    std::cerr << stats.status().message() << "\n";
    return 1;
  }
  std::cout << "loaded " << stats->nodes << " nodes and " << stats->relationships << " relationships\n";
  kg::Connection conn(**db);
  auto r = conn.Execute(
      "MATCH (p:Program)-[r:REACHED]->(place)-[:LOCATED_IN*0..]->(:Province {name: $province}) "
      "RETURN DISTINCT p.name AS program, r.quote AS quote",
      {{"province", kg::Value("Yunnan")}});
  if (!r.ok() || r.rows().empty()) return 1;
  for (const auto& row : r.rows()) std::cout << row[0].as_string() << "\n  \"" << row[1].as_string() << "\"\n";
  return 0;
}
