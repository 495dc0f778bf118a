// Core storage benchmark: a generated graph of N nodes with D out-edges each
// (default 100k nodes, 1M edges), written through the transactional API and
// read back through the public API, the store view and a CSR snapshot.
//
// Usage: kg_bench_core [DIR] [--nodes N] [--degree D] [--batch B]
// Prints one markdown table of figures.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/graph/breadth_first_search.hpp>

#include "graph/csr_graph.h"
#include "kg/kg.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

template <class T>
T Check(kg::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::cerr << what << ": " << r.status().ToString() << "\n";
    std::exit(1);
  }
  return std::move(r).value();
}

void Check(const kg::Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

struct Latency {
  double median_us, p99_us;
};

Latency Summarize(std::vector<double>& ns) {
  std::sort(ns.begin(), ns.end());
  return {ns[ns.size() / 2] / 1000.0, ns[ns.size() * 99 / 100] / 1000.0};
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

struct EdgeCounter : boost::default_bfs_visitor {
  int64_t* count;
  template <class Edge, class Graph>
  void examine_edge(Edge, const Graph&) const { ++*count; }
};

std::vector<std::pair<std::string, std::string>> rows;
void Row(const std::string& what, double value, const std::string& unit, int precision = 2) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << value << " " << unit;
  rows.emplace_back(what, s.str());
  std::cerr << what << ": " << s.str() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/kg-bench-core";
  int64_t nodes = 100000, degree = 10, batch = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--nodes" && i + 1 < argc) nodes = std::atoll(argv[++i]);
    else if (a == "--degree" && i + 1 < argc) degree = std::atoll(argv[++i]);
    else if (a == "--batch" && i + 1 < argc) batch = std::atoll(argv[++i]);
    else dir = a;
  }
  std::filesystem::remove_all(dir);
  const int64_t edges = nodes * degree;
  std::mt19937_64 rng(42);
  std::vector<kg::NodeId> ids;
  ids.reserve(nodes);

  {
    auto db = Check(kg::Database::Open(dir), "open");
    auto t0 = Clock::now();
    for (int64_t done = 0; done < nodes;) {
      auto txn = Check(db->Begin(), "begin");
      for (int64_t i = 0; i < batch && done < nodes; ++i, ++done)
        ids.push_back(Check(txn.CreateNode({"Person"}, {{"name", "person-" + std::to_string(done)}}), "node"));
      Check(txn.Commit(), "commit");
    }
    Row("node insert (batches of " + std::to_string(batch) + ")", nodes / Seconds(t0), "nodes/s", 0);

    std::uniform_int_distribution<int64_t> pick(0, nodes - 1);
    t0 = Clock::now();
    int64_t made = 0;
    while (made < edges) {
      auto txn = Check(db->Begin(), "begin");
      for (int64_t i = 0; i < batch && made < edges; ++i, ++made)
        Check(txn.CreateEdge(ids[made / degree], "KNOWS", ids[pick(rng)], {{"weight", int64_t(made % 100)}}), "edge");
      Check(txn.Commit(), "commit");
    }
    Row("edge insert (batches of " + std::to_string(batch) + ")", edges / Seconds(t0), "edges/s", 0);
  }

  auto t0 = Clock::now();
  auto db = Check(kg::Database::Open(dir), "reopen");
  Row("open (existing database)", Seconds(t0) * 1000, "ms");
  Row("on-disk size after close", DirBytes(dir) / 1048576.0, "MiB", 1);

  auto txn = Check(db->Begin({.read_only = true}), "begin");
  std::uniform_int_distribution<int64_t> pick(0, nodes - 1);
  constexpr int kSamples = 100000;
  std::vector<kg::NodeId> sample(kSamples);
  for (auto& s : sample) s = ids[pick(rng)];
  size_t sink = 0;
  for (kg::NodeId id : sample) sink += Check(txn.GetNode(id), "get").properties.size();  // warm up

  std::vector<double> ns(kSamples);
  for (int i = 0; i < kSamples; ++i) {
    auto s = Clock::now();
    sink += txn.GetNode(sample[i])->properties.size();
    ns[i] = std::chrono::duration<double, std::nano>(Clock::now() - s).count();
  }
  Latency lookup = Summarize(ns);
  Row("point lookup GetNode, median (warm)", lookup.median_us, "us");
  Row("point lookup GetNode, p99 (warm)", lookup.p99_us, "us");

  for (kg::NodeId id : sample) sink += Check(txn.GetEdges(id, kg::Direction::kOut), "edges").size();  // warm up
  for (int i = 0; i < kSamples; ++i) {
    auto s = Clock::now();
    sink += txn.GetEdges(sample[i], kg::Direction::kOut)->size();
    ns[i] = std::chrono::duration<double, std::nano>(Clock::now() - s).count();
  }
  Latency hop = Summarize(ns);
  Row("1-hop expansion GetEdges (" + std::to_string(degree) + " neighbours), median", hop.median_us, "us");
  Row("1-hop expansion GetEdges, p99", hop.p99_us, "us");

  for (int rep = 0; rep < 2; ++rep) {  // the first pass warms the cache
    t0 = Clock::now();
    int64_t scanned = 0;
    for (auto c = txn.ScanEdges(); c.Valid(); c.Next()) {
      sink += c.edge().target;
      ++scanned;
    }
    if (rep == 1) Row("full adjacency scan (ScanEdges)", scanned / Seconds(t0) / 1e6, "M edges/s");
  }

  t0 = Clock::now();
  auto csr = Check(kg::graph::BuildCsr(txn), "csr");
  Row("CSR snapshot build", Seconds(t0) * 1000, "ms", 0);
  const auto& g = csr->graph;
  std::vector<boost::default_color_type> colors(num_vertices(g));
  int64_t traversed = 0;
  t0 = Clock::now();
  // BFS from every not-yet-visited vertex: every edge is examined once.
  for (uint32_t v = 0; v < num_vertices(g); ++v) {
    if (colors[v] != boost::white_color) continue;
    boost::breadth_first_visit(
        g, v,
        boost::visitor(EdgeCounter{{}, &traversed})
            .color_map(boost::make_iterator_property_map(colors.begin(), get(boost::vertex_index, g))));
  }
  Row("CSR BFS traversal", traversed / Seconds(t0) / 1e6, "M edges/s");

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  Row("peak RSS", ru.ru_maxrss / 1024.0, "MiB", 0);

  std::cout << "| figure | value |\n|---|---|\n";
  for (auto& [what, value] : rows) std::cout << "| " << what << " | " << value << " |\n";
  return sink == 42 ? 1 : 0;
}
