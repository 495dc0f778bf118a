#include "kg/graph_view.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/property_map/property_map.hpp>
#include <catch2/catch.hpp>

#include "kg/database.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<GraphView>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<GraphView>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<GraphView>));
BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<GraphView>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<GraphView>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyMapConcept<GraphViewIndexMap, NodeId>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyMapConcept<GraphViewWeightMap, ViewEdge>));

namespace {

struct Fixture {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir.db());
  NodeId a, b, c, d, x;
  Fixture() {
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"P"}));
    b = Ok(txn.CreateNode({"P"}));
    c = Ok(txn.CreateNode({"P"}));
    d = Ok(txn.CreateNode({"Q"}));
    x = Ok(txn.CreateNode({"P"}));
    Ok(txn.CreateEdge(a, "R", b, {{"w", 1}}));
    Ok(txn.CreateEdge(b, "R", c, {{"w", 2.5}}));
    Ok(txn.CreateEdge(a, "S", c, {{"w", 10}}));
    Ok(txn.CreateEdge(c, "R", d));
    Ok(txn.Commit());
  }
};

}  // namespace

TEST_CASE("stock BFS runs on the store view with default maps", "[graph][bgl]") {
  Fixture f;
  auto txn = Begin(*f.db, true);
  GraphView g(txn);
  REQUIRE(num_vertices(g) == 5);
  std::vector<int> dist(num_vertices(g), -1);
  auto index = get(boost::vertex_index, g);
  dist[index[f.a]] = 0;
  boost::breadth_first_search(
      g, f.a,
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(
          boost::make_iterator_property_map(dist.begin(), index), boost::on_tree_edge()))));
  REQUIRE(dist[index[f.b]] == 1);
  REQUIRE(dist[index[f.c]] == 1);
  REQUIRE(dist[index[f.d]] == 2);
  REQUIRE(dist[index[f.x]] == -1);
  Ok(g.status());
}

TEST_CASE("the view's incidence, adjacency and degrees match the store", "[graph][bgl]") {
  Fixture f;
  auto txn = Begin(*f.db, true);
  GraphView g(txn);
  REQUIRE(out_degree(f.a, g) == 2);
  REQUIRE(in_degree(f.c, g) == 2);
  REQUIRE(degree(f.c, g) == 3);
  std::vector<NodeId> adj;
  for (auto [it, end] = adjacent_vertices(f.a, g); it != end; ++it) adj.push_back(*it);
  std::sort(adj.begin(), adj.end());
  REQUIRE(adj == std::vector<NodeId>{f.b, f.c});
  for (auto [it, end] = in_edges(f.c, g); it != end; ++it) REQUIRE(target(*it, g) == f.c);
  // Iterators are multi-pass: the same range twice.
  auto range = out_edges(f.a, g);
  REQUIRE(std::distance(range.first, range.second) == std::distance(out_edges(f.a, g).first, out_edges(f.a, g).second));
}

TEST_CASE("the view can be restricted by label and edge type, and reoriented", "[graph][bgl]") {
  Fixture f;
  auto txn = Begin(*f.db, true);
  GraphView only_r(txn, {.edge_types = {"R"}});
  REQUIRE(out_degree(f.a, only_r) == 1);
  GraphView only_p(txn, {.labels = {"P"}});
  REQUIRE(num_vertices(only_p) == 4);
  REQUIRE(out_degree(f.c, only_p) == 0);  // d is a Q
  GraphView reversed(txn, {.direction = Direction::kIn});
  REQUIRE(out_degree(f.d, reversed) == 1);
  REQUIRE(target(*out_edges(f.d, reversed).first, reversed) == f.c);
  GraphView undirected(txn, {.direction = Direction::kBoth});
  REQUIRE(out_degree(f.c, undirected) == 3);
  GraphView unknown(txn, {.edge_types = {"NOPE"}});
  REQUIRE(out_degree(f.a, unknown) == 0);
}

TEST_CASE("stock Dijkstra runs with a weight map from an edge property", "[graph][bgl]") {
  Fixture f;
  auto txn = Begin(*f.db, true);
  GraphView g(txn);
  std::vector<double> dist(num_vertices(g));
  std::vector<NodeId> pred(num_vertices(g));
  auto index = get(boost::vertex_index, g);
  boost::dijkstra_shortest_paths(g, f.a,
                                 boost::weight_map(weight_map(g, "w", 1.0))
                                     .distance_map(boost::make_iterator_property_map(dist.begin(), index))
                                     .predecessor_map(boost::make_iterator_property_map(pred.begin(), index)));
  REQUIRE(dist[index[f.c]] == Approx(3.5));  // a-b-c beats a-c (10)
  REQUIRE(pred[index[f.c]] == f.b);
  REQUIRE(dist[index[f.d]] == Approx(4.5));  // missing weight counts 1
}
