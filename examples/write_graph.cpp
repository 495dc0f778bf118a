// Embedding kg: open a database, write a small graph in one transaction,
// read it back through the graph API.
//
// Usage: kg_example_write_graph DIR   (DIR is recreated)
#include <filesystem>
#include <iostream>

#include "kg/kg.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kg_example_write_graph DIR\n";
    return 2;
  }
  std::filesystem::remove_all(argv[1]);
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) {
    std::cerr << db.status().ToString() << "\n";
    return 1;
  }
  kg::NodeId yunnan = 0;
  {
    auto txn = (*db)->Begin();
    if (!txn.ok()) return 1;
    auto province = txn->CreateNode({"Province"}, {{"name", kg::Value("Yunnan")}, {"code", kg::Value("53")}});
    auto city = txn->CreateNode({"Prefecture"}, {{"name", kg::Value("Zhaotong City")}, {"code", kg::Value("5306")}});
    auto county = txn->CreateNode({"County"}, {{"name", kg::Value("Zhenxiong County")}, {"code", kg::Value("530627")}});
    if (!province.ok() || !city.ok() || !county.ok()) return 1;
    if (!txn->CreateEdge(*county, "LOCATED_IN", *city).ok() || !txn->CreateEdge(*city, "LOCATED_IN", *province).ok())
      return 1;
    if (kg::Status s = txn->Commit(); !s.ok()) {  // nothing is visible until here
      std::cerr << s.ToString() << "\n";
      return 1;
    }
    yunnan = *province;
  }
  auto txn = (*db)->Begin({.read_only = true});
  if (!txn.ok()) return 1;
  auto in = txn->GetEdges(yunnan, kg::Direction::kIn, "LOCATED_IN");
  if (!in.ok() || in->size() != 1) return 1;
  auto prefecture = txn->GetNode((*in)[0].source);
  if (!prefecture.ok()) return 1;
  std::cout << "nodes: " << *txn->CountNodes() << ", relationships: " << *txn->CountEdges() << "\n"
            << prefecture->properties.at("name").as_string() << " is in Yunnan\n";
  return 0;
}
