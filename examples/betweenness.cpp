// Embedding kg: a stock Boost.Graph algorithm (Brandes betweenness
// centrality) run directly on the stored graph through kg::GraphView, the
// opt-in BGL adapter over a read snapshot.
//
// Usage: kg_example_betweenness DIR   (DIR is recreated)
#include <filesystem>
#include <iostream>
#include <vector>

#include <boost/graph/betweenness_centrality.hpp>

#include "kg/graph_view.h"
#include "kg/kg.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kg_example_betweenness DIR\n";
    return 2;
  }
  std::filesystem::remove_all(argv[1]);
  auto db = kg::Database::Open(argv[1]);
  if (!db.ok()) return 1;
  kg::Connection conn(**db);
  // A chain of divisions with a side branch: Zhaotong City sits on every
  // path between its counties and the rest.
  auto r = conn.Execute(
      "CREATE (c:Country {name: 'China'}), (y:Province {name: 'Yunnan'}), (z:Prefecture {name: 'Zhaotong City'}),"
      "       (a:County {name: 'Zhenxiong County'}), (b:County {name: 'Yiliang County'}), (w:County {name: 'Weixin County'}),"
      "       (a)-[:LOCATED_IN]->(z), (b)-[:LOCATED_IN]->(z), (w)-[:LOCATED_IN]->(z),"
      "       (z)-[:LOCATED_IN]->(y), (y)-[:LOCATED_IN]->(c)");
  if (!r.ok()) return 1;

  auto txn = (*db)->Begin({.read_only = true});
  if (!txn.ok()) return 1;
  kg::GraphView g(*txn, {.edge_types = {"LOCATED_IN"}, .direction = kg::Direction::kBoth});
  std::vector<double> score(num_vertices(g));
  auto index = get(boost::vertex_index, g);
  boost::brandes_betweenness_centrality(g, boost::make_iterator_property_map(score.begin(), index));
  if (!g.status().ok()) return 1;

  kg::NodeId best = 0;
  double best_score = -1;
  for (kg::NodeId v : g.Vertices()) {
    double s = score[get(index, v)];
    auto node = txn->GetNode(v);
    if (!node.ok()) return 1;
    std::cout << node->properties.at("name").as_string() << ": " << s << "\n";
    if (s > best_score) best = v, best_score = s;
  }
  auto top = txn->GetNode(best);
  std::cout << "most between: " << top->properties.at("name").as_string() << "\n";
  return top->properties.at("name").as_string() == "Zhaotong City" ? 0 : 1;
}
