#include "kg/algorithms.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "kg/database.h"
#include "tests/test_util.h"

using namespace kg;
using namespace kg::test;

namespace {

// a -> b -> c -> d, a -S-> c (weight 5), f -> g, e alone.
struct Small {
  TempDir dir;
  std::unique_ptr<Database> db = OpenDb(dir.db());
  NodeId a, b, c, d, e, f, g;
  EdgeId ab, bc, cd, ac;
  Small() {
    auto txn = Begin(*db);
    a = Ok(txn.CreateNode({"N"}));
    b = Ok(txn.CreateNode({"N"}));
    c = Ok(txn.CreateNode({"N"}));
    d = Ok(txn.CreateNode({"N"}));
    e = Ok(txn.CreateNode({"M"}));
    f = Ok(txn.CreateNode({"M"}));
    g = Ok(txn.CreateNode({"M"}));
    ab = Ok(txn.CreateEdge(a, "R", b, {{"w", 1}}));
    bc = Ok(txn.CreateEdge(b, "R", c, {{"w", 1}}));
    cd = Ok(txn.CreateEdge(c, "R", d, {{"w", 1.5}}));
    ac = Ok(txn.CreateEdge(a, "S", c, {{"w", 5}}));
    Ok(txn.CreateEdge(f, "R", g));
    Ok(txn.Commit());
  }
};

std::map<NodeId, int> AsMap(const std::vector<HopDistance>& v) {
  std::map<NodeId, int> m;
  for (auto h : v) m[h.node] = h.hops;
  return m;
}

}  // namespace

TEST_CASE("k-hop neighbourhoods", "[graph][algorithms]") {
  Small s;
  auto txn = Begin(*s.db, true);
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.a, 0))) == std::map<NodeId, int>{{s.a, 0}});
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.a, 1))) == std::map<NodeId, int>{{s.a, 0}, {s.b, 1}, {s.c, 1}});
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.a, 5))) ==
          std::map<NodeId, int>{{s.a, 0}, {s.b, 1}, {s.c, 1}, {s.d, 2}});
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.a, 2, {.edge_types = {"R"}}))) ==
          std::map<NodeId, int>{{s.a, 0}, {s.b, 1}, {s.c, 2}});
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.d, 1, {.direction = Direction::kIn}))) ==
          std::map<NodeId, int>{{s.d, 0}, {s.c, 1}});
  REQUIRE(AsMap(Ok(KHopNeighborhood(txn, s.b, 1, {.direction = Direction::kBoth}))) ==
          std::map<NodeId, int>{{s.b, 0}, {s.a, 1}, {s.c, 1}});
  auto sorted = Ok(KHopNeighborhood(txn, s.a, 5));
  REQUIRE(sorted.back().node == s.d);
  REQUIRE(KHopNeighborhood(txn, 999, 1).status().IsNotFound());
}

TEST_CASE("unweighted shortest paths", "[graph][algorithms]") {
  Small s;
  auto txn = Begin(*s.db, true);
  auto p = Ok(ShortestPath(txn, s.a, s.d));
  REQUIRE(p);
  REQUIRE(p->node_ids() == std::vector<NodeId>{s.a, s.c, s.d});
  REQUIRE(p->edge_ids() == std::vector<EdgeId>{s.ac, s.cd});
  REQUIRE(p->length() == 2);
  // The elements come with their data, read in the same snapshot.
  REQUIRE(p->nodes[1].as_node().id == s.c);
  REQUIRE(p->edges[1].as_edge().source == s.c);
  REQUIRE(p->edges[1].as_edge().target == s.d);
  REQUIRE_FALSE(p->edges[1].as_edge().type.empty());
  auto only_r = Ok(ShortestPath(txn, s.a, s.d, {.edge_types = {"R"}}));
  REQUIRE(only_r->node_ids() == std::vector<NodeId>{s.a, s.b, s.c, s.d});
  REQUIRE_FALSE(Ok(ShortestPath(txn, s.d, s.a)));
  REQUIRE(Ok(ShortestPath(txn, s.d, s.a, {.direction = Direction::kIn}))->node_ids() ==
          std::vector<NodeId>{s.d, s.c, s.a});
  // Followed against their direction, edges keep their stored ends.
  auto back = Ok(ShortestPath(txn, s.d, s.a, {.direction = Direction::kIn}));
  REQUIRE(back->edges[0].as_edge().source == s.c);
  REQUIRE(back->edges[0].as_edge().target == s.d);
  REQUIRE_FALSE(Ok(ShortestPath(txn, s.a, s.g)));
  REQUIRE(Ok(ShortestPath(txn, s.a, s.a))->node_ids() == std::vector<NodeId>{s.a});
}

TEST_CASE("Dijkstra by a weight property", "[graph][algorithms]") {
  Small s;
  auto txn = Begin(*s.db, true);
  auto p = Ok(CheapestPath(txn, s.a, s.d, "w"));
  REQUIRE(p->node_ids() == std::vector<NodeId>{s.a, s.b, s.c, s.d});
  REQUIRE(p->edge_ids() == std::vector<EdgeId>{s.ab, s.bc, s.cd});
  REQUIRE(PathWeight(*p, "w") == Approx(3.5));
  REQUIRE(PathWeight(*p, "missing") == 3);
  REQUIRE(Ok(CheapestPath(txn, s.a, s.c, "missing"))->node_ids() == std::vector<NodeId>{s.a, s.c});
  REQUIRE_FALSE(Ok(CheapestPath(txn, s.a, s.e, "w")));

  auto w = Begin(*s.db);
  Ok(w.SetEdgeProperty(s.bc, "w", -4));
  auto negative = CheapestPath(w, s.a, s.d, "w");
  REQUIRE(negative.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("weakly connected components", "[graph][algorithms]") {
  Small s;
  auto txn = Begin(*s.db, true);
  auto comps = Ok(WeaklyConnectedComponents(txn));
  REQUIRE(comps.size() == 3);
  REQUIRE(comps[0] == std::vector<NodeId>{s.a, s.b, s.c, s.d});
  REQUIRE(comps[1] == std::vector<NodeId>{s.f, s.g});
  REQUIRE(comps[2] == std::vector<NodeId>{s.e});
  REQUIRE(Ok(WeaklyConnectedComponents(txn, {.labels = {"M"}})).size() == 2);
}

TEST_CASE("PageRank", "[graph][algorithms]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  NodeId x = Ok(txn.CreateNode()), y = Ok(txn.CreateNode()), z = Ok(txn.CreateNode());
  Ok(txn.CreateEdge(x, "T", y));
  Ok(txn.CreateEdge(y, "T", z));
  Ok(txn.CreateEdge(z, "T", x));
  // A cycle: every node ranks the same.
  for (auto score : Ok(PageRank(txn))) REQUIRE(score.score == Approx(1.0 / 3));
  // A fourth node pointing into the cycle raises x's rank above z's.
  NodeId w = Ok(txn.CreateNode());
  Ok(txn.CreateEdge(w, "T", x));
  auto ranks = Ok(PageRank(txn));
  REQUIRE(ranks.size() == 4);
  double sum = 0;
  for (auto r : ranks) sum += r.score;
  REQUIRE(sum == Approx(1.0));
  REQUIRE(ranks[0].node == x);
  REQUIRE(ranks[0].score > ranks[2].score);
  REQUIRE(ranks[3].score < ranks[2].score);
}

TEST_CASE("PageRank spreads a dangling node's rank over every node, as NetworkX does", "[graph][algorithms]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  // a -> b, b has no relationship out. By hand, from (1/2, 1/2) with d = 0.85:
  // each round a = 0.075 + 0.425 * b, b = 0.075 + 0.425 * b + 0.85 * a.
  NodeId a = Ok(txn.CreateNode()), b = Ok(txn.CreateNode());
  Ok(txn.CreateEdge(a, "T", b));
  double ra = 0.5, rb = 0.5;
  for (int i = 0; i < 3; ++i) {
    double na = 0.075 + 0.425 * rb, nb = 0.075 + 0.425 * rb + 0.85 * ra;
    ra = na;
    rb = nb;
  }
  auto ranks = Ok(PageRank(txn, {}, 0.85, 3));
  REQUIRE(ranks.size() == 2);
  CHECK(ranks[0].score == Approx(ra).epsilon(1e-12));
  CHECK(ranks[1].score == Approx(rb).epsilon(1e-12));
  CHECK(ranks[0].score + ranks[1].score == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("betweenness centrality", "[graph][algorithms]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  auto txn = Begin(*db);
  // Directed path p -> q -> r: only q lies between (p, r).
  NodeId p = Ok(txn.CreateNode()), q = Ok(txn.CreateNode()), r = Ok(txn.CreateNode());
  Ok(txn.CreateEdge(p, "T", q));
  Ok(txn.CreateEdge(q, "T", r));
  auto scores = Ok(BetweennessCentrality(txn));
  REQUIRE(scores[0].score == 0);
  REQUIRE(scores[1].node == q);
  REQUIRE(scores[1].score == Approx(1));
  REQUIRE(scores[2].score == 0);
  // Undirected star: the centre lies between each of the 3 pairs of leaves.
  NodeId centre = Ok(txn.CreateNode({"Star"}));
  for (int i = 0; i < 3; ++i) Ok(txn.CreateEdge(Ok(txn.CreateNode({"Star"})), "L", centre));
  auto star = Ok(BetweennessCentrality(txn, {.labels = {"Star"}, .direction = Direction::kBoth}));
  REQUIRE(star.size() == 4);
  REQUIRE(star[0].node == centre);
  REQUIRE(star[0].score == Approx(3));
  REQUIRE(star[1].score == Approx(0));
}

TEST_CASE("an algorithm polls its stop function and fails with Aborted when it says so", "[graph][algorithms]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  // A ring of 20,000 nodes with chords: enough steps for every poll.
  std::vector<NodeId> ids;
  {
    auto txn = Begin(*db);
    for (int i = 0; i < 20000; ++i) ids.push_back(Ok(txn.CreateNode({"N"})));
    for (int i = 0; i < 20000; ++i) {
      Ok(txn.CreateEdge(ids[i], "R", ids[(i + 1) % 20000]));
      Ok(txn.CreateEdge(ids[i], "R", ids[(i * 7 + 3) % 20000]));
    }
    Ok(txn.Commit());
  }
  auto txn = Begin(*db, true);
  int polls = 0;
  GraphFilter stopping;
  stopping.stop = [&] {
    ++polls;
    return true;
  };
  CHECK(PageRank(txn, stopping).status().code() == StatusCode::kAborted);
  CHECK(BetweennessCentrality(txn, stopping).status().code() == StatusCode::kAborted);
  CHECK(WeaklyConnectedComponents(txn, stopping).status().code() == StatusCode::kAborted);
  CHECK(KHopNeighborhood(txn, ids[0], 20000, stopping).status().code() == StatusCode::kAborted);
  CHECK(ShortestPath(txn, ids[0], ids[19999], stopping).status().code() == StatusCode::kAborted);
  CHECK(CheapestPath(txn, ids[0], ids[19999], "w", stopping).status().code() == StatusCode::kAborted);
  CHECK(polls >= 6);
  // A stop function that never says stop changes nothing.
  GraphFilter going;
  going.stop = [] { return false; };
  auto a = PageRank(txn, going, 0.85, 20), b = PageRank(txn, {}, 0.85, 20);
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->size() == b->size());
  CHECK(a->at(17).score == b->at(17).score);
}

TEST_CASE("PageRank with a tolerance stops once the ranks settle", "[graph][algorithms]") {
  Small s;
  auto txn = Begin(*s.db, true);
  auto exact = PageRank(txn, {}, 0.85, 1000);
  auto settled = PageRank(txn, {}, 0.85, 1000, 1e-9);
  auto rough = PageRank(txn, {}, 0.85, 1000, 0.1);
  REQUIRE((exact.ok() && settled.ok() && rough.ok()));
  for (size_t i = 0; i < exact->size(); ++i) CHECK(std::abs(exact->at(i).score - settled->at(i).score) < 1e-7);
  double off = 0;
  for (size_t i = 0; i < exact->size(); ++i) off += std::abs(exact->at(i).score - rough->at(i).score);
  CHECK(off > 1e-6);  // a loose tolerance stopped early
  CHECK(PageRank(txn, {}, 0.85, 20, -1).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("k-hop neighbourhoods agree with a plain BFS, whether they stay on the store or move to a CSR snapshot",
          "[graph][algorithms]") {
  TempDir dir;
  auto db = OpenDb(dir.db());
  const int n = 3000, m = 20000;
  std::vector<NodeId> ids;
  std::vector<std::pair<int, int>> edges;
  std::mt19937 rng(5);
  {
    auto txn = Begin(*db);
    for (int i = 0; i < n; ++i) ids.push_back(Ok(txn.CreateNode({"N"})));
    std::uniform_int_distribution<int> pick(0, n - 1);
    for (int i = 0; i < m; ++i) {
      // Mostly near neighbours, some far: neighbourhoods grow slowly, then fast.
      int a = pick(rng), b = i % 4 ? (a + 1 + pick(rng) % 3) % n : pick(rng);
      edges.emplace_back(a, b);
      Ok(txn.CreateEdge(ids[a], "R", ids[b]));
    }
    Ok(txn.Commit());
  }
  auto txn = Begin(*db, true);
  for (Direction dir : {Direction::kOut, Direction::kIn, Direction::kBoth}) {
    std::vector<std::vector<int>> adj(n);
    for (auto [a, b] : edges) {
      if (dir != Direction::kIn) adj[a].push_back(b);
      if (dir != Direction::kOut) adj[b].push_back(a);
    }
    for (int start : {0, 777, 2999})
      for (int k : {1, 2, 4, 8, 30}) {
        std::map<NodeId, int> expected{{ids[start], 0}};
        std::vector<int> hop(n, -1), frontier{start};
        hop[start] = 0;
        for (int h = 1; h <= k; ++h) {
          std::vector<int> next;
          for (int v : frontier)
            for (int w : adj[v])
              if (hop[w] < 0) hop[w] = h, next.push_back(w), expected[ids[w]] = h;
          frontier = next;
        }
        GraphFilter f;
        f.direction = dir;
        auto got = KHopNeighborhood(txn, ids[start], k, f);
        REQUIRE(got.ok());
        INFO("start " << start << " k " << k << " direction " << static_cast<int>(dir));
        CHECK(AsMap(*got) == expected);
      }
  }
}
