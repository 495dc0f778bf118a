// A first look at kg from C++: builds a small graph of real Chinese
// administrative geography and the programs that reached it, then asks it
// questions through the public API and a Boost.Graph algorithm.
//
// Usage: kg_demo [DIR]   (default: .kg/demo; recreated on each run)
#include <filesystem>
#include <iostream>
#include <map>

#include "kg/kg.h"

namespace {

int Fail(const kg::Status& s) {
  std::cerr << "kg_demo: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".kg/demo";
  std::filesystem::remove_all(dir);
  auto db = kg::Database::Open(dir);
  if (!db.ok()) return Fail(db.status());
  if (auto s = (*db)->CreateIndex({.label = "Place", .property = "name", .unique = true}); !s.ok()) return Fail(s);

  std::map<std::string, kg::NodeId> ids;
  {
    auto txn = (*db)->Begin();
    if (!txn.ok()) return Fail(txn.status());
    auto place = [&](const std::string& label, const std::string& name) {
      ids[name] = *txn->CreateNode({"Place", label}, {{"name", name}});
    };
    place("Country", "China");
    place("Province", "Yunnan");
    place("Prefecture", "Zhaotong");
    place("County", "Zhenxiong");
    place("County", "Weixin");
    place("Province", "Qinghai");
    place("County", "Huangzhong");
    ids["China Minmetals"] = *txn->CreateNode({"Organization"}, {{"name", "China Minmetals"}});
    ids["Selling Zhaotong Products in Beijing"] =
        *txn->CreateNode({"Program"}, {{"name", "Selling Zhaotong Products in Beijing"}});
    auto link = [&](const std::string& from, const std::string& type, const std::string& to) {
      return txn->CreateEdge(ids.at(from), type, ids.at(to)).status();
    };
    for (auto [from, type, to] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"Yunnan", "LOCATED_IN", "China"},
             {"Qinghai", "LOCATED_IN", "China"},
             {"Zhaotong", "LOCATED_IN", "Yunnan"},
             {"Zhenxiong", "LOCATED_IN", "Zhaotong"},
             {"Weixin", "LOCATED_IN", "Zhaotong"},
             {"Huangzhong", "LOCATED_IN", "Qinghai"},
             {"China Minmetals", "PAIRED_WITH", "Zhenxiong"},
             {"China Minmetals", "PAIRED_WITH", "Weixin"},
             {"China Minmetals", "LAUNCHED", "Selling Zhaotong Products in Beijing"},
             {"Selling Zhaotong Products in Beijing", "REACHED", "Zhenxiong"},
             {"Selling Zhaotong Products in Beijing", "REACHED", "Weixin"}})
      if (auto s = link(from, type, to); !s.ok()) return Fail(s);
    if (auto s = txn->Commit(); !s.ok()) return Fail(s);
  }

  auto txn = (*db)->Begin({.read_only = true});
  if (!txn.ok()) return Fail(txn.status());
  std::cout << "kg demo database at " << dir << ": " << *txn->CountNodes() << " nodes, "
            << *txn->CountEdges() << " edges, " << *txn->CountNodes("County") << " counties\n\n";

  // Which programs reached places in Yunnan? Walk LOCATED_IN backwards from
  // the province (a k-hop search on the store), then REACHED backwards.
  auto yunnan = txn->FindNodes("Place", "name", "Yunnan");
  if (!yunnan.ok()) return Fail(yunnan.status());
  auto within = kg::KHopNeighborhood(*txn, yunnan->front(), 5,
                                     {.edge_types = {"LOCATED_IN"}, .direction = kg::Direction::kIn});
  if (!within.ok()) return Fail(within.status());
  std::cout << "Programs that reached places in Yunnan:\n";
  std::map<std::string, std::vector<std::string>> reached;
  for (const auto& h : *within)
    for (const auto& e : *txn->GetEdges(h.node, kg::Direction::kIn, "REACHED"))
      reached[txn->GetNode(e.source)->properties.at("name").as_string()].push_back(
          txn->GetNode(h.node)->properties.at("name").as_string());
  for (const auto& [program, places] : reached) {
    std::cout << "  " << program << " ->";
    for (const auto& p : places) std::cout << " " << p;
    std::cout << "\n";
  }

  auto path = kg::ShortestPath(*txn, ids["China Minmetals"], ids["China"]);
  if (!path.ok()) return Fail(path.status());
  std::cout << "\nShortest path from China Minmetals to China:";
  for (const kg::Value& n : (*path)->nodes) std::cout << " (" << n.as_node().properties.at("name").as_string() << ")";
  std::cout << "\n";
  return 0;
}
